"""presslens.figures: numbers, hedges, kinds, populations and traps on real seed sentences; the gold file; the charts."""

from __future__ import annotations

import doctest
import importlib
import math
import pkgutil
import re
from pathlib import Path

import pandas as pd
import pytest
from text_to_num import text2num

from presslens import figures as fg
from presslens.figures import (
    FIGURE_COLUMNS,
    FiguresError,
    evaluate,
    extract_figures,
    figures_table,
    load_gold,
    number_bounds,
    parse_number,
    read_numbers,
)
from presslens.figures.lexicon import _HAS_NUMBER
from presslens.figures.readings import _has_number

GOLD = Path(__file__).parent / "data" / "figures_gold.yml"
NAN = math.nan


@pytest.fixture(scope="module")
def table(corpus):
    return figures_table(corpus)


@pytest.fixture(scope="module")
def gold(corpus):
    return load_gold(GOLD, corpus)


def _one(sentence: str, value_text: str):
    """The figure whose number is ``value_text`` in ``sentence`` (exactly one)."""
    found = [f for f in extract_figures(sentence) if f.value_text == value_text]
    assert len(found) == 1, [(f.value_text, f.kind) for f in extract_figures(sentence)]
    return found[0]


def _same(a, b) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or a != a) and (b is None or b != b)
    return math.isclose(a, b)


# --------------------------------------------------------------------------------------------------------------
# Numbers in every form (phrases from the seeds)
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, value",
    [
        ("Eight thousand one hundred and seventy five", 8175),
        ("300,000", 300_000),
        ("4,500", 4_500),
        ("801,000", 801_000),
        ("87.5 euros", 87.5),
        ("80 thousand", 80_000),
        ("50 thousand", 50_000),
        ("3 million", 3_000_000),
        ("$6.4 trillion", 6.4e12),
        ("$2 trillion", 2e12),
        ("13 billion dollars", 13e9),
        ("$4.2 billion", 4.2e9),
        ("$16 million", 16e6),
        ("$3,000", 3_000),
        ("half a million", 500_000),
        ("a trillion", 1e12),
        ("Three", 3),
        ("seventy-five", 75),
        ("one and a half million", 1_500_000),
    ],
)
def test_parse_number_reads_every_form(text, value):
    assert math.isclose(parse_number(text), value)


@pytest.mark.parametrize(
    "words",
    ["Eight thousand one hundred and seventy five", "seventy five", "six hundred thousand", "one hundred and five", "twenty-two"],
)
def test_spelled_numbers_agree_with_text2num(words):
    assert parse_number(words) == text2num(words.lower(), "en")


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("tens of thousands", 20_000, 100_000),
        ("Tens of thousands", 20_000, 100_000),
        ("hundreds of thousands", 200_000, 1_000_000),
        ("hundreds", 200, 1_000),
        ("thousands", 2_000, 10_000),
        ("dozens", 24, 120),
        ("80 thousand to almost 600 thousand", 80_000, 600_000),
        ("a trillion or two or six", 1e12, 6e12),
        ("1980-1988", 1980, 1988),
        ("2 to 3 million", 2e6, 3e6),
    ],
)
def test_number_bounds_of_vague_magnitudes_and_ranges(text, low, high):
    assert number_bounds(text) == (low, high)
    if low != high:
        assert parse_number(text) is None


@pytest.mark.parametrize("text", ["pages", "the documents", "one", ""])
def test_not_a_number_is_an_error(text):
    with pytest.raises(ValueError, match="not a number phrase"):
        number_bounds(text)


# --------------------------------------------------------------------------------------------------------------
# Hedges, kinds and populations on seed sentences
# --------------------------------------------------------------------------------------------------------------

