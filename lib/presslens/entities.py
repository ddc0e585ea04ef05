"""Entities: who and what each document is about, one count per real entity whatever the spelling.

A story about Iran and Iraq spells its people many ways: Soleimani, Suleimani,
Qassem, Qassim; Adil Abdul Mahdi, Abdul-Mahdi, Mahdi; al-Abadi, Al Abadi. Counting
words would split one person into several. This module matches an editable
**codebook** (``entities.yml`` beside the documents) against every body and
comment and reports one canonical entity per mention, with the exact spelling
the outlet used and its character offsets.

How a mention is found (the rules the tests pin down):

* **Longest match on word boundaries.** All codebook forms are compiled once
  into an Aho-Corasick automaton (pyahocorasick); of overlapping matches the
  leftmost-longest wins ("Islamic Republic of Iran" is one mention of Iran, not
  also "Iran"). A match must start and end at a word boundary: "Iran" does not
  match inside "Iranian".
* **Spelling-tolerant key.** Text and forms are compared on a key of the same
  length as the text, so offsets stay exact: case folded, hyphens and spaces
  alike ("al-Abadi", "Al Abadi", "al Abadi", "Al-Abadi" are one key), curly
  and straight apostrophes alike, Latin diacritics dropped ("Qāsem" = "Qasem").
  A possessive ("Iran’s", "Iran's", "Sunnis’") is a boundary, so the mention is
  "Iran" and the ``'s`` stays outside it.
* **Case.** Acronyms (a form written in capitals: US, U.S., IRI, MOIS, CIA) match
  only in capitals, so "us" is never the United States; inside a run of shouted
  capitals ("LET US GO") they are skipped. Other forms match in any case, but a
  form written with a capital needs at least one capital in the text, so "bush",
  "trump", "guard" and "the times" are ordinary words; an entry with
  ``lowercase: true`` also matches text written all in lower case ("iran").
* **Short forms** (the codebook's ``short:`` list: surnames, "Saddam", "Quds")
  are resolved per document, body and comments together. A short form counts
  for entity E when E's full name or an alias appears anywhere in the same
  document (``short_in_document``), or else when E is the only codebook entry
  with that short form (``short_unique``; switch this off with
  ``require_full_name=True``). A short form shared by several entries counts
  only in a document that names exactly one of them in full; otherwise it is
  *ambiguous* and not counted (see :func:`unresolved_mentions_table`).
* **Titles** before a person ("Maj. Gen.", "President", "Prime Minister",
  "Ayatollah") are recorded in the ``title`` column; the mention's span is the
  name itself, so "Gen. Soleimani" is a mention "Soleimani" with title "Gen.".

Discovery (:func:`discover_names`) lists capitalised names that the codebook
does not cover, ranked by how many sources use them, and :func:`discovery_yaml`
turns that list into entries to paste into the codebook.
"""

from __future__ import annotations

import html
import logging
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import pandas as pd
import plotly.graph_objects as go
import yaml

from .charts import PALETTE, add_source
from .corpus import Corpus, Document
from .errors import MetadataError
from .io import load_yaml
from .text import count_words, sentence_spans

log = logging.getLogger(__name__)

CODEBOOK_FILE = "entities.yml"
TYPES = ("person", "organisation", "place", "group", "event")
TYPE_COLOURS = {"person": PALETTE[0], "organisation": PALETTE[1], "place": PALETTE[2], "group": PALETTE[4], "event": PALETTE[3]}
ENTRY_KEYS = ("name", "type", "aliases", "short", "wikidata", "parent", "lowercase", "note")
PARTS = ("body", "comment")

MENTION_COLUMNS = [
    "doc_id", "part", "comment_id", "entity", "type", "surface", "start", "end", "sent_id", "resolved_by", "alias", "title",
]
COUNT_COLUMNS = ["entity", "type", "doc_id", "part", "count", "per_1k_words", "words"]
UNRESOLVED_COLUMNS = ["doc_id", "part", "comment_id", "surface", "start", "end", "sent_id", "candidates", "reason"]
COOCCURRENCE_COLUMNS = ["entity_a", "entity_b", "sentences", "documents", "doc_ids"]
DISCOVERY_COLUMNS = [
    "name", "kind", "type_guess", "count", "n_sources", "sources", "parts", "variants", "short_forms", "short_count",
    "similar", "titles", "guess_basis", "example",
]

#: How a mention was attributed (the ``resolved_by`` column).
RESOLVED_BY = {
    "alias": "the entity's name or one of its aliases",
    "short_in_document": "a short form; the entity is named in full elsewhere in the same document",
    "short_unique": "a short form only this codebook entry has; the full name is not in the document",
}


class CodebookError(MetadataError):
    """``entities.yml`` is malformed: the message names the file, the line, the entry and the problem."""


# ---------------------------------------------------------------------------
# The comparison key: same length as the text, so offsets need no mapping.
# ---------------------------------------------------------------------------
def _shape_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for ch in "\t\u00a0\u2007\u2009\u200a\u202f":
        table[ord(ch)] = " "
    for ch in "-\u2010\u2011":  # hyphens join name parts ("al-Abadi" = "al Abadi"); dashes do not
        table[ord(ch)] = " "
    for ch in "\u2019\u2018\u02bc\u02bb\u02be\u02bf\u2032`":  # apostrophes and transliteration marks
        table[ord(ch)] = "'"
    for code in range(0xC0, 0x250):  # Latin-1 Supplement, Latin Extended-A/B: drop diacritics
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


_SHAPE = _shape_table()
_SHAPE_CHARS = {chr(code): value for code, value in _SHAPE.items()}
# a regex substitution is ~5x faster than str.translate with a dict on non-ASCII text
_SHAPE_RE = re.compile("[" + re.escape("".join(sorted(_SHAPE_CHARS))) + "]")
_SPACES = "[ \t\u00a0\u2007\u2009\u200a\u202f]"
_MULTISPACE = re.compile(_SPACES + "{2,}")

_ACRONYM_RE = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Z0-9&]+")
_ALLCAPS_WORD = re.compile(r"[A-Z]{2,}")
_WORD_BEFORE = re.compile(r"([^\W_]+)[^\S\n]*$")
_WORD_AFTER = re.compile(r"^[^\S\n]*([^\W_]+)")

_TITLE_WORDS = (
    r"(?:Maj|Gen|Lt|Col|Brig|Capt|Adm|Sgt|Cpl|Pres|Sen|Rep|Gov|Amb|Dr|Mr|Mrs|Ms|Prof|Rev)\.?"
    r"|Major|Lieutenant|General|Colonel|Brigadier|Captain|Admiral|Commander|Marshal"
    r"|President|Vice President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|Ambassador|Speaker"
    r"|Senator|Secretary of State|Secretary|Grand Ayatollah|Ayatollah|Hojatoleslam|Sayyid|Sayed|Sheikh|Shaikh|Mullah"
    r"|King|Prince|Emir|Imam"
)
_TITLE_BEFORE = re.compile(rf"(?<![\w.])((?:(?:{_TITLE_WORDS})[^\S\n]+)+)$")


def fold_key(text: str) -> str:
    """The key two spellings share when they differ only in case, hyphens, apostrophes or diacritics.

    The key has the same length as ``text``, so an offset found in the key is an
    offset in the text (codebook forms are keyed the same way, with runs of spaces
    collapsed). Discovery groups spellings by it.

    >>> fold_key("Al-Abadi’s") == fold_key("al Abadi's")
    True
    >>> fold_key("Qāsem")
    'qasem'
    """
    return _lower(_shape(text))


def _shape(text: str) -> str:
    """Hyphens and odd spaces to a space, apostrophes to ', diacritics dropped; same length."""
    return _SHAPE_RE.sub(lambda m: _SHAPE_CHARS[m.group()], text)


def _lower(shaped: str) -> str:
    lowered = shaped.lower()
    if len(lowered) != len(shaped):  # a few characters lower-case to two ("İ"): keep the length
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in shaped)
    return lowered


