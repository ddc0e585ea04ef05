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
from contextlib import ExitStack, contextmanager, nullcontext
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
    """Everything a run produces, written into ``staging``.

    The notebooks' kernels start while the data is built (:class:`NotebookRun`); they execute once it is.
    """
    commit = git_commit(plan.notebooks_dir)
    corpus_shown = display_path(plan.corpus)
    paths_shown = run_paths_shown(plan, corpus_shown=corpus_shown)
    total = len(plan.notebooks)

    def warm(nb_plan: NotebookPlan) -> WarmKernel | None:
        context = kernel_context(plan, staging=staging, notebook=nb_plan.name, snapshot_kept=True)
        return start_kernel(nb_plan.path, context=context, cwd=plan.notebooks_dir, kernel_log=staging / "run.log")

    def run_one(nb_plan: NotebookPlan, kernel: WarmKernel | None, executed: Callable[[], None]) -> NotebookResult:
        context = kernel_context(plan, staging=staging, notebook=nb_plan.name)
        if kernel is not None and kernel.context != context:  # started before the build, told of a snapshot the build did not keep
            kernel.close()
            kernel = None
        return _run_notebook(
            nb_plan, plan=plan, staging=staging, commit=commit, corpus_shown=corpus_shown, started=started, paths_shown=paths_shown,
            context=context, kernel=kernel, executed=executed,
        )

    notebooks = NotebookRun(plan.notebooks, run_one, workers=notebook_workers(plan.jobs, total), notify=notify, warm=warm)
    notebooks.start()  # the kernels start (and import what their notebook imports) while the data is built
    try:
        build = _build_data(plan, data_dir=staging / "data", snapshot=snapshot_path(staging), notify=notify)
    except BaseException:
        notebooks.stop()
        raise
    if not snapshot_path(staging).is_file():  # written signed: no key to sign it (see presslens.io.cache_key), no snapshot
        log.warning("the build kept no snapshot of the corpus: the notebooks read the corpus files")
    release_memory()  # the build's tables are written: this process only waits on kernels and exports from now on
    notebooks.release()
    results = notebooks.results()
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
#: kernels started ahead, beyond those executing: each waits with its notebook's imports done (not the corpus)
WARM_AHEAD = 2
#: seconds a kernel started ahead may take to answer and import (papermill's own start timeout is 60 s)
KERNEL_START_SECONDS = 120.0


def notebook_workers(jobs: int | None, notebooks: int) -> int:
    """How many notebooks a run executes at once: ``jobs`` (default: every core, at most
    :data:`MAX_NOTEBOOK_WORKERS`), never more than there are notebooks.

    >>> notebook_workers(None, 1), notebook_workers(1, 5), notebook_workers(2, 5), notebook_workers(8, 3)
    (1, 1, 2, 3)
    """
    from presslens.build.engine import default_jobs

    wanted = min(default_jobs(), MAX_NOTEBOOK_WORKERS) if jobs is None else jobs
    return max(1, min(wanted, notebooks))


RunOne = Callable[["NotebookPlan", "WarmKernel | None", Callable[[], None]], NotebookResult]


