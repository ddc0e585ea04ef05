"""Run the notebook suite on a corpus and publish data, HTML reports, an index and a manifest.

A run is all-or-nothing for the reader: it builds into a fresh staging folder
inside ``OUT`` and only swaps ``data/``, ``reports/``, ``notebooks/``,
``run.json`` and ``run.log`` into place once every notebook has been attempted.
A crash, Ctrl-C or SIGTERM leaves the previous outputs as they were and keeps
the partial run under ``OUT/failed-runs/`` for inspection. One run at a time
per ``OUT`` (``fcntl.flock`` on ``OUT/.presslens.lock``).

Everything the user can get wrong (unknown parameter or notebook, wrong type,
missing corpus, an output folder overlapping the corpus) is checked by
:func:`plan_run` before anything starts, so a bad command never leaves half a
run behind.
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import importlib
import json
import logging
import os
import platform
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat
import yaml

from . import __version__, paths
from .corpus import MAX_BYTES_ENV
from .errors import ParameterError, PresslensError
from .htmlexport import ReportHeader, write_report
from .io import write_json

log = logging.getLogger(__name__)

LOCK_NAME = ".presslens.lock"
FAILED_DIR = "failed-runs"
#: What a run publishes into OUT, swapped in this order (run.json last: it marks a complete run).
PUBLISHED = ("data", "reports", "notebooks", "run.log", "run.json")
#: Failed runs kept for inspection; older ones are removed (a cron job can fail daily).
KEEP_FAILED_RUNS = 10
KERNEL_NAME = "python3"
NOTEBOOK_RE = re.compile(r"^\d{2}_[^/]+\.ipynb$")
#: Packages whose versions go into run.json (absent ones are recorded as null).
KEY_PACKAGES = (
    "pandas", "numpy", "plotly", "papermill", "nbconvert", "nbclient", "nbformat",
    "ipykernel", "jupyter_client", "nltk", "vaderSentiment", "rapidfuzz", "datasketch",
    "text2num", "pyahocorasick", "charset-normalizer", "PyYAML",
)
_NO_DEFAULT = object()  # a parameter whose default is not a literal: accept any JSON value


class LockBusyError(PresslensError):
    """Another run holds ``OUT/.presslens.lock`` (the CLI exits 3)."""


class RunTerminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C so the partial run is kept and the lock released."""


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class ParamSpec:
    """One entry of a notebook's ``parameters`` cell."""

    name: str
    default: Any
    help: str = ""


@dataclass(frozen=True)
class NotebookPlan:
    """One notebook to run: where it is and exactly the parameters it declares."""

    name: str
    path: Path
    parameters: Mapping[str, Any]


