"""Benchmark the corpus cache: ``load_corpus`` of N synthetic documents cold, warm, and warm after adding one.

For each size, ``benchmarks.synthetic`` writes N + 1 documents (fixed seed) and
holds the last one back; then, in this process, times:

* ``no cache``: ``load_corpus(folder)``, every file decoded and segmented;
* ``cold``: ``load_corpus(folder, cache_dir=...)`` on an empty cache (the same work, plus writing the cache);
* ``warm``: again, nothing changed (the last-run file read, every file hashed);
* ``warm, per-document files``: the same with the last-run file removed, so
  each document comes from its own file (the alternative layout, measured to choose);
* ``+1 document``: the held-back document put back (one file decoded and segmented, the last-run file rewritten).

Each warm corpus is checked equal to the fresh one. Prints a table; with
``--out``, writes ``DIR/bench_corpus_cache.json``. Run on demand (figures depend on the machine; not a test)::

    .venv/bin/python -m benchmarks.bench_corpus_cache --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def measure(n: int, work: Path, *, seed: int = 9) -> dict:
    from presslens.ingest.cache import CORPUS_CACHE_DIR, LAST_RUN_FILE
    from presslens.ingest.corpus import load_corpus

    from .synthetic import write_corpus

    folder, cache, aside = work / f"corpus{n}", work / f"cache{n}", work / f"aside{n}"
    _, t_write = _timed(lambda: write_corpus(n + 1, folder, seed=seed))
    last = sorted(folder.glob("*.txt"))[-1]
    aside.mkdir()
    held = aside / last.name
    shutil.move(last, held)

    fresh, t_none = _timed(lambda: load_corpus(folder))
    _, t_cold = _timed(lambda: load_corpus(folder, cache_dir=cache))
    warm, t_warm = _timed(lambda: load_corpus(folder, cache_dir=cache))
    (cache / CORPUS_CACHE_DIR / LAST_RUN_FILE).unlink()
    per_doc, t_per_doc = _timed(lambda: load_corpus(folder, cache_dir=cache))
    same = all(_same(fresh, c) for c in (warm, per_doc))
    shutil.move(held, folder / held.name)
    plus, t_plus = _timed(lambda: load_corpus(folder, cache_dir=cache))
    same = same and _same(load_corpus(folder), plus)
    size = (cache / CORPUS_CACHE_DIR / LAST_RUN_FILE).stat().st_size
    return {
        "documents": len(fresh), "write_corpus_s": t_write, "no_cache_s": t_none, "cold_s": t_cold, "warm_s": t_warm,
        "warm_per_document_files_s": t_per_doc, "plus_one_s": t_plus, "last_run_bytes": size, "equal_to_fresh": same,
    }


def _same(a, b) -> bool:
    return (repr(a.documents) == repr(b.documents) and a.inputs == b.inputs and a.warnings == b.warnings
            and a.documents == b.documents)


def table(results: dict[int, dict]) -> str:
    rows = [
        "| documents | no cache | cold (filling the cache) | warm (last-run file) | warm (per-document files) | +1 document | last-run file | equal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, r in results.items():
        rows.append(
            f"| {r['documents']:,} | {r['no_cache_s']:.1f} s | {r['cold_s']:.1f} s | {r['warm_s']:.2f} s | "
            f"{r['warm_per_document_files_s']:.2f} s | {r['plus_one_s']:.2f} s | {r['last_run_bytes'] / 2**20:.1f} MiB | "
            f"{'yes' if r['equal_to_fresh'] else 'NO'} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--out", type=Path, default=None, help="folder for bench_corpus_cache.json")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-cache-") as tmp:
        work = Path(tmp)
        os.environ["PRESSLENS_CACHE_KEY"] = str(work / "cache.key")  # this benchmark's own key, not the installation's
        results = {}
        for n in args.sizes:
            results[n] = measure(n, work, seed=args.seed)
            print(f"{n}: {results[n]}", flush=True)
    print(table(results))
    if args.out is not None:
        from presslens.io import write_json

        args.out.mkdir(parents=True, exist_ok=True)
        write_json({str(n): r for n, r in results.items()}, args.out / "bench_corpus_cache.json")
    return 0 if all(r["equal_to_fresh"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
