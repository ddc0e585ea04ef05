"""Deciding: which number phrases are figures, of what kind, counting whom, in which conflict, for which claim.

A number is a figure when no trap explains it (:func:`_trap_reason`: dates,
years, identifiers, durations, rates and shares, payments and budgets, counts of
things, population sizes, arrests, soldiers as actors, people saved...) and a
casualty, displacement or cost word decides its kind, found in this order:

1. a list label right before it ("Killed: 45", "Number of U.S. troop casualties: 4,484");
2. its **predicate** (:func:`_predicate`): the words after the number are read as
   its noun phrase, auxiliaries, then a casualty word ("three others were
   injured" is wounded even after "two civilians were killed"; "545 people
   including 84 children and 35 women have been killed"), or another verb, which
   makes it no figure ("36 people accused", "four have estimated");
3. the nearest casualty word within a few words (:func:`_nearest_cue`), a kind
   inherited from the figure before ("of which 17,000 were children", the two
   ends of a trend), or "lost 6,000 men".

Tables are read by their columns (:func:`_read_tables`). The population comes
from the number's own noun phrase or the words around it (:func:`_who`); the
group is the seeds' population where one is named (US troops, Iraqis, Sunnis...)
and otherwise a generic group of any story (:func:`_generic_group`: civilians,
children, women, military, fighters, refugees, people; ``war`` for costs); the
claim is kind, population family and conflict (:func:`_claim_id`).

:func:`read_numbers` reads a whole text; each process remembers the readings
of recent texts in one documented :class:`~presslens.text.TextMemo`
(``_READINGS``), since the figures and numbers tables read the same texts.
"""

from __future__ import annotations

import copy
import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Callable, Iterable

