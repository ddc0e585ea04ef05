"""presslens.reuse and presslens.framing on the real seeds: alignment, direction, edits, omissions, quotes, framing."""

from __future__ import annotations

import html
import math
import shutil
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from presslens import framing, reuse
from presslens.corpus import load_corpus
from presslens.paths import CACHE_ENV, seeds_dir
from presslens.text import sentence_spans, words

OPED, REPRINT, QUOTING, FORUM, FULL = (
    "000_f852db828fd11835", "001_9e368b0eaaa11057", "002_66a252709c82cb38", "003_2637237e9277fabb", "004_5ef0e76b6908624d",
)


def sentence_with(corpus, doc_id: str, fragment: str) -> str:
    """The body sentence of ``doc_id`` containing ``fragment`` (real seed text, found, not copied into the test)."""
    body = corpus[doc_id].body
    hits = [body[a:b] for a, b in sentence_spans(body) if fragment in body[a:b]]
    assert len(hits) == 1, f"{fragment!r} in {doc_id}: {len(hits)} sentences"
    return hits[0]


def paragraph_with(corpus, doc_id: str, fragment: str) -> str:
    hits = [p for p in corpus[doc_id].paragraphs if fragment in p]
    assert len(hits) == 1, f"{fragment!r} in {doc_id}: {len(hits)} paragraphs"
    return hits[0]


@pytest.fixture(scope="module")
def pairs(corpus):
    return reuse.reuse_pairs_table(corpus)


@pytest.fixture(scope="module")
def passages(corpus):
    return reuse.shared_passages_table(corpus)


@pytest.fixture(scope="module")
def relations(corpus):
    return reuse.reuse_relations_table(corpus)


def share(pairs: pd.DataFrame, a: str, b: str) -> float:
    row = pairs[(pairs["doc_a"] == a) & (pairs["doc_b"] == b)]
    assert len(row) == 1
    return float(row["share_a"].iloc[0])


# --------------------------------------------------------------------------- alignment


def test_reuse_pairs_one_row_per_ordered_pair_sorted(corpus, pairs):
    n = len(corpus)
    assert len(pairs) == n * (n - 1)
    assert list(pairs.columns[:6]) == ["doc_a", "doc_b", "sentences_a", "shared_sentences_a", "share_a", "similarity"]
    assert pairs.equals(pairs.sort_values(["doc_a", "doc_b"], ignore_index=True))
    assert (pairs["share_a"] == (pairs["shared_sentences_a"] / pairs["sentences_a"]).round(4)).all()
    back = pairs.set_index(["doc_b", "doc_a"])["similarity"]
    forth = pairs.set_index(["doc_a", "doc_b"])["similarity"]
    assert (forth.sort_index().values == back.rename_axis(["doc_a", "doc_b"]).sort_index().values).all()


def test_condensed_reprint_draws_most_of_its_sentences_from_its_source(pairs):
    assert share(pairs, REPRINT, FULL) >= 0.9
    assert share(pairs, FULL, REPRINT) < 0.5  # the source has much the reprint left out


def test_quoting_article_draws_part_of_its_sentences_mostly_inside_quotation_marks(pairs):
    quoting = share(pairs, QUOTING, FULL)
    assert 0.3 <= quoting < share(pairs, REPRINT, FULL)
    row = pairs[(pairs["doc_a"] == QUOTING) & (pairs["doc_b"] == FULL)].iloc[0]
    assert row["quoted_shared_a"] >= 0.5 * row["shared_sentences_a"]
    reprint_row = pairs[(pairs["doc_a"] == REPRINT) & (pairs["doc_b"] == FULL)].iloc[0]
    assert reprint_row["quoted_shared_a"] < 0.5 * reprint_row["shared_sentences_a"]


@pytest.mark.parametrize("other", [OPED, REPRINT, QUOTING, FULL])
def test_unrelated_forum_post_shares_nothing(pairs, other):
    assert share(pairs, FORUM, other) <= 0.02
    assert share(pairs, other, FORUM) <= 0.02


@pytest.mark.parametrize(
    ("doc_a", "fragment_a", "doc_b", "fragment_b", "shared"),
    [
        # the same sentence with a British spelling and "Prime Minister" capitalised
        (REPRINT, "outsize influence of their neighbour", FULL, "outsize influence of their neighbor", True),
        # quoted with an attribution, "Mahdi" as "Abdul-Mahdi"
        (QUOTING, "prop up Abdul-Mahdi", FULL, "efforts to prop up Mahdi", True),
        # cut short: the reprint drops "and the failure of the United States to protect them"
        (REPRINT, "vulnerability fuelled", FULL, "vulnerability and the failure", True),
        # same subject, different sentences
        (FORUM, "estimates range from 80 thousand", OPED, "Eight thousand one hundred", False),
        # a short sentence is not "contained" in a long one that merely shares words with it
        (FORUM, "As another watcher states:", FULL, "He told the Iranian intelligence officer about secret targeting", False),
    ],
)
def test_sentence_matching_on_seed_sentences(corpus, doc_a, fragment_a, doc_b, fragment_b, shared):
    a = sentence_with(corpus, doc_a, fragment_a)
    b = sentence_with(corpus, doc_b, fragment_b)
    alignment = reuse.align_texts({"a": a, "b": b})
    side = alignment.sides[("a", "b")]
    assert bool(side.score[0] >= alignment.options.threshold) is shared
    table = reuse.pairs_frame(alignment)
    assert int(table.set_index("doc_a").loc["a", "shared_sentences_a"]) == int(shared)


def test_every_passage_slices_its_text_out_of_both_bodies(corpus, passages):
    bodies = {d.doc_id: d.body for d in corpus}
    assert len(passages) > 0
    for row in passages.itertuples(index=False):
        assert bodies[row.doc_a][row.start_a : row.end_a] == row.text_a
        assert bodies[row.doc_b][row.start_b : row.end_b] == row.text_b
        assert row.words > 0 and 0 < row.similarity <= 100


