"""presslens.display: bounded tables (which rows, how chosen, where the rest is) and pipeline.tables_for."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synthetic import write_corpus
from presslens import display, pipeline, tables
from presslens.build import engine as build_engine
from presslens.corpus import load_corpus
from presslens.display import Bounded, Selection, choose, show
from presslens.io import write_csv
from presslens.paths import RunContext


@pytest.fixture(scope="module")
def comments(corpus) -> pd.DataFrame:
    return tables.comments_table(corpus)


def _table_rows(page: str) -> list[int]:
    """Body rows of every HTML table in ``page``."""
    return [body.count("<tr") for body in re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S)]


def test_a_small_table_is_shown_whole_and_unchanged(comments):
    assert show(comments, 50) is comments  # 14 seed comments: exactly what the notebook showed before


def test_largest_by_a_column_keeps_ties_in_table_order(comments):
    rows, how = choose(comments, 5, by="words", what="comments")
    assert len(rows) == 5 and how.cut and how.how == "largest"
    assert rows["words"].tolist() == sorted(comments["words"], reverse=True)[:5]
    assert how.describe() == "the 5 largest of 14 comments by words"
    # the same choice on every call, ties broken by the table's order
    again, _ = choose(comments, 5, by="words")
    assert rows.index.tolist() == again.index.tolist()
    tied = pd.DataFrame({"v": [1, 2, 2, 2, 0]})
    assert choose(tied, 2, by="v")[0].index.tolist() == [1, 2]


def test_smallest_and_first_n(comments):
    rows, how = choose(comments, 3, by="compound", ascending=True)
    assert rows["compound"].tolist() == sorted(comments["compound"])[:3]
    assert how.describe() == "the 3 smallest of 14 rows by compound"
    rows, how = choose(comments, 4, order="page order", what="comments")
    assert rows.equals(comments.head(4))
    assert how.describe() == "the first 4 of 14 comments, in page order"


def test_seeded_sample_is_reproducible_and_keeps_table_order(comments):
    a, how = choose(comments, 6, sample=True, seed=7)
    b, _ = choose(comments, 6, sample=True, seed=7)
    c, _ = choose(comments, 6, sample=True, seed=8)
    assert a.index.tolist() == b.index.tolist() and a.index.is_monotonic_increasing
    assert a.index.tolist() != c.index.tolist()
    assert how.describe() == "a random sample of 6 of 14 rows (seed 7)"


def test_bad_options_say_what_is_wrong(comments):
    with pytest.raises(ValueError, match="n must be"):
        choose(comments, 0)
    with pytest.raises(KeyError, match="cannot rank on"):
        choose(comments, 3, by="nope")
    with pytest.raises(ValueError, match="not both"):
        choose(comments, 3, by="words", sample=True)


def test_a_cut_run_table_names_its_csv_and_holds_n_rows(comments):
    shown = show(comments, 5, table="comments", by="words", what="comments")
    assert isinstance(shown, Bounded)
    assert shown.caption == "Showing the 5 largest of 14 comments by words; the full table is data/comments.csv."
    page = shown._repr_html_()
    assert page.startswith('<p class="presslens-caption"><em>Showing the 5 largest')
    assert _table_rows(page) == [5]
    assert repr(shown).startswith("Showing the 5 largest")


def test_more_rows_than_pandas_display_limit_are_all_shown(comments):
    big = pd.concat([comments] * 10, ignore_index=True)  # 140 rows; pandas would show 10 of them
    with pd.option_context("display.max_rows", 60, "display.min_rows", 10):
        assert _table_rows(show(big, 100)._repr_html_()) == [100]


def test_caption_and_cells_are_escaped(comments):
    hostile = comments.assign(author="<script>window.__pwned=1</script>")
    page = show(hostile, 2)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    with pytest.raises(ValueError, match="table name"):
        display.export_view(comments, "../escape", folder=Path("views"))


def test_derived_table_is_exported_only_into_the_views_folder_given(tmp_path, monkeypatch, comments):
    outside = show(comments, 3, name="comment_list")
    assert "the notebook's `comment_list`" in outside.caption
    assert not list(tmp_path.rglob("*.csv"))
    # the variables of a run change nothing unless the notebook passes its views folder
    run = RunContext(out_dir=tmp_path, notebook="02_commentary_sentiment")
    for name, value in run.environment().items():
        if value is not None:
            monkeypatch.setenv(name, value)
    show(comments, 3, name="comment_list")
    assert not list(tmp_path.rglob("*.csv"))
    inside = show(comments.set_index("comment_id"), 3, name="comment_list", views=run.views_dir)
    assert inside.caption.endswith("the full table is data/views/02_commentary_sentiment/comment_list.csv.")
    written = pd.read_csv(tmp_path / "data/views/02_commentary_sentiment/comment_list.csv", keep_default_na=False)
    assert len(written) == 14 and written.columns[0] == "comment_id"  # the named index is kept as data
    # a table that fits is not exported
    show(comments, 50, name="small", views=run.views_dir)
    assert not (tmp_path / "data/views/02_commentary_sentiment/small.csv").exists()


def test_selection_of_everything_says_all():
    assert Selection(shown=5, total=5, what="documents").describe() == "all 5 documents"
    assert not Selection(shown=5, total=5).cut


# --------------------------------------------------------------------------- tables_for


def _csv(frame: pd.DataFrame, path: Path) -> bytes:
    return write_csv(frame, path).read_bytes()


@pytest.fixture(scope="module")
def small_synthetic(tmp_path_factory) -> Path:
    return write_corpus(12, tmp_path_factory.mktemp("syn") / "corpus", seed=3)


def test_tables_for_equals_the_table_functions_with_and_without_the_run_cache(tmp_path, small_synthetic):
    corpus = load_corpus(small_synthetic)
    names = ["documents", "comments", "sentences", "segments", "metadata", "entity_mentions", "entity_counts",
             "comment_threads", "entity_sentiment", "figures", "figure_numbers"]
    want = {n: _csv(pipeline.TABLES[n](corpus), tmp_path / "want" / f"{n}.csv") for n in names}
    direct = dict(zip(names, pipeline.tables_for(corpus, *names)))
    # the run's build fills the cache; a notebook kernel is given it in its run context
    cache = tmp_path / "cache"
    pipeline.build(small_synthetic, tmp_path / "data", jobs=1, cache_dir=cache)
    cached = dict(zip(names, pipeline.tables_for(load_corpus(small_synthetic), *names, context=RunContext(cache_dir=cache))))
    for n in names:
        assert _csv(direct[n], tmp_path / "direct" / f"{n}.csv") == want[n], n
        assert _csv(cached[n], tmp_path / "cached" / f"{n}.csv") == want[n], n
    # one name gives the table itself
    assert isinstance(pipeline.tables_for(corpus, "documents"), pd.DataFrame)


def test_tables_for_from_per_document_pieces_alone_equals_the_table_functions(tmp_path, small_synthetic):
    """Without the build's whole tables (another corpus built since), the per-document cache gives the same tables."""
    corpus = load_corpus(small_synthetic)
    cache = tmp_path / "cache"
    pipeline.build(small_synthetic, tmp_path / "data", jobs=1, cache_dir=cache)
    saved = list(cache.rglob("tables/*/comments.pickle"))
    assert len(saved) == 1
    shutil.rmtree(saved[0].parent)
    for name in ("comments", "entity_counts", "figures"):
        got = _csv(pipeline.tables_for(corpus, name, cache_dir=cache), tmp_path / "got" / f"{name}.csv")
        assert got == _csv(pipeline.TABLES[name](corpus), tmp_path / "want" / f"{name}.csv"), name


