"""Planning a run: every setting checked before anything starts, so a bad command never leaves half a run behind.

The suite is ``notebooks/NN_*.ipynb``; each notebook declares its parameters in
a cell tagged ``parameters`` (papermill's convention), whose literal defaults
type the values a user gives with ``-p`` or ``-f``; :data:`PARAMETER_RANGES` gives
the values each number (and the time bin) may take. :func:`plan_run` checks the
notebooks, parameters and folders and returns a :class:`RunPlan`; anything wrong
is a :class:`~presslens.errors.ParameterError` with a one-line message, before any
notebook runs.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presslens import paths
from presslens.errors import ParameterError
from presslens.io import load_yaml, read_yaml

from .publish import OutputFolderRefused, _inside, output_folder_problem

log = logging.getLogger(__name__)

NOTEBOOK_RE = re.compile(r"^\d{2}_[^/]+\.ipynb$")
_NO_DEFAULT = object()  # a parameter whose default is not a literal: accept any JSON value


@dataclass(frozen=True)
class ParamSpec:
    """One entry of a notebook's ``parameters`` cell."""

    name: str
    default: Any
    help: str = ""


@dataclass(frozen=True)
class Allowed:
    """The values a numeric notebook parameter may take: ``low``/``high`` bounds, each inclusive unless ``open``.

    >>> str(Allowed(1)), str(Allowed(0, 1, low_open=True, high_open=True)), str(Allowed(0, 2**32 - 1))
    ('1 or more', 'more than 0 and less than 1', 'from 0 to 4,294,967,295')
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def admits(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_open else value <= self.high)

    def __str__(self) -> str:
        low = None if self.low is None else f"{'more than ' if self.low_open else ''}{_number(self.low)}"
        high = None if self.high is None else f"{'less than ' if self.high_open else ''}{_number(self.high)}"
        if low and high:
            return f"from {low} to {high}" if not (self.low_open or self.high_open) else f"{low} and {high}"
        if low:
            return low if self.low_open else f"{low} or more"
        if high:
            return high if self.high_open else f"{high} or less"
        return "any value"


def _number(value: float) -> str:
    """``100,000``, ``0.95``: whole numbers in full with thousands separators."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,g}"


#: the allowed values of every numeric parameter the notebooks declare (a name means the same in each notebook);
#: ``tests/test_hostile19_config.py`` checks that each int or float parameter of ``notebooks/`` has one
PARAMETER_RANGES: dict[str, Allowed] = {
    # row and item limits: at least one row, item or document
    **dict.fromkeys(
        ("max_rows", "max_removed_rows", "max_documents", "max_sources", "max_passages", "top_terms", "top_entities",
         "top_n", "heatmap_rows", "discovery_rows", "network_nodes"),
        Allowed(1),
    ),
    # text widths: room for a few words and the clipping mark
    **dict.fromkeys(("max_chars", "text_width", "max_sentence_chars"), Allowed(20)),
    # thresholds counted in words, phrases, sentences or documents
    **dict.fromkeys(("min_words", "paraphrase_min_phrases", "min_cooccurrence", "min_single"), Allowed(1)),
    "short_words": Allowed(0),
    "lsh_min_documents": Allowed(2),
    "max_bucket_documents": Allowed(2),
    "threshold": Allowed(0, 100),
    "n_resamples": Allowed(100, 100_000),
    "confidence": Allowed(0, 1, low_open=True, high_open=True),
    "seed": Allowed(0, 2**32 - 1),  # numpy's default_rng takes any; this keeps the seed a plain 32-bit number
    "fade": Allowed(1, 1_000),
}


def _check_time_bin(value: str) -> str | None:
    """Why ``time_bin`` cannot bin comment times (a fixed pandas offset such as ``1h``), or ``None``."""
    import pandas as pd

    try:
        offset = pd.tseries.frequencies.to_offset(value)
        pd.Timestamp("2019-11-30T15:05").floor(offset)
    except (ValueError, TypeError):
        return "a fixed pandas offset such as 30min, 1h or 1D"
    if offset.n <= 0:
        return "a positive pandas offset such as 30min, 1h or 1D"
    return None


#: checks of text parameters: each returns what the value should be, or ``None`` when it is fine
PARAMETER_CHECKS: dict[str, Callable[[str], str | None]] = {"time_bin": _check_time_bin}


