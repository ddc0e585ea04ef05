"""Casualty, displacement and war-cost figures: every number a source states, with its bounds, hedge and population.

Sources disagree most on numbers, and they hedge them: "nearly 4,500 U.S.
troops", "an estimated 300,000 Iraqis", "estimates range from 80 thousand to
almost 600 thousand deaths". Casualty recorders such as Iraq Body Count keep a
minimum and a maximum for every claim and never drop the hedge; this module does
the same, per source, with rules a reader can check:

1. **Numbers in every form** are found per sentence: digits ("300,000", "87.5"),
   words ("Eight thousand one hundred and seventy five"), mixed ("80 thousand",
   "$6.4 trillion", "13 billion dollars"), fractions ("half a million"), vague
   magnitudes ("tens of thousands") and ranges ("from X to Y", "X-Y",
   "a trillion or two or six").
2. **Hedges become bounds**: "nearly"/"up to" keep only ``high``, "at least"/
   "more than"/"could exceed" only ``low``; "an estimated"/"about" keep both,
   equal. The hedge is kept as written in ``qualifier``.
3. **What is counted** comes from the words next to the number: a casualty,
   displacement or cost word (``kind``), the population (``who``, as written,
   plus a normalised ``group``) and the conflict.
4. **Not figures**: years, dates, times, identifiers, list numbers, durations,
   percentages, counts of things (pages, reports, tanks), payments (salaries,
   bonuses, bribes, expenses, arms contracts) and people counted without a
   casualty word (troop deployments). Every rejected number keeps its reason
   (:func:`numbers_table`), so the rules can be audited.

The output is the ``figures`` table of DESIGN.md (:func:`figures_table`), charts
(:func:`figures_chart`, :func:`who_says_what`) and an evaluation against a
hand-checked gold file (:func:`load_gold`, :func:`evaluate`).

Vague magnitudes are read literally as "at least two of the unit, fewer than ten":
"tens of thousands" is 20,000-100,000, "hundreds" 200-1,000, "dozens" 24-120.
"""

from __future__ import annotations

import copy
import html
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
import yaml

from .charts import PALETTE, add_source
from .corpus import Corpus
from .errors import PresslensError
from .text import TextMemo, fold, sentence_spans

log = logging.getLogger(__name__)

__all__ = [
    "FIGURE_COLUMNS", "NUMBER_COLUMNS", "KINDS", "FiguresError", "Figure", "NumberReading", "Gold", "Evaluation",
    "parse_number", "number_bounds", "read_numbers", "extract_figures", "figures_table", "numbers_table",
    "format_bounds", "claims_table", "figures_for_display", "who_says_what", "headline_claims", "figures_chart", "who_says_what_chart", "spread_sources", "top_sources",
    "load_gold", "evaluate",
]

KINDS = ("deaths", "wounded", "displaced", "cost")

