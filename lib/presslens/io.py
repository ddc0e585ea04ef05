"""Writing tables and records: deterministic CSV files (sorted rows, fixed columns, ``\\n`` line ends) and JSON."""

from __future__ import annotations

import json
import logging
import os
import pickle
from pathlib import Path

import pandas as pd
import yaml

from .errors import PresslensError

log = logging.getLogger(__name__)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` to ``path`` atomically (a temporary file renamed into place).

    A reader never sees half a file, even if the run is interrupted.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_json(data: object, path: str | os.PathLike[str], *, sort_keys: bool = True) -> Path:
    """Write ``data`` as indented JSON to ``path`` atomically, as :func:`write_csv` writes tables.

    Values JSON does not know (paths, dates) are written as their ``str``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=sort_keys, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_pickle(value: object, path: str | os.PathLike[str]) -> Path:
    """Write a cache file atomically: a temporary file named for this process, renamed into place.

    Worker processes writing the same cache never leave a half-written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def read_pickle(path: str | os.PathLike[str], *, what: str = "cache file") -> object | None:
    """A cache file's value, or ``None`` when it is missing; a truncated or foreign file is a miss, never an error (logged as ``what``)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:
        log.warning("ignoring unreadable %s %s (%s)", what, path.name, exc.__class__.__name__)
        return None


def load_yaml(text: str, *, source: object, error: type[PresslensError]) -> tuple[yaml.Node | None, object]:
    """Parse a YAML data file, keeping the node tree so schema errors can name lines.

    Returns:
        ``(root node, data)``; both ``None`` for an empty file.

    Raises:
        error: invalid YAML, with ``source`` and the line of the problem.
    """
    try:
        return yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise error(f"{source}: invalid YAML at {where}: {getattr(exc, 'problem', None) or exc}") from None