def test_run_tables_are_for_one_corpus_only(tmp_path, small_synthetic):
    copy = tmp_path / "corpus"
    shutil.copytree(small_synthetic, copy)
    cache = tmp_path / "cache"
    pipeline.build(copy, tmp_path / "a", jobs=1, cache_dir=cache)
    first = pipeline.corpus_fingerprint(load_corpus(copy))
    next(p for p in sorted(copy.glob("*.txt")) if not p.name.startswith("000")).unlink()
    pipeline.build(copy, tmp_path / "b", jobs=1, cache_dir=cache)
    second = pipeline.corpus_fingerprint(load_corpus(copy))
    assert first != second
    assert [p.name for p in cache.rglob("tables/*") if p.is_dir()] == [second]  # the older corpus's tables are gone


def test_tables_for_reads_the_cache_instead_of_recomputing(tmp_path, monkeypatch, small_synthetic):
    copy = tmp_path / "corpus"
    shutil.copytree(small_synthetic, copy)
    cache = tmp_path / "cache"
    pipeline.build(copy, tmp_path / "data", jobs=1, cache_dir=cache)
    before = sorted(p.stat().st_mtime_ns for p in cache.rglob("*.pkl"))
    calls = []
    real = build_engine._compute
    monkeypatch.setattr(build_engine, "_compute", lambda task: calls.append(task) or real(task))
    pipeline.tables_for(load_corpus(copy), "comments", "entity_counts", context=RunContext(cache_dir=cache))
    assert calls == []  # every document came from the cache
    assert sorted(p.stat().st_mtime_ns for p in cache.rglob("*.pkl")) == before