#: The data contract (DESIGN.md) first, then the extra columns.
FIGURE_COLUMNS = [
    "doc_id", "part", "comment_id", "kind", "low", "high", "qualifier", "unit", "who", "sentence", "start", "end",
    "num_start", "num_end", "value_text", "bound", "group", "who_basis", "period", "conflict", "claim_id", "quotes", "source",
]
#: Every number read, figure or not, with the verdict.
NUMBER_COLUMNS = ["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "verdict", "kind", "sentence", "start", "end"]


class FiguresError(PresslensError):
    """The gold file (or another figures input) is malformed: names the file, the line and the problem."""


# --------------------------------------------------------------------------------------------------------------
# Word lists and regexes (compiled once)
# --------------------------------------------------------------------------------------------------------------

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
#: Plural magnitude words read as ranges [2 x unit, 10 x unit]: "hundreds" is 200-1,000.
_VAGUE_UNITS = {"dozens": 12, "scores": 20, "tens": 10, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}

_WORD_ALT = "|".join(sorted([*_SMALL, *_TENS, "hundred", "thousand", "million", "billion", "trillion"], key=len, reverse=True))
_SCALE_ALT = "hundred|thousand|million|billion|trillion"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

_ATOM_RE = re.compile(
    rf"""
    (?<![\w/:.,*#$€£\-–])
    (?P<cur>US\s?\$|\$|€|£)?
    (?:
        (?P<vague>(?:tens|hundreds|thousands|millions|billions|dozens|scores)(?:\s+of\s+(?:thousands|millions|billions))?)(?![\w-])
      | (?P<frac>(?:a\s+)?(?:half|quarter|third)\s+(?:of\s+)?an?\s+(?:{_SCALE_ALT}))(?![\w-])
      | (?P<andhalf>(?:{_DIGITS}|(?:{_WORD_ALT}))\s+and\s+a\s+half\s+(?:{_SCALE_ALT}))(?![\w-])
      | (?P<few>(?:several|a\s+few|a\s+couple(?:\s+of)?)\s+(?:{_SCALE_ALT}))(?![\w-])
      | (?P<a>an?\s+(?:{_SCALE_ALT}))(?![\w-])
      | (?P<num>(?:{_DIGITS})(?:\s?[-–]\s?(?:{_DIGITS}))?)(?:\s+(?P<numscale>{_SCALE_ALT}|bn|mn))?(?![\w/:]|[.,]\d|[-–]\d|\s?%)
      | (?P<words>\b(?:{_WORD_ALT})(?:(?:\s+|-)(?:and\s+)?(?:{_WORD_ALT}))*)(?![\w-])
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_CURRENCY_WORD_RE = re.compile(r"\s+(?:US\s+)?(?P<w>dollars|euros|pounds|USD|EUR|GBP)\b", re.IGNORECASE)
_CURRENCY_UNITS = {"$": "USD", "us$": "USD", "us $": "USD", "€": "EUR", "£": "GBP", "dollars": "USD", "usd": "USD",
                   "euros": "EUR", "eur": "EUR", "pounds": "GBP", "gbp": "GBP"}
#: A quick test that a sentence holds anything number-like; most sentences do not.
_NUMBER_WORDS = [*_WORD_ALT.split("|"), "tens", "hundreds", "thousands", "millions", "billions", "dozens", "scores", "half", "quarter"]
_HAS_NUMBER = re.compile(rf"\d|\b(?:{'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE)
_NUMBER_WORD_SET = frozenset(_NUMBER_WORDS)
_DIGIT_RE = re.compile(r"\d")
_WORD_RUN_RE = re.compile(r"\w+")


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

_UPPER = ["nearly", "almost", "up to", "as many as", "as much as", "as high as", "at most", "no more than", "not more than",
          "fewer than", "less than", "just under", "under", "close to", "approaching", "short of"]
_LOWER = ["at least", "more than", "well over", "over", "in excess of", "upwards of", "no fewer than", "no less than",
          "exceeding", "exceeds", "exceeded", "exceed", "above", "topping", "surpassing"]
_APPROX = ["an estimated", "estimated", "an approximate", "approximately", "about", "around", "roughly", "some", "circa",
           "perhaps", "possibly", "maybe", "probably", "reportedly", "an average of"]
_HEDGE_KIND = {**{h: "upper" for h in _UPPER}, **{h: "lower" for h in _LOWER}, **{h: "approx" for h in _APPROX}}
_HEDGE_ALT = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in sorted(_HEDGE_KIND, key=len, reverse=True))
_HEDGE_LEFT = re.compile(rf"(?:^|(?<=[\s(\"“'‘]))(?P<h>(?:(?:could|may|might|would|will|can)\s+)?(?:{_HEDGE_ALT}))\s+$", re.IGNORECASE)
_HEDGE_SUFFIX = re.compile(r"(?P<h>\s*(?:or\s+more|or\s+so|or\s+fewer|or\s+less|plus|\+|and\s+(?:still\s+)?counting))\b", re.IGNORECASE)
_SUFFIX_KIND = {"or more": "lower", "plus": "lower", "+": "lower", "or fewer": "upper", "or less": "upper", "or so": "approx"}
#: Verbs after which "over"/"under" is a preposition ("niggle over a trillion"), not a hedge.
_PREPOSITION_OVER = re.compile(
    r"\b(?:niggle|niggling|quibble|quibbling|argue|arguing|argued|fight|fighting|fought|worry|worrying|fret|debate|debating|squabble|"
    r"haggle|haggling|bicker|clash|clashed|dispute|disputed|control|spread|took|handed|all|cry|crying|sweat)\s+$",
    re.IGNORECASE,
)
_MODAL_LEFT = re.compile(r"\b(?P<m>(?:may|might|could|would)\s+have)\s+(?:\w+ly\s+)?(?:been\s+)?\w+\s+$", re.IGNORECASE)
_RANGE_GAP = re.compile(rf"^\s*(?P<c>to|through|[-–—]|or|and)\s*(?:(?P<h>{_HEDGE_ALT})\s+)?$", re.IGNORECASE)
_RANGE_PREFIX = re.compile(r"\b(?P<p>from|between)\s+$", re.IGNORECASE)

_MONTHS = r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?$")
_DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)\b|^\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|^\s+(?:{_MONTHS})\b|^,?\s+(?:19|20)\d\d\b", re.IGNORECASE)
_ID_BEFORE = re.compile(r"\b(?:Source|No\.?|Nos\.?|number|#|Box|ID|code|Flight|Resolution|Article|Section|Chapter|page|pp?\.|Vol\.?|Room|Route|Highway|Camp|Unit)\s*$", re.IGNORECASE)
_LIST_AFTER = re.compile(r"^[.)](?:\s|$)")
#: "$3,000 per month", "$720 million a day": a rate is not a total, whatever it pays for.
_RATE_AFTER = re.compile(r"^\s*(?:per|a|an|each|every)\s+(?:month|year|week|day|hour|night|head|person|capita)\b", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_DURATION_AFTER = re.compile(
    r"^[\s-]+(?:(?:more|other|additional|long|full|straight|consecutive|previous|last|next|straight)\s+)?"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centur(?:y|ies)|nights?|year-old|years-old)\b",
    re.IGNORECASE,
)
_DURATION_BEFORE = re.compile(r"\b(?:last|past|next|first|previous)\s+$", re.IGNORECASE)
_THINGS = (
    "pages?|documents?|reports?|cables?|files?|e-?mails?|letters?|messages?|words?|volumes?|votes?|views?|replies|comments?|posts?|"
    "guests?|tanks?|jets?|aircraft|planes?|airplanes?|helicopters?|missiles?|bombs?|weapons?|rockets?|ships?|vehicles?|"
    "F-\\d+s?|M-\\d+|miles?|kilometers?|kilometres?|km|acres?|barrels?|tons?|tonnes?|times|points?|items?|questions?|"
    "articles?|books?|chapters?|countries|nations|states|cities|towns|villages|provinces|ministries|ministers|parties|"
    "meetings?|visits?|trips?|flights?|calls?|steps?|phases?|rounds?|copies|videos?|photos?|pictures?|images?|hotels?|"
    "houses?|homes?|buildings?|units?|battalions?|brigades?|divisions?|bases?|sites?|facilities|programs?|projects?|"
    "contracts?|snakes?|heads?|rivals?|enemies|sides?|households?|respondents?|interviews?|samples?|clusters?"
)
_THINGS_AFTER = re.compile(rf"^\s+(?:of\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_THINGS})\b", re.IGNORECASE)
_PAYMENT = re.compile(
    r"\b(?:salar(?:y|ies)|wages?|bonus(?:es)?|bribes?|gifts?|expenses?|reward|fees?|"
    r"ransom|contracts?|programs?|programmes?|deals?|sales?|paid|paying|payments?|worth\s+of|loans?|grants?|aid\s+package|budget\s+request)\b",
    re.IGNORECASE,
)
_DEPLOYMENT = re.compile(
    r"\b(?:shipped|ship|sent|send|sending|deploy(?:ed|ing|ment)?|pouring|withdraw(?:al|n|ing)?|leave|left|stationed|based|surge|"
    r"reinforcements?|strength|garrison|heading|arrived?)\b",
    re.IGNORECASE,
)

_CUES = {
    "deaths": r"killed|killing|kills?|died|dies|die|dead|lives|deaths?(?!\s+squads?)|death\s+toll|toll|fatalities|fatality|lives\s+lost|"
              r"lost\s+their\s+lives|slain|murdered|massacred|executed|perished|tortured\s+to\s+death|shot\s+dead|casualties|casualty",
    "wounded": r"wounded|injured|injuries|injuring|maimed",
    "displaced": r"displaced|displacement|refugees|fled|flee|fleeing|driven\s+(?:from|out|away)|homeless|evacuated|expelled|uprooted",
    "cost": r"cost|costs|costing|spent|spend|spends|spending|price|price\s+tag|expenditures?|outlays?|bill",
}
_CUE_RE = re.compile("|".join(rf"(?P<{k}>\b(?:{v})\b)" for k, v in _CUES.items()), re.IGNORECASE)
#: An active verb of killing between a noun phrase and the number makes the noun phrase the killer, not the dead.
_ACTIVE_KILL = re.compile(r"(?<!were )(?<!was )(?<!been )(?<!be )\b(?:killed|shot|massacred|murdered|executed|wounded|injured|displaced)\b", re.IGNORECASE)
#: "... of which at least 335,000 were civilians": the second number takes the first one's kind.
_INHERIT_LEFT = re.compile(r"^[\s,;]*(?:of\s+(?:which|whom|those|them|these)|including|among\s+(?:them|whom)|as\s+well\s+as|plus)\s+$", re.IGNORECASE)

_MOD = (
    r"(?:(?:American|U\.S\.|(?-i:US)|Iraqi|Iranian|Afghan|Syrian|Kurdish|Sunni|Shiite|Shia|Shi['’]ite|Muslim|Christian|civilian|"
    r"military|coalition|British|foreign|innocent|local|allied|enemy|Western|NATO|Pakistani|Yemeni|Israeli|Palestinian|Lebanese|"
    r"Saudi|unarmed|young|Jewish|Arab|Turkish|Russian|Ukrainian)\s+)"
)
_HEAD = (
    r"(?:people|persons|civilians|soldiers|troops|service\s?members|servicemen|servicewomen|marines|sailors|airmen|contractors|"
    r"Iraqis|Americans|Afghans|Afghanis|Iranians|Syrians|Kurds|Sunnis|Shiites|Shias|Muslims|Christians|protesters|protestors|"
    r"demonstrators|prisoners|detainees|residents|refugees|children|women|men|militants|fighters|insurgents|policemen|police|"
    r"officers|journalists|citizens|military|GIs|GI['’]s|G\.I\.['’]?s|pilgrims|workers|combatants|taxpayers|veterans|vets|victims|"
    r"Palestinians|Israelis|inhabitants|villagers|Yemenis|Syrians|Jews|Arabs|Kurds)"
)
_DET = r"(?:(?:the|its|their|our|his|her|these|those)\s+)?(?:[A-Za-z-]+['’]s\s+)?"
_NP = (
    rf"{_DET}{_MOD}{{0,3}}{_HEAD}\b(?:(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+){_MOD}{{0,2}}{_HEAD}\b){{0,4}}"
    r"(?:\s+on\s+(?:each|both|either)\s+sides?)?"
)
_NP_RE = re.compile(_NP, re.IGNORECASE)
_NP_AFTER = re.compile(rf"^\s+(?:of\s+)?(?P<np>{_NP})", re.IGNORECASE)
_NP_PREDICATE = re.compile(rf"^\s+(?:were|was|are|is|being)\s+(?:(?:mostly|mainly|largely|all)\s+)?(?P<np>{_NP})", re.IGNORECASE)
_NP_APPOSITION = re.compile(
    rf"^\s*[,;(–—-]\s*(?P<np>(?:(?:overwhelmingly|mostly|mainly|largely|predominantly|primarily|almost\s+all|most\s+of\s+them)\s+)?{_NP})",
    re.IGNORECASE,
)
_NP_RELATIVE = re.compile(rf"(?P<np>{_NP})(?:\s+(?:that|who)\s+(?:have|has|had)\s+(?:been\s+)?\w+(?:\s+\w+ly)?\s+in\s+[A-Z][\w-]+)?", re.IGNORECASE)

#: Named conflicts and periods, first match wins (looked for in the sentence, then in the one before).
_CONFLICTS = [
    ("war_on_terror", re.compile(r"war\s+on\s+terror", re.IGNORECASE)),
    ("afghanistan_iraq_wars", re.compile(r"wars?\s+in\s+Afghanistan\s+and\s+Iraq|Afghanistan\s+and\s+Iraq\s+wars", re.IGNORECASE)),
    ("iran_iraq_war", re.compile(r"Iran[-–]Iraq\s+war|\b1980\s*[-–]\s*(?:19)?88\b", re.IGNORECASE)),
    ("protests", re.compile(r"\bprotests?\b", re.IGNORECASE)),
    ("iraq_war", re.compile(
        r"\bIraq\s+war\b|\bwar\s+in\s+Iraq\b|(?:invasion|occupation)\s+of\s+Iraq|\bin\s+Iraq\b.{0,40}\b(?:since|by)\s+20\d\d\b|"
        r"\b(?:since|by)\s+20\d\d\b.{0,80}\bin\s+Iraq\b", re.IGNORECASE)),
]
_PERIOD_RE = re.compile(
    r"\b(?:since|by|in|from|between|through|until|during|throughout)\s+(?:the\s+)?(?:(?:late|early|mid)[-\s]+)?"
    r"(?:\d{4}s?|\d{4}\s*[-–]\s*\d{2,4})(?:\s+(?:to|and|through)\s+\d{4})?|[“\"]?(?:global\s+)?war\s+on\s+terror[”\"]?|"
    r"wars?\s+in\s+Afghanistan\s+and\s+Iraq|\bIraq\s+war\b|\bIran[-–]Iraq\s+war\b|\b1980\s*[-–]\s*(?:19)?88\b",
    re.IGNORECASE,
)
_INDIRECT = re.compile(r"\b(?:collateral|indirect(?:ly)?|disease|starvation|excess\s+deaths|malnutrition)\b", re.IGNORECASE)
_COUNTRY_DEMONYM = [("Iran", "iranians"), ("Iraq", "iraqis"), ("Afghanistan", "afghans"), ("Syria", "syrians"),
                    ("United States", "americans"), ("America", "americans"), ("Israel", "israelis"), ("Yemen", "yemenis")]
#: who (as written) -> group, first match wins.
_GROUP_RULES = [
    ("us_military_and_contractors", re.compile(
        r"\b(?:American|U\.S\.|(?-i:US))\s+(?:\w+\s+)?(?:soldiers|troops|service\s?members|servicemen|military|marines|GIs|personnel)"
        r".*\b(?:contractors|civilians)\b", re.IGNORECASE)),
    ("us_military", re.compile(
        r"\b(?:American|U\.S\.|(?-i:US))\s+(?:\w+\s+)?(?:soldiers|troops|service\s?members|servicemen|military|marines|GIs|personnel)|"
        r"\bGI['’]?s\b", re.IGNORECASE)),
    ("americans", re.compile(r"\bAmericans?\b|\bU\.S\.\s+(?:citizens|civilians)", re.IGNORECASE)),
    ("iraqis", re.compile(r"\bIraqis?\b|\bpeople\b.*\bin\s+Iraq\b", re.IGNORECASE)),
    ("iranians", re.compile(r"\bIranians?\b", re.IGNORECASE)),
    ("afghans", re.compile(r"\bAfghans?\b|\bAfghanis\b", re.IGNORECASE)),
    ("protesters", re.compile(r"\bprotest[eo]rs\b|\bdemonstrators\b", re.IGNORECASE)),
    ("civilians", re.compile(r"\bcivilians\b", re.IGNORECASE)),
    ("prisoners", re.compile(r"\bprisoners\b|\bdetainees\b", re.IGNORECASE)),
    ("sunnis", re.compile(r"\bSunnis?\b", re.IGNORECASE)),
    ("shiites", re.compile(r"\bShi(?:['’]?ites|as?)\b", re.IGNORECASE)),
    ("muslims", re.compile(r"\bMuslims\b", re.IGNORECASE)),
]
_PER_SIDE = re.compile(r"\b(?:each|both|either|per)\s+sides?\b", re.IGNORECASE)
#: When no population is written, the conflict names the group.
_CONFLICT_GROUP = {"protests": "protesters"}
#: Groups that are the same population for comparing claims across sources.
_FAMILY = {"us_military": "us", "us_military_and_contractors": "us", "americans": "us"}

GROUP_LABELS = {
    "us_military": "US troops", "us_military_and_contractors": "US troops, contractors and civilians", "americans": "Americans",
    "iraqis": "Iraqis", "iranians": "Iranians", "civilians": "civilians", "protesters": "protesters", "prisoners": "prisoners",
    "sunnis": "Sunnis", "shiites": "Shiites", "muslims": "Muslims", "indirect_deaths": "indirect deaths (disease, starvation…)",
    "war_on_terror_total": "all deaths", "iran_iraq_war_per_side": "each side", "us": "US (troops, contractors)",
    "afghanistan_iraq_wars": "wars in Afghanistan and Iraq", "iraq_war": "Iraq war", "unspecified": "unspecified",
}
CONFLICT_LABELS = {
    "war_on_terror": "'war on terror'", "afghanistan_iraq_wars": "Afghanistan and Iraq wars", "iran_iraq_war": "Iran–Iraq war 1980–88",
    "protests": "2019 protests", "iraq_war": "Iraq war since 2003", "": "",
}


# --------------------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------------------

def _words_value(tokens: Sequence[str]) -> float | None:
    """Value of spelled-out number words ("eight thousand one hundred and seventy five"), None if they do not form one number."""
    total = current = 0.0
    last = None  # "small", "tens", "hundred", "scale"
    seen = False
    for i, tok in enumerate(tokens):
        if tok == "and":
            if last not in ("hundred", "scale") or i == len(tokens) - 1:
                return None
            continue
        if tok in _SMALL:
            if last in ("small",) or (last == "tens" and _SMALL[tok] >= 10) or (last == "tens" and _SMALL[tok] == 0):
                return None
            current += _SMALL[tok]
            last = "small"
        elif tok in _TENS:
            if last in ("small", "tens"):
                return None
            current += _TENS[tok]
            last = "tens"
        elif tok == "hundred":
            if last == "hundred" or current >= 100:
                return None
            current = (current or 1) * 100
            last = "hundred"
        elif tok in _SCALES:
            total += (current or 1) * _SCALES[tok]
            current = 0
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None


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
    phrases = _phrases(text, 0)
    if not phrases:
        raise ValueError(f"not a number phrase: {text!r}")
    return min(p.low for p in phrases), max(p.high for p in phrases)


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
    return None  # spelled-out words are read by _phrases, which may shorten the match


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
# Reading the numbers of one text
# --------------------------------------------------------------------------------------------------------------

@dataclass
class NumberReading:
    """One number phrase in a text, what it means and whether it is a figure.

    Offsets index the text given to :func:`read_numbers`. ``verdict`` is
    ``figure`` or the reason it is not one (``year``, ``payment``...).
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


def _phrases(sentence: str, offset: int) -> list[NumberReading]:
    """Number phrases of one sentence: atoms joined into ranges, with currency and inner hedges."""
    atoms: list[_Atom] = []
    for m in _ATOM_RE.finditer(sentence):
        start, end = m.start(), m.end()
        if m.group("words"):  # "one and two", "seven eight": keep the longest start that reads as one number
            tokens = list(re.finditer(r"[A-Za-z]+", m.group("words")))
            while tokens and _words_value([t.group(0).lower() for t in tokens]) is None:
                tokens.pop()
            if not tokens or [t.group(0).lower() for t in tokens] in (["one"], ["zero"]):
                continue
            end = m.start("words") + tokens[-1].end()
            value = _words_value([t.group(0).lower() for t in tokens])
            scale = max([_SCALES[t.group(0).lower()] for t in tokens if t.group(0).lower() in _SCALES and t.group(0).lower() != "hundred"] or [1.0])
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
    readings: list[NumberReading] = []
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
            if connector == "and" and not _RANGE_PREFIX.search(sentence[: group[0].start]):
                break
            if g.group("h"):
                inner.append(g.group("h"))
            group.append(atoms[j])
            j += 1
        values = _share_scale([(a.low, a.high, a.scale, a.vague) for a in group])
        start, end = group[0].start, group[-1].end
        currency = next((a.currency for a in group if a.currency), "")
        reading = NumberReading(
            num_start=offset + start, num_end=offset + end, value_text=sentence[start:end],
            sent_start=offset, sent_end=offset + len(sentence),
            low=min(v[0] for v in values), high=max(v[1] for v in values), scale=max(v[2] for v in values),
            vague=any(v[3] for v in values), currency=currency, is_range=len(group) > 1 or "-" in group[0].text or "–" in group[0].text,
            qualifier=" … ".join(inner),
        )
        reading.years = all(_is_year_atom(a) for a in group)
        readings.append(reading)
        i = j
    return readings


def _is_year_atom(a: _Atom) -> bool:
    text = a.text.strip()
    parts = re.split(r"\s?[-–]\s?", text)
    if a.currency or a.scale != 1 or any(not p.isdigit() for p in parts):
        return False
    if all(len(p) == 4 and 1000 <= int(p) <= 2100 for p in parts):
        return True
    # "05-06", "07-08": two-digit school/fiscal-year style spans
    return len(parts) == 2 and all(len(p) == 2 for p in parts) and int(parts[1]) - int(parts[0]) in (1, -99)


def _hedges(reading: NumberReading, sentence: str, rel_start: int, rel_end: int) -> tuple[int, int]:
    """Attach the hedge written before and after the number; returns the phrase's extended span (relative)."""
    left = sentence[:rel_start]
    m = _HEDGE_LEFT.search(left)
    quals = []
    kind = ""
    ext_start = rel_start
    if m and _PREPOSITION_OVER.search(left[: m.start("h")]) and m.group("h").lower() in ("over", "above", "under"):
        m = None
    if m:
        hedge = " ".join(m.group("h").split())
        core = re.sub(r"^(?:could|may|might|would|will|can)\s+", "", hedge, flags=re.IGNORECASE).lower()
        kind = _HEDGE_KIND.get(core, "approx")
        quals.append(hedge)
        ext_start = m.start("h")
    else:
        mm = _MODAL_LEFT.search(left)
        if mm:
            quals.append(mm.group("m"))
            kind = "approx"
    if reading.qualifier:
        quals.append(reading.qualifier)
    ext_end = rel_end
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
    reading.qualifier = " … ".join(quals)
    reading.hedge = kind
    if kind == "upper":
        reading.low = math.nan
    elif kind == "lower":
        reading.high = math.nan
    return ext_start, ext_end


def _word_gap(text: str) -> int:
    return len(re.findall(r"[\w’'-]+", text))


_YEAR_PREP = re.compile(r"\b(?:in|since|by|from|until|till|of|between|through|during|throughout|after|before|around|circa|c\.)\s+(?:(?:late|early|mid|the)[-\s]+)?$", re.IGNORECASE)
#: "2003 deaths", "1500 civilians": a year-like number directly followed by what it counts is a count.
_COUNTED_AFTER = re.compile(rf"^\s+(?:{_MOD}{{0,2}}{_HEAD}\b|(?:deaths|dead|casualties|fatalities)\b)", re.IGNORECASE)


_NEXT_WORD = re.compile(r"\s+(?:of\s+)?(?P<w>[A-Za-z][\w’'-]*)")
#: Words that may follow a casualty number without being what it counts ("300 were", "4,000 more", "$2 trillion on").
_FUNCTION_WORDS = frozenset(
    """
    a an the its their his her our these those this that which who whom whose and or but nor so yet of in on at to from by for with
    without since during over under above below into onto across through throughout among between after before until till as than
    about around per more fewer less other others additional further extra were was are is be been being have has had will would
    could can may might must shall should do does did not also already now then still reportedly say says said according each
    every all both some many most several
    """.split()
)


def _trap_reason(r: NumberReading, sentence: str, a: int, b: int) -> str:
    """Why a number phrase is not a figure, or "" when it may be one (a casualty word is still needed)."""
    before, after = sentence[:a], sentence[b:]
    if _DATE_BEFORE.search(before) or _DATE_AFTER.search(after):
        return "date or time"
    if r.years and (_YEAR_PREP.search(before) or not _COUNTED_AFTER.match(after)):
        return "year range" if r.is_range else "year"
    if _ID_BEFORE.search(before):
        return "identifier"
    if not before.strip(" \"'“‘([") and _LIST_AFTER.match(after):
        return "list number"
    if before.endswith("*"):
        return "note marker"
    if _PERCENT_AFTER.match(after):
        return "percentage"
    if _DURATION_AFTER.match(after) or (_DURATION_BEFORE.search(before) and re.match(r"^\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?)\b", after, re.IGNORECASE)):
        return "duration"
    if _RATE_AFTER.match(after):
        return "a rate (per month, day, person...), not a total"
    if r.currency:
        window = " ".join(before.split()[-4:]) + " " + r.value_text + " " + " ".join(after.split()[:4])
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
    for cs, ce, kind in cues:
        if kind not in kinds or cs < lo or ce > hi:
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
        r.verdict = _trap_reason(r, sentence, a, b)
    for i in range(len(phrases) - 1):  # "Tracy Riddle 4 7,097": numbers side by side are columns of a listing
        if not sentence[spans[i][1] : phrases[i + 1].num_start - s0].strip():
            for r in (phrases[i], phrases[i + 1]):
                r.verdict = r.verdict or "numbers side by side (a table or listing)"
    candidates = [i for i, r in enumerate(phrases) if not r.verdict]
    if not candidates:
        return
    cues = _cues(sentence)
    context: tuple[str, str] | None = None  # (conflict, period), read once a figure is found
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
        if not kind and bare_big and _CUE_RE.search(following) and any(m.lastgroup == "cost" for m in _CUE_RE.finditer(following)):
            kind = "cost"
        if not kind:
            if money:
                r.verdict = "money without a war-cost word"
            elif _DEPLOYMENT.search(sentence):
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


# --------------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------------

def _parts(doc, include_comments: bool):
    yield "body", "", doc.body
    if include_comments:
        for c in doc.comments:
            yield "comment", c.comment_id, c.text


def _source_label(doc, part: str, comment_id: str) -> str:
    return doc.label if part == "body" else f"{doc.label} · reader comment"


def _link_quotes(rows: list[dict], body: str) -> None:
    """A comment that quotes the article's sentence states the article's claim: give it the body figure's claim."""
    body_rows = [r for r in rows if r["part"] == "body"]
    folded_body = fold(body)
    for row in rows:
        if row["part"] != "comment":
            continue
        key = fold(row["sentence"]).strip(" \"'“”‘’")
        if len(key) < 30 or key not in folded_body:
            continue
        for b in body_rows:
            if b["value_text"] == row["value_text"] and key in fold(b["sentence"]):
                for column in ("group", "conflict", "claim_id"):
                    row[column] = b[column]
                row["quotes"] = "body"
                break


def figures_table(corpus: Corpus, *, include_comments: bool = True) -> pd.DataFrame:
    """One row per stated casualty, displacement or cost figure, bodies and comments: the ``figures`` table of DESIGN.md.

    ``start``/``end`` are the sentence's offsets in the document's ``body`` (part
    ``body``) or the comment's ``text`` (part ``comment``), so ``source[start:end]
    == sentence``; ``num_start``/``num_end`` are the number phrase's. An open
    bound is NaN (empty in the CSV). ``claim_id`` links the same claim across
    sources; ``quotes`` is ``body`` when a comment quotes the article's figure.

    Args:
        corpus: the loaded corpus.
        include_comments: read reader comments too.

    Returns:
        A DataFrame with :data:`FIGURE_COLUMNS`, sorted by doc_id, part (body
        first), comment_id, start, num_start.
    """
    rows = []
    for doc in corpus:
        doc_rows = []
        for part, comment_id, text in _parts(doc, include_comments):
            for f in extract_figures(text):
                row = {"doc_id": doc.doc_id, "part": part, "comment_id": comment_id, **vars(f), "quotes": "",
                       "source": _source_label(doc, part, comment_id)}
                doc_rows.append(row)
        _link_quotes(doc_rows, doc.body)
        rows.extend(doc_rows)
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["low"] = pd.to_numeric(frame["low"], errors="coerce").astype("float64")
    frame["high"] = pd.to_numeric(frame["high"], errors="coerce").astype("float64")
    for column in ("start", "end", "num_start", "num_end"):
        frame[column] = frame[column].astype("int64")
    log.info("figures: %d figures in %d documents", len(frame), frame["doc_id"].nunique())
    return _sort(frame)


def _sort(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame["part"].map({"body": 0, "comment": 1})
    return (
        frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", "start", "num_start"], ignore_index=True, kind="stable")
        .drop(columns="_o")
    )


def numbers_table(corpus: Corpus, *, include_comments: bool = True) -> pd.DataFrame:
    """Every number phrase read in the corpus with its verdict: ``figure`` or why it is not one, for auditing the rules."""
    rows = []
    for doc in corpus:
        for part, comment_id, text in _parts(doc, include_comments):
            for r in _READINGS(text):  # read only
                rows.append({
                    "doc_id": doc.doc_id, "part": part, "comment_id": comment_id, "num_start": r.num_start, "num_end": r.num_end,
                    "value_text": r.value_text, "verdict": r.verdict, "kind": r.kind, "sentence": text[r.sent_start : r.sent_end],
                    "start": r.sent_start, "end": r.sent_end,
                })
    frame = pd.DataFrame(rows, columns=NUMBER_COLUMNS)
    order = frame["part"].map({"body": 0, "comment": 1})
    return frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", "num_start"], ignore_index=True).drop(columns="_o")


def _fmt(value: float, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            text = f"{value / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
            break
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(unit, "")
    return sign + text


def format_bounds(low: float, high: float, *, unit: str = "", qualifier: str = "") -> str:
    """Bounds as a reader says them: "8,175", "≈ 300,000", "≤ 4,500", "≥ 335,000", "80,000–600,000".

    >>> format_bounds(float("nan"), 4500.0)
    '≤ 4,500'
    >>> format_bounds(6.4e12, 6.4e12, unit="USD", qualifier="an estimated")
    '≈ $6.4 trillion'
    """
    lo_nan = low is None or math.isnan(low)
    hi_nan = high is None or math.isnan(high)
    if lo_nan and hi_nan:
        return ""
    if lo_nan:
        return f"≤ {_fmt(high, unit)}"
    if hi_nan:
        return f"≥ {_fmt(low, unit)}"
    if low == high:
        return ("≈ " if qualifier else "") + _fmt(low, unit)
    return f"{_fmt(low, unit)}–{_fmt(high, unit)}"


def _claim_label(claim_id: str) -> str:
    kind, _, rest = claim_id.partition(":")
    family, _, conflict = rest.partition("@")
    label = GROUP_LABELS.get(family, family.replace("_", " "))
    if conflict:
        label += f" · {CONFLICT_LABELS.get(conflict, conflict.replace('_', ' '))}"
    if family.endswith("_per_side"):
        label = f"{CONFLICT_LABELS.get(family[: -len('_per_side')], family)}, each side"
    if family.endswith("_total") and not conflict:
        label = f"all deaths · {CONFLICT_LABELS.get(family[: -len('_total')], family)}"
    return label


def claims_table(figures: pd.DataFrame, *, max_chars: int = 160) -> pd.DataFrame:
    """The claims with their sentences, for reading: source, claim, as stated, hedge, bounds, population, sentence."""
    from .display import clip

    frame = figures.assign(
        claim=figures["claim_id"].map(_claim_label),
        bounds=[format_bounds(lo, hi, unit=u, qualifier=q) for lo, hi, u, q in zip(figures["low"], figures["high"], figures["unit"], figures["qualifier"])],
        sentence=figures["sentence"].map(lambda s: clip(s, max_chars)),
    )
    frame = frame.sort_values(["kind", "claim", "doc_id", "part", "comment_id", "num_start"], ignore_index=True, kind="stable")
    return frame[["kind", "claim", "source", "value_text", "qualifier", "bounds", "who", "sentence", "claim_id"]]


def figures_for_display(figures: pd.DataFrame, *, max_chars: int = 160) -> pd.DataFrame:
    """The figures table as a reader wants it on screen: bounds with thousands separators (empty = open), sentences clipped."""
    from .display import clip

    def number(value: float) -> str:
        return "" if pd.isna(value) else f"{value:,.2f}".rstrip("0").rstrip(".")

    columns = ["doc_id", "part", "comment_id", "kind", "low", "high", "qualifier", "unit", "who", "group", "claim_id",
               "start", "end", "num_start", "num_end", "sentence"]
    return figures.assign(
        low=figures["low"].map(number), high=figures["high"].map(number), sentence=figures["sentence"].map(lambda s: clip(s, max_chars)),
    )[columns]


def who_says_what(figures: pd.DataFrame) -> pd.DataFrame:
    """A claims x sources matrix: what each source says for each claim (empty when it says nothing).

    Rows are claims (population and conflict), columns the sources; a cell lists
    the source's figures for the claim as bounds ("≤ 4,500"), so agreement and
    disagreement read across a row.
    """
    if figures.empty:
        return pd.DataFrame()
    cells = figures.assign(
        claim=figures["kind"] + " · " + figures["claim_id"].map(_claim_label),
        says=[format_bounds(lo, hi, unit=u, qualifier=q) for lo, hi, u, q in zip(figures["low"], figures["high"], figures["unit"], figures["qualifier"])],
    )
    matrix = cells.groupby(["claim", "source"], sort=True)["says"].agg(lambda s: "; ".join(dict.fromkeys(s))).unstack("source")
    matrix = matrix.reindex(columns=sorted(cells["source"].unique())).fillna("")
    matrix.columns.name = "source"
    return matrix


def headline_claims(figures: pd.DataFrame, *, populations: Sequence[str] = ("us", "iraqis"), kind: str = "deaths") -> list[str]:
    """The ``claim_id`` values of ``kind`` for the given populations (claim families such as ``us``, ``iraqis``), in that order.

    Used to pick the rows of the headline chart without writing claim ids by hand.
    """
    out = []
    for population in populations:
        ids = sorted({c for c in figures.loc[figures["kind"] == kind, "claim_id"] if c.split(":", 1)[1].split("@")[0] == population})
        out.extend(ids)
    return out


# --------------------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------------------

def _wrap(text: str, width: int = 70) -> str:
    """Escape document text for a plotly hover and break it into lines."""
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        lines.append(line)
    return "<br>".join(html.escape(x, quote=False) for x in lines)


_FADE_STEPS = 5


def _short_source(label: str, *, width: int = 0) -> str:
    """A source label broken over lines so column and legend labels stay short (``width`` > 0 also wraps long words)."""
    label = label.replace(" · reader comment", "<br>reader comment")
    if not width:
        return label
    lines = []
    for part in label.split("<br>"):
        line = ""
        for word in part.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return "<br>".join(lines)


def figures_chart(
    figures: pd.DataFrame,
    *,
    kinds: Sequence[str] = ("deaths",),
    claims: Sequence[str] | None = None,
    title: str | None = None,
    source: str,
    fade: float = 3.0,
    max_sources: int | None = None,
) -> go.Figure:
    """Each source's figure per claim on a log scale: a dot for a number, a bar for a range, an open bound fading out.

    One row per claim (population and conflict), one colour per document;
    sources sharing a row are spread vertically so none hides another, and each
    figure is labelled with its bounds. "At least" is a right-pointing triangle
    with a bar fading out to the right (the truth may be anywhere above), "at
    most" a left-pointing one fading to the left. Reader comments are hollow
    (dotted for ranges). The hover shows the number as written, the hedge, the
    population and the sentence (escaped: document text never becomes markup).

    Args:
        figures: :func:`figures_table` output.
        kinds: which kinds to draw (``("cost",)`` for the costs chart).
        claims: only these ``claim_id`` values, in this order (default: all, largest first).
        title: chart title (default from ``kinds``).
        source: the note under the chart.
        fade: how far (a factor) an open bound's fading bar reaches.
        max_sources: at most this many sources per claim (:func:`spread_sources`: the lowest, the
            highest and evenly between), as the title says; ``None`` draws every source.
    """
    data = figures[figures["kind"].isin(kinds)]
    note = ""
    if max_sources is not None and len(data):
        kept = spread_sources(data, max_sources)
        if len(kept) < len(data):
            note = (f"<br><sup>at most {max_sources} sources per claim, spread from the lowest to the highest figure: "
                    f"{len(kept):,} of {len(data):,} figures; all are in data/figures.csv</sup>")
        data = kept
    if claims is not None:
        data = data[data["claim_id"].isin(claims)]
        order = [c for c in claims if c in set(data["claim_id"])]
    else:
        peak = data.assign(v=data[["low", "high"]].max(axis=1)).groupby("claim_id")["v"].max()
        order = list(peak.sort_values(ascending=False, kind="stable").index)
    money = tuple(kinds) == ("cost",)
    fig = go.Figure()
    documents = sorted({s.split(" · reader comment")[0] for s in data["source"]})
    colours = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(documents)}
    ranks = {s: i for i, s in enumerate(sorted(data["source"].unique()))}
    shown: set[str] = set()
    for row, claim in enumerate(order):
        rows = data[data["claim_id"] == claim]
        row_sources = sorted(rows["source"].unique())
        for k, src in enumerate(row_sources):
            offset = 0.0 if len(row_sources) == 1 else -0.28 + 0.56 * k / (len(row_sources) - 1)
            for f in rows[rows["source"] == src].itertuples():
                style = _Style(
                    colour=colours[src.split(" · reader comment")[0]], comment=src.endswith("reader comment"),
                    name=_short_source(src), rank=ranks[src], legend=src not in shown,
                )
                shown.add(src)
                _draw_figure(fig, f, row + offset, style, _hover(f, src), fade)
    fig.update_xaxes(
        type="log", title=("amount as stated, US dollars unless the hover says otherwise (log scale)" if money else "people (log scale)"),
        tickprefix="$" if money else "", exponentformat="SI",
    )
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(order))), ticktext=[html.escape(_claim_label(c), quote=False) for c in order],
        range=[len(order) - 0.5, -0.5], title=("what the money was for" if money else "population · conflict"), zeroline=False,
        showgrid=False,
    )
    for row in range(len(order) - 1):
        fig.add_hline(y=row + 0.5, line={"color": "#ddd", "width": 1})
    default = "War costs stated by each source" if money else f"{', '.join(k.capitalize() for k in kinds)} stated by each source"
    fig.update_layout(
        title=(title or default) + note, height=260 + 90 * max(1, len(order)), legend_title="source",
        hoverlabel={"align": "left"}, plot_bgcolor="#fafafa",
    )
    fig.add_annotation(
        text="● a number · ━ a range · ▶ at least (fading: could be higher) · ◀ at most (fading: could be lower) · hollow or dotted: reader comment",
        xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom", xanchor="left", showarrow=False, font={"size": 11, "color": "#555"},
    )
    return add_source(fig, source)


