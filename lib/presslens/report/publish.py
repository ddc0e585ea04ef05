"""Publishing a run atomically: the lock, the swap into ``OUT``, failed runs kept for inspection, signals, the run log.

A run builds into a fresh staging folder inside ``OUT`` and only swaps
``data/``, ``reports/``, ``notebooks/``, ``run.json`` and ``run.log`` into place
once every notebook has been attempted. A crash, Ctrl-C or SIGTERM leaves the
previous outputs as they were and keeps the partial run under
``OUT/failed-runs/``. One run at a time per ``OUT`` (``fcntl.flock`` on
``OUT/.presslens.lock``). The only folders a run deletes are strictly inside ``OUT``.

Whose folder it is: presslens takes a new or empty folder (:data:`PLACEHOLDERS`
aside) and marks it with ``OUT/.presslens-out`` (JSON: ``tool``, ``format``,
``made``: every entry the last run published). A folder without the marker is
refused unless it is empty, or its ``run.json`` is an earlier presslens run's
(read for its fields), whose listed reports, notebooks, views and registry
tables count as presslens'. An entry in ``data/``, ``reports/``... that presslens
did not make is never replaced nor deleted: the run refuses, naming it
(:func:`output_folder_problem`, checked when planning, under the lock, and
again before the swap).

A partial run (``--notebooks 04``) replaces the reports it runs and keeps the
others: :func:`keep_earlier_reports` copies the published reports of the
suite's other notebooks (their HTML, executed notebook and ``data/views/``)
into the staging folder, each still marked with the run and corpus it came from.
A kept report made with ``--plotly shared`` loads ``reports/plotly.min.js``,
which :func:`presslens.report.execute.place_shared_plotly` carries over.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from presslens.errors import ParameterError, PresslensError
from presslens.io import write_json

log = logging.getLogger(__name__)

LOCK_NAME = ".presslens.lock"
#: The marker of a folder presslens made (JSON: tool, format, what the last run published).
MARKER_NAME = ".presslens-out"
#: bump when the marker's meaning changes; a marker of a newer format is refused
OUT_FORMAT = 1
#: Entries that leave a folder "empty" for presslens to take: placeholders, and the log folder a cron line makes first.
PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".gitignore", ".DS_Store", "README.md", "logs", LOCK_NAME})
#: files presslens writes in ``reports/`` whatever the notebooks (for an output folder of an earlier version)
_OWN_REPORT_FILES = ("reports/index.html", "reports/run.json", "reports/plotly.min.js")
FAILED_DIR = "failed-runs"
#: What a run publishes into OUT, swapped in this order (run.json last: it marks a complete run).
PUBLISHED = ("data", "reports", "notebooks", "run.log", "run.json")
#: Failed runs kept for inspection; older ones are removed (a cron job can fail daily).
KEEP_FAILED_RUNS = 10


class LockBusyError(PresslensError):
    """Another run holds ``OUT/.presslens.lock`` (the CLI exits 3)."""


class OutputFolderRefused(ParameterError):
    """``OUT`` is not presslens' to write: not empty and unmarked, or holding files presslens did not make (exit 2)."""


class OutputFolderError(PresslensError):
    """``OUT`` cannot be written: read-only, no permission, full or over quota (the CLI exits 1)."""


#: the errors of a folder that cannot take the run's files, and how the one-line message names them
WRITE_ERRNOS = {
    errno.EACCES: "permission denied", errno.EPERM: "operation not permitted", errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
}


def write_problem(exc: OSError) -> str | None:
    """``read-only file system (EROFS)`` for an error of a folder that cannot be written, else ``None``."""
    reason = WRITE_ERRNOS.get(exc.errno or -1)
    return f"{reason} ({errno.errorcode[exc.errno]})" if reason else None


def output_folder_error(out: Path, exc: OSError) -> OutputFolderError | None:
    """The one-line error for ``exc`` raised while writing into ``out`` (``None``: not a folder that cannot be written)."""
    problem = write_problem(exc)
    if problem is None:
        return None
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(out) else ""
    error = OutputFolderError(f"cannot write to the output folder {out}: {problem}{where}")
    for note in getattr(exc, "__notes__", []):
        error.add_note(note)
    return error


class RunTerminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C so the partial run is kept and the lock released."""


# ---------------------------------------------------------------------------
# Whose folder is it: the marker, and what presslens made in it
# ---------------------------------------------------------------------------
def _read_marker(out: Path) -> dict[str, Any] | None:
    """The marker's content when it is presslens' (``tool``, ``format``, ``made``), else ``None``."""
    try:
        data = json.loads((out / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(data, dict) or data.get("tool") != "presslens" or not isinstance(data.get("format"), int)
            or not isinstance(data.get("made"), list) or not all(isinstance(m, str) for m in data["made"])):
        return None
    return data


def _earlier_run(out: Path) -> dict[str, Any] | None:
    """``OUT/run.json`` when a presslens run from before the marker wrote it (its fields, not just its name), else ``None``."""
    try:
        data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (isinstance(data, dict) and isinstance(data.get("presslens"), str) and isinstance(data.get("started"), str)
            and isinstance(data.get("notebooks"), list) and all(isinstance(e, dict) for e in data["notebooks"])):
        return data
    return None


def _earlier_made(out: Path, manifest: Mapping[str, Any]) -> set[str]:
    """What an earlier presslens run published, from its ``run.json``: the tables of the registry, the reports and
    executed notebooks it lists, their ``data/views/``, the index, and the folders holding them."""
    from presslens.build.registry import TABLES  # only for folders of earlier versions: the registry is heavy

    made = {"run.json", "run.log", "data", "reports", "notebooks", "data/views", *_OWN_REPORT_FILES}
    made |= {f"data/{name}.csv" for name in TABLES}
    for entry in manifest.get("notebooks", []):
        name = str(entry.get("name", ""))
        made |= {str(entry.get("report", "")), str(entry.get("notebook", ""))}
        if name:
            made |= set(_entries(out, f"data/views/{name}"))
    return made - {""}


def _entries(root: Path, name: str) -> list[str]:
    """``name`` and, if it is a folder (not a link), everything inside it, as paths relative to ``root`` (links not followed)."""
    top = root / name
    if not (top.exists() or top.is_symlink()):
        return []
    found = [name]
    if top.is_dir() and not top.is_symlink():
        for folder, dirs, files in os.walk(top):
            found += [(Path(folder) / entry).relative_to(root).as_posix() for entry in [*dirs, *files]]
    return found


def published_entries(out: Path) -> list[str]:
    """Every entry (file, folder, link) of ``out``'s published names, as paths relative to ``out``, sorted."""
    return sorted(entry for name in PUBLISHED for entry in _entries(out, name))