class NotebookRun:
    """The notebooks of a run: each in a thread of its own, which starts its kernel early and executes it in its turn.

    :meth:`start` is called before the build: each thread (at most
    ``workers`` + :data:`WARM_AHEAD` at a time, in the plan's order) starts its
    notebook's kernel with ``warm`` and has it import the notebook's modules,
    while the build runs. :meth:`release` (the build is done) lets them
    execute: ``workers`` at a time, starting in the plan's order. ``run_one``
    executes a notebook, calls the callback it is given once the execution is
    over (the kernel is shut down and the next notebook may start), then
    exports the page, so one notebook's export overlaps the next one's
    execution. A notebook's work is done in its kernel process; the threads
    wait on them and export. :meth:`results` waits in this thread, so an
    interrupt or ``SIGTERM`` reaches it at once: no further notebook starts,
    every kernel is killed (notebooks running end as failed, saved and
    exported as far as they got), the threads are waited for (at most
    :data:`STOP_SECONDS`) and the interrupt goes on up, so the partial run is
    kept whole under ``failed-runs/``. With one worker the notebooks run in
    turn, each announced as it starts; with more, each is announced when it
    ends, in the order they end.
    """

    def __init__(
        self, plans: Sequence[NotebookPlan], run_one: RunOne, *, workers: int, notify: ProgressCallback,
        warm: Callable[[NotebookPlan], WarmKernel | None] | None = None,
    ) -> None:
        import queue

        self.plans = list(plans)
        self.run_one = run_one
        self.workers = max(1, min(workers, len(self.plans) or 1))
        self.notify = notify
        self.warm = warm
        self._cond = threading.Condition()
        self._stopping = False
        self._released = False
        self._next_turn = 0  # index of the next notebook to execute
        self._running = 0  # notebooks executing now
        self._ended = 0  # executions over (kernel shut down)
        self._done: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start every notebook's thread (kernels start at once, up to ``workers`` + :data:`WARM_AHEAD`)."""
        if self.workers > 1:
            log.info("running %d notebooks, %d at a time", len(self.plans), self.workers)
        for index, nb_plan in enumerate(self.plans):
            thread = threading.Thread(target=self._work, args=(index, nb_plan), name=f"presslens-notebook-{index + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def release(self) -> None:
        """The build is done: the notebooks may execute."""
        with self._cond:
            self._released = True
            self._cond.notify_all()

    def results(self) -> list[NotebookResult]:
        """Every notebook's result in the plan's order, once all have ended (announced as they start or end, see the class)."""
        import queue

        total = len(self.plans)
        results: dict[int, NotebookResult] = {}
        try:
            while len(results) < total:
                try:
                    kind, index, value = self._done.get(timeout=0.5)  # a timeout, so signals reach this thread while it waits
                except queue.Empty:
                    continue
                if kind == "error":
                    raise value
                if kind == "start":
                    if self.workers == 1:
                        self.notify(Progress(stage="notebook", status="start", name=value.name, index=index + 1, total=total))
                    continue
                results[index] = value
                self.notify(Progress(stage="notebook", status=value.status, name=value.name, index=index + 1, total=total,
                                     seconds=value.seconds, detail=value.error))
        except BaseException:
            self.stop()
            raise
        return [results[i] for i in range(total)]

    def stop(self) -> None:
        """No further notebook starts; every kernel is killed; the threads are waited for (at most :data:`STOP_SECONDS`)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        killed = _stop_kernels()
        log.error("run stopping: %d notebook kernel(s) killed", killed)
        deadline = time.monotonic() + STOP_SECONDS
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _wait_until(self, ready: Callable[[], bool], then: Callable[[], None] | None = None) -> bool:
        """Wait until ``ready()``, then call ``then`` under the same lock; False (nothing called) when the run stops first."""
        with self._cond:
            while not (self._stopping or ready()):
                self._cond.wait(0.5)
            if self._stopping:
                return False
            if then is not None:
                then()
                self._cond.notify_all()
            return True

    def _work(self, index: int, nb_plan: NotebookPlan) -> None:
        kernel: WarmKernel | None = None
        executing = False

        def executed() -> None:  # the execution is over: free the kernel and the turn
            nonlocal executing, kernel
            if kernel is not None:
                kernel.close()
                kernel = None
            if executing:
                executing = False
                with self._cond:
                    self._running -= 1
                    self._ended += 1
                    self._cond.notify_all()

        try:
            if not self._wait_until(lambda: index < self._ended + self.workers + WARM_AHEAD):
                return
            if self.warm is not None:
                kernel = self.warm(nb_plan)
            def take_turn() -> None:
                nonlocal executing
                self._next_turn += 1
                self._running += 1
                executing = True

            if not self._wait_until(lambda: self._released and self._next_turn == index and self._running < self.workers, take_turn):
                return
            self._done.put(("start", index, nb_plan))
            result = self.run_one(nb_plan, kernel, executed)
            executed()
            self._done.put(("result", index, result))
        except BaseException as exc:  # run_one records failures; anything else stops the run in the main thread
            executed()
            self._done.put(("error", index, exc))
        finally:
            if kernel is not None:
                kernel.close()


class WarmKernel:
    """A notebook's kernel started ahead of its turn, with the notebook's modules imported (see :func:`start_kernel`).

    It is started and used in one thread (the event loop of that thread runs
    its client); :meth:`close` shuts it down and closes its log.
    """

    def __init__(self, km: Any, context: RunContext, stack: ExitStack) -> None:
        self.km = km
        self.context = context
        self._stack = stack

    def close(self) -> None:
        """Shut the kernel down (at once: it holds nothing to save) and close its log; a second call does nothing."""
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already dead (a stopped run kills it)
            log.debug("kernel shutdown failed", exc_info=True)
        finally:
            self._stack.close()


def start_kernel(
    notebook: Path, *, context: RunContext, cwd: Path, kernel_log: Path | None, timeout: float = KERNEL_START_SECONDS
) -> WarmKernel | None:
    """Start ``notebook``'s kernel now, in this thread, and import the modules the notebook imports (:func:`notebook_modules`).

    The kernel gets ``context`` and ``cwd`` at its start, as :func:`execute_notebook`
    would give them. The imports run silently (no output, no execution count, nothing
    left in the notebook's namespace); one that fails is left for the notebook to
    report in its own cell. Returns ``None`` (logged) when the kernel cannot start:
    papermill then starts one itself.
    """
    from jupyter_core.utils import run_sync

    stack = ExitStack()
    km_class = stack.enter_context(_kernel_manager_class(kernel_log, context=context, cwd=cwd))
    modules = notebook_modules(notebook)

    async def start() -> Any:
        km = km_class(kernel_name=KERNEL_NAME)
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=timeout)
            if modules:
                await kc.execute(_import_code(modules), silent=True, store_history=False, allow_stdin=False, reply=True, timeout=timeout)
        except BaseException:
            kc.stop_channels()
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
            raise
        kc.stop_channels()
        return km

    try:
        km = run_sync(start)()
    except Exception as exc:
        stack.close()
        log.warning("%s: its kernel could not start ahead (%s); papermill starts one", notebook.stem, _one_line(exc))
        return None
    return WarmKernel(km, context, stack)


def notebook_modules(notebook: Path) -> tuple[str, ...]:
    """The modules ``notebook``'s code cells import at their top level, in order, each once (cells that do not parse are skipped).

    >>> import tempfile, nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas as pd\\nfrom presslens.display import md, show"),
    ...     nbformat.v4.new_code_cell("%matplotlib inline"), nbformat.v4.new_code_cell("from . import x\\nimport os.path, pandas")])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "n.ipynb"; nbformat.write(nb, path); notebook_modules(path)
    ('pandas', 'presslens.display', 'os.path')
    """
    import ast

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # unreadable: papermill says why when it runs it
        return ()
    modules: dict[str, None] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules[node.module] = None
    return tuple(modules)


def _import_code(modules: Sequence[str]) -> str:
    """Code that imports ``modules`` and leaves no name behind in the kernel's namespace."""
    return (
        "def _presslens_import_ahead(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        f"_presslens_import_ahead({list(modules)!r})\n"
        "del _presslens_import_ahead\n"
    )


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