def _form_key(form: str, *, exact: bool) -> str:
    shaped = " ".join(_shape(form).split())
    return shaped if exact else _lower(shaped)


def is_acronym(form: str) -> bool:
    """A form written in capitals (US, U.S., MOIS, IRGC): matched case-sensitively.

    >>> is_acronym("U.S."), is_acronym("MOIS"), is_acronym("Mahdi"), is_acronym("DoD")
    (True, True, False, False)
    """
    return bool(_ACRONYM_RE.fullmatch(form.strip()))


# ---------------------------------------------------------------------------
# The codebook
# ---------------------------------------------------------------------------
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

    @property
    def forms(self) -> tuple[str, ...]:
        """The full forms: the name, then the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class _Target:
    entity: int
    form: str
    kind: str  # alias | short
    needs_capital: bool


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
            }
            for e in self.entities
        ]
        frame = pd.DataFrame(rows, columns=["entity", "type", "aliases", "short", "wikidata", "parent", "lowercase", "line"])
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
    return parse_codebook(file.read_text(encoding="utf-8"), source=str(file))


def parse_codebook(text: str, *, source: str = "<codebook>") -> Codebook:
    """Parse codebook YAML text (see ``seeds/entities.yml`` for the format).

    Each entry of the top-level ``entities:`` list is a mapping with ``name`` and
    ``type`` (one of :data:`TYPES`), and optionally ``aliases`` and ``short``
    (lists of text), ``wikidata`` (``Q`` and digits, or empty), ``parent`` (the
    name of another entry), ``lowercase`` (true or false) and ``note``.

    >>> book = parse_codebook("entities:\\n  - {name: Iran, type: place, aliases: [IRI]}\\n")
    >>> book["Iran"].aliases
    ('IRI',)
    >>> parse_codebook("entities:\\n  - {name: Iran, type: country}\\n")
    Traceback (most recent call last):
    ...
    presslens.entities.CodebookError: <codebook>, line 2, entry 'Iran': type must be one of ['person', 'organisation', 'place', 'group', 'event'], found 'country'

    Raises:
        CodebookError: with the line of the offending entry or field.
    """
    root, data = load_yaml(text, source=source, error=CodebookError)
    if data is None:
        return Codebook(entities=(), path=source)
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise CodebookError(f"{source}, line 1: expected a mapping with an 'entities' list at the top, found {type(data).__name__}")
    top = {k.value: (k, v) for k, v in root.value}
    unknown = sorted(set(data) - {"version", "entities"})
    if unknown:
        key = top[str(unknown[0])][0] if str(unknown[0]) in top else root
        raise CodebookError(f"{source}, line {key.start_mark.line + 1}: unknown top-level key(s) {unknown}; expected 'version' and 'entities'")
    if data.get("version", 1) != 1:
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
        raise CodebookError(f"{source}, line {line}: an entry must be a mapping with name and type, found {type(raw).__name__} {raw!r}")
    lines: dict[str, int] = {}
    for key, value in node.value:
        if key.value in lines:
            raise CodebookError(f"{source}, line {key.start_mark.line + 1}: key {key.value!r} given twice in one entry")
        lines[key.value] = value.start_mark.line + 1
    name = raw.get("name")
    label = f"entry {name!r}" if isinstance(name, str) and name.strip() else "entry"
    where = f"{source}, line {{}}, {label}"
    unknown = sorted(str(k) for k in set(raw) - set(ENTRY_KEYS))
    if unknown:
        raise CodebookError(f"{where.format(lines.get(unknown[0], line))}: unknown key(s) {unknown}; expected {list(ENTRY_KEYS)}")
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(f"{where.format(lines.get('name', line))}: 'name' must be non-empty text, found {name!r}")
    kind = raw.get("type")
    if kind not in TYPES:
        raise CodebookError(f"{where.format(lines.get('type', line))}: type must be one of {list(TYPES)}, found {kind!r}")
    lists = {}
    for key in ("aliases", "short"):
        value = raw.get(key)
        value = [] if value is None else value
        if not isinstance(value, list):
            raise CodebookError(f"{where.format(lines.get(key, line))}: {key!r} must be a list like [a, b], found {value!r}")
        for item in value:
            if not isinstance(item, str) or not any(ch.isalnum() for ch in item):
                raise CodebookError(f"{where.format(lines.get(key, line))}: {key!r} item {item!r} is not a name (quote numbers and dates)")
        lists[key] = tuple(dict.fromkeys(" ".join(item.split()) for item in value))
    wikidata = raw.get("wikidata")
    wikidata = "" if wikidata is None else wikidata
    if not isinstance(wikidata, str) or (wikidata and not re.fullmatch(r"Q[1-9]\d*", wikidata)):
        raise CodebookError(f"{where.format(lines.get('wikidata', line))}: wikidata must be an id like Q794 or empty, found {wikidata!r}")
    parent = raw.get("parent")
    parent = "" if parent is None else parent
    if not isinstance(parent, str):
        raise CodebookError(f"{where.format(lines.get('parent', line))}: parent must be the name of another entry, found {parent!r}")
    lowercase = raw.get("lowercase", False)
    if not isinstance(lowercase, bool):
        raise CodebookError(f"{where.format(lines.get('lowercase', line))}: lowercase must be true or false, found {lowercase!r}")
    note = raw.get("note")
    return Entity(
        name=" ".join(name.split()), type=kind, aliases=tuple(a for a in lists["aliases"] if a != name.strip()),
        short=lists["short"], wikidata=wikidata, parent=parent.strip(), lowercase=lowercase,
        note="" if note is None else str(note), line=line,
    )


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


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------
class Mention(NamedTuple):
    """One mention of a codebook entity in a text; ``text[start:end] == surface``."""

    entity: str
    type: str
    surface: str
    start: int
    end: int
    alias: str
    resolved_by: str
    title: str = ""


#: A match before resolution: (start, end, targets). A plain tuple: millions are made.
_Hit = tuple


class _Matcher:
    """Two automata over the same-length key: folded (most forms) and exact case (acronyms)."""

    def __init__(self, entities: tuple[Entity, ...]) -> None:
        merged: dict[tuple[bool, str], dict[tuple[int, str], _Target]] = defaultdict(dict)
        for i, e in enumerate(entities):
            for kind, forms in (("alias", e.forms), ("short", e.short)):
                for form in forms:
                    exact = is_acronym(form)
                    key = _form_key(form, exact=exact)
                    needs = (not exact) and any(ch.isupper() for ch in form) and not e.lowercase
                    slot = merged[(exact, key)]
                    old = slot.get((i, kind))
                    # two forms with one key ("War on Terror", "war on terror"): the laxer one decides
                    slot[(i, kind)] = _Target(i, form, kind, needs and (old.needs_capital if old else True))
        self.folded = self._automaton({k: v for (exact, k), v in merged.items() if not exact})
        self.exact = self._automaton({k: v for (exact, k), v in merged.items() if exact})

    @staticmethod
    def _automaton(keys: dict[str, dict]) -> ahocorasick.Automaton | None:
        if not keys:
            return None
        auto = ahocorasick.Automaton()
        for key, targets in keys.items():
            values = tuple(targets.values())
            auto.add_word(key, (len(key), values, any(t.needs_capital for t in values)))
        auto.make_automaton()
        return auto

    def hits(self, text: str) -> list[_Hit]:
        """Leftmost-longest matches on word boundaries that pass the case rules, as (start, end, targets)."""
        shaped = _shape(text)
        source, points = text, None
        if _spaced_words(text):  # rare: "Haider  al-Abadi"; offsets then need a map
            source, points = _collapse_spaces(text)
            shaped = _shape(source)
        folded = _lower(shaped)
        found: list[tuple[int, int, tuple[_Target, ...]]] = []
        append = found.append
        n = len(text)
        for auto, haystack, exact in ((self.folded, folded, False), (self.exact, shaped, True)):
            if auto is None:
                continue
            for last, (length, targets, needs_capital) in auto.iter(haystack):
                a, b = last - length + 1, last + 1
                if points is not None:
                    a, b = _unmap(points, a), _unmap(points, b - 1) + 1
                if (a and text[a - 1].isalnum()) or (b < n and text[b].isalnum()):
                    continue  # inside a word: "Iran" in "Iranian"
                if needs_capital and text[a:b].islower():
                    targets = tuple(t for t in targets if not t.needs_capital)
                    if not targets:
                        continue
                if exact and a > 1 and text[a - 2].isupper() and _shouted(text, a, b):
                    continue
                append((a, -b, targets))
        found.sort(key=_SPAN)
        chosen: list[_Hit] = []
        edge = -1
        for a, negative_end, targets in found:
            if a >= edge:
                edge = -negative_end
                chosen.append((a, edge, targets))
        return chosen


_SPAN = itemgetter(0, 1)


def _collapse_spaces(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Runs of spaces become one; returns the collapsed text and (collapsed index, shift) breakpoints."""
    pieces, points, prev, removed = [], [(0, 0)], 0, 0
    for m in _MULTISPACE.finditer(text):
        pieces.append(text[prev : m.start()] + " ")
        run = m.end() - m.start()
        points.append((m.start() + 1 - removed, removed + run - 1))
        removed += run - 1
        prev = m.end()
    pieces.append(text[prev:])
    return "".join(pieces), points


