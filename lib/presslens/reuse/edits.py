"""Word-level edits inside aligned passages: spelling, case, punctuation, wording, added and dropped words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd
from rapidfuzz import fuzz

from ..ingest.corpus import Corpus
from .tables import shared_passages_table
from .words import TYPOGRAPHY

_DIFF_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*|[^\w\s]", re.UNICODE)
_PUNCT_ONLY = re.compile(r"^[^\w]*$")
EDIT_KINDS = ("spelling", "case", "punctuation", "wording", "added", "dropped")


@dataclass(frozen=True)
class Edit:
    """One difference between two aligned texts (offsets into each text; empty span for insertions/deletions)."""

    kind: str  # spelling | case | punctuation | wording | added | dropped
    text_a: str
    text_b: str
    start_a: int
    end_a: int
    start_b: int
    end_b: int


def word_diff(text_a: str, text_b: str) -> list[Edit]:
    """Word-level differences from ``text_a`` to ``text_b``, each classified.

    Tokens are words and punctuation marks; typography (curly against straight
    quotes, em dash against hyphen) is not a difference. Kinds: ``spelling`` (one
    word for a close variant: neighbour/neighbor), ``case`` (same words, other
    capitals), ``punctuation``, ``wording`` (other words: "Arabian" for
    "Persian"), ``added`` (only in b) and ``dropped`` (only in a).

    >>> [(e.kind, e.text_a, e.text_b) for e in word_diff("their neighbour Iran", "their neighbor Iran")]
    [('spelling', 'neighbour', 'neighbor')]
    """
    tokens_a = list(_DIFF_TOKEN.finditer(text_a))
    tokens_b = list(_DIFF_TOKEN.finditer(text_b))
    keys_a = [t.group().translate(TYPOGRAPHY) for t in tokens_a]
    keys_b = [t.group().translate(TYPOGRAPHY) for t in tokens_b]
    edits = []
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for i1, i2, j1, j2 in _split_variants(keys_a, keys_b, i1, i2, j1, j2):
            op = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
            start_a = tokens_a[i1].start() if i1 < i2 else (tokens_a[i1 - 1].end() if i1 else 0)
            end_a = tokens_a[i2 - 1].end() if i1 < i2 else start_a
            start_b = tokens_b[j1].start() if j1 < j2 else (tokens_b[j1 - 1].end() if j1 else 0)
            end_b = tokens_b[j2 - 1].end() if j1 < j2 else start_b
            kind = _edit_kind(op, keys_a[i1:i2], keys_b[j1:j2])
            edits.append(Edit(kind, text_a[start_a:end_a], text_b[start_b:end_b], start_a, end_a, start_b, end_b))
    return edits


def _variant(a: str, b: str) -> bool:
    """Two tokens that are the same word spelt or capitalised differently (neighbour/neighbor, As/as)."""
    a, b = a.casefold(), b.casefold()
    return a == b or (min(len(a), len(b)) >= 4 and a[0] == b[0] and fuzz.ratio(a, b) >= 75)


def _split_variants(a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int, int, int]]:
    """Split a replaced block whose first or last tokens are variants of each other.

    "and the failure ... them fueled" -> "fuelled" is a dropped clause plus a
    spelling change, not one rewording.
    """
    if i2 - i1 <= 1 and j2 - j1 <= 1 or i1 == i2 or j1 == j2:
        return [(i1, i2, j1, j2)]
    head: list[tuple[int, int, int, int]] = []
    tail: list[tuple[int, int, int, int]] = []
    while i1 < i2 and j1 < j2 and (i2 - i1 > 1 or j2 - j1 > 1) and _variant(a[i1], b[j1]):
        head.append((i1, i1 + 1, j1, j1 + 1))
        i1, j1 = i1 + 1, j1 + 1
    while i1 < i2 and j1 < j2 and (i2 - i1 > 1 or j2 - j1 > 1) and _variant(a[i2 - 1], b[j2 - 1]):
        tail.insert(0, (i2 - 1, i2, j2 - 1, j2))
        i2, j2 = i2 - 1, j2 - 1
    middle = [(i1, i2, j1, j2)] if (i1 < i2 or j1 < j2) else []
    return head + middle + tail


def _edit_kind(op: str, a: Sequence[str], b: Sequence[str]) -> str:
    if all(_PUNCT_ONLY.match(t) for t in (*a, *b)):
        return "punctuation"
    if op == "delete":
        return "dropped"
    if op == "insert":
        return "added"
    if [t.casefold() for t in a] == [t.casefold() for t in b]:
        return "case"
    wa = [t for t in a if not _PUNCT_ONLY.match(t)]
    wb = [t for t in b if not _PUNCT_ONLY.match(t)]
    if len(wa) == 1 and len(wb) == 1 and _variant(wa[0], wb[0]):
        return "spelling"
    joined_a, joined_b = "".join(wa).replace("-", "").casefold(), "".join(wb).replace("-", "").casefold()
    if abs(len(wa) - len(wb)) <= 1 and joined_a and (joined_a == joined_b or _variant(joined_a, joined_b)):
        return "spelling"  # "Al Abadi" / "al-Abadi", "long-time" / "longtime"
    return "wording"


EDIT_COLUMNS = ["doc_a", "doc_b", "passage", "kind", "text_a", "text_b", "start_a", "end_a", "start_b", "end_b"]


def passage_edits_table(corpus: Corpus, *, doc_a: str, doc_b: str, **options: Any) -> pd.DataFrame:
    """Every word-level edit inside the passages ``doc_a`` shares with ``doc_b`` (offsets into both bodies).

    Read it as "going from ``doc_a`` to ``doc_b``": ``dropped`` words are in
    ``doc_a`` only. Pass the source as ``doc_a`` to see what a reprint changed.
    """
    passages = shared_passages_table(corpus, **options)
    return edits_frame(passages, doc_a=doc_a, doc_b=doc_b)


def edits_frame(passages: pd.DataFrame, *, doc_a: str, doc_b: str) -> pd.DataFrame:
    """:func:`passage_edits_table` from a shared-passages frame."""
    rows = []
    pair = passages[(passages["doc_a"] == doc_a) & (passages["doc_b"] == doc_b)]
    for p in pair.itertuples(index=False):
        for e in word_diff(p.text_a, p.text_b):
            rows.append(
                {
                    "doc_a": doc_a, "doc_b": doc_b, "passage": int(p.passage), "kind": e.kind,
                    "text_a": e.text_a, "text_b": e.text_b,
                    "start_a": int(p.start_a) + e.start_a, "end_a": int(p.start_a) + e.end_a,
                    "start_b": int(p.start_b) + e.start_b, "end_b": int(p.start_b) + e.end_b,
                }
            )
    return pd.DataFrame(rows, columns=EDIT_COLUMNS)