from ..ingest.rules import NUMBER_ROW
from ..text import TextMemo, sentence_spans
from .lexicon import (
    _CURRENCY_UNITS,
    _SCALE_ABBREVIATIONS,
    _SCALE_LETTERS,
    _SCALE_WORDS,
    _ACTIVE_KILL,
    _ACTOR_HEAD_RE,
    _ARREST_RE,
    _AUX_WORDS,
    _BUDGET_RE,
    _GENERIC_GROUPS,
    _HEAD as _HEAD_PATTERN,
    _HARM_VERB_RE,
    _MOD_WORD_RE,
    _NP_WORDS,
    _NUMBER_WORD_SET,
    _NP_MODIFIER_OF_CUE,
    _PERSON_HEAD_RE,
    _PLAIN_PEOPLE_RE,
    _NATION_GROUPS,
    _POPULATION_BEFORE,
    _REPORT_VERB_RE,
    _SAVED_BEFORE,
    _SAMPLE_BEFORE,
    _PER_PERSON_AFTER,
    _OTHER_COST_RE,
    _TOKEN_RE,
    _WAR_PURPOSE_RE,
    _WAR_WORD_RE,
    _CONFLICTS,
    _CONFLICT_GROUP,
    _COUNTED_AFTER,
    _COUNTRY_DEMONYM,
    _CUE_PREFIXES,
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
    _INHERIT_REACH,
    _MAGNITUDE_AFTER,
    _LABEL_BEFORE,
    _LOST_BEFORE,
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
from .numbers import _AND_BETWEEN, CONTEXT_CHARS, _left
from .readings import Figure, NumberReading, _has_number, _hedges, _phrases, shape_verdict


def _word_gap(text: str) -> int:
    return len(re.findall(r"[\w’'-]+", text))


_TROOPS = "troops (soldiers or fighters as actors, not casualties)"


def _actors(heads: Iterable[str]) -> bool:
    """The head nouns name people who act: soldiers, fighters, weapons ("500 militants attacked")."""
    return bool(heads) and _ACTOR_HEAD_RE.search(" ".join(heads)) is not None


def _trap_reason(r: NumberReading, sentence: str, a: int, b: int, predicate: "Callable[[], _Predicate]") -> str:
    """Why a number phrase is not a figure, or "" when it may be one (a casualty word is still needed).

    ``predicate`` reads the number's predicate (:func:`_predicate`), only once the quick traps (dates, years...)
    did not explain the number.

    The patterns that end at the number read a bounded window before it (:func:`.numbers._left`), so each number
    costs the same however long its sentence.
    """
    before, after = _left(sentence, a), sentence[b:]
    if _DATE_BEFORE.search(before) or (_DATE_AFTER.search(after) and not (r.low > 31 and _YEAR_NEXT.match(after))):
        return "date or time"  # "May 5, 2016", "5th", "10am"; not "242,000 1976" (a count, then a year: a listing)
    if r.years and (_YEAR_PREP.search(before) or not _COUNTED_AFTER.match(after)):
        return "year range" if r.is_range else "year"
    if (_ERA_AFTER.match(after) or _FY_BEFORE.search(before)) and not r.currency:  # "9 AD", "480 BC"; "FY 2003", "FY 20031"
        return "year range" if r.is_range else "year"
    if _ID_BEFORE.search(before) or (_PLACE_NUMBER_AFTER.match(after) and _PLACE_NUMBER_BEFORE.search(before[-60:])):
        return "identifier"
    if _OPENERS_ONLY.match(sentence, 0, a).end() == a and _LIST_AFTER.match(after):  # nothing but quotes and brackets before it
        return "list number"
    if a and sentence[a - 1] == "*" or (a and sentence[a - 1] == "[" and sentence[b : b + 1] == "]"):
        return "note marker"  # "*3", a footnote "[1]"
    if _PERCENT_AFTER.match(after):
        return "percentage"
    if not r.currency and r.low == r.high and r.low <= 120 and _NAME_BEFORE.search(before) and _AGE_COMMA_AFTER.match(after):
        return "age"  # "said Asghar Saied, 52, from his hospital bed"
    if _MAGNITUDE_AFTER.match(after):
        return "other (a measurement: magnitude, degrees, distance)"
    if _DURATION_AFTER.match(after) or (_DURATION_BEFORE.search(before) and re.match(r"^\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?)\b", after, re.IGNORECASE)):
        return "duration"
    if _RATE_AFTER.match(after) or _RATE_LATER.match(after):
        return "a rate (per month, day, person...), not a total"
    if r.currency:
        window = " ".join(before.split()[-4:]) + " " + r.value_text + " " + " ".join(sentence[b : b + CONTEXT_CHARS].split()[:4])
        if _PAYMENT.search(window):
            return "payment, not a war cost"
        if _BUDGET_RE.search(window) and not _WAR_PURPOSE_RE.search(window):
            return _BUDGET
        if _PER_PERSON_AFTER.match(after):
            return "a rate (per month, day, person...), not a total"
        if _OTHER_COST_RE.search(sentence) and not _WAR_WORD_RE.search(sentence):
            return "money not war cost (the cost of violence, crime or a disaster)"
    near = before[-60:]  # the patterns below end at the number and span a few words
    pred = predicate()
    harm_object = bool(_OBJECT_OF_HARM.search(near))  # "have killed more than 300 have focused": 300 is the object
    if _SAMPLE_BEFORE.search(near):
        return "other (people interviewed or surveyed, a sample; or the rest of a count)"
    if _SAVED_BEFORE.search(near):
        return "people saved or sheltered, not casualties"
    if _KILLED_AND_WOUNDED_BEFORE.search(near) or (pred.kind in ("deaths", "wounded") and pred.cue_pos is not None
                                                    and _KILLED_AND_WOUNDED_AT.match(sentence, pred.cue_pos)):
        return "killed and wounded together (no one kind)"
    if not r.currency and (_DEAD_OR_MISSING.match(after) or _DEAD_OR_MISSING_BEFORE.search(near)):
        return "other (the dead and the missing in one count)"
    if pred.kind:
        if pred.kind == "arrests" and not harm_object:  # "beheaded four hostages" counts the dead
            return "arrests (arrested, detained, kidnapped, missing: other counts of people)"
        if pred.actor:
            return _TROOPS
        return ""  # the number is the subject of a casualty word: "14 students were injured"
    if _POPULATION_BEFORE.search(near):
        return "population (the size of a country, city or people)"
    if pred.np_empty and not r.currency and _REPORT_VERB_RE.fullmatch(pred.stop) and not harm_object:
        return "other (a number standing for people who say or estimate: 'four have estimated')"
    if pred.stop in ("who", "that") and _actors(pred.heads) and pred.after not in _PASSIVE_AFTER:
        return _TROOPS
    if pred.stop in ("who", "that") and _actors(pred.heads) and _ACTORS_CLAUSE.match(sentence, pred.stop_pos):
        return _TROOPS  # "41,000 soldiers who were deployed caused the death of"
    if pred.stop_pos is not None and not harm_object and not r.currency and _OTHER_VERB_RE.fullmatch(pred.stop):
        # its own verb, and an object after it ("500 militants attacked the village, killing 30"): the number counts the
        # actors even when a casualty word follows; an intransitive one ("reportedly", "were reported killed") does not
        active = not pred.aux and pred.after in _OBJECT_STARTS
        if active and _actors(pred.heads):
            return _TROOPS
        if active or not _CUE_RE.search(sentence, pred.stop_pos, pred.stop_pos + 60):
            return f"people counted by another verb ({pred.stop})"
    if _PAIR_TEXT.match(r.value_text):  # "a man and his wife": the people counted are in the phrase itself
        return ""
    if _THINGS_AFTER.match(after) and not _NP_AFTER.match(after):
        return "count of things"
    nxt = _NEXT_WORD.match(after)
    if nxt and not _NP_AFTER.match(after) and not harm_object and not r.trend:
        word = nxt.group("w")
        if (word.islower() and word not in _FUNCTION_WORDS and word not in _AUX_WORDS and word not in _CLAUSE_WORDS
                and not word.endswith(("ed", "ly", "ing")) and not _CUE_RE.fullmatch(word) and not (r.currency and word in _MONEY_NOUNS)
                and not _PERSON_HEAD_AHEAD.match(after)):
            # "3.2 million remain displaced" is people, "$2,655bn if interest is added" money; "$6.77 meals" things
            return "count of things"
    return ""


#: "al-Mazzeh 86 in al-Mazzeh area": a number right after a place's name (not the sentence's first word), then "in"
#: or a noun of a place, is part of the name.
_PLACE_NUMBER_BEFORE = re.compile(r"[a-z,]\s+(?:(?:al|el|as|ad|ash|ar|an|at|az)-)?[A-Z][\w'’-]*\s+$")
_PLACE_NUMBER_AFTER = re.compile(r"^\s+(?:in|area|district|neighbou?rhood|quarter|street|block|sector)\b", re.IGNORECASE)
#: "killing about 100 civilians a day", "50 people are killed every week": a rate written after the number's noun
#: phrase or verb (words only, so no other number or clause is crossed); "in a day", "a day earlier" are no rate.
_RATE_LATER = re.compile(
    r"^(?:\s+[A-Za-z][\w'’-]*){1,5}?(?<!\bin)(?<!\bwithin)(?<!\bon)(?<!\bfor)(?<!\bthat)(?<!\bsame)(?<!\bthe)(?<!\bone)"
    r"\s+(?:a|an|per|each|every)\s+(?:single\s+)?(?:day|week|month|year|night|hour)\b"
    r"(?!\s+(?:earlier|later|after|before|ago|of|when|since|that|in\s+which)\b)(?!-)",
    re.IGNORECASE,
)
#: "seven field commanders", "20 aid workers": a head noun of people a word or two after the number.
_PERSON_HEAD_AHEAD = re.compile(rf"^\s+(?:[a-z][\w-]*\s+){{1,2}}(?:{_HEAD_PATTERN})\b", re.IGNORECASE)
#: "killing and injuring scores of people", "300 were killed or wounded": the dead and the hurt in one count.
_KW = r"(?:killed|killing|kill|kills|dead|died)\s+(?:and|or|and/or)\s+(?:wounded|wounding|injured|injuring|maimed|maiming|hurt)"
_KILLED_AND_WOUNDED_BEFORE = re.compile(rf"\b{_KW}\s+(?:(?:at\s+least|more\s+than|over|nearly|almost|some|about|around|up\s+to)\s+)?$",
                                        re.IGNORECASE)
_KILLED_AND_WOUNDED_AT = re.compile(rf"{_KW}\b", re.IGNORECASE)
#: "130,013 people listed as dead or missing", "38,940 combined dead and missing": the dead and the missing in one count.
_DEAD_OR_MISSING = re.compile(r"^(?:\s+[\w-]+){0,4}?\s+(?:dead|killed)\s+(?:or|and|and/or)\s+missing\b|^\s+(?:missing|disappeared)\s+(?:or|and)\s+(?:dead|killed)\b",
                              re.IGNORECASE)
_DEAD_OR_MISSING_BEFORE = re.compile(r"\b(?:dead|killed)\s+(?:or|and)\s+missing\s*(?:[:,]|\bat|\bwas|\bis|\bstood\s+at|\bto)?\s*$", re.IGNORECASE)
#: Nouns after an amount of money that name the amount, not a thing counted ("$3 trillion dollar estimate").
_MONEY_NOUNS = frozenset("dollar dollars estimate estimates figure total sum price tag bill cost range mark level".split())
_ARREST_PREFIXES = frozenset(w[:3].lower() for w in re.findall(r"[A-Za-z]{3,}", _ARREST_RE.pattern))
#: "a man and his wife": two people counted by articles (:func:`.numbers._word_atom`).
_PAIR_TEXT = re.compile(r"an?\s+\w+\s+and\s+(?:his|her|their)\s", re.IGNORECASE)
_LIVES_OF = re.compile(r"\b(?:lives|deaths?|death|bodies|killing|murders?)\s+of\s+$", re.IGNORECASE)
_WITHIN_COUNT = re.compile(r"\b(?:including|of\s+them|among\s+them|along\s+with|as\s+well\s+as|and)\s+$", re.IGNORECASE)
_REFUGEE_NOUN = re.compile(r"refugees|IDPs|evacuees|displaced\s+(?:people|persons)", re.IGNORECASE)
_DATED = re.compile(r"date|year")
_OPENERS_ONLY = re.compile("[ \"'“‘(\\[]*")
#: "killing three brothers": the number is the object of a verb of harm, whatever noun follows it.
_OBJECT_OF_HARM = re.compile(r"\b(?:(?:lost|killed|killing|kill|kills|wounded|wounding|injured|injuring|executed|executing|massacred|hanged|"
                             r"beheaded|beheading|murdered|murdering|slaughtered|slaughtering|slew|assassinated|eliminated|eliminating|"
                             r"displaced|displacing|leaving|left)|(?:toll|deaths|casualties|dead|fatalities)\s+(?:\w+\s+)?(?:at|of|to))\s+"
                             r"(?:(?:at\s+least|more\s+than|over|nearly|almost|some|about|around)\s+)?$", re.IGNORECASE)
#: After "soldiers who": the soldiers are the casualties ("who were killed", "who died").
#: A verb (past participle or a few irregular ones) that is a number's own predicate when it is not a casualty word:
#: "36 people accused", "hundreds of thousands trapped under siege".
_OTHER_VERB_RE = re.compile(r"[a-z]{3,}ed|accused|trapped|held|remain|remained|live|lived|stayed|gathered|protested|marched|"
                            r"attended|voted|worked|work|joined|signed|took|take", re.IGNORECASE)
#: Money lost to a war: "losses of $5 billion", "$2bn in losses" (a casualty word for people, a cost word for money).
_LOSSES_NEAR = re.compile(r"\b(?:losses|lost|loss)\b", re.IGNORECASE)
#: "12 of them children", "4,000 of whom were Americans": a part of the number before.
_OF_THEM_AFTER = re.compile(r"\s+of\s+(?:them|whom)\b", re.IGNORECASE)
#: Verbs of care whose object is people hurt: "treated 35 people", "the hospital received three victims".
_TREATED_BEFORE = re.compile(r"\b(?:treated|treating|admitted|admitting|received|receiving|receives)\s+(?:(?:at\s+least|more\s+than|"
                             r"over|nearly|almost|some|about|around|another)\s+)?$", re.IGNORECASE)
_VICTIMS_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:victims|casualties|patients)\b", re.IGNORECASE)
_MEDICAL_RE = re.compile(r"\b(?:hospitals?|clinics?|medics?|medical|doctors?|paramedics|emergency\s+room|ward|treatment)\b", re.IGNORECASE)
#: "15 children and four teachers": a count listed after a figure's noun phrase with "and" is counted the same way.
_INHERIT_AND = re.compile(r"^\s+(?:(?:[A-Za-z'’-]+)\s+){1,5}(?:and|,)\s+$")
_INCLUDING_BEFORE = re.compile(r",\s*(?:including|among\s+them)\s+(?:(?:at\s+least|some|about|nearly|more\s+than)\s+)?$", re.IGNORECASE)
#: Words after a comma that open an aside inside a noun phrase ("67 people, including three civilians, have been killed").
_ASIDE_STARTS = frozenset("including among mostly most many some".split())
#: Words that start a clause after a number: "$2,655bn if interest is added".
_CLAUSE_WORDS = frozenset("if when while unless because although though whereas once".split())
#: "Asghar Saied, 52, from his hospital bed": a person's two names, then the number between commas, is an age.
_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?,\s+$")
_AGE_COMMA_AFTER = re.compile(r"^\s*,")
#: "The cost of Australia's role in the war ... is climbing towards A$30 billion": what a war's cost is (money only).
_COST_IS = re.compile(r"\b(?:cost|costs|bill|price\s+tag|tab)\s+of\b[^.;:\d$]{0,120}?\b(?:at|to|is|was|reached|hit|topped|passed|exceeded|now)\s+$",
                      re.IGNORECASE)
