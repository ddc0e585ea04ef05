"""Benchmark the whole suite as a journalist runs it: ``presslens run`` on the seeds against bare papermill, and at scale.

Each ``presslens run`` is the real command (``presslens.cli.main(["run", ...])``)
in a child process of its own, with the worktree's ``lib/`` first on
``PYTHONPATH`` (inherited by the notebooks' kernels, which start from that
process's environment: :func:`presslens.report.execute.kernel_env`) and a cache
key of the benchmark's own (``PRESSLENS_CACHE_KEY`` in a temporary folder). Parts:

* ``seeds``: ``--rounds`` rounds (default 3), alternating (a) ``presslens run``
  on ``seeds/`` into a fresh output folder and (b) the *floor*: one process
  that runs, in turn, five bare ``papermill.execute_notebook`` of a notebook that
  only imports pandas and plotly (written into a temporary folder), with the
  suite's kernel (:data:`presslens.report.execute.KERNEL_NAME`). Wall seconds of
  each child process (interpreter start included); medians and the ratio suite /
  floor (issue #18's target: at most 1.5x). The suite is broken down from its
  progress events (timed in the child): ``startup`` (interpreter, imports, plan,
  lock, until the build starts), ``build`` (``pipeline.build``), each notebook's
  ``execute`` (papermill, as ``run.json`` records it) and ``export`` (HTML:
  from the end of the execution to the notebook's progress event), and
  ``publish`` (index, ``run.json``, swapping the run in, process exit).
* ``scale``: for each of ``--sizes`` (default 1000; 10000 on request),
  ``benchmarks.synthetic`` writes a corpus (fixed seed); ``presslens run`` runs
  into a fresh ``OUT`` (``cold``: empty cache), then one document is added (a new
  synthetic document and its ``sources.yml`` entry, :func:`add_document`) and
  ``presslens run`` runs again into the same ``OUT`` (``+1 document``: the cache
  of the first run is used). Build seconds, documents the build processed, each
  notebook's execute and export seconds, total wall.
* peak memory of every run: ``ru_maxrss`` of the child that runs ``presslens run``
  (``RUSAGE_SELF``: the main process) and ``RUSAGE_CHILDREN`` (the largest
  single process it waited for: a kernel or a build worker); with psutil
  installed, the process tree is also sampled every 0.1 s (the largest sum of
  the RSS of the main process, kernels and workers alive together, and each
  role's largest value) and, every :data:`PSS_EVERY` samples, the sum of their
  PSS (proportional set size: pages shared between processes counted once in
  all, where the RSS sum counts them once per process).

Targets (issue #18) printed beside the figures: seeds suite at most 1.5x the
floor; 10,000 documents: whole suite cold at most 10 minutes, after one more
document build at most 15 s and whole suite at most 3 minutes; peak memory
under 4 GiB. Chromium is not needed (no browser test). Writes
``DIR/bench_suite.json`` and ``DIR/bench_suite.md`` with ``--out``. Run on demand
(figures depend on the machine, which may be shared; not a test)::

    .venv/bin/python -m benchmarks.bench_suite --out outputs/bench
    .venv/bin/python -m benchmarks.bench_suite --parts scale --sizes 10000 --out outputs/bench
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: notebooks the floor runs, in turn, per round (the suite has five)
FLOOR_RUNS = 5
FLOOR_CELLS = ("import pandas as pd", "import plotly.graph_objects as go")
GIB = 2**30
#: issue #18's targets
TARGETS = {
    "seeds_ratio": 1.5,  # suite / floor
    "cold_wall_s": 600.0,  # 10,000 documents
    "plus_one_build_s": 15.0,
    "plus_one_wall_s": 180.0,
    "peak_bytes": 4 * GIB,
}
TARGET_SIZE = 10_000
PSUTIL_INTERVAL_S = 0.1
#: the tree's PSS is sampled every this many RSS samples
PSS_EVERY = 5


# ---------------------------------------------------------------------------
# Pure helpers (tested)
# ---------------------------------------------------------------------------
def median(values: Sequence[float]) -> float | None:
    """The median, ``None`` for no value.

    >>> median([3.0, 1.0, 2.0]), median([])
    (2.0, None)
    """
    return statistics.median(values) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, ``None`` when either is missing or ``b`` is 0.

    >>> ratio(3.0, 2.0), ratio(1.0, 0.0), ratio(None, 1.0)
    (1.5, None, None)
    """
    if a is None or b is None or b == 0:
        return None
    return a / b