SEED_FIGURES = [
    # (sentence from the seeds, number as written, kind, low, high, qualifier, who, group)
    (
        "Eight thousand one hundred and seventy five American soldiers, contractors and civilians have died in Iraq since 2003 as well as an estimated 300,000 Iraqis.",
        "Eight thousand one hundred and seventy five", "deaths", 8175, 8175, "", "American soldiers, contractors and civilians", "us_military_and_contractors",
    ),
    (
        "Eight thousand one hundred and seventy five American soldiers, contractors and civilians have died in Iraq since 2003 as well as an estimated 300,000 Iraqis.",
        "300,000", "deaths", 300_000, 300_000, "an estimated", "Iraqis", "iraqis",
    ),
    (
        "By some more expansive estimates the so-called “global war on terror,” of which Iraq was the major component, may have directly killed 801,000, of which at least 335,000 were civilians.",
        "801,000", "deaths", 801_000, 801_000, "may have", "", "war_on_terror_total",
    ),
    (
        "By some more expansive estimates the so-called “global war on terror,” of which Iraq was the major component, may have directly killed 801,000, of which at least 335,000 were civilians.",
        "335,000", "deaths", 335_000, NAN, "at least", "civilians", "civilians",
    ),
    (
        "The United States provided support to Iraq in that conflict, which killed as many as half a million military and civilians on each side.",
        "half a million", "deaths", NAN, 500_000, "as many as", "military and civilians on each side", "per_side",
    ),
    (
        "Deadly anti-government protests currently taking place in Iraq that have killed more than 300 have focused on the country’s pervasive corruption, but there have also been numerous calls for an end to Iranian influence.",
        "300", "deaths", 300, NAN, "more than", "", "protesters",
    ),
    (
        "“the total dead from collateral causes, to include disease and starvation, could exceed 3 million, overwhelmingly Muslims.”",
        "3 million", "deaths", 3_000_000, NAN, "could exceed", "overwhelmingly Muslims", "indirect_deaths",
    ),
    (
        "The wars in Afghanistan and Iraq alone have also cost, according to the same Brown University study, an estimated $6.4 trillion and still counting as the money to pay for it was borrowed.",
        "$6.4 trillion", "cost", 6.4e12, 6.4e12, "an estimated … and still counting", "", "afghanistan_iraq_wars",
    ),
    (
        "By 2012, the amount of people that have died violently in Iraq is very difficult to determine: estimates range from 80 thousand to almost 600 thousand deaths.",
        "80 thousand to almost 600 thousand", "deaths", 80_000, 600_000, "almost", "people that have died violently in Iraq", "iraqis",
    ),
    (
        "Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died and American taxpayers spent up to $2 trillion on the war.",
        "4,500", "deaths", NAN, 4_500, "Nearly", "U.S. troops", "us_military",
    ),
    (
        "Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died and American taxpayers spent up to $2 trillion on the war.",
        "hundreds of thousands", "deaths", 200_000, 1_000_000, "", "Iraqis", "iraqis",
    ),
    (
        "Nearly 4,500 U.S. troops were killed, hundreds of thousands of Iraqis died and American taxpayers spent up to $2 trillion on the war.",
        "$2 trillion", "cost", NAN, 2e12, "up to", "American taxpayers", "war",  # "on the war", no named conflict alone
    ),
    (
        "The transportation minister - Bayan Jabr, who had led the Iraqi Interior Ministry at a time when hundreds of prisoners were tortured to death with electric drills or summarily shot by Shiite death squads - was deemed to be \"very close\" to Iran.",
        "hundreds", "deaths", 200, 1_000, "", "prisoners", "prisoners",
    ),
    (
        "Iran, operating on internal lines from a position of strength, was working assiduously to infiltrate and place under control a neighboring country that had gone to war with it 30 years before and had killed half a million of its citizens.",
        "half a million", "deaths", 500_000, 500_000, "", "its citizens", "iranians",
    ),
]


@pytest.mark.parametrize("sentence, value_text, kind, low, high, qualifier, who, group", SEED_FIGURES)
def test_seed_sentence_figures(sentence, value_text, kind, low, high, qualifier, who, group):
    """Alone, without the sentence before it, a sentence still gives its figure; the conflict may be unknown, so the group can differ from the table's."""
    f = _one(sentence, value_text)
    assert (f.kind, f.qualifier, f.who, f.group) == (kind, qualifier, who, group)
    assert _same(f.low, low) and _same(f.high, high)
    assert f.sentence == sentence and (f.start, f.end) == (0, len(sentence))
    assert sentence[f.num_start : f.num_end] == value_text
    assert f.unit == ("USD" if kind == "cost" else "people")