def release_memory() -> int:
    """Give the memory this process freed back to the system: a full garbage collection, then glibc's ``malloc_trim``.

    After the build the run's process holds little (its tables are on disk), but
    the allocator keeps the pages it freed, about 0.7 GiB at 10,000 documents,
    while the kernels load theirs. Elsewhere than glibc only the collection is done.

    Returns:
        The objects the collection found unreachable.
    """
    import ctypes
    import ctypes.util
    import gc

    found = gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return found
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    return found


def snapshot_path(staging: Path) -> Path:
    """Where the build keeps the corpus it loaded for the run's notebooks: in the staging folder, not published.

    >>> snapshot_path(Path("/o/.run-1")).as_posix()
    '/o/.run-1/corpus-snapshot.pickle'
    """
    return staging / paths.SNAPSHOT_FILE


def _build_data(plan: RunPlan, *, data_dir: Path, snapshot: Path, notify: ProgressCallback) -> BuildSummary:
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
    summary = BuildSummary.of(build)
    del build  # the corpus and the tables: written to data_dir and the snapshot, not held while the kernels load theirs
    seconds = round(time.monotonic() - start, 2)
    log.info("built data in %.2f s: %s; %d rejected", seconds, summary.counts, len(summary.rejected))
    notify(Progress(stage="build", status="ok", seconds=seconds, detail=_counts_line(summary.counts)))
    return summary


