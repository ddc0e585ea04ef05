"""Is a number a figure, and of what (issue #16, item 2): predicate, head noun, list labels, tables, traps and groups.

Sentences come from the seeds, from the odd-numbered (development) texts of
``../shared/corpora/news-figures-dev`` read in place (skipped when absent; the
even-numbered texts are the evaluation part and are never read here), and short
sentences in the phrasings the issue lists from real articles. Each case names
one number and what must be decided about it: a figure of some kind counting
some population (``who`` as written, ``group`` normalised), or a trap with the
start of its reason.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from presslens.figures import extract_figures, figures_table, read_numbers
from presslens.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
DEV = next((p / "shared" / "corpora" / "news-figures-dev" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()),
           ROOT.parent / "shared" / "corpora" / "news-figures-dev")
NAN = math.nan


def _reading(text: str, value_text: str, context: str = ""):
    """The one reading of ``value_text`` in ``text`` (inside ``context`` when given)."""
    at = text.index(context) if context else 0
    found = [r for r in read_numbers(text) if r.value_text == value_text and r.num_start >= at
             and (not context or r.num_end <= at + len(context))]
    assert len(found) == 1, [(r.value_text, r.verdict) for r in read_numbers(text)]
    return found[0]


def _dev_text(prefix: str) -> str:
    """An odd-numbered development text, read in place (the test is skipped when the corpus is absent)."""
    assert int(prefix) % 2 == 1, "only development (odd-numbered) texts are read by tests"
    files = sorted(DEV.glob(f"{prefix}_*.txt")) if DEV.is_dir() else []
    if not files:
        pytest.skip(f"development corpus not found at {DEV}")
    return files[0].read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------------------
# The predicate a number attaches to decides its kind
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, value_text, kind, who, group",
    [
        # the number is the subject of its own casualty word, not the object of the word before it
        ("Two civilians were killed and three others were injured in terrorist rocket attacks.", "three", "wounded", "others", "people"),
        ("Two civilians were killed and three others were injured in terrorist rocket attacks.", "Two", "deaths", "civilians", "civilians"),
        ("Activists said that 67 people were killed and dozens more injured in airstrikes on Aleppo.", "dozens", "wounded", "", "people"),
        # the subject's noun phrase may hold a list of counts before its predicate
        ("At least 545 people including 84 children and 35 women have been killed and hundreds more injured.", "545", "deaths", "people", "people"),
        ("At least 545 people including 84 children and 35 women have been killed and hundreds more injured.", "84", "deaths", "children", "children"),
        ("At least 545 people including 84 children and 35 women have been killed and hundreds more injured.", "hundreds", "wounded", "", "people"),
        ("Some 14 people including two children were killed by dozens of shells.", "14", "deaths", "people", "people"),
        # headlines: "N killed M injured"
        ("Fri Apr 29 2016 57 Civilians killed 150 Injured in Continued Terrorist Attacks on Aleppo.", "57", "deaths", "Civilians", "civilians"),
        ("Fri Apr 29 2016 57 Civilians killed 150 Injured in Continued Terrorist Attacks on Aleppo.", "150", "wounded", "", "civilians"),
        # other casualty verbs and nouns
        ("In all, 200 noncombatants died in the raids.", "200", "deaths", "noncombatants", "civilians"),
        ("Villagers buried 45 bodies on Sunday.", "45", "deaths", "", "people"),
        ("Syrian authorities hanged around 13,000 people between 2011 and 2015.", "13,000", "deaths", "people", "people"),
        ("Three children were killed and 14 students were injured in a terrorist rocket attack.", "14", "wounded", "students", "children"),
        ("A second rocket attack hit a house killing three brothers and injuring a fourth.", "three", "deaths", "brothers", "people"),
        ("From about 100,000 violent deaths recorded at Iraq Body Count.", "100,000", "deaths", "", "people"),
        ("The monitoring group put the death toll at 58 saying there were 11 children among the dead.", "58", "deaths", "", "people"),
        ("France lost only a few thousand soldiers in the short time of actual fighting.", "a few thousand", "deaths", "soldiers", "military"),
        # displacement without "displaced" beside the number
        ("About 1.2 million people found refuge in Syria.", "1.2 million", "displaced", "people", "people"),
        ("Some 2,000 families have been driven by the fighting to leave their homes.", "2,000", "displaced", "families", "refugees"),
        ("Nearly four million Ukrainians have fled their country.", "four million", "displaced", "Ukrainians", "refugees"),
        ("24% of the 184,000 IDPs are now in the process of returning home.", "184,000", "displaced", "", "refugees"),
        ("At least 68 children were among the 126 people killed in the attack.", "68", "deaths", "children", "children"),
        ("The Britain-based Observatory said 12 children were among the victims of the attack.", "12", "deaths", "children", "children"),
        ("It is followed by Lebanon, which the UN says hosts around one million Syrians.", "one million", "displaced", "Syrians", "refugees"),
        ("Poland has welcomed 2.3 million refugees from Ukraine while Romania has taken in about 600 000.", "600 000", "displaced",
         "refugees", "refugees"),
        # a population and a second number the same subject reaches
        ("4,000 of them Americans were killed.", "4,000", "deaths", "Americans", "americans"),
        ("The death toll nears 2,000 and is likely to top 2,500.", "2,500", "deaths", "", "people"),
    ],
)
def test_the_predicate_and_the_head_noun_decide_the_kind(sentence, value_text, kind, who, group):
    r = _reading(sentence, value_text)
    assert (r.verdict, r.kind, r.who, r.group) == ("figure", kind, who, group)


@pytest.mark.parametrize(
    "sentence, value_text, verdict, kind, who",
    [
        ("In the same context a woman was killed and 35 others were injured in terrorist attacks.", "a", "figure", "deaths", "woman"),
        ("Rocket shells hit the neighborhood killing a girl child and injuring two others.", "a", "figure", "deaths", "girl child"),
        ("Four people including a child killed six others injured in terrorist attacks in Aleppo city.", "a", "other", "", ""),
        ("Whether you're a student, historian, or policymaker, getting accurate civil war deaths matters.", "a",
         "no casualty", "", ""),
        ("June 3 -- A US soldier dies after being attacked by unidentified men north of Baghdad.", "A", "figure", "deaths", "US soldier"),
        # a bare "one" right after a verb of harm is the person it harmed
        ("A car bomb rips through a market in eastern Baghdad, killing one and wounding 15.", "one", "figure", "deaths", ""),
    ],
)
def test_an_article_counts_one_only_when_it_is_its_own_figure(sentence, value_text, verdict, kind, who):
    r = _reading(sentence, value_text)
    assert r.verdict.startswith(verdict) and (r.kind, r.who) == (kind, who), (r.verdict, r.kind, r.who)


def test_32_000_injured_is_wounded_not_deaths():
    r = _reading("The blast left 32, 000 injured and 400 dead.", "32, 000")
    assert (r.verdict, r.kind, r.low, r.high) == ("figure", "wounded", 32_000, 32_000)


def test_a_date_before_a_headline_is_not_a_column_of_a_listing():
    r = _reading("7 November 2016 Four people killed including child 25 others injured in terrorist attacks", "Four")
    assert (r.verdict, r.kind) == ("figure", "deaths")


# --------------------------------------------------------------------------------------------------------------
# Not figures, each with its reason
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence, value_text, reason",
    [
        ("The mortality rate rose to 5.5 deaths per 1,000 people.", "5.5", "rate"),
        ("One out of every six Iraqis has fled the country.", "One out of every six", "share"),
        ("Iraq, a country of some 26 million, has lost many people.", "26 million", "population"),
        ("The nation's pre-war population was over 20 million but most refugees are internally displaced.", "20 million", "population"),
        ("The 41,000 soldiers who took part in the offensive caused the death of 2,000 civilians.", "41,000", "troops"),
        ("Two gunmen killed 20 people at the checkpoint.", "Two", "troops"),
        # the number is the subject of its own verb with an object; the casualty word after it counts others
        ("500 militants attacked the village, killing 30 people.", "500", "troops"),
        ("Some 2,000 troops caused the deaths of 40 civilians.", "2,000", "troops"),
        ("The 41,000 soldiers who were deployed there caused the death of many.", "41,000", "troops"),
        ("About 500 people stormed the building, leaving 12 dead.", "500", "people counted by another verb"),
        ("10,000 troops crossed the border into Ukraine.", "10,000", "troops"),
        ("Investigators found 12 mass graves in the area.", "12", "count of things"),
        ("Indonesia was hardest hit, with 130,013 people listed as dead or missing.", "130,013", "other (the dead and the missing"),
        ("Other authorities speak of 38,940 combined dead and missing people.", "38,940", "other (the dead and the missing"),
        ("38,000 died a week after the earthquake of 7.6 on the Richter scale.", "7.6", "other (a measurement"),
        ("16,269 casualties were reported on 24 November 2014,[1] most of them in India.", "1", "note marker"),
        ("The Teutoburg massacre of 9 AD killed 30,000 Romans.", "9", "year"),
        ("More than 4.5 million people have been internally displaced and 21.6 million are in dire need of assistance.",
         "21.6 million", "no casualty"),
        ("The request includes $481.4 billion for Pentagon spending and $141.7 billion for the wars.", "$481.4 billion", "money not war cost"),
        ("Police arrested 45 people after the blast.", "45", "arrests"),
        ("At least 12 people were kidnapped and nine others are missing.", "12", "arrests"),
        ("At least 12 people were kidnapped and nine others are missing.", "nine", "arrests"),
        ("He faces charges relating to the disappearance of nine others.", "nine", "arrests"),
        ("Four have estimated the toll at more than 600,000 deaths.", "Four", "other"),
        ("The film is the true story of the hotel manager who saved 1,200 Tutsis from death during the genocide.", "1,200", "people saved"),
        ("But 36 people accused in connection with the blasts said it should be delayed.", "36", "people counted by another verb"),
        ("The war left more than half the population forced from their homes and hundreds of thousands trapped under siege.",
         "hundreds of thousands", "people counted by another verb"),
        ("The civil war has cost an estimated 28,000 jobs since 2011.", "28,000", "count of things"),
        ("The aid group interviewed several thousand Rohingya refugees in four camps in Bangladesh.", "several thousand", "other"),
        ("All but three of these deaths had occurred in people's home villages.", "three", "other"),
        ("The equivalent of £25,000 will have been spent for every one of Helmand's 1.5 million inhabitants.", "£25,000", "a rate"),
        ("In 2014, the cost of dealing with violence came to $14.3trn, or 13.4 per cent of global GDP.", "$14.3trn", "money not war cost"),
    ],
)
def test_numbers_that_are_not_figures_say_why(sentence, value_text, reason):
    r = _reading(sentence, value_text)
    assert r.verdict.startswith(reason), r.verdict


@pytest.mark.parametrize(
    "sentence, value_text, group",
    [
        ("Congress approved $686 billion (43%) for Operation Enduring Freedom.", "$686 billion", "war"),
        ("The request includes $481.4 billion for Pentagon spending and $141.7 billion for the wars.", "$141.7 billion", "war"),
        ("Nearly 4,500 U.S. troops were killed and American taxpayers spent up to $2 trillion on the war.", "$2 trillion", "war"),
    ],
)
def test_money_for_a_war_is_a_cost_and_its_group_is_war(sentence, value_text, group):
    r = _reading(sentence, value_text)
    assert (r.verdict, r.kind, r.group) == ("figure", "cost", group)


def test_people_moving_to_a_city_with_no_second_place_are_not_displaced():
    assert _reading("About 300 workers moved to London last year.", "300").verdict != "figure"


def test_an_equivalent_amount_with_no_cost_before_it_is_no_cost():
    assert _reading("He paid $5 for a ticket, the equivalent of $7 today.", "$7").verdict != "figure"


def test_a_share_of_a_cost_for_every_household_is_a_rate():
    sentence = "The war has cost Britain at least £37bn and the figure will rise to a sum equivalent to more than £2,000 for every taxpaying household."
    assert _reading(sentence, "£2,000").verdict.startswith("a rate")
    assert (_reading(sentence, "£37bn").verdict, _reading(sentence, "£37bn").kind) == ("figure", "cost")


def test_money_in_a_text_about_a_natural_disaster_and_no_war_is_no_war_cost():
    tsunami = "The tsunami killed 30,957 in Sri Lanka. India says it will need to spend $2.1 billion on long-term rehabilitation."
    assert _reading(tsunami, "$2.1 billion").verdict.startswith("money not war cost")
    assert (_reading(tsunami, "30,957").verdict, _reading(tsunami, "30,957").kind) == ("figure", "deaths")
    war = tsunami.replace("The tsunami killed", "The war killed")
    assert (_reading(war, "$2.1 billion").verdict, _reading(war, "$2.1 billion").kind) == ("figure", "cost")


@pytest.mark.parametrize(
    "sentence, value_text, kind",
    [
        ("The toll in Sri Lanka, which was second hardest hit by the catastrophe, stood at 30,957.", "30,957", "deaths"),
        ("Officials had earlier put the death toll at 25,000 and the injured at 63,000.", "25,000", "deaths"),
        ("There is no consensus on the number of victims, with estimates ranging from 500,000 to a million.", "500,000 to a million", "deaths"),
        ("Officials had earlier put the death toll at 25,000 and the injured at 63,000.", "63,000", "wounded"),
        ("When America pulled its troops out in 1973, the tab was 90 percent higher - $111 billion.", "$111 billion", "cost"),
        ("The war's cost is $1,292bn- $2,039bn, rising to $1,754bn-$2,655bn if interest is added.", "$1,754bn-$2,655bn", "cost"),
        ("About 1,144 died and an estimated 80,000 have lost their homes.", "80,000", "displaced"),
        ("Nearly 10.9 million Afghans remained displaced, and 3.2 million remain internally displaced.", "3.2 million", "displaced"),
        ("The war has displaced nearly 4 million people inside the country and 6.8 million people into neighboring countries.",
         "6.8 million", "displaced"),
        # asides, running totals, other places, conversions, hedged numbers after "and"
        ("The war killed more than 9,800 people and about 23 thousand were wounded.", "9,800", "deaths"),
        ("Some 2,000 Ivorians have crossed into Ghana in the last week, bringing the total there to 7,200.", "7,200", "displaced"),
        ("The flooding has also killed 26 people in the eastern state of Bihar and 10 in neighbouring West Bengal.", "10", "deaths"),
        ("The cost of the war is climbing towards A$30 billion ($36 billion).", "$36 billion", "cost"),
        ("An additional 6 808 individuals were forced to flee their homes.", "6 808", "displaced"),
        ("He was among thousands sheltering in makeshift camps on raised highways.", "thousands", "displaced"),
        ("A suicide bombing kills an Iraqi and wounds two US soldiers in the town of Ramadi.", "two", "wounded"),
        ("The former favorite escaped injury but six people, including five of his bodyguards, were killed.", "six", "deaths"),
        ("In Israel, 67 people, including three civilians, have been killed and 77 injured.", "67", "deaths"),
        ("The blast killed 20 people, including 12 children, and wounded 40.", "12", "deaths"),
        ("The cost of Australia's role in the war on terror and its precautions at home is climbing towards A$30 billion.",
         "A$30 billion", "cost"),
        # a second amount joined to a cost by "and" is one too; money with a verb of its own is still money
        ("The operations in Bosnia and Kosovo during the late 1990s cost £1.5bn and £1.1bn respectively.", "£1.1bn", "cost"),
        ("The war in Afghanistan has cost $400 billion, and $119.4 billion requested for this year is war spending too.",
         "$119.4 billion", "cost"),
        # a population moving from one country to another
        ("After Partition, 7,249,000 Hindus and Sikhs moved to India from Pakistan.", "7,249,000", "displaced"),
        ("In all, 5.3 million Muslims moved from India to West Punjab in Pakistan.", "5.3 million", "displaced"),
        # an amount converting the cost before it, in the same sentence or the next
        ("The War of 1812 cost $90 million, roughly the equivalent of $1.5 billion today.", "$1.5 billion", "cost"),
        ("The war cost the young country $101 million. This is the modern day equivalent of $2.4 billion.", "$2.4 billion", "cost"),
    ],
)
def test_the_kind_of_a_number_from_its_toll_its_verb_or_the_figure_it_continues(sentence, value_text, kind):
    r = _reading(sentence, value_text)
    assert (r.verdict, r.kind) == ("figure", kind)


def test_currencies_written_with_a_country_prefix_are_read_with_their_unit():
    r = _reading("Operations in Afghanistan have so far cost more than A$6 billion.", "A$6 billion")
    assert (r.verdict, r.kind, r.low, r.currency, r.qualifier) == ("figure", "cost", 6e9, "AUD", "more than")
    assert _reading("It cost NZ$5m for the war.", "NZ$5m").currency == "NZD"
    assert _reading("A $3 trillion estimate of the war's cost.", "$3 trillion").currency == "USD"  # an article, not A$


def test_an_age_between_commas_after_a_name_is_an_age():
    r = _reading("said Asghar Saied, 52, from his hospital bed where he was taken with shrapnel wounds.", "52")
    assert r.verdict == "age"


# --------------------------------------------------------------------------------------------------------------
# Lists, labels and tables
# --------------------------------------------------------------------------------------------------------------

def test_label_lists_take_the_kind_of_their_label():
    r = _reading("Number of U.S. troop casualties: 4,484", "4,484")
    assert (r.verdict, r.kind, r.group) == ("figure", "deaths", "us_military")
    assert _reading("Killed: 45\nWounded: 120", "120").kind == "wounded"


TABLE = """Here is a list of total killed and wounded from the Veterans Administration.