@dataclass(frozen=True)
class RunPlan:
    """Everything a run needs, checked: absolute folders, notebooks, typed parameters."""

    corpus: Path
    out: Path
    notebooks_dir: Path
    notebooks: tuple[NotebookPlan, ...]
    parameters: Mapping[str, Any]
    log_file: Path
    with_code: bool = False
    strict: bool = False
    wait: float = 0.0
    max_bytes: int | None = None
    jobs: int | None = None
    cache: bool = True
    engine: str = "local"
    scheduler: str | None = None


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The suite: ``NN_*.ipynb`` in ``notebooks_dir``, in number order."""
    if not notebooks_dir.is_dir():
        raise ParameterError(f"notebooks folder not found: {notebooks_dir}")
    return sorted(p for p in notebooks_dir.iterdir() if p.is_file() and NOTEBOOK_RE.match(p.name))


def select_notebooks(available: Sequence[Path], selectors: Sequence[str]) -> list[Path]:
    """Pick notebooks by number (``01``), name (``01_source_comparison``) or file name.

    Comma-separated selectors are split. The suite's order is kept whatever
    order they were given in. No selector means the whole suite.

    Raises:
        ParameterError: a selector matches no notebook (the message lists the names).
    """
    wanted = [s.strip() for sel in selectors for s in sel.split(",") if s.strip()]
    if not wanted:
        return list(available)
    chosen: set[Path] = set()
    for selector in wanted:
        key = Path(selector).name
        matches = [
            p for p in available
            if key in (p.name, p.stem) or (key.isdigit() and p.name.split("_", 1)[0] == key.zfill(2))
        ]
        if not matches:
            names = ", ".join(p.stem for p in available) or "none"
            raise ParameterError(f"unknown notebook {selector!r}; available: {names}")
        chosen.update(matches)
    return [p for p in available if p in chosen]


def notebook_parameters(path: Path) -> dict[str, ParamSpec]:
    """The parameters a notebook declares in its cell tagged ``parameters``.

    Defaults are read as Python literals so their type can check user values;
    a default that is not a literal accepts any JSON-safe value.
    """
    import papermill

    specs = {}
    for name, info in papermill.inspect_notebook(str(path)).items():
        try:
            default = ast.literal_eval(info.get("default") or "")
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            default = _NO_DEFAULT
        specs[name] = ParamSpec(name=name, default=default, help=info.get("help") or "")
    return specs


def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``name=value`` from ``-p``.

    >>> parse_assignment("top_n=20")
    ('top_n', '20')
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ParameterError(f"-p expects name=value, got {text!r}")
    return name, value


def load_params_file(ref: str, *, params_dir: Path) -> dict[str, Any]:
    """Read a named run: a YAML mapping of parameter names to values.

    ``ref`` is a path, or a bare name resolved in ``notebooks/params/``
    (``weekly`` -> ``notebooks/params/weekly.yaml``).
    """
    candidates = [Path(ref).expanduser()]
    if "/" not in ref and not ref.endswith((".yaml", ".yml")):
        candidates += [params_dir / f"{ref}.yaml", params_dir / f"{ref}.yml"]
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        named = sorted(p.stem for p in params_dir.glob("*.y*ml")) if params_dir.is_dir() else []
        raise ParameterError(
            f"params file not found: {ref!r} (named runs in {params_dir}: {', '.join(named) or 'none'})"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ParameterError(f"{path}: expected a mapping of parameter names to values")
    return data


def coerce_value(name: str, value: Any, *, default: Any, from_text: bool, where: str = "") -> Any:
    """Check a user value against the type of the notebook's default, converting text.

    Text from ``-p`` is read as a YAML scalar (``20`` -> int, ``true`` -> bool,
    ``[a, b]`` -> list) unless the default is a string: strings stay strings,
    so ``-p label=007`` keeps its zeros.

    Raises:
        ParameterError: the value has another type than the default (int/float/bool/str/list/dict),
            or cannot be passed to a notebook (not JSON-safe).
    """
    if from_text:
        if isinstance(default, str):
            return value
        try:
            value = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            raise ParameterError(f"parameter {name}: cannot read {value!r}") from None
    if default is not None and default is not _NO_DEFAULT:
        value = _match_type(name, value, default=default, where=where)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise ParameterError(
            f"parameter {name}: {value!r} ({type(value).__name__}) cannot be passed to a notebook; quote it"
        ) from None
    return value


def _match_type(name: str, value: Any, *, default: Any, where: str) -> Any:
    expected = type(default)
    ok = False
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif expected is str:
        if isinstance(value, (dt.date, dt.datetime)):  # YAML reads 2024-05-01 as a date
            value = value.isoformat()
        ok = isinstance(value, str)
    elif expected in (list, tuple):
        ok = isinstance(value, list)
    else:
        ok = isinstance(value, expected)
    if not ok:
        suffix = f" in {where}" if where else ""
        raise ParameterError(
            f"parameter {name}{suffix} expects {expected.__name__} (default {default!r}), "
            f"got {type(value).__name__} {value!r}"
        )
    return value


def _merge_user_params(
    *, param_texts: Sequence[str], params_file: str | None, params_dir: Path
) -> tuple[dict[str, Any], set[str]]:
    """User parameters (-f first, -p overrides) and the names that came as text."""
    values: dict[str, Any] = {}
    if params_file:
        values.update(load_params_file(params_file, params_dir=params_dir))
    texts: set[str] = set()
    for text in param_texts:
        name, value = parse_assignment(text)
        values[name] = value
        texts.add(name)
    return values, texts


def plan_run(
    *,
    corpus_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    selection: Sequence[str] = (),
    param_texts: Sequence[str] = (),
    params_file: str | None = None,
    with_code: bool = False,
    strict: bool = False,
    wait: float = 0.0,
    log_file: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
    jobs: int | None = None,
    cache: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
) -> RunPlan:
    """Check a run's settings without side effects, so mistakes stop it before anything starts.

    Args:
        corpus_dir: the corpus; ``None`` means ``corpus_dir`` from the params,
            else ``seeds/``. Relative paths are taken from the working directory.
        out_dir: where the run publishes; ``None`` means ``outputs/``.
        notebooks_dir: the suite's folder; ``None`` means ``notebooks/``
            (tests point it at notebooks of their own).
        selection: notebook selectors, see :func:`select_notebooks`.
        param_texts: ``name=value`` strings from ``-p``.
        params_file: a YAML file or a named run in ``notebooks/params/``.
        with_code: keep code cells in the HTML reports.
        strict: any rejected input file makes the build fail.
        wait: seconds to wait for another run's lock.
        log_file: the run log; ``None`` means ``OUT/logs/run.log``.
        max_bytes: size limit per input file, for the build and every notebook.
        jobs: processes for the per-document stages (default: every core).
        cache: reuse per-document results from ``OUT/cache`` (keyed by content,
            presslens version and codebook), so a run redoes only what changed.
        engine: ``local`` or ``dask``; ``scheduler`` is a Dask scheduler address
            (default: a local two-worker cluster).

    Raises:
        ParameterError: with a one-line message naming what is wrong.
    """
    nb_dir = _abs(notebooks_dir) if notebooks_dir is not None else _project_path(paths.notebooks_dir)
    chosen = select_notebooks(discover_notebooks(nb_dir), selection)
    specs = {p.stem: notebook_parameters(p) for p in chosen}
    values, texts = _merge_user_params(
        param_texts=param_texts, params_file=params_file, params_dir=nb_dir / "params"
    )
    corpus = _pick_corpus(corpus_dir, values.pop("corpus_dir", None))
    out = _abs(out_dir) if out_dir is not None else _project_path(paths.outputs_dir)
    check_folders(corpus=corpus, out=out, notebooks_dir=nb_dir)
    if wait < 0:
        raise ParameterError(f"--wait must be 0 or more seconds, got {wait}")
    if max_bytes is not None and max_bytes <= 0:
        raise ParameterError(f"--max-bytes must be a positive number of bytes, got {max_bytes}")
    if jobs is not None and jobs < 1:
        raise ParameterError(f"--jobs must be 1 or more, got {jobs}")
    if engine not in ("local", "dask"):
        raise ParameterError(f"--engine must be local or dask, got {engine!r}")
    if scheduler and engine != "dask":
        raise ParameterError("--scheduler goes with --engine dask")
    strict = strict or values.get("strict") is True  # `-p strict=true` / `-f strict` make the build strict too
    if strict and "strict" not in values and any("strict" in s for s in specs.values()):
        values["strict"] = True  # --strict also reaches the notebooks that take a `strict` parameter
    user_params, plans = _typed_params(values, texts=texts, specs=specs, corpus=corpus, chosen=chosen)
    return RunPlan(
        corpus=corpus,
        out=out,
        notebooks_dir=nb_dir,
        notebooks=tuple(plans),
        parameters=user_params,
        log_file=_abs(log_file) if log_file is not None else out / "logs" / "run.log",
        with_code=with_code,
        strict=strict,
        wait=float(wait),
        max_bytes=max_bytes,
        jobs=jobs,
        cache=cache,
        engine=engine,
        scheduler=scheduler,
    )


def _pick_corpus(cli_value: Any, param_value: Any) -> Path:
    """``--corpus`` wins over ``corpus_dir`` from the params; giving both is a mistake."""
    if cli_value is not None and param_value is not None:
        raise ParameterError("give the corpus once: --corpus or corpus_dir in the parameters, not both")
    if cli_value is not None:
        return _abs(cli_value)
    if param_value is not None:
        if not isinstance(param_value, str):
            raise ParameterError(f"parameter corpus_dir expects str, got {type(param_value).__name__}")
        return paths.resolve_corpus(param_value)
    return _project_path(paths.seeds_dir).resolve()


def _project_path(where: Callable[[], Path]) -> Path:
    """A default folder of the project; outside a project that is a usage error, not a crash."""
    try:
        return where()
    except FileNotFoundError as exc:
        raise ParameterError(str(exc)) from None


def _typed_params(
    values: Mapping[str, Any],
    *,
    texts: set[str],
    specs: Mapping[str, Mapping[str, ParamSpec]],
    corpus: Path,
    chosen: Sequence[Path],
) -> tuple[dict[str, Any], list[NotebookPlan]]:
    """Each notebook gets ``corpus_dir`` and only the user parameters it declares, typed by its defaults."""
    declared = {name for nb_specs in specs.values() for name in nb_specs}
    unknown = sorted(set(values) - declared)
    if unknown:
        known = ", ".join(sorted(declared - {"corpus_dir"})) or "none"
        raise ParameterError(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(not in the selected notebooks; they take: {known})"
        )
    user_params: dict[str, Any] = {}
    plans = []
    for path in chosen:
        nb_specs = specs[path.stem]
        if not nb_specs:
            log.warning("%s has no cell tagged 'parameters': it runs with its own values", path.name)
        params: dict[str, Any] = {}
        if "corpus_dir" in nb_specs:
            params["corpus_dir"] = str(corpus)
        for name, value in values.items():
            if name in nb_specs:
                params[name] = coerce_value(
                    name, value, default=nb_specs[name].default, from_text=name in texts, where=path.stem
                )
                user_params.setdefault(name, params[name])
        plans.append(NotebookPlan(name=path.stem, path=path, parameters=params))
    return dict(sorted(user_params.items())), plans


def check_folders(*, corpus: Path, out: Path, notebooks_dir: Path) -> None:
    """Refuse folders a run would damage: it replaces ``OUT/data``, ``OUT/reports`` and ``OUT/notebooks``.

    Raises:
        ParameterError: missing corpus; ``out`` equal to, inside or containing
            the corpus or the notebooks folder; ``out`` a file; or an existing
            folder with ``data/``/``reports/``/``notebooks/`` that no presslens
            run made (no ``run.json`` nor lock file), e.g. ``--out ~``.
    """
    if not corpus.is_dir():
        raise ParameterError(f"corpus folder not found: {corpus}")
    for other, what in ((corpus, "corpus folder"), (notebooks_dir, "notebooks folder")):
        if out == other or _inside(out, other) or _inside(other, out):
            relation = "is" if out == other else "is inside" if _inside(out, other) else "contains"
            raise ParameterError(f"output folder {out} {relation} the {what} {other}; choose another --out")
    if out.exists() and not out.is_dir():
        raise ParameterError(f"output folder {out} exists and is not a folder")
    if out.is_dir() and not ((out / "run.json").exists() or (out / LOCK_NAME).exists()):
        clash = [name for name in ("data", "reports", "notebooks") if (out / name).exists()]
        if clash:
            raise ParameterError(
                f"output folder {out} already has {', '.join(clash)}/ but no presslens run made it "
                "(no run.json); choose an empty or presslens output folder"
            )


def _inside(path: Path, parent: Path) -> bool:
    return parent in path.parents


def _abs(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().resolve()


# --------------------------------------------------------------------------- run


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
    """What happened to one notebook. Paths are relative to ``OUT``."""

    name: str
    status: str
    seconds: float
    report: str
    notebook: str
    error: str = ""
    plotly_outputs: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "seconds": self.seconds,
            "report": self.report,
            "notebook": self.notebook,
            "error": self.error,
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
        PresslensError: from the build (e.g. a rejected input with ``strict``);
            the partial run is kept in ``OUT/failed-runs/``.
        KeyboardInterrupt, RunTerminated: likewise, previous outputs untouched.
    """
    notify = progress or (lambda _event: None)
    started = _utcnow()
    plan.out.mkdir(parents=True, exist_ok=True)
    with _run_lock(plan.out / LOCK_NAME, wait=plan.wait), _sigterm_raises():
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
            kept = _keep_failed_run(plan.out, staging, started)
            exc.add_note(f"previous outputs kept; partial run in {kept}")
            raise
    result.out = plan.out
    return result