#: Words that start a hedge: a number after them is still a number for crossing an "and" ("and about 23 thousand").
_HEDGE_WORDS = frozenset("about some nearly almost around roughly over more at up another approximately".split())
#: "bringing the total there to 7,200": a running total of the count before.
_INHERIT_TOTAL = re.compile(r"\b(?:bringing|raising|taking|pushing|lifting)\s+(?:the|its|their)\s+(?:total|toll|number|tally|count)"
                            r"(?:\s+[\w-]+){0,3}?\s+to\s+(?:(?:about|some|nearly|almost|around|more\s+than|over|at\s+least)\s+)?$", re.IGNORECASE)
#: "and 10 in neighbouring West Bengal": a count in another place, its noun and verb left out.
_IN_PLACE_AFTER = re.compile(r"\s+(?:in|from)\s+(?:neighbou?ring\s+|nearby\s+|the\s+)?[A-Z]")
#: A conjunction that starts another clause between a casualty word and a number.
_CLAUSE_JOIN = re.compile(r"\b(?:and|but|while|whereas)\s", re.IGNORECASE)
#: "$1,292bn-$2,039bn, rising to $1,754bn-$2,655bn": the same count grown, so of the same kind.
_INHERIT_RISING = re.compile(r"^\s*,?\s+(?:rising|climbing|growing|increasing|jumping|swelling|falling|dropping)\s+to\s+$", re.IGNORECASE)
#: "The toll in Sri Lanka, which was second hardest hit, stood at 30,957", "put the death toll at 25,000": the number
#: is what the toll is, whatever casualty word follows it (no other number between).
_TOLL_IS = re.compile(r"\b(?:(?:death\s+)?toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|victims|fatalities|killed))\b[^.;:\d]{0,120}?"
                      r"\b(?:at|to|of|from|stood\s+at|stands\s+at|reached|hit|topped|passed|exceeded|is|was|now)\s+$", re.IGNORECASE)
_PASSIVE_AFTER = frozenset("were was had have has are died perished lost".split())
#: Words that start the object of a verb: "attacked the village", "caused the deaths of".
_OBJECT_STARTS = frozenset("the a an their its his her this these those".split())
#: A relative clause about actors, then their own verb of harm with its object: "soldiers who were deployed there caused the
#: death of many", "fighters who had crossed the border killed 30".
_ACTORS_CLAUSE = re.compile(r"(?:who|that)\s+(?:were|was|had|have|has)\s+(?:been\s+)?[a-z]+ed\b(?:\s+[\w,-]+){0,5}?\s+"
                            r"(?:caused|killed|shot|massacred|executed|wounded|injured)\s+(?:the|a|an|many|dozens|hundreds|scores|thousands|\d)",
                            re.IGNORECASE)


@dataclass
class _Predicate:
    """What a number attaches to on its right: its noun phrase, then auxiliaries, then a casualty word or another word.

    ``kind`` is the casualty kind of the word reached (``arrests`` for arrested, detained, missing...), "" when
    another word stops the reading (``stop``, with the word after it in ``after``). ``actor`` is set when the
    number counts the doers of the harm ("41,000 soldiers killed 50 civilians").
    """

    kind: str = ""
    cue_pos: int | None = None
    stop: str = ""
    after: str = ""
    heads: tuple[str, ...] = ()
    stop_pos: int | None = None
    np_empty: bool = True
    aux: bool = False
    verb: bool = False  # the casualty word is a verb or participle ("injured", "fled"), not a noun ("deaths")
    crossed: bool = False  # the reading went past another number ("59 soldiers and 776 have been wounded")
    actor: bool = False


#: Verbs of people leaving a place, read as displacement when a place's name follows ("5000 people left Fuaa").
_DEPARTURE_VERBS = frozenset("left leave leaving fled evacuated".split())
#: After "crossed": a border or a country ("the border into Chad", "into Poland", "over to Jordan").
_CROSSED_INTO = re.compile(r"\s+(?:(?:the|a)\s+(?:[\w-]+\s+)?(?:border|frontier)s?\b|(?:into|to|over\s+to|over\s+into)\s+(?:neighbou?ring\s+)?[A-Z])")
#: Capitalised words after "left" that are no place: days, months, pronouns, names of the calendar.
_NOT_PLACES = frozenset(
    "I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September "
    "October November December The A An This That It He She They We On In At For".split()
)
#: The words a noun phrase may continue with after "and" or a comma ("84 children and 35 women", ", including").
_NP_CONTINUES = frozenset("including among mostly mainly many most some over more nearly almost about around at the their its a an one".split())
_MAX_PREDICATE_TOKENS = 18


def _is_number_word(w: str) -> bool:
    return w[0].isdigit() or w.lower() in _NUMBER_WORD_SET