War  Deaths  Wounded  Total

Civil War 529,332 420,000* 949,332

War of 1812 2,260 4,505 6,765

Indian Wars 1,000 (Not reported) 1,000

Numbers of the wounded are estimates.
"""

PIPE_TABLE = """Conflict | Official Death Toll | Revised Estimate | Data Gap Reason |
---|---|---|---|
Syrian Civil War | 240,000 (2016 govt figure) | 606,000 (Syrian Observatory) | Unrecorded mass graves |
Colombia (1964-2016) | 220,000 | 450,000+ (Truth Commission) | Disappearances excluded |
"""

HEADINGS = """Iraq war numbers

U.S. Military Deaths

First 14 months: 740

Second 14 months: 958

U.S. Military Wounded

Official: 12,762
"""


@pytest.mark.parametrize(
    "text, value_text, context, verdict, kind",
    [
        (TABLE, "529,332", "", "figure", "deaths"),
        (TABLE, "420,000", "", "figure", "wounded"),
        (TABLE, "949,332", "", "other (a table's total column)", ""),
        (TABLE, "2,260", "", "figure", "deaths"),
        (TABLE, "4,505", "", "figure", "wounded"),
        (TABLE, "1812", "", "year", ""),
        (TABLE, "1,000", "Wars 1,000", "figure", "deaths"),
        (TABLE, "1,000", ") 1,000", "other (a table's total column)", ""),
        (PIPE_TABLE, "240,000", "", "figure", "deaths"),
        (PIPE_TABLE, "606,000", "", "figure", "deaths"),
        (PIPE_TABLE, "450,000", "", "figure", "deaths"),
        (HEADINGS, "958", "", "figure", "deaths"),
        (HEADINGS, "12,762", "", "figure", "wounded"),
    ],
)
def test_table_rows_take_the_kind_of_their_column(text, value_text, context, verdict, kind):
    r = _reading(text, value_text, context)
    assert (r.verdict, r.kind) == (verdict, kind)


COLUMNS = """Quick Reference: Death Tolls