def test_bound_labels_follow_the_hedge():
    s = SEED_FIGURES[9][0]
    bounds = {f.value_text: f.bound for f in extract_figures(s)}
    assert bounds == {"4,500": "at most", "hundreds of thousands": "range", "$2 trillion": "at most"}
    first = extract_figures(SEED_FIGURES[0][0])
    assert [f.bound for f in first] == ["exact", "approximate"]


def test_a_sentence_opening_with_the_number_takes_its_population_from_the_sentence_before():
    text = (
        "It was no longer a threat to the thousands of Shiite pilgrims who would pass by, but Iran's victory came at a high cost "
        "to the town's Sunni residents. Tens of thousands were displaced, and a local politician, the only Sunni member on the "
        "provincial council, was found with a bullet hole through his head."
    )
    (f,) = extract_figures(text)
    assert (f.kind, f.value_text, f.low, f.high, f.who, f.who_basis, f.group) == (
        "displaced", "Tens of thousands", 20_000, 100_000, "the town's Sunni residents", "previous sentence", "sunnis",
    )
    assert text[f.start : f.end].startswith("Tens of thousands were displaced")


def test_a_bare_trillion_takes_its_kind_from_the_next_sentence():
    text = (
        "Pfft. Why niggle over a trillion or two or six. If that’s the price of “Bringing Them Democracy” (C) (TM) then "
        "that’s how much it costs. //SARC OFF//"
    )
    (f,) = extract_figures(text)
    assert (f.kind, f.low, f.high, f.qualifier, f.unit, f.bound) == ("cost", 1e12, 6e12, "", "", "range")


# --------------------------------------------------------------------------------------------------------------
# Traps: numbers that are not figures (seed sentences and removed seed lines)
# --------------------------------------------------------------------------------------------------------------

TRAP_SENTENCES = [
    ("Anyone notice trump shipped 3,000 more GI’s to the Mideast?", "3,000", "deployment"),
    ("This counter balance was needed urgently, as the last 50 thousand US soldiers were set to leave Iraq at the end of 2011 under the approved SOFA agreement.", "50 thousand", "deployment"),
    ("He said he had been paid well for his work - $3,000 per month, plus a one-time bonus of $20,000 and a car.", "$3,000", "a rate"),
    ("He said he had been paid well for his work - $3,000 per month, plus a one-time bonus of $20,000 and a car.", "$20,000", "payment"),
    ("The archive even contains expense reports from intelligence ministry officers in Iraq, including one totaling 87.5 euros spent on gifts for a Kurdish commander.", "87.5 euros", "payment"),
    ("This was translated into 13 billion dollars worth of arms contracts with U.S. companies, including 140 M-1 Abrams battle tanks, 18 F-16 Fighting Falcons as part of a $4.2 billion program that also includes aircraft training and maintenance, AIM-9 Sidewinder air-to-air missiles, laser-guided bombs and reconnaissance equipment .", "13 billion dollars", "payment"),
    ("This was translated into 13 billion dollars worth of arms contracts with U.S. companies, including 140 M-1 Abrams battle tanks, 18 F-16 Fighting Falcons as part of a $4.2 billion program that also includes aircraft training and maintenance, AIM-9 Sidewinder air-to-air missiles, laser-guided bombs and reconnaissance equipment .", "$4.2 billion", "payment"),
    ("This was translated into 13 billion dollars worth of arms contracts with U.S. companies, including 140 M-1 Abrams battle tanks, 18 F-16 Fighting Falcons as part of a $4.2 billion program that also includes aircraft training and maintenance, AIM-9 Sidewinder air-to-air missiles, laser-guided bombs and reconnaissance equipment .", "140", "count of things"),
    ("In the south, Iran was awarded contracts for sewage and water purification by paying a $16 million bribe to a member of parliament, according to another field report.", "$16 million", "payment"),
    ("A remarkable 700 pages of documents relating to Iran’s role in Iraq has surfaced and was printed recently in The Intercept.", "700", "count of things"),
    ("The study, which totals hundreds of pages and draws on declassified documents, concludes: \"An emboldened and expansionist Iran appears to be the only victor.\"", "hundreds", "count of things"),
    ("The two countries had in fact gone to war in 1980-1988.", "1980-1988", "year range"),
    ("I worked in Iraq from 2004-2007 and again from 2008-2010 doing various tasks from multiple FOBs around the country.", "2004-2007", "year range"),
    ("It was obvious when I was in Iraq in 05-06 and 07-08 the Iranians were the ones engineering the conflict.", "07-08", "year range"),
    ("The second phase of the War began on March 20th 2003, as Coalition forces, made up mostly of U.S. military troops, invaded Iraq triggering a intricate conflict that is still claiming lives.", "2003", "date"),
    ("Source 134992 told the Iranian operatives he had worked for the agency for 18 months starting in 2008, on a program targeting al-Qaida.", "134992", "identifier"),
    ("Source 134992 told the Iranian operatives he had worked for the agency for 18 months starting in 2008, on a program targeting al-Qaida.", "18", "duration"),
    ("In a meeting that lasted more than three hours, the Iraqi told of his devotion to the Iranian system of government.", "three", "duration"),
    ("Iraq and its awful people was not worth 1 American life.", "1", "no casualty"),
    ("It was no longer a threat to the thousands of Shiite pilgrims who would pass by, but Iran's victory came at a high cost to the town's Sunni residents.", "thousands", "no casualty"),
    ("Three Iranian officials were asked to comment for this article, in queries that described the existence of the leaked cables and reports.", "Three", "no casualty"),
]