def spread_sources(figures: pd.DataFrame, n: int) -> pd.DataFrame:
    """The figures of at most ``n`` sources per claim: the sources with the lowest and the highest figure and evenly between.

    Sources are ranked within a claim by their middle figure (:func:`_midpoint`,
    the median over their figures), ties by name; ``n`` ranks are taken evenly
    from first to last, so the spread between sources, the point of the chart,
    stays visible. Every figure of a kept source is kept. Claims with ``n`` sources
    or fewer are untouched.
    """
    if n < 1:
        raise FiguresError(f"n must be at least 1, got {n!r}")
    mids = figures.assign(_m=[_midpoint(lo, hi) for lo, hi in zip(figures["low"], figures["high"])])
    keep: set[tuple[str, str]] = set()
    for claim, sub in mids.groupby("claim_id", sort=True):
        ranked = sub.groupby("source")["_m"].median().reset_index().sort_values(["_m", "source"], kind="stable")["source"].tolist()
        if len(ranked) <= n:
            picks = ranked
        elif n == 1:
            picks = [ranked[-1]]
        else:
            picks = [ranked[round(k * (len(ranked) - 1) / (n - 1))] for k in range(n)]
        keep.update((claim, src) for src in picks)
    mask = [(c, src) in keep for c, src in zip(figures["claim_id"], figures["source"])]
    return figures[mask]


