"""Publishing a run atomically: the lock, the swap into ``OUT``, failed runs kept for inspection, signals, the run log.

A run builds into a fresh staging folder inside ``OUT`` and only swaps
``data/``, ``reports/``, ``notebooks/``, ``run.json`` and ``run.log`` into place
once every notebook has been attempted. A crash, Ctrl-C or SIGTERM leaves the
previous outputs as they were and keeps the partial run under
``OUT/failed-runs/``. One run at a time per ``OUT`` (``fcntl.flock`` on
``OUT/.presslens.lock``). The only folders a run deletes are strictly inside ``OUT``.

A partial run (``--notebooks 04``) replaces the reports it runs and keeps the
others: :func:`keep_earlier_reports` copies the published reports of the
suite's other notebooks (their HTML, executed notebook and ``data/views/``)
into the staging folder, each still marked with the run and corpus it came from.
A kept report made with ``--plotly shared`` loads ``reports/plotly.min.js``,
which :func:`presslens.report.execute.place_shared_plotly` carries over.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from presslens.errors import PresslensError

log = logging.getLogger(__name__)

LOCK_NAME = ".presslens.lock"
FAILED_DIR = "failed-runs"
#: What a run publishes into OUT, swapped in this order (run.json last: it marks a complete run).
PUBLISHED = ("data", "reports", "notebooks", "run.log", "run.json")
#: Failed runs kept for inspection; older ones are removed (a cron job can fail daily).
KEEP_FAILED_RUNS = 10


class LockBusyError(PresslensError):
    """Another run holds ``OUT/.presslens.lock`` (the CLI exits 3)."""


class RunTerminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C so the partial run is kept and the lock released."""


def _swap_in(out: Path, staging: Path) -> None:
    """Replace OUT's published entries with the staging ones: rename old aside, new in, delete old.

    On any error the entries already swapped are put back, so OUT holds
    either the previous run or the new one, never a mix.
    """
    aside = out / f".old-{staging.name.removeprefix('.run-')}"
    aside.mkdir()
    moved: list[str] = []
    try:
        for name in PUBLISHED:
            if (out / name).exists() or (out / name).is_symlink():
                os.replace(out / name, aside / name)
            moved.append(name)
            if (staging / name).exists():
                os.replace(staging / name, out / name)
    except BaseException:
        for name in reversed(moved):
            if (out / name).exists():
                os.replace(out / name, staging / name)
            if (aside / name).exists() or (aside / name).is_symlink():
                os.replace(aside / name, out / name)
        _remove_inside(out, aside)
        raise
    _remove_inside(out, aside)
    _remove_inside(out, staging)


def keep_earlier_reports(out: Path, staging: Path, *, suite: Iterable[str], executed: Iterable[str]) -> list[dict[str, Any]]:
    """Copy the published reports of the suite's notebooks this run did not execute into ``staging``.

    What was published is what ``OUT/run.json`` lists; a report is kept when
    its notebook is still in ``suite`` (a notebook removed from the suite drops
    its report), this run did not execute it and its HTML is still in
    ``OUT/reports``. Its executed notebook and its ``data/views/<name>/`` tables
    come along. Call it under the run's lock, before the swap.

    Returns:
        The kept reports' ``run.json`` entries, in suite order, each with
        ``kept: true`` and the ``run_started``, ``corpus`` and
        ``corpus_display`` of the run that made it (carried over from a report
        kept before, else the earlier run's own).
    """
    manifest_path = out / "run.json"
    if not manifest_path.is_file():
        return []
    try:
        earlier = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = [e for e in earlier.get("notebooks", []) if isinstance(e, dict) and e.get("name")]
    except (OSError, ValueError, AttributeError) as exc:
        log.warning("keeping no earlier report: %s is unreadable (%s)", manifest_path, exc)
        return []
    order = {name: i for i, name in enumerate(suite)}
    done = set(executed)
    kept = []
    for entry in entries:
        name = str(entry["name"])
        if name not in order or name in done:
            continue
        report = out / "reports" / f"{name}.html"
        if not report.is_file():
            log.warning("%s: not kept, its report %s is missing", name, report.name)
            continue
        _copy_into(report, staging / "reports" / report.name)
        notebook = out / "notebooks" / f"{name}.ipynb"
        if notebook.is_file():
            _copy_into(notebook, staging / "notebooks" / notebook.name)
        views = out / "data" / "views" / name
        if views.is_dir() and not views.is_symlink() and not (staging / "data" / "views" / name).exists():
            shutil.copytree(views, staging / "data" / "views" / name, symlinks=True)
        kept.append({
            **entry,
            "report": f"reports/{report.name}",
            "notebook": f"notebooks/{notebook.name}",
            "kept": True,
            "plotly": entry.get("plotly") or "inline",  # reports from before --plotly embedded plotly.js
            "run_started": entry.get("run_started") or earlier.get("started", ""),
            "corpus": entry.get("corpus") or earlier.get("corpus", ""),
            "corpus_display": entry.get("corpus_display") or earlier.get("corpus_display", ""),
        })
        log.info("%s: report kept from the run of %s", name, kept[-1]["run_started"])
    return sorted(kept, key=lambda e: order[e["name"]])


