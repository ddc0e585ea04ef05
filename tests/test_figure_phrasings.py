"""How real phrasings of casualty, displacement and cost figures are read: kind, bounds and hedge, or why not a figure.

Each case is a sentence in a phrasing met in news text (the classes of issue #16: verbs and nouns of death,
injury and displacement, comparison hedges as open bounds, earlier tolls, rates and shares) and one number in
it. Cases from the development texts of ``../shared/corpora/news-figures-dev`` are read there, in place, by a
few words around the number (skipped when the corpus is absent; only odd-numbered texts, the development part,
are read). ``None`` for a bound is an open bound.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from presslens.figures import read_numbers

ROOT = Path(__file__).resolve().parents[1]
DEV = next((p / "shared" / "corpora" / "news-figures-dev" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()),
           ROOT.parent / "shared" / "corpora" / "news-figures-dev")


def _one(text: str, value_text: str, near: str = ""):
    """The reading of ``value_text`` (the first one at or after ``near``, when given)."""
    at = text.index(near) if near else 0
    found = [r for r in read_numbers(text) if r.value_text == value_text and r.num_start >= at]
    assert found, [(r.value_text, r.verdict) for r in read_numbers(text)]
    return found[0]


def _development(prefix: str) -> str:
    """A development (odd-numbered) text as it is on disk; skips when the corpus is absent."""
    assert int(prefix) % 2 == 1, "only development (odd-numbered) texts are read by tests"
    found = sorted(DEV.glob(f"{prefix}_*.txt")) if DEV.is_dir() else []
    return found[0].read_text(encoding="utf-8") if found else pytest.skip(f"development corpus not found at {DEV}")


def _bound(x: float) -> float | None:
    return None if math.isnan(x) else x


def _check(r, kind, low, high, qualifier):
    assert (r.verdict, r.kind, _bound(r.low), _bound(r.high), r.qualifier) == ("figure", kind, low, high, qualifier)


@pytest.mark.parametrize(
    "sentence, value_text, kind, low, high, qualifier",
    [
        # verbs and nouns of death
        ("Russian jets eliminated 120 terrorists near Deir ez-Zor.", "120", "deaths", 120, 120, ""),
        ("Around 40 Daesh militants were eliminated.", "40", "deaths", 40, 40, "Around"),
        ("The militants beheaded four hostages.", "four", "deaths", 4, 4, ""),
        ("Two more soldiers succumbed to their wounds.", "Two", "deaths", 2, 2, ""),
        ("The Lancet study counted 654,965 excess deaths.", "654,965", "deaths", 654965, 654965, ""),
        ("One Iraqi was killed.", "One", "deaths", 1, 1, ""),
        ("A woman and her daughter were killed in the shelling.", "A woman and her daughter", "deaths", 2, 2, ""),
        # injuries, the people treated
        ("Police said 7 people were hurt in the blast.", "7", "wounded", 7, 7, ""),
        ("Five people suffered minor wounds.", "Five", "wounded", 5, 5, ""),
        ("Doctors treated 35 people for breathing difficulties.", "35", "wounded", 35, 35, ""),
        ("14 were hospitalized after the attack.", "14", "wounded", 14, 14, ""),
        # displacement without "displaced"
        ("About 5,000 people have sought shelter in schools.", "5,000", "displaced", 5000, 5000, "About"),
        ("An exodus of 50,000 people has begun.", "50,000", "displaced", 50000, 50000, ""),
        ("More than 5000 people left Fuaa and Kafraya and about 2200 left Madaya on Friday.", "2200", "displaced", 2200, 2200, "about"),
        ("About 200,000 have crossed the border into Chad.", "200,000", "displaced", 200000, 200000, "About"),
        ("More than 2 million people have crossed into Poland.", "2 million", "displaced", 2000000, None, "More than"),
        # the dead without a verb of death: euphemisms, graves, remains
        ("Four hundred and five thousand would never come home.", "Four hundred and five thousand", "deaths", 405000, 405000, ""),
        ("Police exhumed a mass grave holding 20 men.", "20", "deaths", 20, 20, ""),
        ("They found a mass grave with the remains of at least 45 people.", "45", "deaths", 45, None, "at least"),
        # ... and with one, the subject of an intransitive verb still counts: "reportedly died", "were reported killed"
        ("About 200 people reportedly died.", "200", "deaths", 200, 200, "About"),
        ("Some 300 people were reported killed.", "300", "deaths", 300, 300, "Some"),
        # comparison hedges: open bounds, the hedge written as in the text
        ("Not less than 60 people were killed.", "60", "deaths", 60, None, "Not less than"),
        ("Not fewer than 60 people were killed.", "60", "deaths", 60, None, "Not fewer than"),
        ("North of 500 people were killed.", "500", "deaths", 500, None, "North of"),
        ("As few as 100 people were killed, officials claim.", "100", "deaths", 100, None, "As few as"),
        ("At the very least 70 people were killed.", "70", "deaths", 70, None, "At the very least"),
        ("A little over 300 people were wounded.", "300", "wounded", 300, None, "A little over"),
        ("The toll climbed past 300.", "300", "deaths", 300, None, "climbed past"),
        ("Some 40-odd soldiers were wounded.", "40", "wounded", 40, None, "Some … -odd"),
        ("Well below 50 people were injured.", "50", "wounded", None, 50, "Well below"),
        ("In the region of 2,000 people died.", "2,000", "deaths", 2000, 2000, "In the region of"),
        ("A reported 40 civilians were killed.", "40", "deaths", 40, 40, "A reported"),
        # an earlier toll, a part of the figure before, money lost to a war
        ("The toll stood at 63 on Monday, up from 41 a day earlier.", "41", "deaths", 41, 41, ""),
        ("The toll reached 200, compared with 150 last week.", "150", "deaths", 150, 150, ""),
        ("The attack killed 20 people, 12 of them children.", "12", "deaths", 12, 12, ""),
        ("The conflict has caused economic losses of $5 billion.", "$5 billion", "cost", 5e9, 5e9, ""),
    ],
)
def test_phrasings_read_as_figures(sentence, value_text, kind, low, high, qualifier):
    _check(_one(sentence, value_text), kind, low, high, qualifier)


@pytest.mark.parametrize(
    "sentence, value_text, reason",
    [
        # rates written after the noun phrase or the verb; a day in which it happened is no rate
        ("Violence is killing about 100 civilians a day.", "100", "a rate"),
        ("Some 50 people are killed every week in the city.", "50", "a rate"),
        ("Nearly 1,000 people died each month.", "1,000", "a rate"),
        ("Nine in 10 victims were civilians.", "Nine in 10", "share"),
        # the dead and the hurt in one count
        ("A suicide bomber blew himself up, killing and injuring scores of people.", "scores", "killed and wounded together"),
        ("The clashes left 300 people killed or wounded.", "300", "killed and wounded together"),
        # none, a place's number, hostages alive
        ("Not one American who died over there died for any good reason.", "one", None),
        ("Rocket shells hit al-Mazzeh 86 in al-Mazzeh area, injuring 7 people.", "86", "identifier"),
        ("Four hostages were freed.", "Four", "arrests"),
        ("5,000 US troops left Iraq last year.", "5,000", "people counted without a casualty word"),
    ],
)
def test_phrasings_that_are_not_figures(sentence, value_text, reason):
    found = [r for r in read_numbers(sentence) if r.value_text == value_text]
    if reason is None:  # not read as a number at all
        assert not found, [(r.value_text, r.verdict) for r in found]
        return
    assert found and found[0].verdict.startswith(reason), [(r.value_text, r.verdict) for r in read_numbers(sentence)]


def test_a_day_in_which_it_happened_is_no_rate():
    r = _one("Militants killed 40 people in a day of fighting.", "40")
    _check(r, "deaths", 40, 40, "")


def test_troops_leaving_a_place_are_not_displaced_but_people_are():
    people = _one("More than 5000 people left Fuaa and Kafraya on Friday.", "5000")
    _check(people, "displaced", 5000, None, "More than")
    assert _one("Some 3,000 soldiers left Basra in May.", "3,000").verdict != "figure"


@pytest.mark.parametrize(
    "prefix, near, value_text, kind, low, high",
    [
        ("27", "injuring a fourth", "a", "wounded", 1, 1),
        ("29", "about 2200 left", "2200", "displaced", 2200, 2200),
        ("33", "lives of a man", "a man and his wife", "deaths", 2, 2),
        ("35", "received three victims", "three", "wounded", 3, 3),
        ("37", "taken out seven", "seven", "deaths", 7, 7),
        ("37", "Seven field commanders", "Seven", "deaths", 7, 7),
        ("07", "murder of one Chilean", "one", "deaths", 1, 1),
    ],
)
def test_development_text_phrasings(prefix, near, value_text, kind, low, high):
    r = _one(_development(prefix), value_text, near)
    assert (r.verdict, r.kind, _bound(r.low), _bound(r.high)) == ("figure", kind, low, high)


@pytest.mark.parametrize(
    "prefix, near, value_text, reason",
    [
        ("23", "killing and injuring scores", "scores", "killed and wounded together"),
        ("23", "al-Mazzeh 86", "86", "identifier"),
    ],
)
def test_development_text_non_figures(prefix, near, value_text, reason):
    assert _one(_development(prefix), value_text, near).verdict.startswith(reason)
