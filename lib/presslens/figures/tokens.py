"""Tokens: a sentence cut into the pieces number phrases are parsed from, in one linear pass.

A :class:`Token` is a run of digits with its separators ("300,000", "4.484",
"1.2"), a word ("thousand", "bn", "Iraqis"), a currency or percent sign, a dash
or one other punctuation character, with its offsets in the sentence and
whether whitespace comes before it (``space``: "1.2m" is the digits ``1.2`` and
the glued word ``m``). :func:`tokens` makes them with one ``finditer``; the
parser in :mod:`.numbers` walks the list once, looking a bounded number of
tokens ahead, so a sentence of any length costs time linear in its length.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    """One piece of a sentence: ``kind`` is ``num``, ``word``, ``cur`` (currency sign), ``pct``, ``dash`` or ``punct``."""

    kind: str
    text: str
    low: str  # lower-cased text
    start: int
    end: int
    space: bool  # whitespace (or the sentence start) before it


#: One alternative per kind of token, no named groups (classifying the first character is faster than ``lastgroup``).
_TOKEN_RE = re.compile(r"(?:US\s?|AU|A|NZ|CA|C|HK|S)\$|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*|[^\s\w]")
_SIGN_KIND = {"$": "cur", "€": "cur", "£": "cur", "%": "pct", "-": "dash", "–": "dash", "—": "dash"}


def tokens(sentence: str) -> list[Token]:
    """The tokens of ``sentence`` in reading order (whitespace and underscores are not tokens).

    >>> [(t.kind, t.text, t.space) for t in tokens("$80bn, 4, 500")]
    [('cur', '$', True), ('num', '80', False), ('word', 'bn', False), ('punct', ',', False), ('num', '4', True), ('punct', ',', False), ('num', '500', True)]
    """
    lowered = sentence.lower()
    if len(lowered) != len(sentence):  # lower-casing moved offsets (outside ASCII: "İ"): lower each token
        lowered = None
    out: list[Token] = []
    prev_end = -1
    new = tuple.__new__
    sign_kind = _SIGN_KIND.get
    for m in _TOKEN_RE.finditer(sentence):
        a, b = m.span()
        text = m.group()
        c = text[0]
        if c.isdigit():
            kind = "num"
        elif c.isalpha():
            kind = "cur" if text[-1] == "$" else "word"  # "US$", "A$", "NZ$"
        else:
            kind = sign_kind(c, "punct")
        out.append(new(Token, (kind, text, lowered[a:b] if lowered is not None else text.lower(), a, b, a > prev_end)))
        prev_end = b
    return out