def _copy_into(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _keep_failed_run(out: Path, staging: Path, started: dt.datetime) -> Path:
    """Move a partial run to ``OUT/failed-runs/<timestamp>/`` and prune the oldest ones."""
    failed = out / FAILED_DIR
    failed.mkdir(exist_ok=True)
    target = failed / _stamp(started)
    if target.exists():
        target = failed / f"{_stamp(started)}-{os.getpid()}"
    if staging.exists():
        os.replace(staging, target)
    else:
        target.mkdir()
    _prune_failed_runs(failed, keep=KEEP_FAILED_RUNS)
    return target


def _prune_failed_runs(failed: Path, *, keep: int) -> None:
    runs = sorted(p for p in failed.iterdir() if p.is_dir() and not p.is_symlink())
    for old in runs[:-keep] if len(runs) > keep else []:
        log.info("removing old failed run %s (keeping the last %d)", old.name, keep)
        _remove_inside(failed.parent, old)


def _recover_stale_runs(out: Path) -> None:
    """Staging or set-aside folders left by a killed run (we hold the lock) go to failed-runs/."""
    for stale in sorted(out.glob(".run-*")) + sorted(out.glob(".old-*")):
        if stale.is_dir() and not stale.is_symlink():
            failed = out / FAILED_DIR
            failed.mkdir(exist_ok=True)
            target = failed / stale.name.lstrip(".")
            log.warning("moving %s left by a killed run to %s", stale.name, target)
            os.replace(stale, target)


def _remove_inside(out: Path, path: Path) -> None:
    """``rmtree`` that refuses anything not strictly inside ``out`` (the one place a run may delete)."""
    if not _inside(path.resolve(), out.resolve()) or path.is_symlink():
        raise RuntimeError(f"refusing to delete {path}: not inside {out}")
    shutil.rmtree(path)


def _inside(path: Path, parent: Path) -> bool:
    return parent in path.parents


@contextmanager
def _run_lock(path: Path, *, wait: float) -> Iterator[None]:
    """Hold ``fcntl.flock`` on ``path`` (with our pid in it) for the whole run.

    Raises:
        LockBusyError: still held by another process after ``wait`` seconds.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                    raise LockBusyError(
                        f"another presslens run (pid {holder}) holds {path}; waited {wait:g} s "
                        "(use --wait SECONDS to wait longer)"
                    ) from None
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`RunTerminated` so cleanup runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, _frame: Any) -> None:
        raise RunTerminated(f"terminated by signal {signum}")

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _run_logging(*files: Path) -> Iterator[None]:
    """Send presslens' and papermill's log records to each file for the run's duration."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handlers = []
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(formatter)
        handler.setLevel(logging.INFO)
        handlers.append(handler)
    loggers = [logging.getLogger(name) for name in ("presslens", "papermill")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.INFO)
        for handler in handlers:
            lg.addHandler(handler)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
            for handler in handlers:
                lg.removeHandler(handler)
        for handler in handlers:
            handler.close()


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


__all__ = ["FAILED_DIR", "KEEP_FAILED_RUNS", "LOCK_NAME", "PUBLISHED", "LockBusyError", "RunTerminated", "keep_earlier_reports"]