def top_sources(figures: pd.DataFrame, n: int) -> list[str]:
    """The ``n`` sources stating the most figures (ties by name), for charts and tables with a column per source."""
    counts = figures.groupby("source").size()
    return sorted(counts.index, key=lambda src: (-int(counts[src]), src))[:n]


@dataclass(frozen=True)
class _Style:
    colour: str
    comment: bool
    name: str
    rank: int
    legend: bool


def _hover(f, src: str) -> str:
    esc = lambda v: html.escape(str(v), quote=False)  # noqa: E731
    unit = f" ({f.unit})" if f.kind == "cost" and f.unit else (" (currency not stated)" if f.kind == "cost" else "")
    return (
        f"<b>{esc(src)}</b><br>as written: <b>{esc(f.value_text)}</b>"
        + (f" — hedge: <i>{esc(f.qualifier)}</i>" if f.qualifier else " — no hedge")
        + f"<br>read as: {esc(format_bounds(f.low, f.high, unit=f.unit, qualifier=f.qualifier))} ({f.bound}){esc(unit)}"
        + (f"<br>who: {esc(f.who)}" + (" (previous sentence)" if f.who_basis == "previous sentence" else "") if f.who else "<br>who: not stated")
        + f"<br><br>{_wrap(f.sentence)}"
    )


