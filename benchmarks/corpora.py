"""Where the development corpora are, for benchmarks and tests alike (read in place, never copied).

Two kinds of folder hold them, both beside the project and never inside it:

* ``shared/corpora/`` — the team's shared development sets (``aeb-dev``, ``comment-pages-dev``,
  ``news-figures-dev``, ``reuse-dev``), read-only;
* ``corpora-local/`` — sets the team collected itself from the search tool's stored public pages
  (``news-figures-pages``, ``reuse-news-pages``): the publishers' texts may not be committed or shipped, so
  they live on the team machine only, next to ``shared/``.

Both are searched upwards from the project (a git worktree below it finds them too). ``PRESSLENS_CORPORA``
(one folder or several joined by ``os.pathsep``) is searched first. A set found nowhere gives the path it would
have under ``shared/corpora``: callers check ``is_dir()`` and skip.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = (("shared", "corpora"), ("corpora-local",))


def corpora_roots() -> list[Path]:
    """Every folder that may hold a development set, in search order (existing ones only)."""
    roots = [Path(p) for p in os.environ.get("PRESSLENS_CORPORA", "").split(os.pathsep) if p]
    for parts in FOLDERS:
        found = next((p.joinpath(*parts) for p in ROOT.parents if p.joinpath(*parts).is_dir()), None)
        if found is not None:
            roots.append(found)
    return [r for r in roots if r.is_dir()]


def corpora_dir() -> Path:
    """The shared corpora folder (the first root), or where it would be beside the project."""
    roots = corpora_roots()
    return roots[0] if roots else ROOT.parent / "shared" / "corpora"


def corpus_folder(name: str) -> Path:
    """The folder of development set ``name`` in the first root that has it (may not exist: then skip)."""
    for root in corpora_roots():
        if (root / name).is_dir():
            return root / name
    return ROOT.parent / "shared" / "corpora" / name