Event Period Deaths (Estimates) Primary Cause

Colonization of Americas 1492-1900 50-130 million Disease, violence, displacement

Holocaust 1941-1945 5-6 million Jews; 11M+ total Genocide

Bosnian War/Genocide 1992-1995 ~100,000 War, genocide

Part 1: Genocides

The 12 tribes of the region lived in peace.
"""


@pytest.mark.parametrize(
    "value_text, verdict, kind",
    [
        ("50-130 million", "figure", "deaths"),  # not displaced, the word after it in the row
        ("5-6 million", "figure", "deaths"),
        ("100,000", "figure", "deaths"),
        ("1492-1900", "year range", ""),
        ("12", "count of things", ""),  # "Part 1: Genocides" ended the table
    ],
)
def test_the_first_count_of_a_row_under_single_spaced_column_names_takes_its_kind(value_text, verdict, kind):
    r = _reading(COLUMNS, value_text)
    assert (r.verdict, r.kind) == (verdict, kind)


UNIT_TABLE = """The estimated cost of the wars in Iraq and Afghanistan will reach $1.49 trillion.

In billions of budgeted dollars

Operation | FY 2002 | FY 20031 | Total |

Iraq | $53.0 | 75.9 | 128.9 |

1. Includes $5.5 billion that cannot be allocated to either war, as the appropriations act says in a long note here.
"""


@pytest.mark.parametrize(
    "value_text, verdict, kind, low, currency",
    [
        ("$53.0", "figure", "cost", 53e9, "USD"),
        ("75.9", "figure", "cost", 75.9e9, "USD"),  # no "$" of its own: the table's unit
        ("128.9", "figure", "cost", 128.9e9, "USD"),
        ("2002", "year", "", 2002, ""),
        ("20031", "year", "", 20031, ""),  # a fiscal year's label with a footnote digit glued to it
    ],
)
def test_a_table_under_a_unit_caption_reads_its_cells_in_that_unit(value_text, verdict, kind, low, currency):
    r = _reading(UNIT_TABLE, value_text)
    assert (r.verdict, r.kind, r.low, r.currency) == (verdict, kind, low, currency)


CELL_PER_LINE = """The audited net additional cost to the MOD for the cost of operations in Iraq and Afghanistan from 2003-04 to 2007-08 are set out as follows:

