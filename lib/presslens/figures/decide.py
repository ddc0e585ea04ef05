"""Deciding: which number phrases are figures, of what kind, counting whom, in which conflict, for which claim.

A number is a figure when no trap explains it (:func:`_trap_reason`: dates,
years, identifiers, durations, rates, payments, counts of things...) and a
casualty, displacement or cost word stands next to it (:func:`_cues`). The
population comes from the words around it (:func:`_who`), the group and the
claim from the population and the conflict (:func:`_group`, :func:`_claim_id`).

:func:`read_numbers` reads a whole text; each process remembers the readings
of recent texts in one documented :class:`~presslens.text.TextMemo`
(``_READINGS``), since the figures and numbers tables read the same texts.
"""

from __future__ import annotations

import copy
import math
import re
from bisect import bisect_left
from typing import Iterable

from ..text import TextMemo, sentence_spans
from .lexicon import (
    _ACTIVE_KILL,
    _CONFLICTS,
    _CONFLICT_GROUP,
    _COUNTED_AFTER,
    _COUNTRY_DEMONYM,
    _CUE_RE,
    _DATE_AFTER,
    _DATE_BEFORE,
    _DEPLOYMENT,
    _DURATION_AFTER,
    _DURATION_BEFORE,
    _FAMILY,
    _FUNCTION_WORDS,
    _GROUP_RULES,
    _ID_BEFORE,
    _INDIRECT,
    _INHERIT_LEFT,
    _LIST_AFTER,
    _NEXT_WORD,
    _NP_AFTER,
    _NP_APPOSITION,
    _NP_PREDICATE,
    _NP_RE,
    _NP_RELATIVE,
    _PAYMENT,
    _PERCENT_AFTER,
    _PERIOD_RE,
    _PER_SIDE,
    _RATE_AFTER,
    _THINGS_AFTER,
    _YEAR_PREP,
)
from .numbers import CONTEXT_CHARS, _left
from .readings import Figure, NumberReading, _has_number, _hedges, _phrases, shape_verdict


def _word_gap(text: str) -> int:
    return len(re.findall(r"[\w’'-]+", text))


def _trap_reason(r: NumberReading, sentence: str, a: int, b: int) -> str:
    """Why a number phrase is not a figure, or "" when it may be one (a casualty word is still needed).

    The patterns that end at the number read a bounded window before it (:func:`.numbers._left`), so each number
    costs the same however long its sentence.
    """
    before, after = _left(sentence, a), sentence[b:]
    if _DATE_BEFORE.search(before) or _DATE_AFTER.search(after):
        return "date or time"
    if r.years and (_YEAR_PREP.search(before) or not _COUNTED_AFTER.match(after)):
        return "year range" if r.is_range else "year"
    if _ID_BEFORE.search(before):
        return "identifier"
    if _OPENERS_ONLY.match(sentence, 0, a).end() == a and _LIST_AFTER.match(after):  # nothing but quotes and brackets before it
        return "list number"
    if a and sentence[a - 1] == "*":
        return "note marker"
    if _PERCENT_AFTER.match(after):
        return "percentage"
    if _DURATION_AFTER.match(after) or (_DURATION_BEFORE.search(before) and re.match(r"^\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?)\b", after, re.IGNORECASE)):
        return "duration"
    if _RATE_AFTER.match(after):
        return "a rate (per month, day, person...), not a total"
    if r.currency:
        window = " ".join(before.split()[-4:]) + " " + r.value_text + " " + " ".join(sentence[b : b + CONTEXT_CHARS].split()[:4])
        if _PAYMENT.search(window):
            return "payment, not a war cost"
    if _THINGS_AFTER.match(after) and not _NP_AFTER.match(after):
        return "count of things"
    nxt = _NEXT_WORD.match(after)
    if nxt and not _NP_AFTER.match(after):
        word = nxt.group("w")
        if word.islower() and word not in _FUNCTION_WORDS and not word.endswith(("ed", "ly")) and not _CUE_RE.fullmatch(word):
            return "count of things"
    return ""


_OPENERS_ONLY = re.compile("[ \"'“‘(\\[]*")


def _cues(sentence: str) -> list[tuple[int, int, str]]:
    """Casualty and cost words of a sentence. A capitalised one inside a sentence is part of a name ("Highway of Death"),
    unless the whole sentence is in title case, as headlines and subheads are."""
    words = re.findall(r"[A-Za-z][\w'’-]*", sentence)
    title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    first = re.search(r"[A-Za-z]", sentence)
    out = []
    for m in _CUE_RE.finditer(sentence):
        if sentence[m.start()].isupper() and not title_case and first is not None and m.start() != first.start():
            continue
        out.append((m.start(), m.end(), m.lastgroup))
    return out