@pytest.mark.parametrize("sentence, value_text, reason", TRAP_SENTENCES)
def test_trap_numbers_are_read_but_not_figures(sentence, value_text, reason):
    readings = [r for r in read_numbers(sentence) if r.value_text == value_text]
    assert len(readings) == 1, [r.value_text for r in read_numbers(sentence)]
    assert readings[0].verdict != "figure"
    assert readings[0].verdict.startswith(reason) or reason in readings[0].verdict
    assert all(f.value_text != value_text for f in extract_figures(sentence))


#: Lines of the seed files that the loader removes as page clutter; the reader must not take them for figures either.
RAW_SEED_LINES = [
    ("003_2637237e9277fabb.txt", "  Twenty-five Years Ago: The 1991 Iraq Gulf War, America Bombs the “Highway of Death” Tracy Riddle 4 7,097 06-04-2016, 08:19 AM"),
    ("003_2637237e9277fabb.txt", "  War Crimes trial in Iraq - UK in the Dock David Guyatt 0 2,511 18-05-2014, 09:27 AM"),
    ("003_2637237e9277fabb.txt", "Users browsing this thread: 1 Guest(s)"),
    ("003_2637237e9277fabb.txt", "  • 0 Vote(s) - 0 Average"),
    ("003_2637237e9277fabb.txt", "Photo: An Iraqi woman walks between soldiers as they security for a mission outside Scania Base, Iraq. Creative Commons//U.S. Federal Government. (2009-08-18), 13:26"),
    ("000_f852db828fd11835.txt", "Use promo code ILMF2, and save up to 66% on all MyPillow purchases. (The Burning Platform benefits when you use this promo code.)"),
    ("000_f852db828fd11835.txt", "14 Comments"),
    ("000_f852db828fd11835.txt", "November 30, 2019 3:05 pm"),
]


@pytest.mark.parametrize("file, line", RAW_SEED_LINES)
def test_forum_counts_dates_and_promos_are_not_figures(seeds_dir, file, line):
    raw = [x.strip("\u00a0 ") for x in (seeds_dir / file).read_text(encoding="utf-8").splitlines()]
    assert line.strip() in raw
    assert extract_figures(line) == []


