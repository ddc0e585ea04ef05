"""Writing tables and records: deterministic CSV files (sorted rows, fixed columns, ``\\n`` line ends), JSON and signed cache pickles.

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

import contextlib
import gc
import hashlib
import hmac
import json
import logging
import os
import pickle
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import PresslensError
from .paths import run_context

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


def _cell_values(column: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """The values of a text column as an object array, and for a categorical the codes into them (``None`` otherwise).

    A categorical's values are its categories, so a check looks at each once; only the used ones count
    (a category no cell has is not in the file). Other columns give their cells, without a copy when they
    already are an object array (``object``, and pandas' ``str`` without pyarrow).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.cat.categories, dtype=object), column.cat.codes.to_numpy()
    return column.to_numpy(dtype=object), None


def _used(positions: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
    """``positions`` into :func:`_cell_values`' values as positions of cells (for a categorical, the cells of those categories)."""
    if codes is None or not len(positions):
        return positions
    return np.flatnonzero(np.isin(codes, positions))


def _starting(values: np.ndarray, prefixes: tuple[str, ...]) -> np.ndarray:
    """Positions of the values that are ``str`` starting with one of ``prefixes`` (one character each).

    The values ``isinstance(v, str) and v.startswith(prefixes)`` holds for. When every value is text or
    missing, their first characters are compared at once (``astype("U1")``: the missing values' spellings,
    ``nan``, ``None``, ``<NA>``, start with none of the prefixes) and only those candidates are checked one
    by one; other columns (numbers, mixed values) are checked value by value.
    """
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":
        return np.empty(0, dtype=np.intp)
    if kind == "string" and all(len(p) == 1 for p in prefixes):
        first = values.astype("U1").view(np.uint32)
        candidates = np.flatnonzero(np.isin(first, [ord(p) for p in prefixes])).tolist()
    else:
        candidates = range(len(values))
    return np.array([i for i in candidates if isinstance(values[i], str) and values[i].startswith(prefixes)], dtype=np.intp)


def _marked_positions(column: pd.Series, prefixes: tuple[str, ...]) -> np.ndarray:
    """Positions of the cells of a text column that are ``str`` starting with one of ``prefixes``."""
    values, codes = _cell_values(column)
    return _used(_starting(values, prefixes), codes)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name passed through :func:`spreadsheet_cell` (a copy only when one changes).

    Column names count: a derived table may have one column per document, named by its label.
    A column with a marked cell comes back as ``column.astype(object).map(spreadsheet_cell)``
    would make it (pandas' ``str`` when all its cells are text or missing, else ``object``);
    only the cells that need it are touched.
    """
    marked = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not _is_text(column.dtype):
            continue
        hits = _marked_positions(column, _MARKED)
        if len(hits):
            values = np.array(column.astype(object), dtype=object)  # a copy: the caller's frame is never changed
            values[hits] = TEXT_MARK + values[hits]
            marked[position] = pd.Series(values, index=column.index)
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
    :func:`read_csv` reads the raw values back. The bytes are those of
    ``frame.to_csv(index=False, lineterminator="\\n")``, written by
    :func:`_write_rows` when the columns allow (``tests/test_csv_oracle.py``
    compares them), with a carriage return in a cell quoted (:func:`_csv_quoting_cr`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame = spreadsheet_safe(frame)
    if not _write_rows(frame, tmp):
        if _holds_cr(frame):
            tmp.write_bytes(_csv_quoting_cr(frame).encode("utf-8"))
        else:
            frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _holds_cr(frame: pd.DataFrame) -> bool:
    """Whether a text cell of ``frame`` holds a carriage return (joined, a column's text is searched at once)."""
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not _is_text(column.dtype):
            continue
        values, codes = _cell_values(column)
        if codes is not None:
            values = values[np.unique(codes[codes >= 0])]
        if pd.api.types.infer_dtype(values, skipna=False) != "string":
            values = values[~pd.isna(values)]
        try:
            if "\r" in "".join(values.tolist()):
                return True
        except TypeError:  # a value that is not text: look at each
            if any(isinstance(v, str) and "\r" in v for v in values):
                return True
    return False


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


#: rows :func:`_write_rows` joins at once (measured on the tables of a 10,000-document run: 1,000 beat 20,000 by a quarter)
_ROWS_PER_CHUNK = 1_000


class _CarriageReturn(Exception):
    """A text cell holds ``\\r``: :func:`_write_rows` leaves the frame to :func:`_csv_quoting_cr`."""


def _quoted(fields: list[str], joined: str | None = None) -> list[str]:
    """``fields`` as the csv writer writes them: quoted, quotes doubled, when they hold ``,``, ``"`` or ``\\n``.

    What makes Python's csv writer (3.11, pandas' ``to_csv`` defaults, rows ending in ``\\n``) quote a
    field: the delimiter, the quote character and the line end. ``joined`` is ``"".join(fields)`` when
    the caller has it: one search of it tells whether any field needs quoting.
    """
    if joined is None:
        joined = "".join(fields)
    if "," not in joined and '"' not in joined and "\n" not in joined:
        return fields
    return ['"' + f.replace('"', '""') + '"' if ("," in f or '"' in f or "\n" in f) else f for f in fields]


def _field_writer(column: pd.Series) -> Callable[[int, int], list[str]] | None:
    """A function giving the CSV fields of ``column``'s rows ``start:stop`` as ``to_csv`` writes them; ``None`` for a dtype it leaves to pandas.

    pandas formats a numpy float column with ``astype(str)`` and hands every other value to the csv
    writer, which writes ``str(value)`` (missing values: the empty field). Numbers are formatted
    once per distinct value (bit pattern, for floats) and never need quoting. Text, ``object``,
    nullable ints and categoricals (not of dates) are searched a chunk at a time
    (:func:`_quoted`); a carriage return raises :class:`_CarriageReturn`. Dates, intervals and the
    like are left to ``to_csv``.
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iubf":
        values = column.to_numpy()
        if dtype.kind == "f":
            bits, inverse = np.unique(values.view(f"i{dtype.itemsize}"), return_inverse=True)
            distinct = bits.view(dtype)
            strings = distinct.astype(str).astype(object)
            strings[np.isnan(distinct)] = ""
        else:
            distinct, inverse = np.unique(values, return_inverse=True)
            strings = np.array(list(map(str, distinct.tolist())), dtype=object)
        return lambda start, stop: strings[inverse[start:stop]].tolist()
    categorical = isinstance(dtype, pd.CategoricalDtype)
    if not (dtype == object or isinstance(dtype, pd.StringDtype) or isinstance(column.array, pd.arrays.IntegerArray)
            or (categorical and dtype.categories.dtype.kind not in "Mm" and not isinstance(dtype.categories, pd.IntervalIndex))):
        return None
    values = column.to_numpy(dtype=object, copy=True)
    values[column.isna().to_numpy()] = ""
    text = pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty")

    def fields(start: int, stop: int) -> list[str]:
        chunk = values[start:stop].tolist() if text else list(map(str, values[start:stop].tolist()))
        joined = "".join(chunk)
        if "\r" in joined:
            raise _CarriageReturn
        return _quoted(chunk, joined)

    return fields


def _write_rows(frame: pd.DataFrame, path: Path) -> bool:
    """Write the bytes of ``frame.to_csv(index=False, lineterminator="\\n")`` to ``path``, joining fields as text; ``False`` when it leaves the frame to pandas.

    pandas hands every row to the csv writer, which looks at each character of
    every field; here a chunk of a column is searched at once for what needs
    quoting and rows are joined with ``str.join``. It takes frames of two or
    more columns named by text (the csv writer quotes a row of one empty field),
    of the dtypes :func:`_field_writer` knows and without a carriage return in
    a text cell; anything else returns ``False`` (``path`` may then hold part of
    a file: the caller writes it again).
    """
    if frame.shape[1] < 2 or not all(isinstance(name, str) for name in frame.columns):
        return False
    writers = [_field_writer(frame.iloc[:, position]) for position in range(frame.shape[1])]
    if any(w is None for w in writers):
        return False
    try:
        with path.open("wb") as handle:
            handle.write((",".join(_quoted(list(frame.columns))) + "\n").encode("utf-8"))
            for start in range(0, len(frame), _ROWS_PER_CHUNK):
                stop = min(start + _ROWS_PER_CHUNK, len(frame))
                rows = map(",".join, zip(*(w(start, stop) for w in writers)))
                handle.write(("\n".join(rows) + "\n").encode("utf-8"))
    except _CarriageReturn:
        return False
    return True


def read_csv(path: str | os.PathLike[str], **options: object) -> pd.DataFrame:
    """Read a CSV file written by :func:`write_csv` with the raw values: one leading ``'`` dropped from each text cell (and column name) that has one.

    ``options`` go to :func:`pandas.read_csv` (``keep_default_na=False``, ``dtype=str``...). A column
    with such a cell comes back as ``column.map(raw_cell)`` would make it (same dtype for pandas' text
    dtypes, inferred for ``object``); only those cells are touched.
    """
    frame = pd.read_csv(path, **options)
    frame.columns = [raw_cell(name) for name in frame.columns]
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not _is_text(column.dtype):
            continue
        hits = _marked_positions(column, (TEXT_MARK,))
        if not len(hits):
            continue
        if isinstance(column.dtype, pd.CategoricalDtype):
            frame.isetitem(position, column.map(raw_cell))  # maps the categories, not the cells
            continue
        values = column.to_numpy(dtype=object, copy=True)
        values[hits] = [v[1:] for v in values[hits]]
        text = isinstance(column.dtype, pd.StringDtype)
        frame.isetitem(position, pd.Series(values, index=column.index, dtype=column.dtype if text else None))
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


#: the first bytes of a signed cache file (then the HMAC-SHA256 tag of the rest, then the pickle)
PICKLE_MAGIC = b"presslens-signed-pickle-1\n"
_TAG_BYTES = 32
_KEY_BYTES = 32
_keys: dict[Path, bytes | None] = {}  # the key file read by this process (one entry: one installation)
_warned: set[str] = set()


def cache_key(path: str | os.PathLike[str] | None = None) -> bytes | None:
    """The per-installation secret that signs cache files, created (0600, atomically) on first use.

    ``path`` defaults to :attr:`presslens.paths.RunContext.cache_key` (``$PRESSLENS_CACHE_KEY``,
    else ``$XDG_CONFIG_HOME/presslens/cache.key``, else ``~/.config/presslens/cache.key``): outside
    the outputs folder, so whoever can write ``OUT/cache`` cannot sign a file. ``None`` (caching
    off, one warning) when the key can neither be read nor created; never an error.
    """
    if path is None:
        path = _default_key_path()
        if path is None:
            return None
    path = Path(path)
    if path not in _keys:
        _keys.clear()
        _keys[path] = _read_or_create_key(path)
    return _keys[path]


#: the environment variables the default key file depends on (see :func:`presslens.paths.run_context`)
_KEY_ENVIRONMENT = ("PRESSLENS_CACHE_KEY", "XDG_CONFIG_HOME", "HOME", "PRESSLENS_MAX_BYTES")
_key_paths: dict[tuple[str | None, ...], Path | None] = {}  # those variables' values -> the default key file (one entry)


def _default_key_path() -> Path | None:
    """The default key file for the environment as it is now (``None``: caching off, warned once).

    Every cache read and write asks for it (45,000 times in a run at 10,000
    documents), so it is worked out once per value of the variables it depends on.
    """
    marker = tuple(os.environ.get(name) for name in _KEY_ENVIRONMENT)
    if marker in _key_paths:
        return _key_paths[marker]
    path: Path | None
    try:
        path = run_context().cache_key
    except Exception as exc:  # noqa: BLE001 - a broken setting turns caching off, never the run
        _warn_once("key", "cache off: no cache key (%s)", exc)
        path = None
    else:
        if path is None:
            _warn_once("key", "cache off: no home folder for the cache key (set PRESSLENS_CACHE_KEY)")
    _key_paths.clear()
    _key_paths[marker] = path
    return path


def _read_or_create_key(path: Path) -> bytes | None:
    try:
        try:
            return _read_key(path)
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
            try:
                os.link(tmp, path)  # atomic and never replaces a key another process made first
                log.info("created the cache key %s", path)
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
        return _read_key(path)
    except (OSError, ValueError) as exc:
        _warn_once("key", "cache off: cannot read or create the cache key %s (%s)", path, exc)
        return None


def _read_key(path: Path) -> bytes:
    key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(key) < _KEY_BYTES:
        raise ValueError(f"the key must be {_KEY_BYTES} bytes or more")
    return key


def _warn_once(kind: str, message: str, *args: object) -> None:
    if kind in _warned:
        log.debug(message, *args)
    else:
        _warned.add(kind)
        log.warning(message, *args)


def _tag(key: bytes, payload: bytes | memoryview) -> bytes:
    """HMAC-SHA256 of the magic and the payload (fed in two parts: a payload of hundreds of megabytes is not copied)."""
    mac = hmac.new(key, PICKLE_MAGIC, hashlib.sha256)
    mac.update(payload)
    return mac.digest()


#: a last-run file (the previous run's whole answers, one file read in one go) is rewritten once the run's
#: entries drift from it by more than this many or 1% of them (:func:`worth_rewriting`)
LAST_RUN_SLACK = 64


def worth_rewriting(kept: Mapping | AbstractSet, wanted: Mapping | AbstractSet, *, slack: int = LAST_RUN_SLACK) -> bool:
    """Whether a last-run file holding ``kept`` should be rewritten for a run that uses ``wanted``.

    Not after every added document: what the file lacks is read from the per-document files, and what it holds
    beyond the run's is left out when read, so the file (tens to hundreds of megabytes at 10,000 documents) is
    rewritten once the run drifts from it by more than ``slack`` entries or 1% of them. Mappings (key -> value)
    also differ where a key's value does; sets by their keys. The one rule of the build's, the corpus cache's
    and source comparison's last-run files.

    >>> worth_rewriting({"k1": "a", "k2": "b"}, {"k1": "a", "k2": "b", "k3": "c"})
    False
    >>> worth_rewriting({}, {"k1": "a"}), worth_rewriting(set(), set())
    (True, False)
    >>> worth_rewriting({"k1", "k2"}, {"k3", "k4"}, slack=1)
    True
    """
    if not kept:
        return bool(wanted)
    if isinstance(wanted, Mapping) and isinstance(kept, Mapping):
        differ = sum(1 for k, v in wanted.items() if k not in kept or kept[k] != v) + sum(1 for k in kept if k not in wanted)
    else:
        kept_keys, wanted_keys = set(kept), set(wanted)
        differ = len(wanted_keys - kept_keys) + len(kept_keys - wanted_keys)
    return differ > max(slack, len(wanted) // 100)


def write_pickle(value: object, path: str | os.PathLike[str]) -> Path:
    """Write a signed cache file atomically: a temporary file named for this process, renamed into place.

    The file is :data:`PICKLE_MAGIC`, the HMAC-SHA256 of the pickle under :func:`cache_key`,
    then the pickle. Worker processes writing the same cache never leave a half-written
    file. Without a key, or when the cache folder cannot be written (read-only, full),
    nothing is written (logged once): a cache is never a reason for a run to fail.
    """
    path = Path(path)
    key = cache_key()
    if key is None:
        return path
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(PICKLE_MAGIC + _tag(key, payload))
            handle.write(payload)
        os.replace(tmp, path)
    except OSError as exc:
        _warn_once("write", "cache file %s not written (%s)", path, exc.strerror or exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return path


def read_pickle(path: str | os.PathLike[str], *, what: str = "cache file") -> object | None:
    """A cache file's value, or ``None`` when it is missing.

    Only a file signed with this installation's key is unpickled: a truncated,
    damaged, unsigned, foreign or wrongly signed file is a miss, never
    executed and never an error (the first one logged as ``what``).
    """
    path = Path(path)
    key = cache_key()
    if key is None:
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        _warn_once(what, "ignoring unreadable %s %s (%s)", what, path.name, exc.__class__.__name__)
        return None
    head = len(PICKLE_MAGIC)
    tag, payload = data[head:head + _TAG_BYTES], memoryview(data)[head + _TAG_BYTES:]  # a view: the payload is not copied
    if not data.startswith(PICKLE_MAGIC) or not hmac.compare_digest(tag, _tag(key, payload)):
        _warn_once(what, "ignoring %s %s: not signed by this installation (damaged, old or planted); "
                   "it is recomputed", what, path.name)
        return None
    try:
        with gc_paused():  # millions of new objects, no garbage: 10,000 documents (65 MB) 1.4 s with collections, 0.5 s without
            return pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 - signed by us but of a class that moved: a miss
        _warn_once(what, "ignoring unreadable %s %s (%s)", what, path.name, exc.__class__.__name__)
        return None


#: the largest YAML data file presslens reads (sources.yml, entities.yml, a parameters file, a gold file)
MAX_YAML_BYTES = 8 * 1024 * 1024
#: how deep collections may nest: far more than any presslens file needs, far less than Python's recursion limit
MAX_YAML_DEPTH = 64
#: how many aliases (``*name``) a file may use
MAX_YAML_ALIASES = 64
#: how many nodes the aliases of a file may add when expanded (what a "billion laughs" file multiplies)
MAX_YAML_ALIAS_NODES = 10_000


class _Refused(Exception):
    """A YAML file the loader will not read: the problem and its 1-based line."""

    def __init__(self, problem: str, line: int) -> None:
        super().__init__(problem)
        self.problem, self.line = problem, line


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars, not PyYAML's YAML 1.1 ones.

    ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off`` stay text), ``null``/``~``/empty is null,
    integers are written in decimal without leading zeros (``007``, ``0x1F``, ``2019_11_18``, ``1:30`` stay text),
    floats have a dot or an exponent; there are no implicit dates (``2019-11-18`` is text, checked where a date
    belongs) and no merge keys.
    """


_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:0|-?[1-9][0-9]*)$"), list("-0123456789"))
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _GuardedConstructor(yaml.constructor.SafeConstructor):
    """PyYAML's safe constructor as :func:`load_yaml` builds values: keys as written, refused twice, decimal ints.

    Shared by the pure-Python :class:`_GuardedLoader` and the libyaml :class:`_CGuardedLoader`, so both build
    exactly the same values from the same nodes.
    """

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML's signature
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
        mapping: dict[str, object] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(f"a key must be text, found a {'list' if key_node.id == 'sequence' else 'mapping'}", line)
            key = key_node.value
            if key in lines:
                raise _Refused(f"key {key!r} given twice (first at line {lines[key]})", line)
            lines[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        if self.line_key:
            mapping[self.line_key] = node.start_mark.line + 1
        return mapping

    def construct_yaml_int(self, node):  # noqa: ANN001, ANN201 - decimal only (PyYAML reads 010 as octal)
        return int(self.construct_scalar(node).replace("_", ""), 10)


_GuardedConstructor.add_constructor("tag:yaml.org,2002:int", _GuardedConstructor.construct_yaml_int)


class _GuardedLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                     _GuardedConstructor, _CoreResolver):
    """PyYAML's safe loader with the guards of :func:`load_yaml`.

    The composer counts every alias and the nodes it stands for *before* anything is built (a node's expanded
    size is known when its anchor closes), so a file that would expand a billion times is refused after reading
    a few hundred bytes; it also refuses an alias inside its own anchor and nesting deeper than
    :data:`MAX_YAML_DEPTH`. Mapping keys are the text as written, and a key given twice is refused.
    """

    def __init__(self, text: str, *, line_key: str | None = None) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _GuardedConstructor.__init__(self)
        _CoreResolver.__init__(self)
        self.line_key = line_key
        self._depth = 0
        self._aliases = 0
        self._alias_nodes = 0
        self._nodes = 0
        self._sizes: dict[str, int] = {}
        self._open: set[str] = set()

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise _Refused(f"more than {MAX_YAML_ALIASES} aliases (*name); presslens files need none", line)
            if event.anchor in self._open:
                raise _Refused(f"alias *{event.anchor} inside its own anchor &{event.anchor}", line)
            size = self._sizes.get(event.anchor, 1)
            self._alias_nodes += size
            self._nodes += size
            if self._alias_nodes > MAX_YAML_ALIAS_NODES:
                raise _Refused(f"aliases would expand to more than {MAX_YAML_ALIAS_NODES:,} values (an alias bomb?)", line)
            return super().compose_node(parent, index)
        if self._depth >= MAX_YAML_DEPTH:
            raise _Refused(f"nested deeper than {MAX_YAML_DEPTH} levels", line)
        anchor, start = event.anchor, self._nodes
        self._nodes += 1
        self._depth += 1
        if anchor is not None:
            self._open.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if anchor is not None:
            self._open.discard(anchor)
            self._sizes[anchor] = self._nodes - start
        return node


class _Fallback(Exception):
    """The libyaml path cannot answer this text exactly as :class:`_GuardedLoader` would: read it with that."""


#: characters libyaml and PyYAML read differently: a tab (PyYAML refuses it in places libyaml takes it as
#: white space) and a BOM (libyaml skips it at the start of every line, PyYAML only at the start of the text)
_C_DIVERGENT = ("\t", "\ufeff")
#: a block scalar header with a comment right after it (``|#c``, ``>-#``): libyaml reads it, PyYAML refuses it
#: (also matches the same characters inside any scalar: those texts merely take the Python loader)
_C_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")

try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


if _CParser is not None:

    class _CGuardedLoader(_CParser, _GuardedConstructor, _CoreResolver):
        """libyaml scans, parses and composes in C; the values are built by :class:`_GuardedLoader`'s constructor.

        Only for answers it gives exactly as :class:`_GuardedLoader` would (:func:`_load_fast` checks the
        rest); everything else raises :class:`_Fallback` (or libyaml's own error) and is read again by
        :class:`_GuardedLoader`, whose message and line are the answer. The C composer calls
        :meth:`descend_resolver` before it composes each node (never for an alias) and :meth:`resolve` for
        each untagged scalar: there it stops at once

        - nesting deeper than :data:`MAX_YAML_DEPTH` (the C composer recurses on the C stack, which a file
          nested some 30,000 deep overflows: it must never get there);
        - an empty node tagged ``!`` (null for PyYAML, an empty string for libyaml).
        """

        def __init__(self, text: str, *, line_key: str | None = None) -> None:
            _CParser.__init__(self, text)
            _GuardedConstructor.__init__(self)
            _CoreResolver.__init__(self)
            self.line_key = line_key
            self._depth = 0
            self._composed = 0  # nodes composed, aliases not counted

        def descend_resolver(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
            self._depth += 1
            if self._depth > MAX_YAML_DEPTH:
                raise _Fallback("nested too deep")
            self._composed += 1

        def ascend_resolver(self):  # noqa: ANN201 - PyYAML's signature
            self._depth -= 1

        def resolve(self, kind, value, implicit):  # noqa: ANN001, ANN201 - PyYAML's signature
            """BaseResolver.resolve for :class:`_CoreResolver` (no path or wildcard resolvers): the same tags."""
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    for tag, regexp in _CORE_IMPLICIT.get(value[:1], ()):
                        if regexp.match(value):
                            return tag
                elif not implicit[1]:
                    raise _Fallback("an empty node tagged '!'")
                return self.DEFAULT_SCALAR_TAG
            return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    _CORE_IMPLICIT = _CoreResolver.yaml_implicit_resolvers
    assert not _CoreResolver.yaml_path_resolvers and None not in _CORE_IMPLICIT
else:  # pragma: no cover - PyYAML built without libyaml
    _CGuardedLoader = None


def _references(root: yaml.Node, limit: int) -> int:
    """How many times nodes are reached from ``root`` (each alias once more), counting stops past ``limit``.

    Equal to the nodes composed exactly when there is no alias; the count stops as soon as it passes
    ``limit``, so a cycle or an alias bomb costs no more than the file's own nodes. On the way, the plain
    scalars of flow collections are checked (:func:`_check_flow`).
    """
    count, scalar = 1, yaml.ScalarNode
    stack = [] if root.__class__ is scalar else [root]
    while stack:
        node = stack.pop()
        value = node.value
        if node.__class__ is yaml.MappingNode:
            count += 2 * len(value)
            parts = [part for pair in value for part in pair]
        else:
            count += len(value)
            parts = value
        if node.flow_style:
            _check_flow(parts)
        stack.extend([part for part in parts if part.__class__ is not scalar])
        if count > limit:
            break
    return count


def _check_flow(parts: list[yaml.Node]) -> None:
    """Raise :class:`_Fallback` for a plain scalar of a flow collection that libyaml and PyYAML read differently.

    One holding ``?`` (libyaml takes ``[a?b]`` as one scalar, PyYAML refuses the ``?``) and an empty one
    (``{a: , b: 1}``: libyaml marks it where the next token starts, PyYAML where the ``:`` ends, which may
    be a line earlier).
    """
    for part in parts:
        if part.__class__ is yaml.ScalarNode and part.style == "" and (not part.value or "?" in part.value):
            raise _Fallback("an empty node or a '?' in a plain scalar inside a flow collection")


def _check_aliases(root: yaml.Node) -> None:
    """Raise :class:`_Fallback` where :class:`_GuardedLoader` would refuse the aliases of a composed graph.

    An alias is a node reached again: walked depth first in document order (an explicit stack), the first
    visit of a node is its anchor and every later one an alias, as in the event stream. Each node's expanded
    size is memoised when it closes, so an alias bomb is counted, never expanded; a node reached while still
    open is an alias inside its own anchor.
    """
    sizes: dict[int, int] = {}
    opened = {id(root)}
    aliases = alias_nodes = 0
    stack = [[root, iter(_children(root)), 1]]
    while stack:
        frame = stack[-1]
        for child in frame[1]:
            key = id(child)
            size = sizes.get(key)
            if size is not None:
                aliases += 1
                alias_nodes += size
                if aliases > MAX_YAML_ALIASES or alias_nodes > MAX_YAML_ALIAS_NODES:
                    raise _Fallback("too many aliases")
                frame[2] += size
            elif key in opened:
                raise _Fallback("alias inside its own anchor")
            elif isinstance(child, yaml.ScalarNode):
                sizes[key] = 1
                frame[2] += 1
            else:
                opened.add(key)
                stack.append([child, iter(_children(child)), 1])
                break
        else:
            stack.pop()
            key = id(frame[0])
            opened.discard(key)
            sizes[key] = frame[2]
            if stack:
                stack[-1][2] += frame[2]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _load_fast(text: str, line_key: str | None) -> tuple[yaml.Node | None, object]:
    """``(root, data)`` read by libyaml, exactly as :class:`_GuardedLoader` reads them; raises on anything else.

    Beyond :class:`_CGuardedLoader`'s own checks, the text must end with a line break (at the end of a text
    without one, libyaml puts the marks of what ends there on a line of its own), hold no
    :data:`_C_DIVERGENT` character and nothing like a block scalar header followed by ``#``
    (:data:`_C_BLOCK_HEADER_COMMENT`); an alias sends the graph through :func:`_check_aliases`.
    """
    if (_CGuardedLoader is None or (text and not text.endswith(("\n", "\r"))) or any(ch in text for ch in _C_DIVERGENT)
            or _C_BLOCK_HEADER_COMMENT.search(text)):
        raise _Fallback("no libyaml, or a text it reads differently")
    loader = _CGuardedLoader(text, line_key=line_key)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        if _references(root, loader._composed) != loader._composed:
            _check_aliases(root)
            return root, loader.construct_document(root)
        return root, _construct_tree(loader, root)
    finally:
        loader.dispose()


_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


def _construct_tree(loader: _GuardedConstructor, root: yaml.Node) -> object:
    """``loader.construct_document(root)`` for a node tree without aliases, built in one pass (an explicit stack).

    Mappings, lists, text and nulls are built here as :meth:`_GuardedConstructor.construct_mapping` and
    PyYAML's safe constructors build them; every other node (a number, a boolean, ``!!set``...) is built by
    the loader itself. A key that is not text, or given twice, raises :class:`_Fallback`: the Python loader
    then says which and where.
    """
    line_key = loader.line_key
    scalar = yaml.ScalarNode

    def build(node: yaml.Node) -> object:
        tag = node.tag
        if node.__class__ is scalar:
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
        elif tag == _MAP and node.__class__ is yaml.MappingNode:
            mapping: dict[str, object] = {}
            pending.append((node, mapping))
            return mapping
        elif tag == _SEQ and node.__class__ is yaml.SequenceNode:
            sequence: list[object] = []
            pending.append((node, sequence))
            return sequence
        return loader.construct_object(node, deep=True)

    pending: list[tuple[yaml.Node, object]] = []
    data = build(root)
    while pending:
        node, value = pending.pop()
        if value.__class__ is list:
            value.extend([build(item) for item in node.value])
            continue
        for key_node, value_node in node.value:
            if key_node.__class__ is not scalar or key_node.value in value:
                raise _Fallback("a key that is not text, or given twice")
            value[key_node.value] = build(value_node)
        if line_key:
            value[line_key] = node.start_mark.line + 1
    return data


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off while a YAML file is read and its values checked, or a cache file unpickled.

    Reference counting still frees everything as usual (a node tree holds no cycles); what pauses is the
    collector's pass over every young object, which building hundreds of thousands of nodes triggers again
    and again (more than half the time of a 10,000-entry ``sources.yml``, and more the bigger the heap).
    Nested and concurrent pauses share one; the collector is restored as the first of them found it.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@contextlib.contextmanager
def frozen_heap():
    """A block whose long-lived objects the cyclic collector stops walking: yields ``freeze()``.

    ``freeze()`` moves every object alive into the collector's permanent generation (``gc.freeze``); the
    block's end puts them back (``gc.unfreeze``). Reference counting frees them as usual in between; only
    cycles among them wait for the block's end. A build calls it once its corpus is loaded: 10,000 documents
    are millions of tracked objects, and the collections walked them again and again (1.7 s of a build
    after one new document at 10,000, 0.3 s frozen). When the heap is already frozen at the start (a
    forked worker), ``freeze()`` does nothing and nothing is unfrozen.

    >>> import gc
    >>> with frozen_heap() as freeze:
    ...     kept = [[i] for i in range(1000)]
    ...     freeze()
    ...     gc.get_freeze_count() >= 1000
    True
    >>> gc.get_freeze_count()
    0
    """
    already = gc.get_freeze_count() > 0

    def freeze() -> None:
        if not already:
            gc.freeze()

    try:
        yield freeze
    finally:
        if not already:
            gc.unfreeze()


def load_yaml(
    text: str, *, source: object, error: type[PresslensError], line_key: str | None = None
) -> tuple[yaml.Node | None, object]:
    """Parse a YAML data file, keeping the node tree so schema errors can name lines.

    The one YAML reader of presslens (``sources.yml``, ``entities.yml``, parameters files and ``-p`` values,
    gold files). It reads the YAML 1.2 core schema (see :class:`_CoreResolver`: mapping keys are always the text
    as written, ``no`` and ``2019-11-18`` stay text) and refuses, before building anything: a file over
    :data:`MAX_YAML_BYTES`; more than :data:`MAX_YAML_ALIASES` aliases, or aliases that would expand to more than
    :data:`MAX_YAML_ALIAS_NODES` values; an alias inside its own anchor; nesting deeper than
    :data:`MAX_YAML_DEPTH`; a key given twice; a key that is a list or mapping; Python tags.

    libyaml reads the text when it can answer exactly as the pure-Python :class:`_GuardedLoader` would (same
    data, same node tags, values and lines; see :func:`_load_fast`): a 10,000-entry ``sources.yml`` takes
    0.7 s of CPU instead of 11 s (with the collector paused, :func:`gc_paused`). Every refusal and error, and
    every text libyaml reads differently, is answered by :class:`_GuardedLoader`. Only node attributes no
    caller reads (``style``, ``flow_style``, end marks, the marks' class) may differ between the two.

    Args:
        line_key: when given, every mapping also gets this key with its 1-based line.

    Returns:
        ``(root node, data)``; both ``None`` for an empty file.

    Raises:
        error: one line naming ``source``, the line and the problem.
    """
    if len(text) > MAX_YAML_BYTES:
        raise error(f"{source}: too large for a YAML data file ({len(text):,} characters; the limit is {MAX_YAML_BYTES:,})")
    with gc_paused():
        try:
            return _load_fast(text, line_key)
        except Exception:  # noqa: BLE001 - libyaml refused, erred or cannot say it exactly: the Python loader answers
            pass
        return _load_python(text, source=source, error=error, line_key=line_key)


def _load_python(
    text: str, *, source: object, error: type[PresslensError], line_key: str | None = None
) -> tuple[yaml.Node | None, object]:
    """:func:`load_yaml` with the pure-Python :class:`_GuardedLoader`: the reference, and every message."""
    loader = None
    try:
        loader = _GuardedLoader(text, line_key=line_key)
        root = loader.get_single_node()
        return root, (None if root is None else loader.construct_document(root))
    except _Refused as exc:
        raise error(f"{source}, line {exc.line}: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        shown = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise error(f"{source}: invalid YAML at line {line}: the control character {shown} is not allowed") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise error(f"{source}: invalid YAML at {where}: {getattr(exc, 'problem', None) or exc}") from None
    except (ValueError, OverflowError) as exc:  # a tagged scalar PyYAML cannot build (!!int x, !!binary x)
        raise error(f"{source}: invalid YAML value: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(
    path: str | os.PathLike[str], *, error: type[PresslensError], line_key: str | None = None
) -> tuple[yaml.Node | None, object]:
    """Read a YAML data file with :func:`load_yaml`, refusing what is not one before reading it all.

    Raises:
        error: the path is not a regular file, is over :data:`MAX_YAML_BYTES`, cannot be read, is not UTF-8
            (``file: not UTF-8 at line N``), or :func:`load_yaml` refuses it.
    """
    path = Path(path)
    try:
        if not path.is_file():
            raise error(f"{path}: not found" if not path.exists() else f"{path}: not a regular file")
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"{path}: too large for a YAML data file ({size:,} bytes; the limit is {MAX_YAML_BYTES:,})")
        chunks, total = [], 0
        with path.open("rb") as handle:  # in chunks: read(limit) would allocate the whole limit at once
            while chunk := handle.read(1 << 16):
                total += len(chunk)
                if total > MAX_YAML_BYTES:  # it grew since stat()
                    raise error(f"{path}: too large for a YAML data file (over {MAX_YAML_BYTES:,} bytes)")
                chunks.append(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"{path}: not UTF-8 at line {line} (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None
    return load_yaml(text, source=path, error=error, line_key=line_key)
