"""Where things live: the one place that knows the project's folders and reads presslens' environment variables.

Notebooks and the command line ask this module for paths instead of writing
``../seeds``. A run passes paths to the library explicitly; the environment is
read in one function only, :func:`run_context`, whose whole job that is:

* ``PRESSLENS_ROOT``: the project folder, when it is not the checkout this
  package lives in (a setting of the user's, read by :func:`project_root`);
* ``PRESSLENS_CACHE_KEY`` (else ``$XDG_CONFIG_HOME``, else ``~/.config``): the
  file of the secret that signs cache files (:func:`presslens.io.cache_key`);
* ``PRESSLENS_OUTPUT_DIR``, ``PRESSLENS_NOTEBOOK``, ``PRESSLENS_CACHE_DIR``,
  ``PRESSLENS_MAX_BYTES`` and ``PRESSLENS_CORPUS_SNAPSHOT``: what ``presslens run`` gives the kernel of each
  notebook it executes (through the kernel's start, never by changing its own
  environment): the run being built, the notebook's name, the run's cache
  folder (absent with ``--no-cache``), ``--max-bytes`` and the file of the
  corpus as the build loaded it (so every notebook of a run reports on the
  documents the data was built from, even when a file changed since).

A notebook calls ``ctx = run_context()`` once, in its setup cell, and passes
``ctx`` (or its fields) to the library calls that need them; no library
function looks at the environment itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

_MARKERS = ("pyproject.toml", "seeds")
#: the project folder (a user setting; :func:`project_root`)
ROOT_ENV = "PRESSLENS_ROOT"
#: set by ``presslens run`` for the notebooks' kernels: the run's per-document cache folder (unset with ``--no-cache``)
CACHE_ENV = "PRESSLENS_CACHE_DIR"
#: set by ``presslens run`` for the notebooks' kernels: the output folder of the run being built (its staging folder)
OUTPUT_DIR_ENV = "PRESSLENS_OUTPUT_DIR"
#: set by ``presslens run`` for the notebooks' kernels: the name of the notebook the kernel runs
NOTEBOOK_ENV = "PRESSLENS_NOTEBOOK"
#: set by ``presslens run --max-bytes N`` for the notebooks' kernels: the size limit per input file
MAX_BYTES_ENV = "PRESSLENS_MAX_BYTES"
#: set by ``presslens run`` for the notebooks' kernels: the build's snapshot of the loaded corpus (``presslens.pipeline.corpus_for`` reads it)
SNAPSHOT_ENV = "PRESSLENS_CORPUS_SNAPSHOT"
#: the file of the per-installation key that signs cache files (a user setting; default in the user's config folder)
CACHE_KEY_ENV = "PRESSLENS_CACHE_KEY"
#: the variables a run hands a kernel (a run sets or unsets every one of them)
RUN_VARIABLES = (OUTPUT_DIR_ENV, NOTEBOOK_ENV, CACHE_ENV, MAX_BYTES_ENV, SNAPSHOT_ENV)
#: the build's snapshot of the corpus in a run's staging folder (``OUT/.run-*/``; not published)
SNAPSHOT_FILE = "corpus-snapshot.pickle"
#: where full tables of cut views go, relative to the output folder: ``data/views/<notebook>/<name>.csv``
VIEWS_DIR = "data/views"


@dataclass(frozen=True)
class RunContext:
    """What the environment tells this process: the run (if any) a notebook runs in, and the project folder.

    Outside ``presslens run`` (JupyterLab, nbval, tests) every field is ``None``:
    the library then computes everything and writes no file of its own.

    Attributes:
        out_dir: the output folder of the run being built (where ``data/`` goes), ``None`` outside a run.
        notebook: the name of the notebook running (``02_commentary_sentiment``), ``None`` outside a run.
        cache_dir: the run's cache folder, for :func:`presslens.pipeline.tables_for` and the reuse cache.
        max_bytes: the run's size limit per input file (``None``: the loader's default).
        root: the project folder the user set (``None``: found from the checkout).
        corpus_snapshot: the file of the corpus the run's build loaded, which the notebook reads instead of
            the corpus files (:func:`presslens.pipeline.corpus_for`); ``None`` outside a run.
        cache_key: the file of the key that signs cache files, never inside an outputs folder
            (``$PRESSLENS_CACHE_KEY``, else ``$XDG_CONFIG_HOME/presslens/cache.key``, else
            ``~/.config/presslens/cache.key``).

    >>> RunContext().views_dir is None
    True
    >>> RunContext(out_dir=Path("/o"), notebook="01_x").views_dir.as_posix()
    '/o/data/views/01_x'
    """

    out_dir: Path | None = None
    notebook: str | None = None
    cache_dir: Path | None = None
    max_bytes: int | None = None
    root: Path | None = None
    corpus_snapshot: Path | None = None
    cache_key: Path | None = None

    @property
    def views_dir(self) -> Path | None:
        """The folder of this notebook's cut views (``OUT/data/views/<notebook>``), ``None`` outside a run."""
        if self.out_dir is None or not self.notebook:
            return None
        return Path(self.out_dir) / VIEWS_DIR / self.notebook

    def environment(self) -> dict[str, str | None]:
        """The run's variables that hand this context to a kernel (``None``: unset), the inverse of :func:`run_context`.

        ``root`` and ``cache_key`` are not among them: a kernel inherits the user's settings.

        >>> RunContext(notebook="01_x", max_bytes=10).environment()["PRESSLENS_MAX_BYTES"]
        '10'
        """
        def text(value: object) -> str | None:
            return None if value is None or value == "" else str(value)

        return {
            OUTPUT_DIR_ENV: text(self.out_dir),
            NOTEBOOK_ENV: text(self.notebook),
            CACHE_ENV: text(self.cache_dir),
            MAX_BYTES_ENV: text(self.max_bytes),
            SNAPSHOT_ENV: text(self.corpus_snapshot),
        }


