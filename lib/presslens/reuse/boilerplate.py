"""What of a body is article text: caption, credit, byline, "Related:" and legal lines left out; datelines and wire signatures.

Reuse shares are counted on article text only, on both sides: a reprint that
adds photo captions is still a full reprint, and two pages that carry the same
"All rights reserved." line share nothing of each other. The patterns are data
(:data:`.words.BOILERPLATE_ANYWHERE`, :data:`.words.BOILERPLATE_SHORT`,
:data:`.words.DATELINE`, :data:`.words.WIRE_SIGNATURES`); nothing here names
a document.
"""

from __future__ import annotations

import re

from .words import (
    BOILERPLATE_ANYWHERE, BOILERPLATE_KEYWORDS, BOILERPLATE_MAX_WORDS, BOILERPLATE_SHORT, BOILERPLATE_SHORT_WORDS,
    BOILERPLATE_START, DATELINE, WIRE_SIGNATURES,
)

_ANYWHERE = re.compile("|".join(f"(?:{p.lower()})" for p in BOILERPLATE_ANYWHERE))  # searched in the lower-cased line
_START = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_START))  # matched at its start
_SHORT = [re.compile(p, re.IGNORECASE) if not p.startswith("^[A-Z]") else re.compile(p) for p in BOILERPLATE_SHORT]
_DATELINE = re.compile(DATELINE)
_LINE = re.compile(r"[^\n]+")
_END_CHARS = 160
_SIGNATURES = {
    name: (re.compile(pattern, re.IGNORECASE if kind == "derived" else 0), kind, keyword)
    for name, (pattern, kind, keyword) in WIRE_SIGNATURES.items()
}


def is_boilerplate(line: str) -> bool:
    """Whether one line (paragraph) of a body is not article text (lengths in whitespace-separated words).

    >>> is_boilerplate("Protesters gather in Beirut on Monday. (AP Photo/Hassan Ammar)")
    True
    >>> is_boilerplate("Copyright 2019 The Associated Press. All rights reserved.")
    True
    >>> is_boilerplate("Protesters gathered in Beirut on Monday, the third day of the strike, police said.")
    False
    """
    line = line.strip()
    if not line:
        return True
    n_words = len(line.split())
    if n_words > BOILERPLATE_MAX_WORDS:
        return False  # a paragraph of this length is article text, whatever it mentions
    ends = (line if len(line) <= 2 * _END_CHARS else f"{line[:_END_CHARS]}\n{line[-_END_CHARS:]}").lower()
    if _START.match(ends):
        return True
    if any(k in ends for k in BOILERPLATE_KEYWORDS) and _ANYWHERE.search(ends):  # credits and legal lines sit at an end
        return True
    if n_words < BOILERPLATE_SHORT_WORDS:
        return any(p.search(line) for p in _SHORT)
    return False


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` that :func:`is_boilerplate`."""
    return [m.span() for m in _LINE.finditer(text) if is_boilerplate(m.group())]


def dateline_length(text: str, start: int) -> int:
    """Characters of a dateline (``BEIRUT (AP) \u2014 ``) at ``text[start:]``, 0 when there is none.

    >>> dateline_length("BEIRUT (AP) \u2014 Lebanon's banks", 0)
    14
    """
    match = _DATELINE.match(text, start)
    return match.end() - start if match else 0


def wire_signatures(text: str) -> tuple[tuple[str, str], ...]:
    """``(name, kind)`` of each wire signature in ``text`` (:data:`.words.WIRE_SIGNATURES`), in its order.

    >>> wire_signatures("LONDON (Reuters) - Shares fell.\\n\\nThe Associated Press contributed to this report.")
    (('Reuters dateline', 'source'), ('agency dateline', 'source'), ('agency contributed', 'derived'))
    """
    folded = text.casefold()
    return tuple(
        (name, kind) for name, (pattern, kind, keyword) in _SIGNATURES.items() if keyword in folded and pattern.search(text)
    )