def _predicate(sentence: str, b: int, money: bool) -> _Predicate:
    """Read the words after a number (ending at ``b``): its noun phrase, auxiliaries, then the predicate.

    "Two civilians were killed and three others were injured": "three" reaches "injured" through "others were",
    so it is wounded, not killed. Bounded: at most :data:`_MAX_PREDICATE_TOKENS` tokens are read.
    """
    end = sentence.find("\n", b, b + 240)  # a line break ends the reading: "Killed: 45\nWounded: 120"
    found = list(_TOKEN_RE.finditer(sentence, b, end if end >= 0 else min(len(sentence), b + 240)))[:_MAX_PREDICATE_TOKENS]
    # a word's full stop is not part of it ("deaths." at the end of a sentence), an abbreviation's dots are ("U.S.")
    toks = [w[:-1] if w.endswith(".") and w.count(".") == 1 and len(w) > 1 else w for w in (t.group() for t in found)]
    starts = [t.start() for t in found]
    heads: list[str] = []
    in_np, np_len, aux, crossed = True, 0, False, False
    skip_to = -1
    for i, w in enumerate(toks):
        if i <= skip_to:
            continue
        lw = w.lower()
        if w == "," and i + 1 < len(toks) and toks[i + 1].lower() in _ASIDE_STARTS:
            # "six people, including five of his bodyguards, were killed": read on after the aside
            close = next((j for j in range(i + 2, min(len(toks), i + 14)) if toks[j] == ","), None)
            if close is not None:
                skip_to = close
                continue
        quick = lw[:3] in _CUE_PREFIXES  # most tokens cannot start a casualty or arrest word
        cm = _CUE_RE.match(sentence, starts[i]) if quick else None
        if cm and (money or cm.lastgroup != "cost"):
            pred = _Predicate(kind=cm.lastgroup, cue_pos=starts[i], heads=tuple(heads), np_empty=np_len == 0, aux=aux,
                              verb=lw.endswith(("ed", "ing")) or lw in ("died", "dead", "fled"), crossed=crossed)
            if not aux and _actors(heads) and _HARM_VERB_RE.fullmatch(w):
                nxt = toks[i + 1] if i + 1 < len(toks) else ""
                pred.actor = bool(nxt) and (_is_number_word(nxt) or nxt.lower() in ("the", "a", "an", "at", "more", "over", "dozens", "hundreds", "scores")
                                            or bool(_PERSON_HEAD_RE.fullmatch(nxt)))
            return pred
        if lw[:3] in _ARREST_PREFIXES and _ARREST_RE.match(sentence, starts[i]):
            if i and toks[i - 1].lower() == "the" and i + 1 < len(toks) and toks[i + 1].lower() == "of":
                # "the murder of one Chilean and the disappearance of nine others": a noun heading another phrase
                return _Predicate(stop=lw, after="of", heads=tuple(heads), stop_pos=starts[i], np_empty=np_len == 0, aux=aux)
            return _Predicate(kind="arrests", cue_pos=starts[i], heads=tuple(heads), np_empty=np_len == 0, aux=aux)
        if in_np and np_len < 12:
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if w in (",", "and", "("):
                crossed = crossed or bool(nxt) and (_is_number_word(nxt) or (  # "... people and about 23 thousand were wounded"
                    nxt.lower() in _HEDGE_WORDS and i + 2 < len(toks) and (_is_number_word(toks[i + 2]) or (
                        toks[i + 2].lower() in _HEDGE_WORDS and i + 3 < len(toks) and _is_number_word(toks[i + 3])))))
                if nxt and (_is_number_word(nxt) or nxt.lower() in _NP_CONTINUES or nxt[0].isupper() or _PERSON_HEAD_RE.fullmatch(nxt)
                            or _MOD_WORD_RE.fullmatch(nxt)):
                    np_len += 1
                    continue
            elif _PERSON_HEAD_RE.fullmatch(w):
                heads.append(lw)
                np_len += 1
                continue
            elif w[0].isalnum() and (_is_number_word(w) or lw in _NP_WORDS or _MOD_WORD_RE.fullmatch(w) or w[0].isupper()):
                np_len += 1
                continue
            elif w[0].isalpha() and lw not in _FUNCTION_WORDS and nxt and (_PERSON_HEAD_RE.fullmatch(nxt) or _CUE_RE.fullmatch(nxt)):
                np_len += 1  # "field commanders", "violent deaths": a modifier of the head or of the casualty noun
                continue
            in_np = False
        if lw in _DEPARTURE_VERBS and i + 1 < len(toks) and toks[i + 1][0].isupper() and toks[i + 1] not in _NOT_PLACES and not (
                _actors(heads)):
            # "More than 5000 people left Fuaa", "about 2200 left Madaya": people leaving a place (not troops leaving it)
            return _Predicate(kind="displaced", cue_pos=starts[i], heads=tuple(heads), np_empty=np_len == 0, aux=aux, verb=True)
        if lw in ("crossed", "crossing") and _CROSSED_INTO.match(sentence, starts[i] + len(w)) and not (
                _actors(heads)):
            # "200,000 have crossed the border into Chad", "2 million people crossed into Poland": people fleeing across a
            # border (not troops crossing it)
            return _Predicate(kind="displaced", cue_pos=starts[i], heads=tuple(heads), np_empty=np_len == 0, aux=aux, verb=True)
        if lw in _AUX_WORDS:
            aux = True
            continue
        if i and toks[i - 1].lower() in ("the", "those") and i > 1 and "among" in (t.lower() for t in toks[max(0, i - 3) : i]):
            if lw == "victims":  # "12 children were among the victims"
                return _Predicate(kind="deaths", cue_pos=starts[i], heads=tuple(heads), np_empty=np_len == 0, aux=True)
            if _is_number_word(w):  # "68 children were among the 126 people killed"
                nxt = toks[i + 1] if i + 1 < len(toks) else ""
                if _PERSON_HEAD_RE.fullmatch(nxt):
                    toks[i + 1] = "the"  # read the head as part of "among the ...", then the participle
                    continue
        return _Predicate(stop=lw, after=(toks[i + 1].lower() if i + 1 < len(toks) else ""), heads=tuple(heads), stop_pos=starts[i],
                          np_empty=np_len == 0, aux=aux)
    return _Predicate(heads=tuple(heads), np_empty=np_len == 0, aux=aux)


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


def _cue_gap(sentence: str, pos: int | None, a: int, b: int) -> int:
    """Words between a number [a, b) and a cue starting at ``pos`` (a large number when no cue position is known)."""
    if pos is None:
        return 99
    return _word_gap(sentence[b:pos]) if pos >= b else _word_gap(sentence[pos:a]) - 1


def _nearest_arrest(sentence: str, a: int, b: int, lo: int, hi: int, max_words: int = 4) -> int | None:
    """Words to the nearest word of arrest, detention or disappearance within a few words of the number, or None."""
    best = None
    for m in _ARREST_RE.finditer(sentence, lo, hi):
        gap = _word_gap(sentence[m.end():a]) if m.end() <= a else _word_gap(sentence[b:m.start()]) if m.start() >= b else None
        if gap is not None and gap <= max_words and (best is None or gap < best):
            best = gap
    return best


def _who(sentence: str, a: int, b: int, lo: int, kind: str, cue_pos: int | None, *, own_only: bool = False) -> str:
    """The population a figure counts, as written: after the number, as predicate or apposition, else the nearest one before.

    ``own_only``: the number is the subject of its casualty word ("and hundreds more injured"), so a noun phrase
    before it belongs to another figure and is not looked for.
    """
    after = sentence[b:]
    for pattern in (_NP_AFTER, _NP_PREDICATE, _NP_APPOSITION, _NP_MODIFIER_OF_CUE):
        m = pattern.match(after)
        if m:
            return re.sub(r"^more\s+", "", _clean_np(m.group("np")), flags=re.IGNORECASE)
    if own_only:
        return ""
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


def _group(kind: str, who: str, conflict: str, clause: str, sentence: str, *, inherited: str = "", currency: str = "") -> str:
    """A normalised population key for charting, from the population as written and the conflict.

    The seeds' populations (US troops, Iraqis, Sunnis, protesters...) first, except that a generic head noun beside a
    nationality wins ("Afghan civilians"); then the generic groups of any story (:func:`_generic_group`).
    ``inherited``: the group of the sentence's first figure, for a figure written without a population ("killed
    nine civilians and injured 200").
    """
    if kind == "cost":
        # money read as a war's cost is for a war; a bare number with no currency ("a trillion or two or six") may not be
        return conflict or ("war" if currency or _WAR_WORD_RE.search(sentence) else "unspecified")
    if kind == "deaths" and _INDIRECT.search(clause):
        return "indirect_deaths"
    if who and _PER_SIDE.search(who):
        return f"{conflict}_per_side" if conflict else "per_side"
    if re.match(r"^(?:its|their)\s+(?:citizens|people|population)\b", who, re.IGNORECASE):
        first = min(((sentence.find(name), group) for name, group in _COUNTRY_DEMONYM if name in sentence), default=None)
        if first is not None:
            return first[1]
    if who:
        generic = _generic_group(who, kind)
        for group, pattern in _GROUP_RULES:
            if pattern.search(who):
                return generic if group in _NATION_GROUPS and generic not in ("people", "refugees") else group
        return generic
    if inherited:
        return inherited
    if conflict:
        return _CONFLICT_GROUP.get(conflict, f"{conflict}_total")
    return "people"


