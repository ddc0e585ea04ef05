"""``sources.yml``: what is known about each document, and how it is known.

Each field carries a value, a *basis* (``stated`` by the text, ``inferred`` from
it, or ``unknown``) and the evidence, so a report can show an analyst which
metadata to trust. A field is written in the full form
(``outlet: {value: X, basis: inferred, evidence: how}``) or in the short form
(``outlet: X``): a plain value is the analyst's word, basis ``stated`` with the
evidence :data:`SHORT_FORM_EVIDENCE`. Malformed entries raise
:class:`MetadataError` naming the file, the line and the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import MetadataError
from ..io import load_yaml
from .segment import Overrides

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
    path = Path(corpus_dir) / SOURCES_FILE
    if not path.exists():
        return {}, []
    text = path.read_text(encoding="utf-8")
    try:
        root, data = load_yaml(text, source=path, error=MetadataError)
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
    entry = SourceEntry(doc_id=doc_id, file=str(raw.get("file") or ""), line=line)
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
    value = raw.get("value", "")
    value = "" if value is None else value
    if isinstance(value, date):
        value = value.isoformat()
    value = str(value)
    basis = str(raw.get("basis", "")).strip()
    if basis not in BASES:
        raise MetadataError(f"{where}: basis must be one of {list(BASES)}, found {basis!r}")
    if basis == "unknown" and value:
        raise MetadataError(f"{where}: basis 'unknown' with a value {value!r}; use 'stated' or 'inferred', or empty the value")
    if basis != "unknown" and not value:
        raise MetadataError(f"{where}: basis {basis!r} needs a value")
    if name == "published" and value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T[\d:]+)?", value):
        raise MetadataError(f"{where}: published must be an ISO 8601 date (YYYY-MM-DD), found {value!r}")
    if name == "genre" and value and value not in GENRES:
        raise MetadataError(f"{where}: genre must be one of {list(GENRES)}, found {value!r}")
    return Value(value=value, basis=basis, evidence=str(raw.get("evidence", "") or ""))


def _short_form(raw: Any, *, where: str) -> dict[str, Any]:
    """``outlet: X`` as the full form: the analyst states it; an empty value is unknown."""
    if isinstance(raw, bool) or isinstance(raw, (list, tuple, set)):
        shown = "a list" if not isinstance(raw, bool) else f"{raw!r} (YAML reads yes/no/true/false as booleans: quote it)"
        raise MetadataError(f"{where}: expected a plain value (the short form) or value/basis/evidence, found {shown}")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {"value": "", "basis": "unknown", "evidence": "left empty in sources.yml"}
    value = raw.isoformat() if isinstance(raw, date) else str(raw).strip()
    return {"value": value, "basis": "stated", "evidence": SHORT_FORM_EVIDENCE}


def _parse_overrides(raw: Any, *, where: str) -> Overrides:
    if raw is None:
        return Overrides()
    if not isinstance(raw, dict):
        raise MetadataError(f"{where}: expected a mapping, found {raw!r}")
    allowed = {"boilerplate", "keep", "title_line", "comments"}
    if set(raw) - allowed:
        raise MetadataError(f"{where}: unknown key(s) {sorted(set(raw) - allowed)}; expected {sorted(allowed)}")
    patterns = {}
    for key in ("boilerplate", "keep"):
        items = raw.get(key) or []
        if not isinstance(items, list):
            raise MetadataError(f"{where}: {key} must be a list of regular expressions")
        for item in items:
            try:
                re.compile(str(item))
            except re.error as exc:
                raise MetadataError(f"{where}: {key} pattern {item!r} is not a valid regular expression: {exc}") from None
        patterns[key] = [str(p) for p in items]
    title_line = raw.get("title_line")
    if title_line is not None and (not isinstance(title_line, int) or title_line < 0):
        raise MetadataError(f"{where}: title_line must be a line number (0 for no headline), found {title_line!r}")
    comments = raw.get("comments", True)
    if not isinstance(comments, bool):
        raise MetadataError(f"{where}: comments must be true or false, found {comments!r}")
    return Overrides(boilerplate=patterns["boilerplate"], keep=patterns["keep"], title_line=title_line, comments=comments)