def test_passages_appear_from_both_sides(passages):
    forth = set(passages[["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b"]].itertuples(index=False, name=None))
    back = {(b, a, sb, eb, sa, ea) for a, b, sa, ea, sb, eb in forth}
    assert forth == back
    assert passages.equals(passages.sort_values(["doc_a", "doc_b", "start_a", "start_b"], ignore_index=True))


def test_reprint_passages_cover_most_of_the_reprint(corpus, passages):
    mine = passages[(passages["doc_a"] == REPRINT) & (passages["doc_b"] == FULL)]
    assert mine["words"].sum() >= 0.9 * corpus[REPRINT].words
    assert passages[(passages["doc_a"] == FORUM)].empty


def test_lsh_candidates_find_the_same_reuse_as_exact_comparison(corpus):
    texts = {d.doc_id: d.body for d in corpus}
    exact = reuse.pairs_frame(reuse.align_texts(texts, method="exact"))
    lsh_alignment = reuse.align_texts(texts, method="lsh")
    assert lsh_alignment.method == "lsh"
    lsh = reuse.pairs_frame(lsh_alignment)
    linked = exact[exact["shared_sentences_a"] > 0][["doc_a", "doc_b", "shared_sentences_a"]]
    merged = linked.merge(lsh, on=["doc_a", "doc_b"], how="left", suffixes=("", "_lsh"))
    assert merged["shared_sentences_a_lsh"].notna().all()
    assert (merged["shared_sentences_a"] == merged["shared_sentences_a_lsh"]).all()
    assert len(lsh) < len(exact)  # the forum post is never a candidate


def _shingle_sets(corpus) -> list[list[str]]:
    opts = reuse.ReuseOptions()
    sets = []
    for doc in corpus:
        for start, end in sentence_spans(doc.body):
            tokens = words(reuse.sentence_key(doc.body[start:end]))
            sets.append(sorted({f"{x} {y}" for x, y in zip(tokens, tokens[1:])}))
    return sets + [[]]  # and a sentence without word pairs


def test_minhash_rows_are_datasketchs(corpus):
    from datasketch import MinHash

    sets = _shingle_sets(corpus)
    want = np.array([m.hashvalues for m in MinHash.bulk([[t.encode() for t in ts] for ts in sets], num_perm=64, seed=1)])
    got = reuse.units._minhashes(sets, num_perm=64, seed=1)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def _datasketch_candidates(units: dict, opts) -> set[tuple[str, str]]:
    """The candidate pairs as datasketch's own MinHashLSH index gives them (insert every sentence, query every one)."""
    from datasketch import MinHash, MinHashLSH

    owners, hashes = [], []
    for doc_id, u in units.items():
        for row in u.signatures:
            owners.append(doc_id)
            hashes.append(MinHash(num_perm=opts.num_perm, seed=opts.seed, hashvalues=row, scheme="affine32"))
    lsh = MinHashLSH(threshold=opts.lsh_threshold, num_perm=opts.num_perm)
    for k, h in enumerate(hashes):
        lsh.insert(k, h)
    return {
        (min(owners[k], owners[o]), max(owners[k], owners[o]))
        for k, h in enumerate(hashes) for o in lsh.query(h) if owners[o] != owners[k]
    }


def test_lsh_candidates_are_the_pairs_datasketchs_index_finds(tmp_path):
    from benchmarks.synthetic import write_corpus
    from presslens.corpus import load_corpus

    corpus = load_corpus(write_corpus(60, tmp_path / "syn", seed=4))
    opts = reuse.ReuseOptions()
    units = {d.doc_id: reuse.units._units(d.doc_id, d.body, opts=opts) for d in corpus}
    ids = sorted(units)
    got, skipped = reuse.candidates._candidates(ids, [units[d].signatures for d in ids], opts)
    want = _datasketch_candidates(units, opts)
    assert len(want) > 30 and got == sorted(want)
    assert skipped == {"buckets_skipped": 0, "bucket_documents_skipped": 0}


BOILERPLATE = "Click here to subscribe to our newsletter and get the latest news from the region every morning."


def _boilerplate_corpus(corpus, n: int) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """``n`` short documents, each one sentence of seed 004 of its own plus the same subscription line, and two of
    them (twice) reprinting three more sentences of 004: the reprint pairs."""
    body = corpus[FULL].body
    own = [" ".join(body[a:b].split()) for a, b in sentence_spans(body) if len(body[a:b].split()) >= 12]
    assert len(own) >= n + 6
    texts = {f"doc{k:03d}": f"{own[k]}\n\n{BOILERPLATE}" for k in range(n)}
    reprints = [("doc000", "doc001"), ("doc010", "doc011")]
    for k, (a, b) in enumerate(reprints):
        shared = " ".join(own[n + 3 * k : n + 3 * k + 3])
        texts[a] += f"\n\n{shared}"
        texts[b] += f"\n\n{shared}"
    return texts, reprints