def output_folder_problem(out: Path) -> str | None:
    """Why presslens must not publish into ``out`` (``None``: it may).

    It may when ``out`` does not exist, is empty (but for :data:`PLACEHOLDERS`),
    or holds presslens' marker (or the ``run.json`` of an earlier presslens,
    read for its fields) and nothing in its published entries (``data/``,
    ``reports/``, ``notebooks/``, ``run.json``, ``run.log``) that presslens did
    not make: those are replaced on every run, so a file of the user's there
    is refused by name rather than deleted.
    """
    if not out.is_dir():
        return None
    marker = _read_marker(out)
    if marker is not None and marker["format"] > OUT_FORMAT:
        return f"output folder {out} was made by a newer presslens (marker format {marker['format']}); upgrade presslens"
    if marker is not None:
        made = set(marker["made"])
    elif (earlier := _earlier_run(out)) is not None:
        made = _earlier_made(out, earlier)
    else:
        others = sorted(p.name for p in out.iterdir() if p.name not in PLACEHOLDERS or (p.name == "logs" and not p.is_dir()))
        if not others:
            return None
        if (out / LOCK_NAME).is_file() and all(n in ("cache", FAILED_DIR) and (out / n).is_dir() for n in others):
            return None  # an earlier presslens whose runs all failed: its lock, cache and failed runs, nothing published
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        return (f"output folder {out} is not empty and no presslens run made it (no {MARKER_NAME} marker; it holds {shown}); "
                "choose an empty or new folder")
    not_made = {p for p in published_entries(out) if p not in made}
    # name a folder of the user's, not each of its files
    foreign = sorted(p for p in not_made if not any(parent.as_posix() in not_made for parent in Path(p).parents))
    if not foreign:
        return None
    shown = ", ".join(foreign[:8]) + (f" and {len(foreign) - 8} more" if len(foreign) > 8 else "")
    return (f"output folder {out} holds files presslens did not make: {shown}; presslens replaces data/, reports/, "
            "notebooks/, run.json and run.log on every run: move them out first, or choose another --out")


def claim_output_folder(out: Path) -> None:
    """Under the run's lock: check ``out`` again (:func:`output_folder_problem`) and write the marker if it has none.

    A folder of an earlier presslens keeps what its ``run.json`` says that run published.

    Raises:
        OutputFolderRefused: ``out`` is not presslens' to write.
    """
    problem = output_folder_problem(out)
    if problem:
        raise OutputFolderRefused(problem)
    if _read_marker(out) is None:
        earlier = _earlier_run(out)
        made = sorted(_earlier_made(out, earlier) & set(published_entries(out))) if earlier else []
        _write_marker(out, made)
        log.info("%s: marked as a presslens output folder (%s)", out, "an earlier presslens run's" if earlier else "new")


def _write_marker(out: Path, made: Iterable[str]) -> None:
    write_json({"tool": "presslens", "format": OUT_FORMAT, "made": sorted(made)}, out / MARKER_NAME)


def _swap_in(out: Path, staging: Path) -> None:
    """Replace OUT's published entries with the staging ones: rename old aside, new in, delete old.

    Only what presslens made is replaced: a file of someone else's found in the
    published entries (put there during the run) stops the publish
    (:class:`OutputFolderError`, the run is kept in failed-runs/), never
    deleted. On any error the entries already swapped are put back, so OUT
    holds either the previous run or the new one, never a mix. The marker then
    lists what this run published.
    """
    problem = output_folder_problem(out)
    if problem:
        raise OutputFolderError(problem)
    marker = _read_marker(out)
    _write_marker(out, {*(marker["made"] if marker else ()), *published_entries(staging)})  # before: what may be there
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
    _write_marker(out, published_entries(out))
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


class _QuietFileHandler(logging.FileHandler):
    """A run log on a full or read-only disk loses records quietly: the run's own one-line error says why."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


@contextmanager
def _run_logging(*files: Path) -> Iterator[None]:
    """Send presslens' and papermill's log records to each file for the run's duration."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handlers = []
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _QuietFileHandler(path, encoding="utf-8")
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


__all__ = [
    "FAILED_DIR", "KEEP_FAILED_RUNS", "LOCK_NAME", "MARKER_NAME", "OUT_FORMAT", "PLACEHOLDERS", "PUBLISHED", "WRITE_ERRNOS",
    "LockBusyError", "OutputFolderError", "OutputFolderRefused", "RunTerminated", "claim_output_folder", "keep_earlier_reports",
    "output_folder_error", "output_folder_problem", "published_entries", "write_problem",
]
