"""Comparing two documents sentence by sentence: scores, shared and paraphrased sentences, passages.

:func:`_compare` gives a :class:`_PairResult` (pickled in the reuse cache, so a
change to that class bumps :data:`presslens.reuse.units.REUSE_CACHE_FORMAT`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from ..text import count_words
from .options import ReuseError, ReuseOptions
from .units import _Units, sentence_key


@dataclass(frozen=True)
class SideMatch:
    """How the sentences of ``doc_a`` are found in ``doc_b``.

    ``best[i]`` is the index (into ``doc_b``'s compared sentences) of the closest
    sentence to sentence ``i`` of ``doc_a``, ``score[i]`` its 0-100 score,
    ``phrases[i]`` the most two-word phrases it shares with one sentence of
    ``doc_b`` and ``phrase_best[i]`` that sentence.
    """

    doc_a: str
    doc_b: str
    best: np.ndarray
    score: np.ndarray
    phrases: np.ndarray
    phrase_best: np.ndarray


@dataclass(frozen=True)
class Passage:
    """A run of shared sentences, in both documents (indexes into the compared sentences, inclusive)."""

    doc_a: str
    doc_b: str
    first_a: int
    last_a: int
    first_b: int
    last_b: int
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    text_a: str
    text_b: str
    similarity: float

    def mirrored(self) -> "Passage":
        return Passage(
            self.doc_b, self.doc_a, self.first_b, self.last_b, self.first_a, self.last_a,
            self.start_b, self.end_b, self.start_a, self.end_a, self.text_b, self.text_a, self.similarity,
        )


@dataclass(frozen=True)
class _PairResult:
    """The comparison of two documents (``doc_a < doc_b``), compact: what is cached per pair.

    ``side_a``/``side_b`` hold the :class:`SideMatch` arrays of each direction
    as int32 rows ``best, score x 10, phrases, phrase_best`` (scores are rounded
    to one decimal, so ten times a score is a whole number). ``passages`` are
    tuples ``first_a, last_a, first_b, last_b, start_a, end_a, start_b, end_b,
    similarity, words_a, words_b`` and ``counts_a``/``counts_b`` the shared,
    quoted shared and paraphrased sentences of each side: with them the pair's
    rows of the tables are made without the documents' sentences.
    ``shingles`` counts word 3-grams of the article text (:attr:`.units._Units.shingles`):
    each document's, those both have, and of those the ones inside quoted
    sentences of both (a shared quotation, not reuse of each other's text),
    of ``doc_a`` and of ``doc_b``.
    """

    doc_a: str
    doc_b: str
    n_a: int  # compared sentences of doc_a
    n_b: int
    side_a: np.ndarray | None  # None in an alignment made with keep_sides=False
    side_b: np.ndarray | None
    passages: tuple[tuple, ...]
    counts_a: tuple[int, int, int]
    counts_b: tuple[int, int, int]
    shingles: tuple[int, ...] = (0, 0, 0, 0, 0, 0)  # of a, of b, shared; shared ones quoted in both, in a, in b

    @property
    def containment(self) -> tuple[float, float]:
        """Share of ``doc_a``'s word 3-grams found in ``doc_b``, and of ``doc_b``'s found in ``doc_a`` (article text)."""
        n_a, n_b, shared = self.shingles[:3]
        return (shared / n_a if n_a else 0.0, shared / n_b if n_b else 0.0)

    def without_sides(self) -> "_PairResult":
        """The same result without the per-sentence arrays (what the tables need, a fifth of the memory)."""
        return dataclasses.replace(self, side_a=None, side_b=None)

    def side(self, forward: bool) -> SideMatch:
        """The :class:`SideMatch` of ``doc_a`` in ``doc_b`` (``forward``) or of ``doc_b`` in ``doc_a``."""
        packed = self.side_a if forward else self.side_b
        if packed is None:
            raise ReuseError("this alignment keeps no sentence matches (made with keep_sides=False, for the tables only)")
        a, b = (self.doc_a, self.doc_b) if forward else (self.doc_b, self.doc_a)
        return SideMatch(
            a, b, packed[0].astype(np.int64), packed[1] / 10.0, packed[2].astype(np.int64), packed[3].astype(np.int64)
        )


_PARTIAL_MIN_OVERLAP = 0.6  # partial_ratio is computed only where one sentence has >= 60 % of its words in the other
_PARTIAL_SHORT_WORDS = 8  # a sentence shorter than this counts as contained in a longer one only...
_PARTIAL_SHORT_SCORE = 95.0  # ...when it is found there (nearly) verbatim


def _common(a_ptr: np.ndarray, a_ids: np.ndarray, a_vocab: np.ndarray, b_ptr: np.ndarray, b_ids: np.ndarray, b_vocab: np.ndarray) -> np.ndarray:
    """How many ids sentence i of a and sentence j of b have in common, as an (m, n) float64 matrix.

    Only the ids both documents use are looked at: each occurrence of such an
    id in a sentence of a meets each occurrence in a sentence of b, and the
    meetings are counted per sentence pair (a join and a ``bincount``, in one
    thread: a matrix product here spent most of its time starting BLAS threads).
    """
    m, n = len(a_ptr) - 1, len(b_ptr) - 1
    common = np.intersect1d(a_vocab, b_vocab, assume_unique=True)
    if not common.size:
        return np.zeros((m, n))

    def entries(ptr: np.ndarray, ids: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
        position = np.minimum(np.searchsorted(common, ids), common.size - 1)
        hit = common[position] == ids
        return np.repeat(np.arange(rows), np.diff(ptr))[hit], position[hit]

    rows_a, cols_a = entries(a_ptr, a_ids, m)
    rows_b, cols_b = entries(b_ptr, b_ids, n)
    order = np.argsort(cols_b, kind="stable")
    rows_b = rows_b[order]
    per_col = np.bincount(cols_b, minlength=common.size)
    first_b = np.cumsum(per_col) - per_col
    repeats = per_col[cols_a]
    total = int(repeats.sum())
    before = np.cumsum(repeats) - repeats
    matched_b = rows_b[np.repeat(first_b[cols_a] - before, repeats) + np.arange(total)]
    counts = np.bincount(np.repeat(rows_a, repeats) * n + matched_b, minlength=m * n)
    return counts.reshape(m, n).astype(np.float64)


def _pack(best: np.ndarray, score: np.ndarray, phrases: np.ndarray, phrase_best: np.ndarray) -> np.ndarray:
    return np.stack([best, np.rint(score * 10), phrases, phrase_best]).astype(np.int32)


def _compare(a: _Units, b: _Units, opts: ReuseOptions) -> _PairResult:
    """Compare two documents sentence by sentence (``a.doc_id < b.doc_id``; both with ``text`` attached)."""
    m, n = len(a), len(b)
    if m == 0 or n == 0:
        empty = (0, 0, 0)
        side_a = _pack(np.full(m, -1), np.zeros(m), np.zeros(m), np.full(m, -1))
        side_b = _pack(np.full(n, -1), np.zeros(n), np.zeros(n), np.full(n, -1))
        return _PairResult(a.doc_id, b.doc_id, m, n, side_a, side_b, (), empty, empty, _shingle_counts(a, b))
    ratio = process.cdist(a.keys, b.keys, scorer=fuzz.ratio, dtype=np.float32).astype(np.float64)
    score_a, score_b = ratio.copy(), ratio.copy()
    shared_words = _common(a.word_ptr, a.word_ids, a.word_vocab, b.word_ptr, b.word_ids, b.word_vocab)
    n_a = np.maximum(np.diff(a.word_ptr), 1).astype(np.float64)[:, None]
    n_b = np.maximum(np.diff(b.word_ptr), 1).astype(np.float64)[None, :]
    overlap = np.maximum(shared_words / n_a, shared_words / n_b)
    for i, j in zip(*np.nonzero((ratio < opts.threshold) & (overlap >= _PARTIAL_MIN_OVERLAP))):
        partial = fuzz.partial_ratio(a.keys[i], b.keys[j])
        la, lb = float(len(a.keys[i])), float(len(b.keys[j]))
        shorter = a.words[i] if la <= lb else b.words[j]
        if shorter < _PARTIAL_SHORT_WORDS and partial < _PARTIAL_SHORT_SCORE:
            continue  # "As another watcher states:" is not contained in "... to another watcher states in ..."
        score_a[i, j] = max(ratio[i, j], partial * min(1.0, lb / la))
        score_b[i, j] = max(ratio[i, j], partial * min(1.0, la / lb))
    phrases = _common(a.phrase_ptr, a.phrase_ids, a.phrase_vocab, b.phrase_ptr, b.phrase_ids, b.phrase_vocab).astype(np.int64)
    best_a, top_a = score_a.argmax(axis=1), score_a.max(axis=1).round(1)
    best_b, top_b = score_b.argmax(axis=0), score_b.max(axis=0).round(1)
    phrases_a, phrases_b = phrases.max(axis=1), phrases.max(axis=0)
    pairs = {(i, int(best_a[i])) for i in range(m) if top_a[i] >= opts.threshold}
    pairs |= {(int(best_b[j]), j) for j in range(n) if top_b[j] >= opts.threshold}
    passages = tuple(_passage(a, b, chain) for chain in _chains(sorted(pairs), max_gap=opts.max_gap))

    def counts(units: _Units, top: np.ndarray, most_phrases: np.ndarray) -> tuple[int, int, int]:
        hit = top >= opts.threshold
        paraphrased = (~hit) & (most_phrases >= opts.paraphrase_min_phrases)
        return int(hit.sum()), int((hit & units.quoted).sum()), int(paraphrased.sum())

    return _PairResult(
        a.doc_id, b.doc_id, m, n,
        _pack(best_a, top_a, phrases_a, phrases.argmax(axis=1)), _pack(best_b, top_b, phrases_b, phrases.argmax(axis=0)),
        passages, counts(a, top_a, phrases_a), counts(b, top_b, phrases_b), _shingle_counts(a, b),
    )


def _shingle_counts(a: _Units, b: _Units) -> tuple[int, int, int, int, int, int]:
    """Word 3-grams of a, of b, both; of those both have, the ones quoted in both, quoted in a, quoted in b.

    A 3-gram quoted in both documents is a quotation they share (of a third
    party, or quoted by both from one source); one quoted in only one of them
    is the other's text quoted, which is reuse of it, but not a reprint.
    """
    both = np.intersect1d(a.shingles, b.shingles, assume_unique=True)
    in_a = np.intersect1d(both, a.quoted_shingles, assume_unique=True)
    in_b = np.intersect1d(both, b.quoted_shingles, assume_unique=True)
    in_both = np.intersect1d(in_a, in_b, assume_unique=True)
    return (len(a.shingles), len(b.shingles), int(both.size), int(in_both.size), int(in_a.size), int(in_b.size))


def _chains(pairs: Sequence[tuple[int, int]], *, max_gap: int) -> list[list[tuple[int, int]]]:
    """Group sentence matches ``(i, j)`` (sorted) into runs that advance together in both documents."""
    chains: list[list[tuple[int, int]]] = []
    for i, j in pairs:
        home = None
        for chain in reversed(chains):
            li, lj = chain[-1]
            di, dj = i - li, j - lj
            if 0 <= di <= max_gap + 1 and 0 <= dj <= max_gap + 1 and (di or dj):
                home = chain
                break
        if home is None:
            chains.append([(i, j)])
        else:
            home.append((i, j))
    return chains


def _passage(a: _Units, b: _Units, chain: Sequence[tuple[int, int]]) -> tuple:
    first_a, last_a = min(i for i, _ in chain), max(i for i, _ in chain)
    first_b, last_b = min(j for _, j in chain), max(j for _, j in chain)
    start_a, end_a = int(a.start[first_a]), int(a.end[last_a])
    start_b, end_b = int(b.start[first_b]), int(b.end[last_b])
    text_a, text_b = a.text[start_a:end_a], b.text[start_b:end_b]
    similarity = round(fuzz.ratio(sentence_key(text_a), sentence_key(text_b)), 1)
    return (first_a, last_a, first_b, last_b, start_a, end_a, start_b, end_b, similarity, count_words(text_a), count_words(text_b))