def _generic_group(who: str, kind: str = "") -> str:
    """The generic group of a population on any story: children, women, military, fighters, refugees, civilians, or people
    (unspecified or mixed: "men, women and children"); people displaced who are named only by where they come from
    ("four million Ukrainians have fled") are refugees."""
    found = [group for group, pattern in _GENERIC_GROUPS if pattern.search(who)]
    if len(found) == 1:
        return found[0]
    if found and set(found) <= {"civilians", "children", "women"} and "civilians" in found:
        return "civilians"  # "civilians, including a child"
    if not found and kind == "displaced" and not _PLAIN_PEOPLE_RE.search(who):
        return "refugees"
    return "people"


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
    if readings and "\n" in text:
        _read_tables(text, readings)
        _count_lists(text, readings)
    if any(r.verdict in (_NO_COST_WORD, _BUDGET) for r in readings):
        _war_money(text, readings)
    if any(r.verdict == "figure" and r.kind == "cost" for r in readings) and not _WAR_WORD_RE.search(text) and _DISASTER_RE.search(text):
        for r in readings:  # a text about a tsunami or a flood and no war: its money is the disaster's, not a war's cost
            if r.verdict == "figure" and r.kind == "cost":
                r.verdict, r.kind, r.group = "money not war cost (a natural disaster's)", "", ""
    return tuple(readings)


_NO_COST_WORD = "money without a war-cost word"
_BUDGET = "money not war cost (a budget)"
#: The places a text's wars are fought in: "the wars in Iraq and Afghanistan", "the Iraq War", "fighting in Helmand".
_WAR_PLACES = re.compile(r"\b(?:wars?|conflicts?|fighting|operations?|invasion|occupation)\s+(?:in|of)\s+(?P<a>[A-Z][a-z]+)(?:\s+and\s+(?P<b>[A-Z][a-z]+))?"
                         r"|\b(?P<c>[A-Z][a-z]+)\s+(?:War|war)\b")
#: After an amount: what it is for, a place ("$749.9 billion for Iraq", "$51.1 billion requested for Afghanistan").
_FOR_PLACE = re.compile(r"\s+(?:(?:requested|appropriated|spent|allocated|budgeted|provided)\s+)?(?:for|in|on)\s+(?:the\s+)?(?P<p>[A-Z][a-z]+)\b")
#: Before an amount that converts the one before it: "the modern day equivalent of $2.4 billion", "equal to about $1.5 billion".
_EQUIVALENT_BEFORE = re.compile(r"\b(?:equivalent|equal)\s+(?:of|to)\s+(?:(?:about|roughly|some|nearly|around|almost|over|more\s+than)\s+)?$",
                                re.IGNORECASE)
#: How far back (characters) the cost an amount converts may be: the same or the sentence before.
_CONVERTS_REACH = 400
#: A label naming a war before an amount: "Iraq War: $812.4 Billion", "The Mexican American War: $2.3 Billion".
_WAR_LABEL = re.compile(r"\b(?:War|war|Wars|Operation\s+[A-Z]\w+|Conflict)\s*:\s*$")


def _war_money(text: str, readings: list[NumberReading]) -> None:
    """Amounts with no cost word beside them that are still a war's cost: under a label naming a war ("Iraq War:
    $812.4 Billion"), or for a place the text's wars are fought in ("$749.9 billion for Iraq"), even in a budget
    ("the FY2011 budget, with $51.1 billion requested for Iraq")."""
    places = {p for m in _WAR_PLACES.finditer(text) for p in m.group("a", "b", "c") if p}
    last_cost: NumberReading | None = None
    for r in readings:
        if r.verdict == "figure" and r.kind == "cost":
            last_cost = r
        if r.verdict not in (_NO_COST_WORD, _BUDGET):
            continue
        if (r.verdict == _NO_COST_WORD and last_cost is not None and r.num_start - last_cost.num_end < _CONVERTS_REACH
                and _EQUIVALENT_BEFORE.search(text, max(r.sent_start, r.num_start - 60), r.num_start)):
            _as_figure(text, r, "cost")  # "$90 million, roughly the equivalent of $1.5 billion today": the cost before, converted
            continue
        line_start = text.rfind("\n", 0, r.num_start) + 1
        place = _FOR_PLACE.match(text, r.num_end)
        if ((r.verdict == _NO_COST_WORD and _WAR_LABEL.search(text, max(line_start, r.num_start - 60), r.num_start))
                or (place and place.group("p") in places)):
            _as_figure(text, r, "cost")


#: Natural disasters (a text about one and no war spends its money on the disaster).
_DISASTER_RE = re.compile(r"\b(?:earthquakes?|quakes?|tsunamis?|floods?|flooding|hurricanes?|cyclones?|typhoons?|tornado(?:e?s)?|"
                          r"droughts?|wildfires?|landslides?|eruptions?)\b", re.IGNORECASE)


#: A fiscal year's label: "FY 2003", "FY2005", even with a footnote digit glued to it ("FY 20031").
_FY_BEFORE = re.compile(r"\bFY\s?$")
#: A table's unit written above or in it: "In billions of budgeted dollars", "(£ million)", "$ billions", "£m".
_TABLE_UNIT = re.compile(
    r"\b(?:in\s+)?(?P<scale>thousands|millions|billions|trillions)\s+of\s+(?:[a-z]+\s+)?(?P<cur>dollars|pounds|euros)\b"
    r"|(?P<cur2>[$£€])\s?(?P<scale2>thousands?|millions?|billions?|trillions?|m|bn|k)\b", re.IGNORECASE)
_UNIT_SCALES = {**_SCALE_WORDS, **_SCALE_ABBREVIATIONS, **_SCALE_LETTERS}
#: An era after a number makes it a year: "9 AD", "480 BC", "70 CE".
_ERA_AFTER = re.compile(r"\s?(?-i:AD|A\.D\.|BC|B\.C\.|BCE|CE)\b")
#: Verdicts a table column never overrides: the number is a date, a year, a percentage or a rate whatever its column.
_KEEP_IN_TABLES = re.compile(r"^(?:date|year|percentage|a rate|identifier|note marker|duration)")
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{2,}")
#: A data cell at the end of a row of a plain-text table: a number (with its "*" or "+"), or a note in brackets.
_ROW_VALUE = r"(?:US\s?\$|\$|€|£)?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn)|(?i:k|m)(?![\w]))?"
_ROW_ITEM = re.compile(rf"~?{_ROW_VALUE}(?:\s?[-–]\s?{_ROW_VALUE})?[*+]?|\([^()\n]{{1,40}}\)")
_TOTAL_RE = re.compile(r"\btotals?\b|\bsum\b|\bcombined\b", re.IGNORECASE)
_ESTIMATE_HEADER = re.compile(r"\b(?:estimates?|figures?|counts?|numbers?|revised|official|toll)\b", re.IGNORECASE)
_MAX_HEADING_WORDS = 8
_MAX_ROW_CHARS = 240
#: A row under single-spaced column names may end in a long description ("Roman legions under Varus ambushed ...").
_MAX_COLUMN_ROW_CHARS = 600
#: A line that states a table's unit is a caption or a header, not prose.
_MAX_UNIT_LINE_CHARS = 200


def _header_kinds(cells: list[str]) -> list[str]:
    """The kind each column of a table header counts: a casualty or cost word, ``total``, or "" (labels, notes).

    A column named only "Revised Estimate" beside "Official Death Toll" counts what the table's one kind counts."""
    kinds = []
    for cell in cells:
        found = [m.lastgroup for m in _CUE_RE.finditer(cell)]
        kinds.append("total" if _TOTAL_RE.search(cell) and not found else (found[0] if found else ""))
    named = {k for k in kinds if k and k != "total"}
    if len(named) == 1:
        only = named.pop()
        kinds = [only if not k and _ESTIMATE_HEADER.search(cell) else k for k, cell in zip(kinds, cells)]
    return kinds