@dataclass(frozen=True)
class BuildSummary:
    """What a run keeps of its build (:class:`presslens.pipeline.BuildResult`) for the manifest: not the corpus, not the tables.

    At 10,000 documents the loaded corpus and the tables are about 1 GiB in the
    run's process; the manifest needs only the lists and counts below, and the
    notebooks read the tables and the corpus from the files the build wrote.

    >>> from types import SimpleNamespace
    >>> s = BuildSummary.of(SimpleNamespace(corpus=object(), tables={"t": 1}, counts={"documents": 2}))
    >>> s.counts, s.inputs, hasattr(s, "corpus")
    ({'documents': 2}, [], False)
    """

    inputs: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)

    @classmethod
    def of(cls, build: Any) -> BuildSummary:
        """The manifest's part of ``build`` (any object with these attributes; a missing one is empty)."""
        return cls(
            inputs=list(getattr(build, "inputs", []) or []), rejected=list(getattr(build, "rejected", []) or []),
            warnings=list(getattr(build, "warnings", []) or []), counts=dict(getattr(build, "counts", {}) or {}),
            stats=dict(getattr(build, "stats", {}) or {}),
        )


def kernel_context(plan: RunPlan, *, staging: Path, notebook: str, snapshot_kept: bool | None = None) -> RunContext:
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

    ``snapshot_kept`` says whether the build kept its snapshot (``None``: whether the file is there now; a kernel
    started before the build is told it will be, see :class:`NotebookRun`).
    """
    snapshot = snapshot_path(staging)
    kept = snapshot.is_file() if snapshot_kept is None else snapshot_kept
    return RunContext(
        out_dir=staging, notebook=notebook, cache_dir=plan.out / "cache" if plan.cache else None, max_bytes=plan.max_bytes,
        corpus_snapshot=snapshot if kept else None,
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
    paths_shown: PathShown, context: RunContext | None = None, kernel: WarmKernel | None = None,
    executed: Callable[[], None] | None = None,
) -> NotebookResult:
    """Execute one notebook with papermill (in ``kernel`` when one was started ahead), then export it; a failure is recorded, not raised.

    ``executed`` is called once the execution is over, before the export.
    """
    target = staging / "notebooks" / f"{nb_plan.name}.ipynb"
    html = staging / "reports" / f"{nb_plan.name}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    try:
        error = execute_notebook(
            nb_plan.path, target, parameters=nb_plan.parameters, cwd=plan.notebooks_dir, kernel_log=staging / "run.log",
            context=context if context is not None else kernel_context(plan, staging=staging, notebook=nb_plan.name),
            **({"km": kernel.km} if kernel is not None and kernel.km is not None else {}),
        )
    finally:
        if executed is not None:
            executed()
    seconds = round(time.monotonic() - start, 2)
    status = "failed" if error else "ok"
    log.info("%s: %s in %.2f s%s", nb_plan.name, status, seconds, f" ({error})" if error else "")
    if not target.exists():  # papermill could not even start: export a page that says why
        _write_stub_notebook(target, name=nb_plan.name, error=error)
    shown = {k: (corpus_shown if k == "corpus_dir" else v) for k, v in nb_plan.parameters.items()}
    header = ReportHeader(
        title=nb_plan.name, corpus=corpus_shown, parameters=shown, commit=commit,
        started=_iso(started), status=status, error=error,
    )
    plotly_outputs = 0
    try:
        plotly_outputs = write_report(target, html, header=header, with_code=plan.with_code, plotly=plan.plotly, shown=paths_shown)
    except Exception as exc:  # an unexportable notebook is a failed report, not a failed run
        log.exception("%s: HTML export failed", nb_plan.name)
        status, error = "failed", f"HTML export failed: {_one_line(exc)}"
    return NotebookResult(
        name=nb_plan.name, status=status, seconds=seconds, report=f"reports/{html.name}",
        notebook=f"notebooks/{target.name}", error=error, plotly_outputs=plotly_outputs,
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
    km: Any = None,
) -> str:
    """Run ``source`` into ``target`` with papermill in the project's interpreter.

    The kernel's working directory is set explicitly (papermill would use
    ours); the kernel's stderr goes to ``kernel_log`` so cron mails stay quiet.
    The kernel starts with ``context``'s variables in its environment
    (:meth:`~presslens.paths.RunContext.environment`; ``None``: outside a run,
    every run variable unset), which it reads with :func:`presslens.paths.run_context`.
    With ``km`` (a kernel manager whose kernel :func:`start_kernel` started with
    them) the notebook runs in that kernel, which is left running for its owner.

    Returns:
        An empty string on success, else one line saying what failed (the
        executed notebook, saved even on failure, holds the traceback).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        with _kernel_manager_class(kernel_log, context=context, cwd=cwd) if km is None else nullcontext(None) as km_class:
            papermill.execute_notebook(  # no cwd= here: papermill would chdir this whole process (see _kernel_manager_class)
                str(source), str(target), parameters=dict(parameters), kernel_name=KERNEL_NAME, engine_name=engine_name(),
                progress_bar=False, log_output=False, **({"kernel_manager_class": km_class} if km is None else {"km": km}),
            )
    except PapermillExecutionError as exc:
        return clip(f"{exc.ename}: {exc.evalue}" if exc.evalue else exc.ename, ERROR_CHARS)
    except Exception as exc:  # dead kernel, cell timeout, unreadable notebook: the run goes on
        log.exception("%s: execution failed", source.name)
        return _one_line(exc)
    return ""


