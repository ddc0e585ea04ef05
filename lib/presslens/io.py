"""Writing tables and records: deterministic CSV files (sorted rows, fixed columns, ``\\n`` line ends) and JSON.

CSV files are safe to open in a spreadsheet (OWASP's rule against formula
injection): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written with a ``'`` in front, so Excel, LibreOffice and
Google Sheets show it as text instead of running it as a formula. A text cell
that itself starts with ``'`` gets one too, so the convention is unambiguous:
the raw value is the cell with exactly one leading ``'`` dropped when there is
one (:func:`raw_cell`, and :func:`read_csv` for whole files). Numbers are not
text and are written as numbers (``-0.42`` stays ``-0.42``).
"""

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


#: how a text cell starts that a spreadsheet would read as a formula (OWASP), and the mark that makes it text
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
_MARKED = (*FORMULA_START, TEXT_MARK)


def spreadsheet_cell(value: object) -> object:
    """A cell as :func:`write_csv` writes it: text starting like a formula (or with ``'``) gets a leading ``'``.

    Anything that is not text (numbers, dates, missing values) is returned unchanged.

    >>> spreadsheet_cell("=1+1"), spreadsheet_cell("'quoted"), spreadsheet_cell("plain"), spreadsheet_cell(-0.42)
    ("'=1+1", "''quoted", 'plain', -0.42)
    """
    if isinstance(value, str) and value.startswith(_MARKED):
        return TEXT_MARK + value
    return value


def raw_cell(value: object) -> object:
    """The value a cell written by :func:`write_csv` stands for: exactly one leading ``'`` dropped, if any.

    >>> raw_cell("'=1+1"), raw_cell("''quoted"), raw_cell("plain")
    ('=1+1', "'quoted", 'plain')
    """
    if isinstance(value, str) and value.startswith(TEXT_MARK):
        return value[1:]
    return value


def _is_text(dtype: object) -> bool:
    """Whether a column of this dtype may hold text (object, string or categorical); numbers never do."""
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name passed through :func:`spreadsheet_cell` (a copy only when one changes).

    Column names count: a derived table may have one column per document, named by its label.
    """
    marked = {}
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if not _is_text(column.dtype):
            continue
        column = column.astype(object)
        if column.map(lambda v: isinstance(v, str) and v.startswith(_MARKED)).any():
            marked[position] = column.map(spreadsheet_cell)
    names = [spreadsheet_cell(name) for name in frame.columns]
    if not marked and names == list(frame.columns):
        return frame
    frame = frame.copy()
    for position, column in marked.items():
        frame.isetitem(position, column)
    frame.columns = names
    return frame


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` to ``path`` atomically (a temporary file renamed into place), safe to open in a spreadsheet.

    A reader never sees half a file, even if the run is interrupted. Text cells
    that a spreadsheet would run as a formula are marked as text with a leading
    ``'`` (:func:`spreadsheet_cell`, the module docstring has the convention);
    :func:`read_csv` reads the raw values back.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame = spreadsheet_safe(frame)
    if _holds_cr(frame):
        tmp.write_bytes(_csv_quoting_cr(frame).encode("utf-8"))
    else:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _holds_cr(frame: pd.DataFrame) -> bool:
    return any(_is_text(frame.iloc[:, i].dtype) and frame.iloc[:, i].map(lambda v: isinstance(v, str) and "\r" in v).any()
               for i in range(frame.shape[1]))


def _csv_quoting_cr(frame: pd.DataFrame) -> str:
    """The CSV text of a frame with a carriage return in a cell, that cell quoted and rows still ending in ``\\n``.

    Python's csv writer quotes only cells holding a character of its line end,
    so with ``\\n`` a bare ``\\r`` went out unquoted and split the row for
    every reader. Written with ``\\r\\n`` such cells are quoted; the row ends,
    outside quotes (an even number of ``"`` before them), become ``\\n`` again.
    """
    parts = frame.to_csv(index=False, lineterminator="\r\n").split('"')
    parts[0::2] = [part.replace("\r\n", "\n") for part in parts[0::2]]
    return '"'.join(parts)


def read_csv(path: str | os.PathLike[str], **options: object) -> pd.DataFrame:
    """Read a CSV file written by :func:`write_csv` with the raw values: one leading ``'`` dropped from each text cell (and column name) that has one.

    ``options`` go to :func:`pandas.read_csv` (``keep_default_na=False``, ``dtype=str``...).
    """
    frame = pd.read_csv(path, **options)
    frame.columns = [raw_cell(name) for name in frame.columns]
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if _is_text(column.dtype) and column.map(lambda v: isinstance(v, str) and v.startswith(TEXT_MARK)).any():
            frame.isetitem(position, column.map(raw_cell))
    if pd.api.types.is_object_dtype(frame.index.dtype):
        frame.index = frame.index.map(raw_cell)
    return frame


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