def _draw_figure(fig: go.Figure, f, y: float, style: _Style, hover: str, fade: float) -> None:
    low, high = f.low, f.high
    colour = style.colour
    marker = {"color": "white" if style.comment else colour, "size": 13, "line": {"color": colour, "width": 2}}
    # the hover goes in as data (customdata), never as template text, so "%{...}" in a document stays literal
    common = {"legendgroup": style.name, "name": style.name, "legendrank": 100 + style.rank,
              "customdata": [[hover]] * 2, "hovertemplate": "%{customdata[0]}<extra></extra>"}
    label = html.escape(format_bounds(low, high, unit=f.unit, qualifier=f.qualifier), quote=False)
    text = {"text": [label], "textposition": "top center", "textfont": {"size": 11, "color": colour}, "cliponaxis": False}
    if not math.isnan(low) and not math.isnan(high) and low != high:
        fig.add_scatter(
            x=[low, high], y=[y, y], mode="lines+markers", line={"color": colour, "width": 7, "dash": "dot" if style.comment else "solid"},
            marker={"color": colour, "symbol": "line-ns-open", "size": 16, "line": {"color": colour, "width": 3}},
            opacity=0.85, showlegend=style.legend, **common,
        )
        fig.add_scatter(x=[math.sqrt(low * high)], y=[y - 0.06], mode="text", showlegend=False, hoverinfo="skip", legendgroup=style.name, **text)
        return
    if not math.isnan(low) and not math.isnan(high):
        fig.add_scatter(x=[low], y=[y], mode="markers+text", marker={**marker, "symbol": "circle"}, showlegend=style.legend, **text, **common)
        return
    lower_open = math.isnan(low)
    point = high if lower_open else low
    factor = (1 / fade) if lower_open else fade
    for step in range(_FADE_STEPS):
        a = point * factor ** (step / _FADE_STEPS)
        b = point * factor ** ((step + 1) / _FADE_STEPS)
        fig.add_scatter(
            x=[a, b], y=[y, y], mode="lines", line={"color": colour, "width": 7, "dash": "dot" if style.comment else "solid"},
            opacity=0.75 * (1 - step / _FADE_STEPS), showlegend=False, hoverinfo="skip", legendgroup=style.name,
        )
    fig.add_scatter(
        x=[point], y=[y], mode="markers+text", marker={**marker, "symbol": "triangle-left" if lower_open else "triangle-right", "size": 16},
        showlegend=style.legend, **text, **common,
    )


