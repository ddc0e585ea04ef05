"""Numbers: the value and bounds of a number phrase, from its atoms (digits, words, scales, fractions, vague magnitudes).

An atom is one number as written ("300,000", "80 thousand", "$6.4 trillion",
"half a million", "tens of thousands"); atoms joined by "to", "-", "or"
(and "and" after "between"/"from") make one phrase, a range. Hedges before and
after a phrase are read in :mod:`.readings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .lexicon import (
    _ATOM_RE,
    _CURRENCY_UNITS,
    _CURRENCY_WORD_RE,
    _FRACTIONS,
    _RANGE_GAP,
    _RANGE_PREFIX,
    _SCALES,
    _SMALL,
    _TENS,
    _VAGUE_UNITS,
)


def _words_value(tokens: Sequence[str]) -> float | None:
    """Value of spelled-out number words ("eight thousand one hundred and seventy five"), None if they do not form one number."""
    n, value = _longest_words_prefix(tokens)
    return value if n == len(tokens) else None


def _longest_words_prefix(tokens: Sequence[str]) -> tuple[int, float | None]:
    """The longest start of ``tokens`` that reads as one number, and its value, in one pass.

    Equal to popping tokens off the end until :func:`_words_value` gives a value
    (which was quadratic in a run of number words): reading fails at the first
    token that cannot follow the ones before it, and a trailing "and" spoils only
    the start that ends with it. ``(0, None)`` when no start is a number.

    >>> _longest_words_prefix("seven hundred and five six".split())
    (4, 705.0)
    """
    total = current = 0.0
    last = None
    best: tuple[int, float | None] = (0, None)
    for i, tok in enumerate(tokens):
        if tok == "and":
            if last not in ("hundred", "scale"):
                break
            continue  # a start ending with "and" is no number; a longer one may be
        if tok in _SMALL:
            if last in ("small",) or (last == "tens" and _SMALL[tok] >= 10) or (last == "tens" and _SMALL[tok] == 0):
                break
            current += _SMALL[tok]
            last = "small"
        elif tok in _TENS:
            if last in ("small", "tens"):
                break
            current += _TENS[tok]
            last = "tens"
        elif tok == "hundred":
            if last == "hundred" or current >= 100:
                break
            current = (current or 1) * 100
            last = "hundred"
        elif tok in _SCALES:
            total += (current or 1) * _SCALES[tok]
            current = 0
            last = "scale"
        else:
            break
        best = (i + 1, total + current)
    return best


#: The left context of a number that the patterns anchored at its left read (:func:`_left`), in characters.
CONTEXT_CHARS = 300
_SPACE_RE = re.compile(r"\s")


def _left(sentence: str, a: int, limit: int = CONTEXT_CHARS) -> str:
    """The text before offset ``a``, at most ``limit`` characters of it, starting at a whitespace character.

    Patterns that look left of a number ("nearly", "between", "Article", "March
    3,") end at the number and are a few words long, so they read this bounded
    window instead of the whole sentence: each number costs the same however long
    its sentence. Starting the window at whitespace keeps ``^`` and ``\\b`` at its
    start meaning what they mean in the sentence; only a match longer than the
    window (a run of hundreds of spaces) is lost.

    >>> _left("one two three four", 14, limit=8)
    ' three '
    """
    if a <= limit:
        return sentence[:a]
    cut = a - limit
    m = _SPACE_RE.search(sentence, cut, a)
    return sentence[m.start() if m else cut : a]


def _digits_value(text: str) -> float:
    return float(text.replace(",", ""))


def parse_number(text: str) -> float | None:
    """The value of one number phrase, or None when it is vague or not a number.

    Handles digits with separators and decimals, words, digits with a scale word,
    fractions of a scale and a currency sign; vague magnitudes ("tens of
    thousands") have no single value, see :func:`number_bounds`.

    >>> parse_number("Eight thousand one hundred and seventy five")
    8175.0
    >>> parse_number("$6.4 trillion"), parse_number("80 thousand"), parse_number("half a million")
    (6400000000000.0, 80000.0, 500000.0)
    >>> parse_number("tens of thousands") is None
    True
    """
    low, high = number_bounds(text)
    return low if low == high else None


def number_bounds(text: str) -> tuple[float, float]:
    """Lowest and highest value a number phrase can mean: equal for an exact number, a range for vague magnitudes and ranges.

    Raises:
        ValueError: ``text`` is not a number phrase.

    >>> number_bounds("hundreds of thousands")
    (200000.0, 1000000.0)
    >>> number_bounds("80 thousand to almost 600 thousand")
    (80000.0, 600000.0)
    >>> number_bounds("a trillion or two or six")
    (1000000000000.0, 6000000000000.0)
    """
    groups = _ranges(text)
    if not groups:
        raise ValueError(f"not a number phrase: {text!r}")
    values = [v for group, _ in groups for v in _share_scale([(a.low, a.high, a.scale, a.vague) for a in group])]
    return min(v[0] for v in values), max(v[1] for v in values)


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    low: float
    high: float
    scale: float  # 1 when no scale word
    vague: bool
    currency: str
    text: str


def _atom_bounds(m: re.Match) -> tuple[float, float, float, bool] | None:
    """(low, high, scale, vague) of one regex match, None if it is not a number (e.g. bare "one")."""
    g = m.groupdict()
    if g["vague"]:
        words = g["vague"].lower().split()
        unit = _VAGUE_UNITS[words[0]]
        if len(words) == 3:  # "tens of thousands"
            unit *= _SCALES[words[2].rstrip("s")]
        return 2 * unit, 10 * unit, unit, True
    if g["frac"]:
        words = g["frac"].lower().split()
        frac = next(_FRACTIONS[w] for w in words if w in _FRACTIONS)
        scale = _SCALES[words[-1]]
        return frac * scale, frac * scale, scale, False
    if g["andhalf"]:
        words = g["andhalf"].lower().split()
        first = words[0]
        base = _digits_value(first) if first[0].isdigit() else _words_value([first])
        if base is None:
            return None
        scale = _SCALES[words[-1]]
        return (base + 0.5) * scale, (base + 0.5) * scale, scale, False
    if g["few"]:
        words = g["few"].lower().split()
        scale = _SCALES[words[-1]]
        low = 3 if words[0] == "several" else 2
        high = 3 if words[1] == "couple" else 10
        return low * scale, high * scale, scale, True
    if g["a"]:
        scale = _SCALES[g["a"].lower().split()[-1]]
        return scale, scale, scale, False
    if g["num"]:
        scale = _SCALES[g["numscale"].lower()] if g["numscale"] else 1.0
        parts = re.split(r"\s?[-–]\s?", g["num"])
        values = [_digits_value(p) * scale for p in parts]
        return min(values), max(values), scale, False
    return None  # spelled-out words are read by _atoms, which may shorten the match


def _share_scale(values: list[tuple[float, float, float, bool]]) -> list[tuple[float, float, float, bool]]:
    """In "2 to 3 million" or "a trillion or two or six", a number without a scale word takes its neighbour's."""
    scales = [v[2] for v in values]
    big = max(scales)
    if big <= 1 or len(values) < 2:
        return values
    out = []
    for low, high, scale, vague in values:
        if scale == 1 and high < 1000:
            out.append((low * big, high * big, big, vague))
        else:
            out.append((low, high, scale, vague))
    return out


_LETTERS_RE = re.compile(r"[A-Za-z]+")


def _atoms(sentence: str) -> list[_Atom]:
    """The number atoms of one sentence in reading order: a number with its scale word and currency, before ranges are joined."""
    atoms: list[_Atom] = []
    for m in _ATOM_RE.finditer(sentence):
        start, end = m.start(), m.end()
        if m.group("words"):  # "one and two", "seven eight": keep the longest start that reads as one number
            found = list(_LETTERS_RE.finditer(m.group("words")))
            lowered = [t.group(0).lower() for t in found]
            n, value = _longest_words_prefix(lowered)
            lowered = lowered[:n]
            if not n or lowered in (["one"], ["zero"]):
                continue
            end = m.start("words") + found[n - 1].end()
            scale = max([_SCALES[t] for t in lowered if t in _SCALES and t != "hundred"] or [1.0])
            bounds = (value, value, scale, False)
        else:
            bounds = _atom_bounds(m)
            if bounds is None:
                continue
        currency = (m.group("cur") or "").replace(" ", "").lower()
        cw = _CURRENCY_WORD_RE.match(sentence, end)
        if cw:
            currency = currency or cw.group("w").lower()
            end = cw.end()
        atoms.append(_Atom(start, end, bounds[0], bounds[1], bounds[2], bounds[3], _CURRENCY_UNITS.get(currency, ""), sentence[start:end]))
    return atoms


def _ranges(sentence: str) -> list[tuple[list[_Atom], list[str]]]:
    """The atoms of one sentence joined into number phrases ("from X to Y", "X-Y", "a trillion or two or six").

    Each phrase is its atoms and the hedges written between them ("80 thousand
    to almost 600 thousand"); the caller reads the bounds with :func:`_share_scale`.
    """
    atoms = _atoms(sentence)
    groups: list[tuple[list[_Atom], list[str]]] = []
    i = 0
    while i < len(atoms):
        group = [atoms[i]]
        inner = []
        j = i + 1
        while j < len(atoms):
            gap = sentence[group[-1].end : atoms[j].start]
            g = _RANGE_GAP.match(gap)
            if not g:
                break
            connector = g.group("c").lower()
            if connector == "and" and not _RANGE_PREFIX.search(_left(sentence, group[0].start)):
                break
            if g.group("h"):
                inner.append(g.group("h"))
            group.append(atoms[j])
            j += 1
        groups.append((group, inner))
        i = j
    return groups


def _is_year_atom(a: _Atom) -> bool:
    """A year ("2003") or a span of years ("2003-2011", "05-06") written as bare digits."""
    text = a.text.strip()
    parts = re.split(r"\s?[-–]\s?", text)
    if a.currency or a.scale != 1 or any(not p.isdigit() for p in parts):
        return False
    if all(len(p) == 4 and 1000 <= int(p) <= 2100 for p in parts):
        return True
    # "05-06", "07-08": two-digit school/fiscal-year style spans
    return len(parts) == 2 and all(len(p) == 2 for p in parts) and int(parts[1]) - int(parts[0]) in (1, -99)