def test_boilerplate_in_more_documents_than_the_bucket_cap_proposes_no_pairs_but_reprints_are_found(corpus):
    n = 120  # more documents than the default cap (100) share the subscription line
    texts, reprints = _boilerplate_corpus(corpus, n)
    capped = reuse.align_texts(texts, method="lsh")
    uncapped = reuse.align_texts(texts, method="lsh", max_bucket_documents=None)
    assert reuse.ReuseOptions().max_bucket_documents == 100
    # without the cap the shared line makes every pair a candidate; with it only the reprints are compared
    assert uncapped.stats["pairs_compared"] == n * (n - 1) // 2 and uncapped.stats["buckets_skipped"] == 0
    assert set(reprints) <= set(capped.compared_pairs) and capped.stats["pairs_compared"] < 10
    assert capped.stats["buckets_skipped"] >= 16 and capped.stats["bucket_documents_skipped"] == n  # in every band
    # the reprint pairs are found as fully as without the cap
    got, want = reuse.pairs_frame(capped), reuse.pairs_frame(uncapped)
    for a, b in reprints:
        rows = [(x, y) for x, y in [(a, b), (b, a)]]
        for x, y in rows:
            mine = got[(got["doc_a"] == x) & (got["doc_b"] == y)].reset_index(drop=True)
            theirs = want[(want["doc_a"] == x) & (want["doc_b"] == y)].reset_index(drop=True)
            assert len(mine) == 1 and int(mine["shared_sentences_a"].iloc[0]) == 4  # 3 reprinted + the boilerplate
            pd.testing.assert_frame_equal(mine, theirs)


def test_bucket_cap_logs_what_it_skipped_and_a_cap_above_the_corpus_changes_nothing(corpus, caplog):
    texts, reprints = _boilerplate_corpus(corpus, 24)
    with caplog.at_level("INFO", logger="presslens.reuse"):
        small_cap = reuse.align_texts(texts, method="lsh", max_bucket_documents=20)
    assert small_cap.stats["bucket_documents_skipped"] == 24 and set(reprints) <= set(small_cap.compared_pairs)
    assert any("band buckets of more than 20 documents proposed no pairs" in r.getMessage() for r in caplog.records)
    default = reuse.align_texts(texts, method="lsh")  # 24 documents: below the default cap of 100
    uncapped = reuse.align_texts(texts, method="lsh", max_bucket_documents=None)
    assert default.stats["buckets_skipped"] == 0 and default.compared_pairs == uncapped.compared_pairs
    _same_tables(default, uncapped)


def test_common_words_counts_the_shared_words_of_each_sentence_pair(corpus):
    opts = reuse.ReuseOptions()
    a, b = (reuse.units._units(d, corpus[d].body, opts=opts) for d in (REPRINT, FULL))
    got = reuse.compare._common(a.word_ptr, a.word_ids, a.word_vocab, b.word_ptr, b.word_ids, b.word_vocab)
    sets_a = [set(words(k)) for k in a.keys]
    sets_b = [set(words(k)) for k in b.keys]
    want = np.array([[len(x & y) for y in sets_b] for x in sets_a], dtype=float)
    assert got.shape == (len(a), len(b)) and np.array_equal(got, want)
    assert got.max() > 20  # the reprint's sentences are the source's


def _tables(alignment) -> tuple[pd.DataFrame, pd.DataFrame]:
    return reuse.pairs_frame(alignment), reuse.passages_frame(alignment)


def _same_tables(x, y) -> None:
    for got, want in zip(_tables(x), _tables(y)):
        pd.testing.assert_frame_equal(got, want, check_dtype=True)


def test_cached_alignment_equals_a_fresh_one_and_reads_everything(corpus, tmp_path):
    texts = {d.doc_id: d.body for d in corpus}
    fresh = reuse.align_texts(texts)
    first = reuse.align_texts(texts, cache_dir=tmp_path)
    again = reuse.align_texts(texts, cache_dir=tmp_path)
    _same_tables(first, fresh)
    _same_tables(again, fresh)
    assert first.stats["documents_computed"] == 5 and first.stats["pairs_computed"] == 10
    assert again.stats["documents_computed"] == 0 and again.stats["pairs_computed"] == 0 and again.stats["pairs_cached"] == 10
    # what the notebooks read besides the tables comes back the same from the cache
    assert again.sentences[REPRINT] == fresh.sentences[REPRINT] and again.quotes[QUOTING] == fresh.quotes[QUOTING]
    for key in [(REPRINT, FULL), (FULL, REPRINT), (QUOTING, FORUM)]:
        for name in ("best", "score", "phrases", "phrase_best"):
            assert np.array_equal(getattr(again.sides[key], name), getattr(fresh.sides[key], name))
    assert list(again.passages) == list(fresh.passages)
    pd.testing.assert_frame_equal(reuse.relations_frame(again), reuse.relations_frame(fresh))


def test_adding_a_text_computes_its_units_and_compares_only_its_pairs(corpus, tmp_path):
    texts = {d.doc_id: d.body for d in corpus}
    reuse.align_texts({k: v for k, v in texts.items() if k != REPRINT}, cache_dir=tmp_path)
    after = reuse.align_texts(texts, cache_dir=tmp_path)
    assert after.stats["documents_computed"] == 1 and after.stats["documents_cached"] == 4
    assert after.stats["pairs_computed"] == 4 and after.stats["pairs_cached"] == 6
    _same_tables(after, reuse.align_texts(texts))
    # a changed body is a new document: its pairs are compared again
    changed = dict(texts, **{FORUM: texts[FORUM] + "\n\nOne more sentence of the forum post, added later."})
    again = reuse.align_texts(changed, cache_dir=tmp_path)
    assert again.stats["documents_computed"] == 1 and again.stats["pairs_computed"] == 4
    _same_tables(again, reuse.align_texts(changed))


def test_a_damaged_reuse_cache_file_is_recomputed(corpus, tmp_path):
    texts = {d.doc_id: d.body for d in corpus}
    reuse.align_texts(texts, cache_dir=tmp_path)
    for path in sorted(tmp_path.rglob("*.pkl"))[::3]:
        path.write_bytes(b"not a pickle")
    again = reuse.align_texts(texts, cache_dir=tmp_path)
    assert again.stats["documents_computed"] + again.stats["pairs_computed"] > 0
    _same_tables(again, reuse.align_texts(texts))