def test_tables_for_rejects_unknown_names(corpus):
    with pytest.raises(KeyError, match="the run's tables are: documents"):
        pipeline.tables_for(corpus, "documents", "nope")


def test_tables_for_reads_the_run_only_for_the_options_the_build_used(tmp_path, monkeypatch, small_synthetic):
    """The cache policy is the library's: the run's tables for the build's options, the notebook's own computation for others."""
    from presslens import entities, figures

    corpus = load_corpus(small_synthetic)
    cache = tmp_path / "cache"
    pipeline.build(small_synthetic, tmp_path / "data", jobs=1, cache_dir=cache)
    ctx = RunContext(cache_dir=cache)
    calls = []
    real = build_engine._compute
    monkeypatch.setattr(build_engine, "_compute", lambda task: calls.append(task) or real(task))
    # the build's options: read back, nothing computed, the same objects as without options
    same = pipeline.tables_for(corpus, "figures", "figure_numbers", context=ctx, options={"include_comments": True})
    for frame, want in zip(same, (figures.figures_table(corpus), figures.numbers_table(corpus))):
        assert _csv(frame, tmp_path / "a.csv") == _csv(want, tmp_path / "b.csv")
    defaults = {"codebook_file": "", "require_full_name": False}
    pipeline.tables_for(corpus, "documents", "entity_mentions", "entity_counts", context=ctx, options=defaults)
    assert calls == []
    # other options: computed with them, exactly as the notebook computed them before
    bodies = pipeline.tables_for(corpus, "figures", "figure_numbers", context=ctx, options={"include_comments": False})
    assert _csv(bodies[0], tmp_path / "c.csv") == _csv(figures.figures_table(corpus, include_comments=False), tmp_path / "d.csv")
    assert _csv(bodies[1], tmp_path / "e.csv") == _csv(figures.numbers_table(corpus, include_comments=False), tmp_path / "f.csv")
    documents, mentions, counts = pipeline.tables_for(
        corpus, "documents", "entity_mentions", "entity_counts", context=ctx, options={"codebook_file": "", "require_full_name": True}
    )
    want = entities.entity_mentions_table(corpus, entities.codebook_for(corpus, ""), require_full_name=True)
    assert _csv(mentions, tmp_path / "g.csv") == _csv(want, tmp_path / "h.csv")
    assert _csv(counts, tmp_path / "i.csv") == _csv(entities.entity_counts_table(corpus, mentions=want), tmp_path / "j.csv")
    assert _csv(documents, tmp_path / "k.csv") == _csv(tables.documents_table(corpus), tmp_path / "l.csv")
    with pytest.raises(KeyError, match="they take: include_comments"):
        pipeline.tables_for(corpus, "figures", options={"require_full_name": True})