Iraq

£ million

2003-04

2004-05

Operational costs for Iraq, Afghanistan and the Balkans

Of which:

Resource Costs

1,051

747

Total

1,311

910

The figures are audited.
"""


@pytest.mark.parametrize("value_text, verdict, low", [("1,051", "figure", 1_051e6), ("910", "figure", 910e6), ("2004-05", "year range", 2004)])
def test_a_table_copied_one_cell_per_line_under_its_unit_reads_its_cells_in_that_unit(value_text, verdict, low):
    r = _reading(CELL_PER_LINE, value_text)
    assert (r.verdict, r.low) == (verdict, low) and (r.kind == "cost") == (verdict == "figure")


def test_a_unit_table_in_a_text_naming_no_war_is_no_war_cost():
    hospitals = UNIT_TABLE.replace("the wars in Iraq and Afghanistan", "the new hospitals").replace("either war", "either plan")
    r = _reading(hospitals, "75.9")
    assert (r.verdict.startswith("money not war cost"), r.low) == (True, 75.9e9)


@pytest.mark.parametrize(
    "text, value_text",
    [
        ("Iraq War: $812.4 Billion\n\nThe Mexican American War: $2.3 Billion", "$812.4 Billion"),
        ("Iraq War: $812.4 Billion\n\nThe Mexican American War: $2.3 Billion", "$2.3 Billion"),
        ("The costs of the wars in Iraq and Afghanistan.\n\n$749.9 billion for Iraq\n\n$337.8 billion for Afghanistan", "$337.8 billion"),
        # a budget's amount requested for a place the text's wars are fought in is that war's cost
        ("The costs of the wars in Iraq and Afghanistan.\n\nAdditional war-related spending is anticipated as a part of the FY2011 "
         "budget with $51.1 billion requested for Iraq and $119.4 billion requested for Afghanistan.", "$51.1 billion"),
    ],
)
def test_money_under_a_war_label_or_for_a_place_of_the_texts_wars_is_a_cost(text, value_text):
    r = _reading(text, value_text)
    assert (r.verdict, r.kind) == ("figure", "cost")


def test_money_for_a_place_no_war_of_the_text_is_fought_in_is_no_cost():
    text = "The costs of the schools of the region.\n\n$749.9 billion for Iraq\n\n$337.8 billion for Afghanistan"
    assert _reading(text, "$749.9 billion").verdict != "figure"


QUAKES = """The scale of death tolls by earthquake can be staggering. The worst earthquakes in recorded history are:-

