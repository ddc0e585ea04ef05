"""``sources.yml``: what is known about each document, and how it is known.

Each field carries a value, a *basis* (``stated`` by the text, ``inferred`` from
it, or ``unknown``) and the evidence, so a report can show an analyst which
metadata to trust. A field is written in the full form
(``outlet: {value: X, basis: inferred, evidence: how}``) or in the short form
(``outlet: X``): a plain value is the analyst's word, basis ``stated`` with the
evidence :data:`SHORT_FORM_EVIDENCE`. Malformed entries raise
:class:`MetadataError` naming the file, the line and the problem.

The file is read by :func:`presslens.io.read_yaml` (YAML 1.2 core schema, no alias bombs, no key given
twice): keys are the text as written, dates stay text and ``published`` must be a real calendar date, and a
list, mapping, boolean or decimal number where text belongs is refused, never stringified.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import MetadataError
from ..io import gc_paused, load_yaml, read_yaml
from .segment import Overrides, compile_override

FIELDS = ("outlet", "title", "author", "published", "genre", "url", "language", "original_outlet")
BASES = ("stated", "inferred", "unknown")
GENRES = ("news", "op-ed", "forum post", "reprint")
SOURCES_FILE = "sources.yml"
#: the evidence of a field written in the short form (``outlet: X``), whose basis is ``stated``
SHORT_FORM_EVIDENCE = "stated by the analyst in sources.yml"


@dataclass(frozen=True)
class Value:
    """A metadata value with its basis and evidence."""

    value: str = ""
    basis: str = "unknown"
    evidence: str = ""


@dataclass
class SourceEntry:
    """What ``sources.yml`` says about one document."""

    doc_id: str
    file: str
    fields: dict[str, Value] = field(default_factory=dict)
    overrides: Overrides = field(default_factory=Overrides)
    line: int = 0

    def get(self, name: str) -> Value:
        return self.fields.get(name, Value(evidence="not in sources.yml"))


def load_sources(corpus_dir: Path) -> dict[str, SourceEntry]:
    """Read ``corpus_dir/sources.yml``; an absent file means nothing is known.

    Returns:
        Entries by ``doc_id``.

    Raises:
        MetadataError: invalid YAML or an entry that breaks the schema, with the line
            (the first problem; :func:`read_sources` lists them all).
    """
    entries, problems = read_sources(corpus_dir)
    if problems:
        raise problems[0]
    return entries


def read_sources(corpus_dir: Path) -> tuple[dict[str, SourceEntry], list[MetadataError]]:
    """``sources.yml``'s valid entries and every problem found, for a check that reports them all.

    Invalid YAML or a file without a ``documents`` mapping is one problem and no entries;
    otherwise each entry that breaks the schema is one problem and the others are read.
    """
    with gc_paused():  # the node tree of a large file is alive until the entries are read (see gc_paused)
        return _read_sources(Path(corpus_dir) / SOURCES_FILE)


def _read_sources(path: Path) -> tuple[dict[str, SourceEntry], list[MetadataError]]:
    if not path.exists() and not path.is_symlink():
        return {}, []
    try:
        root, data = read_yaml(path, error=MetadataError)
    except MetadataError as exc:
        return {}, [exc]
    if data is None:
        return {}, []
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        if not isinstance(data, dict):
            found = type(data).__name__
        elif "documents" not in data:
            found = f"the keys {sorted(map(str, data))}"
        else:
            found = f"'documents' holding {type(data['documents']).__name__}"
        return {}, [MetadataError(f"{path}: expected a mapping with a 'documents' mapping at the top, found {found}")]
    lines = _entry_lines(root)
    entries, problems = {}, []
    for doc_id, raw in data["documents"].items():
        line = lines.get(str(doc_id), 0)
        try:
            entries[str(doc_id)] = _parse_entry(str(doc_id), raw, path=path, line=line)
        except MetadataError as exc:
            problems.append(exc)
    return entries, problems


#: the line of the ``documents`` key that :func:`entry_chunks` can split after: the key alone (a comment may follow)
_DOCUMENTS_LINE = re.compile(r"documents:[ ]*(?:#.*)?")
#: a top-level key other than ``documents`` (``version: 1``) that :func:`entry_chunks` leaves to the YAML reader
_OTHER_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?:[ ].*)?")
#: what a line of an entry key at the entries' indentation may not start with: a sequence, a complex key, a
#: comment, an anchor, alias or tag, a block scalar, a flow collection, a directive or a reserved indicator
_NOT_A_KEY_START = frozenset("-?#&*!|>{}[]%@`,")
#: line breaks other than ``\n`` that YAML (or PyYAML) knows: a text holding one is not split
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")
#: a chunk holding one of these characters may hold an anchor or an alias, so what it means may depend on another
#: chunk: never kept between reads (:func:`read_sources_chunked`)
_MAYBE_ALIAS = re.compile("[&*]")


@dataclass(frozen=True)
class EntryChunk:
    """One entry of ``sources.yml`` as written: its text (key line to the next entry's key line) and where it starts."""

    text: str
    #: the 1-based line of the entry's key in the file
    line: int

    @property
    def digest(self) -> str:
        """The sha256 of the text: what a kept entry is found under."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


def entry_chunks(text: str) -> tuple[str, list[EntryChunk]] | None:
    r"""``sources.yml`` cut into its entries, when it has the plain shape that makes each entry mean the same alone.

    The plain shape, what ``presslens init`` and YAML writers make: top-level keys at the left margin, one of
    them ``documents:`` alone on its line; under it nothing at the margin but comments and blank lines, every
    entry's key at one indentation, every other line deeper. Anything else (a BOM, a directive or document
    marker, flow style, ``\r`` line breaks, an entry key written as a sequence or a complex key...) gives
    ``None``: the file is read whole. A comment or blank line belongs to the entry before it.

    Returns:
        ``(the other top-level keys' text, the entries)``.

    >>> rest, chunks = entry_chunks("documents:\n  a:\n    file: a.txt\n  # b next\n  'b':\n    file: b.txt\nversion: 1\n")
    >>> rest, [(c.line, c.text) for c in chunks]
    ('version: 1\n', [(2, '  a:\n    file: a.txt\n  # b next\n'), (5, "  'b':\n    file: b.txt\n")])
    >>> entry_chunks("documents: {a: {file: a.txt}}\n") is None
    True
    """
    if _OTHER_BREAKS.search(text):
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    rest: list[str] = []
    chunks: list[EntryChunk] = []
    start: int | None = None  # the line of the entry being cut
    inside = False  # under the documents key
    seen = False  # a documents key was found
    indent = 0

    def close(number: int) -> None:
        nonlocal start
        if start is not None:
            chunks.append(EntryChunk("".join(f"{line}\n" for line in lines[start - 1:number - 1]), start))
            start = None

    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            if not inside or start is None:
                rest.append(line)  # blank or a comment: part of the entry before it, or of the keys around
            continue
        depth = len(line) - len(stripped)
        if depth == 0:
            close(number)
            if _DOCUMENTS_LINE.fullmatch(line):
                if seen:
                    return None  # given twice: the YAML reader names it
                inside = seen = True
                continue
            if not _OTHER_TOP_KEY.fullmatch(line):
                return None
            inside = False
            rest.append(line)
            continue
        if not inside:
            rest.append(line)
            continue
        if not indent:
            indent = depth
        if depth < indent:
            return None
        if depth == indent:
            if stripped[0] in _NOT_A_KEY_START:
                return None
            close(number)
            start = number
    close(len(lines) + 1)
    if not chunks:
        return None
    return "".join(f"{line}\n" for line in rest), chunks


def read_sources_chunked(
    path: Path, text: str, kept: Mapping[str, SourceEntry]
) -> tuple[dict[str, SourceEntry], dict[str, SourceEntry]] | None:
    """``sources.yml``'s entries, reading only the entries whose text ``kept`` lacks; ``None``: read it whole instead.

    A 10,000-entry file costs seconds to parse and check; after one document is added, one entry is new. Each
    entry of a file of the plain shape (:func:`entry_chunks`) means the same read alone as read in the file,
    except where an alias names another entry's anchor: an entry whose text holds ``&`` or ``*`` is never kept,
    and is read again with every new entry. The new entries are read together by :func:`presslens.io.load_yaml`
    under ``documents:``, after the file's other top-level keys, and checked by the same schema, each with its
    line in the file.

    Any problem (invalid YAML, a schema error, a key given twice, a file not of the plain shape) gives ``None``,
    so that :func:`read_sources` reads the whole file and names every problem with its line, as it always has.

    Args:
        kept: entries of earlier reads, by the sha256 of their text (:attr:`EntryChunk.digest`); their lines may
            be stale: each is given the line of its text in this file.

    Returns:
        ``(entries by doc_id in the file's order, entries to keep for the next read by digest)``.
    """
    with gc_paused():  # as read_sources: the entries and their nodes are alive until all are read
        return _read_chunked(path, text, kept)


def _read_chunked(
    path: Path, text: str, kept: Mapping[str, SourceEntry]
) -> tuple[dict[str, SourceEntry], dict[str, SourceEntry]] | None:
    cut = entry_chunks(text)
    if cut is None:
        return None
    rest, chunks = cut
    digests = [c.digest for c in chunks]
    fresh = [c for c, d in zip(chunks, digests) if d not in kept]
    try:
        _, data = load_yaml(rest + "documents:\n" + "".join(c.text for c in fresh), source=path, error=MetadataError)
    except MetadataError:
        return None
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict if fresh else type(None)) or len(documents or ()) != len(fresh):
        return None
    parsed: dict[int, SourceEntry] = {}
    try:
        for chunk, (doc_id, raw) in zip(fresh, (documents or {}).items()):
            parsed[chunk.line] = _parse_entry(str(doc_id), raw, path=path, line=chunk.line)
    except MetadataError:
        return None
    entries: dict[str, SourceEntry] = {}
    keep: dict[str, SourceEntry] = {}
    for chunk, digest in zip(chunks, digests):
        entry = parsed.get(chunk.line)
        if entry is None:
            entry = kept[digest]
            if entry.line != chunk.line:
                entry = replace(entry, line=chunk.line)
        if entry.doc_id in entries:
            return None  # a key given twice: read_sources names both lines
        entries[entry.doc_id] = entry
        if not _MAYBE_ALIAS.search(chunk.text):
            keep[digest] = entry
    return entries, keep


def _entry_lines(root: yaml.Node | None) -> dict[str, int]:
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == "documents" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def _parse_entry(doc_id: str, raw: Any, *, path: Path, line: int) -> SourceEntry:
    where = f"{path}, line {line}, document {doc_id!r}"
    if not isinstance(raw, dict):
        raise MetadataError(f"{where}: expected a mapping of fields, found {type(raw).__name__}")
    unknown = set(raw) - set(FIELDS) - {"file", "segmentation"}
    if unknown:
        raise MetadataError(f"{where}: unknown field(s) {sorted(unknown)}; expected {list(FIELDS)}, 'file' or 'segmentation'")
    file = raw.get("file")
    if file is not None and (not isinstance(file, str) or "/" in file or "\\" in file or file in (".", "..")):
        shown = f"a {_kind(file)}" if isinstance(file, (list, dict)) else repr(file)
        raise MetadataError(f"{where}: file must be the name of a page in the folder (text, no folders), found {shown}")
    entry = SourceEntry(doc_id=doc_id, file=(file or "").strip(), line=line)
    for name in FIELDS:
        if name in raw:
            entry.fields[name] = _parse_value(raw[name], where=f"{where}, field {name!r}", name=name)
    entry.overrides = _parse_overrides(raw.get("segmentation"), where=f"{where}, field 'segmentation'")
    return entry


def parse_field(name: str, raw: Any, *, where: str = "sources.yml") -> Value:
    """One field of an entry as ``sources.yml`` reads it (full or short form), checked against the schema.

    >>> parse_field("genre", {"value": "op-ed", "basis": "inferred", "evidence": "byline"}).basis
    'inferred'

    Raises:
        MetadataError: an unknown field, or a value that breaks the schema (``where`` says where).
    """
    if name not in FIELDS:
        raise MetadataError(f"{where}: unknown field {name!r}; expected {list(FIELDS)}")
    return _parse_value(raw, where=f"{where}, field {name!r}", name=name)


def _parse_value(raw: Any, *, where: str, name: str) -> Value:
    """One field, in the full form (a mapping of value, basis, evidence) or the short form (a plain value).

    >>> _parse_value("Reuters", where="x", name="outlet")
    Value(value='Reuters', basis='stated', evidence='stated by the analyst in sources.yml')
    >>> _parse_value(date(2019, 11, 18), where="x", name="published").value
    '2019-11-18'
    """
    if not isinstance(raw, dict):
        raw = _short_form(raw, where=where)
    unknown = sorted(str(k) for k in set(raw) - {"value", "basis", "evidence"})
    if unknown:
        raise MetadataError(f"{where}: unknown key(s) {unknown}; a field is a plain value (the short form) "
                            "or a mapping of value, basis and evidence")
    value = _text(raw.get("value"), where=f"{where}, value")
    basis = raw.get("basis", "")
    if not isinstance(basis, str) or basis.strip() not in BASES:
        raise MetadataError(f"{where}: basis must be one of {list(BASES)}, found {_shown(basis)}")
    basis = basis.strip()
    if basis == "unknown" and value:
        raise MetadataError(f"{where}: basis 'unknown' with a value {value!r}; use 'stated' or 'inferred', or empty the value")
    if basis != "unknown" and not value:
        raise MetadataError(f"{where}: basis {basis!r} needs a value")
    if name == "published" and value:
        _check_date(value, where=where)
    if name == "genre" and value and value not in GENRES:
        raise MetadataError(f"{where}: genre must be one of {list(GENRES)}, found {value!r}")
    return Value(value=value, basis=basis, evidence=_text(raw.get("evidence"), where=f"{where}, evidence"))


def _check_date(value: str, *, where: str) -> None:
    """``published`` is an ISO 8601 date (``YYYY-MM-DD``, optionally with a time) that exists on the calendar."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T[\d:]+)?", value):
        raise MetadataError(f"{where}: published must be an ISO 8601 date (YYYY-MM-DD), found {value!r}")
    try:
        date.fromisoformat(value[:10])
        if len(value) > 10:
            datetime.fromisoformat(value)
    except ValueError as exc:
        raise MetadataError(f"{where}: published {value!r} is not a real date ({exc})") from None


def _text(raw: Any, *, where: str) -> str:
    """A value where text belongs: text, a whole number (written as it reads) or empty; anything else is refused.

    >>> _text(1843, where="x"), _text(None, where="x")
    ('1843', '')
    """
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)  # the YAML reader types only plain decimal integers, so the text is exact
    raise MetadataError(f"{where}: expected text, found {_shown(raw)}")


