"""Where things live: the one place that knows the project's folders.

Notebooks and the command line ask this module for paths instead of writing
``../seeds``; a run can be pointed elsewhere with the ``PRESSLENS_ROOT``
environment variable or with explicit arguments.
"""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("pyproject.toml", "seeds")
#: set by ``presslens run`` for the notebooks' kernels: the run's per-document cache folder
#: (read by :func:`presslens.pipeline.tables_for`)
CACHE_ENV = "PRESSLENS_CACHE_DIR"


def _looks_like_root(path: Path) -> bool:
    return all((path / marker).exists() for marker in _MARKERS)


def project_root() -> Path:
    """The project folder: ``$PRESSLENS_ROOT``, else the checkout this package lives in, else the nearest parent of the working directory holding ``pyproject.toml`` and ``seeds/``.

    Raises:
        FileNotFoundError: when none of these is a presslens project.
    """
    env = os.environ.get("PRESSLENS_ROOT")
    if env:
        root = Path(env).expanduser().resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"PRESSLENS_ROOT={env!r} is not a folder")
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
        "set PRESSLENS_ROOT"
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