def test_other_options_do_not_read_the_cache_of_the_defaults(corpus, tmp_path):
    texts = {d.doc_id: d.body for d in corpus}
    reuse.align_texts(texts, cache_dir=tmp_path)
    strict = reuse.align_texts(texts, cache_dir=tmp_path, threshold=95)
    assert strict.stats["pairs_computed"] == 10 and strict.stats["documents_computed"] == 0  # same units, other comparisons
    _same_tables(strict, reuse.align_texts(texts, threshold=95))


def test_a_mapper_running_chunks_in_worker_processes_gives_the_same_alignment(corpus):
    from concurrent.futures import ProcessPoolExecutor

    texts = {d.doc_id: d.body for d in corpus}
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = reuse.align_texts(texts, mapper=pool.map, jobs=4)
    _same_tables(parallel, reuse.align_texts(texts))


def test_alignment_is_cached_per_corpus_and_options(corpus):
    first = reuse.align_corpus(corpus)
    assert reuse.align_corpus(corpus) is first
    assert reuse.align_corpus(corpus, threshold=90) is not first


@pytest.mark.parametrize(
    "options",
    [{"threshold": 0}, {"threshold": 101}, {"method": "fast"}, {"min_words": 0}, {"colour": "red"},
     {"max_bucket_documents": 1}, {"max_bucket_documents": 2.5}, {"max_bucket_documents": True}],
)
def test_bad_options_raise_our_error(options):
    with pytest.raises(reuse.ReuseError):
        reuse.align_texts({"a": "One two three four.", "b": "One two three four."}, **options)


def test_unknown_document_names_the_documents(corpus):
    with pytest.raises(reuse.ReuseError, match="no document 'nope'"):
        reuse.sentence_matches_table(corpus, doc_a="nope", doc_b=FULL)


# --------------------------------------------------------------------------- direction and type


def relation(relations: pd.DataFrame, a: str, b: str) -> pd.Series:
    x, y = sorted((a, b))
    row = relations[(relations["doc_a"] == x) & (relations["doc_b"] == y)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize(
    ("derived", "kind"),
    [(REPRINT, "condensed reprint"), (QUOTING, "partial reuse"), (OPED, "partial reuse")],
)
def test_type_and_direction_of_each_use_of_the_full_article(relations, derived, kind):
    row = relation(relations, derived, FULL)
    assert (row["source"], row["derived"], row["type"]) == (FULL, derived, kind)
    assert row["direction_basis"].startswith("containment (") and "published date unknown for" in row["direction_basis"]
    assert row["containment_derived"] > row["containment_source"]  # the evidence the direction rests on, in the row
    assert row["via"] == ""


@pytest.mark.parametrize("other", [OPED, REPRINT, QUOTING, FULL])
def test_forum_post_is_unrelated(relations, other):
    row = relation(relations, FORUM, other)
    assert row["type"] == "unrelated" and row["source"] == "" and row["derived"] == ""


def test_two_users_of_one_article_are_linked_via_it(relations):
    row = relation(relations, REPRINT, QUOTING)
    assert row["type"] != "unrelated"
    assert row["via"] == FULL


def test_known_dates_decide_direction_and_contradictions_are_noted(corpus):
    alignment = reuse.align_corpus(corpus)
    dates = {REPRINT: "2019-11-18", FULL: "2019-11-20"}  # the reprint dated first, against containment
    frame = reuse.relations_frame(alignment, dates=dates)
    row = relation(frame, REPRINT, FULL)
    assert (row["source"], row["derived"]) == (REPRINT, FULL)
    assert row["direction_basis"].startswith("published dates")
    assert "dates say the opposite" in row["note"]


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ({"containment": 0.95, "containment_back": 0.9, "sentence_share": 0.9, "unquoted": 0.9}, "reprint"),
        ({"containment": 0.95, "containment_back": 0.3, "sentence_share": 0.9, "unquoted": 0.9}, "condensed reprint"),
        # a text made of quotations of the source quotes it: partial reuse, not a reprint
        ({"containment": 0.8, "containment_back": 0.07, "sentence_share": 0.8, "unquoted": 0.8, "quoted_in_derived": 0.83}, "partial reuse"),
        ({"containment": 0.2, "containment_back": 0.1, "sentence_share": 0.1, "unquoted": 0.2, "baseline": 0.03,
          "unquoted_shingles": 60}, "partial reuse"),
        # no more than same-corpus pairs share: not reuse, whatever the raw overlap
        ({"containment": 0.2, "containment_back": 0.1, "sentence_share": 0.0, "unquoted": 0.2, "baseline": 0.2,
          "unquoted_shingles": 60}, "unrelated"),
        # too few shared words to be more than a stock phrase or two
        ({"containment": 0.2, "containment_back": 0.1, "sentence_share": 0.0, "unquoted": 0.2, "unquoted_shingles": 1}, "unrelated"),
        ({"containment": 0.1, "containment_back": 0.1, "sentence_share": 0.0, "unquoted": 0.0, "unquoted_shingles": 0,
          "shared_quote_shingles": 30}, "shared quotes only"),
        ({"containment": 0.0, "containment_back": 0.0, "sentence_share": 0.0, "unquoted": 0.0}, "unrelated"),
    ],
)
def test_classification_rules(numbers, expected):
    assert reuse.classify_reuse(**numbers) == expected


def test_thresholds_are_the_fitted_data():
    from presslens.reuse.fitted import FITTED

    assert (reuse.WHOLLY_MIN, reuse.PARTIAL_MIN) == (FITTED["wholly_min"], FITTED["partial_min"])
    assert reuse.PARTIAL_MIN_SHINGLES == FITTED["partial_min_shingles"]
    assert 0 < reuse.PARTIAL_MIN < reuse.WHOLLY_MIN < 1 and 1 < reuse.PARTIAL_MIN_SHINGLES < 60