def _read_tables(text: str, readings: list[NumberReading]) -> None:
    """Numbers in the rows of a table take the kind of their column: "War  Deaths  Wounded  Total" over
    "Civil War 529,332 420,000* 949,332", or "Conflict | Official Death Toll | ..." over "| 240,000 (2016 govt figure) |";
    under a short heading with a casualty word ("U.S. Military Deaths"), the "label: number" lines take its kind and
    population. A table's total column is not a figure. Only numbers that no sentence rule made a figure, and that are
    not dates, years or percentages, are changed.
    """
    by_start, starts = _index(readings)
    lines = _text_lines(text)
    header: list[str] | None = None
    heading: tuple[str, str] | None = None  # (kind, heading text)
    columns = ""  # the kind of a header of single-spaced column names ("Event Period Deaths (Estimates) Primary Cause")
    dated = False  # whether that header's first column is a date
    unit: tuple[str, float] | None = None  # a table's money unit ("In billions of budgeted dollars")
    war = None  # whether the text names a war (read once, when a unit is found)
    for start, line in lines:
        stripped = line.strip()
        if not stripped or set(stripped) <= set("-|: "):
            continue
        has_digit = bool(re.search(r"\d", stripped))
        if len(stripped) <= _MAX_UNIT_LINE_CHARS and (m := _TABLE_UNIT.search(stripped)) and (not has_digit or "|" in stripped):
            scale = (m.group("scale") or m.group("scale2")).lower().rstrip("s")
            unit = (_CURRENCY_UNITS[(m.group("cur") or m.group("cur2")).lower()], _UNIT_SCALES.get(scale, 1.0))
            if not has_digit:
                continue
        if unit is not None:
            if has_digit and len(stripped) <= _MAX_ROW_CHARS and ("|" in stripped or not stripped.endswith(".")):
                # a war named, or operations in a place ("the cost of operations in Iraq and Afghanistan")
                war = bool(_WAR_WORD_RE.search(text) or _WAR_PLACES.search(text)) if war is None else war
                _unit_cells(text, by_start, starts, start, start + len(line), unit, war)
                continue
            if not has_digit and len(stripped.split()) <= _MAX_LABEL_WORDS and not stripped.endswith((".", "?", "!")):
                continue  # a row's label on a line of its own, a table copied one cell per line ("Resource Costs" over "1,051")
            unit = None  # prose ends the table
        # such a table's rows are one per line (or paragraph), with digits and no colon ("Part 1: Genocides" ends it)
        if columns and has_digit and len(stripped) <= _MAX_COLUMN_ROW_CHARS and ":" not in stripped:
            row = start + len(line) - len(line.lstrip())
            _first_count(text, by_start, starts, row, start + len(line), columns, dated=dated)
            continue
        columns = ""
        if len(stripped) > _MAX_ROW_CHARS:  # prose: no header, row or heading is this long
            header = heading = None
            continue
        if not has_digit:
            columns = _column_names(stripped)  # and, short as it is, a heading too ("U.S. Military Wounded")
            dated = stripped.split()[0].lower() in _DATE_COLUMNS  # "Date Name Deaths ...": a row opens with its date
            cells = [c for c in _CELL_SPLIT.split(stripped) if c]
            kinds = _header_kinds(cells) if len(cells) >= 2 else []
            if any(k and k != "total" for k in kinds):
                header, heading = kinds, None
                continue
            words = stripped.split()
            cue = _CUE_RE.search(stripped)
            if cue and len(words) <= _MAX_HEADING_WORDS and not stripped.endswith((".", "?", "!")):
                heading, header = (cue.lastgroup, stripped), None
                continue
            header = heading = None
            continue
        if header is not None:
            if "|" in stripped:
                cells = [(start + m.start(), start + m.end()) for m in re.finditer(r"[^|]+", line)]
                cells = [(a, b) for a, b in cells if text[a:b].strip()]
                offset = 0 if len(cells) == len(header) else None
                if offset is None:
                    continue
                for (a, b), kind in zip(cells, header):
                    _table_cell(text, by_start, starts, a, b, kind, "", column=True)
            else:
                items = _row_items(line)
                if not items or len(items) < len(header) - 1 or len(stripped.split()) > 4 * len(header) + 4:
                    header = None
                    continue
                for (a, b), kind in zip(items[-(len(header) - 1):], header[1:]):
                    _table_cell(text, by_start, starts, start + a, start + b, kind, "", column=True)
            continue
        if heading is not None:
            if len(stripped.split()) > _MAX_HEADING_WORDS:
                heading = None
                continue
            items = _row_items(line)
            if items:
                a, b = items[-1]
                np = _NP_RE.search(heading[1])
                _table_cell(text, by_start, starts, start + items[0][0], start + b, heading[0], _clean_np(np.group(0)) if np else "")


_YEAR_NEXT = re.compile(r"^,?\s+(?:19|20)\d\d\b")
_COUNT_FIRST = re.compile(r"~?\d[\d,.]*\s+\S")
#: A row naming what it counts, then the count: "United States 1,974", "Other nations 108" (ingestion's rows).
_COUNT_LAST = NUMBER_ROW
_TOTAL_LABEL = re.compile(r"(?i)(?:grand\s+)?totals?")
_MIN_LIST_ROWS = 3
_MAX_LIST_ROW_WORDS = 12


def _count_lists(text: str, readings: list[NumberReading]) -> None:
    """A list whose lines each start with a count, under a line that names a casualty ("The scale of death tolls by
    earthquake can be staggering. The worst earthquakes are:-" over "830,000 1556 Shaanxi China", "250,000 526 Antioch
    ..."), or each name what is counted and end with the count ("Here are figures for foreign military deaths in
    Afghanistan ...:" over "United States 1,974", "Britain 414", "TOTAL 3,007"): at least three such lines in a row,
    the casualty word in one of the two lines before; each line's count takes its kind (its years and places stay
    words and years; a label before the count says whose it is)."""
    by_start, starts = _index(readings)
    lines = [(pos + len(line) - len(line.lstrip()), line.strip()) for pos, line in _text_lines(text) if line.strip()]

    def row_count(k: int) -> tuple[NumberReading, str] | None:
        start, line = lines[k]
        if len(line.split()) > _MAX_LIST_ROW_WORDS or _CUE_RE.search(line):
            return None
        label, at, until = "", start, start + 1  # where the count starts: the line's start, or in the cell after its label
        if not _COUNT_FIRST.match(line):
            last = _COUNT_LAST.match(line)
            if last is None:
                return None
            label, at, until = last.group("label"), start + last.start("n"), start + last.end("n")
        i = bisect_left(starts, at)
        r = by_start[i] if i < len(by_start) and by_start[i].num_start < until else None
        ok = r is not None and r.verdict != "figure" and not r.years and not _KEEP_IN_TABLES.match(r.verdict) and not r.currency
        return (r, label) if ok else None

    k = 0
    while k < len(lines):
        run = []
        while k + len(run) < len(lines) and (row := row_count(k + len(run))) is not None and (not run or bool(row[1]) == bool(run[0][1])):
            run.append(row)
        if len(run) >= _MIN_LIST_ROWS:
            cue, lead = next(((m.lastgroup, line[max(0, m.start() - 40) : m.start()]) for _, line in lines[max(0, k - 2) : k]
                              for m in _CUE_RE.finditer(line) if m.lastgroup != "cost"), ("", ""))
            group = _generic_group(lead, cue)  # the population the lead names before its casualty word ("foreign military deaths")
            for r, label in run if cue else ():
                _as_figure(text, r, cue, *((label, "list label") if label and not _TOTAL_LABEL.fullmatch(label) else ()))
                if group not in ("people", "refugees"):
                    r.group = group
        k += max(1, len(run))