def _midpoint(low: float, high: float) -> float:
    """The number a figure is centred on, for comparing sources: the geometric mean of a range, else the one bound given."""
    if math.isnan(low):
        return high
    if math.isnan(high):
        return low
    return math.sqrt(low * high)


_RATIO_SPAN = math.log10(3)


def who_says_what_chart(figures: pd.DataFrame, *, kinds: Sequence[str] = KINDS, source: str, max_sources: int | None = None) -> go.Figure:
    """The who-says-what matrix as a grid, shaded by how far each source is from the others on the same claim.

    Each cell holds a source's figure for a claim; its colour is the ratio of
    that figure (the middle of a range, or the one bound of an open figure) to
    the median of the sources stating the claim: white where sources agree or a
    source is alone, red above the others, blue below, on a log scale. Above
    ``max_sources`` sources, the columns are the :func:`top_sources` (the shade
    still compares each with the median of the sources shown), as the title says.
    """
    data = figures[figures["kind"].isin(kinds)]
    note = ""
    n_sources = data["source"].nunique()
    if max_sources is not None and n_sources > max_sources:
        data = data[data["source"].isin(top_sources(data, max_sources))]
        note = f"<br><sup>the {max_sources} of {n_sources:,} sources stating the most figures</sup>"
    matrix = who_says_what(data)
    fig = go.Figure()
    if matrix.empty:
        fig.update_layout(title="Who says what: no figures")
        return add_source(fig, source)
    mids = data.assign(
        claim=data["kind"] + " · " + data["claim_id"].map(_claim_label),
        m=[math.log10(_midpoint(lo, hi)) for lo, hi in zip(data["low"], data["high"])],
    ).groupby(["claim", "source"])["m"].median().unstack("source").reindex(index=matrix.index, columns=matrix.columns)
    z = mids.sub(mids.median(axis=1), axis=0).to_numpy(dtype=float)
    text = [[html.escape(str(c), quote=False) for c in row] for row in matrix.to_numpy()]
    fig.add_heatmap(
        z=z, x=[_short_source(html.escape(c, quote=False), width=16) for c in matrix.columns], y=[html.escape(i, quote=False) for i in matrix.index],
        text=text, texttemplate="%{text}", colorscale="RdBu", reversescale=True, zmid=0, zmin=-_RATIO_SPAN, zmax=_RATIO_SPAN,
        colorbar={"title": "vs the other<br>sources", "tickvals": [-_RATIO_SPAN, -math.log10(1.5), 0, math.log10(1.5), _RATIO_SPAN],
                  "ticktext": ["÷3 or less", "÷1.5", "same", "×1.5", "×3 or more"]},
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2,
    )
    fig.update_layout(
        title="Who says what: each source's figure per claim (grey = the source gives none)" + note,
        xaxis={"title": "source", "tickangle": 0, "showgrid": False}, yaxis={"title": "claim", "autorange": "reversed", "showgrid": False},
        height=300 + 40 * len(matrix), plot_bgcolor="#e5e5e5",
    )
    return add_source(fig, source)


