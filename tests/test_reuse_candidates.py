"""presslens.reuse.candidates: the vectorised LSH banding gives exactly the pairs and counts of the per-bucket version."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pytest

from presslens import reuse
from presslens.reuse import candidates


def _reference_candidates(doc_ids: Sequence[str], signatures: Sequence[np.ndarray], opts) -> tuple[list, dict]:
    """``_candidates`` as it was before the pair enumeration was vectorised (one ``triu_indices`` per bucket): the oracle."""
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
    return [(doc_ids[int(c // n_docs)], doc_ids[int(c % n_docs)]) for c in codes], skipped


def _signatures(n_docs: int, *, seed: int, num_perm: int = 64, dtype=np.uint32, most: int = 12) -> list[np.ndarray]:
    """Random MinHash rows whose bands are often drawn from small shared pools, so buckets of every size occur.

    Each band of a sentence is, with some probability, one of a pool of band
    values whose popularity falls off (a few values in many documents, over
    any small cap; many in two or three); some documents have no rows, and
    some repeat a sentence (the same document twice in a bucket).
    """
    rng = np.random.default_rng(seed)
    bands, rows = 16, num_perm // 16
    pools = [rng.integers(0, 2**16, size=(40, rows)).astype(dtype) for _ in range(bands)]
    weights = 1.0 / np.arange(1, 41) ** 1.2
    weights /= weights.sum()
    out = []
    for _ in range(n_docs):
        n = int(rng.integers(0, most + 1)) if rng.random() > 0.1 else 0
        sig = rng.integers(0, 2**16, size=(n, num_perm)).astype(dtype)
        for b in range(bands):
            shared = rng.random(n) < 0.3
            sig[shared, b * rows : (b + 1) * rows] = pools[b][rng.choice(40, size=int(shared.sum()), p=weights)]
        if n > 1 and rng.random() < 0.3:
            sig[-1] = sig[0]
        out.append(sig)
    return out


def _ids(n: int) -> list[str]:
    return [f"d{k:05d}" for k in range(n)]


@pytest.mark.parametrize("cap", [None, 2, 3, 5, 20, 100])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_candidates_and_skipped_counts_are_the_reference_ones(cap, seed):
    sigs = _signatures(300, seed=seed)
    opts = reuse.ReuseOptions(max_bucket_documents=cap)
    got = candidates._candidates(_ids(300), sigs, opts)
    want = _reference_candidates(_ids(300), sigs, opts)
    assert got == want
    assert len(want[0]) > 50
    if cap is not None:
        assert want[1]["buckets_skipped"] > 0 and want[1]["bucket_documents_skipped"] > 0  # the cap is exercised


def test_the_synthetic_signatures_hold_buckets_of_many_sizes_around_the_cap():
    sigs = _signatures(300, seed=0)
    owner = np.repeat(np.arange(300), [len(s) for s in sigs])
    words = candidates._band_words(np.concatenate([s.T for s in sigs if len(s)], axis=1)[0:4])
    _, _, size = candidates._band_buckets(words, owner, n_docs=300)
    sizes = set(size.tolist())
    assert {1, 2, 3, 4, 5} <= sizes and max(sizes) > 20


@pytest.mark.parametrize("dtype", [np.uint64, np.int32, np.uint16, np.float64, np.complex128])
def test_any_value_type_groups_as_its_bytes(dtype):
    sigs = [s.astype(dtype) for s in _signatures(120, seed=5)]
    opts = reuse.ReuseOptions(max_bucket_documents=4)
    assert candidates._candidates(_ids(120), sigs, opts) == _reference_candidates(_ids(120), sigs, opts)


@pytest.mark.parametrize("num_perm", [16, 24, 128])
def test_other_band_shapes(num_perm):
    sigs = _signatures(150, seed=3, num_perm=num_perm)
    opts = reuse.ReuseOptions(num_perm=num_perm, max_bucket_documents=6)
    assert candidates._candidates(_ids(150), sigs, opts) == _reference_candidates(_ids(150), sigs, opts)


def test_hash_collisions_fall_back_to_sorting_the_values(monkeypatch):
    """Different bands with the same hash bits are told apart: a hash that collides everywhere gives the same pairs."""
    sigs = _signatures(200, seed=7)
    opts = reuse.ReuseOptions(max_bucket_documents=5)
    want = _reference_candidates(_ids(200), sigs, opts)
    monkeypatch.setattr(candidates, "_hash_words", lambda words: np.zeros(len(words[0]), dtype=np.uint64))
    assert candidates._candidates(_ids(200), sigs, opts) == want
    monkeypatch.setattr(candidates, "_hash_words", lambda words: (words[0] & np.uint64(3)) << np.uint64(60))  # a few collisions
    assert candidates._candidates(_ids(200), sigs, opts) == want


def test_exact_and_hashed_grouping_agree():
    sigs = _signatures(250, seed=9)
    owner = np.repeat(np.arange(250), [len(s) for s in sigs])
    columns = np.concatenate([s.T for s in sigs if len(s)], axis=1)
    for start in range(0, 64, 4):
        words = candidates._band_words(columns[start : start + 4])
        hashed = candidates._band_buckets(words, owner, n_docs=250)
        exact = candidates._band_buckets(words, owner, n_docs=250, exact=True)
        # the same buckets, perhaps in another order: compare them as sets of document tuples
        as_set = lambda doc, first, size: sorted(tuple(doc[a : a + k].tolist()) for a, k in zip(first, size))  # noqa: E731
        assert as_set(*hashed) == as_set(*exact)


def test_edge_cases_empty_documents_one_document_no_rows():
    opts = reuse.ReuseOptions()
    empty = np.zeros((0, 64), dtype=np.uint32)
    assert candidates._candidates([], [], opts) == ([], {"buckets_skipped": 0, "bucket_documents_skipped": 0})
    assert candidates._candidates(_ids(3), [empty] * 3, opts) == _reference_candidates(_ids(3), [empty] * 3, opts)
    one = _signatures(1, seed=1, most=20)
    one = [one[0] if len(one[0]) else np.ones((3, 64), dtype=np.uint32)]
    one[0][1] = one[0][0]  # a document sharing a sentence with itself is no pair
    assert candidates._candidates(_ids(1), one, opts) == ([], {"buckets_skipped": 0, "bucket_documents_skipped": 0})
    assert _reference_candidates(_ids(1), one, opts) == ([], {"buckets_skipped": 0, "bucket_documents_skipped": 0})
    # empty documents between full ones, and a row every document has (a bucket over the cap in every band)
    sigs = _signatures(40, seed=2)
    common = np.arange(64, dtype=np.uint32)
    sigs = [np.vstack([s, common]) if k % 3 else empty for k, s in enumerate(sigs)]
    for cap in (2, 10, 30, None):
        o = reuse.ReuseOptions(max_bucket_documents=cap)
        assert candidates._candidates(_ids(40), sigs, o) == _reference_candidates(_ids(40), sigs, o)