def _execute(plan: RunPlan, *, staging: Path, started: dt.datetime, notify: ProgressCallback) -> RunResult:
    """Everything a run produces, written into ``staging``."""
    with _environments({} if plan.max_bytes is None else {MAX_BYTES_ENV: str(plan.max_bytes)}):
        return _execute_all(plan, staging=staging, started=started, notify=notify)


def _execute_all(plan: RunPlan, *, staging: Path, started: dt.datetime, notify: ProgressCallback) -> RunResult:
    build = _build_data(plan, data_dir=staging / "data", notify=notify)
    commit = git_commit(plan.notebooks_dir)
    corpus_shown = display_path(plan.corpus)
    results = []
    total = len(plan.notebooks)
    for index, nb_plan in enumerate(plan.notebooks, start=1):
        notify(Progress(stage="notebook", status="start", name=nb_plan.name, index=index, total=total))
        result = _run_notebook(
            nb_plan, plan=plan, staging=staging, commit=commit, corpus_shown=corpus_shown, started=started
        )
        results.append(result)
        notify(Progress(
            stage="notebook", status=result.status, name=nb_plan.name, index=index, total=total,
            seconds=result.seconds, detail=result.error,
        ))
    manifest = build_manifest(plan, build=build, results=results, started=started, finished=_utcnow(), commit=commit)
    write_json(manifest, staging / "run.json")
    (staging / "reports").mkdir(exist_ok=True)
    (staging / "reports" / "index.html").write_text(render_index(manifest), encoding="utf-8")
    log.info("run finished: %d notebooks, %d failed", total, sum(r.status != "ok" for r in results))
    return RunResult(out=staging, manifest=manifest, notebooks=results)