# --------------------------------------------------------------------------------------------------------------
# Gold file and evaluation
# --------------------------------------------------------------------------------------------------------------

class _LineLoader(yaml.SafeLoader):
    """Records the line of every mapping so errors can name it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

_GOLD_FIGURE_KEYS = {"doc", "part", "comment", "text", "context", "kind", "low", "high", "qualifier", "unit", "who", "group", "note"}
_GOLD_TRAP_KEYS = {"doc", "part", "comment", "text", "context", "every", "reason"}


@dataclass
class Gold:
    """A hand-checked gold file resolved against a corpus: figures and traps with their offsets."""

    path: str
    figures: pd.DataFrame
    traps: pd.DataFrame
    doc_ids: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    """Precision, recall and field accuracy against the gold file, with every disagreement listed."""

    metrics: dict
    mismatches: pd.DataFrame

    def metrics_table(self) -> pd.DataFrame:
        """The metrics as a two-column table for display (counts stay integers, shares keep four decimals)."""
        return pd.DataFrame({"metric": list(self.metrics), "value": pd.Series(list(self.metrics.values()), dtype=object)})


def load_gold(path: str | Path, corpus: Corpus, *, skip_missing_documents: bool = False) -> Gold:
    """Read a gold file and find each entry's number in the corpus.

    Each entry names ``doc``, ``part`` (``body``/``comment``), ``comment`` (for
    comments), ``text`` (the number as written) and, when ``text`` is not unique
    in that source, a ``context`` that contains it and is; trap entries may say
    ``every: true`` instead (every occurrence is a trap). Figures give ``kind``,
    ``low``/``high`` (null for an open bound), ``qualifier``, ``unit``, ``who``
    and ``group``.

    Args:
        path: the gold file (YAML).
        corpus: the corpus it describes.
        skip_missing_documents: skip (and log) entries for documents the corpus
            does not hold, e.g. when a notebook runs on another corpus; by default
            they are an error.

    Raises:
        FiguresError: the file is missing or malformed, names a document or comment
            that is not in the corpus, or an entry's text is not found exactly once.
    """
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        raise FiguresError(f"{path}: gold file not found") from None
    except yaml.YAMLError as exc:
        raise FiguresError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("figures"), list) or not isinstance(raw.get("traps", []), list):
        raise FiguresError(f"{path}: expected a mapping with a 'figures' list and a 'traps' list")
    docs = {d.doc_id: d for d in corpus}
    if skip_missing_documents:
        kept = {k: [e for e in raw.get(k, []) if not isinstance(e, dict) or e.get("doc") in docs] for k in ("figures", "traps")}
        skipped = len(raw["figures"]) + len(raw.get("traps", [])) - len(kept["figures"]) - len(kept["traps"])
        if skipped:
            log.info("%s: skipped %d gold entries for documents not in the corpus", path.name, skipped)
        raw = {**raw, **kept}
    figure_rows, trap_rows = [], []
    for entry in raw["figures"]:
        for a, b, source in _locate(entry, docs, path, _GOLD_FIGURE_KEYS, allow_every=False):
            row = _gold_common(entry, a, b)
            missing = {"kind", "low", "high", "qualifier", "unit", "who", "group"} - set(entry)
            if missing:
                raise FiguresError(f"{path}:{entry['__line__']}: figure entry lacks {', '.join(sorted(missing))}")
            if entry["kind"] not in KINDS:
                raise FiguresError(f"{path}:{entry['__line__']}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
            for key in ("low", "high"):
                if entry[key] is not None and not isinstance(entry[key], (int, float)):
                    raise FiguresError(f"{path}:{entry['__line__']}: {key} must be a number or null, found {entry[key]!r}")
            row.update({k: entry[k] for k in ("kind", "qualifier", "unit", "who", "group")})
            row["low"] = math.nan if entry["low"] is None else float(entry["low"])
            row["high"] = math.nan if entry["high"] is None else float(entry["high"])
            figure_rows.append(row)
    for entry in raw.get("traps", []):
        for a, b, source in _locate(entry, docs, path, _GOLD_TRAP_KEYS, allow_every=True):
            if "reason" not in entry:
                raise FiguresError(f"{path}:{entry['__line__']}: trap entry lacks a reason")
            trap_rows.append({**_gold_common(entry, a, b), "reason": entry["reason"]})
    gold_docs = sorted({r["doc_id"] for r in figure_rows + trap_rows})
    figures = pd.DataFrame(figure_rows, columns=["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "line",
                                                 "kind", "low", "high", "qualifier", "unit", "who", "group"])
    traps = pd.DataFrame(trap_rows, columns=["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "line", "reason"])
    return Gold(path=path.name, figures=figures, traps=traps, doc_ids=gold_docs)


def _gold_common(entry: dict, a: int, b: int) -> dict:
    return {"doc_id": entry["doc"], "part": entry.get("part", "body"), "comment_id": entry.get("comment", "") or "",
            "num_start": a, "num_end": b, "value_text": entry["text"], "line": entry["__line__"]}


def _locate(entry, docs, path: Path, keys: set[str], *, allow_every: bool):
    if not isinstance(entry, dict):
        raise FiguresError(f"{path}: every entry must be a mapping, found {entry!r}")
    line = entry["__line__"]
    unknown = set(entry) - keys - {"__line__"}
    if unknown:
        raise FiguresError(f"{path}:{line}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("doc", "text"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise FiguresError(f"{path}:{line}: entry needs a non-empty '{key}'")
    doc = docs.get(entry["doc"])
    if doc is None:
        raise FiguresError(f"{path}:{line}: document {entry['doc']!r} is not in the corpus")
    part = entry.get("part", "body")
    if part == "body":
        source = doc.body
    elif part == "comment":
        found = [c for c in doc.comments if c.comment_id == entry.get("comment")]
        if not found:
            raise FiguresError(f"{path}:{line}: comment {entry.get('comment')!r} is not in {entry['doc']}")
        source = found[0].text
    else:
        raise FiguresError(f"{path}:{line}: part must be 'body' or 'comment', found {part!r}")
    text = entry["text"]
    context = entry.get("context") or text
    if text not in context:
        raise FiguresError(f"{path}:{line}: context does not contain the text {text!r}")
    starts = [m.start() for m in re.finditer(re.escape(context), source)]
    if entry.get("every") and allow_every:
        if not starts:
            raise FiguresError(f"{path}:{line}: {context!r} not found in {entry['doc']} {part}")
        return [(s + context.index(text), s + context.index(text) + len(text), source) for s in starts]
    if len(starts) != 1:
        raise FiguresError(f"{path}:{line}: {context!r} found {len(starts)} times in {entry['doc']} {part}; give a unique 'context'")
    a = starts[0] + context.index(text)
    return [(a, a + len(text), source)]


def _same(x, y) -> bool:
    if isinstance(x, float) or isinstance(y, float):
        x_nan = x is None or (isinstance(x, float) and math.isnan(x))
        y_nan = y is None or (isinstance(y, float) and math.isnan(y))
        if x_nan or y_nan:
            return x_nan and y_nan
        return math.isclose(float(x), float(y), rel_tol=1e-9)
    return (x or "") == (y or "")


_FIELDS = ("kind", "low", "high", "qualifier", "unit", "who", "group")


def evaluate(figures: pd.DataFrame, gold: Gold) -> Evaluation:
    """Compare extracted figures with the gold file, on the documents the gold file covers.

    A figure matches a gold figure when it is in the same document, part and
    comment and the number spans overlap. Precision is matched figures over all
    figures; recall is matched gold figures over all gold figures; field accuracy
    is the share of matched figures whose kind, bounds, qualifier, unit, who and
    group are all as in the gold file. A figure that overlaps a trap number is a
    trap hit (it also counts against precision).

    Returns:
        An :class:`Evaluation`: ``metrics`` (precision, recall, f1, field
        accuracy per field, trap hits, counts) and ``mismatches`` (one row per
        missed, spurious or wrong figure and trap hit; empty when all agree).
    """
    pred = figures[figures["doc_id"].isin(gold.doc_ids)].reset_index(drop=True)
    key = ["doc_id", "part", "comment_id"]
    matched_pred: set[int] = set()
    problems = []
    field_ok = {f: 0 for f in _FIELDS}
    all_ok = 0
    matched_gold = 0
    for g in gold.figures.itertuples():
        cand = pred[(pred["doc_id"] == g.doc_id) & (pred["part"] == g.part) & (pred["comment_id"] == g.comment_id)
                    & (pred["num_start"] < g.num_end) & (pred["num_end"] > g.num_start)]
        if cand.empty:
            problems.append({"problem": "missed", "doc_id": g.doc_id, "part": g.part, "comment_id": g.comment_id,
                             "value_text": g.value_text, "field": "", "expected": f"{g.kind} {format_bounds(g.low, g.high)}", "found": "", "gold_line": g.line})
            continue
        matched_gold += 1
        p = cand.iloc[0]
        matched_pred.update(int(i) for i in cand.index)
        ok = True
        for name in _FIELDS:
            if _same(getattr(g, name), p[name]):
                field_ok[name] += 1
            else:
                ok = False
                problems.append({"problem": "wrong field", "doc_id": g.doc_id, "part": g.part, "comment_id": g.comment_id,
                                 "value_text": g.value_text, "field": name, "expected": _show(getattr(g, name)), "found": _show(p[name]), "gold_line": g.line})
        all_ok += ok
    trap_hits = 0
    for i, p in pred.iterrows():
        if i in matched_pred:
            continue
        traps = gold.traps[(gold.traps["doc_id"] == p["doc_id"]) & (gold.traps["part"] == p["part"]) & (gold.traps["comment_id"] == p["comment_id"])
                           & (gold.traps["num_start"] < p["num_end"]) & (gold.traps["num_end"] > p["num_start"])]
        if len(traps):
            trap_hits += 1
            problems.append({"problem": "trap taken as a figure", "doc_id": p["doc_id"], "part": p["part"], "comment_id": p["comment_id"],
                             "value_text": p["value_text"], "field": "", "expected": traps.iloc[0]["reason"], "found": f"{p['kind']} {format_bounds(p['low'], p['high'])}",
                             "gold_line": int(traps.iloc[0]["line"])})
        else:
            problems.append({"problem": "spurious", "doc_id": p["doc_id"], "part": p["part"], "comment_id": p["comment_id"],
                             "value_text": p["value_text"], "field": "", "expected": "", "found": f"{p['kind']} {format_bounds(p['low'], p['high'])}", "gold_line": None})
    n_gold, n_pred = len(gold.figures), len(pred)
    precision = len(matched_pred) / n_pred if n_pred else math.nan
    recall = matched_gold / n_gold if n_gold else math.nan
    f1 = 2 * precision * recall / (precision + recall) if precision and recall and not math.isnan(precision + recall) else math.nan
    metrics = {
        "gold figures": n_gold, "extracted figures": n_pred, "gold traps": len(gold.traps),
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "all fields right": round(all_ok / matched_gold, 4) if matched_gold else math.nan,
        **{f"{name} right": round(field_ok[name] / matched_gold, 4) if matched_gold else math.nan for name in _FIELDS},
        "trap hits": trap_hits,
    }
    mismatches = pd.DataFrame(problems, columns=["problem", "doc_id", "part", "comment_id", "value_text", "field", "expected", "found", "gold_line"])
    mismatches["gold_line"] = mismatches["gold_line"].astype("Int64")
    return Evaluation(metrics=metrics, mismatches=mismatches)


def _show(value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "(open)"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)
