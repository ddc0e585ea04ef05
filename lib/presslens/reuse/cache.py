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
    of ``doc_a``), so adding a document writes one new file and rewrites none
    of them.

    ``units-<options>/last-run.pkl`` and ``pairs-<options>/last-run.pkl`` hold
    the same for the documents and compared pairs of the last run that wrote
    them, in one file each (:data:`LAST_RUN_FILE`): two files to read instead
    of one or two per document (19,000 files, about 4 s, for a run of 10,000
    cached documents). They are keyed like the files above (unit
    keys of the documents), so an entry is never stale, only missing; what they
    lack is read from the per-document files, so they are rewritten only when
    a run's documents or pairs differ from theirs by more than a few
    (:func:`.alignment._worth_rewriting`), not after every added document. The
    pairs file is read and written by alignments without sentence arrays
    (``keep_sides=False``: the build's), which are all it holds.

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

    def last_signatures(self) -> dict[str, tuple[int, np.ndarray]]:
        """The signatures of the last run's documents (unit key -> as :meth:`signatures`); empty if missing or unreadable."""
        value = _load(self.units_dir / LAST_RUN_FILE)
        if not _last_signatures_file(value):
            return {}
        keys, counts, rows, values = value["keys"], value["counts"], value["rows"], value["values"]
        parts = np.split(values, np.cumsum(rows)[:-1]) if len(keys) else []
        return {k: (n, part) for k, n, part in zip(keys, counts.tolist(), parts)}

    def put_last_signatures(self, entries: Mapping[str, tuple[int, np.ndarray]]) -> None:
        """Keep the signatures of this run's documents (unit key -> sentence count and MinHash rows) in one file.

        Nothing is written unless all the rows are of one type and width (as
        they are for one set of options), so each is read back as it was.
        """
        keys = tuple(entries)
        arrays = [entries[k][1] for k in keys]
        if not arrays or len({(a.dtype, a.ndim, a.shape[1:]) for a in arrays}) != 1 or arrays[0].ndim != 2:
            return
        write_pickle({
            "layout": _LAST_RUN_LAYOUT, "keys": keys,
            "counts": np.array([entries[k][0] for k in keys], dtype=np.int64),
            "rows": np.array([len(a) for a in arrays], dtype=np.int64),
            "values": np.concatenate(arrays),
        }, self.units_dir / LAST_RUN_FILE)

    def last_pairs(self) -> dict[tuple[str, str], _PairResult]:
        """The comparisons of the last run's pairs, without sentence arrays: ``(key of doc_a, key of doc_b)`` -> result."""
        value = _load(self.pairs_dir / LAST_RUN_FILE)
        if not (isinstance(value, dict) and value.get("layout") == _LAST_RUN_LAYOUT and isinstance(value.get("pairs"), dict)):
            return {}
        pairs = value["pairs"]
        if not all(isinstance(k, tuple) and isinstance(r, _PairResult) for k, r in pairs.items()):
            return {}
        return pairs

    def put_last_pairs(self, entries: Mapping[tuple[str, str], _PairResult]) -> None:
        """Keep the comparisons of this run's pairs (``(key of doc_a, key of doc_b)`` -> result) in one file, without their arrays."""
        bare = {k: r if r.side_a is None and r.side_b is None else r.without_sides() for k, r in entries.items()}
        write_pickle({"layout": _LAST_RUN_LAYOUT, "pairs": bare}, self.pairs_dir / LAST_RUN_FILE)


#: the file (in the units and in the pairs folder) of the last run's signatures and comparisons
LAST_RUN_FILE = "last-run.pkl"
#: what a last-run file holds, checked on reading (another layout is a miss)
_LAST_RUN_LAYOUT = 1


def _last_signatures_file(value: Any) -> bool:
    """Whether a value read from a units ``last-run.pkl`` has the layout :meth:`_Cache.put_last_signatures` writes."""
    if not (isinstance(value, dict) and value.get("layout") == _LAST_RUN_LAYOUT):
        return False
    keys, counts, rows, values = (value.get(k) for k in ("keys", "counts", "rows", "values"))
    arrays = (counts, rows, values)
    return (
        isinstance(keys, tuple) and all(isinstance(k, str) for k in keys)
        and all(isinstance(a, np.ndarray) for a in arrays) and values.ndim == 2
        and counts.dtype == rows.dtype == np.int64 and counts.shape == rows.shape == (len(keys),)
        and bool((rows >= 0).all()) and int(rows.sum()) == len(values)
    )


def _load(path: Path) -> Any:
    return read_pickle(path, what="reuse cache file")
