"""The codebook: ``entities.yml`` read, checked and held as :class:`Codebook` (see the package docstring for the format)."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import MetadataError
from ..ingest.corpus import CODEBOOK_FILE
from ..io import load_yaml, read_yaml
from ..paths import project_root
from .keys import _form_key, is_acronym
from .matching import _Matcher

log = logging.getLogger(__name__)

TYPES = ("person", "organisation", "place", "group", "event")
#: the type of a discovered name that no evidence types (a provisional entity only; entities.yml needs one of TYPES)
UNKNOWN_TYPE = "unknown"
ENTRY_KEYS = ("name", "type", "aliases", "short", "wikidata", "parent", "lowercase", "note")


class CodebookError(MetadataError):
    """``entities.yml`` is malformed: the message names the file, the line, the entry and the problem."""


@dataclass(frozen=True)
class Entity:
    """One real-world entity of the codebook and the ways texts name it."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    wikidata: str = ""
    parent: str = ""
    lowercase: bool = False
    note: str = ""
    line: int = 0
    provisional: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        """The full forms: the name, then the aliases."""
        return (self.name, *self.aliases)

@dataclass
class Codebook:
    """The entities of ``entities.yml``, with a matcher compiled on first use."""

    entities: tuple[Entity, ...]
    path: str = ""
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {e.name: i for i, e in enumerate(self.entities)}

    def __len__(self) -> int:
        return len(self.entities)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("matcher", None)  # the compiled automaton is rebuilt on first use where the codebook is unpickled
        return state

    @property
    def provisional(self) -> bool:
        """True for the codebook of discovered names a corpus without ``entities.yml`` gets (see :mod:`.provisional`)."""
        return any(e.provisional for e in self.entities)

    def digest(self) -> str:
        """sha256 of every entry (name, type, forms, parent, flags): what a cache of mentions depends on."""
        text = repr([(e.name, e.type, e.aliases, e.short, e.parent, e.lowercase, e.provisional) for e in self.entities])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def __iter__(self):
        return iter(self.entities)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __getitem__(self, name: str) -> Entity:
        try:
            return self.entities[self._index[name]]
        except KeyError:
            raise KeyError(f"no entity {name!r} in the codebook {self.path or '(in memory)'}") from None

    def without(self, *names: str) -> Codebook:
        """A copy without some entries (and without parent links to them): what discovery sees when a name is missing."""
        missing = [n for n in names if n not in self]
        if missing:
            raise KeyError(f"not in the codebook: {missing}")
        gone = set(names)
        kept = tuple(
            Entity(**{**vars(e), "parent": "" if e.parent in gone else e.parent}) for e in self.entities if e.name not in gone
        )
        return Codebook(entities=kept, path=self.path)

    def to_frame(self) -> pd.DataFrame:
        """One row per entry: name, type, aliases, short forms, Wikidata id, parent, line in the file."""
        rows = [
            {
                "entity": e.name, "type": e.type, "aliases": "; ".join(e.aliases), "short": "; ".join(e.short),
                "wikidata": e.wikidata, "parent": e.parent, "lowercase": e.lowercase, "line": e.line,
                "provisional": e.provisional, "note": e.note,
            }
            for e in self.entities
        ]
        columns = ["entity", "type", "aliases", "short", "wikidata", "parent", "lowercase", "line", "provisional", "note"]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["type", "entity"], ignore_index=True)

    def ancestor(self, name: str) -> str:
        """The top of an entry's ``parent`` chain (Quds Force -> Islamic Revolutionary Guard Corps)."""
        seen = {name}
        while self[name].parent:
            name = self[name].parent
            if name in seen:  # parse_codebook rejects cycles; this guards hand-built codebooks
                break
            seen.add(name)
        return name

    @cached_property
    def matcher(self) -> _Matcher:
        return _Matcher(self.entities)


def declared_codebook(corpus_path: str | Path, codebook: Codebook | str | Path | None = None) -> Codebook | None:
    """The codebook the analyst declared: the one given, else ``entities.yml`` in the corpus folder, else ``None``.

    A path given as text may be relative to the project folder (as notebook parameters are).

    Raises:
        CodebookError: the codebook given does not exist or is malformed.
    """
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is not None and str(codebook).strip():
        path = Path(codebook).expanduser()
        if not path.is_absolute() and not path.exists():
            path = project_root() / path
        return load_codebook(path)
    path = Path(corpus_path) / CODEBOOK_FILE
    return load_codebook(path) if path.exists() else None