# --------------------------------------------------------------------------------------------------------------
# The figures table on the seeds
# --------------------------------------------------------------------------------------------------------------

def test_table_has_the_contract_columns_in_order(table):
    contract = "doc_id, part, comment_id, kind, low, high, qualifier, unit, who, sentence, start, end".split(", ")
    assert list(table.columns[: len(contract)]) == contract
    assert list(table.columns) == FIGURE_COLUMNS


def test_table_offsets_slice_the_sentence_and_the_number(table, corpus):
    assert len(table) >= 18
    for row in table.itertuples():
        doc = corpus[row.doc_id]
        source = doc.body if row.part == "body" else next(c.text for c in doc.comments if c.comment_id == row.comment_id)
        assert source[row.start : row.end] == row.sentence
        assert source[row.num_start : row.num_end] == row.value_text
        assert row.start <= row.num_start < row.num_end <= row.end


def test_table_bounds_are_consistent(table):
    assert set(table["kind"]) <= set(fg.KINDS)
    assert table["low"].notna().sum() + table["high"].notna().sum() > len(table)  # most figures give both bounds
    for row in table.itertuples():
        assert not (math.isnan(row.low) and math.isnan(row.high))
        if not math.isnan(row.low) and not math.isnan(row.high):
            assert row.low <= row.high
        assert row.bound == {"at most": "at most", "at least": "at least"}.get(row.bound, row.bound)
        if row.bound == "exact":
            assert row.low == row.high and not row.qualifier


def test_table_is_sorted_and_deterministic(corpus, table):
    again = figures_table(corpus)
    pd.testing.assert_frame_equal(table, again)
    order = table.assign(o=table["part"].map({"body": 0, "comment": 1}))
    assert order.sort_values(["doc_id", "o", "comment_id", "start", "num_start"]).index.tolist() == list(range(len(table)))


def test_open_bounds_are_empty_in_the_csv(table, tmp_path):
    from presslens.io import write_csv

    path = write_csv(table, tmp_path / "figures.csv")
    back = pd.read_csv(path, keep_default_na=False, dtype=str)
    nearly = back[back["value_text"] == "4,500"].iloc[0]
    assert (nearly["low"], nearly["qualifier"]) == ("", "Nearly") and float(nearly["high"]) == 4500
    at_least = back[back["value_text"] == "335,000"].iloc[0]
    assert (at_least["high"], at_least["qualifier"]) == ("", "at least") and float(at_least["low"]) == 335000


def test_comments_can_be_left_out(corpus, table):
    bodies = figures_table(corpus, include_comments=False)
    assert set(bodies["part"]) == {"body"}
    assert len(bodies) == (table["part"] == "body").sum()


def test_the_same_claim_is_linked_across_sources(table):
    claims = table.groupby("claim_id")["doc_id"].agg(lambda s: sorted(set(s)))
    assert claims["deaths:us@iraq_war"] == ["000_f852db828fd11835", "004_5ef0e76b6908624d"]
    assert claims["deaths:iraqis@iraq_war"] == ["000_f852db828fd11835", "003_2637237e9277fabb", "004_5ef0e76b6908624d"]
    assert claims["displaced:sunnis"] == ["001_9e368b0eaaa11057", "004_5ef0e76b6908624d"]
    us = table[table["claim_id"] == "deaths:us@iraq_war"].set_index("doc_id")
    assert us.loc["000_f852db828fd11835", "low"] == 8175 and math.isnan(us.loc["004_5ef0e76b6908624d", "low"])
    assert us.loc["004_5ef0e76b6908624d", "high"] == 4500


def test_a_comment_quoting_the_article_states_the_articles_claim(table):
    quote = table[(table["comment_id"] == "c001")].iloc[0]
    body = table[(table["part"] == "body") & (table["value_text"] == "3 million")].iloc[0]
    assert quote["quotes"] == "body"
    assert (quote["claim_id"], quote["conflict"], quote["group"]) == (body["claim_id"], "war_on_terror", "indirect_deaths")
    assert (table.loc[table["comment_id"] == "c004", "quotes"] == "").all()


