"""Numbers: a parser of number phrases over the tokens of a sentence (:mod:`.tokens`), giving value, bounds, shape and trend.

An atom is one number as written ("300,000", "4, 500", "1 000", "80 thousand",
"$6.4 trillion", "$80bn", "1.2m refugees", "half a million", "tens of
thousands", "two-thirds"), read by :func:`_atom_at` from a bounded number of
tokens; atoms joined by "to", "-", "or" (and "and" after "between"/"from" or
between two bounds: "no lower than X and no higher than Y") make one phrase, a
range (:func:`_parse`). A phrase also has a shape: a percentage, "one in 40",
"one out of every six" and a fraction of a whole are shares, "5.5 deaths per
1,000 people" (both numbers) and "per month" rates; and "rose from X to Y",
"from X in 2005 to Y in 2006", "Y, up from X" are two phrases, the ends of a
trend. The sentence is read once, left to right, so the cost is linear in its
length. Hedges before and after a phrase are read in :mod:`.readings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import chain
from typing import Sequence

from .lexicon import (
    _CURRENCY_UNITS,
    _CURRENCY_WORD_RE,
    _FRACTIONS,
    _HEDGE_KIND,
    _HEDGE_LEFT,
    _MONTHS,
    _NUMBER_WORD_SET_ALL,
    _PERCENT_WORDS,
    _PERSON_NOUNS,
    _RANGE_GAP,
    _RANGE_PREFIX,
    _SCALE_ABBREVIATIONS,
    _SCALE_LETTERS,
    _SCALE_WORDS,
    _SCALES,
    _SMALL,
    _TENS,
    _VAGUE_OF,
    _VAGUE_UNITS,
)
from .tokens import Token, tokens


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


def parse_number(text: str) -> float | None:
    """The value of one number phrase, or None when it is vague or not a number.

    Handles digits with separators and decimals, words, digits with a scale word,
    fractions of a scale and a currency sign; vague magnitudes ("tens of
    thousands") have no single value, see :func:`number_bounds`.

    >>> parse_number("Eight thousand one hundred and seventy five")
    8175.0
    >>> parse_number("$6.4 trillion"), parse_number("80 thousand"), parse_number("half a million")
    (6400000000000.0, 80000.0, 500000.0)
    >>> parse_number("$80bn"), parse_number("4, 500"), parse_number("1 000"), parse_number("1.2m refugees")
    (80000000000.0, 4500.0, 1000.0, 1200000.0)
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
    phrases = _parse(text)
    if not phrases:
        raise ValueError(f"not a number phrase: {text!r}")
    bounds = [_phrase_bounds(p) for p in phrases]
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


@dataclass(frozen=True)
class _Atom:
    """One number as written: its offsets, bounds, scale word's value (1 when none), currency and tokens ``[first, stop)``.

    ``form`` is ``digits``, ``words``, ``vague`` ("tens of thousands"), ``fraction`` (of a whole: "half of", "two-thirds"),
    ``single`` (one person written "a", "an" or "one": "a woman was killed") or ``one`` (any other bare "one", a number
    only inside a share such as "one in 40").
    """

    start: int
    end: int
    low: float
    high: float
    scale: float  # 1 when no scale word
    vague: bool
    currency: str
    text: str
    form: str = "digits"
    first: int = 0
    stop: int = 0


@dataclass
class _Phrase:
    """Atoms read as one number phrase: a range when there are several, with the hedges written between them.

    ``shape`` is ``count``, ``share`` (a percentage, "one in 40", "two-thirds of") or ``rate`` ("5.5 deaths per
    1,000 people", "per month"), with ``reason``; ``trend`` is ``from`` or ``to`` for the two ends of a change over
    time ("rose from 1,778 to 3,149"), each its own phrase; ``value`` overrides the atoms' bounds (a share's ratio).
    """

    atoms: list[_Atom]
    inner: list[str]
    shape: str = "count"
    reason: str = ""
    trend: str = ""
    value: float | None = None

    @property
    def start(self) -> int:
        return self.atoms[0].start

    @property
    def end(self) -> int:
        return self.atoms[-1].end


def _phrase_bounds(p: _Phrase) -> tuple[float, float]:
    if p.value is not None:
        return p.value, p.value
    values = _share_scale([(a.low, a.high, a.scale, a.vague) for a in p.atoms])
    if len(p.atoms) == 2 and _shared_thousands(*p.atoms):  # "10-80,000": the thousands are written once, for both ends
        values = [(values[0][0] * 1000, values[0][1] * 1000, 1000.0, values[0][3]), values[1]]
    return min(v[0] for v in values), max(v[1] for v in values)


def _shared_thousands(a: "_Atom", b: "_Atom") -> bool:
    """ "10-80,000", "25-34,000": a bare first end of one to three digits before a second end in whole thousands, which
    it reaches only once it is read in thousands too."""
    return (a.form == b.form == "digits" and a.scale == b.scale == 1 and a.text.isdigit() and len(a.text) <= 3 and not a.currency
            and b.text.replace("$", "").endswith((",000", ".000")) and 1000 <= a.low * 1000 <= b.low)


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


# --------------------------------------------------------------------------------------------------------------
# Atoms: one pass over the tokens, each atom read from a bounded number of tokens
# --------------------------------------------------------------------------------------------------------------

_DIGIT_FORM = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\d{1,2}(?:,\d\d)+,\d{3}")  # the last: "1,00,000" (lakh)
#: "4.484", "1.500.000": a dot between groups of three digits (continental habit, or a typo for a comma).
_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
#: Characters that, glued before a number, make it part of something else ("F-16", "9/11", "10:30", "#3", "1,2").
_GLUED_BEFORE = frozenset("/:.,*#-–")
#: A count of people or money after "1.2m"/"10k", so the letter is a scale and not a unit ("a 100m race").
_PEOPLE_AFTER = re.compile(
    r"\s+(?:(?:more|other|of|new|[A-Z][\w-]*)\s+)?(?:people|persons|civilians|refugees|displaced|migrants|children|deaths|dead|"
    r"casualties|fatalities|victims|residents|inhabitants|Syrians|Iraqis|Afghans|Yemenis|Palestinians|Rohingya|soldiers|troops|"
    r"fighters|dollars|euros|pounds|in\s+(?:damage|aid|losses))\b|\s*[,.;:)]|\s*$",
)


def _clean_end(toks: list[Token], k: int) -> bool:
    """Nothing glued after the atom that would make it part of a longer word ("five-year", "thirds")."""
    return k >= len(toks) or toks[k].space or toks[k].kind not in ("word", "num", "dash")


def _word(toks: list[Token], k: int) -> str:
    """The lower-cased word at token ``k`` with whitespace before it, or "" (a glued word is part of something else)."""
    if k < len(toks) and toks[k].kind == "word" and toks[k].space:
        return toks[k].low
    return ""


def _atoms(sentence: str, toks: list[Token] | None = None) -> list[_Atom]:
    """The number atoms of one sentence in reading order: a number with its scale word and currency, before ranges are joined."""
    toks = tokens(sentence) if toks is None else toks
    out: list[_Atom] = []
    i = 0
    while i < len(toks):
        atom = _atom_at(sentence, toks, i)
        if atom is None:
            i += 1
        else:
            out.append(atom)
            i = atom.stop
    return out


#: The words an atom can start with: most words of a sentence are none of them and are passed over at once.
_ATOM_STARTS = frozenset([*_NUMBER_WORD_SET_ALL, *_VAGUE_UNITS, *_FRACTIONS, "a", "an", "several"])


def _atom_at(sentence: str, toks: list[Token], i: int) -> _Atom | None:
    t = toks[i]
    if t.text == "." and (i == 0 or t.space) and i + 1 < len(toks) and toks[i + 1].kind == "num" and not toks[i + 1].space:
        return _leading_point(sentence, toks, i)
    if t.kind == "word":
        if t.low not in _ATOM_STARTS:
            return None
    elif t.kind not in ("cur", "num"):
        return None
    if i and not t.space:
        p = toks[i - 1]
        # "1980-1988", "$50-60 billion"; "100K-400K", "$295bn-$415bn": the first end's scale glued to its digits
        range_dash = p.kind == "dash" and i >= 2 and not p.space and (toks[i - 2].kind == "num" or _scaled_end(toks, i - 2))
        if p.kind in ("num", "word", "cur") or (p.text in _GLUED_BEFORE and not range_dash):
            return None
    cur, j = "", i
    if t.kind == "cur":
        if i + 1 >= len(toks) or toks[i + 1].space or toks[i + 1].kind not in ("num", "word"):
            return None
        cur, j = t.text.replace(" ", "").lower(), i + 1
    if toks[j].kind == "num" and _dash_chain(toks, j):
        return None
    read = _digit_atom(sentence, toks, j, cur) if toks[j].kind == "num" else _word_atom(toks, j)
    if read is None:
        return None
    low, high, scale, form, k = read
    end = toks[k - 1].end
    cw = _CURRENCY_WORD_RE.match(sentence, end)
    if cw and form in ("digits", "words"):
        cur = cur or cw.group("w").lower()
        end = cw.end()
        while k < len(toks) and toks[k].start < end:
            k += 1
    return _Atom(t.start, end, low, high, scale, form == "vague", _CURRENCY_UNITS.get(cur, ""), sentence[t.start : end], form, i, k)


def _leading_point(sentence: str, toks: list[Token], i: int) -> _Atom | None:
    """ ".1", ".35" after a space (a cell of a table of amounts written without the nought): a decimal below one."""
    digits = toks[i + 1].text
    if not digits.isdigit() or (i + 2 < len(toks) and not toks[i + 2].space and toks[i + 2].kind in ("num", "word", "cur", "pct")):
        return None
    value = float("0." + digits)
    return _Atom(toks[i].start, toks[i + 1].end, value, value, 1.0, False, "", sentence[toks[i].start : toks[i + 1].end], "digits", i, i + 2)


def _digit_atom(sentence: str, toks: list[Token], j: int, cur: str) -> tuple[float, float, float, str, int] | None:
    """Digits at token ``j``: separators of every habit, a scale word or abbreviation, "and a half"."""
    text = toks[j].text
    value = float(text.replace(",", "")) if _DIGIT_FORM.fullmatch(text) else None
    dots = _DOT_THOUSANDS.fullmatch(text) is not None
    if value is None and not dots:
        return None
    k = j + 1
    if value is not None and len(text) <= 3 and text.isdigit() and not _after_list(toks, j) and not _day_of_month(sentence, toks[j].start):
        k, value = _spaced_groups(sentence, toks, j, value)
    scale = 1.0
    nxt = toks[k] if k < len(toks) else None
    if nxt is not None and not nxt.space and nxt.kind == "word":  # glued: "80bn", "1.2m", "10k"; else "3rd", "1990s", "10am"
        if nxt.low in _SCALE_ABBREVIATIONS:
            scale = _SCALE_ABBREVIATIONS[nxt.low]
        elif nxt.low in _SCALE_LETTERS and (cur or _PEOPLE_AFTER.match(sentence, nxt.end) or _OPEN_OR_RANGE_AFTER.match(sentence, nxt.end)
                                            or (j >= 3 and toks[j - 1].kind == "dash" and _scaled_end(toks, j - 2))):
            # "10k people", "$5b"; "11M+", "600K-1.5 million" and the second end of "100K-400K": a count's abbreviation
            scale = _SCALE_LETTERS[nxt.low]
        elif nxt.low in _PERCENT_WORDS:  # "9pc": the number, a share (:func:`_shape_after`)
            return value, value, 1.0, "digits", k
        else:
            return None
        k += 1
    elif nxt is not None and not nxt.space and nxt.text in ("/", ":"):  # "24/7", "10:30"
        return None
    elif (w := _word(toks, k)) in _SCALE_WORDS or w in _SCALE_ABBREVIATIONS:
        scale = _SCALE_WORDS.get(w) or _SCALE_ABBREVIATIONS[w]
        k += 1
        rest = _smaller_scale(toks, k, scale)
        if rest is not None and value is not None and value.is_integer():  # "1 million 800 thousand": one number
            v = value * scale + rest[0]
            return v, v, scale, "digits", rest[1]
    elif w == "and" and _word(toks, k + 1) == "a" and _word(toks, k + 2) == "half" and _word(toks, k + 3) in _SCALE_WORDS:
        if value is None:
            return None
        scale = _SCALE_WORDS[_word(toks, k + 3)]
        v = (value + 0.5) * scale
        return v, v, scale, "digits", k + 4
    if dots and (value is None or (scale == 1 and not cur)):
        value = float(text.replace(".", ""))
    v = value * scale
    return v, v, scale, "digits", k


def _smaller_scale(toks: list[Token], k: int, scale: float) -> tuple[float, int] | None:
    """After "1 million": "800 thousand", the rest of the number in a smaller scale word (its value and the token after)."""
    if not (k + 1 < len(toks) and toks[k].kind == "num" and toks[k].space and toks[k].text.isdigit() and len(toks[k].text) <= 3):
        return None
    w = _word(toks, k + 1)
    smaller = _SCALE_WORDS.get(w)
    if smaller is None or smaller >= scale or w == "hundred":
        return None
    return float(toks[k].text) * smaller, k + 2


def _scaled_end(toks: list[Token], k: int) -> bool:
    """Token ``k`` is a scale abbreviation glued to the digits before it ("100K", "295bn"): a range's first end."""
    return k >= 1 and toks[k].kind == "word" and not toks[k].space and toks[k - 1].kind == "num" and (
        toks[k].low in _SCALE_LETTERS or toks[k].low in _SCALE_ABBREVIATIONS)


#: After a one-letter scale: an open bound ("11M+") or a range's dash and its second end ("600K-1.5 million").
_OPEN_OR_RANGE_AFTER = re.compile(r"\+|[-–]\s?(?:US)?\$?\d")


def _glued_dash_num(toks: list[Token], k: int) -> bool:
    """Token ``k`` is a dash glued between the digits before it and the digits after it."""
    return 0 < k < len(toks) - 1 and toks[k].kind == "dash" and not toks[k].space and not toks[k + 1].space and toks[k + 1].kind == "num" and toks[k - 1].kind == "num"


def _dash_chain(toks: list[Token], j: int) -> bool:
    """The digits at ``j`` are one of three or more groups joined by dashes ("06-06-2016", "0300-123-456"): a date or code."""
    before = int(_glued_dash_num(toks, j - 1)) + int(_glued_dash_num(toks, j - 3) and _glued_dash_num(toks, j - 1))
    after = int(_glued_dash_num(toks, j + 1)) + int(_glued_dash_num(toks, j + 1) and _glued_dash_num(toks, j + 3))
    return before + after >= 2


def _after_list(toks: list[Token], j: int) -> bool:
    """The digits at ``j`` follow other digits ("5, 100", "4 7,097"): a list or table, not a number split by a space."""
    if j >= 1 and toks[j - 1].kind == "num":
        return True
    return j >= 2 and toks[j - 1].text == "," and toks[j - 2].kind == "num"


def _day_of_month(sentence: str, start: int) -> bool:
    """Whether the digits at ``start`` follow a month's name: a day ("On May 5 100 people died"), never a first group.

    >>> _day_of_month("On May 5 100 people died", 7), _day_of_month("Some 5 100 people died", 5)
    (True, False)
    """
    return _MONTH_BEFORE.search(sentence, max(0, start - 12), start) is not None


_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$")


def _spaced_groups(sentence: str, toks: list[Token], j: int, value: float) -> tuple[int, float]:
    """Groups of three digits after a space ("1 000", "300 000") or a comma and a space ("4, 500", "32, 000").

    "In 2003, 4 people" is not one number (the groups must be three digits after at most three), nor is a list
    "5, 100, 7" or a table row "382 467 849" (digits follow the last group); "1 071 000" is (a first group shorter
    than three digits, then groups written alike).
    """
    k = j + 1
    joined = value
    comma = None
    while (found := _group(sentence, toks, k, comma)) is not None:
        g, step, c = found
        after = k + step
        if after < len(toks) and ((toks[after].kind == "num") or (toks[after].text == "," and after + 1 < len(toks) and toks[after + 1].kind == "num")):
            # a list of numbers ("5, 100, 7") or a table row of three-digit columns ("Gulf War 382 467 849"),
            # unless a shorter first group starts one number of several groups ("1 071 000")
            if not (len(toks[j].text) < 3 and _group(sentence, toks, after, c) is not None):
                break
        joined = joined * 1000 + float(g.text)
        comma = c
        k = after
    return k, joined


def _group(sentence: str, toks: list[Token], k: int, comma: bool | None) -> tuple[Token, int, bool] | None:
    """The group of three digits written at token ``k``, after the digits before it: ``(group, tokens it takes,
    whether a comma came before it)``, else ``None``. ``comma``: ``None`` either way, ``True`` only ", 500",
    ``False`` only " 500" (every group of one number is written alike).

    >>> from presslens.figures.tokens import tokens
    >>> [_group(t, tokens(t), k, c) is not None for t, k, c in (("1 071 000", 2, False), ("5, 100, 7", 3, True), ("4, 500", 1, False))]
    [True, False, False]
    """
    if comma is not False and k + 1 < len(toks) and toks[k].text == "," and not toks[k].space and sentence[toks[k].end : toks[k + 1].start] == " ":
        g, step, c = toks[k + 1], 2, True
    elif comma is not True and k < len(toks) and sentence[toks[k - 1].end : toks[k].start] == " ":
        g, step, c = toks[k], 1, False
    else:
        return None
    return (g, step, c) if g.kind == "num" and len(g.text) == 3 and g.text.isdigit() else None


def _word_atom(toks: list[Token], j: int) -> tuple[float, float, float, str, int] | None:
    """Words at token ``j``: vague magnitudes, fractions of a scale or of a whole, "a million", spelled-out numbers."""
    w = toks[j].low
    n1, n2, n3 = _word(toks, j + 1), _word(toks, j + 2), _word(toks, j + 3)
    if w in _VAGUE_UNITS:
        unit = _VAGUE_UNITS[w]
        if n1 == "of" and n2 in _VAGUE_OF and _clean_end(toks, j + 3):  # "tens of thousands"
            unit *= _VAGUE_OF[n2]
            return 2 * unit, 10 * unit, unit, "vague", j + 3
        if _clean_end(toks, j + 1):
            return 2 * unit, 10 * unit, unit, "vague", j + 1
        return None
    # "half a million", "a quarter of a million", "one third of a billion"
    f = j + 1 if w in ("a", "one") and n1 in _FRACTIONS else j
    if toks[f].low in _FRACTIONS:
        frac = _FRACTIONS[toks[f].low]
        k = f + 1
        if _word(toks, k) == "of":
            k += 1
        if _word(toks, k) in ("a", "an") and _word(toks, k + 1) in _SCALE_WORDS and _clean_end(toks, k + 2):
            scale = _SCALE_WORDS[_word(toks, k + 1)]
            return frac * scale, frac * scale, scale, "digits", k + 2
        if k == f + 1 and _word(toks, k) in _SCALE_WORDS and _clean_end(toks, k + 1):  # "half million", "a quarter million"
            scale = _SCALE_WORDS[_word(toks, k)]
            return frac * scale, frac * scale, scale, "digits", k + 1
        if f > j or w in ("half", "quarter", "third"):
            return _whole_fraction(toks, j, f, frac)
    # "one and a half million"
    if w in _SMALL or w in _TENS:
        if n1 == "and" and n2 == "a" and n3 == "half" and _word(toks, j + 4) in _SCALE_WORDS and _clean_end(toks, j + 5):
            scale = _SCALE_WORDS[_word(toks, j + 4)]
            v = ((_SMALL.get(w) or _TENS.get(w) or 0) + 0.5) * scale
            return v, v, scale, "digits", j + 5
    # "several hundred", "a few thousand", "a couple of hundred"
    few = None
    if w == "several" and n1 in _SCALE_WORDS:
        few = (3, 10, j + 1)
    elif w == "a" and n1 == "few" and n2 in _SCALE_WORDS:
        few = (2, 10, j + 2)
    elif w == "a" and n1 == "couple" and (n2 in _SCALE_WORDS or (n2 == "of" and n3 in _SCALE_WORDS)):
        few = (2, 3, j + 2 if n2 in _SCALE_WORDS else j + 3)
    if few and _clean_end(toks, few[2] + 1):
        scale = _SCALE_WORDS[toks[few[2]].low]
        return few[0] * scale, few[1] * scale, scale, "vague", few[2] + 1
    negated = bool(j) and toks[j - 1].low in ("not", "nor", "never")  # "Not one American who died...": none
    if w in ("a", "an") and n1 in _PERSON_NOUN_SET and n2 == "and" and n3 in ("his", "her", "their") and (
            _word(toks, j + 4) in _PERSON_NOUN_SET) and _clean_end(toks, j + 5):
        return 2.0, 2.0, 1.0, "single", j + 5  # "claiming the lives of a man and his wife": two people, no numeral
    if w in ("a", "an", "one") and not negated and _SINGLE_PERSON.match(" ".join(_words_ahead(toks, j + 1, 3))):  # "a woman was killed"
        return 1.0, 1.0, 1.0, "single", j + 1
    if w in ("a", "an", "one") and not negated and j + 1 < len(toks) and toks[j + 1].text[:1].isupper() and _SINGLE_NATIONAL.match(
            " ".join(_words_ahead(toks, j + 1, 2))):
        return 1.0, 1.0, 1.0, "single", j + 1  # "the murder of one Chilean"
    if (w in ("a", "an") and n1 in _ORDINALS and j and toks[j - 1].low in _HARM_VERBS and _word(toks, j + 2) != "of"
            and not (j + 2 < len(toks) and toks[j + 2].kind == "dash")):
        return 1.0, 1.0, 1.0, "single", j + 1  # "killing three brothers and injuring a fourth": one more person
    if w == "one" and j and toks[j - 1].low == "another" and _word(toks, j + 1) in ("was", "is", "has", "had", "died"):
        return 1.0, 1.0, 1.0, "single", j + 1  # "another one was injured"
    if (w == "one" and j and toks[j - 1].low in _HARM_VERBS and (j + 1 >= len(toks) or toks[j + 1].kind == "punct"
                                                                 or _word(toks, j + 1) in ("and", "or"))):
        return 1.0, 1.0, 1.0, "single", j + 1  # "killing one and wounding 15": the verb's object, one person
    if w in ("a", "an") and n1 == "dozen" and _clean_end(toks, j + 2):  # "a dozen"
        return 12.0, 12.0, 12.0, "digits", j + 2
    if w in ("a", "an") and n1 in _SCALE_WORDS:  # "a million", "a hundred thousand", "a hundred and fifty": "a" is one
        n, value = _longest_words_prefix(chain(["one"], _number_words(toks, j + 1)))
        k = _words_stop(toks, j + 1, n - 1) if n >= 2 else j + 1
        if n < 2 or not _clean_end(toks, k):
            return None
        run = [t.low for t in toks[j + 1 : k] if t.kind == "word"]
        scale = max([_SCALE_WORDS[x] for x in run if x in _SCALE_WORDS and x != "hundred"] or [_SCALE_WORDS[n1] if len(run) == 1 else 1.0])
        return value, value, scale, "digits", k
    if w not in _NUMBER_WORD_SET_ALL or w == "dozen":
        return None
    # spelled out: the longest start of the run of number words that reads as one number, in one pass
    n, value = _longest_words_prefix(_number_words(toks, j))
    if not n:
        return None
    k = _words_stop(toks, j, n)
    if not _clean_end(toks, k) and not (toks[k].kind == "dash" and k + 1 < len(toks) and toks[k + 1].low in _FRACTIONS):
        return None
    run = [t.low for t in toks[j:k] if t.kind == "word"]
    scale = max([_SCALE_WORDS[x] for x in run if x in _SCALE_WORDS and x != "hundred"] or [1.0])
    if k + 1 < len(toks) and toks[k].kind == "dash" and toks[k + 1].low in _FRACTIONS:  # "two-thirds"
        return _whole_fraction(toks, j, k + 1, value * _FRACTIONS[toks[k + 1].low]) if value < 10 else None
    if _word(toks, k) == "dozen" and scale == 1 and _clean_end(toks, k + 1):  # "two dozen"
        return value * 12, value * 12, 12.0, "words", k + 1
    if run == ["one"]:
        return 1.0, 1.0, 1.0, "one", k
    if run == ["zero"]:
        return None
    return value, value, scale, "words", k


#: One person counted by an article or "one" ("a woman was killed", "injuring one person", "a girl child"): up to two
#: modifiers, then a singular noun of a person.
_SINGLE_PERSON = re.compile(
    r"^(?:(?:other|more|young|little|small|old|elderly|pregnant|local|civilian|palestinian|syrian|iraqi|afghan|american|british|french|"
    r"israeli|lebanese|turkish|kurdish|russian|chilean|foreign|female|male|teenage|[a-z0-9]+-year-old|us|u\.s\.|uk|un|nato|coalition|"
    r"ukrainian|iranian|pakistani|indian|egyptian|yemeni|somali|nigerian|german|canadian|australian|italian|polish|danish|dutch)\s+){0,2}"
    rf"(?:{'|'.join(_PERSON_NOUNS)})\b"
)


#: A person named by a nationality alone ("the murder of one Chilean", "an Iraqi was killed"), read only when what
#: follows is no noun the nationality would modify ("an Iraqi official") nor a relative clause ("an Iraqi who had spied").
_SINGLE_NATIONAL = re.compile(
    r"^(?:[a-z]+(?:ian|ean|an|ese|i)|briton|turk|kurd|arab|jew|swede|dane|pole|finn|brit|scot|greek|thai|czech|swiss)"
    r"(?:$|\s+(?:and|or|but|was|were|is|has|had|died|killed|in|on|at|by|during|near|after|before)\b)"
)
_PERSON_NOUN_SET = frozenset(_PERSON_NOUNS)
_ORDINALS = frozenset("second third fourth fifth sixth seventh eighth ninth tenth".split())
#: Verbs of harm after which "a fourth" is one more person ("injuring a fourth").
_HARM_VERBS = frozenset("killing killed wounding wounded injuring injured hurting hurt".split())


def _words_ahead(toks: list[Token], k: int, n: int) -> list[str]:
    """Up to ``n`` lower-cased words from token ``k`` on, each after whitespace (hyphenated words joined: "10-year-old")."""
    out: list[str] = []
    while k < len(toks) and len(out) < n:
        t = toks[k]
        if t.kind in ("word", "num") and t.space:
            out.append(t.low)
        elif t.kind in ("word", "num", "dash") and not t.space and out:
            out[-1] += t.low
        else:
            break
        k += 1
    return out


def _whole_fraction(toks: list[Token], j: int, f: int, frac: float) -> tuple[float, float, float, str, int] | None:
    """A share of a whole ("half of", "a third of", "two-thirds", "one quarter of the"): read only before "of"/"the" or a stop."""
    k = f + 1
    follows = _word(toks, k)
    if follows in ("of", "the", "their", "its", "all") or (k < len(toks) and toks[k].kind == "punct") or k == len(toks):
        if toks[j].low == "half" and follows not in ("of", "the", "their", "its", "all"):
            return None
        return frac, frac, 1.0, "fraction", k
    return None


def _number_words(toks: list[Token], j: int):
    """The lower-cased number words (and "and") of the run starting at token ``j``, read lazily: separated by whitespace or a hyphen."""
    k = j
    while k < len(toks):
        t = toks[k]
        if t.kind != "word" or (t.low not in _NUMBER_WORD_SET_ALL and t.low != "and") or t.low == "dozen":
            return
        yield t.low
        if k + 2 < len(toks) and toks[k + 1].kind == "dash" and not toks[k + 1].space and not toks[k + 2].space and toks[k + 2].low in _NUMBER_WORD_SET_ALL:
            k += 2
        elif k + 1 < len(toks) and toks[k + 1].space:
            k += 1
        else:
            return


def _words_stop(toks: list[Token], j: int, n: int) -> int:
    """The token index after the ``n`` th word of the run starting at ``j`` (hyphens skipped)."""
    k, seen = j, 0
    while True:
        if toks[k].kind == "word":
            seen += 1
            if seen == n:
                return k + 1
        k += 1


# --------------------------------------------------------------------------------------------------------------
# Phrases: atoms joined into ranges, trends, shares and rates
# --------------------------------------------------------------------------------------------------------------

_SHARE_GAP = re.compile(r"^\s+(?:(?P<in>in)|(?P<out>out\s+of)|(?P<of>of))(?:\s+(?P<every>every|each))?\s+$", re.IGNORECASE)
#: What may follow "one in 40" for it to be a share: a stop, a population, "of", a verb.
_SHARE_AFTER = re.compile(
    r"\s*(?:[,.;:)!?\"”]|$)|\s+(?:of|have|has|had|are|is|were|was|will|would|could|may|might|who|[A-Z][\w-]*s|people|adults|children|"
    r"women|men|persons|residents|households|families|civilians|soldiers|troops|voters|respondents|victims|casualties|deaths|dead|"
    r"killed|refugees|patients|cases|those|them)\b",
)
_FROM_LEFT = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_TREND_LEFT = re.compile(
    r"\b(?:rose|risen|rising|rises|rise|increased|increases|increasing|increase|grew|grown|growing|grows|jumped|jumps|climbed|climbs|"
    r"climbing|soared|soaring|surged|fell|fallen|falling|falls|dropped|drops|dropping|declined|declining|declines|decreased|"
    r"decreasing|doubled|tripled|trebled|quadrupled|halved|went\s+up|gone\s+up|went\s+down|up|down|reduced|cut|shrank|shrunk|"
    r"swelled|swollen|ballooned|mounted|changed|revised|raised|lowered|leapt|leaped|spiked|plunged|plummeted|shot\s+up)"
    r"(?:\s+[\w-]+){0,3}\s+from\s+$",
    re.IGNORECASE,
)
_TREND_YEAR_GAP = re.compile(r"^\s*,?\s+(?:in|by|during|at\s+the\s+end\s+of|as\s+of)\s+$", re.IGNORECASE)
_UP_FROM_GAP = re.compile(r"^(?:\s+(?:on|in|by|at|as\s+of)\s+[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)?\s*,?\s+(?:(?:an?\s+)?(?:up|down|rising|falling|increasing|decreasing)\s+from|compared\s+(?:with|to))\s+$", re.IGNORECASE)
_TREND_TO_GAP = re.compile(r"^(?:\s?%|\s+per\s?cent|\s+percent)?\s*,?\s*to\s+$", re.IGNORECASE)
_RATE_STOP = frozenset("and or but while with than in on at to from by of as which that who".split())


def _is_plain_year(a: _Atom) -> bool:
    """Four bare digits 1000-2100: a year unless the words around it say otherwise."""
    t = a.text
    return a.form == "digits" and not a.currency and a.scale == 1 and len(t) == 4 and t.isdigit() and 1000 <= int(t) <= 2100


def _parse(sentence: str) -> list[_Phrase]:
    """The number phrases of one sentence in reading order, each atom in exactly one phrase (bare "one" in none but shares)."""
    toks = tokens(sentence)
    atoms = _atoms(sentence, toks)
    by_first = {a.first: n for n, a in enumerate(atoms)}
    phrases: list[_Phrase] = []
    rate_denominators: set[int] = set()
    i = 0
    while i < len(atoms):
        a = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if nxt is not None and a.form in ("digits", "words", "one") and nxt.form in ("digits", "words"):
            share = _share(sentence, a, nxt)
            if share:
                phrases.append(share)
                i += 2
                continue
        if a.form == "one":
            i += 1
            continue
        if a.form == "single":  # "a woman", "one person": a count of one, joined to nothing
            phrases.append(_Phrase([a], []))
            i += 1
            continue
        if a.form == "fraction":
            phrases.append(_Phrase([a], [], "share", "fraction of a whole"))
            i += 1
            continue
        trend = _trend(sentence, atoms, i)
        if trend:
            for p in trend:  # "rose from 5% to 9%" is a change of a share
                _shape_after(p, sentence, toks, by_first, rate_denominators)
            phrases.extend(trend)
            i += sum(len(p.atoms) for p in trend)
            continue
        group, inner = [a], []
        j = i + 1
        while j < len(atoms):
            b = atoms[j]
            if b.form in ("one", "fraction", "single"):
                break
            g = _RANGE_GAP.match(sentence[group[-1].end : b.start])
            if not g:
                break
            hedge = g.group("h")
            if g.group("c").lower() == "and" and not (_RANGE_PREFIX.search(_left(sentence, group[0].start)) or _bounded_and(sentence, group[0].start, hedge)):
                break
            if group[-1].scale > 1 and _is_percent(toks, b.stop):
                break  # "11.2 million or 78% of the transfer": a count and its share, not one range
            if hedge:
                inner.append(hedge)
            group.append(b)
            j += 1
        phrase = _Phrase(group, inner)
        if i in rate_denominators:
            phrase.shape, phrase.reason = "rate", "the base of a rate (per …)"
        else:
            _shape_after(phrase, sentence, toks, by_first, rate_denominators)
        phrases.append(phrase)
        i = j
    _coordinated_scale(phrases, sentence)
    return phrases


#: Between two amounts joined alike: "£8.22 and £9.9 billion" (one scale), "£1.5bn and £1.1bn" (one kind), "$5m, $8m or $12m".
_AND_BETWEEN = re.compile(r"\s*(?:,|,?\s*(?:and|or))\s*")


def _coordinated_scale(phrases: list[_Phrase], sentence: str) -> None:
    """ "£8.22 and £9.9 billion respectively": a bare amount joined by "and" to one of the same currency with a
    scale word is read in that scale too, as a range's ends are ("2 to 3 million")."""
    for p, q in zip(phrases, phrases[1:]):
        if len(p.atoms) != 1 or len(q.atoms) != 1 or p.value is not None or p.shape != "count":
            continue
        a, b = p.atoms[0], q.atoms[0]
        if (a.currency and a.currency == b.currency and a.form == b.form == "digits" and a.scale == 1 and b.scale > 1
                and a.high < 1000 and _AND_BETWEEN.fullmatch(sentence, a.end, b.start)):
            p.atoms[0] = replace(a, low=a.low * b.scale, high=a.high * b.scale, scale=b.scale)


def _bounded_and(sentence: str, start: int, hedge: str | None) -> bool:
    """ "no lower than X and no higher than Y", "at least X and at most Y": "and" joins two bounds of one range."""
    if not hedge or _HEDGE_KIND.get(" ".join(hedge.lower().split())) != "upper":
        return False
    m = _HEDGE_LEFT.search(_left(sentence, start))
    return bool(m) and _HEDGE_KIND.get(" ".join(m.group("h").lower().split())) == "lower"


def _share(sentence: str, a: _Atom, b: _Atom) -> _Phrase | None:
    """ "one in 40", "two out of 10", "one out of every six", "1 of every 5": a share, one phrase."""
    g = _SHARE_GAP.match(sentence[a.end : b.start])
    if not g or _is_plain_year(b) or b.low <= a.low or a.currency or b.currency:
        return None
    if g.group("of") and not g.group("every"):
        return None
    if g.group("in") and not g.group("every") and not (a.low <= 10 and _SHARE_AFTER.match(sentence, b.end)):
        return None
    return _Phrase([a, b], [], "share", f"{a.text} {g.group(0).strip()} {b.text}", value=a.low / b.low)


def _trend(sentence: str, atoms: list[_Atom], i: int) -> list[_Phrase] | None:
    """ "rose from 1,778 to 3,149", "from 1,778 in 2005 to 3,149 in 2006": a change over time, one phrase per end."""
    if i + 1 >= len(atoms):
        return None
    a, b = atoms[i], atoms[i + 1]
    if b.form in ("digits", "words") and a.form in ("digits", "words") and _UP_FROM_GAP.match(sentence[a.end : b.start]):
        return [_Phrase([a], [], trend="to"), _Phrase([b], [], trend="from")]  # "3,149, up from 1,778"
    if not _FROM_LEFT.search(_left(sentence, a.start, 40)):
        return None
    if i + 2 < len(atoms) and _is_plain_year(b) and _TREND_YEAR_GAP.match(sentence[a.end : b.start]):
        c = atoms[i + 2]
        if c.form in ("digits", "words", "vague") and _TREND_TO_GAP.match(sentence[b.end : c.start]):
            return [_Phrase([a], [], trend="from"), _Phrase([b], []), _Phrase([c], [], trend="to")]
        return None
    if b.form in ("digits", "words", "vague") and _TREND_TO_GAP.match(sentence[a.end : b.start]) and _TREND_LEFT.search(_left(sentence, a.start, 80)):
        return [_Phrase([a], [], trend="from"), _Phrase([b], [], trend="to")]
    return None


def _is_percent(toks: list[Token], k: int) -> bool:
    """Token ``k`` (right after a number) makes it a percentage: "%", "percent", "per cent", "-percent"."""
    if k >= len(toks):
        return False
    t = toks[k]
    return (t.kind == "pct" or t.low in _PERCENT_WORDS or (t.low == "per" and _word(toks, k + 1) == "cent")
            or (t.kind == "dash" and not t.space and k + 1 < len(toks) and toks[k + 1].low in _PERCENT_WORDS))


def _shape_after(phrase: _Phrase, sentence: str, toks: list[Token], by_first: dict[int, int], denominators: set[int]) -> None:
    """A percentage ("43%", "40 per cent", "a 9-percent rise") is a share; "per 1,000 people", "per month" make a rate."""
    k = phrase.atoms[-1].stop
    if k >= len(toks):
        return
    if _is_percent(toks, k):
        phrase.shape, phrase.reason = "share", "percentage"
        return
    for step in range(4):  # "5.5 deaths per 1,000 people": "per" at most three words after the number
        w = _word(toks, k + step)
        if not w or w in _RATE_STOP:
            return
        if w in ("per", "every") or (w == "for" and _word(toks, k + step + 1) == "every"):
            base = k + step + (2 if w == "for" else 1)
            if base in by_first:
                denominators.add(by_first[base])
                phrase.shape, phrase.reason = "rate", f"per {toks[base].text}…"
                return
            unit = _word(toks, base)
            if w == "per" and unit and unit not in _RATE_STOP:  # "per month", "per capita", "per household"
                phrase.shape, phrase.reason = "rate", f"per {unit}"
            return


def _is_year_group(atoms: list[_Atom], sentence: str) -> bool:
    """Years ("2003", "2003-2011", "1973-90") or a span like "05-06", "07-08" (two-digit school or fiscal years)."""
    if all(_is_plain_year(a) for a in atoms):
        return True
    dashed = len(atoms) == 2 and sentence[atoms[0].end : atoms[1].start].strip() in ("-", "–")
    if dashed and _is_plain_year(atoms[0]) and len(atoms[1].text) == 2 and atoms[1].text.isdigit():  # "1973-90", "2005-06"
        return int(atoms[1].text) > int(atoms[0].text[2:])
    if len(atoms) != 2 or any(a.form != "digits" or a.currency or len(a.text) != 2 or not a.text.isdigit() for a in atoms):
        return False
    return dashed and int(atoms[1].text) - int(atoms[0].text) in (1, -99)