def test_main_relation_is_the_reprint(relations):
    assert reuse.main_relation(relations) == (FULL, REPRINT)


# --------------------------------------------------------------------------- edits


@pytest.mark.parametrize(
    ("source_fragment", "derived_fragment", "kind", "text_a", "text_b"),
    [
        ("outsize influence of their neighbor", "outsize influence of their neighbour", "spelling", "neighbor", "neighbour"),
        ("ouster of the prime minister", "ouster of the Prime Minister", "case", "prime", "Prime"),
        ("vulnerability and the failure", "vulnerability fuelled", "spelling", "fueled", "fuelled"),
        ("vulnerability and the failure", "vulnerability fuelled", "dropped", "and the failure of the United States to protect them", ""),
        ("gateway for Iranian power", "gateway for Iranian power", "dropped",
         ", connecting the Islamic Republic's geography of dominance from the shores of the Arabian Gulf to the Mediterranean Sea", ""),
    ],
)
def test_word_diff_between_source_and_reprint_sentences(corpus, source_fragment, derived_fragment, kind, text_a, text_b):
    a = sentence_with(corpus, FULL, source_fragment)
    b = sentence_with(corpus, REPRINT, derived_fragment)
    edits = reuse.word_diff(a, b)
    assert (kind, text_a, text_b) in [(e.kind, e.text_a, e.text_b) for e in edits]
    for e in edits:
        assert a[e.start_a : e.end_a] == e.text_a and b[e.start_b : e.end_b] == e.text_b


def test_word_diff_names_a_changed_place(corpus):
    source = sentence_with(corpus, FULL, "shores of the Arabian Gulf")
    edited = source.replace("Arabian Gulf", "Persian Gulf")
    assert [(e.kind, e.text_a, e.text_b) for e in reuse.word_diff(source, edited)] == [("wording", "Arabian", "Persian")]
    assert reuse.word_diff(source, source.replace("'", "\u2019").replace(" - ", " \u2014 ")) == []  # typography only


def test_passage_edits_carry_body_offsets(corpus):
    edits = reuse.passage_edits_table(corpus, doc_a=FULL, doc_b=REPRINT)
    assert {"spelling", "dropped", "case"} <= set(edits["kind"])
    bodies = {d.doc_id: d.body for d in corpus}
    for row in edits.itertuples(index=False):
        assert bodies[FULL][row.start_a : row.end_a] == row.text_a
        assert bodies[REPRINT][row.start_b : row.end_b] == row.text_b
    assert edits["text_a"].str.contains("Arabian Gulf").any()


def test_side_by_side_escapes_document_text(corpus):
    source = sentence_with(corpus, FULL, "outsize influence of their neighbor")
    reprint = sentence_with(corpus, REPRINT, "outsize influence of their neighbour")
    hostile = reprint.replace("burning Iranian flags", 'burning <script>alert("x")</script> <img src=x onerror=alert(1)> flags')
    assert hostile != reprint
    frame = reuse.passages_frame(reuse.align_texts({"a": source, "b": hostile}))
    assert len(frame) == 2
    out = reuse.side_by_side_html(frame, doc_a="a", doc_b="b", labels={"a": "<b>004</b>", "b": "001 & co"})
    assert "<script" not in out and "<img" not in out and "<b>004" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x" in out and "&lt;b&gt;004" in out and "001 &amp; co" in out
    assert html.escape("neighbour") in out and "<ins" in out and "<del" in out


def test_side_by_side_of_the_reprint_shows_its_edits(corpus, passages):
    out = reuse.side_by_side_html(passages, doc_a=FULL, doc_b=REPRINT, labels={d.doc_id: d.label for d in corpus}, max_passages=20)
    assert "neighbour</ins>" in out and "neighbor</del>" in out
    assert "Arabian Gulf" in out and out.count("<tr>") >= 2


# --------------------------------------------------------------------------- omissions


def test_omissions_of_the_reprint(corpus, pairs):
    omitted = reuse.omissions_table(corpus, source=FULL, derived=REPRINT)
    texts = " ".join(omitted["text"])
    assert "spy thriller" in texts  # the reprint leaves out the espionage-capers paragraph
    assert "In mid-October" not in texts
    row = pairs[(pairs["doc_a"] == FULL) & (pairs["doc_b"] == REPRINT)].iloc[0]
    assert len(omitted) == row["sentences_a"] - row["shared_sentences_a"]
    body = corpus[FULL].body
    assert all(body[r.start : r.end] == r.text for r in omitted.itertuples(index=False))
    assert (omitted["best_score"] < 80).all()
    runs = reuse.omitted_runs(omitted, corpus)
    assert runs["sentences"].sum() == len(omitted) and len(runs) < len(omitted)
    kept = reuse.sentence_matches_table(corpus, doc_a=FULL, doc_b=REPRINT).query("status == 'shared'")
    for run in runs.itertuples(index=False):
        assert body[run.start : run.end] == run.text
        assert not ((kept["start"] >= run.start) & (kept["end"] <= run.end)).any()  # no kept sentence inside a run


def test_omissions_list_the_figures_and_entities_that_go_missing(corpus):
    body = corpus[FULL].body
    number = body.index("4,500 U.S. troops")
    name = body.index("Hassan Danaiefar")
    figures = pd.DataFrame(
        [{"doc_id": FULL, "part": "body", "start": number, "end": number + 5, "kind": "deaths"}]
    )
    mentions = pd.DataFrame(
        [
            {"doc_id": FULL, "part": "body", "entity": "U.S.", "start": number + 6, "end": number + 10},
            {"doc_id": FULL, "part": "body", "entity": "Hassan Danaiefar", "start": name, "end": name + 16},
        ]
    )
    omitted = reuse.omissions_table(corpus, source=FULL, derived=REPRINT, figures=figures, mentions=mentions)
    hit = omitted[omitted["text"].str.contains("4,500 U.S. troops")]
    assert hit["figures"].tolist() == ["4,500 (deaths)"] and hit["entities"].tolist() == ["U.S."]
    assert not omitted["entities"].str.contains("Danaiefar").any()  # the reprint keeps that sentence
    lost = reuse.lost_entities_table(mentions, omitted, source=FULL, derived=REPRINT)
    assert lost["entity"].tolist() == ["U.S."] and lost["derived_mentions"].tolist() == [0]
    with pytest.raises(reuse.ReuseError, match="lacks column"):
        reuse.omissions_table(corpus, source=FULL, derived=REPRINT, figures=figures.drop(columns="part"))


