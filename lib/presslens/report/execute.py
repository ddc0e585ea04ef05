"""Executing the suite: build the data, run each notebook in its own kernel, export it, publish the run.

A notebook's kernel is told about the run through its start (the kernel
manager adds the run's variables to the kernel's environment, see
:meth:`presslens.paths.RunContext.environment`); this process's own
environment is never changed. The notebook reads them back with
:func:`presslens.paths.run_context` and passes the paths to the library.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from presslens import paths
from presslens.io import write_json
from presslens.paths import RunContext
from presslens.text import clip

from .export import SHARED_PLOTLY_JS, PathShown, ReportHeader, write_plotly_bundle, write_report
from .index import _iso, _utcnow, build_manifest, display_path, git_commit, public_manifest, render_index
from .plan import NotebookPlan, RunPlan, _abs, _project_path, discover_notebooks, select_notebooks
from .publish import (
    LOCK_NAME, _keep_failed_run, _recover_stale_runs, _run_lock, _run_logging, _sigterm_raises, _stamp, _swap_in, keep_earlier_reports,
    claim_output_folder, output_folder_error,
)

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
#: characters of the one-line error a failed notebook records
ERROR_CHARS = 300


@dataclass(frozen=True)
class Progress:
    """A step of a run, for the CLI's progress lines (the library itself prints nothing).

    ``stage`` is ``build``, ``notebook`` or ``publish``; ``status`` is
    ``start``, ``ok`` or ``failed``.
    """

    stage: str
    status: str
    name: str = ""
    index: int = 0
    total: int = 0
    seconds: float = 0.0
    detail: str = ""


ProgressCallback = Callable[[Progress], None]


@dataclass
class NotebookResult:
    """What happened to one notebook. Paths are relative to ``OUT``.

    ``plotly`` says how its report gets plotly.js: ``inline`` (embedded),
    ``shared`` (loads ``reports/plotly.min.js``) or ``none`` (no chart).
    """

    name: str
    status: str
    seconds: float
    report: str
    notebook: str
    error: str = ""
    plotly_outputs: int = 0
    plotly: str = "none"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "seconds": self.seconds,
            "report": self.report,
            "notebook": self.notebook,
            "error": self.error,
            "plotly": self.plotly,
        }


@dataclass
class RunResult:
    """A published run."""

    out: Path
    manifest: dict[str, Any]
    notebooks: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status == "ok" for r in self.notebooks)


def run_suite(plan: RunPlan, *, progress: ProgressCallback | None = None) -> RunResult:
    """Build the data, run every planned notebook, export reports and publish them atomically.

    Args:
        plan: from :func:`plan_run`.
        progress: called at each step (the CLI prints these to stderr).

    Returns:
        The published run; ``result.ok`` is false when a notebook failed (its
        report still shows the traceback).

    Raises:
        LockBusyError: another run held the lock for longer than ``plan.wait``.
        OutputFolderError: ``OUT`` is read-only, not writable, full or over
            quota: one line naming the folder and the problem.
        PresslensError: from the build (e.g. a rejected input with ``strict``);
            the partial run is kept in ``OUT/failed-runs/``.
        KeyboardInterrupt, RunTerminated: likewise, previous outputs untouched.
    """
    try:
        return _run_suite(plan, progress=progress)
    except OSError as exc:
        error = output_folder_error(plan.out, exc)
        if error is None:
            raise
        raise error from exc


def _run_suite(plan: RunPlan, *, progress: ProgressCallback | None) -> RunResult:
    """:func:`run_suite` itself, raising the ``OSError`` of a folder that cannot be written as it comes."""
    notify = progress or (lambda _event: None)
    started = _utcnow()
    plan.out.mkdir(parents=True, exist_ok=True)
    with _run_lock(plan.out / LOCK_NAME, wait=plan.wait), _sigterm_raises():
        claim_output_folder(plan.out)
        _recover_stale_runs(plan.out)
        staging = plan.out / f".run-{_stamp(started)}-{os.getpid()}"
        staging.mkdir()
        try:
            with _run_logging(plan.log_file, staging / "run.log"):
                log.info("run started %s: corpus %s -> %s", _iso(started), plan.corpus, plan.out)
                try:
                    result = _execute(plan, staging=staging, started=started, notify=notify)
                except BaseException as exc:
                    log.error("run aborted (%s); previous outputs kept", _one_line(exc))
                    raise
            notify(Progress(stage="publish", status="start"))
            _swap_in(plan.out, staging)
            notify(Progress(stage="publish", status="ok", detail=str(plan.out)))
        except BaseException as exc:
            try:
                kept = _keep_failed_run(plan.out, staging, started)
            except OSError as keeping:  # a full or read-only folder may not take failed-runs/ either
                log.error("the partial run stays in %s (%s)", staging, keeping)
                kept = staging
            exc.add_note(f"previous outputs kept; partial run in {kept}")
            raise
    result.out = plan.out
    return result


def _execute(plan: RunPlan, *, staging: Path, started: dt.datetime, notify: ProgressCallback) -> RunResult:
    """Everything a run produces, written into ``staging``."""
    build = _build_data(plan, data_dir=staging / "data", snapshot=snapshot_path(staging), notify=notify)
    if not snapshot_path(staging).is_file():  # written signed: no key to sign it (see presslens.io.cache_key), no snapshot
        log.warning("the build kept no snapshot of the corpus: the notebooks read the corpus files")
    commit = git_commit(plan.notebooks_dir)
    corpus_shown = display_path(plan.corpus)
    paths_shown = run_paths_shown(plan, corpus_shown=corpus_shown)
    total = len(plan.notebooks)

    def run_one(nb_plan: NotebookPlan) -> NotebookResult:
        return _run_notebook(
            nb_plan, plan=plan, staging=staging, commit=commit, corpus_shown=corpus_shown, started=started, paths_shown=paths_shown
        )

    results = _run_notebooks(plan.notebooks, run_one, workers=notebook_workers(plan.jobs, total), notify=notify)
    suite = [p.stem for p in discover_notebooks(plan.notebooks_dir)]
    kept = keep_earlier_reports(plan.out, staging, suite=suite, executed=[r.name for r in results])
    place_shared_plotly(plan.out, staging, results=results, kept=kept)
    manifest = build_manifest(plan, build=build, results=results, kept=kept, started=started, finished=_utcnow(), commit=commit)
    write_json(manifest, staging / "run.json")
    (staging / "reports").mkdir(exist_ok=True)
    # reports/ travels alone (zipped, mailed): the index links only files inside it, so the manifest goes in too,
    # without the absolute paths of this machine
    public = public_manifest(manifest, shown=paths_shown)
    write_json(public, staging / "reports" / "run.json")
    (staging / "reports" / "index.html").write_text(render_index(public), encoding="utf-8")
    log.info("run finished: %d notebooks, %d failed, %d report(s) kept from earlier runs", total,
             sum(r.status != "ok" for r in results), len(kept))
    return RunResult(out=staging, manifest=manifest, notebooks=results)


#: seconds a stopping run waits for the notebooks it stopped to save what they got (their kernels are killed first)
STOP_SECONDS = 20.0
#: notebooks a run executes at once by default: one per core, at most this many (each kernel holds the corpus)
MAX_NOTEBOOK_WORKERS = 4


def notebook_workers(jobs: int | None, notebooks: int) -> int:
    """How many notebooks a run executes at once: ``jobs`` (default: every core, at most
    :data:`MAX_NOTEBOOK_WORKERS`), never more than there are notebooks.

    >>> notebook_workers(None, 1), notebook_workers(1, 5), notebook_workers(2, 5), notebook_workers(8, 3)
    (1, 1, 2, 3)
    """
    from presslens.build.engine import default_jobs

    wanted = min(default_jobs(), MAX_NOTEBOOK_WORKERS) if jobs is None else jobs
    return max(1, min(wanted, notebooks))


def _run_notebooks(
    plans: Sequence[NotebookPlan], run_one: Callable[[NotebookPlan], NotebookResult], *, workers: int, notify: ProgressCallback
) -> list[NotebookResult]:
    """Every notebook run by ``run_one`` (which records a failure, never raises), ``workers`` at a time; results in ``plans`` order.

    With one worker the notebooks run in turn in this thread, each announced as
    it starts. With more, each runs in a thread of its own (a notebook's work is
    done in its kernel process; the thread waits on it, then exports the page),
    and each is announced when it ends, in the order they end. This thread only
    waits on their results, so an interrupt or ``SIGTERM`` reaches it at once:
    no further notebook starts, the kernels running are killed (their notebooks
    end as failed, saved and exported as far as they got), the threads are
    waited for (at most :data:`STOP_SECONDS`), and the interrupt goes on up, so
    the partial run is kept whole under ``failed-runs/``.
    """
    total = len(plans)
    if workers <= 1 or total <= 1:
        results = []
        for index, nb_plan in enumerate(plans, start=1):
            notify(Progress(stage="notebook", status="start", name=nb_plan.name, index=index, total=total))
            result = run_one(nb_plan)
            results.append(result)
            notify(Progress(stage="notebook", status=result.status, name=nb_plan.name, index=index, total=total,
                            seconds=result.seconds, detail=result.error))
        return results
    import queue

    todo: queue.Queue = queue.Queue()
    for item in enumerate(plans, start=1):
        todo.put(item)
    done: queue.Queue = queue.Queue()

    stopping = threading.Event()

    def work() -> None:
        while not stopping.is_set():
            try:
                index, nb_plan = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put((index, run_one(nb_plan), None))
            except BaseException as exc:  # run_one records failures; anything else stops the run in the main thread
                done.put((index, None, exc))
                return

    log.info("running %d notebooks, %d at a time", total, workers)
    threads = [threading.Thread(target=work, name=f"presslens-notebook-{n + 1}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    results: dict[int, NotebookResult] = {}
    try:
        while len(results) < total:
            try:
                index, result, exc = done.get(timeout=0.5)  # a timeout, so signals reach this thread while it waits
            except queue.Empty:
                continue
            if exc is not None:
                raise exc
            results[index] = result
            notify(Progress(stage="notebook", status=result.status, name=result.name, index=index, total=total,
                            seconds=result.seconds, detail=result.error))
    except BaseException:
        stopping.set()
        killed = _stop_kernels()
        log.error("run stopping: %d notebook kernel(s) killed", killed)
        deadline = time.monotonic() + STOP_SECONDS
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        raise
    return [results[i] for i in range(1, total + 1)]


def place_shared_plotly(
    out: Path, staging: Path, *, results: Sequence[NotebookResult], kept: Sequence[Mapping[str, Any]]
) -> Path | None:
    """Put ``reports/plotly.min.js`` in the staging folder when a report of the run loads it.

    This run's ``shared`` reports get the installed package's plotly.js. Reports
    kept from an earlier ``--plotly shared`` run (entries with ``plotly:
    shared``; entries from before the option are ``inline``) need the file even
    when this run embeds plotly.js: the earlier run's file is copied, else the
    installed one is written. With no report needing it, no file is written.

    Returns:
        The file, or ``None`` when no report loads it.
    """
    reports = staging / "reports"
    target = reports / SHARED_PLOTLY_JS
    if any(r.plotly == "shared" for r in results):
        return write_plotly_bundle(reports)
    if not any(k.get("plotly") == "shared" for k in kept):
        return None
    earlier = out / "reports" / SHARED_PLOTLY_JS
    if earlier.is_file() and not earlier.is_symlink():
        reports.mkdir(parents=True, exist_ok=True)
        shutil.copy2(earlier, target)
        log.info("kept %s for the reports kept from earlier runs", SHARED_PLOTLY_JS)
        return target
    log.warning("%s was missing from %s; written from the installed plotly for the kept reports", SHARED_PLOTLY_JS, earlier.parent)
    return write_plotly_bundle(reports)


def snapshot_path(staging: Path) -> Path:
    """Where the build keeps the corpus it loaded for the run's notebooks: in the staging folder, not published.

    >>> snapshot_path(Path("/o/.run-1")).as_posix()
    '/o/.run-1/corpus-snapshot.pickle'
    """
    return staging / paths.SNAPSHOT_FILE


def _build_data(plan: RunPlan, *, data_dir: Path, snapshot: Path, notify: ProgressCallback) -> Any:
    """``presslens.pipeline.build`` (the stable path, where tests patch it) into the staging data folder (imported late: it is heavy).

    The build also keeps the corpus it loaded in ``snapshot``, which every notebook of the run reads instead of the files.
    """
    notify(Progress(stage="build", status="start", detail=display_path(plan.corpus)))
    start = time.monotonic()
    data_dir.mkdir(parents=True, exist_ok=True)
    pipeline = importlib.import_module("presslens.pipeline")
    build = pipeline.build(
        plan.corpus, data_dir, strict=plan.strict, max_bytes=plan.max_bytes, jobs=plan.jobs,
        cache_dir=plan.out / "cache" if plan.cache else None, engine=plan.engine, scheduler=plan.scheduler,
        snapshot=snapshot,
    )
    counts = dict(getattr(build, "counts", {}) or {})
    seconds = round(time.monotonic() - start, 2)
    log.info("built data in %.2f s: %s; %d rejected", seconds, counts, len(getattr(build, "rejected", []) or []))
    notify(Progress(stage="build", status="ok", seconds=seconds, detail=_counts_line(counts)))
    return build


def kernel_context(plan: RunPlan, *, staging: Path, notebook: str) -> RunContext:
    """What a run tells a notebook's kernel (through the kernel's environment, see :func:`execute_notebook`).

    * ``cache_dir``: the run's cache, so :func:`presslens.pipeline.tables_for`
      reads the tables the build computed (``None`` with ``--no-cache``);
    * ``out_dir`` and ``notebook``: the run being built and the notebook's name,
      so :func:`presslens.display.show` writes the full table behind a cut view
      as ``data/views/<notebook>/<name>.csv`` (``RunContext.views_dir``);
    * ``max_bytes``: ``--max-bytes``, the size limit the build used;
    * ``corpus_snapshot``: the corpus the build loaded (:func:`snapshot_path`), which
      :func:`presslens.pipeline.corpus_for` reads instead of the files, so every report tells the data's story
      (``None`` when the build could not keep it: a snapshot is a signed pickle, and without a cache key
      there is none).
    """
    snapshot = snapshot_path(staging)
    return RunContext(
        out_dir=staging, notebook=notebook, cache_dir=plan.out / "cache" if plan.cache else None, max_bytes=plan.max_bytes,
        corpus_snapshot=snapshot if snapshot.is_file() else None,
    )


def run_paths_shown(plan: RunPlan, *, corpus_shown: str) -> PathShown:
    """The machine paths a run's reports must not name: corpus, output folder, project, home (:class:`PathShown`)."""
    try:
        project = paths.project_root()
    except FileNotFoundError:
        project = None
    return PathShown.for_run(plan.corpus, shown=corpus_shown, out=plan.out, project=project, home=Path.home())