830,000 1556 Shaanxi China

250,000 526 Antioch Antioch, Byzantine Empire

242,000 1976 Tangshan China

The estimated populations of selected towns are as follows:-

Alnwick 30,000

Chester 117,000
"""


@pytest.mark.parametrize(
    "value_text, verdict, kind",
    [("830,000", "figure", "deaths"), ("242,000", "figure", "deaths"), ("1976", "year", ""),
     ("117,000", "no casualty, displacement or cost word next to it", "")],
)
def test_a_list_of_lines_starting_with_counts_under_a_casualty_line_takes_its_kind(value_text, verdict, kind):
    r = _reading(QUAKES, value_text)
    assert (r.verdict, r.kind) == (verdict, kind)


FACTBOX = """FACTBOX-Military deaths in Afghanistan
May 20 (Reuters) - Here are figures for foreign military
deaths in Afghanistan caused by violence or accidents since the
U.S.-led military intervention began in 2001:
United States 1,974
Britain 414
Canada 158
Other nations 108
TOTAL 3,007
Sources: Reuters/icasualties (www.icasualties.org/oef)
compiled from official figures/French military and president's
office/German Ministry of Defence/Danish central command/Italian
Ministry of Defence
"""


def test_rows_naming_what_they_count_under_a_casualty_lead_take_its_kind(tmp_path):
    """A wire factbox saved as text, hard-wrapped: its lead is one paragraph of the body and each row's count is a death toll."""
    from presslens.figures import figures_table
    from presslens.ingest.corpus import load_corpus

    (tmp_path / "factbox.txt").write_text(FACTBOX, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.documents[0].body.startswith("May 20 (Reuters) - Here are figures for foreign military deaths in Afghanistan caused")
    table = figures_table(corpus)
    rows = dict(zip(table["value_text"], zip(table["kind"], table["who"])))
    assert set(table["group"]) == {"military"}, table["group"]
    assert rows == {"1,974": ("deaths", "United States"), "414": ("deaths", "Britain"), "158": ("deaths", "Canada"),
                    "108": ("deaths", "Other nations"), "3,007": ("deaths", "")}, rows


def test_rows_naming_what_they_count_under_no_casualty_line_are_no_figures():
    text = "The estimated populations of selected towns are as follows:\n\nAlnwick 30,000\n\nChester 117,000\n\nDurham 48,000\n"
    assert _reading(text, "117,000").verdict == "no casualty, displacement or cost word next to it"


MASSACRES = """Below is a list of incidents that are commonly referred to as massacres.

Date Name Deaths Location Description
9 AD Teutoburg Massacre ~30,000 Teutoburg Forest, Germany Roman legions ambushed by Germanic tribes
787 Mass slaughter of non-Christian Saxons ???? Verdun by Charlemagne
March 16, 1190 Massacre at Clifford's Tower ~150 York, England Mob attacks Jewish residents
"""


@pytest.mark.parametrize("value_text, verdict, kind", [("30,000", "figure", "deaths"), ("150", "figure", "deaths"), ("787", "year", "")])
def test_rows_under_column_names_opening_with_a_date_keep_it_a_date(value_text, verdict, kind):
    r = _reading(MASSACRES, value_text)
    assert (r.verdict, r.kind) == (verdict, kind)


def test_a_count_before_a_year_is_no_day_of_a_date():
    assert _reading("242,000 1976 Tangshan China", "242,000").verdict != "date or time"
    assert _reading("It happened on May 5, 2016 in the city.", "5").verdict == "date or time"


def test_a_heading_gives_its_population_to_the_lines_under_it():
    r = _reading(HEADINGS, "958")
    assert (r.who, r.group) == ("U.S. Military", "us_military")


# --------------------------------------------------------------------------------------------------------------
# Trends, groups on any story, claims
# --------------------------------------------------------------------------------------------------------------

def test_a_trend_is_two_dated_figures():
    found = extract_figures("The death toll rose from 1,778 in 2005 to 3,149 in 2006.")
    assert [(f.value_text, f.kind, f.low, f.high, f.period) for f in found] == [
        ("1,778", "deaths", 1778, 1778, "2005"), ("3,149", "deaths", 3149, 3149, "2006")]


@pytest.mark.parametrize(
    "sentence, value_text, group",
    [
        ("Russia's Aerospace Forces have killed 304 Daesh militants.", "304", "fighters"),
        ("Trouble flared after nine French peacekeepers were killed.", "nine", "military"),
        ("The UN recorded at least 2,421 Afghan civilians killed.", "2,421", "civilians"),
        ("It is home to some 900000 displaced Syrians according to the United Nations.", "900000", "refugees"),
        ('"Tens of thousands of innocent men, women and children died," he said.', "Tens of thousands", "civilians"),
        ("The UN counted 2,412 civilian deaths in the first 10 months.", "2,412", "civilians"),
        ("Over 20 Daesh Terrorists Killed in SDF Operations in Syrian Main Battlefields.", "20", "fighters"),
        # the seeds' populations stay theirs
        ("Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died.", "4,500", "us_military"),
        ("Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died.", "hundreds of thousands", "iraqis"),
    ],
)
def test_groups_are_generic_on_any_story(sentence, value_text, group):
    assert _reading(sentence, value_text).group == group


def test_a_figure_without_a_population_takes_the_sentences_first_group():
    sentence = "An attack in the final months of the battle killed at least nine civilians and injured 200."
    r = _reading(sentence, "200")
    assert (r.kind, r.who, r.group) == ("wounded", "", "civilians")


_PARAGRAPH = ("The department released its figures on Monday, listing the dead by service, by rank and by home state, "
              "as it has done every month since the first year of the war.")
US_DEATHS = {
    "a.txt": f"The toll of the war\n\n{_PARAGRAPH}\n\nNumber of U.S. troop casualties: 4,484\n\n{_PARAGRAPH}\n",
    "b.txt": f"Iraq\n\n{_PARAGRAPH} The Pentagon says 4,488 U.S. soldiers have died in Iraq since the 2003 invasion.\n",
    "c.txt": f"A grim mark\n\n{_PARAGRAPH} By then 3,991 American troops had been killed in the Iraq war.\n",
    "d.txt": f"The report\n\n{_PARAGRAPH} Nearly 4,500 U.S. troops were killed, the report said.\n",
}


def test_us_military_deaths_from_four_sources_are_one_claim(tmp_path):
    for name, text in US_DEATHS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    table = figures_table(load_corpus(tmp_path))
    assert sorted(table["value_text"]) == ["3,991", "4,484", "4,488", "4,500"]
    assert table["claim_id"].nunique() == 1, table[["value_text", "claim_id"]].to_string()
    assert table["claim_id"].iloc[0].startswith("deaths:us")


# --------------------------------------------------------------------------------------------------------------
# Development texts read in place (odd-numbered only)
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "prefix, context, value_text, kind, group",
    [
        ("25", "Two civilians were killed and three others were injured", "three", "wounded", "people"),
        ("25", "3 Civilians Killed 38 Injured", "38", "wounded", "civilians"),
        ("33", "Some 14 people including two children were killed", "14", "deaths", "people"),
        ("37", "have killed 304 Daesh militants and left more than 170 wounded", "170", "wounded", "fighters"),
        ("39", "At least 545 people including 84 children and 35 women have been killed", "545", "deaths", "people"),
        ("27", "left 35 people including 22 children dead", "35", "deaths", "people"),
        ("01", "300 policemen and women, over 600 soldiers, more than 3,000 civilians dead", "600", "deaths", "military"),
    ],
)
def test_development_text_figures(prefix, context, value_text, kind, group):
    text = _dev_text(prefix)
    r = _reading(text, value_text, context)
    assert (r.verdict, r.kind, r.group) == ("figure", kind, group)


