"""Whole-corpus views made faster keep their outputs: each against a plain reference of its definition.

The references are the earlier implementations' logic written out plainly (one pass per question,
no memo, no shared tokens), run on the seeds and on a generated corpus with comment threads.
"""

from __future__ import annotations

import shutil
from bisect import bisect_right
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synthetic import write_corpus
from presslens import sentiment
from presslens.corpus import load_corpus
from presslens.entities import codebook_for, cooccurrence_table, entity_mentions_table, unresolved_mentions_table
from presslens.entities import discovery as D
from presslens.entities.codebook import declared_codebook
from presslens.entities.keys import fold_key
from presslens.entities.matching import _parts, _resolve
from presslens.entities.tables import COOCCURRENCE_COLUMNS, MENTION_COLUMNS, UNRESOLVED_COLUMNS, _sorted
from presslens.paths import seeds_dir
from presslens.text import sentence_spans


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(seeds_dir())


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The five seeds and 95 generated documents (stories, reprints, op-eds, comment threads)."""
    return load_corpus(write_corpus(100, tmp_path_factory.mktemp("views") / "corpus", seed=18))


@pytest.fixture(scope="module")
def without_codebook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bare") / "corpus"
    shutil.copytree(seeds_dir(), folder)
    (folder / "entities.yml").unlink()
    return load_corpus(folder)


@pytest.fixture(params=["seeds", "generated"])
def corpus(request):
    return request.getfixturevalue(request.param)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got.equals(want)
    assert got.to_csv() == want.to_csv()
    assert list(got.dtypes) == list(want.dtypes)


# ---- cooccurrence_table -------------------------------------------------------------------------------------------

def _cooccurrence_reference(mentions: pd.DataFrame) -> pd.DataFrame:
    pairs: Counter = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, group in mentions.groupby(["doc_id", "part", "comment_id", "sent_id"], sort=True):
        names = sorted(set(group["entity"]))
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pairs[(a, b)] += 1
                docs[(a, b)].add(key[0])
    rows = [
        {"entity_a": a, "entity_b": b, "sentences": n, "documents": len(docs[(a, b)]), "doc_ids": ", ".join(sorted(docs[(a, b)]))}
        for (a, b), n in pairs.items()
    ]
    frame = pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)
    return frame.sort_values(["sentences", "entity_a", "entity_b"], ascending=[False, True, True], ignore_index=True)


def test_cooccurrence_equals_the_per_sentence_groupby(corpus):
    mentions = entity_mentions_table(corpus)
    got = cooccurrence_table(mentions)
    assert len(got) > 0
    _same(got, _cooccurrence_reference(mentions))


def test_cooccurrence_leaves_out_mentions_with_a_missing_key_as_groupby_does(seeds):
    mentions = entity_mentions_table(seeds)
    holed = mentions.assign(comment_id=mentions["comment_id"].where(mentions.index % 3 != 0, None))
    _same(cooccurrence_table(holed), _cooccurrence_reference(holed))
    _same(cooccurrence_table(mentions.iloc[0:0]), _cooccurrence_reference(mentions.iloc[0:0]))


# ---- discover_names -----------------------------------------------------------------------------------------------

def _is_initial_reference(text: str, start: int, starts: list[int]) -> bool:
    i = bisect_right(starts, start) - 1
    s = starts[i] if i >= 0 else 0
    if not any(ch.isalnum() for ch in text[s:start]):
        return True
    lead = text[max(0, start - 2) : start].strip()
    return bool(lead) and lead[-1] in D._OPEN_QUOTE


def _overlaps_reference(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and a < e for s, e in spans)


def _runs_reference(text: str, spans: list[tuple[int, int]]) -> list[list]:
    """The runs of :func:`discovery._runs`, tokenising afresh and asking every span whether it overlaps the token."""
    runs: list[list] = []
    current: list = []
    pending: list = []
    prev_end = None
    for m in D._TOKEN_RE.finditer(text):
        a, b, word = m.start(), m.end(), m.group(0)
        joined = prev_end is not None and text[prev_end:a] in (" ", "\u00a0")
        prev_end = b
        info = None if _overlaps_reference(spans, a, b) else D._name_token.__wrapped__(word)
        if info is not None:
            core, particle, possessive = info
            token = (a, a + len(core), core, particle, possessive)
            if current and joined:
                current.extend(pending)
                current.append(token)
            else:
                if current:
                    runs.append(current)
                current = [token]
            pending = []
            if possessive:
                runs.append(current)
                current = []
            continue
        has_of = any(t[2] == "of" for t in current)
        connector = (
            (word == "of" and not pending) or (word == "the" and [p[2] for p in pending] in (["of"], ["and"]))
            or (word == "and" and not pending and has_of)
        )
        if current and joined and connector:
            pending.append((a, b, word, False, False))
            continue
        if current:
            runs.append(current)
        current, pending = [], []
    if current:
        runs.append(current)
    return runs


def _texts(corpus):
    book = declared_codebook(corpus.path)
    for doc in corpus:
        for _, _, text in _parts(doc):
            yield text, sorted((a, b) for a, b, _ in book.matcher.hits(text))


def test_discovery_runs_and_sentence_starts_equal_their_plain_definitions(corpus):
    n_runs = 0
    for text, spans in _texts(corpus):
        tokens = D._tokens(text)
        runs = D._runs(text, spans, tokens)
        assert runs == D._runs(text, spans) == _runs_reference(text, spans)
        n_runs += len(runs)
        starts = [a for a, _ in sentence_spans(text)]
        for a, _, word in tokens:
            assert D._is_initial(text, a, starts) == _is_initial_reference(text, a, starts), (text[max(0, a - 30) : a + 10], word)
            assert D._fold(word) == fold_key(word)
            assert D._core(word) == D._POSSESSIVE.sub(r"\g<core>", word)
            assert D._name_token(word) == D._name_token.__wrapped__(word)
    assert n_runs > 0


def test_the_corpus_wide_word_sets_equal_a_pass_over_every_token(corpus):
    """Pass 1 of discovery (mid-sentence capitals, words also written in lower case) against its plain reading."""
    midsentence, lower = set(), set()
    for text, _ in _texts(corpus):
        starts = [a for a, _ in sentence_spans(text)]
        for m in D._TOKEN_RE.finditer(text):
            word = m.group(0)
            core = D._POSSESSIVE.sub(r"\g<core>", word)
            if word.islower():
                lower.update(fold_key(core).split())
            elif word[0].isupper() and not _is_initial_reference(text, m.start(), starts):
                midsentence.add(fold_key(core))
    seen = {}
    original = D._word_sets

    def spy(pieces):
        seen["midsentence"], words = original(pieces)
        return seen["midsentence"], words

    original_rank = D._rank

    def rank_spy(occurrences, *, common, **kwargs):
        seen["common"] = common
        return original_rank(occurrences, common=common, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(D, "_word_sets", spy)
        mp.setattr(D, "_rank", rank_spy)
        D.discover_names(corpus)
    assert seen["midsentence"] == midsentence
    assert seen["common"] == lower | D.PREFIX_WORDS


def test_discovery_gives_the_same_table_with_its_word_memos_cold_or_warm(generated):
    warm = D.discover_names(generated)
    for memo in (D._fold, D._core, D._name_token):
        memo.cache_clear()
    cold = D.discover_names(generated)
    assert len(cold) > 0
    _same(cold, warm)


# ---- targeted_mentions --------------------------------------------------------------------------------------------

def _targeted_reference(corpus, mentions):
    book = codebook_for(corpus)
    if mentions is None:
        mentions = entity_mentions_table(corpus, book)
    if len(book) == 0 and mentions.empty:
        return mentions, "there is no codebook (entities.yml) beside the documents and no entity_terms were given"
    if len(book) == 0 or book.provisional:
        return mentions, "names found in the corpus, counted as provisional entities (no codebook entities.yml)"
    if mentions.empty:
        return mentions, f"none of the {len(book)} entries of the codebook entities.yml is named in this corpus"
    return mentions, f"the codebook entities.yml ({len(book)} entries, with their aliases and short forms)"


@pytest.mark.parametrize("which", ["seeds", "without_codebook"])
def test_targeted_mentions_says_what_the_codebook_says(request, which):
    corpus = request.getfixturevalue(which)
    mentions = entity_mentions_table(corpus)
    for given in (mentions, mentions.iloc[0:0], None):
        got, how = sentiment.targeted_mentions(corpus, mentions=given)
        want, want_how = _targeted_reference(corpus, given)
        assert how == want_how
        _same(got, want)


# ---- unresolved_mentions_table (and entity_mentions_table, which shares its per-document rows) ---------------------

def _document_rows_reference(doc, codebook, *, require_full_name):
    """Every part's hits resolved, every part with a hit split into sentences: mention rows and unresolved rows."""
    parts = [(part, cid, text, codebook.matcher.hits(text)) for part, cid, text in _parts(doc)]
    known = {codebook.entities[t.entity].name for *_, hits in parts for _, _, targets in hits for t in targets if t.kind == "alias"}
    rows, unresolved = [], []
    for part, cid, text, hits in parts:
        if not hits:
            continue
        starts = [a for a, _ in sentence_spans(text)]
        for (start, end, targets), mention, reason in _resolve(hits, text, codebook, known=known, require_full_name=require_full_name):
            sent_id = max(1, bisect_right(starts, start))
            base = {"doc_id": doc.doc_id, "part": part, "comment_id": cid}
            if mention is None:
                names = sorted({codebook.entities[t.entity].name for t in targets})
                unresolved.append({**base, "surface": text[start:end], "start": start, "end": end,
                                   "sent_id": sent_id, "candidates": "; ".join(names), "reason": reason})
            else:
                rows.append({**base, "entity": mention.entity, "type": mention.type, "surface": mention.surface,
                             "start": mention.start, "end": mention.end, "sent_id": sent_id,
                             "resolved_by": mention.resolved_by, "alias": mention.alias, "title": mention.title,
                             "provisional": codebook[mention.entity].provisional})
    return rows, unresolved


@pytest.mark.parametrize("require_full_name", [False, True])
def test_unresolved_and_mention_tables_equal_the_rows_of_every_part(corpus, require_full_name):
    book = codebook_for(corpus)
    mention_rows, unresolved_rows = [], []
    for doc in corpus:
        rows, unresolved = _document_rows_reference(doc, book, require_full_name=require_full_name)
        mention_rows += rows
        unresolved_rows += unresolved
    want_mentions = _sorted(pd.DataFrame(mention_rows, columns=MENTION_COLUMNS).astype(
        {"start": "int64", "end": "int64", "sent_id": "int64", "provisional": "bool"}), ["start"])
    want_unresolved = _sorted(pd.DataFrame(unresolved_rows, columns=UNRESOLVED_COLUMNS).astype(
        {"start": "int64", "end": "int64", "sent_id": "int64"}), ["start"])
    _same(entity_mentions_table(corpus, book, require_full_name=require_full_name), want_mentions)
    got = unresolved_mentions_table(corpus, book, require_full_name=require_full_name)
    _same(got, want_unresolved)
    if require_full_name and len(corpus) > 5:  # the generated corpus names short forms without the full name
        assert len(got) > 0
