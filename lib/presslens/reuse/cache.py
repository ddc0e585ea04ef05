"""The on-disk reuse cache: sentence units per document, comparisons per pair (``cache_dir/reuse-v<format>/``)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..io import read_pickle, write_pickle
from .compare import _PARTIAL_MIN_OVERLAP, _PARTIAL_SHORT_SCORE, _PARTIAL_SHORT_WORDS, _PairResult
from .options import ReuseOptions
from .units import _LSH_MIN_WORDS, REUSE_CACHE_FORMAT, SHINGLE_WORDS, _Units


def _digest(values: tuple) -> str:
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


class _Cache:
    """The reuse cache under ``cache_dir/reuse-v<format>/``: units per document, comparisons per pair.

    ``units-<options>/<key>.sig.pkl`` holds a document's sentence count and
    MinHash rows (all the candidate search reads), ``<key>.pkl`` its units.
    ``pairs-<options>/<key>.pkl`` maps the partner's unit key to the
    comparison of the pair (without its sentence arrays, which are in
    ``<key>.sides.pkl``), for the pairs stored with this document: a pair
    compared in a run goes into the file of its document new in that run (or
    of ``doc_a``), so adding a document writes one new file and rewrites none.
    ``<options>`` hashes the options each depends on. Files are signed
    (:func:`presslens.io.write_pickle`); unreadable, unsigned or foreign files
    are misses, never unpickled; files are written whole and renamed into place.
    """

    def __init__(self, cache_dir: str | Path, opts: ReuseOptions) -> None:
        root = Path(cache_dir) / f"reuse-v{REUSE_CACHE_FORMAT}"
        self.units_dir = root / f"units-{_digest((opts.min_words, opts.num_perm, opts.seed, _LSH_MIN_WORDS, SHINGLE_WORDS))}"
        self.pairs_dir = root / "pairs-{}".format(_digest((
            opts.min_words, opts.threshold, opts.paraphrase_min_phrases, opts.max_gap,
            _PARTIAL_MIN_OVERLAP, _PARTIAL_SHORT_WORDS, _PARTIAL_SHORT_SCORE, SHINGLE_WORDS,
        )))

    @staticmethod
    def _path(folder: Path, key: str, suffix: str) -> Path:
        return folder / key[:2] / f"{key}{suffix}"

    def signatures(self, key: str) -> tuple[int, np.ndarray] | None:
        value = _load(self._path(self.units_dir, key, ".sig.pkl"))
        return value if isinstance(value, tuple) and len(value) == 2 else None

    def units(self, key: str) -> _Units | None:
        value = _load(self._path(self.units_dir, key, ".pkl"))
        return value if isinstance(value, _Units) else None

    def put_units(self, key: str, units: _Units) -> None:
        write_pickle(units, self._path(self.units_dir, key, ".pkl"))
        write_pickle((len(units), units.signatures), self._path(self.units_dir, key, ".sig.pkl"))

    def pairs(self, key: str, *, sides: bool = True) -> dict[str, _PairResult]:
        """The comparisons stored with a document: partner's unit key -> result (with the sentence arrays if ``sides``)."""
        value = _load(self._path(self.pairs_dir, key, ".pkl"))
        if not isinstance(value, dict):
            return {}
        if not sides:
            return value
        arrays = _load(self._path(self.pairs_dir, key, ".sides.pkl"))
        arrays = arrays if isinstance(arrays, dict) else {}
        return {k: dataclasses.replace(r, side_a=arrays[k][0], side_b=arrays[k][1]) for k, r in value.items() if k in arrays}

    def put_pairs(self, key: str, entries: Mapping[str, _PairResult]) -> None:
        """Store comparisons with a document: what the tables need, and apart the sentence arrays (read only when asked)."""
        write_pickle({k: (r.side_a, r.side_b) for k, r in entries.items()}, self._path(self.pairs_dir, key, ".sides.pkl"))
        write_pickle({k: r.without_sides() for k, r in entries.items()}, self._path(self.pairs_dir, key, ".pkl"))


def _load(path: Path) -> Any:
    return read_pickle(path, what="reuse cache file")