def _run_notebook(
    nb_plan: NotebookPlan, *, plan: RunPlan, staging: Path, commit: str, corpus_shown: str, started: dt.datetime,
    paths_shown: PathShown,
) -> NotebookResult:
    """Execute one notebook with papermill, then export it; a failure is recorded, not raised."""
    executed = staging / "notebooks" / f"{nb_plan.name}.ipynb"
    html = staging / "reports" / f"{nb_plan.name}.html"
    executed.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    error = execute_notebook(
        nb_plan.path, executed, parameters=nb_plan.parameters, cwd=plan.notebooks_dir, kernel_log=staging / "run.log",
        context=kernel_context(plan, staging=staging, notebook=nb_plan.name),
    )
    seconds = round(time.monotonic() - start, 2)
    status = "failed" if error else "ok"
    log.info("%s: %s in %.2f s%s", nb_plan.name, status, seconds, f" ({error})" if error else "")
    if not executed.exists():  # papermill could not even start: export a page that says why
        _write_stub_notebook(executed, name=nb_plan.name, error=error)
    shown = {k: (corpus_shown if k == "corpus_dir" else v) for k, v in nb_plan.parameters.items()}
    header = ReportHeader(
        title=nb_plan.name, corpus=corpus_shown, parameters=shown, commit=commit,
        started=_iso(started), status=status, error=error,
    )
    plotly_outputs = 0
    try:
        plotly_outputs = write_report(executed, html, header=header, with_code=plan.with_code, plotly=plan.plotly, shown=paths_shown)
    except Exception as exc:  # an unexportable notebook is a failed report, not a failed run
        log.exception("%s: HTML export failed", nb_plan.name)
        status, error = "failed", f"HTML export failed: {_one_line(exc)}"
    return NotebookResult(
        name=nb_plan.name, status=status, seconds=seconds, report=f"reports/{html.name}",
        notebook=f"notebooks/{executed.name}", error=error, plotly_outputs=plotly_outputs,
        plotly=plan.plotly if plotly_outputs and html.is_file() else "none",
    )