def test_numbers_table_keeps_every_number_with_a_reason(corpus, table):
    numbers = fg.numbers_table(corpus)
    assert (numbers["verdict"] == "figure").sum() == len(table)
    assert (numbers["verdict"] != "").all()
    payments = numbers[numbers["verdict"].str.startswith("payment")]["value_text"].tolist()
    assert {"$20,000", "$16 million", "87.5 euros", "13 billion dollars", "$4.2 billion"} <= set(payments)
    rate = numbers[numbers["value_text"] == "$3,000"]["verdict"].tolist()
    assert rate == ["a rate (per month, day, person...), not a total"]


# --------------------------------------------------------------------------------------------------------------
# The gold file and the evaluation
# --------------------------------------------------------------------------------------------------------------

def test_gold_precision_and_recall_on_the_seeds(table, gold):
    result = evaluate(table, gold)
    m = result.metrics
    assert m["gold figures"] == 18 and m["gold traps"] >= 140
    assert m["recall"] == 1.0
    assert m["precision"] == 1.0
    assert m["all fields right"] == 1.0
    assert m["trap hits"] == 0
    assert result.mismatches.empty, result.mismatches.to_string()


def test_gold_covers_every_number_in_the_seeds(corpus, gold):
    """Every digit and number word of every body and comment is a gold figure or a listed trap, so the gold file is complete."""
    assert set(gold.doc_ids) == {d.doc_id for d in corpus}
    uncovered = fg.uncovered_numbers(gold, corpus)
    assert uncovered.empty, uncovered.to_string()


def test_evaluation_notices_a_missed_figure_a_wrong_bound_and_a_trap(table, gold, corpus):
    broken = table.copy()
    broken = broken[broken["value_text"] != "Tens of thousands"]  # two misses (001 and 004)
    broken.loc[broken["value_text"] == "4,500", "high"] = 4400.0
    trap = {**broken.iloc[0].to_dict(), "value_text": "$20,000", "kind": "cost", "low": 20000.0, "high": 20000.0}
    body = corpus["004_5ef0e76b6908624d"].body
    trap.update(doc_id="004_5ef0e76b6908624d", num_start=body.index("$20,000"), num_end=body.index("$20,000") + 7)
    broken = pd.concat([broken, pd.DataFrame([trap])], ignore_index=True)
    result = evaluate(broken, gold)
    assert result.metrics["recall"] == round(16 / 18, 4)
    assert result.metrics["trap hits"] == 1
    assert result.metrics["precision"] < 1.0
    problems = result.mismatches
    assert sorted(problems["problem"].unique()) == ["missed", "trap taken as a figure", "wrong field"]
    wrong = problems[problems["problem"] == "wrong field"].iloc[0]
    assert (wrong["value_text"], wrong["field"], wrong["expected"], wrong["found"]) == ("4,500", "high", "4,500", "4,400")
    assert problems.loc[problems["problem"] == "trap taken as a figure", "expected"].iloc[0] == "bonus"


@pytest.mark.parametrize(
    "content, message",
    [
        ("figures: [\n", "invalid YAML at line 2"),
        ("traps: []\n", "a 'figures' list"),
        ("figures:\n  - {doc: 999_missing, text: '1', kind: deaths, low: 1, high: 1, qualifier: '', unit: people, who: '', group: x}\n", ":2: document '999_missing' is not in the corpus"),
        ("figures:\n  - {doc: 004_5ef0e76b6908624d, text: hundreds, kind: deaths, low: 1, high: 1, qualifier: '', unit: people, who: '', group: x}\n", ":2: 'hundreds' found 4 times"),
        ("figures:\n  - {doc: 004_5ef0e76b6908624d, text: '4,500', kind: dead, low: 1, high: 1, qualifier: '', unit: people, who: '', group: x}\n", "kind 'dead' is not one of"),
        ("figures:\n  - {doc: 004_5ef0e76b6908624d, text: '4,500', kind: deaths}\n", "lacks group, high, low"),
        ("figures: []\ntraps:\n  - {doc: 004_5ef0e76b6908624d, text: '4,500', why: x}\n", ":3: unknown key(s) why"),
        ("figures: []\ntraps:\n  - {doc: 000_f852db828fd11835, part: comment, comment: c099, text: '1', reason: x}\n", "comment 'c099' is not in"),
    ],
)
def test_a_bad_gold_file_names_the_file_line_and_problem(tmp_path, corpus, content, message):
    path = tmp_path / "gold.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FiguresError, match=re.escape(message)) as info:
        load_gold(path, corpus)
    assert str(path) in str(info.value)


