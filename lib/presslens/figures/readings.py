"""Readings: the number phrases of a sentence with their bounds and hedges, before any verdict.

:class:`NumberReading` is one number phrase and what it means; the hedge
written before ("nearly", "at least", "an estimated") or after ("or more",
"plus") it becomes its bounds (:func:`_hedges`). :class:`Figure` is what
:func:`~presslens.figures.extract_figures` returns for a reading judged a figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .lexicon import (
    _DIGIT_RE,
    _HAS_NUMBER,
    _HEDGE_KIND,
    _HEDGE_LEFT,
    _HEDGE_SUFFIX,
    _MODAL_LEFT,
    _MODAL_PREFIX,
    _REPORTED_LEFT,
    _NUMBER_WORD_SET,
    _PREPOSITION_OVER,
    _SUFFIX_KIND,
    _WORD_RUN_RE,
)
from .numbers import _is_year_group, _left, _parse, _phrase_bounds


@dataclass
class NumberReading:
    """One number phrase in a text, what it means and whether it is a figure.

    Offsets index the text given to :func:`read_numbers`. ``verdict`` is
    ``figure`` or the reason it is not one (``year``, ``payment``...).

    ``shape`` is what the number measures: ``count`` (a number of people, things
    or money), ``share`` (a percentage, "one in 40", "one out of every six",
    "two-thirds of": ``low``/``high`` are then the ratio, e.g. 0.025, except for
    percentages, which keep the number as written) or ``rate`` ("5.5 deaths per
    1,000 people", the base "1,000" of that rate, "$3,000 per month"), with
    ``shape_reason`` saying why. A share or rate is never a count of casualties
    (:func:`shape_verdict`). ``trend`` is ``from`` or ``to`` for the two ends of a
    change over time ("rose from 1,778 to 3,149", "from 1,778 in 2005 to 3,149 in
    2006"): two readings, not one range.
    """

    num_start: int
    num_end: int
    value_text: str
    sent_start: int
    sent_end: int
    low: float
    high: float
    scale: float
    vague: bool
    currency: str
    is_range: bool
    qualifier: str = ""
    hedge: str = ""  # upper, lower, approx or ""
    verdict: str = ""
    kind: str = ""
    who: str = ""
    who_basis: str = ""
    group: str = ""
    period: str = ""
    conflict: str = ""
    years: bool = False
    shape: str = "count"
    shape_reason: str = ""
    trend: str = ""


@dataclass(frozen=True)
class Figure:
    """A stated casualty, displacement or cost figure; offsets index the text it was read from."""

    kind: str
    low: float | None
    high: float | None
    qualifier: str
    unit: str
    who: str
    sentence: str
    start: int
    end: int
    num_start: int
    num_end: int
    value_text: str
    bound: str
    group: str
    who_basis: str
    period: str
    conflict: str
    claim_id: str


def _has_number(sentence: str) -> bool:
    """``_HAS_NUMBER.search(sentence)``, three times faster.

    A number word between ``\\b`` s is a whole run of word characters, so the
    runs are looked up in a set; ASCII runs compare lower-cased (what
    ``IGNORECASE`` does on ASCII), any other run goes through the regex itself.
    """
    if _DIGIT_RE.search(sentence):
        return True
    if sentence.isascii():  # lower-casing ASCII keeps every run of word characters as it is, one set test for all
        return not _NUMBER_WORD_SET.isdisjoint(_WORD_RUN_RE.findall(sentence.lower()))
    for run in _WORD_RUN_RE.findall(sentence):
        if run.isascii():
            if run.lower() in _NUMBER_WORD_SET:
                return True
        elif _HAS_NUMBER.fullmatch(run):
            return True
    return False


def _phrases(sentence: str, offset: int) -> list[NumberReading]:
    """Number phrases of one sentence (:func:`.numbers._parse`): ranges, trends, shares and rates, with currency and inner hedges."""
    readings: list[NumberReading] = []
    for p in _parse(sentence):
        group = p.atoms
        low, high = _phrase_bounds(p)
        start, end = p.start, p.end
        reading = NumberReading(
            num_start=offset + start, num_end=offset + end, value_text=sentence[start:end],
            sent_start=offset, sent_end=offset + len(sentence),
            low=low, high=high, scale=max(a.scale for a in group),
            vague=any(a.vague for a in group), currency=next((a.currency for a in group if a.currency), ""),
            is_range=len(group) > 1 and p.shape != "share",
            qualifier=" … ".join(p.inner), shape=p.shape, shape_reason=p.reason, trend=p.trend,
        )
        reading.years = p.shape == "count" and _is_year_group(group, sentence)
        if reading.years and len(group) == 2 and len(group[1].text) == 2 and group[0].low >= 1000:  # "2011-12": 2011 to 2012
            first = group[0].low
            last = first // 100 * 100 + int(group[1].text)
            reading.low, reading.high = first, float(last + 100 if last < first else last)
        readings.append(reading)
    return readings


def shape_verdict(reading: NumberReading) -> str:
    """Why a share or a rate is not a figure ("share: one in 40"), "" for a count."""
    if reading.shape == "count":
        return ""
    if reading.shape_reason == "percentage":
        return "percentage"
    if reading.shape == "rate" and reading.shape_reason.startswith("per ") and not reading.shape_reason.endswith("…"):
        return "a rate (per month, day, person...), not a total"  # the words the traps use for "$3,000 per month"
    return f"{reading.shape}: {reading.shape_reason}"


#: "estimate" written with the number (the gold's convention: it is the qualifier), before it with "of" or after it.
_ESTIMATE_OF_LEFT = re.compile(r"\b(?P<m>estimates?)\s+of\s+$", re.IGNORECASE)
_ESTIMATE_AFTER = re.compile(r"(?:\s+dollars?)?\s+(?P<m>estimates?)\b|\s*\((?:(?:19|20)\d\d\s+)?(?P<m2>estimates?)\)", re.IGNORECASE)


def _hedges(reading: NumberReading, sentence: str, rel_start: int, rel_end: int) -> tuple[int, int]:
    """Attach the hedge written before and after the number; returns the phrase's extended span (relative)."""
    left = _left(sentence, rel_start)  # bounded: a hedge is a few words
    offset = rel_start - len(left)
    m = _HEDGE_LEFT.search(left)
    quals = []
    kind = ""
    ext_start = rel_start
    if m and _PREPOSITION_OVER.search(left[: m.start("h")]) and m.group("h").lower() in ("over", "above", "under", "below"):
        m = None
    if m:
        hedge = " ".join(m.group("h").split())
        core = _MODAL_PREFIX.sub("", hedge).lower()
        if core == "top" and core == hedge.lower():  # "the top 10": "top" bounds a number only after "likely to", "could"
            m = None
        else:
            kind = _HEDGE_KIND.get(core, "approx")
            quals.append(hedge)
            ext_start = offset + m.start("h")
    if not m and left[-1:] in ("~", "≈") and (len(left) == 1 or not left[-2].isalnum()):
        quals.append(left[-1])  # "~30,000", "≈ 5,000" in a list or table: about
        kind = "approx"
        ext_start = rel_start - 1
    elif not m:
        mm = _MODAL_LEFT.search(left) or (("eport" in left or "lleged" in left) and _REPORTED_LEFT.search(left))
        if mm:
            quals.append(mm.group("m"))
            kind = "approx"
        elif "stimate" in left and (mm := _ESTIMATE_OF_LEFT.search(left)):
            quals.append(mm.group("m"))  # "the previous estimate of 2.5 million"
            kind = "approx"
    if reading.qualifier:
        quals.append(reading.qualifier)
    ext_end = rel_end
    e = _ESTIMATE_AFTER.match(sentence, rel_end)
    if e:  # "a $3 trillion dollar estimate", "30,000 (1983 estimate)": the estimate named after the number
        quals.append(e.group("m") or e.group("m2"))
        kind = kind or "approx"
    s = _HEDGE_SUFFIX.match(sentence, rel_end)
    if s:
        ext_end = s.end()
        suffix = " ".join(s.group("h").split())
        quals.append(suffix)
        skind = _SUFFIX_KIND.get(suffix.lower(), "approx")
        if skind != "approx":
            kind = skind if kind in ("", "approx", skind) else "approx"  # "up to 300 or more" bounds nothing
        elif not kind:
            kind = "approx"
    if kind == "lower" and reading.is_range and any(_HEDGE_KIND.get(" ".join(q.lower().split())) == "upper" for q in reading.qualifier.split(" … ")):
        kind = ""  # "no lower than 425,000 and no higher than 793,000": both ends are stated
    reading.qualifier = " … ".join(quals)
    reading.hedge = kind
    if kind == "upper":
        reading.low = math.nan
    elif kind == "lower":
        reading.high = math.nan
    return ext_start, ext_end