def verdict(value: float | None, limit: float) -> str:
    """``met`` / ``NOT met`` against an upper ``limit`` (``-`` without a value).

    >>> verdict(1.2, 1.5), verdict(2.0, 1.5), verdict(None, 1.5)
    ('met', 'NOT met', '-')
    """
    if value is None:
        return "-"
    return "met" if value <= limit else "NOT met"


def breakdown(events: Sequence[Mapping], *, spawned: float, exited: float) -> dict:
    """Where a run's wall time went, from the progress events its child recorded (``t``: ``time.time()``).

    ``events`` are :class:`presslens.report.Progress` as dicts with their time
    ``t``; ``spawned`` and ``exited`` the parent's clock around the child. The
    parts add up to the wall: ``startup`` until the build starts, ``build``,
    per notebook ``execute`` (its ``seconds``) and ``export`` (the rest of the time
    between its start and end events), ``between`` (gaps between the build and the
    notebooks), ``publish`` after the last notebook until the process exits.

    >>> ev = [{"stage": "build", "status": "start", "t": 1.0}, {"stage": "build", "status": "ok", "t": 3.0, "seconds": 2.0},
    ...       {"stage": "notebook", "status": "start", "name": "a", "t": 3.0},
    ...       {"stage": "notebook", "status": "ok", "name": "a", "t": 7.0, "seconds": 3.5}]
    >>> b = breakdown(ev, spawned=0.0, exited=8.0)
    >>> b["startup_s"], b["build_s"], b["notebooks"]["a"], b["publish_s"], b["wall_s"]
    (1.0, 2.0, {'execute_s': 3.5, 'export_s': 0.5, 'status': 'ok'}, 1.0, 8.0)
    """
    build_start = next((e["t"] for e in events if e["stage"] == "build" and e["status"] == "start"), None)
    build_end = next((e for e in events if e["stage"] == "build" and e["status"] != "start"), None)
    notebooks: dict[str, dict] = {}
    starts: dict[str, float] = {}
    last = build_end["t"] if build_end else build_start
    accounted = 0.0
    for e in events:
        if e["stage"] != "notebook":
            continue
        if e["status"] == "start":
            starts[e["name"]] = e["t"]
            continue
        span = e["t"] - starts.get(e["name"], e["t"])
        execute = float(e.get("seconds") or 0.0)
        notebooks[e["name"]] = {"execute_s": round(execute, 2), "export_s": round(max(0.0, span - execute), 2), "status": e["status"]}
        accounted += span
        last = e["t"]
    startup = (build_start - spawned) if build_start is not None else None
    build = float(build_end["seconds"]) if build_end else None
    between = None
    if build_end is not None and last is not None:
        between = max(0.0, (last - build_end["t"]) - accounted)
    return {
        "wall_s": round(exited - spawned, 2),
        "startup_s": round(startup, 2) if startup is not None else None,
        "build_s": round(build, 2) if build is not None else None,
        "notebooks": notebooks,
        "notebooks_s": round(sum(n["execute_s"] + n["export_s"] for n in notebooks.values()), 2),
        "execute_s": round(sum(n["execute_s"] for n in notebooks.values()), 2),
        "export_s": round(sum(n["export_s"] for n in notebooks.values()), 2),
        "between_s": round(between, 2) if between is not None else None,
        "publish_s": round(exited - last, 2) if last is not None else None,
    }