def execute_notebook(
    source: Path,
    target: Path,
    *,
    parameters: Mapping[str, Any],
    cwd: Path,
    kernel_log: Path | None = None,
    context: RunContext | None = None,
) -> str:
    """Run ``source`` into ``target`` with papermill in the project's interpreter.

    The kernel's working directory is set explicitly (papermill would use
    ours); the kernel's stderr goes to ``kernel_log`` so cron mails stay quiet.
    The kernel starts with ``context``'s variables in its environment
    (:meth:`~presslens.paths.RunContext.environment`; ``None``: outside a run,
    every run variable unset), which it reads with :func:`presslens.paths.run_context`.

    Returns:
        An empty string on success, else one line saying what failed (the
        executed notebook, saved even on failure, holds the traceback).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        with _kernel_manager_class(kernel_log, context=context, cwd=cwd) as km_class:
            papermill.execute_notebook(  # no cwd= here: papermill would chdir this whole process (see _kernel_manager_class)
                str(source), str(target), parameters=dict(parameters), kernel_name=KERNEL_NAME,
                progress_bar=False, log_output=False, kernel_manager_class=km_class,
            )
    except PapermillExecutionError as exc:
        return clip(f"{exc.ename}: {exc.evalue}" if exc.evalue else exc.ename, ERROR_CHARS)
    except Exception as exc:  # dead kernel, cell timeout, unreadable notebook: the run goes on
        log.exception("%s: execution failed", source.name)
        return _one_line(exc)
    return ""


def kernel_env(base: Mapping[str, str], context: RunContext | None) -> dict[str, str]:
    """A kernel's environment: ``base`` (this process's) with the run's variables of ``context`` set, or unset when empty.

    >>> env = kernel_env({"PATH": "/bin", "PRESSLENS_NOTEBOOK": "old"}, RunContext(cache_dir=Path("/c")))
    >>> sorted(env.items())
    [('PATH', '/bin'), ('PRESSLENS_CACHE_DIR', '/c')]
    """
    env = dict(base)
    for name, value in (context or RunContext()).environment().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@contextmanager
def _kernel_manager_class(
    stderr_path: Path | None, *, context: RunContext | None = None, cwd: Path | None = None
) -> Iterator[type]:
    """A kernel manager whose kernel starts with ``context``'s run variables and writes its stderr to ``stderr_path`` (None: ours).

    The variables go into the environment the kernel is started with (as
    ``km.start_kernel(env=...)`` would); this process's ``os.environ`` is not changed.
    The kernel starts in ``cwd`` (``None``: this process's folder), given to the
    kernel's launch: papermill's own ``cwd`` changes the working folder of this
    whole process while the notebook runs, which two notebooks run at once
    (:func:`_run_notebooks`) would undo for each other.
    """
    from jupyter_client.manager import AsyncKernelManager

    with (open(stderr_path, "ab") if stderr_path is not None else nullcontext()) as stream:

        class _RunKernelManager(AsyncKernelManager):
            async def _async_pre_start_kernel(self, **kw):  # noqa: ANN001 - jupyter_client API
                kw["env"] = kernel_env(kw.get("env") or os.environ, context)
                if cwd is not None:
                    kw["cwd"] = str(cwd)
                return await super()._async_pre_start_kernel(**kw)

            async def _async_launch_kernel(self, kernel_cmd, **kw):  # noqa: ANN001 - jupyter_client API
                if stream is not None:
                    kw.setdefault("stderr", stream)
                launched = await super()._async_launch_kernel(kernel_cmd, **kw)
                process = getattr(self.provisioner, "process", None)
                if process is not None:
                    with _KERNELS_LOCK:
                        _KERNELS.add(process)
                        mine.append(process)
                return launched

        mine: list = []
        try:
            yield _RunKernelManager
        finally:
            with _KERNELS_LOCK:
                _KERNELS.difference_update(mine)


#: the kernel processes of the notebooks running now (``subprocess.Popen``), for :func:`_stop_kernels`
_KERNELS: set = set()
_KERNELS_LOCK = threading.Lock()


def _stop_kernels() -> int:
    """Kill the kernel of every notebook running now, so their papermill calls end (as a dead kernel) at once.

    Returns:
        How many kernels were still running.
    """
    with _KERNELS_LOCK:
        running = [p for p in _KERNELS if p.poll() is None]
    for process in running:
        try:
            process.kill()
        except OSError:  # ended meanwhile
            pass
    return len(running)


def _write_stub_notebook(path: Path, *, name: str, error: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}\n\nThis notebook could not be run.")]
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stderr", text=error)]))
    nbformat.write(nb, path)


def refresh_notebooks(
    *,
    notebooks_dir: str | os.PathLike[str] | None = None,
    selection: Sequence[str] = (),
    progress: ProgressCallback | None = None,
) -> list[NotebookResult]:
    """Re-execute notebooks in place with their default parameters (``make notebooks``).

    The stored outputs then match a seeds run, which is what nbval compares.
    Unlike papermill this injects no cell and leaves the ``parameters`` cell
    as written; execution timing metadata is not recorded, so diffs stay
    small. A notebook that fails is left untouched on disk.
    """
    notify = progress or (lambda _event: None)
    nb_dir = _abs(notebooks_dir) if notebooks_dir is not None else _project_path(paths.notebooks_dir)
    chosen = select_notebooks(discover_notebooks(nb_dir), selection)
    results = []
    for index, path in enumerate(chosen, start=1):
        notify(Progress(stage="notebook", status="start", name=path.stem, index=index, total=len(chosen)))
        start = time.monotonic()
        error = refresh_notebook(path)
        seconds = round(time.monotonic() - start, 2)
        status = "failed" if error else "ok"
        notify(Progress(stage="notebook", status=status, name=path.stem, index=index, total=len(chosen),
                        seconds=seconds, detail=error))
        results.append(NotebookResult(name=path.stem, status=status, seconds=seconds, report="",
                                      notebook=str(path), error=error))
    return results


def refresh_notebook(path: Path) -> str:
    """Execute one notebook in its folder and write it back; returns an error line or ``""``."""
    with tempfile.TemporaryDirectory(prefix="presslens-kernel-") as tmp:
        kernel_log = Path(tmp) / "stderr.log"
        error, in_cell = _execute_in_place(path, kernel_log=kernel_log)
        if error and not in_cell and kernel_log.exists() and kernel_log.read_text(errors="replace").strip():
            log.warning("%s: kernel stderr:\n%s", path.name, kernel_log.read_text(errors="replace").strip())
    return error


def _execute_in_place(path: Path, *, kernel_log: Path) -> tuple[str, bool]:
    """Run and write back; returns (error line, whether the error was raised by a cell)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    with _kernel_manager_class(kernel_log, context=RunContext()) as km_class:  # outside a run: no run variable
        client = NotebookClient(
            nb, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(path.parent)}},
            record_timing=False, kernel_manager_class=km_class,
        )
        try:
            # Cell by cell like papermill (not client.execute(), whose signal handlers
            # would swallow Ctrl-C): KeyboardInterrupt must stop the whole refresh.
            client.reset_execution_trackers()
            with client.setup_kernel():
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
                info = client.wait_for_reply(client.kc.kernel_info())
                nb.metadata["language_info"] = info["content"]["language_info"]
        except CellExecutionError as exc:
            return clip(f"{exc.ename}: {exc.evalue}", ERROR_CHARS), True
        except Exception as exc:  # dead kernel, timeout: the kernel's stderr may say why
            return _one_line(exc), False
    strip_run_metadata(nb)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, path)
    return "", False


def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes on every execution: timings and papermill's bookkeeping."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("ExecuteTime", None)
    return nb


def _counts_line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return clip(f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__, ERROR_CHARS)


__all__ = [
    "ERROR_CHARS", "KERNEL_NAME", "NotebookResult", "Progress", "ProgressCallback", "RunResult", "execute_notebook", "kernel_context", "kernel_env",
    "place_shared_plotly", "refresh_notebook", "refresh_notebooks", "run_suite", "snapshot_path", "strip_run_metadata",
]