def load_codebook(path: str | Path) -> Codebook:
    """Read an entity codebook (``entities.yml``).

    Args:
        path: the YAML file.

    Returns:
        A :class:`Codebook`, entries in file order.

    Raises:
        CodebookError: the file is missing, is not valid YAML, or an entry breaks the
            schema; the message names the file, the line and the problem.
    """
    file = Path(path)
    if not file.is_file():
        raise CodebookError(f"{file}: codebook not found")
    return _codebook_from(*read_yaml(file, error=CodebookError), source=str(file))


def parse_codebook(text: str, *, source: str = "<codebook>") -> Codebook:
    """Parse codebook YAML text (see ``seeds/entities.yml`` for the format).

    Each entry of the top-level ``entities:`` list is a mapping with ``name`` and
    ``type`` (one of :data:`TYPES`, or ``unknown`` for a name whose type is still to be
    decided, as :func:`.discovery.discovery_yaml` writes when no evidence typed it), and optionally ``aliases`` and ``short``
    (lists of text), ``wikidata`` (``Q`` and digits, or empty), ``parent`` (the
    name of another entry), ``lowercase`` (true or false) and ``note``.

    >>> book = parse_codebook("entities:\\n  - {name: Iran, type: place, aliases: [IRI]}\\n")
    >>> book["Iran"].aliases
    ('IRI',)
    >>> parse_codebook("entities:\\n  - {name: Iran, type: country}\\n")
    Traceback (most recent call last):
    ...
    presslens.entities.codebook.CodebookError: <codebook>, line 2, entry 'Iran': type must be one of ['person', 'organisation', 'place', 'group', 'event'] (or 'unknown' while undecided), found 'country'

    Raises:
        CodebookError: with the line of the offending entry or field.
    """
    return _codebook_from(*load_yaml(text, source=source, error=CodebookError), source=source)


def _codebook_from(root: yaml.Node | None, data: Any, *, source: str) -> Codebook:
    """The codebook of a parsed file (:func:`presslens.io.load_yaml`'s node tree and data), checked."""
    if data is None:
        return Codebook(entities=(), path=source)
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise CodebookError(f"{source}, line 1: expected a mapping with an 'entities' list at the top, found {type(data).__name__}")
    top = {k.value: (k, v) for k, v in root.value}
    unknown = sorted(set(data) - {"version", "entities"})
    if unknown:
        key = top[str(unknown[0])][0] if str(unknown[0]) in top else root
        raise CodebookError(f"{source}, line {key.start_mark.line + 1}: unknown top-level key(s) {unknown}; expected 'version' and 'entities'")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version != 1:
        raise CodebookError(f"{source}, line {top['version'][1].start_mark.line + 1}: version must be 1, found {data['version']!r}")
    items = data.get("entities")
    if items is None:
        return Codebook(entities=(), path=source)
    items_node = top["entities"][1]
    if not isinstance(items, list) or not isinstance(items_node, yaml.SequenceNode):
        raise CodebookError(f"{source}, line {items_node.start_mark.line + 1}: 'entities' must be a list of entries, found {type(items).__name__}")
    entities: list[Entity] = []
    for raw, node in zip(items, items_node.value):
        entities.append(_parse_entry(raw, node, source=source))
    _check_codebook(entities, source=source)
    return Codebook(entities=tuple(entities), path=source)