def test_entity_sentiment_is_the_runs_for_the_builds_bootstrap_and_computed_for_another(tmp_path, monkeypatch, small_synthetic):
    """Notebook 02 reads the build's entity sentiment when its bootstrap parameters are the build's, as it computed it before."""
    from presslens import sentiment

    corpus = load_corpus(small_synthetic)
    cache = tmp_path / "cache"
    pipeline.build(small_synthetic, tmp_path / "data", jobs=1, cache_dir=cache)
    ctx = RunContext(cache_dir=cache)
    sentences, mentions = pipeline.tables_for(corpus, "sentences", "entity_mentions", context=ctx)
    calls = []
    real = build_engine._compute
    monkeypatch.setattr(build_engine, "_compute", lambda task: calls.append(task) or real(task))
    boot = {"n_resamples": sentiment.DEFAULT_RESAMPLES, "confidence": sentiment.DEFAULT_CONFIDENCE, "seed": sentiment.DEFAULT_SEED}
    read = pipeline.tables_for(corpus, "entity_sentiment", context=ctx, options=boot)
    assert calls == [] and not read.empty
    assert _csv(read, tmp_path / "a.csv") == _csv(sentiment.entity_sentiment(sentences, mentions, **boot), tmp_path / "b.csv")
    other = {**boot, "n_resamples": 300, "seed": 7}
    computed = pipeline.tables_for(corpus, "entity_sentiment", context=ctx, options=other)
    assert _csv(computed, tmp_path / "c.csv") == _csv(sentiment.entity_sentiment(sentences, mentions, **other), tmp_path / "d.csv")
    assert _csv(computed, tmp_path / "c.csv") != _csv(read, tmp_path / "a.csv")  # the intervals are resampled
    both = pipeline.tables_for(corpus, "entity_sentiment", context=ctx, options={**other, "require_full_name": True})
    strict = pipeline.tables_for(corpus, "entity_mentions", options={"require_full_name": True})
    assert _csv(both, tmp_path / "e.csv") == _csv(sentiment.entity_sentiment(sentences, strict, **other), tmp_path / "f.csv")


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_a_notebook_of_the_run_takes_the_sentence_spans_of_the_build_not_punkt(tmp_path, monkeypatch, small_synthetic, seeds_dir, which):
    """Under a run, every body and comment gets the spans of the build's sentences table: those Punkt gives, without Punkt."""
    from presslens.build.cache import save_corpus_snapshot
    from presslens.text import sentences as S

    folder = seeds_dir if which == "seeds" else small_synthetic
    cache = tmp_path / "cache"
    pipeline.build(folder, tmp_path / "data", jobs=1, cache_dir=cache)
    snapshot = save_corpus_snapshot(load_corpus(folder), tmp_path / "snapshot.pickle")
    texts = [t for doc in load_corpus(folder) for t in [doc.body] + [c.text for c in doc.comments]]
    want = [S.split_sentences(t) for t in texts]
    calls = []
    real = S.split_sentences
    monkeypatch.setattr(S, "_SPANS", S.TextMemo(lambda t: calls.append(t) or tuple(real(t)), max_chars=10**8))
    try:
        corpus = pipeline.corpus_for(folder, context=RunContext(cache_dir=cache, corpus_snapshot=snapshot))
        got = [S.sentence_spans(t) for doc in corpus for t in [doc.body] + [c.text for c in doc.comments]]
        assert got == want and sum(map(len, got)) > 50
        assert calls == []  # none split again
        assert S.sentence_spans("A text of no document. It is split.") == [(0, 22), (23, 35)] and len(calls) == 1
        S.spans_from(lambda: (_ for _ in ()).throw(OSError("gone")))  # a source that fails: split as before
        assert S.sentence_spans(texts[0]) == want[0] and len(calls) == 2
    finally:
        S.spans_from(None)


@pytest.mark.parametrize("title", ["Washington's 'joints for jabs'", 'He said "no" & <left>'])
def test_quotes_and_apostrophes_in_document_text_read_as_written_in_the_report(title):
    """A title with straight quotes shows as written once nbconvert renders the Markdown (no '&#x27;' on the page)."""
    import html as html_module

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from presslens.reuse import findings_text

    rendered = markdown2html_mistune(display.md("the strongest: **{t}**", t=title).data)
    assert html_module.unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == f"the strongest: {title}"
    relations = pd.DataFrame([{"doc_a": "a", "doc_b": "b", "source": "a", "derived": "b", "type": "reprint",
                               "direction_basis": "containment", "share_derived": 0.9, "shared_sentences": 9}])
    sentence = markdown2html_mistune(findings_text(relations, documents=2, labels={"a": title, "b": "b"}))
    assert title in html_module.unescape(re.sub(r"<[^>]+>", "", sentence)) and "#x27" not in sentence
