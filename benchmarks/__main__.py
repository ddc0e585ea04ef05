"""Run every benchmark (``make bench``): ``python -m benchmarks [--out DIR] [--only NAME ...] [-- ARGS ...]``.

Each ``benchmarks/bench_*.py`` runs in its own process (so one's memory does
not count against the next), prints its figures and, with ``--out``, writes
``bench_<name>.json``. Arguments after ``--`` go to each benchmark run (so with
``--only``: ``make bench ARGS="--only suite -- --sizes 10000"``). Benchmarks are
never part of the tests: they measure this machine, which may be shared.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the bench_*.json files")
    parser.add_argument("--only", nargs="+", default=[], help="run only these (e.g. figures entities)")
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    chosen = [n for n in names if not args.only or n in args.only]
    failed = []
    for name in chosen:
        cmd = [sys.executable, "-m", f"benchmarks.bench_{name}"]
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            cmd += ["--out", str(args.out)]
        cmd += extra
        print(f"== bench_{name}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(cmd, cwd=HERE.parent)
        print(f"== bench_{name}: exit {code} after {time.perf_counter() - started:.1f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