def _unit_cells(text: str, by_start: list[NumberReading], starts: list[int], a: int, b: int, unit: tuple[str, float], war: bool) -> None:
    """The amounts in a row of a table whose unit is written above it: "14.7" under "In billions of budgeted dollars" is
    $14.7 billion, a war's cost when the text names a war (else money of no war). Years and identifiers stay as they are."""
    currency, scale = unit
    for r in _within(by_start, starts, a, b):
        if _KEEP_IN_TABLES.match(r.verdict) or r.years or (r.currency and r.currency != currency):
            continue
        if r.scale == 1 and scale != 1:
            r.low, r.high, r.scale = r.low * scale, r.high * scale, scale
        r.currency = currency
        if war:
            _cell(text, r, "cost")
        else:
            r.verdict, r.kind = "money not war cost (a table of amounts, no war named)", ""


def _column_names(line: str) -> str:
    """The kind of a line of single-spaced column names with one casualty column, else "".

    "Event Period Deaths (Estimates) Primary Cause", "Date Name Deaths Location Description": three to eight words,
    each capitalised or in brackets, one kind named once (a title such as "Quick Reference: Death Tolls" has a colon).
    """
    words = line.split()
    if not 3 <= len(words) <= _MAX_HEADING_WORDS or not all(w[0].isupper() or w[0] == "(" for w in words) or ":" in line:
        return ""
    kinds = [m.lastgroup for m in _CUE_RE.finditer(line)]
    return kinds[0] if len(kinds) == 1 and kinds[0] != "cost" else ""


#: Words of a row label standing alone on its line inside a table with a unit ("Resource Costs", "Total inc. debt relief").
_MAX_LABEL_WORDS = 10
#: The first column names of a table whose rows open with a date ("Date Name Deaths Location Description").
_DATE_COLUMNS = frozenset("date dates year years period when".split())


def _first_count(text: str, by_start: list[NumberReading], starts: list[int], a: int, b: int, kind: str, *, dated: bool = False) -> None:
    """The first count of a row under single-spaced column names is in the casualty column: it takes its kind.

    Labels come first and are words ("Holocaust 1941-1945 5-6 million Jews ...": the years are kept as years); the
    words after the count describe it, so later numbers of the row are left to their sentences. Under a header whose
    first column is a date (``dated``), the number opening the row is its date ("787 Mass slaughter of ...")."""
    for r in _within(by_start, starts, a, b):
        if dated and r.num_start == a:
            if not _KEEP_IN_TABLES.match(r.verdict):
                r.verdict, r.kind = "year", ""
            continue
        if not (_KEEP_IN_TABLES.match(r.verdict) or r.currency):
            _cell(text, r, kind)
            return


def _row_items(line: str) -> list[tuple[int, int]]:
    """The data cells at the end of a plain-text table row (offsets in the line), read from the right."""
    found = list(_ROW_ITEM.finditer(line))
    items: list[tuple[int, int]] = []
    end = len(line.rstrip())
    for m in reversed(found):
        if line[m.end():end].strip():
            break
        items.append((m.start(), m.end()))
        end = m.start()
    return items[::-1]


def _table_cell(text: str, by_start: list[NumberReading], starts: list[int], a: int, b: int, kind: str, who: str, *,
                column: bool = False) -> None:
    """Give the numbers in text[a:b] the kind of their column (or make a total column's numbers traps).

    ``column``: the cell is under a header of columns, which knows better than the words of the run-on "sentence"
    a row is read in; under a heading only numbers no sentence rule made a figure are changed."""
    for r in _within(by_start, starts, a, b):
        _cell(text, r, kind, who, column=column)


def _cell(text: str, r: NumberReading, kind: str, who: str = "", *, column: bool = True) -> None:
    """One number of a table cell (:func:`_table_cell`)."""
    if (r.verdict == "figure" and not column) or _KEEP_IN_TABLES.match(r.verdict):
        return
    if kind == "total":
        r.verdict, r.kind, r.who, r.group = "other (a table's total column)", "", "", ""
    elif kind and (kind == "cost") == bool(r.currency):
        _as_figure(text, r, kind, who, "table heading" if who else "")


def _index(readings: Iterable[NumberReading]) -> tuple[list[NumberReading], list[int]]:
    """The readings in text order and their starts, for :func:`_within`."""
    by_start = sorted(readings, key=lambda r: r.num_start)
    return by_start, [r.num_start for r in by_start]


def _within(by_start: list[NumberReading], starts: list[int], a: int, b: int) -> Iterable[NumberReading]:
    """The readings starting in text[a:b] (``by_start``, ``starts``: :func:`_index`)."""
    for r in by_start[bisect_left(starts, a):]:
        if r.num_start >= b:
            break
        yield r


