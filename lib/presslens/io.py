"""Writing tables and records: deterministic CSV files (sorted rows, fixed columns, ``\\n`` line ends), JSON, and signed cache pickles."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import pickle
import secrets
from pathlib import Path

import pandas as pd
import yaml

from .errors import PresslensError
from .paths import run_context

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
        try:
            path = run_context().cache_key
        except Exception as exc:  # noqa: BLE001 - a broken setting turns caching off, never the run
            _warn_once("key", "cache off: no cache key (%s)", exc)
            return None
        if path is None:
            _warn_once("key", "cache off: no home folder for the cache key (set PRESSLENS_CACHE_KEY)")
            return None
    path = Path(path)
    if path not in _keys:
        _keys.clear()
        _keys[path] = _read_or_create_key(path)
    return _keys[path]


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


def _tag(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, PICKLE_MAGIC + payload, hashlib.sha256).digest()


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
            handle.write(PICKLE_MAGIC + _tag(key, payload) + payload)
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
    tag, payload = data[head:head + _TAG_BYTES], data[head + _TAG_BYTES:]
    if not data.startswith(PICKLE_MAGIC) or not hmac.compare_digest(tag, _tag(key, payload)):
        _warn_once(what, "ignoring %s %s: not signed by this installation (damaged, old or planted); "
                   "it is recomputed", what, path.name)
        return None
    try:
        return pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 - signed by us but of a class that moved: a miss
        _warn_once(what, "ignoring unreadable %s %s (%s)", what, path.name, exc.__class__.__name__)
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
