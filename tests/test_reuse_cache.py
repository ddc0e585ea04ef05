"""presslens.reuse.cache: the last run's signatures and comparisons in one file each, read first, never changing the tables."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.synthetic import synthetic_documents
from presslens import reuse
from presslens.io import read_pickle, worth_rewriting, write_pickle
from presslens.paths import CACHE_KEY_ENV
from presslens.reuse import alignment
from presslens.reuse.cache import LAST_RUN_FILE, _Cache


@pytest.fixture(autouse=True)
def key_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "key" / "cache.key"
    monkeypatch.setenv(CACHE_KEY_ENV, str(path))
    return path


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """70 synthetic documents (LSH candidates from 50 on), some reprinting others."""
    return {name.removesuffix(".txt"): text for name, text, _ in synthetic_documents(70, seed=3)}


def _tables(a) -> list[pd.DataFrame]:
    return [reuse.pairs_frame(a), reuse.passages_frame(a)]


def _same(a, b) -> None:
    assert a.compared_pairs == b.compared_pairs
    for got, want in zip(_tables(a), _tables(b)):
        pd.testing.assert_frame_equal(got, want, check_dtype=True)


def _last_files(cache: Path) -> list[Path]:
    return sorted(cache.rglob(LAST_RUN_FILE))


def _count_reads(monkeypatch) -> dict[str, int]:
    """Count the per-document reads of signatures and pair files."""
    calls = {"signatures": 0, "pairs": 0}
    for name in calls:
        real = getattr(_Cache, name)

        def counting(self, *args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(_Cache, name, counting)
    return calls


def test_a_rerun_reads_the_two_last_run_files_and_no_per_document_file(texts, tmp_path, monkeypatch):
    fresh = reuse.align_texts(texts, keep_sides=False)
    assert fresh.method == "lsh" and fresh.stats["pairs_compared"] > 20
    first = reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    assert [p.parent.name.split("-")[0] for p in _last_files(tmp_path)] == ["pairs", "units"]
    calls = _count_reads(monkeypatch)
    again = reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    assert calls == {"signatures": 0, "pairs": 0}
    assert again.stats["documents_cached"] == 70 and again.stats["pairs_cached"] == fresh.stats["pairs_compared"]
    _same(first, fresh)
    _same(again, fresh)


def test_an_added_document_is_read_from_its_own_files_and_the_last_run_files_are_kept(texts, tmp_path, monkeypatch):
    fresh = reuse.align_texts(texts, keep_sides=False)
    new = fresh.compared_pairs[0][1]  # a document with candidate pairs
    reuse.align_texts({d: t for d, t in texts.items() if d != new}, cache_dir=tmp_path, keep_sides=False)
    stamps = [p.stat().st_mtime_ns for p in _last_files(tmp_path)]
    added = reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)  # one document more: below the slack
    assert added.stats["documents_computed"] == 1 and added.stats["pairs_computed"] > 0
    assert [p.stat().st_mtime_ns for p in _last_files(tmp_path)] == stamps
    calls = _count_reads(monkeypatch)
    again = reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    assert calls["signatures"] == 1 and 0 < calls["pairs"] <= 1 + added.stats["pairs_computed"]  # the added document's
    assert again.stats["documents_computed"] == 0 and again.stats["pairs_computed"] == 0
    _same(added, fresh)
    _same(again, fresh)


def test_the_last_run_files_are_rewritten_once_the_documents_drift_from_them(texts, tmp_path, monkeypatch):
    new = reuse.align_texts(texts, keep_sides=False).compared_pairs[0][1]  # a document with candidate pairs
    reuse.align_texts({d: t for d, t in texts.items() if d != new}, cache_dir=tmp_path, keep_sides=False)
    monkeypatch.setattr(alignment, "_LAST_RUN_SLACK", 0)
    stamps = [p.stat().st_mtime_ns for p in _last_files(tmp_path)]
    reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    assert all(a != b for a, b in zip(stamps, [p.stat().st_mtime_ns for p in _last_files(tmp_path)]))
    calls = _count_reads(monkeypatch)
    reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    assert calls == {"signatures": 0, "pairs": 0}


def test_worth_rewriting_counts_what_is_lacking_and_what_is_extra():
    many = set(range(10_000))
    assert worth_rewriting(set(), many) and not worth_rewriting(set(), set())
    assert not worth_rewriting(many, many | {-1})
    assert not worth_rewriting(many, set(range(9_910)))  # 90 extra: below 1% of 9,910
    assert worth_rewriting(many, set(range(9_900)))  # 100 extra: above 1% of 9,900 (99)
    assert not worth_rewriting(set(range(10)), set(range(5, 60)))  # 50 lacking, 5 extra: within 64
    assert worth_rewriting(set(range(10)), set(range(5, 80)))  # 70 lacking, 5 extra


@pytest.mark.parametrize("damage", ["garbage", "unsigned", "other layout", "wrong rows", "wrong values"])
def test_a_damaged_or_foreign_last_run_file_is_a_miss(texts, tmp_path, damage):
    want = reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    for path in _last_files(tmp_path):
        if damage == "garbage":
            path.write_bytes(b"\x80 not a pickle")
        elif damage == "unsigned":
            path.write_bytes(pickle.dumps({"layout": 1, "pairs": {}}))
        elif damage == "other layout":
            write_pickle({"layout": 99, "pairs": {}, "keys": ()}, path)
        elif damage == "wrong rows":
            value = {"layout": 1, "keys": ("x",), "counts": np.array([1]), "rows": np.array([5]), "values": np.zeros((2, 64))}
            write_pickle(value if path.parent.name.startswith("units") else {"layout": 1, "pairs": []}, path)
        else:  # the real keys, values of another type
            real = read_pickle(path)
            if path.parent.name.startswith("units"):
                write_pickle({**real, "values": real["values"].tolist()}, path)
            else:
                write_pickle({**real, "pairs": {k: tuple(vars(r).values()) for k, r in real["pairs"].items()}}, path)
    again = reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    assert again.stats["documents_computed"] == 0 and again.stats["pairs_computed"] == 0  # read from the per-document files
    _same(again, want)


def test_alignments_with_sentence_arrays_neither_read_nor_write_the_pairs_file(texts, tmp_path, monkeypatch):
    full = reuse.align_texts(texts, cache_dir=tmp_path)
    assert [p.parent.name.split("-")[0] for p in _last_files(tmp_path)] == ["units"]
    reuse.align_texts(texts, cache_dir=tmp_path, keep_sides=False)
    monkeypatch.setattr(_Cache, "last_pairs", lambda self: pytest.fail("read the pairs' last-run file"))
    again = reuse.align_texts(texts, cache_dir=tmp_path)
    _same(again, full)
    assert again.stats["pairs_computed"] == 0 and list(again.sides) == list(full.sides)
    for key in full.sides:
        got, want = again.sides[key], full.sides[key]
        for f in dataclasses.fields(want):
            assert np.array_equal(getattr(got, f.name), getattr(want, f.name)), (key, f.name)


def test_signatures_round_trip_with_their_type_and_mixed_types_are_not_written(tmp_path):
    cache = _Cache(tmp_path, reuse.ReuseOptions())
    rows = {"a": (3, np.arange(128, dtype=np.uint32).reshape(2, 64)), "b": (0, np.zeros((0, 64), dtype=np.uint32)),
            "c": (5, np.ones((1, 64), dtype=np.uint32))}
    cache.put_last_signatures(rows)
    got = cache.last_signatures()
    assert list(got) == ["a", "b", "c"]
    for k, (n, values) in rows.items():
        assert got[k][0] == n and got[k][1].dtype == values.dtype and np.array_equal(got[k][1], values)
    (tmp_path / "other").mkdir()
    mixed = _Cache(tmp_path / "other", reuse.ReuseOptions())
    mixed.put_last_signatures({**rows, "d": (1, np.ones((1, 64), dtype=np.uint64))})
    assert mixed.last_signatures() == {} and not _last_files(tmp_path / "other")