def _nearest_cue(cues, a: int, b: int, lo: int, hi: int, kinds: Iterable[str], sentence: str, *, max_words: int = 12) -> tuple[str, int] | None:
    """The kind of the nearest casualty/cost word to span [a, b) within [lo, hi), at most ``max_words`` words away."""
    best = None
    first = bisect_left(cues, (lo,))  # cues are in reading order: only those starting in [lo, hi) are looked at
    for cs, ce, kind in cues[first:]:
        if cs >= hi:
            break
        if kind not in kinds or ce > hi:
            continue
        if ce <= a:
            gap = _word_gap(sentence[ce:a])
        elif cs >= b:
            gap = _word_gap(sentence[b:cs])
        else:
            continue
        if gap <= max_words and (best is None or gap < best[1]):
            best = (kind, gap, cs)
    return (best[0], best[2]) if best else None


def _who(sentence: str, a: int, b: int, lo: int, kind: str, cue_pos: int | None) -> str:
    """The population a figure counts, as written: after the number, as predicate or apposition, else the nearest one before."""
    after = sentence[b:]
    for pattern in (_NP_AFTER, _NP_PREDICATE, _NP_APPOSITION):
        m = pattern.match(after)
        if m:
            return _clean_np(m.group("np"))
    # the nearest noun phrase to the left, unless it is the killer ("militias killed 50")
    left = sentence[lo:a]
    candidates = list(_NP_RELATIVE.finditer(left))
    for m in reversed(candidates):
        between = left[m.end():]
        if _word_gap(between) > 15:
            break
        if kind != "cost" and _ACTIVE_KILL.search(between):
            continue
        if kind == "cost" or cue_pos is None or cue_pos >= lo + m.start():
            return _clean_np(m.group(0))
    return ""


def _clean_np(text: str) -> str:
    return " ".join(text.split()).strip(" ,;")


def _conflict(sentence: str, previous: str) -> str:
    for text in (sentence, previous):
        for key, pattern in _CONFLICTS:
            if pattern.search(text):
                return key
    return ""


def _period(sentence: str) -> str:
    found = []
    for m in _PERIOD_RE.finditer(sentence):
        text = " ".join(m.group(0).strip("“”\"").split())
        if text not in found:
            found.append(text)
    return "; ".join(found)


def _group(kind: str, who: str, conflict: str, clause: str, sentence: str) -> str:
    """A normalised population key for charting, from the population as written and the conflict."""
    if kind == "cost":
        return conflict or "unspecified"
    if kind == "deaths" and _INDIRECT.search(clause):
        return "indirect_deaths"
    if who and _PER_SIDE.search(who):
        return f"{conflict}_per_side" if conflict else "per_side"
    if re.match(r"^(?:its|their)\s+(?:citizens|people|population)\b", who, re.IGNORECASE):
        first = min(((sentence.find(name), group) for name, group in _COUNTRY_DEMONYM if name in sentence), default=None)
        if first is not None:
            return first[1]
    for group, pattern in _GROUP_RULES:
        if who and pattern.search(who):
            return group
    if who:
        head = _NP_RE.search(who)
        return re.sub(r"\W+", "_", (head.group(0) if head else who).lower()).strip("_")
    if conflict:
        return _CONFLICT_GROUP.get(conflict, f"{conflict}_total")
    return "unspecified"


def _claim_id(kind: str, group: str, conflict: str) -> str:
    """``kind:family@conflict``: the same population family in the same conflict is the same claim, whoever states it."""
    family = _FAMILY.get(group, group)
    if conflict and (family == _CONFLICT_GROUP.get(conflict) or not family.startswith(conflict)):
        return f"{kind}:{family}@{conflict}"
    return f"{kind}:{family}"


def read_numbers(text: str) -> list[NumberReading]:
    """Every number phrase of ``text`` with its bounds, hedge and verdict (``figure`` or why not).

    This is the whole extraction; :func:`extract_figures` keeps the figures.
    The figures and numbers tables read the same texts, so each process
    remembers the readings of recent texts (:class:`~presslens.text.TextMemo`);
    every caller gets its own copies.

    >>> [(r.value_text, r.verdict) for r in read_numbers("In 2014, 3,000 more troops were sent. At least 40 were killed.")]
    [('2014', 'year'), ('3,000', 'people counted without a casualty word (deployment or strength)'), ('40', 'figure')]
    """
    return [copy.copy(r) for r in _READINGS(text)]


def _read_numbers(text: str) -> tuple[NumberReading, ...]:
    readings: list[NumberReading] = []
    spans = sentence_spans(text)
    for si, (s0, s1) in enumerate(spans):
        sentence = text[s0:s1]
        if not _has_number(sentence):
            continue
        phrases = _phrases(sentence, s0)
        if not phrases:
            continue
        previous = text[spans[si - 1][0] : spans[si - 1][1]] if si > 0 else ""
        following = text[spans[si + 1][0] : spans[si + 1][1]] if si + 1 < len(spans) else ""
        _judge_sentence(phrases, sentence, s0, previous, following)
        readings.extend(phrases)
    return tuple(readings)


_READINGS: TextMemo[tuple[NumberReading, ...]] = TextMemo(_read_numbers, max_chars=32_000_000)