#: the papermill engine of a run (:func:`engine_name`)
ENGINE_NAME = "presslens"
#: seconds between two saves of a notebook while it runs (papermill saves it at every cell's start and end)
SAVE_EVERY_SECONDS = 10.0


def engine_name() -> str:
    """The name of papermill's nbclient engine with fewer saves, registered on first use.

    Papermill writes the whole notebook (serialised and validated by nbformat)
    when each cell starts and when it ends: about 70 writes for a notebook of 35
    cells, 1.5 s of this process's time per notebook on the seeds, taken from
    the exports of the notebooks running beside it. This engine writes it when
    at least :data:`SAVE_EVERY_SECONDS` passed since the last write, and always
    when the execution ends, however it ends (a failed cell, a killed kernel):
    what a notebook got is kept as before.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    global _ENGINE_REGISTERED
    if _ENGINE_REGISTERED:  # registered by this process (papermill's own list of engines is private)
        return ENGINE_NAME

    class _Manager(NotebookExecutionManager):
        ending = False

        def save(self, **kwargs):  # noqa: ANN003, ANN201 - papermill's signature
            if self.ending or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY_SECONDS:
                super().save(**kwargs)

        def notebook_complete(self, **kwargs):  # noqa: ANN003, ANN201
            self.ending = True
            super().notebook_complete(**kwargs)

    class _Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,  # noqa: ANN001, ANN206
                             autosave_cell_every=30, **kwargs):
            nb_man = _Manager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                              autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:  # as papermill's Engine.execute_notebook
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE_NAME, _Engine)
    _ENGINE_REGISTERED = True
    return ENGINE_NAME


_ENGINE_REGISTERED = False


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
    drop_unchecked_outputs(nb)
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


#: nbval's tag for a cell whose output it does not compare: such a cell's output is not stored in notebooks/ either
UNCHECKED_OUTPUT_TAG = "nbval-ignore-output"


def drop_unchecked_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Empty the outputs of the cells tagged :data:`UNCHECKED_OUTPUT_TAG`, as ``presslens refresh-notebooks`` stores them.

    The cells that list the corpus's own comments, commenters and story notes would store the seeds' people and
    texts in ``notebooks/``; they carry the tag, so nbval still runs them (a failing cell fails the test) but does
    not compare their output, and the stored notebook holds none of it. Their tables are checked by pytest.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", metadata={"tags": [UNCHECKED_OUTPUT_TAG]}),
    ...                                     nbformat.v4.new_code_cell("2")])
    >>> nb.cells[0].outputs = nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="x")]
    >>> [len(c.outputs) for c in drop_unchecked_outputs(nb).cells]
    [0, 1]
    """
    for cell in nb.cells:
        if cell.cell_type == "code" and UNCHECKED_OUTPUT_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
    return nb


def _counts_line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return clip(f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__, ERROR_CHARS)


__all__ = [
    "ERROR_CHARS", "KERNEL_NAME", "NotebookResult", "Progress", "ProgressCallback", "RunResult", "execute_notebook", "kernel_context", "kernel_env",
    "UNCHECKED_OUTPUT_TAG", "drop_unchecked_outputs", "place_shared_plotly", "refresh_notebook", "refresh_notebooks", "run_suite", "snapshot_path", "strip_run_metadata",
]
