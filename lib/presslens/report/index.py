"""The record of a run: ``run.json`` (the manifest) and ``reports/index.html`` (the page that links every report).

The manifest says what ran, on what, with which code and packages, and how it
went; the index page shows it to a reader: one self-contained page with inline
CSS and relative links, no scripts, linking only what is inside ``reports/``
(the reports, ``plotly.min.js`` through them, and the copy ``reports/run.json``).

``OUT/run.json`` stays on the machine and keeps absolute paths (a later partial
run reads the corpus of the reports it keeps from it); what travels with the
reports, ``reports/run.json`` and the index page, is :func:`public_manifest`:
the corpus by its folder's name, no absolute machine path.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from presslens import __version__, paths

from .export import TEMPLATES_DIR, PathShown
from .plan import RunPlan

if TYPE_CHECKING:  # pragma: no cover
    from .execute import NotebookResult

#: Packages whose versions go into run.json (absent ones are recorded as null).
KEY_PACKAGES = (
    "pandas", "numpy", "plotly", "papermill", "nbconvert", "nbclient", "nbformat",
    "ipykernel", "jupyter_client", "nltk", "vaderSentiment", "rapidfuzz", "datasketch",
    "text2num", "pyahocorasick", "charset-normalizer", "PyYAML",
)


def build_manifest(
    plan: RunPlan,
    *,
    build: Any,
    results: Sequence[NotebookResult],
    started: dt.datetime,
    finished: dt.datetime,
    commit: str,
    kept: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``run.json``: what ran, on what, with which code and packages, and how it went.

    ``notebooks`` lists every published report in suite order: those this run
    executed and those ``kept`` from earlier runs (a partial run,
    :func:`~presslens.report.publish.keep_earlier_reports`), each with the
    ``run_started`` and ``corpus`` of the run that made it and ``kept``.
    ``executed`` and ``kept`` name them; ``status`` is that of the notebooks
    this run executed.
    """
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
            "plotly": plan.plotly,
        },
        "inputs": inputs,
        "rejected": rejected,
        "warnings": warnings,
        "counts": dict(sorted((getattr(build, "counts", {}) or {}).items())),
        "build": dict(getattr(build, "stats", {}) or {}),
        "versions": dict(package_versions()),
        "executed": [r.name for r in results],
        "kept": [str(k["name"]) for k in kept],
        "notebooks": _report_entries(plan, results=results, kept=kept, started=started),
    }


def _report_entries(
    plan: RunPlan, *, results: Sequence[NotebookResult], kept: Sequence[Mapping[str, Any]], started: dt.datetime
) -> list[dict[str, Any]]:
    """This run's notebooks and the kept reports, in suite (name) order, each saying which run and corpus made it."""
    own = {"kept": False, "run_started": _iso(started), "corpus": str(plan.corpus), "corpus_display": display_path(plan.corpus)}
    entries = [{**r.as_json(), **own} for r in results] + [dict(k) for k in kept]
    return sorted(entries, key=lambda e: str(e["name"]))


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


def public_manifest(manifest: Mapping[str, Any], *, shown: PathShown) -> dict[str, Any]:
    """The manifest as it travels with the reports (``reports/run.json``, the index page): no absolute machine path.

    Every absolute path ``shown`` knows (the corpus, the output folder, the
    project, the home folder) is replaced wherever it occurs (parameters,
    warnings, the cache folder...); ``corpus`` is what ``corpus_display`` says;
    a report kept from an earlier run whose manifest named its corpus by an
    absolute path is shown by the folder's name.
    """
    public = shown(json.loads(json.dumps(manifest, default=str)))
    public["corpus"] = public["corpus_display"] = reader_path(public.get("corpus_display", ""))
    for entry in public.get("notebooks", []):
        entry["corpus"] = entry["corpus_display"] = reader_path(entry.get("corpus_display") or entry.get("corpus", ""))
    return public


def reader_path(value: str) -> str:
    """A corpus as a reader is shown it: an absolute path by its folder's name, anything else as it is.

    >>> reader_path("/home/ann/stories/iran-cables"), reader_path("seeds")
    ('iran-cables', 'seeds')
    """
    return Path(value).name or value if Path(value).is_absolute() else value


def render_index(manifest: Mapping[str, Any], *, max_rows: int = INDEX_MAX_ROWS) -> str:
    """``reports/index.html``: one self-contained page (inline CSS, relative links, no scripts).

    Every link stays inside ``reports/`` so the folder works zipped and mailed
    alone: the reports beside it and ``reports/run.json`` (the run's manifest,
    copied there by the run). The executed notebooks and ``data/`` stay beside
    ``reports/`` in the output folder and are named, not linked; a failed
    report shows its traceback itself.

    Each report's row shows the run time and corpus of the run that made it;
    a report kept from an earlier run (a partial run) is marked so. Pass the
    :func:`public_manifest`: the page shows what it is given.

    The lists of input files, rejected files and warnings show at most
    ``max_rows`` entries each (the first in file order), under a line saying how
    many there are and where all of them are, so the page stays small for a
    corpus of thousands of files.
    """
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    rows = []
    for nb in manifest["notebooks"]:
        rows.append({
            "kept": False, "run_started": manifest.get("started", ""), "corpus_display": manifest.get("corpus_display", ""),
            **nb,
            "href": quote(Path(nb["report"]).name),
        })
    params = [(k, json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)) for k, v in manifest["parameters"].items()]
    return env.get_template("run_index.html.j2").render(m=manifest, reports=rows, params=params, max_rows=max_rows)


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
    """The corpus folder as a reader is shown it: relative to the project when inside it, else the folder's name.

    Reports get mailed, so no absolute machine path (``/home/...``, ``/tmp/...``) is shown.
    """
    try:
        return str(path.relative_to(paths.project_root())) or "."
    except (FileNotFoundError, ValueError):
        return path.name or str(path)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = [
    "INDEX_MAX_ROWS", "KEY_PACKAGES", "build_manifest", "display_path", "git_commit", "package_versions", "public_manifest",
    "reader_path", "render_index",
]