# --------------------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("doc_id", "fragment", "quote_start", "speaker", "basis"),
    [
        (FULL, "Jabr told the intelligence ministry officer", "I put my hands", "Jabr", "named"),
        (FULL, "Jabr recalled", "came to me", "Jabr", "named"),
        (FULL, "Gheis Ghoreishi, confirmed", "We have a good number", "Gheis Ghoreishi", "pronoun resolved"),
        (FULL, "Hassan Danaiefar, Iran's ambassador", "Yes, we have a lot", "Hassan Danaiefar", "pronoun resolved"),
        (FULL, "Hassan Danaiefar, Iran's ambassador", "There is a wide gap", "Hassan Danaiefar", "continues previous quote"),
        (FULL, "collaborating will be financial", "The subject's incentive", "the report", "named"),
        (FULL, "one Iranian case officer wrote", "Not only doesn't he", "one Iranian case officer", "named"),
        (FULL, "I worked for Iraq and did not work", "I worked for Iraq", "", "pronoun unresolved"),
        (QUOTING, "The Intercept wrote in their joint report", "The archive is made up", "The Intercept", "named"),
        (QUOTING, "According to The Intercept", "It is unclear what came", "The Intercept", "named"),
        (REPRINT, "its author reported", "the area around Jurf", "its author", "named"),
    ],
)
def test_quote_speakers_on_seed_paragraphs(corpus, doc_id, fragment, quote_start, speaker, basis):
    paragraph = paragraph_with(corpus, doc_id, fragment)
    quotes = [q for q in reuse.extract_quotes(paragraph) if q.text.startswith(quote_start)]
    assert len(quotes) == 1
    assert (quotes[0].speaker, quotes[0].basis) == (speaker, basis)


def test_nested_straight_quotes_in_the_forum_post(corpus):
    paragraph = paragraph_with(corpus, FORUM, "Alpha list")
    texts = [paragraph[a:b] for a, b, _ in reuse.quote_spans(paragraph)]
    assert 'not mention or refer to the "Alpha list" outside the Alpha List' in texts
    assert "Alpha list" not in texts  # the inner quotation belongs to the outer one


# A statement copied the way web pages carry it: British single quotes, and a quotation split into paragraphs
# whose opening mark is not repeated (the palace statement that five outlets of one story all quote).
STATEMENT_SINGLE = (
    "The statement from Royal Communications reads: 'The Queen died peacefully at Balmoral this afternoon.\n\n"
    "The King and The Queen Consort will remain at Balmoral this evening and will return to London tomorrow.'\n\n"
    "The Queen's eldest son and heir, Prince Charles, is now king; the dogs' kennels were closed.\n"
)
STATEMENT_DOUBLE = (
    "Buckingham Palace said in a statement: \u201cThe Queen died peacefully at Balmoral this afternoon. The King and "
    "The Queen Consort will remain at Balmoral this evening and will return to London tomorrow.\u201d\n\n"
    "Crowds gathered outside the palace gates in the rain as the news spread across the capital.\n"
)


def test_single_quotes_and_a_quotation_split_into_paragraphs_are_quotations():
    texts = [STATEMENT_SINGLE[a:b] for a, b, _ in reuse.quote_spans(STATEMENT_SINGLE)]
    assert texts == ["The Queen died peacefully at Balmoral this afternoon.\n\nThe King and The Queen Consort will remain "
                     "at Balmoral this evening and will return to London tomorrow."]  # apostrophes (Queen's, dogs') are not


def test_a_quotation_open_at_a_paragraph_end_is_not_carried_past_the_next_opening_mark():
    text = '"We will rebuild," the mayor said. "Every school\n\n"and every clinic," she added.\n\nThe rain went on.\n'
    texts = [text[a:b] for a, b, _ in reuse.quote_spans(text)]
    assert texts == ["We will rebuild,", "Every school", "and every clinic,"]  # news style: the next paragraph opens again


def test_two_reports_quoting_one_statement_share_quotes_only():
    """Two outlets quoting the same third-party statement, one in single quotes split over paragraphs: not reuse."""
    table = reuse.relations_frame(reuse.align_texts({"a": STATEMENT_SINGLE, "b": STATEMENT_DOUBLE}, method="exact"))
    row = table.iloc[0]
    assert row["type"] == "shared quotes only", row.to_dict()
    assert row["quote_shingle_share"] > 0.9 and row["source"] == ""


def test_quotes_table_offsets_and_ids(corpus):
    quotes = reuse.quotes_table(corpus)
    assert set(quotes["doc_id"]) == {d.doc_id for d in corpus}
    bodies = {d.doc_id: d.body for d in corpus}
    assert all(bodies[r.doc_id][r.start : r.end] == r.text for r in quotes.itertuples(index=False))
    assert quotes["quote_id"].is_unique
    assert (quotes["words"] >= 2).all()