def test_gold_entries_for_other_corpora_can_be_skipped(tmp_path, corpus):
    path = tmp_path / "gold.yml"
    path.write_text(
        "figures:\n  - {doc: 999_elsewhere, text: '1', kind: deaths, low: 1, high: 1, qualifier: '', unit: people, who: '', group: x}\n"
        "  - {doc: 004_5ef0e76b6908624d, text: '4,500', kind: deaths, low: null, high: 4500, qualifier: Nearly, unit: people, who: U.S. troops, group: us_military}\n",
        encoding="utf-8",
    )
    gold = load_gold(path, corpus, skip_missing_documents=True)
    assert gold.doc_ids == ["004_5ef0e76b6908624d"] and len(gold.figures) == 1


# --------------------------------------------------------------------------------------------------------------
# Charts and matrices
# --------------------------------------------------------------------------------------------------------------

def test_headline_chart_shows_each_sources_us_and_iraqi_deaths(table):
    claims = fg.headline_claims(table, populations=("us", "iraqis"))
    assert claims == ["deaths:us@iraq_war", "deaths:iraqis@iraq_war"]
    fig = fg.figures_chart(table, claims=claims, source="seeds")
    assert fig.layout.xaxis.type == "log" and fig.layout.title.text
    assert list(fig.layout.yaxis.ticktext) == ["US (troops, contractors) · Iraq war", "Iraqis · Iraq war"]
    assert any("Source: seeds" in a.text for a in fig.layout.annotations)
    named = [t for t in fig.data if t.showlegend is not False and t.name]
    assert sorted({t.name for t in named}) == ["000 · The Burning Platform", "003 · US and Iran Cold Conflict: Back…", "004 · (untitled)"]
    symbols = {t.marker.symbol for t in fig.data if t.mode and "markers" in t.mode}
    assert {"circle", "triangle-left", "line-ns-open"} <= symbols  # number, "at most", range
    faded = [t for t in fig.data if t.mode == "lines" and t.hoverinfo == "skip"]
    assert faded and min(t.opacity for t in faded) < 0.3  # the open bound of "Nearly 4,500" fades out


def test_chart_hover_escapes_document_text(table):
    evil = table.iloc[[0]].assign(sentence="<script>alert(1)</script> %{x} killed", who="<b>x</b>", source="<img src=x>")
    fig = fg.figures_chart(evil, source="seeds")
    hovers = [str(c) for t in fig.data if t.customdata is not None for c in t.customdata]
    assert hovers and all("<script>" not in h and "<b>x</b>" not in h and "<img" not in h for h in hovers)
    assert any("&lt;script&gt;" in h and "%{x}" in h for h in hovers)
    assert all(t.hovertemplate in (None, "%{customdata[0]}<extra></extra>") for t in fig.data)


def test_costs_chart_is_separate_and_in_dollars(table):
    fig = fg.figures_chart(table, kinds=("cost",), source="seeds")
    assert all(t.startswith("$") for t in fig.layout.xaxis.ticktext)  # "$1T", written in full on the ticks
    assert len(fig.layout.yaxis.ticktext) == 3