def _build_data(plan: RunPlan, *, data_dir: Path, notify: ProgressCallback) -> Any:
    """``presslens.pipeline.build`` into the staging data folder (imported late: it is heavy)."""
    notify(Progress(stage="build", status="start", detail=display_path(plan.corpus)))
    start = time.monotonic()
    data_dir.mkdir(parents=True, exist_ok=True)
    pipeline = importlib.import_module("presslens.pipeline")
    build = pipeline.build(
        plan.corpus, data_dir, strict=plan.strict, max_bytes=plan.max_bytes, jobs=plan.jobs,
        cache_dir=plan.out / "cache" if plan.cache else None, engine=plan.engine, scheduler=plan.scheduler,
    )
    counts = dict(getattr(build, "counts", {}) or {})
    seconds = round(time.monotonic() - start, 2)
    log.info("built data in %.2f s: %s; %d rejected", seconds, counts, len(getattr(build, "rejected", []) or []))
    notify(Progress(stage="build", status="ok", seconds=seconds, detail=_counts_line(counts)))
    return build


def kernel_environment(plan: RunPlan, *, staging: Path, notebook: str) -> dict[str, str | None]:
    """What a run tells a notebook's kernel through the environment (kernels inherit it).

    * ``PRESSLENS_CACHE_DIR``: the run's per-document cache, so
      :func:`presslens.pipeline.tables_for` reads the rows the build computed
      (unset with ``--no-cache``);
    * ``PRESSLENS_OUTPUT_DIR`` and ``PRESSLENS_NOTEBOOK``: where
      :func:`presslens.display.show` writes the full table behind a cut view
      (``data/views/<notebook>/<name>.csv`` in the run being built).
    """
    from .display import NOTEBOOK_ENV, OUTPUT_DIR_ENV

    return {
        paths.CACHE_ENV: str(plan.out / "cache") if plan.cache else None,
        OUTPUT_DIR_ENV: str(staging),
        NOTEBOOK_ENV: notebook,
    }