def test_quote_matrix_shows_which_outlets_carry_a_quote(corpus):
    matrix = reuse.quote_matrix(corpus, labels=False)
    special = matrix[matrix["quote"] == "special relationship with the IRI"].iloc[0]
    assert [special[d] for d in (REPRINT, QUOTING, FULL, FORUM)] == ["quoted", "quoted", "quoted", ""]
    meetings = matrix[matrix["quote"].str.startswith("Meetings are arranged in dark alleyways")].iloc[0]
    assert (meetings[QUOTING], meetings[FULL], meetings[REPRINT]) == ("quoted", "in text", "")
    assert (matrix["documents"] >= 2).all()
    assert matrix["documents"].is_monotonic_decreasing


def _quote_clusters_one_by_one(corpus, threshold):
    """The quotation clusters by the definition (each quotation, longest first, joins the first cluster it matches)."""
    from rapidfuzz import fuzz

    from presslens.reuse.units import sentence_key

    keyed = [(r, sentence_key(r.text)) for r in reuse.quotes_table(corpus, min_words=3).itertuples(index=False)]
    keyed.sort(key=lambda rk: (-len(rk[1]), rk[0].doc_id, rk[0].start))
    clusters = []
    for row, key in keyed:
        for cluster in clusters:
            rep = cluster[0]
            if fuzz.ratio(key, rep) >= threshold or (len(key) >= 0.5 * len(rep) and fuzz.partial_ratio(key, rep) >= threshold):
                cluster[1].add(row.doc_id)
                break
        else:
            clusters.append((key, {row.doc_id}))
    return clusters


@pytest.mark.parametrize("threshold", [40.0, 85.0, 97.0])
def test_quote_matrix_clusters_quotations_as_trying_each_cluster_in_turn_would(corpus, threshold):
    """Scoring only the clusters within reach, all at once, finds the clusters of the definition, at any threshold."""
    matrix = reuse.quote_matrix(corpus, labels=False, threshold=threshold, min_documents=1)
    expected = _quote_clusters_one_by_one(corpus, threshold)
    assert len(matrix) == len(expected)
    by_quote = {r.quote: r for r in matrix.itertuples(index=False)}
    doc_ids = [d.doc_id for d in corpus]
    quoted = {q: {d for d, v in zip(doc_ids, row[4:]) if v == "quoted"} for q, row in by_quote.items()}
    # each cluster's members quote it (the matrix may add documents whose longer quotation contains it)
    from presslens.reuse.units import sentence_key

    keys = {sentence_key(q): q for q in by_quote}
    assert all(members <= quoted[keys[key]] for key, members in expected)


# --------------------------------------------------------------------------- framing


def test_terms_of_a_seed_sentence(corpus):
    sentence = sentence_with(corpus, REPRINT, "head of Iran’s powerful Quds Force")
    found = framing.terms(sentence)
    assert "quds force" in found and "iran" in found and "soleimani" in found
    assert not {"the", "of", "and", "he", "was"} & set(found)


def test_log_odds_matches_monroe_et_al_equation_22(corpus):
    own = Counter(framing.terms(corpus[FORUM].body))
    rest = Counter(framing.terms(corpus[FULL].body))
    prior = {t: 0.1 * (own[t] + rest[t]) for t in set(own) | set(rest)}
    frame = framing.log_odds_dirichlet(own, rest, prior=prior).set_index("term")
    n_i, n_j, a0 = sum(own.values()), sum(rest.values()), sum(prior.values())
    term = "stratfor"
    y_i, y_j, a = own[term], rest[term], prior[term]
    delta = math.log((y_i + a) / (n_i + a0 - y_i - a)) - math.log((y_j + a) / (n_j + a0 - y_j - a))
    assert frame.loc[term, "log_odds"] == pytest.approx(delta)
    assert frame.loc[term, "z"] == pytest.approx(delta / math.sqrt(1 / (y_i + a) + 1 / (y_j + a)))
    swapped = framing.log_odds_dirichlet(rest, own, prior=prior).set_index("term")
    assert (swapped["log_odds"] + frame["log_odds"]).abs().max() < 1e-9


def test_log_odds_needs_a_prior_for_every_term():
    with pytest.raises(framing.FramingError, match="no positive pseudo-count"):
        framing.log_odds_dirichlet({"cables": 2}, {"forum": 1}, prior={"cables": 1.0})


@pytest.mark.parametrize(("doc_id", "term"), [(FORUM, "stratfor"), (FORUM, "nuclear"), (OPED, "documents")])
def test_distinctive_terms_of_each_source(corpus, doc_id, term):
    top = framing.top_terms(framing.framing_terms(corpus), n=10)
    assert term in top[top["doc_id"] == doc_id]["term"].tolist()


def test_framing_can_leave_a_sources_reprints_out_of_the_rest(corpus, relations):
    partners = reuse.reprint_partners(relations)
    assert partners == {FULL: {REPRINT}, REPRINT: {FULL}}
    plain = framing.framing_terms(corpus).set_index(["doc_id", "term"])
    apart = framing.framing_terms(corpus, exclude=partners).set_index(["doc_id", "term"])
    key = (FULL, "soleimani")
    assert apart.loc[key, "n_rest"] < plain.loc[key, "n_rest"]
    assert apart.loc[key, "z"] > plain.loc[key, "z"]



def _reference_terms(text: str, ngram_max: int) -> list[str]:
    """The documented definition of :func:`framing.terms`, word by word: content words, then phrases within a sentence."""
    from presslens.reuse.framing import _term_word

    single, phrases = [], []
    for start, end in sentence_spans(text) or [(0, len(text))]:
        runs, run = [], []
        for token in words(text[start:end]):
            word = _term_word(token)
            if word:
                single.append(word)
                run.append(word)
            else:
                runs.append(run)
                run = []
        runs.append(run)
        for r in runs:
            for n in range(2, ngram_max + 1):
                phrases.extend(" ".join(r[i : i + n]) for i in range(len(r) - n + 1))
    return single + phrases