def test_who_says_what_matrix_reads_across_sources(table):
    matrix = fg.who_says_what(table)
    iraqis = matrix.loc["deaths · Iraqis · Iraq war"]
    assert iraqis["000 · The Burning Platform"] == "≈ 300,000"
    assert iraqis["003 · US and Iran Cold Conflict: Back…"] == "80,000–600,000"
    assert iraqis["004 · (untitled)"] == "200,000–1 million"
    us = matrix.loc["deaths · US (troops, contractors) · Iraq war"]
    assert (us["000 · The Burning Platform"], us["004 · (untitled)"]) == ("8,175", "≤ 4,500")
    chart = fg.who_says_what_chart(table, source="seeds")
    assert chart.data[0].type == "heatmap" and chart.data[0].zmid == 0


def test_claims_table_and_display_table_keep_the_sentences(table):
    claims = fg.claims_table(table, max_chars=60)
    assert len(claims) == len(table) and claims["sentence"].str.len().max() <= 60
    shown = fg.figures_for_display(table)
    assert shown.loc[shown["qualifier"] == "Nearly", ["low", "high"]].iloc[0].tolist() == ["", "4,500"]


@pytest.mark.parametrize(
    "low, high, unit, qualifier, text",
    [(8175, 8175, "", "", "8,175"), (NAN, 4500, "", "Nearly", "≤ 4,500"), (335000, NAN, "", "at least", "≥ 335,000"),
     (2e12, 2e12, "USD", "", "$2 trillion"), (80000, 600000, "", "almost", "80,000–600,000")],
)
def test_format_bounds(low, high, unit, qualifier, text):
    assert fg.format_bounds(low, high, unit=unit, qualifier=qualifier) == text


def test_docstring_examples_run():
    results = [doctest.testmod(importlib.import_module(f"{fg.__name__}.{m.name}"), optionflags=doctest.ELLIPSIS)
               for m in pkgutil.iter_modules(fg.__path__)]
    assert sum(r.attempted for r in results) >= 5 and sum(r.failed for r in results) == 0


# ---------------------------------------------------------------------------
# Speed-ups that must not change a reading
# ---------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "ten", "Ten", "TENS", "sIx", "ſix", "half", "eleventh", "one-two", "ten_", "Ｔｅｎ", "٣", "7", "İten", "ﬁfty",
    "scores", "Kelvin", "kilo", "x", " ", ",", ".", "’", "-", "\n", "é", "thousand", "dozen", "dozens",
]), max_size=12).map("".join))
def test_the_quick_number_test_equals_the_regex(sentence):
    assert _has_number(sentence) == bool(_HAS_NUMBER.search(sentence))


def test_read_numbers_gives_each_caller_its_own_readings():
    text = "At least 40 were killed. In 2014, 3,000 more troops were sent."
    first = fg.read_numbers(text)
    first[0].verdict = "changed by the caller"
    again = fg.read_numbers(text)
    assert [(r.value_text, r.verdict) for r in again] == [("40", "figure"), ("2014", "year"),
                                                         ("3,000", "people counted without a casualty word (deployment or strength)")]
    assert [f.value_text for f in fg.extract_figures(text)] == ["40"]


def test_a_document_stated_in_another_language_is_not_read_for_figures(tmp_path):
    """The lexicon is English: in German "die" is an article ("Die Sache ist nicht beendet mit den 4 Personen",
    a sentence of a real netzpolitik.org comment section, read as 4 deaths before this gate)."""
    from presslens.corpus import load_corpus

    sentence = "Die Sache ist nicht beendet mit den 4 Personen. Am Ende die 4 Personen."
    for lang in ("de-DE", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "page.html").write_text(
            f'<html lang="{lang}"><head><title>Abmahnungen</title></head><body><article><h1>Abmahnungen</h1>'
            f"<p>{sentence}</p><p>Mehr Text folgt hier in einem zweiten Absatz des Artikels.</p></article></body></html>",
            encoding="utf-8",
        )
    F = fg
    german = load_corpus(tmp_path / "de-DE")
    assert german["page"].meta("language").value == "de-DE"
    assert F.figures_table(german).empty and F.numbers_table(german).empty
    assert F.reads_language(load_corpus(tmp_path / "en")["page"])