def run_context() -> RunContext:
    """The :class:`RunContext` of this process, read from the environment: the one function that reads it.

    Raises:
        CorpusError: ``PRESSLENS_MAX_BYTES`` is not a positive whole number.
    """
    env = os.environ

    def folder(name: str) -> Path | None:
        value = env.get(name, "").strip()
        return Path(value).expanduser() if value else None

    raw = env.get(MAX_BYTES_ENV, "").strip()
    if raw and (not raw.isdigit() or int(raw) <= 0):
        raise CorpusError(f"{MAX_BYTES_ENV}={raw!r}: the size limit must be a positive number of bytes")
    try:
        config: Path | None = folder("XDG_CONFIG_HOME") or Path.home() / ".config"
    except RuntimeError:  # no home folder: no default key file, caching is off
        config = None
    return RunContext(
        out_dir=folder(OUTPUT_DIR_ENV),
        notebook=env.get(NOTEBOOK_ENV, "").strip() or None,
        cache_dir=folder(CACHE_ENV),
        max_bytes=int(raw) if raw else None,
        root=folder(ROOT_ENV),
        corpus_snapshot=folder(SNAPSHOT_ENV),
        cache_key=folder(CACHE_KEY_ENV) or (config / "presslens" / "cache.key" if config else None),
    )


def _looks_like_root(path: Path) -> bool:
    return all((path / marker).exists() for marker in _MARKERS)


def project_root() -> Path:
    """The project folder: ``$PRESSLENS_ROOT``, else the checkout this package lives in, else the nearest parent of the working directory holding ``pyproject.toml`` and ``seeds/``.

    Raises:
        FileNotFoundError: when none of these is a presslens project.
    """
    env = run_context().root
    if env is not None:
        root = env.resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"{ROOT_ENV}={str(env)!r} is not a folder")
        return root
    here = Path(__file__).resolve().parents[2]  # lib/presslens/paths.py -> project
    if _looks_like_root(here):
        return here
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if _looks_like_root(candidate):
            return candidate
    raise FileNotFoundError(
        "cannot find the presslens project folder (a folder with pyproject.toml and seeds/); "
        f"set {ROOT_ENV}"
    )


def seeds_dir() -> Path:
    """The default corpus folder, ``seeds/``."""
    return project_root() / "seeds"


def outputs_dir() -> Path:
    """The default output folder, ``outputs/``."""
    return project_root() / "outputs"


def notebooks_dir() -> Path:
    """The folder of the report notebooks, ``notebooks/``."""
    return project_root() / "notebooks"


def resolve_corpus(corpus_dir: str | os.PathLike[str] | None) -> Path:
    """The corpus folder a notebook parameter names; empty means ``seeds/``.

    Relative paths are taken from the project folder, so a notebook gives the
    same answer whatever its working directory.
    """
    if corpus_dir is None or str(corpus_dir).strip() == "":
        return seeds_dir()
    path = Path(corpus_dir).expanduser()
    if not path.is_absolute():
        path = project_root() / path
    return path.resolve()
