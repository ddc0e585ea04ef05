"""Run the notebook suite on a corpus and publish data, HTML reports, an index and a manifest.

A run is all-or-nothing for the reader: it builds into a fresh staging folder
inside ``OUT`` and only swaps ``data/``, ``reports/``, ``notebooks/``,
``run.json`` and ``run.log`` into place once every notebook has been attempted.
A crash, Ctrl-C or SIGTERM leaves the previous outputs as they were and keeps
the partial run under ``OUT/failed-runs/`` for inspection. One run at a time
per ``OUT`` (``fcntl.flock`` on ``OUT/.presslens.lock``). A run of some
notebooks (``--notebooks 04``) replaces their reports and keeps the others,
which the index and ``run.json`` mark with the run and corpus they came from.
``reports/`` travels alone: the index links only files inside it (the reports
and a copy of ``run.json``), and ``--plotly shared`` puts one
``reports/plotly.min.js`` beside the reports instead of plotly.js in each.

Everything the user can get wrong (unknown parameter or notebook, wrong type,
missing corpus, an output folder overlapping the corpus or not presslens' to
write) is checked by :func:`plan_run` before anything starts, so a bad command
never leaves half a run behind. An output folder is presslens' when it is new,
empty, or holds its marker ``OUT/.presslens-out`` (or an earlier version's
``run.json``); only what presslens published there is ever replaced, and files
of the user's inside ``data/`` or ``reports/`` make the run refuse, by name. A
folder that cannot be written (read-only, full) is one line, never a traceback.

Each notebook's kernel learns about the run (the run's folder, the notebook's
name, the cache, the size limit) through the environment it is started with,
never through this process's ``os.environ``; the notebook reads it with
:func:`presslens.paths.run_context` and passes paths to the library explicitly.

Modules, in the order of a run: :mod:`.plan` (settings checked),
:mod:`.execute` (build, papermill, kernels, refresh-notebooks), :mod:`.export`
(offline HTML pages), :mod:`.index` (``run.json`` and the index page),
:mod:`.publish` (lock, atomic swap, failed runs, signals, the run log).
"""

from presslens.errors import ParameterError
from presslens.lazy import without_modules

#: what ``import nbformat`` (papermill, nbconvert) loads for nothing a run does: ``jsonschema`` tries
#: ``rfc3987_syntax`` for its ``iri`` format check, which no notebook schema uses, and that compiles 38
#: grammars at import (2.6 s of the 4.4 s this package took to import on this machine)
SKIPPED_IMPORTS = ("rfc3987_syntax",)

with without_modules(*SKIPPED_IMPORTS):
    import nbformat  # noqa: F401 - loaded here once, without them, for every module below

from .execute import (
    ERROR_CHARS,
    KERNEL_NAME,
    NotebookResult,
    Progress,
    ProgressCallback,
    RunResult,
    execute_notebook,
    kernel_context,
    kernel_env,
    place_shared_plotly,
    refresh_notebook,
    refresh_notebooks,
    run_suite,
    strip_run_metadata,
)
from .export import PLOTLY_MIME, PLOTLY_MODES, SHARED_PLOTLY_JS, TEMPLATES_DIR, PathShown, ReportHeader, write_plotly_bundle, write_report
from .index import INDEX_MAX_ROWS, KEY_PACKAGES, build_manifest, display_path, git_commit, package_versions, public_manifest, render_index
from .plan import (
    NOTEBOOK_RE,
    NotebookPlan,
    ParamSpec,
    RunPlan,
    check_folders,
    coerce_value,
    discover_notebooks,
    load_params_file,
    notebook_parameters,
    parse_assignment,
    plan_run,
    select_notebooks,
)
from .publish import (
    FAILED_DIR, KEEP_FAILED_RUNS, LOCK_NAME, MARKER_NAME, PUBLISHED, LockBusyError, OutputFolderError, RunTerminated,
    keep_earlier_reports, write_problem,
)

__all__ = [
    "ERROR_CHARS", "FAILED_DIR", "INDEX_MAX_ROWS", "KEEP_FAILED_RUNS", "KERNEL_NAME", "KEY_PACKAGES", "LOCK_NAME", "MARKER_NAME",
    "NOTEBOOK_RE", "PLOTLY_MIME", "PLOTLY_MODES", "PUBLISHED", "SHARED_PLOTLY_JS", "TEMPLATES_DIR", "LockBusyError", "NotebookPlan", "OutputFolderError", "NotebookResult",
    "ParamSpec", "PathShown", "ParameterError", "Progress", "ProgressCallback", "ReportHeader", "RunPlan", "RunResult", "RunTerminated",
    "build_manifest", "check_folders", "coerce_value", "discover_notebooks", "display_path", "execute_notebook",
    "git_commit", "keep_earlier_reports", "kernel_context", "kernel_env", "load_params_file", "notebook_parameters", "package_versions",
    "parse_assignment", "place_shared_plotly", "plan_run", "public_manifest", "refresh_notebook", "refresh_notebooks", "render_index", "run_suite",
    "select_notebooks", "strip_run_metadata", "write_plotly_bundle", "write_problem", "write_report",
]