@contextmanager
def _environments(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (a value) or unset (``None``) several environment variables, then restore them (kernels inherit them)."""

    def put(name: str, value: str | None) -> None:
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    previous = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            put(name, value)
        yield
    finally:
        for name, value in previous.items():
            put(name, value)


def _run_notebook(
    nb_plan: NotebookPlan, *, plan: RunPlan, staging: Path, commit: str, corpus_shown: str, started: dt.datetime
) -> NotebookResult:
    """Execute one notebook with papermill, then export it; a failure is recorded, not raised."""
    executed = staging / "notebooks" / f"{nb_plan.name}.ipynb"
    html = staging / "reports" / f"{nb_plan.name}.html"
    executed.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with _environments(kernel_environment(plan, staging=staging, notebook=nb_plan.name)):
        error = execute_notebook(
            nb_plan.path, executed, parameters=nb_plan.parameters, cwd=plan.notebooks_dir, kernel_log=staging / "run.log"
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
        plotly_outputs = write_report(executed, html, header=header, with_code=plan.with_code)
    except Exception as exc:  # an unexportable notebook is a failed report, not a failed run
        log.exception("%s: HTML export failed", nb_plan.name)
        status, error = "failed", f"HTML export failed: {_one_line(exc)}"
    return NotebookResult(
        name=nb_plan.name, status=status, seconds=seconds, report=f"reports/{html.name}",
        notebook=f"notebooks/{executed.name}", error=error, plotly_outputs=plotly_outputs,
    )


def execute_notebook(
    source: Path, target: Path, *, parameters: Mapping[str, Any], cwd: Path, kernel_log: Path | None = None
) -> str:
    """Run ``source`` into ``target`` with papermill in the project's interpreter.

    The kernel's working directory is set explicitly (papermill would use
    ours); the kernel's stderr goes to ``kernel_log`` so cron mails stay quiet.

    Returns:
        An empty string on success, else one line saying what failed (the
        executed notebook, saved even on failure, holds the traceback).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        with _kernel_manager_class(kernel_log) as km_class:
            papermill.execute_notebook(
                str(source), str(target), parameters=dict(parameters), kernel_name=KERNEL_NAME,
                cwd=str(cwd), progress_bar=False, log_output=False, kernel_manager_class=km_class,
            )
    except PapermillExecutionError as exc:
        return _clip(f"{exc.ename}: {exc.evalue}" if exc.evalue else exc.ename)
    except Exception as exc:  # dead kernel, cell timeout, unreadable notebook: the run goes on
        log.exception("%s: execution failed", source.name)
        return _one_line(exc)
    return ""