def _kind(raw: Any) -> str:
    return "list" if isinstance(raw, list) else "mapping" if isinstance(raw, dict) else type(raw).__name__


def _shown(raw: Any) -> str:
    """How a misplaced value is named in a message: a list or mapping by its kind, a scalar with a hint."""
    if isinstance(raw, bool):
        return f"{raw!r} (YAML reads true/false as booleans: quote it)"
    if isinstance(raw, float):
        return f"the number {raw!r} (quote it to keep it as written)"
    if isinstance(raw, (list, dict)):
        return f"a {_kind(raw)}"
    return repr(raw)


def _short_form(raw: Any, *, where: str) -> dict[str, Any]:
    """``outlet: X`` as the full form: the analyst states it; an empty value is unknown."""
    if isinstance(raw, date):  # a date built in Python (the YAML reader leaves dates as text)
        raw = raw.isoformat()
    if not (raw is None or isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool))):
        raise MetadataError(f"{where}: expected a plain value (the short form) or value/basis/evidence, found {_shown(raw)}")
    value = _text(raw, where=where)
    if not value:
        return {"value": "", "basis": "unknown", "evidence": "left empty in sources.yml"}
    return {"value": value, "basis": "stated", "evidence": SHORT_FORM_EVIDENCE}


def _parse_overrides(raw: Any, *, where: str) -> Overrides:
    if raw is None:
        return Overrides()
    if not isinstance(raw, dict):
        raise MetadataError(f"{where}: expected a mapping, found {_shown(raw)}")
    allowed = {"boilerplate", "keep", "title_line", "comments"}
    if set(raw) - allowed:
        raise MetadataError(f"{where}: unknown key(s) {sorted(set(raw) - allowed)}; expected {sorted(allowed)}")
    patterns = {}
    for key in ("boilerplate", "keep"):
        items = raw.get(key)
        items = [] if items is None else items
        if not isinstance(items, list):
            raise MetadataError(f"{where}: {key} must be a list of regular expressions, found {_shown(items)}")
        for item in items:
            if not isinstance(item, str) or not item:
                raise MetadataError(f"{where}: {key} pattern {_shown(item)} is not a regular expression (quote it)")
            try:
                compile_override(item)
            except ValueError as exc:
                raise MetadataError(f"{where}: {key} pattern {item!r} {exc}") from None
        patterns[key] = list(items)
    title_line = raw.get("title_line")
    if title_line is not None and (not isinstance(title_line, int) or isinstance(title_line, bool) or title_line < 0):
        raise MetadataError(f"{where}: title_line must be a line number (0 for no headline), found {_shown(title_line)}")
    comments = raw.get("comments", True)
    if not isinstance(comments, bool):
        raise MetadataError(f"{where}: comments must be true or false, found {_shown(comments)}")
    return Overrides(boilerplate=patterns["boilerplate"], keep=patterns["keep"], title_line=title_line, comments=comments)