def _parse_entry(raw: Any, node: yaml.Node, *, source: str) -> Entity:
    line = node.start_mark.line + 1
    if not isinstance(raw, dict) or not isinstance(node, yaml.MappingNode):
        raise CodebookError(f"{source}, line {line}: an entry must be a mapping with name and type, found {_found(raw)}")
    lines = {key.value: value.start_mark.line + 1 for key, value in node.value}  # the loader refuses a key given twice
    name = raw.get("name")
    label = f"entry {name!r}" if isinstance(name, str) and name.strip() else "entry"
    where = f"{source}, line {{}}, {label}"
    unknown = sorted(str(k) for k in set(raw) - set(ENTRY_KEYS))
    if unknown:
        raise CodebookError(f"{where.format(lines.get(unknown[0], line))}: unknown key(s) {unknown}; expected {list(ENTRY_KEYS)}")
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(f"{where.format(lines.get('name', line))}: 'name' must be non-empty text, found {_found(name)}")
    kind = raw.get("type")
    if kind not in TYPES and kind != UNKNOWN_TYPE:
        raise CodebookError(
            f"{where.format(lines.get('type', line))}: type must be one of {list(TYPES)} (or {UNKNOWN_TYPE!r} while undecided), found {_found(kind)}"
        )
    lists = {}
    for key in ("aliases", "short"):
        value = raw.get(key)
        value = [] if value is None else value
        if not isinstance(value, list):
            raise CodebookError(f"{where.format(lines.get(key, line))}: {key!r} must be a list like [a, b], found {_found(value)}")
        for item in value:
            if not isinstance(item, str) or not any(ch.isalnum() for ch in item):
                raise CodebookError(f"{where.format(lines.get(key, line))}: {key!r} item {item!r} is not a name (quote numbers and dates)")
        lists[key] = tuple(dict.fromkeys(" ".join(item.split()) for item in value))
    wikidata = raw.get("wikidata")
    wikidata = "" if wikidata is None else wikidata
    if not isinstance(wikidata, str) or (wikidata and not re.fullmatch(r"Q[1-9]\d*", wikidata)):
        raise CodebookError(f"{where.format(lines.get('wikidata', line))}: wikidata must be an id like Q794 or empty, found {_found(wikidata)}")
    parent = raw.get("parent")
    parent = "" if parent is None else parent
    if not isinstance(parent, str):
        raise CodebookError(f"{where.format(lines.get('parent', line))}: parent must be the name of another entry, found {_found(parent)}")
    lowercase = raw.get("lowercase", False)
    if not isinstance(lowercase, bool):
        raise CodebookError(f"{where.format(lines.get('lowercase', line))}: lowercase must be true or false, found {_found(lowercase)}")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise CodebookError(f"{where.format(lines.get('note', line))}: note must be text, found {_found(note)}")
    return Entity(
        name=" ".join(name.split()), type=kind, aliases=tuple(a for a in lists["aliases"] if a != name.strip()),
        short=lists["short"], wikidata=wikidata, parent=parent.strip(), lowercase=lowercase,
        note="" if note is None else note, line=line,
    )


def _found(raw: Any) -> str:
    """A misplaced value in a message: a list or mapping by its kind (not stringified), a number with a hint."""
    if isinstance(raw, (list, dict)):
        return f"a {'list' if isinstance(raw, list) else 'mapping'}"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return f"{raw!r} (quote numbers)"
    return repr(raw)


def _check_codebook(entities: list[Entity], *, source: str) -> None:
    """Names unique, parents exist without cycles, a full form belongs to one entry only."""
    by_name: dict[str, Entity] = {}
    for e in entities:
        other = by_name.get(e.name.casefold())
        if other:
            raise CodebookError(f"{source}, line {e.line}, entry {e.name!r}: the name is already used by the entry at line {other.line}")
        by_name[e.name.casefold()] = e
    names = {e.name for e in entities}
    for e in entities:
        if e.parent and e.parent not in names:
            raise CodebookError(f"{source}, line {e.line}, entry {e.name!r}: parent {e.parent!r} is not an entry of the codebook")
        if e.parent == e.name:
            raise CodebookError(f"{source}, line {e.line}, entry {e.name!r}: an entry cannot be its own parent")
    parents = {e.name: e.parent for e in entities}
    for e in entities:
        chain, node = [e.name], e.parent
        while node:
            if node in chain:
                raise CodebookError(f"{source}, line {e.line}, entry {e.name!r}: parent chain loops: {' -> '.join([*chain, node])}")
            chain.append(node)
            node = parents.get(node, "")
    full: dict[tuple[bool, str], Entity] = {}
    for e in entities:
        for form in e.forms:
            exact = is_acronym(form)
            key = (exact, _form_key(form, exact=exact))
            owner = full.get(key)
            if owner is not None and owner.name != e.name:
                raise CodebookError(
                    f"{source}, line {e.line}, entry {e.name!r}: the form {form!r} already names {owner.name!r} (line {owner.line}); "
                    "a full name or alias must belong to one entry (shared surnames go under 'short')"
                )
            full[key] = e
    for e in entities:
        for form in e.short:
            exact = is_acronym(form)
            owner = full.get((exact, _form_key(form, exact=exact)))
            if owner is not None and owner.name != e.name:
                raise CodebookError(
                    f"{source}, line {e.line}, entry {e.name!r}: the short form {form!r} is a full name or alias of {owner.name!r} (line {owner.line})"
                )