@contextmanager
def _kernel_manager_class(stderr_path: Path | None) -> Iterator[type]:
    """A kernel manager whose kernel writes its stderr to ``stderr_path`` (None: inherit ours)."""
    from jupyter_client.manager import AsyncKernelManager

    if stderr_path is None:
        yield AsyncKernelManager
        return
    with open(stderr_path, "ab") as stream:

        class _LoggedKernelManager(AsyncKernelManager):
            async def _async_launch_kernel(self, kernel_cmd, **kw):  # noqa: ANN001 - jupyter_client API
                kw.setdefault("stderr", stream)
                return await super()._async_launch_kernel(kernel_cmd, **kw)

        yield _LoggedKernelManager


def _write_stub_notebook(path: Path, *, name: str, error: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}\n\nThis notebook could not be run.")]
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stderr", text=error)]))
    nbformat.write(nb, path)


# --------------------------------------------------------------------------- manifest and index


def build_manifest(
    plan: RunPlan,
    *,
    build: Any,
    results: Sequence[NotebookResult],
    started: dt.datetime,
    finished: dt.datetime,
    commit: str,
) -> dict[str, Any]:
    """``run.json``: what ran, on what, with which code and packages, and how it went."""
    inputs = sorted((dict(i) for i in getattr(build, "inputs", []) or []), key=lambda i: str(i.get("file", "")))
    rejected = sorted((dict(r) for r in getattr(build, "rejected", []) or []), key=lambda r: str(r.get("file", "")))
    warnings = [dict(w) for w in getattr(build, "warnings", []) or []]
    return {
        "presslens": __version__,
        "git_commit": commit,
        "started": _iso(started),
        "finished": _iso(finished),
        "status": "ok" if all(r.status == "ok" for r in results) else "failed",
        "corpus": str(plan.corpus),
        "corpus_display": display_path(plan.corpus),
        "parameters": dict(plan.parameters),
        "options": {
            "notebooks": [n.name for n in plan.notebooks],
            "strict": plan.strict,
            "with_code": plan.with_code,
            "max_bytes": plan.max_bytes,
            "jobs": plan.jobs,
            "cache": plan.cache,
            "engine": plan.engine,
        },
        "inputs": inputs,
        "rejected": rejected,
        "warnings": warnings,
        "counts": dict(sorted((getattr(build, "counts", {}) or {}).items())),
        "build": dict(getattr(build, "stats", {}) or {}),
        "versions": dict(package_versions()),
        "notebooks": [r.as_json() for r in results],
    }


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str | None]:
    """Python and the key packages' versions (``None`` when a package is missing)."""
    versions: dict[str, str | None] = {"python": platform.python_version(), "presslens": __version__}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