def _text_lines(text: str) -> list[tuple[int, str]]:
    """Each line of ``text`` with its offset."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    return lines


def _as_figure(text: str, r: NumberReading, kind: str, who: str = "", who_basis: str = "") -> None:
    """Make ``r`` a figure of ``kind`` decided outside its sentence's rules (a table, a label), with its sentence's
    conflict, period and group."""
    line = text[r.sent_start : r.sent_end]
    r.kind, r.who, r.who_basis = kind, who, who_basis
    r.conflict, r.period = _conflict(line, ""), _period(line)
    r.group = _group(kind, who, r.conflict, line, line, currency=r.currency)
    r.verdict = "figure"


_READINGS: TextMemo[tuple[NumberReading, ...]] = TextMemo(_read_numbers, max_chars=32_000_000)


def _judge_sentence(phrases: list[NumberReading], sentence: str, s0: int, previous: str, following: str) -> None:
    spans = []
    preds: dict[int, _Predicate] = {}

    def predicate(i: int, hb: int, money: bool) -> _Predicate:
        if i not in preds:
            preds[i] = _predicate(sentence, hb, money)
        return preds[i]

    for i, r in enumerate(phrases):
        a, b = r.num_start - s0, r.num_end - s0
        ha, hb = _hedges(r, sentence, a, b)
        spans.append((a, hb, ha))  # the number with its hedges: "at least 300 or more"
        r.verdict = shape_verdict(r) or _trap_reason(r, sentence, a, b, lambda i=i, hb=hb, m=bool(r.currency): predicate(i, hb, m))
        if not r.verdict and r.value_text.lower() in ("a", "an") and _WITHIN_COUNT.search(sentence, max(0, ha - 30), ha):
            r.verdict = "other (one person within another figure's count: 'including a child')"
    for i in range(len(phrases) - 1):  # "Tracy Riddle 4 7,097": numbers side by side are columns of a listing
        # ... but not a date before a headline ("7 November 2016 Four people killed")
        if not sentence[spans[i][1] : phrases[i + 1].num_start - s0].strip() and not _DATED.match(phrases[i].verdict):
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
    first_group = ""  # the group of the sentence's first figure with a population
    for n, i in enumerate(candidates):
        r = phrases[i]
        a, b, ha = spans[i]
        lo = spans[candidates[n - 1]][1] if n > 0 else 0
        hi = spans[candidates[n + 1]][2] if n + 1 < len(candidates) else len(sentence)
        money = bool(r.currency)
        bare_big = not money and r.scale >= 1e9 and not _NP_AFTER.match(sentence[b:])
        kinds = ("cost",) if money else ("deaths", "wounded", "displaced") + (("cost",) if bare_big else ())
        pred = predicate(i, b, money)
        label = _LABEL_BEFORE.search(sentence, max(0, ha - 60), ha) if sentence[max(0, ha - 3) : ha].rstrip().endswith(":") else None
        toll = (_COST_IS if money else _TOLL_IS).search(sentence, max(0, ha - 160), ha)
        if label and label.lastgroup in kinds:
            found = (label.lastgroup, label.start())  # "Number of U.S. troop casualties: 4,484", "Killed: 45"
        elif toll:
            found = ("cost" if money else "deaths", toll.start())
        elif pred.kind in kinds and not (pred.crossed and (_OBJECT_OF_HARM.search(sentence[max(0, ha - 40) : ha])
                                                         or _LOST_BEFORE.search(sentence[max(0, ha - 20) : ha]))):
            found = (pred.kind, pred.cue_pos)  # ... unless the number is the object of a verb before it: "lost 59 soldiers and 776 ..."
        else:
            found = _nearest_cue(cues, ha, b, lo, hi, kinds, sentence)
            if (found and found[1] is not None and found[1] < ha and pred.aux and pred.stop_pos is not None
                    and _CLAUSE_JOIN.search(sentence, found[1], ha)):
                # "4.5 million people have been displaced and 21.6 million are in dire need": a number with a verb of
                # its own does not take the casualty word of the clause before it, only one after it ("and 3.2 million
                # remain internally displaced")
                found = _nearest_cue(cues, ha, b, b, hi, kinds, sentence)
            if found is None and money and _WAR_PURPOSE_RE.search(sentence, b, min(len(sentence), b + 80)):
                found = ("cost", None)  # "$686 billion (43%) for Operation Enduring Freedom"
            if found is None and money and _LOSSES_NEAR.search(sentence[max(0, ha - 40) : min(len(sentence), b + 40)]) and (
                    _WAR_WORD_RE.search(sentence)):
                found = ("cost", None)  # "the conflict has caused economic losses of $5 billion"
            arrest = _nearest_arrest(sentence, ha, b, lo, hi)
            if not money and arrest is not None and (found is None or arrest < _cue_gap(sentence, found[1], ha, b)):
                r.verdict = "arrests (arrested, detained, kidnapped, missing: other counts of people)"
                continue
        if (found and (r.value_text.lower() in ("a", "an") or _PAIR_TEXT.match(r.value_text)) and not (pred.kind == found[0] and pred.cue_pos == found[1])
                and not _OBJECT_OF_HARM.search(sentence, max(0, ha - 60), ha) and not _LIVES_OF.search(sentence, max(0, ha - 30), ha)):
            found = None  # an article is a count of one only when its own predicate or the verb before it is a casualty word
        if (last_kind and found and found[1] is not None and found[1] > b and "," in sentence[b : found[1]]
                and _INCLUDING_BEFORE.search(sentence, max(0, ha - 30), ha)):
            found = (last_kind, None)  # "killed 20 people, including 12 children, and wounded 40": the 12 are of the 20
        kind = found[0] if found else ""
        cue_pos = found[1] if found else None
        if not kind and n > 0 and last_kind and _continues(sentence, spans[candidates[n - 1]][1], ha, b, r, phrases[candidates[n - 1]], pred):
            kind = last_kind
        if not kind and not money and _TREATED_BEFORE.search(sentence[max(0, ha - 40) : ha]) and (
                _NP_AFTER.match(sentence[b:]) or _VICTIMS_AFTER.match(sentence, b)) and (
                sentence[max(0, ha - 40) : ha].lower().rstrip().endswith(("treated", "treating")) or _MEDICAL_RE.search(sentence)):
            kind = "wounded"  # "doctors treated 35 people", "his hospital received three victims": the hurt, alive
        if not kind and not money and _LOST_BEFORE.search(sentence[max(0, ha - 20) : ha]) and _NP_AFTER.match(sentence[b:]):
            kind = "deaths"  # "lost 6,000 men"
        if not kind and bare_big and once("cost_after", lambda: any(m.lastgroup == "cost" for m in _CUE_RE.finditer(following))):
            kind = "cost"
        if not kind:
            if money:
                r.verdict = _NO_COST_WORD
            elif once("deployment", lambda: bool(_DEPLOYMENT.search(sentence))):
                r.verdict = "people counted without a casualty word (deployment or strength)"
            else:
                r.verdict = "no casualty, displacement or cost word next to it"
            continue
        last_kind = kind
        own = pred.kind == kind and pred.cue_pos is not None and pred.cue_pos > b and (pred.aux or not pred.np_empty or pred.verb)
        who = _who(sentence, ha, b, lo, kind, cue_pos, own_only=own)
        who_basis = "stated" if who else ""
        if not who and kind != "cost" and not sentence[:ha].strip(" \"'“‘") and previous:
            nps = list(_NP_RE.finditer(previous))
            if nps:
                who, who_basis = _clean_np(nps[-1].group(0)), "previous sentence"
        if context is None:
            context = (_conflict(sentence, previous), _period(sentence))
        if not who and r.trend == "to" and n > 0 and phrases[candidates[n - 1]].verdict == "figure":
            who, who_basis = phrases[candidates[n - 1]].who, phrases[candidates[n - 1]].who_basis
        r.kind, r.who, r.who_basis = kind, who, who_basis
        r.conflict, r.period = context
        if r.trend:
            r.period = _trend_date(sentence, a, b) or r.period
        r.group = _group(kind, who, r.conflict, sentence[lo:hi], sentence, inherited=first_group if kind != "cost" else "",
                         currency=r.currency)
        if not who and kind == "displaced" and cue_pos is not None and cue_pos > b and _REFUGEE_NOUN.match(sentence, cue_pos):
            r.group = "refugees"  # "184,000 IDPs", "2 million refugees": the casualty noun names them
        if who and not first_group and kind != "cost":
            first_group = r.group
        r.verdict = "figure"


_TREND_DATE_AFTER = re.compile(r"\s*,?\s*(?:in|by|as\s+of|at\s+the\s+end\s+of|during)\s+(?P<d>(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)\b")
_TREND_DATE_BEFORE = re.compile(r"\b(?:in|by|as\s+of)\s+(?P<d>(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)\s*,?\s+(?:\w+\s+){0,3}$")


def _continues(sentence: str, prev_end: int, ha: int, b: int, r: NumberReading, prev: NumberReading, pred: _Predicate) -> bool:
    """Whether a number with no casualty word of its own counts what the figure before it counts (its kind).

    ``prev_end``: where the figure before ends; [ha, b): this number with its hedge; ``pred``: its predicate.
    """
    between = sentence[prev_end:ha]
    return bool(
        _INHERIT_LEFT.match(between)  # "... of which at least 335,000 were civilians"
        # "15 children and four teachers"; past three words only an elliptical one ("displaced 4 million people inside the
        # country and 6.8 million people into neighbouring countries", not "... and 21.6 million are in need")
        or (_INHERIT_AND.match(between) and (not pred.aux or len(between.split()) <= 4))
        or (r.qualifier and _INHERIT_REACH.match(between))  # "nears 2,000 and is likely to top 2,500"
        or _INHERIT_RISING.match(between)  # "$1,292bn-$2,039bn, rising to $1,754bn-$2,655bn"
        # "rose from 1,778 in 2005 to 3,149 in 2006", "63, up from 41": one end counts what the other does
        or (r.trend, prev.trend) in (("to", "from"), ("from", "to"))
        or _INHERIT_TOTAL.search(sentence, max(0, ha - 60), ha)  # "bringing the total there to 7,200"
        # "26 people in Bihar and 10 in neighbouring West Bengal": the same count elsewhere
        or (sentence[max(0, ha - 5) : ha].rstrip().endswith("and") and _IN_PLACE_AFTER.match(sentence, b))
        or (r.currency and between.strip() == "(")  # "A$30 billion ($36 billion)": the same amount converted
        or (r.currency and prev.currency and _AND_BETWEEN.fullmatch(between))  # "cost £1.5bn and £1.1bn respectively"
        or _OF_THEM_AFTER.match(sentence, b)  # "killed 20 people, 12 of them children": a part of the figure before
    )


def _trend_date(sentence: str, a: int, b: int) -> str:
    """The date of one end of a trend ("from 1,778 in 2005 to 3,149 in 2006"): the year written next to the number."""
    m = _TREND_DATE_AFTER.match(sentence, b)
    if m:
        return m.group("d")
    m = _TREND_DATE_BEFORE.search(sentence[max(0, a - 60) : a])
    return m.group("d") if m else ""


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
