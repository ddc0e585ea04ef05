"""The number-phrase parser over tokens (issue #16, item 1): value, bounds, hedge and shape of every form of number.

Sentences come from the seeds, from the odd-numbered (development) texts of
``../shared/corpora/news-figures-dev`` read in place (skipped when absent; the
even-numbered texts are the evaluation part and are never read here), and short
sentences in the phrasings the issue lists from real articles. Each case says
what the reading of one number phrase must be: its text, ``low``/``high`` (NaN for
an open bound), the hedge as written, its ``shape`` (count, share or rate) and,
for changes over time, its ``trend`` end.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from presslens.figures import read_numbers
from presslens.figures.numbers import _parse, number_bounds, parse_number
from presslens.figures.readings import NumberReading
from presslens.figures.tokens import tokens
from presslens.text import clear_memos

ROOT = Path(__file__).resolve().parents[1]
DEV = next((p / "shared" / "corpora" / "news-figures-dev" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()),
           ROOT.parent / "shared" / "corpora" / "news-figures-dev")
NAN = math.nan


def _reading(sentence: str, value_text: str) -> NumberReading:
    found = [r for r in read_numbers(sentence) if r.value_text == value_text]
    assert len(found) == 1, [(r.value_text, r.shape) for r in read_numbers(sentence)]
    return found[0]


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (not math.isnan(a) and not math.isnan(b) and math.isclose(a, b))


def _check(r: NumberReading, low: float, high: float, qualifier: str, shape: str, trend: str = "") -> None:
    got = (r.low, r.high, r.qualifier, r.shape, r.trend)
    assert _same(r.low, low) and _same(r.high, high), got
    assert (r.qualifier, r.shape, r.trend) == (qualifier, shape, trend), got


# (sentence, number as read, low, high, qualifier, shape): the phrasings, one class per block
PHRASES = [
    # digits with every separator habit
    ("Some 300,000 Iraqis have died.", "300,000", 300_000, 300_000, "Some", "count"),
    ("The war has killed 4, 500 people.", "4, 500", 4_500, 4_500, "", "count"),
    ("More than 32, 000 plus were injured.", "32, 000", 32_000, NAN, "More than … plus", "count"),
    ("Number of U.S. troop casualties: 4.484", "4.484", 4_484, 4_484, "", "count"),
    ("Syrias war has left more than 320000 people dead.", "320000", 320_000, NAN, "more than", "count"),
    ("Roughly 1 000 people were killed.", "1 000", 1_000, 1_000, "Roughly", "count"),
    ("The investigation concluded that 1 071 000 people had died.", "1 071 000", 1_071_000, 1_071_000, "", "count"),
    ("About 12 500 000 people fled.", "12 500 000", 12_500_000, 12_500_000, "About", "count"),
    # words and mixed forms
    ("Eight thousand one hundred and seventy five American soldiers have died.", "Eight thousand one hundred and seventy five", 8_175, 8_175, "", "count"),
    ("Estimates start at 80 thousand deaths.", "80 thousand", 80_000, 80_000, "", "count"),
    ("The wars have cost an estimated $6.4 trillion.", "$6.4 trillion", 6.4e12, 6.4e12, "an estimated", "count"),
    ("The 13 billion dollars spent on the war was wasted.", "13 billion dollars", 13e9, 13e9, "", "count"),
    ("Twenty-two people died.", "Twenty-two", 22, 22, "", "count"),
    ("Two dozen people were wounded.", "Two dozen", 24, 24, "", "count"),
    ("In the same context a woman was killed and 35 others were injured.", "a", 1, 1, "", "count"),
    ("A rocket hit the house, injuring one person.", "one", 1, 1, "", "count"),
    ("Shelling killed a 10-year-old girl.", "a", 1, 1, "", "count"),
    ("Two people were killed and another one was injured.", "one", 1, 1, "", "count"),
    # abbreviations
    ("More than 1.2m people have fled their homes.", "1.2m", 1.2e6, NAN, "More than", "count"),
    ("The war has cost $80bn so far.", "$80bn", 80e9, 80e9, "", "count"),
    ("Britain spent £3.5bn on the war.", "£3.5bn", 3.5e9, 3.5e9, "", "count"),
    ("About 4.5 mn people were displaced.", "4.5 mn", 4.5e6, 4.5e6, "About", "count"),
    ("The damage is put at $2tn.", "$2tn", 2e12, 2e12, "", "count"),
    ("Some 10k refugees crossed the border.", "10k", 10_000, 10_000, "Some", "count"),
    # multiples and fractions
    ("The war killed half a million of its citizens.", "half a million", 500_000, 500_000, "", "count"),
    ("A quarter of a million people were wounded.", "A quarter of a million", 250_000, 250_000, "", "count"),
    ("One and a half million refugees fled to Jordan.", "One and a half million", 1.5e6, 1.5e6, "", "count"),
    ("Half a dozen soldiers were killed.", "Half a dozen", 6, 6, "", "count"),
    ("A hundred thousand people fled.", "A hundred thousand", 100_000, 100_000, "", "count"),
    ("A dozen were killed.", "A dozen", 12, 12, "", "count"),
    ("Some 1,00,000 people were displaced.", "1,00,000", 100_000, 100_000, "Some", "count"),
    ("Over 5 lakh refugees fled.", "5 lakh", 500_000, NAN, "Over", "count"),
    # vague magnitudes as ranges
    ("Tens of thousands of innocent men, women and children died.", "Tens of thousands", 20_000, 100_000, "", "count"),
    ("Hundreds of people have been killed in attacks.", "Hundreds", 200, 1_000, "", "count"),
    ("Dozens of people were wounded.", "Dozens", 24, 120, "", "count"),
    ("Scores of people were killed.", "Scores", 40, 200, "", "count"),
    ("Thousands fled the city.", "Thousands", 2_000, 10_000, "", "count"),
    ("Several hundred UK citizens may need to be evacuated.", "Several hundred", 300, 1_000, "", "count"),
    # ranges in every phrasing
    ("Estimates range from 80 thousand to almost 600 thousand deaths.", "80 thousand to almost 600 thousand", 80_000, 600_000, "almost", "count"),
    ("Between 1.1 and 1.5 million people were murdered.", "1.1 and 1.5 million", 1.1e6, 1.5e6, "", "count"),
    ("A company of 100-120 UK troops is on standby.", "100-120", 100, 120, "", "count"),
    ("It killed two or three people.", "two or three", 2, 3, "", "count"),
    ("The war cost $50-60 billion.", "$50-60 billion", 50e9, 60e9, "", "count"),
    ("Between 2 to 3 million people fled.", "2 to 3 million", 2e6, 3e6, "", "count"),
    ("No lower than 425,000 and no higher than 793,000 Iraqis died.", "425,000 and no higher than 793,000", 425_000, 793_000, "No lower than … no higher than", "count"),
    ("Deaths ranging from 43,937 to 48,783 were recorded.", "43,937 to 48,783", 43_937, 48_783, "", "count"),
    # hedges before or after: open bounds
    ("The death toll nears 2,000.", "2,000", NAN, 2_000, "nears", "count"),
    ("The death toll is likely to top 2,000 by Friday.", "2,000", 2_000, NAN, "is likely to top", "count"),
    ("A maximum of 17,000 people were killed.", "17,000", NAN, 17_000, "A maximum of", "count"),
    ("Nearly 2,000 people died.", "2,000", NAN, 2_000, "Nearly", "count"),
    ("At least 545 people have been killed.", "545", 545, NAN, "At least", "count"),
    ("Up to 300 people died.", "300", NAN, 300, "Up to", "count"),
    ("Over 500 civilians were killed in one week.", "500", 500, NAN, "Over", "count"),
    ("Militants reportedly killed 40 people.", "40", 40, 40, "reportedly", "count"),
    ("Around 300 people died.", "300", 300, 300, "Around", "count"),
    ("Almost 70 children were among those killed.", "70", NAN, 70, "Almost", "count"),
    ("The toll has topped 300.", "300", 300, NAN, "topped", "count"),
    ("Some 2,000 or more were killed.", "2,000", 2_000, NAN, "Some … or more", "count"),
    ("Families of 500 and upwards fled.", "500", 500, NAN, "and upwards", "count"),
    ("We have 300 or so killed.", "300", 300, 300, "or so", "count"),
    # one-letter scales in ranges and open bounds, a sign glued after a scale or digits
    ("Some 600K-1.5 million people died.", "600K-1.5 million", 600_000, 1_500_000, "Some", "count"),
    ("Between 100K-400K people were killed.", "100K-400K", 100_000, 400_000, "", "count"),
    ("The Holocaust killed 11M+ people.", "11M", 11_000_000, NAN, "+", "count"),
    ("Some 42,000+ people died.", "42,000", 42_000, NAN, "Some … +", "count"),
    ("The war cost $295bn-$415bn.", "$295bn-$415bn", 295e9, 415e9, "", "count"),
    # the thousands written once for both ends of a range; a fiscal year's two digits
    ("The Hama massacre left 10-80,000 dead.", "10-80,000", 10_000, 80_000, "", "count"),
    ("Between 100-1,000 people died.", "100-1,000", 100, 1_000, "", "count"),
    ("It was spent in 2011-12 on the war.", "2011-12", 2011, 2012, "", "count"),
    # "estimate" written with the number is its qualifier (before it with "of", or after it)
    ("The number was up from the previous estimate of 2.5 million.", "2.5 million", 2_500_000, 2_500_000, "estimate", "count"),
    ("A $3 trillion dollar estimate is the total cost of the war.", "$3 trillion", 3e12, 3e12, "estimate", "count"),
    ("Guatemala: 30,000 (1983 estimate) dead.", "30,000", 30_000, 30_000, "estimate", "count"),
    ("The top 10 commanders were killed.", "10", 10, 10, "", "count"),  # "top" is no hedge here
    # rates and shares, recognised as such and never counts
    ("The death rate rose to 5.5 deaths per 1,000 people.", "5.5", 5.5, 5.5, "", "rate"),
    ("The death rate rose to 5.5 deaths per 1,000 people.", "1,000", 1_000, 1_000, "", "rate"),
    ("One in 40 Iraqis has been killed.", "One in 40", 1 / 40, 1 / 40, "", "share"),
    ("One out of every six Iraqis has fled.", "One out of every six", 1 / 6, 1 / 6, "", "share"),
    ("There was a 9-percent rise in violent deaths.", "9", 9, 9, "", "share"),
    ("The Pentagon got $686 billion (43%) of the money.", "43", 43, 43, "", "share"),
    ("Asylum applications were down 40 per cent.", "40", 40, 40, "", "share"),
    ("Two-thirds of the dead were civilians.", "Two-thirds", 2 / 3, 2 / 3, "", "share"),
    ("A third of the population was displaced.", "A third", 1 / 3, 1 / 3, "", "share"),
    ("He was paid $3,000 per month.", "$3,000", 3_000, 3_000, "", "rate"),
    ("Unemployment rose to 9pc.", "9", 9, 9, "", "share"),
    ("Three-quarters of the dead were civilians.", "Three-quarters", 0.75, 0.75, "", "share"),
    ("Young people are hard hit with 37% out of work, compared with 14% four years ago.", "37", 37, 37, "", "share"),
    # an amount joined by "and" to one of its currency with a scale word takes that scale; a cell written ".1"
    ("UK has spent £8.22 and £9.9 billion respectively on the two missions.", "£8.22", 8.22e9, 8.22e9, "", "count"),
    ("UK has spent £8.22 and £9.9 billion respectively on the two missions.", "£9.9 billion", 9.9e9, 9.9e9, "", "count"),
    ("Enhanced security | $13.0 | 0.5 | .1 | .3 | 48.1 |", ".1", 0.1, 0.1, "", "count"),
    # a tilde glued before a number in a list or table: about
    ("9 AD Teutoburg Massacre ~30,000 Teutoburg Forest, Germany", "30,000", 30_000, 30_000, "~", "count"),
    # a count and its share are two phrases, not one range
    ("About 11.2 million or 78% of the transfer took place in the west.", "11.2 million", 11.2e6, 11.2e6, "About", "count"),
    ("About 11.2 million or 78% of the transfer took place in the west.", "78", 78, 78, "", "share"),
    ("Nearly 1 million 800 thousand people are internally displaced.", "1 million 800 thousand", NAN, 1_800_000, "Nearly", "count"),
]


@pytest.mark.parametrize("sentence, value_text, low, high, qualifier, shape", PHRASES)
def test_each_form_of_number_phrase_is_read_with_its_bounds_hedge_and_shape(sentence, value_text, low, high, qualifier, shape):
    _check(_reading(sentence, value_text), low, high, qualifier, shape)


@pytest.mark.parametrize(
    "sentence, first, second",
    [
        ("The number of refugees rose from 1,778 to 3,149 last year.", "1,778", "3,149"),
        ("Attacks on aid workers increased from 1,778 in 2005 to 3,149 in 2006.", "1,778", "3,149"),
        ("US deaths fell sharply from 126 to 44 in a year.", "126", "44"),
        ("The toll reached 3,149, up from 1,778 a year earlier.", "1,778", "3,149"),
    ],
)
def test_a_change_over_time_is_two_readings_with_a_trend_marker_not_one_range(sentence, first, second):
    a, b = _reading(sentence, first), _reading(sentence, second)
    assert (a.trend, b.trend) == ("from", "to")
    assert not a.is_range and not b.is_range and a.low == a.high and b.low == b.high


def test_a_range_of_estimates_is_no_trend():
    r = _reading("Estimates range from 80 thousand to almost 600 thousand deaths.", "80 thousand to almost 600 thousand")
    assert r.is_range and r.trend == ""


@pytest.mark.parametrize(
    "sentence, value_text, verdict",
    [
        ("The death rate rose to 5.5 deaths per 1,000 people.", "5.5", "rate: per 1,000…"),
        ("One in 40 Iraqis has been killed.", "One in 40", "share: One in 40"),
        ("One out of every six Iraqis has been killed.", "One out of every six", "share: One out of every six"),
        ("There was a 9-percent rise in violent deaths.", "9", "percentage"),
        ("Two-thirds of the 3,000 dead were civilians.", "Two-thirds", "share: fraction of a whole"),
        # years, dates, times, ages and identifiers keep being recognised
        ("In 2003, 4 people were killed.", "2003", "year"),
        ("In 2003, 4 people were killed.", "4", "figure"),  # no "2003, 4" thousands: a year is no group of three
        ("Published 06-06-2016 3 civilians killed.", "3", "figure"),  # a date written with dashes is no range
        ("The blast on 12 March killed 250 people.", "12", "date or time"),
        ("A 10-year-old girl was killed.", "10", "duration"),
        ("Under Article 51 the strikes were legal.", "51", "identifier"),
        ("The two countries had in fact gone to war in 1980-1988.", "1980-1988", "year range"),
        ("He was put on trial for abuses under his 1973-90 rule.", "1973-90", "year range"),
    ],
)
def test_shares_rates_years_dates_ages_and_identifiers_are_never_figures(sentence, value_text, verdict):
    assert _reading(sentence, value_text).verdict == verdict


@pytest.mark.parametrize(
    "sentence, absent",
    [
        ("The 9/11 attacks killed nearly 3,000 people.", {"9", "11"}),
        ("The meeting started at 10:30 and ended late.", {"10", "30"}),
        ("He won the 100m race in the 1990s.", {"100", "100m", "1990"}),
        ("F-16 jets struck the town.", {"16"}),
        ("It was the third claim of a chemical attack in its eastern half.", {"third", "half"}),
        ("It was one of the worst attacks, a tragedy for a nation.", {"one", "a"}),
    ],
)
def test_numbers_inside_other_tokens_are_not_read(sentence, absent):
    assert not absent & {r.value_text for r in read_numbers(sentence)}


def test_a_table_row_of_three_digit_columns_stays_three_numbers():
    # killed, wounded, total: columns of a table copied as text, not 382,467,849
    assert [r.value_text for r in read_numbers("Gulf War 382 467 849")] == ["382", "467", "849"]
    assert [r.value_text for r in read_numbers("Totals: 5, 100, 7")] == ["5", "100", "7"]
    # a day after its month is no first group: not 5,100 deaths
    assert "5 100" not in {r.value_text for r in read_numbers("On May 5 100 people died.")}
    assert [r.value_text for r in read_numbers("Some 5 100 people died.")] == ["5 100"]


def test_the_tokens_keep_offsets_and_whether_a_space_comes_before():
    sentence = "Some $80bn, 4, 500 and 1.2m."
    toks = tokens(sentence)
    assert all(sentence[t.start : t.end] == t.text for t in toks)
    assert [(t.text, t.space) for t in toks[:4]] == [("Some", True), ("$", True), ("80", False), ("bn", False)]


def test_number_bounds_and_parse_number_read_the_new_forms():
    assert parse_number("$80bn") == 80e9 and parse_number("4, 500") == 4_500 and parse_number("a quarter of a million") == 250_000
    assert number_bounds("no lower than 425,000 and no higher than 793,000") == (425_000, 793_000)
    assert number_bounds("several hundred") == (300, 1_000)
    with pytest.raises(ValueError, match="not a number phrase"):
        number_bounds("one")


# --- the development texts, read in place (odd numbers only) -----------------------------------------------------------

DEV_PHRASES = [
    # (file, the sentence's start, number as read, low, high, qualifier, shape)
    ("03_bbc_straw_to_attend_auschwitz_service.txt", "Between 1.1 and 1.5 million", "1.1 and 1.5 million", 1.1e6, 1.5e6, "", "count"),
    ("03_bbc_straw_to_attend_auschwitz_service.txt", "Altogether, some six million", "six million", 6e6, 6e6, "some", "count"),
    ("07_bbc_bank_payout_to_pinochet_victims.txt", "A US bank has said", "$8m", 8e6, NAN, "more than", "count"),
    ("09_bbc_uk_troops_on_ivory_coast_standby.txt", "A company of", "100-120", 100, 120, "", "count"),
    ("13_bbc_palestinian_economy_in_decline.txt", "Unemployment stood at", "25", 25, 25, "", "share"),
    ("13_bbc_palestinian_economy_in_decline.txt", "Nearly half of all Palestinians", "half", NAN, 0.5, "Nearly", "share"),
    ("15_bbc_howard_unveils_tory_asylum_plans.txt", "He said that only two out of 10", "two out of 10", 0.2, 0.2, "", "share"),
    ("21_dailysabah_20_people_killed_30_others_injured_in_daesh_car.txt", "Daesh controls roughly", "one quarter", 0.25, 0.25, "roughly", "share"),
    ("37_sputnik_russian_jets_destroy_daesh_training_center_take.txt", "The ongoing war in Syria", "220000", 220_000, 220_000, "an estimated", "count"),
    ("37_sputnik_russian_jets_destroy_daesh_training_center_take.txt", "The ongoing war in Syria", "12 million", 12e6, 12e6, "approximately", "count"),
    ("39_etilaf_over_500_civilians_killed_in_one_week_in.txt", "The directorate said in a statement", "300 000", 300_000, 300_000, "around", "count"),
]


@pytest.mark.parametrize("file, opening, value_text, low, high, qualifier, shape", DEV_PHRASES)
def test_development_texts_read_in_place(file, opening, value_text, low, high, qualifier, shape):
    path = DEV / file
    assert int(file[:2]) % 2 == 1  # the development part only
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    text = path.read_text(encoding="utf-8")
    found = [r for r in read_numbers(text) if r.value_text == value_text and opening in text[r.sent_start : r.sent_end]]
    if not found and opening not in text:
        pytest.skip(f"{file} no longer has {opening!r}")
    assert len(found) == 1, [(r.value_text, text[r.sent_start : r.sent_start + 60]) for r in read_numbers(text)]
    _check(found[0], low, high, qualifier, shape)


# --- linear in the sentence ----------------------------------------------------------------------------------------------


def test_a_long_sentence_of_mixed_forms_is_read_whole_and_in_order():
    rng = random.Random(16)
    forms = ["4, 500", "1 000", "$80bn", "1.2m people", "half a million", "tens of thousands", "one in 40", "43%", "from 10 to 20"]
    chosen = [rng.choice(forms) for _ in range(600)]
    sentence = " and ".join(f"officials said {f} were hit" for f in chosen)
    clear_memos()
    phrases = _parse(sentence)
    assert [sentence[p.start : p.end] for p in phrases] == [f.replace(" people", "").replace("%", "").removeprefix("from ") for f in chosen]
    assert all(p.shape == ("share" if f in ("one in 40", "43%") else "count") for p, f in zip(phrases, chosen))


def test_any_mix_of_number_pieces_parses_to_phrases_inside_the_sentence():
    """Random mixes of the pieces the parser looks at (glued or spaced) never fail and every phrase slices its sentence."""
    pieces = ("a an one two hundred thousand and half of million tens dozen dozens $ £5 4, 500 1 000 1.2m bn - – to from "
              "between rose in 2005 per cent % every out İstanbul people killed . , ( ) no lower than higher several few "
              "couple third thirds two-thirds 3rd 9/11 10:30 k m lakh 1,00,000 another woman was plus or more up 4.484 "
              "06-06-2016 US$ each quarter scores nearly top likely").split()
    rng = random.Random(1616)
    for _ in range(2_000):
        sentence = "".join(rng.choice(pieces) + (" " if rng.random() < 0.8 else "") for _ in range(rng.randint(1, 25)))
        for r in read_numbers(sentence):
            assert sentence[r.num_start : r.num_end] == r.value_text and r.value_text.strip()


# --- the development gold (tests/data/figures_news/dev.yml, odd-numbered texts only) -------------------------------------

DEV_GOLD = ROOT / "tests" / "data" / "figures_news" / "dev.yml"


def test_the_development_golds_figures_are_read_with_their_bounds_and_hedge():
    """Whatever decides which numbers are figures, the parser must give each gold figure's number its bounds and hedge.

    Every figure of the development gold is looked up among the readings of its text (read in place) by its number as
    written (and its context when given); at least 95% must have a reading with the gold's low, high and qualifier.
    """
    if not DEV_GOLD.is_file() or not DEV.is_dir():
        pytest.skip("the development gold or texts are not here")
    import yaml

    gold = yaml.safe_load(DEV_GOLD.read_text(encoding="utf-8"))
    texts: dict[str, tuple[str, list[NumberReading]]] = {}
    right, wrong = 0, []
    for f in gold["figures"]:
        doc = f["doc"]
        assert int(doc[:2]) % 2 == 1  # the development part only
        if doc not in texts:
            path = DEV / f"{doc}.txt"
            if not path.is_file():
                continue
            text = " ".join(path.read_text(encoding="utf-8").split())
            texts[doc] = (text, read_numbers(text))
        text, readings = texts[doc]
        want = str(f["text"])
        found = [r for r in readings if want in r.value_text]
        if f.get("context"):
            context = " ".join(str(f["context"]).split())
            found = [r for r in found if context in text[r.sent_start : r.sent_end]] or found
        low = NAN if f["low"] is None else float(f["low"])
        high = NAN if f["high"] is None else float(f["high"])
        if any(_same(r.low, low) and _same(r.high, high) and r.qualifier.lower() == str(f.get("qualifier") or "").lower() for r in found):
            right += 1
        else:
            wrong.append((doc[:2], want, [(r.value_text, r.low, r.high, r.qualifier) for r in found][:2]))
    assert right + len(wrong) >= 100, "too few development figures to measure"
    assert right / (right + len(wrong)) >= 0.95, wrong
