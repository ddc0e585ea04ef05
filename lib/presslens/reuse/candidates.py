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
    bands are grouped here with numpy (a sort per band) instead of one Python
    dictionary entry per sentence and band, which at 10,000 documents held
    gigabytes; the cost grows with the number of sentences plus the number of
    pairs found.

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
    values = np.concatenate([s for s in signatures if len(s)])
    n_docs = np.int64(len(doc_ids))
    found: list[np.ndarray] = []
    for start, end in lsh.hashranges:
        band = np.ascontiguousarray(values[:, start:end])
        rows = band.view(np.dtype((np.void, band.dtype.itemsize * (end - start)))).ravel()
        _, bucket = np.unique(rows, return_inverse=True)
        members = np.unique(bucket.ravel().astype(np.int64) * n_docs + owner)  # (bucket, document), each once
        bucket, doc = members // n_docs, members % n_docs
        first = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
        size = np.diff(np.r_[first, len(bucket)])
        two = first[size == 2]
        found.append(doc[two] * n_docs + doc[two + 1])
        used = size > 2
        if cap is not None:
            over = size > cap
            used &= ~over
            skipped["buckets_skipped"] += int(over.sum())
            skipped_docs += [doc[at : at + k] for at, k in zip(first[over], size[over])]
        for at, k in zip(first[used], size[used]):
            docs = doc[at : at + k]
            i, j = np.triu_indices(int(k), 1)
            found.append(docs[i] * n_docs + docs[j])
    codes = np.unique(np.concatenate(found))
    if skipped_docs:
        skipped["bucket_documents_skipped"] = len(np.unique(np.concatenate(skipped_docs)))
        log.info(
            "LSH candidates: %d band buckets of more than %d documents proposed no pairs "
            "(%d documents hold such common sentences: boilerplate or stock phrases)",
            skipped["buckets_skipped"], cap, skipped["bucket_documents_skipped"],
        )
    return [(doc_ids[int(c // n_docs)], doc_ids[int(c % n_docs)]) for c in codes], skipped