#: input files, rejected files and warnings listed on the index page at most (the rest are in data/inputs.csv and run.json)
INDEX_MAX_ROWS = 100


def render_index(manifest: Mapping[str, Any], *, max_rows: int = INDEX_MAX_ROWS) -> str:
    """``reports/index.html``: one self-contained page (inline CSS, relative links, no scripts).

    The lists of input files, rejected files and warnings show at most
    ``max_rows`` entries each (the first in file order), under a line saying how
    many there are and where all of them are, so the page stays small for a
    corpus of thousands of files.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from .htmlexport import TEMPLATES_DIR

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    rows = []
    for nb in manifest["notebooks"]:
        rows.append({
            **nb,
            "href": quote(Path(nb["report"]).name),
            "notebook_href": "../" + quote(nb["notebook"]),
        })
    params = [(k, json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)) for k, v in manifest["parameters"].items()]
    return env.get_template("run_index.html.j2").render(m=manifest, reports=rows, params=params, max_rows=max_rows)


# --------------------------------------------------------------------------- publishing


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


# --------------------------------------------------------------------------- lock, signals, logging


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


# --------------------------------------------------------------------------- refresh-notebooks


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
    import tempfile

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
    with _kernel_manager_class(kernel_log) as km_class:
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
            return _clip(f"{exc.ename}: {exc.evalue}"), True
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


# --------------------------------------------------------------------------- small helpers


def git_commit(folder: Path) -> str:
    """Short hash of the checkout holding ``folder``, or a phrase saying there is none."""
    try:
        inside = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
            capture_output=True, text=True, timeout=10, check=False,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return "not a git checkout"
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return head.stdout.strip() if head.returncode == 0 else "no commit yet"


def display_path(path: Path) -> str:
    """``path`` relative to the project when inside it (reports get mailed; home folders stay private)."""
    try:
        root = paths.project_root()
    except FileNotFoundError:
        return str(path)
    try:
        return str(path.relative_to(root)) or "."
    except ValueError:
        return str(path)


def _counts_line(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return _clip(f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__)


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


__all__ = [
    "LockBusyError", "NotebookPlan", "NotebookResult", "ParamSpec", "Progress", "RunPlan", "RunResult",
    "RunTerminated", "build_manifest", "check_folders", "coerce_value",
    "discover_notebooks", "display_path", "execute_notebook", "git_commit", "load_params_file",
    "notebook_parameters", "package_versions", "parse_assignment", "plan_run", "refresh_notebook",
    "refresh_notebooks", "render_index", "run_suite", "select_notebooks", "strip_run_metadata",
]