def _reference_framing(texts, *, ngram_max=2, prior_scale=0.1, min_count=2, exclude=None) -> pd.DataFrame:
    """Each text's terms against the pooled rest (less its ``exclude``), with :func:`framing.log_odds_dirichlet` term by term."""
    from presslens.text import count_words

    counts = {d: Counter(_reference_terms(t, ngram_max)) for d, t in sorted(texts.items())}
    counts = {d: c for d, c in counts.items() if c}
    total = sum(counts.values(), Counter())
    prior = {t: prior_scale * n for t, n in total.items()}
    frames = []
    for doc_id, own in counts.items():
        rest = total - own
        for other in set((exclude or {}).get(doc_id, ())) - {doc_id}:
            rest -= counts.get(other, Counter())
        if not rest:
            continue
        scored = framing.log_odds_dirichlet(own, rest, prior=prior)
        scored = scored[scored["n"] >= min_count].copy()
        scored.insert(0, "doc_id", doc_id)
        scored["per_1k"] = scored["n"] * 1000.0 / max(count_words(texts[doc_id]), 1)
        frames.append(scored)
    frame = pd.concat(frames, ignore_index=True)[framing.TERM_COLUMNS]
    for column in ("per_1k", "log_odds", "se", "z"):
        frame[column] = frame[column].round(4)
    return frame.sort_values(["doc_id", "z", "term"], ascending=[True, False, True], ignore_index=True)


def _same_frame(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(found.dtypes) == list(expected.dtypes)
    assert found.equals(expected)
    assert found.to_csv() == expected.to_csv()


@pytest.fixture(scope="module")
def outlet_texts(tmp_path_factory):
    """A generated corpus of 100 documents as notebook 01 compares it at scale: one text per outlet."""
    from benchmarks.synthetic import write_corpus

    generated = load_corpus(write_corpus(100, tmp_path_factory.mktemp("framing") / "corpus"))
    by_outlet: dict[str, list[str]] = {}
    for doc in generated:
        by_outlet.setdefault(doc.meta("outlet").value or "(outlet unknown)", []).append(doc.body)
    texts = {outlet: "\n\n".join(bodies) for outlet, bodies in by_outlet.items()}
    assert len(texts) >= 3
    return texts


@pytest.mark.parametrize("options", [{}, {"min_count": 1}, {"ngram_max": 3, "prior_scale": 0.5}])
def test_framing_comparison_of_outlets_matches_the_reference_definition(outlet_texts, options):
    found, why = framing.framing_comparison(outlet_texts, units="outlets", labels={o: o for o in outlet_texts}, **options)
    assert why == "" and len(found)
    _same_frame(found, _reference_framing(outlet_texts, **options))
    for text in list(outlet_texts.values())[:3]:
        assert framing.terms(text, ngram_max=3) == _reference_terms(text, 3)


@pytest.mark.parametrize("options", [{}, {"min_count": 0}, {"min_count": 1}, {"ngram_max": 1}, {"prior_scale": 1}])
def test_framing_comparison_of_seeds_matches_the_reference_definition(corpus, relations, options):
    texts = {doc.doc_id: doc.body for doc in corpus}
    partners = reuse.reprint_partners(relations)
    ids = sorted(texts)
    for exclude in (None, partners, {ids[0]: ids[1:], ids[1]: [ids[0], "no such document"]}):
        found, _ = framing.framing_comparison(texts, exclude=exclude, **options)
        _same_frame(found, _reference_framing(texts, exclude=exclude, **options))
    found, why = framing.framing_comparison(texts, exclude={ids[0]: ids[1:]}, labels={ids[0]: "first"})
    assert why.startswith("1 of 5 documents left out (first)")
    assert ids[0] not in set(found["doc_id"])
    for doc_id in ids:
        assert framing.terms(texts[doc_id], ngram_max=3) == _reference_terms(texts[doc_id], 3)


# --------------------------------------------------------------------------- charts


def test_charts_have_titles_sources_and_escaped_labels(corpus, pairs, relations):
    labels = {d.doc_id: d.label for d in corpus}
    labels[FORUM] = "003 · <b>forum</b>"
    figures = [
        reuse.similarity_heatmap(pairs, labels=labels, source="seeds"),
        reuse.reuse_graph(relations, labels=labels, source="seeds"),
        reuse.quote_matrix_chart(reuse.quote_matrix(corpus), source="seeds"),
        framing.framing_chart(framing.framing_terms(corpus), labels=labels, source="seeds"),
    ]
    for fig in figures:
        assert fig.layout.title.text
        assert any(str(a.text).startswith("Source: seeds") for a in fig.layout.annotations)
        dumped = fig.to_json()
        assert "<b>forum" not in dumped
    graph = figures[1].to_json()
    assert "condensed reprint" in graph and "&lt;b&gt;forum" in graph


def test_align_corpus_under_a_run_reads_the_runs_cache_it_is_given(tmp_path, monkeypatch):
    """A notebook under ``presslens run`` passes the run's cache folder: notebook 01 then reads the build's reuse work.

    The environment is never read: ``PRESSLENS_CACHE_DIR`` alone changes nothing.
    """
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), corpus_dir)
    reuse.align_texts({d.doc_id: d.body for d in load_corpus(corpus_dir)}, cache_dir=tmp_path / "cache")
    fresh_corpus = load_corpus(corpus_dir)  # a new corpus object: not the per-corpus memo
    under_run = reuse.align_corpus(fresh_corpus, cache_dir=tmp_path / "cache")
    assert under_run.stats["documents_computed"] == 0 and under_run.stats["pairs_computed"] == 0
    assert under_run.stats["pairs_cached"] == 10
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    without = reuse.align_corpus(load_corpus(corpus_dir))
    assert without.stats["documents_computed"] == 5 and without.stats["pairs_cached"] == 0
    _same_tables(under_run, without)