_SPACE_PAIRS = ("  ", "\t", "\u00a0 ", " \u00a0", "\u00a0\u00a0", "\u2009", "\u202f", "\u200a", "\u2007")


def _spaced_words(text: str) -> bool:
    """Words separated by a run of spaces? (Substring tests first: they scan megabytes in milliseconds.)"""
    if not any(pair in text for pair in _SPACE_PAIRS):
        return False
    return any(
        m.start() and text[m.start() - 1].isalnum() and m.end() < len(text) and text[m.end()].isalnum()
        for m in _MULTISPACE.finditer(text)
    )


def _unmap(points: list[tuple[int, int]], index: int) -> int:
    i = bisect_right(points, (index, float("inf"))) - 1
    return index + points[i][1]


def _shouted(text: str, start: int, end: int) -> bool:
    """An acronym between two all-capital words ("LET US GO") is shouting, not an acronym."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    after = _WORD_AFTER.search(text[end : end + 40])
    return bool(before and after and _ALLCAPS_WORD.fullmatch(before.group(1)) and _ALLCAPS_WORD.fullmatch(after.group(1)))


#: The word right before a name when a title precedes it (the last word of each title above).
_TITLE_LAST_WORDS = frozenset(
    """
    Maj Gen Lt Col Brig Capt Adm Sgt Cpl Pres Sen Rep Gov Amb Dr Mr Mrs Ms Prof Rev Major Lieutenant General Colonel
    Brigadier Captain Admiral Commander Marshal President Minister Ambassador Speaker Senator State Secretary Ayatollah
    Hojatoleslam Sayyid Sayed Sheikh Shaikh Mullah King Prince Emir Imam
    """.split()
)


def _title_before(text: str, start: int) -> str:
    """The title right before a name ("Maj. Gen.", "Prime Minister"), or ""."""
    if start < 2 or text[start - 1] not in " \u00a0":
        return ""
    before = text[max(0, start - 24) : start - 1].split()
    if not before or before[-1].rstrip(".") not in _TITLE_LAST_WORDS:  # cheap test before the regex
        return ""
    m = _TITLE_BEFORE.search(text, max(0, start - 60), start)
    return " ".join(m.group(1).split()) if m else ""


def _resolve(
    hits: Iterable[_Hit], text: str, codebook: Codebook, *, known: frozenset[str] | set[str], require_full_name: bool
) -> list[tuple[_Hit, Mention | None, str]]:
    """Attribute each hit: a Mention, or None with the reason it is not counted."""
    out = []
    entities = codebook.entities
    for hit in hits:
        start, end, targets = hit
        target = targets[0]
        if target.kind == "alias":
            how = "alias"
        else:
            full = [t for t in targets if t.kind == "alias"]
            if full:
                target, how = full[0], "alias"
            else:
                candidates = sorted({t.entity for t in targets})
                named = [i for i in candidates if entities[i].name in known]
                if len(named) == 1:
                    target, how = next(t for t in targets if t.entity == named[0]), "short_in_document"
                elif len(candidates) == 1 and not require_full_name:
                    how = "short_unique"
                else:
                    reason = (
                        "short form of several entries; the document names none of them in full" if len(candidates) > 1 and not named
                        else "short form of several entries, all named in full in the document" if len(named) > 1
                        else "short form; the full name is not in the document (require_full_name)"
                    )
                    out.append((hit, None, reason))
                    continue
        entity = entities[target.entity]
        title = _title_before(text, start) if entity.type == "person" else ""
        out.append((hit, Mention(entity.name, entity.type, text[start:end], start, end, target.form, how, title), ""))
    return out


def full_names_in(text: str, codebook: Codebook) -> set[str]:
    """The entities a text names by a full form (name or alias), the context short forms are resolved against.

    >>> book = parse_codebook("entities:\\n  - {name: Adil Abdul Mahdi, type: person, short: [Mahdi]}\\n")
    >>> full_names_in("the prime minister, Adil Abdul Mahdi.", book), full_names_in("Mahdi said.", book)
    ({'Adil Abdul Mahdi'}, set())
    """
    return {codebook.entities[t.entity].name for _, _, targets in codebook.matcher.hits(text) for t in targets if t.kind == "alias"}


def document_entities(doc: Document, codebook: Codebook) -> set[str]:
    """The entities a document names in full anywhere, in its body or its comments."""
    names = full_names_in(doc.body, codebook)
    for c in doc.comments:
        names |= full_names_in(c.text, codebook)
    return names


def mentions_in(
    text: str,
    codebook: Codebook,
    *,
    known: Iterable[str] = (),
    require_full_name: bool = False,
) -> list[Mention]:
    """The codebook entities a text mentions, in order, with exact offsets.

    Use it on a sentence to find its entities (sentiment by entity, omissions):
    pass ``known=document_entities(doc, codebook)`` so short forms ("Mahdi") are
    resolved against the whole document, as the tables do.

    Args:
        text: any text (a body, a comment, a sentence).
        codebook: from :func:`load_codebook`.
        known: entity names the surrounding document names in full; full names in
            ``text`` itself always count.
        require_full_name: count a short form only if its entity is named in full
            in ``text`` or ``known``.

    >>> book = parse_codebook(
    ...     "entities:\\n  - {name: Haider al-Abadi, type: person, short: [al-Abadi]}\\n"
    ...     "  - {name: United States, type: place, aliases: [US, U.S.]}\\n")
    >>> [(m.entity, m.surface, m.resolved_by) for m in mentions_in("Al Abadi’s talks with us and the US.", book)]
    [('Haider al-Abadi', 'Al Abadi', 'short_unique'), ('United States', 'US', 'alias')]
    """
    hits = codebook.matcher.hits(text)
    context = set(known) | {codebook.entities[t.entity].name for _, _, targets in hits for t in targets if t.kind == "alias"}
    return [m for _, m, _ in _resolve(hits, text, codebook, known=context, require_full_name=require_full_name) if m is not None]


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
def codebook_for(corpus: Corpus, codebook: Codebook | str | Path | None = None) -> Codebook:
    """The codebook a run uses: the one given, else ``entities.yml`` in the corpus folder.

    A path given as text may be relative to the project folder (as notebook
    parameters are). With no codebook at all, a warning is logged and an empty
    codebook is returned: nothing is counted, and :func:`discover_names` lists the
    candidates to start one.

    Raises:
        CodebookError: the codebook given does not exist or is malformed.
    """
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is not None and str(codebook).strip():
        path = Path(codebook).expanduser()
        if not path.is_absolute() and not path.exists():
            from .paths import project_root

            path = project_root() / path
        return load_codebook(path)
    path = Path(corpus.path) / CODEBOOK_FILE
    if not path.exists():
        log.warning("no %s in %s: no entity is counted (discover_names lists candidates to start one)", CODEBOOK_FILE, corpus.path)
        return Codebook(entities=(), path=str(path))
    return load_codebook(path)


def _parts(doc: Document) -> list[tuple[str, str, str]]:
    return [("body", "", doc.body)] + [("comment", c.comment_id, c.text) for c in doc.comments]


def _sentence_starts(text: str) -> list[int]:
    return [a for a, _ in sentence_spans(text)]


def _document_rows(doc: Document, codebook: Codebook, *, require_full_name: bool) -> tuple[list[dict], list[dict]]:
    matcher = codebook.matcher
    parts = [(part, cid, text, matcher.hits(text)) for part, cid, text in _parts(doc)]
    known = {codebook.entities[t.entity].name for *_, hits in parts for _, _, targets in hits for t in targets if t.kind == "alias"}
    rows, unresolved = [], []
    for part, cid, text, hits in parts:
        if not hits:
            continue
        starts = _sentence_starts(text)
        for hit, mention, reason in _resolve(hits, text, codebook, known=known, require_full_name=require_full_name):
            start, end, targets = hit
            sent_id = max(1, bisect_right(starts, start))
            base = {"doc_id": doc.doc_id, "part": part, "comment_id": cid}
            if mention is None:
                names = sorted({codebook.entities[t.entity].name for t in targets})
                unresolved.append({**base, "surface": text[start:end], "start": start, "end": end,
                                   "sent_id": sent_id, "candidates": "; ".join(names), "reason": reason})
            else:
                rows.append({**base, "entity": mention.entity, "type": mention.type, "surface": mention.surface,
                             "start": mention.start, "end": mention.end, "sent_id": sent_id,
                             "resolved_by": mention.resolved_by, "alias": mention.alias, "title": mention.title})
    return rows, unresolved


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    order = frame["part"].map({p: i for i, p in enumerate(PARTS)})
    return frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", *keys], ignore_index=True).drop(columns="_o")


def entity_mentions_table(
    corpus: Corpus, codebook: Codebook | str | Path | None = None, *, require_full_name: bool = False
) -> pd.DataFrame:
    """One row per entity mention in every body and comment.

    Args:
        corpus: the loaded corpus.
        codebook: a :class:`Codebook` or a path; ``None`` reads ``entities.yml`` in the
            corpus folder (absent: a warning and an empty table).
        require_full_name: count short forms only in documents that name the entity in full.

    Returns:
        Columns ``doc_id, part, comment_id, entity, type, surface, start, end, sent_id,
        resolved_by, alias, title``; ``surface == source[start:end]`` with source the
        body (part ``body``) or the comment's text (part ``comment``); ``sent_id`` is the
        1-based sentence of the part, as in ``sentences.csv``. Sorted by document, part,
        comment and offset.
    """
    book = codebook_for(corpus, codebook)
    rows = [r for doc in corpus for r in _document_rows(doc, book, require_full_name=require_full_name)[0]]
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS).astype({"start": "int64", "end": "int64", "sent_id": "int64"})
    log.info("%d entity mentions of %d entities in %d documents", len(frame), frame["entity"].nunique(), len(corpus))
    return _sorted(frame, ["start"])


def unresolved_mentions_table(
    corpus: Corpus, codebook: Codebook | str | Path | None = None, *, require_full_name: bool = False
) -> pd.DataFrame:
    """Short forms found but not counted, with the candidate entries and the reason (the analyst's to-check list)."""
    book = codebook_for(corpus, codebook)
    rows = [r for doc in corpus for r in _document_rows(doc, book, require_full_name=require_full_name)[1]]
    frame = pd.DataFrame(rows, columns=UNRESOLVED_COLUMNS).astype({"start": "int64", "end": "int64", "sent_id": "int64"})
    if len(frame):
        log.info("%d short forms not counted (ambiguous or unconfirmed)", len(frame))
    return _sorted(frame, ["start"])


def part_words(corpus: Corpus) -> pd.DataFrame:
    """Words per document and part (``body``; ``comment`` = all its comments), the denominators of ``per_1k_words``."""
    rows = []
    for doc in corpus:
        rows.append({"doc_id": doc.doc_id, "part": "body", "words": doc.words})
        if doc.comments:
            rows.append({"doc_id": doc.doc_id, "part": "comment", "words": sum(count_words(c.text) for c in doc.comments)})
    return pd.DataFrame(rows, columns=["doc_id", "part", "words"])


def entity_counts_table(
    corpus: Corpus,
    codebook: Codebook | str | Path | None = None,
    *,
    mentions: pd.DataFrame | None = None,
    require_full_name: bool = False,
) -> pd.DataFrame:
    """Mentions per entity, document and part, raw and per 1,000 words of that part.

    A document's comments are one part (``comment``). Only entity × document × part
    combinations with at least one mention have a row; a missing row means zero.

    Args:
        corpus: the loaded corpus.
        codebook: as for :func:`entity_mentions_table`.
        mentions: a precomputed :func:`entity_mentions_table` (saves matching twice).
        require_full_name: as for :func:`entity_mentions_table`.

    Returns:
        Columns ``entity, type, doc_id, part, count, per_1k_words, words``, sorted by
        entity, document and part.
    """
    if mentions is None:
        mentions = entity_mentions_table(corpus, codebook, require_full_name=require_full_name)
    grouped = mentions.groupby(["entity", "type", "doc_id", "part"], as_index=False).size().rename(columns={"size": "count"})
    frame = grouped.merge(part_words(corpus), on=["doc_id", "part"], how="left")
    frame["words"] = frame["words"].fillna(0).astype("int64")
    frame["per_1k_words"] = [round(1000 * c / w, 3) if w else 0.0 for c, w in zip(frame["count"], frame["words"])]
    frame = frame[COUNT_COLUMNS].astype({"count": "int64"})
    return frame.sort_values(["entity", "doc_id", "part"], ignore_index=True)


def roll_up(counts: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Counts re-aggregated to the top of each entry's parent chain (Quds Force counted as the Revolutionary Guard)."""
    if counts.empty:
        return counts.copy()
    top = counts["entity"].map(lambda n: codebook.ancestor(n) if n in codebook else n)
    frame = counts.assign(entity=top, type=top.map(lambda n: codebook[n].type if n in codebook else ""))
    frame = frame.groupby(["entity", "type", "doc_id", "part", "words"], as_index=False)["count"].sum()
    frame["per_1k_words"] = [round(1000 * c / w, 3) if w else 0.0 for c, w in zip(frame["count"], frame["words"])]
    return frame[COUNT_COLUMNS].sort_values(["entity", "doc_id", "part"], ignore_index=True)


def source_labels(corpus: Corpus) -> dict[str, str]:
    """``doc_id -> label`` ("000 · The Burning Platform"), the names charts use."""
    return {doc.doc_id: doc.label for doc in corpus}


def top_entities(counts: pd.DataFrame, labels: Mapping[str, str], *, part: str = "body", n: int = 10) -> pd.DataFrame:
    """The ``n`` most mentioned entities of each source, side by side ("Iran (85)"), one column per source."""
    sub = counts[counts["part"] == part]
    columns = {}
    for doc_id, label in labels.items():
        ranked = sub[sub["doc_id"] == doc_id].sort_values(["count", "entity"], ascending=[False, True]).head(n)
        columns[label] = [f"{e} ({c})" for e, c in zip(ranked["entity"], ranked["count"])] + [""] * (n - len(ranked))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(1, n + 1, name="rank"))
    return frame


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def spelling_table(mentions: pd.DataFrame, labels: Mapping[str, str], *, min_spellings: int = 2) -> pd.DataFrame:
    """Which spelling each source uses, for entities written more than one way.

    The spelling is the mention's surface with whitespace collapsed and a leading
    "the" dropped ("the Intercept" and "The Intercept" are one spelling; "al-Abadi"
    and "Al Abadi" are two). One row per entity and spelling, one column of counts
    per source, plus the total.
    """
    if mentions.empty:
        return pd.DataFrame(columns=["entity", "spelling", *labels.values(), "total"])
    spelled = mentions.assign(spelling=mentions["surface"].map(lambda s: _LEADING_THE.sub("", " ".join(s.split()))))
    variety = spelled.groupby("entity")["spelling"].nunique()
    keep = variety[variety >= min_spellings].index
    sub = spelled[spelled["entity"].isin(keep)]
    wide = sub.pivot_table(index=["entity", "spelling"], columns="doc_id", values="start", aggfunc="size", fill_value=0)
    wide = wide.reindex(columns=list(labels), fill_value=0).rename(columns=dict(labels))
    wide.columns.name = None
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index().sort_values(["entity", "total", "spelling"], ascending=[True, False, True], ignore_index=True)


def cooccurrence_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """Pairs of entities named in the same sentence: in how many sentences and documents.

    A sentence is one row of ``sentences.csv`` (document, part, comment, ``sent_id``);
    an entity named twice in a sentence counts once for it.
    """
    pairs: Counter = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, group in mentions.groupby(["doc_id", "part", "comment_id", "sent_id"], sort=True):
        names = sorted(set(group["entity"]))
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pairs[(a, b)] += 1
                docs[(a, b)].add(key[0])
    rows = [
        {"entity_a": a, "entity_b": b, "sentences": n, "documents": len(docs[(a, b)]), "doc_ids": ", ".join(sorted(docs[(a, b)]))}
        for (a, b), n in pairs.items()
    ]
    frame = pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)
    return frame.sort_values(["sentences", "entity_a", "entity_b"], ascending=[False, True, True], ignore_index=True)


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------
def _safe(text: object) -> str:
    """Plotly reads a little HTML in tick, hover and title text; document labels and names must not bring their own."""
    return html.escape(str(text), quote=False)


