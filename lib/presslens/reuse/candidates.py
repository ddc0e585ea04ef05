"""Candidate pairs of documents for large corpora: MinHash LSH on the word pairs of sentences."""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from .options import ReuseOptions

log = logging.getLogger(__name__)


def _candidates(
    doc_ids: Sequence[str], signatures: Sequence[np.ndarray], opts: ReuseOptions
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Document pairs with at least one pair of sentences whose word pairs (2-shingles) MinHash LSH finds similar.

    The pairs are those datasketch's ``MinHashLSH(threshold, num_perm)`` gives
    when every sentence is inserted and queried: two sentences are paired when
    their MinHash values agree on every row of at least one of its bands. The
    bands are grouped here with numpy (:func:`_band_buckets`: one sort of
    64-bit numbers per band) instead of one Python dictionary entry per
    sentence and band, which at 10,000 documents held gigabytes, and the pairs
    of all buckets of one size are made at once (:func:`_bucket_pairs`), not
    bucket by bucket (300,000 ``triu_indices`` calls, 8 of the 12 seconds this
    took at 10,000 documents; now under a second); the cost grows with the
    number of sentences plus the number of pairs found.

    Word pairs, not single content words: on the synthetic benchmark corpus
    single words gave five times the candidate pairs (topical overlap) for the
    same recall of pairs sharing two or more sentences. Sentences of fewer than
    8 words do not propose candidates: stock sentences ("He declined to
    comment.", "The New York Times.") recur across unrelated documents and made
    the candidates grow with the square of the corpus; documents that really
    share text share longer sentences too (short ones are still compared
    within candidate pairs).

    A bucket of one band holding sentences of more than
    ``opts.max_bucket_documents`` documents proposes no pairs (it would propose
    every pair of them): boilerplate ("Click here to subscribe.") or a stock
    sentence in that many documents does not tell who copies whom. Two
    documents that really share text share other sentences, or the same one in
    another band's smaller bucket, and are still paired.

    Args:
        doc_ids: the documents, sorted.
        signatures: per document, the MinHash rows of its sentences of at least 8 words.
        opts: ``lsh_threshold`` and ``num_perm`` choose the bands, ``max_bucket_documents`` the largest bucket used.

    Returns:
        ``(doc_a, doc_b)`` pairs with ``doc_a < doc_b``, sorted; and counts of what the cap left out:
        ``buckets_skipped`` (band buckets) and ``bucket_documents_skipped`` (documents in any of them).
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=opts.lsh_threshold, num_perm=opts.num_perm)
    sizes = [len(s) for s in signatures]
    skipped = {"buckets_skipped": 0, "bucket_documents_skipped": 0}
    if sum(sizes) == 0:
        return [], skipped
    cap = opts.max_bucket_documents
    skipped_docs: list[np.ndarray] = []
    owner = np.repeat(np.arange(len(doc_ids), dtype=np.int64), sizes)
    columns = np.concatenate([s.T for s in signatures if len(s)], axis=1)  # (num_perm, sentences): each column of values contiguous
    n_docs = np.int64(len(doc_ids))
    found: list[np.ndarray] = []
    for start, end in lsh.hashranges:
        doc, first, size = _band_buckets(_band_words(columns[start:end]), owner, n_docs=len(doc_ids))
        if cap is not None:
            over = size > cap
            if over.any():
                skipped["buckets_skipped"] += int(over.sum())
                skipped_docs.append(doc[np.repeat(over, size)])
        found += _bucket_pairs(doc, first, size, n_docs=n_docs, cap=cap)
    codes = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    if skipped_docs:
        skipped["bucket_documents_skipped"] = len(np.unique(np.concatenate(skipped_docs)))
        log.info(
            "LSH candidates: %d band buckets of more than %d documents proposed no pairs "
            "(%d documents hold such common sentences: boilerplate or stock phrases)",
            skipped["buckets_skipped"], cap, skipped["bucket_documents_skipped"],
        )
    firsts, seconds = (codes // n_docs).tolist(), (codes % n_docs).tolist()
    return [(doc_ids[a], doc_ids[b]) for a, b in zip(firsts, seconds)], skipped


#: odd 64-bit constants of the splitmix64 finaliser (any constants keep the grouping exact: equal hashes are checked)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def _band_words(band: np.ndarray) -> list[np.ndarray]:
    """A band's rows (one array per MinHash value) as unsigned 64-bit words, equal exactly when the values' bytes are.

    Values of up to 4 bytes are packed several to a word (two uint32 MinHash
    values per word), so a band of 4 values is compared as 2 words.
    """
    size = band.dtype.itemsize
    if size > 8 or band.dtype.kind not in "uifb":
        raw = np.ascontiguousarray(band.T).view(np.uint8).reshape(band.shape[1], -1)  # rows of bytes, zero-padded to words
        raw = np.pad(raw, ((0, 0), (0, -raw.shape[1] % 8)))
        return list(np.ascontiguousarray(raw.view(np.uint64).T))
    unsigned = [np.asarray(row).view(f"u{size}") for row in band]
    per = 8 // size
    words = []
    for k in range(0, len(unsigned), per):
        word = unsigned[k].astype(np.uint64)
        for m, row in enumerate(unsigned[k + 1 : k + per], start=1):
            word |= row.astype(np.uint64) << np.uint64(8 * size * m)
        words.append(word)
    return words


def _hash_words(words: Sequence[np.ndarray]) -> np.ndarray:
    """One 64-bit hash per row of words (splitmix64-style): equal rows hash equal, unequal ones rarely."""
    h = np.zeros(len(words[0]), dtype=np.uint64)
    for word in words:
        h ^= word
        h *= _MIX[0]
        h ^= h >> np.uint64(31)
        h *= _MIX[1]
        h ^= h >> np.uint64(29)
        h *= _MIX[2]
        h ^= h >> np.uint64(32)
    return h


def _band_buckets(
    words: Sequence[np.ndarray], owner: np.ndarray, *, n_docs: int, exact: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The buckets of one band (sentences whose band values are all equal), as the distinct documents of each.

    The sentences are sorted on one 64-bit number, the high bits of a hash of
    the band's values and the document in the low bits, so each bucket's
    sentences come together, their documents in order, and equal numbers are
    one (bucket, document). The sort only groups: when two different bands
    share the hash bits (neighbours with the same bits and different values),
    the band is sorted again on the values themselves (``exact`` forces that),
    so the buckets are exactly those of equal values.

    Args:
        words: the band's values as :func:`_band_words`, one array per word.
        owner: the document (index) of each sentence.
        n_docs: how many documents there are (``owner`` is below it).

    Returns:
        ``(doc, first, size)``: the documents of every bucket one after the
        other (each once per bucket, ascending), where each bucket starts in
        ``doc`` and how many documents it holds.
    """
    shift = np.uint64(max(1, int(n_docs - 1).bit_length()))
    if not exact:
        packed = ((_hash_words(words) >> shift) << shift) | owner.astype(np.uint64)
        order = np.argsort(packed)
        doc = owner[order]
        same = _same_as_previous(words, order)
        prefix = packed[order] >> shift
        exact = bool(((prefix[1:] == prefix[:-1]) & ~same).any())
    if exact:
        order = np.lexsort((owner, *words[::-1]))
        doc = owner[order]
        same = _same_as_previous(words, order)
    keep = np.r_[True, ~(same & (doc[1:] == doc[:-1]))]  # each document once per bucket
    doc = doc[keep]
    first = np.flatnonzero(np.r_[True, ~same][keep])
    return doc, first, np.diff(np.r_[first, len(doc)])


def _same_as_previous(words: Sequence[np.ndarray], order: np.ndarray) -> np.ndarray:
    """Whether each sentence in ``order`` (after the first) has the same band values as the one before it."""
    same = np.ones(len(order) - 1, dtype=bool)
    for word in words:
        ordered = word[order]
        same &= ordered[1:] == ordered[:-1]
    return same


def _bucket_pairs(doc: np.ndarray, first: np.ndarray, size: np.ndarray, *, n_docs: np.int64, cap: int | None) -> list[np.ndarray]:
    """Every pair of documents of each bucket of 2 to ``cap`` documents, coded ``a * n_docs + b`` (``a < b``).

    The buckets are taken by size, all buckets of ``k`` documents at once: one
    ``triu_indices(k)`` offset by each bucket's start.
    """
    used = size >= 2
    if cap is not None:
        used &= size <= cap
    out = []
    for k in np.unique(size[used]).tolist():
        starts = first[size == k]
        if k == 2:
            out.append(doc[starts] * n_docs + doc[starts + 1])
            continue
        i, j = np.triu_indices(k, 1)
        out.append((doc[starts[:, None] + i] * n_docs + doc[starts[:, None] + j]).ravel())
    return out