def _judge_sentence(phrases: list[NumberReading], sentence: str, s0: int, previous: str, following: str) -> None:
    spans = []
    for r in phrases:
        a, b = r.num_start - s0, r.num_end - s0
        ha, hb = _hedges(r, sentence, a, b)
        spans.append((a, hb, ha))  # the number with its hedges: "at least 300 or more"
        r.verdict = shape_verdict(r) or _trap_reason(r, sentence, a, b)  # a share or a rate is never a count
    for i in range(len(phrases) - 1):  # "Tracy Riddle 4 7,097": numbers side by side are columns of a listing
        if not sentence[spans[i][1] : phrases[i + 1].num_start - s0].strip():
            for r in (phrases[i], phrases[i + 1]):
                r.verdict = r.verdict or "numbers side by side (a table or listing)"
    candidates = [i for i, r in enumerate(phrases) if not r.verdict]
    if not candidates:
        return
    cues = _cues(sentence)
    context: tuple[str, str] | None = None  # (conflict, period), read once a figure is found
    known: dict[str, bool] = {}  # facts of the whole sentence (or the next one), read once: linear in the sentence

    def once(name, read):
        if name not in known:
            known[name] = read()
        return known[name]

    last_kind = ""
    for n, i in enumerate(candidates):
        r = phrases[i]
        a, b, ha = spans[i]
        lo = spans[candidates[n - 1]][1] if n > 0 else 0
        hi = spans[candidates[n + 1]][2] if n + 1 < len(candidates) else len(sentence)
        money = bool(r.currency)
        bare_big = not money and r.scale >= 1e9 and not _NP_AFTER.match(sentence[b:])
        kinds = ("cost",) if money else ("deaths", "wounded", "displaced") + (("cost",) if bare_big else ())
        found = _nearest_cue(cues, ha, b, lo, hi, kinds, sentence)
        kind = found[0] if found else ""
        cue_pos = found[1] if found else None
        if not kind and last_kind and n > 0 and _INHERIT_LEFT.match(sentence[spans[candidates[n - 1]][1] : ha]):
            kind = last_kind
        if not kind and bare_big and once("cost_after", lambda: any(m.lastgroup == "cost" for m in _CUE_RE.finditer(following))):
            kind = "cost"
        if not kind:
            if money:
                r.verdict = "money without a war-cost word"
            elif once("deployment", lambda: bool(_DEPLOYMENT.search(sentence))):
                r.verdict = "people counted without a casualty word (deployment or strength)"
            else:
                r.verdict = "no casualty, displacement or cost word next to it"
            continue
        last_kind = kind
        who = _who(sentence, ha, b, lo, kind, cue_pos)
        who_basis = "stated" if who else ""
        if not who and kind != "cost" and not sentence[:ha].strip(" \"'“‘") and previous:
            nps = list(_NP_RE.finditer(previous))
            if nps:
                who, who_basis = _clean_np(nps[-1].group(0)), "previous sentence"
        if context is None:
            context = (_conflict(sentence, previous), _period(sentence))
        r.kind, r.who, r.who_basis = kind, who, who_basis
        r.conflict, r.period = context
        r.group = _group(kind, who, r.conflict, sentence[lo:hi], sentence)
        r.verdict = "figure"


def _bound_label(low: float, high: float, qualifier: str) -> str:
    if math.isnan(low):
        return "at most"
    if math.isnan(high):
        return "at least"
    if low == high:
        return "approximate" if qualifier else "exact"
    return "range"


def _unit(r: NumberReading) -> str:
    if r.kind == "cost":
        return r.currency
    return "people"


def extract_figures(text: str) -> list[Figure]:
    """The casualty, displacement and cost figures stated in ``text`` (a body or a comment), in reading order.

    Offsets (``start``/``end`` of the sentence, ``num_start``/``num_end`` of the
    number) index ``text``.

    >>> f = extract_figures("Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died.")
    >>> [(x.kind, x.low, x.high, x.qualifier, x.who, x.group) for x in f]
    [('deaths', None, 4500.0, 'Nearly', 'U.S. troops', 'us_military'), ('deaths', 200000.0, 1000000.0, '', 'Iraqis', 'iraqis')]
    """
    out = []
    for r in _READINGS(text):  # read only: no copies needed
        if r.verdict != "figure":
            continue
        out.append(
            Figure(
                kind=r.kind, low=None if math.isnan(r.low) else r.low, high=None if math.isnan(r.high) else r.high,
                qualifier=r.qualifier, unit=_unit(r), who=r.who, sentence=text[r.sent_start : r.sent_end],
                start=r.sent_start, end=r.sent_end, num_start=r.num_start, num_end=r.num_end, value_text=r.value_text,
                bound=_bound_label(r.low, r.high, r.qualifier), group=r.group, who_basis=r.who_basis, period=r.period,
                conflict=r.conflict, claim_id=_claim_id(r.kind, r.group, r.conflict),
            )
        )
    return out
