"""Matching: codebook forms found in a text (Aho-Corasick on the key), then attributed to entities.

:class:`_Matcher` finds the leftmost-longest matches on word boundaries that pass
the case rules; :func:`_resolve` attributes each to an entity (full forms always,
short forms against the document's full names) or says why it is not counted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from ..ingest.corpus import Document
from .keys import _ALLCAPS_WORD, _MULTISPACE, _form_key, _lower, _shape, is_acronym
from .words import TITLE_LAST_WORDS, TITLE_WORDS

if TYPE_CHECKING:  # the codebook compiles a _Matcher; these names are only annotations here
    from .codebook import Codebook, Entity

#: How a mention was attributed (the ``resolved_by`` column).
RESOLVED_BY = {
    "alias": "the entity's name or one of its aliases",
    "short_in_document": "a short form; the entity is named in full elsewhere in the same document",
    "short_unique": "a short form only this codebook entry has; the full name is not in the document",
}

_WORD_BEFORE = re.compile(r"([^\W_]+)[^\S\n]*$")
_WORD_AFTER = re.compile(r"^[^\S\n]*([^\W_]+)")
_TITLE_BEFORE = re.compile(rf"(?<![\w.])((?:(?:{TITLE_WORDS})[^\S\n]+)+)$")


@dataclass(frozen=True)
class _Target:
    entity: int
    form: str
    kind: str  # alias | short
    needs_capital: bool


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


def _title_before(text: str, start: int) -> str:
    """The title right before a name ("Maj. Gen.", "Prime Minister"), or ""."""
    if start < 2 or text[start - 1] not in " \u00a0":
        return ""
    before = text[max(0, start - 24) : start - 1].split()
    if not before or before[-1].rstrip(".") not in TITLE_LAST_WORDS:  # cheap test before the regex
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

    >>> from presslens.entities import parse_codebook
    >>> book = parse_codebook("entities:\\n  - {name: Adil Abdul Mahdi, type: person, short: [Mahdi]}\\n")
    >>> full_names_in("the prime minister, Adil Abdul Mahdi.", book), full_names_in("Mahdi said.", book)
    ({'Adil Abdul Mahdi'}, set())
    """
    return {codebook.entities[t.entity].name for _, _, targets in codebook.matcher.hits(text) for t in targets if t.kind == "alias"}


def _parts(doc: Document) -> list[tuple[str, str, str]]:
    """A document's parts: ``(part, comment_id, text)`` for the body, then each comment."""
    return [("body", "", doc.body)] + [("comment", c.comment_id, c.text) for c in doc.comments]


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

    >>> from presslens.entities import parse_codebook
    >>> book = parse_codebook(
    ...     "entities:\\n  - {name: Haider al-Abadi, type: person, short: [al-Abadi]}\\n"
    ...     "  - {name: United States, type: place, aliases: [US, U.S.]}\\n")
    >>> [(m.entity, m.surface, m.resolved_by) for m in mentions_in("Al Abadi’s talks with us and the US.", book)]
    [('Haider al-Abadi', 'Al Abadi', 'short_unique'), ('United States', 'US', 'alias')]
    """
    hits = codebook.matcher.hits(text)
    context = set(known) | {codebook.entities[t.entity].name for _, _, targets in hits for t in targets if t.kind == "alias"}
    return [m for _, m, _ in _resolve(hits, text, codebook, known=context, require_full_name=require_full_name) if m is not None]