def add_document(folder: Path, name: str, text: str, entry: Mapping | None = None) -> Path:
    """Add the document ``name`` (a ``.txt`` file name) with ``text`` to the corpus ``folder``, and its ``sources.yml`` entry.

    The entry (its ``file`` set to ``name``) goes under the document's id (the
    file's stem) when the folder has a ``sources.yml``; without one, only the
    file is written. Refuses a name the folder already has.

    Returns:
        The new file.
    """
    folder = Path(folder)
    target = folder / name
    if target.exists():
        raise FileExistsError(f"{target} exists: the added document must be new")
    target.write_text(text, encoding="utf-8")
    sources = folder / "sources.yml"
    if sources.is_file():
        data = yaml.safe_load(sources.read_text(encoding="utf-8")) or {}
        documents = data.setdefault("documents", {}) or {}
        data["documents"] = documents
        documents[target.stem] = {**dict(entry or {}), "file": name}
        sources.write_text(yaml.safe_dump(data, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return target


def floor_notebook(path: Path) -> Path:
    """Write the floor's notebook: one code cell per line of :data:`FLOOR_CELLS` (pandas and plotly imported)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in FLOOR_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _mib(n: float | None) -> str:
    return "-" if n is None else f"{n / 2**20:,.0f}"


def _s(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def peak_bytes(run: Mapping) -> float | None:
    """The largest memory figure of a run: psutil's sampled tree sum when there is one, else the larger ``ru_maxrss``."""
    mem = run.get("memory") or {}
    if mem.get("tree_peak_bytes") is not None:
        return mem["tree_peak_bytes"]
    values = [mem.get(k) for k in ("main_maxrss_bytes", "children_maxrss_bytes") if mem.get(k) is not None]
    return max(values) if values else None


def _memory_cells(run: Mapping) -> list[str]:
    mem = run.get("memory") or {}
    return [_mib(mem.get("main_maxrss_bytes")), _mib(mem.get("children_maxrss_bytes")), _mib(mem.get("tree_peak_bytes")),
            _mib(mem.get("tree_peak_pss_bytes") or None)]


def markdown(results: Mapping, *, context: str = "") -> str:
    """The report: seeds against the floor, the suite's breakdown, the runs at scale, the targets.

    ``results`` as :func:`main` writes ``bench_suite.json``: ``seeds`` (``rounds``: each a ``suite`` run and a
    ``floor``) and ``scale`` (per size: ``cold`` and ``plus_one`` runs).
    """
    lines = ["# presslens whole-suite benchmark", ""]
    if context:
        lines += [context, ""]
    targets = []
    seeds = results.get("seeds")
    if seeds:
        rounds = seeds["rounds"]
        suite = [r["suite"]["wall_s"] for r in rounds]
        floor = [r["floor"]["wall_s"] for r in rounds]
        m_suite, m_floor = median(suite), median(floor)
        q = ratio(m_suite, m_floor)
        lines += [
            f"## Seeds: `presslens run` against the floor ({FLOOR_RUNS} bare papermill runs of a notebook importing pandas and plotly, same kernel), alternating",
            "",
            "| round | suite wall s | floor wall s | suite / floor | load (1 min) before the suite |",
            "|---|---|---|---|---|",
        ]
        for i, r in enumerate(rounds, start=1):
            lines.append(f"| {i} | {_s(r['suite']['wall_s'])} | {_s(r['floor']['wall_s'])} | "
                         f"{_s(ratio(r['suite']['wall_s'], r['floor']['wall_s']), 2)} | {r['suite'].get('load', '-')} |")
        lines += [f"| **median** | **{_s(m_suite)}** | **{_s(m_floor)}** | **{_s(q, 2)}** | |", ""]
        lines += ["Floor per papermill run (median of all rounds): "
                  f"{_s(median([s for r in rounds for s in r['floor'].get('runs_s', [])]), 2)} s.", ""]
        names = list(rounds[0]["suite"]["breakdown"]["notebooks"])
        lines += ["Where the suite's time goes (median of the rounds, seconds):", "",
                  "| part | seconds |", "|---|---|"]

        def med(key):
            return median([r["suite"]["breakdown"][key] for r in rounds if r["suite"]["breakdown"].get(key) is not None])

        lines.append(f"| startup (interpreter, imports, plan) | {_s(med('startup_s'), 2)} |")
        lines.append(f"| build | {_s(med('build_s'), 2)} |")
        for name in names:
            ex = median([r["suite"]["breakdown"]["notebooks"][name]["execute_s"] for r in rounds])
            xp = median([r["suite"]["breakdown"]["notebooks"][name]["export_s"] for r in rounds])
            lines.append(f"| {name}: execute / export | {_s(ex, 2)} / {_s(xp, 2)} |")
        lines.append(f"| between notebooks | {_s(med('between_s'), 2)} |")
        lines.append(f"| publish and exit | {_s(med('publish_s'), 2)} |")
        lines.append(f"| **wall** | **{_s(med('wall_s'), 2)}** |")
        lines.append("")
        targets.append(f"seeds suite / floor: {_s(q, 2)}x (target at most {TARGETS['seeds_ratio']}x): {verdict(q, TARGETS['seeds_ratio'])}")
    scale = results.get("scale") or {}
    if scale:
        names: list[str] = []
        for r in scale.values():
            for run in (r["cold"], r["plus_one"]):
                names += [n for n in run["breakdown"]["notebooks"] if n not in names]
        lines += ["## Whole suite at scale (synthetic corpora; cold: fresh OUT; +1: one document added, same OUT)", "",
                  "Notebook cells: execute + export seconds. Memory, MiB: main process ru_maxrss / largest child ru_maxrss "
                  "(kernel or worker) / largest sampled sum of the process tree's RSS / of its PSS, which counts a page shared by "
                  "several processes (a forked worker's inherited heap, the libraries each kernel maps) once (psutil).", "",
                  "| docs | run | build s | docs processed | " + " | ".join(names) + " | total wall s | memory MiB | load (1 min) |",
                  "|" + "---|" * (len(names) + 7)]
        for size, r in sorted(scale.items(), key=lambda kv: int(kv[0])):
            for label, key in (("cold", "cold"), ("+1 document", "plus_one")):
                run = r[key]
                b = run["breakdown"]
                cells = [f"{int(size):,}", label, _s(b.get("build_s")), str(run.get("processed_documents", "-"))]
                for n in names:
                    nb = b["notebooks"].get(n)
                    cells.append(f"{nb['execute_s']:.1f} + {nb['export_s']:.1f}" + ("" if nb["status"] == "ok" else " FAILED") if nb else "-")
                cells += [_s(b["wall_s"]), " / ".join(_memory_cells(run)), str(run.get("load", "-"))]
                lines.append("| " + " | ".join(cells) + " |")
            cold, plus = r["cold"], r["plus_one"]
            at = int(size) == TARGET_SIZE
            note = "" if at else f" (the targets are for {TARGET_SIZE:,} documents)"
            targets.append(f"{int(size):,} docs cold wall: {_s(cold['breakdown']['wall_s'])} s (target at most "
                           f"{TARGETS['cold_wall_s']:.0f} s at {TARGET_SIZE:,}): {verdict(cold['breakdown']['wall_s'], TARGETS['cold_wall_s']) if at else '-'}{note}")
            targets.append(f"{int(size):,} docs +1 build: {_s(plus['breakdown'].get('build_s'))} s (target at most {TARGETS['plus_one_build_s']:.0f} s): "
                           f"{verdict(plus['breakdown'].get('build_s'), TARGETS['plus_one_build_s']) if at else '-'}; +1 whole suite "
                           f"{_s(plus['breakdown']['wall_s'])} s (target at most {TARGETS['plus_one_wall_s']:.0f} s): "
                           f"{verdict(plus['breakdown']['wall_s'], TARGETS['plus_one_wall_s']) if at else '-'}")
        lines.append("")
    runs = [r["suite"] for r in (seeds or {}).get("rounds", [])] + [run for r in scale.values() for run in (r["cold"], r["plus_one"])]
    peaks = [p for p in (peak_bytes(run) for run in runs) if p is not None]
    if peaks:
        top = max(peaks)
        targets.append(f"peak memory of any run, sum of the tree's RSS: {top / GIB:.2f} GiB (target under 4 GiB): "
                       f"{'met' if top < TARGETS['peak_bytes'] else 'NOT met'}")
    pss = [run.get("memory", {}).get("tree_peak_pss_bytes") or 0 for run in runs]
    if any(pss):
        top = max(pss)
        targets.append(f"peak memory of any run, sum of the tree's PSS (shared pages counted once): {top / GIB:.2f} GiB "
                       f"(target under 4 GiB): {'met' if top < TARGETS['peak_bytes'] else 'NOT met'}")
    if targets:
        lines += ["## Targets (issue #18)", ""] + [f"* {t}" for t in targets] + [""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Measuring (child processes)
# ---------------------------------------------------------------------------
def child_env(key_file: Path) -> dict[str, str]:
    """This process's environment with this checkout's ``lib/`` and root first on ``PYTHONPATH`` and the benchmark's cache key."""
    env = dict(os.environ)
    parts = [str(ROOT / "lib"), str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    env["PRESSLENS_CACHE_KEY"] = str(key_file)
    return env


class _TreeSampler:
    """Samples the RSS of a process and its descendants (psutil) until stopped: peak sum and each role's peak."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.peak = {"tree_peak_bytes": 0, "main_peak_bytes": 0, "kernels_peak_bytes": 0, "workers_peak_bytes": 0,
                     "tree_peak_pss_bytes": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        ps = self.psutil
        rounds = 0
        while not self._stop.is_set():
            with_pss = rounds % PSS_EVERY == 0  # PSS reads /proc/PID/smaps_rollup: slower than RSS, so less often
            rounds += 1
            try:
                main = self.root.memory_info().rss
                pss = self._pss(self.root) if with_pss else 0
                kernels = workers = 0
                for child in self.root.children(recursive=True):
                    try:
                        rss = child.memory_info().rss
                        if with_pss:
                            pss += self._pss(child)
                        if any("ipykernel" in part for part in child.cmdline()):
                            kernels += rss
                        else:
                            workers += rss
                    except (ps.NoSuchProcess, ps.AccessDenied, ps.ZombieProcess):
                        continue
            except (ps.NoSuchProcess, ps.AccessDenied, ps.ZombieProcess):
                break
            for key, value in (("tree_peak_bytes", main + kernels + workers), ("main_peak_bytes", main),
                               ("kernels_peak_bytes", kernels), ("workers_peak_bytes", workers), ("tree_peak_pss_bytes", pss)):
                self.peak[key] = max(self.peak[key], value)
            self._stop.wait(PSUTIL_INTERVAL_S)

    def _pss(self, process) -> int:  # noqa: ANN001 - a psutil.Process
        """The process's proportional set size: each page shared with other processes (a forked worker's inherited
        heap, the libraries every kernel maps) counted as its share, so the tree's sum is the memory it really holds."""
        try:
            return int(getattr(process.memory_full_info(), "pss", 0) or 0)
        except (self.psutil.NoSuchProcess, self.psutil.AccessDenied, self.psutil.ZombieProcess):
            return 0

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return dict(self.peak)


def _sampler(pid: int) -> _TreeSampler | None:
    try:
        return _TreeSampler(pid)
    except ImportError:
        return None


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def _spawn(args: list[str], *, env: Mapping[str, str], log_file: Path) -> tuple[float, float, dict | None]:
    """Run ``python -m benchmarks.bench_suite ARGS`` and sample it; (spawned, exited, psutil peaks or None)."""
    cmd = [sys.executable, "-m", "benchmarks.bench_suite", *args]
    with open(log_file, "wb") as log:
        spawned = time.time()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        sampler = _sampler(proc.pid)
        code = proc.wait()
        exited = time.time()
    peaks = sampler.stop() if sampler else None
    if code:
        tail = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-20:]
        raise RuntimeError(f"{' '.join(cmd[2:4])} exited {code}; its output ends:\n" + "\n".join(tail))
    return spawned, exited, peaks


def run_suite(corpus: Path, out: Path, *, env: Mapping[str, str], work: Path, jobs: int | None = None) -> dict:
    """One ``presslens run --corpus CORPUS --out OUT`` in a child process: wall, breakdown, memory, what the build did."""
    result = work / f"run-{time.time_ns()}.json"
    args = ["--child-run", str(corpus), str(out), str(result)] + (["--jobs", str(jobs)] if jobs else [])
    load = _load()
    spawned, exited, peaks = _spawn(args, env=env, log_file=result.with_suffix(".log"))
    child = json.loads(result.read_text(encoding="utf-8"))
    if child["exit"] != 0:
        raise RuntimeError(f"presslens run exited {child['exit']}; see {result.with_suffix('.log')}")
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    memory = {"main_maxrss_bytes": child["maxrss_self_kib"] * 1024, "children_maxrss_bytes": child["maxrss_children_kib"] * 1024}
    memory.update(peaks or {})
    build = manifest.get("build") or {}
    return {
        "wall_s": round(exited - spawned, 2), "load": load, "breakdown": breakdown(child["events"], spawned=spawned, exited=exited),
        "memory": memory, "memory_measure": "ru_maxrss (self, children)" + (" + psutil tree sampling" if peaks else " (psutil not installed)"),
        "processed_documents": (build.get("processed") or {}).get("document"), "documents": build.get("documents"),
        "build_stats_seconds": build.get("seconds"), "presslens": child["presslens"],
    }


def run_floor(notebook: Path, *, env: Mapping[str, str], work: Path) -> dict:
    """The floor in a child process: :data:`FLOOR_RUNS` papermill runs of ``notebook`` in turn; wall and each run's seconds."""
    result = work / f"floor-{time.time_ns()}.json"
    load = _load()
    spawned, exited, peaks = _spawn(["--child-floor", str(notebook), str(result)], env=env, log_file=result.with_suffix(".log"))
    child = json.loads(result.read_text(encoding="utf-8"))
    return {"wall_s": round(exited - spawned, 2), "load": load, "runs_s": child["runs_s"], "kernel": child["kernel"],
            "memory": {"main_maxrss_bytes": child["maxrss_self_kib"] * 1024, "children_maxrss_bytes": child["maxrss_children_kib"] * 1024,
                       **(peaks or {})}}


def _child_run(corpus: str, out: str, target: str, jobs: int | None) -> int:
    """In the child: ``presslens run`` through the CLI, its progress events timed; writes the events and ru_maxrss."""
    import presslens
    from presslens import cli

    events: list[dict] = []

    class _Recorder(cli.ProgressPrinter):
        def __call__(self, event) -> None:  # noqa: ANN001 - report.Progress
            events.append({"stage": event.stage, "status": event.status, "name": event.name, "seconds": event.seconds, "t": time.time()})
            super().__call__(event)

    cli.ProgressPrinter = _Recorder  # the CLI prints its progress through this class: same command, events timed
    argv = ["run", "--corpus", corpus, "--out", out] + (["--jobs", str(jobs)] if jobs else [])
    code = cli.main(argv)
    Path(target).write_text(json.dumps({
        "exit": code, "events": events, "presslens": presslens.__file__,
        "maxrss_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "maxrss_children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }), encoding="utf-8")
    return 0


def _child_floor(notebook: str, target: str) -> int:
    """In the child: the floor's papermill runs, in turn, with the suite's kernel."""
    import papermill

    from presslens.report.execute import KERNEL_NAME

    folder = Path(notebook).parent
    runs = []
    for i in range(FLOOR_RUNS):
        started = time.perf_counter()
        papermill.execute_notebook(notebook, str(folder / f"floor-out-{i}.ipynb"), kernel_name=KERNEL_NAME,
                                   cwd=str(folder), progress_bar=False, log_output=False)
        runs.append(round(time.perf_counter() - started, 2))
    Path(target).write_text(json.dumps({
        "runs_s": runs, "kernel": KERNEL_NAME,
        "maxrss_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "maxrss_children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }), encoding="utf-8")
    return 0


def kernel_presslens(*, env: Mapping[str, str], work: Path) -> str:
    """The ``presslens`` module a kernel started as the suite starts them imports (checked once: must be this checkout's)."""
    import nbformat
    import papermill

    from presslens.report.execute import KERNEL_NAME, kernel_env

    probe = work / "probe.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import presslens\nprint(presslens.__file__)")]
    nbformat.write(nb, probe)
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(kernel_env(env, None))
        done = papermill.execute_notebook(str(probe), str(work / "probe-out.ipynb"), kernel_name=KERNEL_NAME,
                                          cwd=str(work), progress_bar=False, log_output=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return "".join(o.get("text", "") for o in done.cells[0].outputs).strip()


# ---------------------------------------------------------------------------
# The parts
# ---------------------------------------------------------------------------
def seeds_part(rounds: int, *, env: Mapping[str, str], work: Path, jobs: int | None) -> dict:
    """``rounds`` rounds of the seeds suite then the floor, side by side."""
    (work / "floor").mkdir(exist_ok=True)
    notebook = floor_notebook(work / "floor" / "floor.ipynb")
    out = []
    for i in range(1, rounds + 1):
        suite = run_suite(ROOT / "seeds", work / f"seeds-out-{i}", env=env, work=work, jobs=jobs)
        floor = run_floor(notebook, env=env, work=work)
        out.append({"suite": suite, "floor": floor, "load": _load()})
        print(f"seeds round {i}: suite {suite['wall_s']:.1f} s, floor {floor['wall_s']:.1f} s "
              f"({ratio(suite['wall_s'], floor['wall_s']):.2f}x); load {_load()}", flush=True)
    return {"rounds": out}


def scale_part(sizes: Sequence[int], *, env: Mapping[str, str], work: Path, jobs: int | None, seed: int) -> dict:
    """For each size: a synthetic corpus, ``presslens run`` cold, one document added, ``presslens run`` again into the same OUT."""
    from .synthetic import synthetic_documents, write_corpus

    out = {}
    for size in sizes:
        corpus = write_corpus(size, work / f"corpus{size}", seed=seed)
        target = work / f"out{size}"
        cold = run_suite(corpus, target, env=env, work=work, jobs=jobs)
        print(f"{size:,} documents cold: {cold['breakdown']['wall_s']:.1f} s (build {cold['breakdown']['build_s']} s); load {_load()}", flush=True)
        name, text, entry = synthetic_documents(1, seed=seed + 1000)[0]
        add_document(corpus, "zz" + name, text, entry)
        plus = run_suite(corpus, target, env=env, work=work, jobs=jobs)
        print(f"{size:,} documents +1: {plus['breakdown']['wall_s']:.1f} s (build {plus['breakdown']['build_s']} s, "
              f"{plus['processed_documents']} document(s) processed); load {_load()}", flush=True)
        out[str(size)] = {"cold": cold, "plus_one": plus}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for bench_suite.json and bench_suite.md")
    parser.add_argument("--parts", nargs="+", choices=["seeds", "scale"], default=["seeds", "scale"],
                        help="seeds: suite against the floor; scale: cold and +1 document on synthetic corpora (default: both)")
    parser.add_argument("--rounds", type=int, default=3, help="seeds rounds, suite and floor alternating (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="synthetic corpus sizes (10000 on request: long)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--jobs", type=int, default=None, help="presslens run --jobs (default: every core)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder (new or empty) and keep it: corpora, outputs, child logs")
    parser.add_argument("--child-run", nargs=3, metavar=("CORPUS", "OUT", "JSON"), help=argparse.SUPPRESS)
    parser.add_argument("--child-floor", nargs=2, metavar=("NOTEBOOK", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_run:
        return _child_run(*args.child_run, jobs=args.jobs)
    if args.child_floor:
        return _child_floor(*args.child_floor)
    if args.rounds < 1 or any(s < 1 for s in args.sizes):
        parser.error("--rounds and --sizes must be 1 or more")
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: not empty (every run must start from a fresh output folder)")

    with tempfile.TemporaryDirectory(prefix="presslens-bench-suite-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        env = child_env(work / "cache.key")
        kernel = kernel_presslens(env=env, work=work)
        if not kernel.startswith(str(ROOT / "lib")):
            print(f"bench_suite: the kernels import presslens from {kernel or '(nothing printed)'}, not {ROOT / 'lib'}", file=sys.stderr)
            return 1
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        results: dict = {"commit": commit, "cores": os.cpu_count(), "kernel_presslens": kernel, "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                         "load_start": _load(), "targets": TARGETS}
        try:
            if "seeds" in args.parts:
                results["seeds"] = seeds_part(args.rounds, env=env, work=work, jobs=args.jobs)
            if "scale" in args.parts:
                results["scale"] = scale_part(args.sizes, env=env, work=work, jobs=args.jobs, seed=args.seed)
        except RuntimeError as exc:
            print(f"bench_suite: {exc}", file=sys.stderr)
            return 1
        results["load_end"] = _load()
    context = (f"Commit `{commit}`, {results['started']}, {os.cpu_count()} cores; load (1 min) {results['load_start']} at the start, "
               f"{results['load_end']} at the end; kernels import presslens from this checkout's `lib/`.")
    text = markdown(results, context=context)
    print(text)
    if args.out is not None:
        from presslens.io import write_json

        args.out.mkdir(parents=True, exist_ok=True)
        write_json(results, args.out / "bench_suite.json")
        (args.out / "bench_suite.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