def entity_heatmap(
    counts: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    part: str = "body",
    value: str = "per_1k_words",
    top: int = 25,
    source: str,
) -> go.Figure:
    """Entity × source heatmap of mentions per 1,000 words (or raw counts), the ``top`` entities by total mentions.

    Args:
        counts: :func:`entity_counts_table`.
        labels: ``doc_id -> label`` (:func:`source_labels`); every source gets a column, even with no mention.
        part: ``body`` or ``comment``.
        value: ``per_1k_words`` or ``count``.
        top: how many entities (rows).
        source: the note under the chart.
    """
    sub = counts[counts["part"] == part]
    totals = sub.groupby("entity")["count"].sum()
    names = sorted(totals.index, key=lambda n: (-totals[n], n))[:top]
    grid = sub.pivot_table(index="entity", columns="doc_id", values=value, aggfunc="sum", fill_value=0)
    grid = grid.reindex(index=names, columns=list(labels), fill_value=0)
    raw = sub.pivot_table(index="entity", columns="doc_id", values="count", aggfunc="sum", fill_value=0)
    raw = raw.reindex(index=names, columns=list(labels), fill_value=0)
    what = "mentions per 1,000 words" if value == "per_1k_words" else "mentions"
    fig = go.Figure(
        go.Heatmap(
            z=grid.values, x=[_safe(labels[d]) for d in grid.columns], y=[_safe(n) for n in names], colorscale="Blues",
            colorbar={"title": what},
            customdata=raw.values, text=[[f"{v:g}" if v else "" for v in row] for row in grid.values.round(1)],
            texttemplate="%{text}", hovertemplate="%{y}<br>%{x}<br>%{customdata} mentions, %{z:.2f} per 1,000 words<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": f"Top {len(names)} entities by source ({_safe(part)}: {what})", "y": 0.98, "yanchor": "top"},
        xaxis={"title": "source", "side": "top", "tickangle": -20}, yaxis={"title": "entity", "autorange": "reversed"},
        height=300 + 24 * len(names), margin={"t": 190},
    )
    return add_source(fig, source)