@pytest.mark.parametrize(
    "prefix, context, value_text, reason",
    [
        ("11", "saved 1,200 Tutsis from death", "1,200", "people saved"),
        ("07", "the disappearance of nine others", "nine", "arrests"),
        ("05", "But 36 people accused", "36", "people counted by another verb"),
        ("37", "the nations pre-war population was over 20 million", "20 million", "population"),
    ],
)
def test_development_text_traps(prefix, context, value_text, reason):
    text = _dev_text(prefix)
    r = _reading(text, value_text, context)
    assert r.verdict.startswith(reason), r.verdict


def test_deaths_of_no_stated_population_never_join_a_claim_of_another_event(tmp_path):
    """One page's protest deaths and another page's camp deaths of unstated "people" stay two claims: only a named population's open claim joins."""
    from presslens.figures import figures_table
    from presslens.ingest.corpus import load_corpus

    (tmp_path / "a.txt").write_text(
        "Protest toll rises\n\nTwo people were killed in the protests in the capital on Friday, witnesses said, as crowds gathered again.\n",
        encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Remembering the camp\n\nAbout 1.1 million people were killed at Auschwitz between 1940 and 1945, historians say in a new study.\n",
        encoding="utf-8")
    figures = figures_table(load_corpus(tmp_path))
    claims = dict(zip(figures["doc_id"], figures["claim_id"]))
    assert claims["a"].endswith("@protests") and "@" not in claims["b"], claims