def check_range(name: str, value: Any, *, where: str = "") -> None:
    """Refuse a parameter value outside :data:`PARAMETER_RANGES` (or failing :data:`PARAMETER_CHECKS`).

    >>> check_range("confidence", 1.5)
    Traceback (most recent call last):
    ...
    presslens.errors.ParameterError: parameter confidence=1.5 is out of range: allowed more than 0 and less than 1

    Raises:
        ParameterError: one line naming the parameter, its value and the allowed range.
    """
    suffix = f" (in {where})" if where else ""
    allowed = PARAMETER_RANGES.get(name)
    if allowed is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or not allowed.admits(value):  # NaN admits nothing
            raise ParameterError(f"parameter {name}={value!r}{suffix} is out of range: allowed {allowed}")
    check = PARAMETER_CHECKS.get(name)
    if check is not None and isinstance(value, str):
        expected = check(value)
        if expected:
            raise ParameterError(f"parameter {name}={value!r}{suffix} is not allowed: expected {expected}")


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
    plotly: str = "inline"


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
    _, data = read_yaml(path, error=ParameterError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter names to values")
    return data


def coerce_value(name: str, value: Any, *, default: Any, from_text: bool, where: str = "") -> Any:
    """Check a user value against the type of the notebook's default, converting text.

    Text from ``-p`` is read as a YAML scalar (``20`` -> int, ``true`` -> bool,
    ``[a, b]`` -> list) unless the default is a string: strings stay strings,
    so ``-p label=007`` keeps its zeros; for a boolean, ``yes``/``no``/``on``/``off``
    are read too. Numbers must lie in :data:`PARAMETER_RANGES`.

    Raises:
        ParameterError: the value has another type than the default (int/float/bool/str/list/dict),
            is out of its range, or cannot be passed to a notebook (not JSON-safe).
    """
    if from_text:
        if isinstance(default, str):
            check_range(name, value, where=where)
            return value
        if isinstance(default, bool) and value.strip().lower() in _BOOL_WORDS:
            value = _BOOL_WORDS[value.strip().lower()]
        else:
            _, value = load_yaml(value, source=f"parameter {name}", error=ParameterError) if value.strip() else (None, "")
    if default is not None and default is not _NO_DEFAULT:
        value = _match_type(name, value, default=default, where=where)
    check_range(name, value, where=where)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise ParameterError(
            f"parameter {name}: {value!r} ({type(value).__name__}) cannot be passed to a notebook; quote it"
        ) from None
    return value


_BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


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
    plotly: str = "inline",
) -> RunPlan:
    """Check a run's settings without side effects, so mistakes stop it before anything starts.

    Besides the options, the folders and each notebook parameter (its type and :data:`PARAMETER_RANGES`),
    the story folder's ``sources.yml`` and codebook must read and fit their schema (:func:`check_story_files`).

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
        jobs: processes at once: the per-document stages' workers, then the notebooks run side by side (default: every core).
        cache: reuse per-document results from ``OUT/cache`` (keyed by content,
            presslens version and codebook), so a run redoes only what changed.
        engine: ``local`` or ``dask``; ``scheduler`` is a Dask scheduler address
            (default: a local two-worker cluster).
        plotly: ``inline`` (each report embeds plotly.js: self-contained) or
            ``shared`` (one ``reports/plotly.min.js`` that every report loads
            relatively: a lighter folder that must travel whole).

    Raises:
        ParameterError: with a one-line message naming what is wrong.
        MetadataError: ``sources.yml`` or the codebook is broken (the message names the file and the line).
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
    if plotly not in ("inline", "shared"):
        raise ParameterError(f"--plotly must be inline or shared, got {plotly!r}")
    strict = strict or values.get("strict") is True  # `-p strict=true` / `-f strict` make the build strict too
    if strict and "strict" not in values and any("strict" in s for s in specs.values()):
        values["strict"] = True  # --strict also reaches the notebooks that take a `strict` parameter
    user_params, plans = _typed_params(values, texts=texts, specs=specs, corpus=corpus, chosen=chosen)
    check_story_files(corpus, codebook_file=user_params.get("codebook_file") or "", cache_dir=out / "cache" if cache else None)
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
        plotly=plotly,
    )


def check_story_files(corpus: Path, *, codebook_file: str = "", cache_dir: Path | None = None) -> None:
    """``sources.yml`` and the codebook (``entities.yml``, or ``codebook_file``) read and fit their schema.

    With ``cache_dir`` (the run's ``OUT/cache``), ``sources.yml`` is read through the corpus cache
    (:func:`presslens.ingest.cache.cached_sources`): a file the last run read is not read again, a file with
    new entries reads only those, and the build then finds it kept.

    Raises:
        MetadataError: the first problem, one line naming the file, the line and the problem (what
            ``presslens check`` lists in full), so a broken story folder stops the run before it starts.
    """
    from presslens.entities.codebook import declared_codebook
    from presslens.ingest.metadata import SOURCES_FILE, load_sources, read_sources

    if cache_dir is not None:
        from presslens.ingest.cache import CORPUS_CACHE_DIR, cached_sources

        cached_sources(Path(cache_dir) / CORPUS_CACHE_DIR, corpus / SOURCES_FILE, lambda: load_sources(corpus))
    else:
        _, problems = read_sources(corpus)
        if problems:
            raise problems[0]
    declared_codebook(corpus, codebook_file or None)


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
            the corpus or the notebooks folder; ``out`` a file; or a folder
            presslens may not publish into
            (:func:`~presslens.report.publish.output_folder_problem`): not empty
            and without presslens' marker, e.g. ``--out ~``, or holding files
            presslens did not make in ``data/``, ``reports/``...
    """
    if not corpus.is_dir():
        raise ParameterError(f"corpus folder not found: {corpus}")
    for other, what in ((corpus, "corpus folder"), (notebooks_dir, "notebooks folder")):
        if out == other or _inside(out, other) or _inside(other, out):
            relation = "is" if out == other else "is inside" if _inside(out, other) else "contains"
            raise ParameterError(f"output folder {out} {relation} the {what} {other}; choose another --out")
    if out.exists() and not out.is_dir():
        raise ParameterError(f"output folder {out} exists and is not a folder")
    problem = output_folder_problem(out)
    if problem:
        raise OutputFolderRefused(problem)


def _abs(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().resolve()


__all__ = [
    "NOTEBOOK_RE", "PARAMETER_CHECKS", "PARAMETER_RANGES", "Allowed", "NotebookPlan", "ParamSpec", "RunPlan",
    "check_folders", "check_range", "check_story_files", "coerce_value", "discover_notebooks", "load_params_file", "notebook_parameters",
    "parse_assignment", "plan_run", "select_notebooks",
]