def body_comment_table(counts: pd.DataFrame, *, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions per 1,000 words in article bodies and in reader comments, over the documents that have comments.

    Args:
        counts: :func:`entity_counts_table`.
        doc_ids: the documents to compare; ``None`` means every document with a comment part.

    Returns:
        One row per entity: ``entity, type, body, comment`` (counts), ``body_per_1k,
        comment_per_1k``, sorted by total mentions.
    """
    chosen = set(counts.loc[counts["part"] == "comment", "doc_id"]) if doc_ids is None else set(doc_ids)
    sub = counts[counts["doc_id"].isin(chosen)]
    words = sub.drop_duplicates(["doc_id", "part"]).groupby("part")["words"].sum()
    wide = sub.pivot_table(index=["entity", "type"], columns="part", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(PARTS), fill_value=0)
    wide.columns.name = None
    for part in PARTS:
        total = words.get(part, 0)
        wide[f"{part}_per_1k"] = (1000 * wide[part] / total).round(3) if total else 0.0
    wide = wide.reset_index()
    order = (wide["body"] + wide["comment"]).rename("total")
    return wide.assign(total=order).sort_values(["total", "entity"], ascending=[False, True], ignore_index=True).drop(columns="total")


def body_comment_chart(table: pd.DataFrame, *, top: int = 15, labels: Iterable[str] = (), source: str) -> go.Figure:
    """Bars of mentions per 1,000 words in bodies and in comments: what readers talk about against what the articles do.

    Args:
        table: :func:`body_comment_table`.
        top: how many entities (the most mentioned overall).
        labels: the documents compared, named in the title.
        source: the note under the chart.
    """
    rows = table.head(top)
    fig = go.Figure()
    for part, colour, name in (("body", PALETTE[0], "article body"), ("comment", PALETTE[1], "reader comments")):
        fig.add_bar(
            y=[_safe(e) for e in rows["entity"]], x=rows[f"{part}_per_1k"], name=name, orientation="h", marker_color=colour, customdata=rows[part],
            hovertemplate="%{y}<br>%{x:.2f} per 1,000 words (%{customdata} mentions)<extra>" + name + "</extra>",
        )
    which = ", ".join(labels)
    fig.update_layout(
        barmode="group", title="Body against comments" + (f" ({_safe(which)})" if which else ""),
        xaxis_title="mentions per 1,000 words of the part", yaxis_title="entity", yaxis={"autorange": "reversed"},
        height=220 + 34 * len(rows), legend_title="part",
    )
    return add_source(fig, source)


def listing(items, n, *, sep):  # noqa: D103 - presslens.display.listing, imported late (display imports nothing of ours)
    from .display import listing as _listing

    return _listing(items, n, sep=sep)


def _circle_layout(names: list[str]) -> dict[str, tuple[float, float]]:
    n = max(len(names), 1)
    return {name: (math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n)) for i, name in enumerate(names)}


def network_chart(
    mentions: pd.DataFrame, cooccurrence: pd.DataFrame, *, min_sentences: int = 2, top: int = 30, source: str
) -> go.Figure:
    """Co-occurrence network: entities (nodes, sized by mentions, coloured by type) linked when named in the same sentence.

    The layout is a circle, entities grouped by type and, within a type, by
    mentions, clockwise from the top: the same data always gives the same picture.

    Args:
        mentions: :func:`entity_mentions_table`.
        cooccurrence: :func:`cooccurrence_table`.
        min_sentences: draw a link only for pairs named together in at least this many sentences.
        top: at most this many entities (the most mentioned among those with a link).
        source: the note under the chart.
    """
    edges = cooccurrence[cooccurrence["sentences"] >= min_sentences]
    totals = mentions.groupby("entity").size()
    types = mentions.drop_duplicates("entity").set_index("entity")["type"]
    linked = sorted(set(edges["entity_a"]) | set(edges["entity_b"]), key=lambda n: (-totals.get(n, 0), n))[:top]
    keep = set(linked)
    edges = edges[edges["entity_a"].isin(keep) & edges["entity_b"].isin(keep)]
    ordered = sorted(linked, key=lambda n: (TYPES.index(types[n]), -totals[n], n))
    pos = _circle_layout(ordered)
    fig = go.Figure()
    widest = max(edges["sentences"].max() if len(edges) else 1, 1)
    bands = sorted({max(1, round(4 * w / widest)) for w in edges["sentences"]})
    for band in bands:
        xs, ys = [], []
        for a, b, w in zip(edges["entity_a"], edges["entity_b"], edges["sentences"]):
            if max(1, round(4 * w / widest)) == band:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        fig.add_scatter(x=xs, y=ys, mode="lines", line={"width": 0.8 + 1.6 * band, "color": "rgba(120,120,120,0.45)"},
                        hoverinfo="skip", showlegend=False)
    fig.add_scatter(
        x=[(pos[a][0] + pos[b][0]) / 2 for a, b in zip(edges["entity_a"], edges["entity_b"])],
        y=[(pos[a][1] + pos[b][1]) / 2 for a, b in zip(edges["entity_a"], edges["entity_b"])],
        mode="markers", marker={"size": 6, "color": "rgba(0,0,0,0)"}, showlegend=False,
        customdata=[[_safe(a), _safe(b), int(n), _safe(listing(str(d).split(", "), 8, sep=", "))] for a, b, n, d in
                    zip(edges["entity_a"], edges["entity_b"], edges["sentences"], edges["doc_ids"])],
        hovertemplate="%{customdata[0]} + %{customdata[1]}<br>%{customdata[2]} sentences in %{customdata[3]}<extra></extra>",
    )
    biggest = max((totals[n] for n in ordered), default=1)
    for kind in TYPES:
        group = [n for n in ordered if types[n] == kind]
        if not group:
            continue
        fig.add_scatter(
            x=[pos[n][0] for n in group], y=[pos[n][1] for n in group], mode="markers+text", name=kind,
            text=[_safe(n) for n in group], textposition=[_text_side(pos[n]) for n in group], textfont={"size": 11},
            marker={"size": [10 + 30 * math.sqrt(totals[n] / biggest) for n in group], "color": TYPE_COLOURS[kind],
                    "line": {"width": 1, "color": "#fff"}},
            customdata=[[int(totals[n])] for n in group], hovertemplate="%{text}<br>%{customdata[0]} mentions<extra>" + kind + "</extra>",
        )
    axis = {"visible": False, "range": [-1.55, 1.55]}
    fig.update_layout(
        title=f"Who is named with whom (in the same sentence, at least {min_sentences} times)",
        xaxis=axis, yaxis={**axis, "scaleanchor": "x"}, height=820, legend_title="type", plot_bgcolor="#fff",
        margin={"l": 40, "r": 40},
    )
    return add_source(fig, f"{source} · nodes sized by mentions, links by shared sentences; circular layout by type, position carries no meaning")


def _text_side(point: tuple[float, float]) -> str:
    x, y = point
    vertical = "top" if y > 0.3 else "bottom" if y < -0.3 else "middle"
    horizontal = "right" if x > 0.05 else "left" if x < -0.05 else "center"
    return f"{vertical} {horizontal}"


# ---------------------------------------------------------------------------
# Discovery: capitalised names the codebook lacks
# ---------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"[^\W_](?:[^\W_]|[-\u2010'’](?=[^\W_]))*")
_PARTICLES = frozenset("al el ad ar as ash at az an bin ibn bint abu abd abdul e".split())
_PARTICLE_PREFIX = re.compile(r"^(?P<p>[A-Za-z]{1,5})[-\u2010'’](?P<rest>[^\W\d_].*)$")
_POSSESSIVE = re.compile(r"^(?P<core>.+?)['’]s$")
_OPEN_QUOTE = "“\"‘'(["
_STOPWORDS = frozenset(
    """
    a an the and or but nor if in on at of for to from by with as after before since until when while where what who whom
    whose why how which this that these those it its he she we they i you his her their our my your him them us me there here
    then so not no yes all any some many most much more one two three four five six seven eight nine ten also even just only
    still yet both each every other another such per via about over under between among against during through without within
    into onto upon like unlike is was are were be been do does did have has had will would can could should may might must
    shall let thanks thank please ok okay yea yeah pfft oh nice well now today yesterday tomorrow meanwhile however although
    though because unless whether across around along near above below again ever never always sometimes perhaps maybe
    according said says say off out up down away back
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    """.split()
)
_TITLES = frozenset(
    """
    president vice prime minister foreign defense defence gen general maj major lt lieutenant col colonel brig brigadier capt
    captain adm admiral commander ambassador ayatollah grand sayyid sayed sheikh shaikh hojatoleslam mullah speaker senator
    secretary king prince emir mr mrs ms dr prof former late
    """.split()
)
_DEMONYMS = frozenset(
    """
    american british iranian iraqi syrian russian kurdish persian arab arabic israeli saudi lebanese afghan european western
    eastern northern southern shiite sunni muslim islamic christian jewish english farsi german french chinese turkish asian
    african iranians iraqis americans arabs europeans westerners
    """.split()
)
_PREFIX_WORDS = _STOPWORDS | _TITLES | _DEMONYMS
_DERIVED_SUFFIXES = ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese", "ish", "ites", "ite", "ists", "ist", "s")
_ORG_WORDS = frozenset(
    """
    ministry council organization organisation force forces party agency department university army corps guard guards group
    company committee embassy consulate foundation institute bank times news network office service mission parliament
    administration commission court police brigade brigades militia movement front union alliance list tv
    """.split()
)
_PLACE_WORDS = frozenset(
    "city river valley gulf sea province zone base mountains island street square airport governorate lake desert strait region "
    "tower towers building palace".split()
)
_EVENT_WORDS = frozenset("war operation attack attacks revolution crisis massacre deal agreement treaty conference election elections uprising".split())


@dataclass
class _Occurrence:
    key: str
    surface: str
    doc_id: str
    part: str
    start: int
    words: int
    particle: bool
    acronym: bool
    title: str
    sentence: str


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(text)]


def _is_initial(text: str, start: int, starts: list[int]) -> bool:
    i = bisect_right(starts, start) - 1
    s = starts[i] if i >= 0 else 0
    between = text[s:start]
    if not any(ch.isalnum() for ch in between):
        return True
    lead = text[max(0, start - 2) : start].strip()
    return bool(lead) and lead[-1] in _OPEN_QUOTE


def _name_token(word: str) -> tuple[str, bool, bool] | None:
    """(core, particle, possessive) for a token that can be part of a name, else None.

    Hyphenated words are names only when every part is capitalised ("Takht-Ravanchi")
    or the first part is a particle ("al-Abadi", "e-Khalq"): "Iranian-backed" is not.
    """
    possessive = False
    m = _POSSESSIVE.match(word)
    if m and len(m.group("core")) > 1:
        word, possessive = m.group("core"), True
    pm = _PARTICLE_PREFIX.match(word)
    if pm and pm.group("p").lower() in _PARTICLES and pm.group("rest")[0].isupper():
        return word, True, possessive
    if word.lower() in _PARTICLES:
        return word, True, possessive
    pieces = re.split(r"[-\u2010]", word)
    if all(piece[:1].isupper() for piece in pieces):
        return word, False, possessive
    return None


def _overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    i = bisect_right(spans, (a, float("inf"))) - 1
    for j in (i, i + 1):
        if 0 <= j < len(spans) and spans[j][0] < b and a < spans[j][1]:
            return True
    return False


def discover_names(
    corpus: Corpus,
    codebook: Codebook | str | Path | None = None,
    *,
    min_single: int = 2,
    acronyms: bool = True,
) -> pd.DataFrame:
    """Capitalised names the codebook does not cover, ranked by how many sources use them, then by count.

    A candidate is a run of capitalised words joined by single spaces, with name
    particles (al-, Al, Abdul, bin, ibn, Abu) and "of" ("Ministry of Defense")
    allowed inside. Text the codebook already matches is never a candidate. Filtered
    out: function words and months, a leading "The" or title (kept in ``titles``),
    the first word of a sentence unless the corpus also capitalises it mid-sentence,
    nationality adjectives ("Iranian") and words built on a codebook name ("Syrian"),
    and candidates made only of words the corpus also writes in lower case (a
    capitalised common word: "Cabinet", "GATHER", "Iraqi Government").
    Spellings that share a key ("Jurf al-Sakhar", "Jurf Al Sakhar") are one candidate
    (``variants``); a single word that ends a multi-word candidate in the same
    sources ("Danaiefar" for "Hassan Danaiefar"), or precedes a generic head noun
    ("Quds" for "Quds Force"), becomes its short form. Multi-word candidates that
    are probably one name transliterated two ways are listed in ``similar``.

    Args:
        corpus: the loaded corpus.
        codebook: as for :func:`entity_mentions_table`.
        min_single: single-word candidates need this many mentions (or a title before them).
        acronyms: also list words in capitals (EFP, JIEDDO) the codebook lacks.

    Returns:
        Columns ``name, kind`` (multi-word, particle, single, acronym), ``type_guess,
        count, n_sources, sources, parts, variants, short_forms, short_count, similar,
        titles, guess_basis, example``, sorted by ``n_sources`` then ``count +
        short_count`` (descending) then name; feed it to :func:`discovery_yaml`.
    """
    book = codebook_for(corpus, codebook)
    single_forms = {fold_key(f) for e in book for f in (*e.forms, *e.short) if " " not in f.strip()}
    parts = []
    for doc in corpus:
        for part, _, text in _parts(doc):
            spans = sorted((a, b) for a, b, _ in book.matcher.hits(text))
            sentences = sentence_spans(text)
            parts.append((doc.doc_id, part, text, spans, sentences))
    # pass 1: which words the corpus capitalises mid-sentence, and which it also writes in lower case
    midsentence: set[str] = set()
    lower: set[str] = set()
    for _, _, text, _, sentences in parts:
        starts = [a for a, _ in sentences]
        for a, b, word in _tokens(text):
            core = _POSSESSIVE.sub(r"\g<core>", word)
            if word.islower():
                lower.update(fold_key(core).split())
            elif word[0].isupper() and not _is_initial(text, a, starts):
                midsentence.add(fold_key(core))
    occurrences: list[_Occurrence] = []
    for doc_id, part, text, spans, sentences in parts:
        starts = [a for a, _ in sentences]
        for run in _runs(text, spans):
            for piece in _split_at_titles(run):
                occ = _candidate(piece, text, starts, midsentence, doc_id=doc_id, part=part, sentences=sentences)
                if occ is not None:
                    occurrences.append(occ)
    return _rank(occurrences, single_forms=single_forms, common=lower | _PREFIX_WORDS, min_single=min_single, acronyms=acronyms)


def _runs(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int, str, bool, bool]]]:
    """Maximal runs of name tokens joined by single spaces: (start, end, core, particle, possessive).

    "of" ("of the") may join two name tokens, and "and" too once the run has an "of"
    ("Ministry of Intelligence and Security"); a possessive ends its run
    ("Iran’s Revolutionary Guard" is two runs); text the codebook matched breaks runs.
    """
    runs: list[list] = []
    current: list = []
    pending: list = []
    prev_end = None
    for a, b, word in _tokens(text):
        joined = prev_end is not None and text[prev_end:a] in (" ", "\u00a0")
        prev_end = b
        info = None if _overlaps(spans, a, b) else _name_token(word)
        if info is not None:
            core, particle, possessive = info
            token = (a, a + len(core), core, particle, possessive)
            if current and joined:
                current.extend(pending)
                current.append(token)
            else:
                if current:
                    runs.append(current)
                current = [token]
            pending = []
            if possessive:
                runs.append(current)
                current = []
            continue
        has_of = any(t[2] == "of" for t in current)
        connector = (
            (word == "of" and not pending) or (word == "the" and [p[2] for p in pending] in (["of"], ["and"]))
            or (word == "and" and not pending and has_of)  # "Ministry of Intelligence and Security", not "Lebanon and Syria"
        )
        if current and joined and connector:
            pending.append((a, b, word, False, False))
            continue
        if current:
            runs.append(current)
        current, pending = [], []
    if current:
        runs.append(current)
    return runs


def _split_at_titles(run: list) -> list[list]:
    """A title inside a run starts a new name: "Baghdad | Lieutenant General Hatem al-Maksusi"."""
    pieces, current = [], []
    for i, token in enumerate(run):
        is_title = fold_key(token[2]) in _TITLES
        starts_name = is_title and i + 1 < len(run) and current and fold_key(current[-1][2]) not in _TITLES
        if starts_name and current[-1][2] not in ("of", "the", "and"):
            pieces.append(current)
            current = []
        current.append(token)
    if current:
        pieces.append(current)
    return pieces


def _candidate(run, text, starts, midsentence, *, doc_id, part, sentences) -> _Occurrence | None:
    tokens = list(run)
    titles = []
    # the first word of a sentence is capitalised by position unless the corpus capitalises it elsewhere too
    if tokens and _is_initial(text, tokens[0][0], starts) and fold_key(tokens[0][2]) not in midsentence:
        if fold_key(tokens[0][2]) in _TITLES:
            titles.append(tokens[0][2])
        tokens = tokens[1:]
    # a leading run of nationality adjectives, titles and function words up to its last title ("Iraqi Prime Minister")
    prefix = 0
    while prefix < len(tokens) and fold_key(tokens[prefix][2]) in _PREFIX_WORDS:
        prefix += 1
    last_title = max((i for i in range(prefix) if fold_key(tokens[i][2]) in _TITLES), default=-1)
    titles += [t[2] for t in tokens[: last_title + 1] if fold_key(t[2]) in _TITLES]
    tokens = tokens[last_title + 1 :]
    while tokens and (fold_key(tokens[0][2]) in _STOPWORDS or tokens[0][2] in ("of", "the", "and")):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1][2] in ("of", "the", "and") or fold_key(tokens[-1][2]) in _STOPWORDS or fold_key(tokens[-1][2]) in _TITLES
        or tokens[-1][2].lower() in _PARTICLES
    ):
        tokens = tokens[:-1]
    if not tokens:
        return None
    a, b = tokens[0][0], tokens[-1][1]
    surface = text[a:b]
    words = len(tokens)
    letters = [ch for ch in surface if ch.isalpha()]
    acronym = words == 1 and len(letters) >= 2 and _ALLCAPS_WORD.fullmatch(surface.rstrip("s")) is not None
    if words == 1 and not acronym and len(letters) < 3:
        return None
    i = bisect_right(starts, a) - 1
    sentence = text[sentences[i][0] : sentences[i][1]] if i >= 0 else text[a:b]
    key = " ".join(fold_key(surface[:-1] if acronym and surface.endswith("s") else surface).split())
    return _Occurrence(
        key=key, surface=" ".join(surface.split()), doc_id=doc_id, part=part, start=a,
        words=words, particle=any(t[3] for t in tokens), acronym=acronym, title=" ".join(titles), sentence=" ".join(sentence.split()),
    )


def _derived(key: str, single_forms: set[str]) -> bool:
    """A function word, title, nationality adjective, codebook word, or a codebook word plus a suffix ("Syrian", "Iraqi")."""
    if key in single_forms or key in _DEMONYMS or key in _STOPWORDS or key in _TITLES:
        return True
    return any(key.endswith(suffix) and len(key) - len(suffix) >= 4 and key[: -len(suffix)] in single_forms for suffix in _DERIVED_SUFFIXES)


def _rank(
    occurrences: list[_Occurrence], *, single_forms: set[str], common: set[str], min_single: int, acronyms: bool
) -> pd.DataFrame:
    groups: dict[str, list[_Occurrence]] = defaultdict(list)
    for occ in occurrences:
        groups[occ.key].append(occ)
    candidates: dict[str, dict] = {}
    for key, occs in sorted(groups.items()):
        words = max(o.words for o in occs)
        acronym = all(o.acronym for o in occs)
        particle = any(o.particle for o in occs)
        if acronym and not acronyms:
            continue
        all_common = all(word in common for word in key.split())  # capitalised common words: "Cabinet", "GATHER"
        if all_common and (words == 1 or len(occs) < 2):
            continue
        if words == 1 and not acronym and not particle and _derived(key, single_forms):
            continue
        spellings = Counter(o.surface for o in occs)
        name = sorted(spellings, key=lambda s: (-spellings[s], s))[0]
        first = min(occs, key=lambda o: (o.doc_id, o.part, o.start))
        candidates[key] = {
            "name": name, "kind": "acronym" if acronym else "particle" if particle else "multi-word" if words > 1 else "single",
            "count": len(occs), "docs": sorted({o.doc_id for o in occs}), "parts": sorted({o.part for o in occs}, key=PARTS.index),
            "variants": [s for s in sorted(spellings) if s != name], "titles": sorted({o.title for o in occs if o.title}),
            "example": first.sentence, "words": words, "short": [], "short_count": 0,
        }
    # "Arab Iraq", "Persian Iran": a nationality adjective before a name that is a candidate on its own counts for that name
    for key in sorted(candidates):
        words = key.split()
        rest = " ".join(words[1:])
        if len(words) > 1 and words[0] in _DEMONYMS and rest in candidates and key in candidates:
            into, cand = candidates[rest], candidates.pop(key)
            into["count"] += cand["count"]
            into["docs"] = sorted(set(into["docs"]) | set(cand["docs"]))
            into["parts"] = sorted(set(into["parts"]) | set(cand["parts"]), key=PARTS.index)
    # a single word that ends a longer candidate found in the same sources is its short form ("Danaiefar"),
    # or that starts it when the rest is a generic head noun ("Quds" of "Quds Force")
    for key in sorted(candidates, key=lambda k: (-candidates[k]["words"], -candidates[k]["count"], k)):
        cand = candidates.get(key)
        if cand is None or cand["words"] < 2 or cand["kind"] == "acronym":
            continue
        parts = key.split()
        tails = [parts[-1]] + ([" ".join(parts[-2:])] if len(parts) > 2 and parts[-2] in _PARTICLES else [])
        if parts[-1] in _ORG_WORDS | _PLACE_WORDS | _EVENT_WORDS:  # "Quds" for "Quds Force", "Badr" for "Badr Organization"
            tails = [" ".join(parts[:-1])]
        for tail in tails:
            other = candidates.get(tail)
            if other and other is not cand and other["words"] == 1 and set(other["docs"]) & set(cand["docs"]):
                cand["short"].append(other["name"])
                cand["short_count"] += other["count"]
                cand["titles"] = sorted(set(cand["titles"]) | set(other["titles"]))
                del candidates[tail]
    for key in [k for k, c in candidates.items() if c["words"] == 1 and c["kind"] != "acronym"]:
        if candidates[key]["count"] < min_single and not candidates[key]["titles"]:
            del candidates[key]
    similar = _similar_names({k: c for k, c in candidates.items() if c["words"] > 1})
    rows = []
    for key, cand in candidates.items():
        kind_guess, basis = _guess_type(cand)
        rows.append({
            "name": cand["name"], "kind": cand["kind"], "type_guess": kind_guess, "count": cand["count"],
            "n_sources": len(cand["docs"]), "sources": ", ".join(cand["docs"]), "parts": ", ".join(cand["parts"]),
            "variants": "; ".join(cand["variants"]), "short_forms": "; ".join(cand["short"]), "short_count": cand["short_count"],
            "similar": "; ".join(candidates[k]["name"] for k in similar.get(key, [])),
            "titles": "; ".join(cand["titles"]), "guess_basis": basis, "example": cand["example"],
        })
    frame = pd.DataFrame(rows, columns=DISCOVERY_COLUMNS)
    frame["_total"] = frame["count"] + frame["short_count"]
    frame = frame.sort_values(["n_sources", "_total", "name"], ascending=[False, False, True], ignore_index=True)
    return frame.drop(columns="_total")


def _similar_names(candidates: dict[str, dict], *, threshold: float = 85.0) -> dict[str, list[str]]:
    """Multi-word candidates that are probably one name transliterated two ways ("Qassem Suleimani", "Qassim Suleimani")."""
    from rapidfuzz import fuzz

    keys = sorted(candidates)
    out: dict[str, list[str]] = defaultdict(list)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if len(a.split()) == len(b.split()) and fuzz.ratio(a, b) >= threshold:
                out[a].append(b)
                out[b].append(a)
    return out


def _guess_type(cand: dict) -> tuple[str, str]:
    words = [w.lower() for w in cand["name"].replace("-", " ").split()]
    for word in reversed(words):
        if word in _ORG_WORDS:
            return "organisation", f"the word {word!r}"
        if word in _PLACE_WORDS:
            return "place", f"the word {word!r}"
        if word in _EVENT_WORDS:
            return "event", f"the word {word!r}"
    if cand["titles"]:
        return "person", f"the title {cand['titles'][0]!r}"
    if cand["kind"] == "acronym":
        return "organisation", "the capitals"
    if cand["kind"] == "particle":
        return "person", "a name particle (al-, Abdul, bin)"
    if len(words) in (2, 3):
        return "person", "two or three capitalised words"
    return "person", "nothing (default)"


def discovery_yaml(candidates: pd.DataFrame, *, indent: int = 2, limit: int | None = None) -> str:
    """Codebook entries for discovered names, to paste at the end of ``entities.yml`` (under ``entities:``).

    Types are guesses (the ``note`` says from what) and every Wikidata id is left
    empty: check each entry before pasting.

    >>> frame = pd.DataFrame([{"name": "Hassan Danaiefar", "type_guess": "person", "variants": "", "short_forms": "Danaiefar",
    ...                        "count": 2, "n_sources": 2, "sources": "001, 004", "guess_basis": "nothing (default)"}])
    >>> print(discovery_yaml(frame))
      # 1 candidate found by presslens.entities.discover_names: check type, aliases and short forms before use
      - name: Hassan Danaiefar
        type: person
        aliases: []
        short: [Danaiefar]
        wikidata: ''
        note: 'discovered: 2 mentions in 2 sources (001, 004); type guessed from nothing (default)'
    <BLANKLINE>
    """
    rows = candidates if limit is None else candidates.head(limit)
    entries = []
    for row in rows.itertuples(index=False):
        entries.append({
            "name": row.name,
            "type": row.type_guess if row.type_guess in TYPES else "person",
            "aliases": _split_list(row.variants),
            "short": _split_list(row.short_forms),
            "wikidata": "",
            "note": f"discovered: {_plural(row.count, 'mention')} in {_plural(row.n_sources, 'source')} ({row.sources}); "
                    f"type guessed from {row.guess_basis}",
        })
    pad = " " * indent
    n = len(entries)
    header = f"{pad}# {n} candidate{'s' if n != 1 else ''} found by presslens.entities.discover_names: check type, aliases and short forms before use\n"
    if not entries:
        return header
    body = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000)
    return header + "".join(pad + line + "\n" for line in body.splitlines())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _split_list(value: object) -> list[str]:
    return [v.strip() for v in str(value or "").split(";") if v.strip()]
