"""Plain-text layout: hard-wrapped paragraphs are joined, lists and "Label: N" lines stay lines, the standfirst is
one short lead paragraph, headlines ending in a figure and name-only bylines are header parts.

Synthetic texts of each shape (an article wrapped at 72 columns, a bulleted list after a title, "Label: N" lines,
a title + byline), and the real odd-numbered pages of ``../corpora-local/news-figures-pages`` read in place
(skipped when absent; even-numbered pages are the evaluation part and are not read here).
"""

from __future__ import annotations

import textwrap

import pytest
from corpora_support import corpus_folder

from presslens.corpus import load_corpus
from presslens.segment import segment_page

PAGES = corpus_folder("news-figures-pages")

PARAGRAPHS = [
    "With enactment of the FY2009 Supplemental on June 24, 2009, Congress has approved a total of about $944 billion "
    "for military operations, base security, reconstruction, foreign aid, embassy costs, and veterans' health care "
    "for the three operations initiated since the 9/11 attacks.",
    "Of that total, CRS estimates that Iraq will receive about $683 billion (72%), OEF about $227 billion (24%) and "
    "enhanced base security about $29 billion (3%), with about $5 billion that CRS cannot allocate (1%).",
    "As of July 2009, the average monthly obligations for contracts and pay were about $10.9 billion, including "
    "$7.3 billion for Iraq, and $3.6 billion for Afghanistan.",
]


def _body(text: str) -> list[str]:
    return [s.text for s in segment_page(text).segments if s.kind == "body"]


def _kinds(text: str) -> dict[str, str]:
    return {s.text: s.kind for s in segment_page(text).segments}


def test_an_article_wrapped_at_72_columns_is_read_as_its_paragraphs(tmp_path):
    """Each paragraph is one segment starting at its first line; the body's figures are whole ("$227 billion")."""
    wrapped = [textwrap.fill(p, 72) for p in PARAGRAPHS]
    text = "The Cost of Iraq and Afghanistan\n\n" + "\n\n".join(wrapped) + "\n"
    segments = segment_page(text).segments
    assert [s.text for s in segments if s.kind == "body"] == PARAGRAPHS
    first_lines = [1 + text[: text.index(w)].count("\n") for w in wrapped]
    assert [s.line for s in segments if s.kind == "body"] == first_lines
    (tmp_path / "crs.txt").write_text(text, encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    start = doc.body.index("$227 billion (24%)")
    assert doc.body[start : start + len("$227 billion (24%)")] == "$227 billion (24%)"
    assert doc.part("title") == "The Cost of Iraq and Afghanistan"


def test_paragraphs_of_a_wrapped_text_end_at_their_short_last_line():
    """Without blank lines between them, paragraphs end where a line ending a sentence stops short of the width."""
    text = "Report title\n\n" + "\n".join(textwrap.fill(p, 72) for p in PARAGRAPHS)
    assert _body(text) == PARAGRAPHS


def test_a_word_cut_by_a_hyphen_keeps_its_hyphen():
    text = ("Title\n\nCongress approved funds for Operation Enduring Freedom in Afghanistan and other counter-\n"
            "terror operations; Operation Noble Eagle, providing enhanced security at military bases.\n")
    assert _body(text) == ["Congress approved funds for Operation Enduring Freedom in Afghanistan and other counter-terror "
                           "operations; Operation Noble Eagle, providing enhanced security at military bases."]


def test_a_bulleted_list_after_a_title_is_body_line_by_line():
    """No bullet is taken for a standfirst, and none joins another."""
    bullets = [
        "  • Total deaths: Between 110,663 and 119,380",
        "  • Coalition deaths: 4,712",
        "  • U.S. wounded: 31,768",
        "  • Iraqi Security Force deaths: At least 9,451",
        "  • Internally displaced persons: 2.6 million",
        "  • Cost of Operation Iraqi Freedom: $748.2 billion, and veterans' care more",
    ]
    text = "The Iraq War Ledger\n\nHuman costs\n\n" + "\n".join(bullets) + "\n"
    kinds = _kinds(text)
    assert kinds["The Iraq War Ledger"] == "title"
    assert [kinds[b.strip()] for b in bullets] == ["body"] * len(bullets)
    assert "standfirst" not in kinds.values()


@pytest.mark.parametrize("lead", ["Est: 15,000 - 38,000", "At least 30,000 people, maybe 80,000.", "Official: 12,762"])
def test_a_short_line_or_a_label_line_after_the_title_is_body(lead):
    text = f"The numbers, June 2005\n\n{lead}\n\nAccording to last year's study, civilian deaths may be near or beyond 100,000 in all.\n"
    assert _kinds(text)[lead] == "body"


def test_label_lines_inside_wrapped_text_stay_lines():
    labels = ["U.S. Military Wounded", "Official: 12,762", "Est: 15,000 - 38,000", "Iraqi civilian deaths: 22,191 - 25,178"]
    text = "Title of the page\n\n" + textwrap.fill(PARAGRAPHS[1], 72) + "\n" + "\n".join(labels) + "\n" + textwrap.fill(PARAGRAPHS[2], 72)
    assert _body(text) == [PARAGRAPHS[1], *labels, PARAGRAPHS[2]]


def test_the_column_names_of_rows_pasted_as_text_stay_with_their_rows_in_the_body():
    header = "Date Name Deaths Location Description"
    rows = ["9 AD Teutoburg Massacre ~30,000 Teutoburg Forest, Germany Roman legions under Varus ambushed by Germanic tribes",
            "March 16, 1190 Massacre at Clifford's Tower ~150 York, England Mob attacks Jewish residents; many commit suicide"]
    text = ("List of massacres\n\nBelow is a list of incidents that are commonly referred to as massacres, though other incidents "
            "may also qualify yet not be called massacres.\n\n" + "\n".join([header, *rows]) + "\n")
    assert _kinds(text)[header] == "body"
    subhead = "Death toll rises"
    text = f"A title\n\nA first paragraph of the article, long enough to be one.\n\n{subhead}\n\nAt least 30 people died on Monday in the city.\n"
    assert _kinds(text)[subhead] == "subhead"


def test_a_second_table_keeps_its_unit_labels_and_cells_that_repeat_the_first_tables():
    table = ["£ million", "2003-04", "2004-05", "Total", "75", "910"]
    text = ("Operations\n\nThe audited net additional cost of operations in Iraq and Afghanistan is set out as follows, "
            "table by table, for each year since 2003-04.\n\nIraq\n\n" + "\n\n".join(table) + "\n\nAfghanistan\n\n"
            + "\n\n".join(table) + "\n")
    body = _body(text)
    assert body.count("£ million") == 2 and body.count("Total") == 2 and body.count("75") == 2, body
    said_twice = "The minister said the figures would be published in full before the summer recess of Parliament."
    kinds = [s.kind for s in segment_page(f"A title\n\n{said_twice}\n\nAnother paragraph of the text, long enough to be one.\n\n{said_twice}\n").segments]
    assert kinds.count("pullquote") == 1


def test_verse_and_table_rows_stay_lines():
    verse = ["What their foes liked to do was done", "their shame was all the worst could wish", "they lost their pride"]
    table = ["Conflict | Official Death Toll | Revised Estimate |", "Syrian Civil War | 240,000 | 606,000 (Syrian Observatory) |"]
    text = "A thread\n\nA long opening post says what the thread is about, and it has more than forty words, so it is a paragraph of the body " \
           "and not a standfirst at all, as everybody reading it would agree without a doubt.\n\n" + "\n".join(verse) + "\n\n" + "\n".join(table)
    body = _body(text)
    assert body[1:] == verse + table


def test_a_standfirst_is_one_short_lead_paragraph():
    """A deck before the first paragraph stays a standfirst; two such lines are the article's text, not two decks."""
    deck = "Intelligence documents reveal how Tehran took advantage of US blundering"
    first = "The American invasion of Iraq and the overthrow of that nation's government in 2003 has rightly been described as a disaster."
    assert _kinds(f"Iran May Be the Only Winner\n\n{deck}\n\n{first}\n")[deck] == "standfirst"
    second = "Iraqi officials who spoke to reporters said the leaked cables showed the extent of that influence"
    kinds = _kinds(f"Iran May Be the Only Winner\n\n{deck}\n\n{second}\n\n{first}\n")
    assert kinds[deck] == "body" and kinds[second] == "body"


def test_a_headline_ending_in_a_figure_and_a_name_byline_are_the_header():
    title = "A world at war: Deaths from armed conflict have more than tripled since 2010"
    text = (f"{title}\n\nSarah Spickernell\n\nThe number of people who died as a result of armed combat reached 180,000 last year, "
            "according to figures from the Institute for Economics and Peace.\n\nThis was over 3.5 times higher than the 49,000 who died in 2010.\n")
    kinds = _kinds(text)
    assert kinds[title] == "title" and kinds["Sarah Spickernell"] == "byline"


def test_the_headline_above_the_byline_of_a_page_copied_whole_is_its_title():
    """Menu lines above the headline are chrome; menu items of one word never pass for the headline."""
    text = ("Skip to content\n\nLatest\nNewsletter\nPodcast\n\nWhat is Rust and why is it so popular?\n\n"
            "by Jake Goulding on January 20, 2020\n\nRust has been the most loved language for four years in a row, "
            "indicating that many of those who have had the opportunity to use it have fallen in love.\n")
    kinds = _kinds(text)
    assert kinds["What is Rust and why is it so popular?"] == "title"
    assert kinds["by Jake Goulding on January 20, 2020"] == "byline"
    assert [kinds[x] for x in ("Skip to content", "Latest", "Podcast")] == ["boilerplate"] * 3
    menu = "Home\n\nAbout\n\nFashion\n\nKolumne\n\nBy Franziska Dully\n\n" + text.split("\n\n", 4)[-1]
    assert _kinds(menu)["Kolumne"] != "title"


def test_a_heading_made_of_words_of_the_text_is_no_byline():
    text = ("The numbers, June 2005\n\nIraqi Civilian Deaths\n\nAccording to last year's study, Iraqi civilian deaths may be near "
            "or beyond 100,000, and the deaths go unreported.\n")
    assert _kinds(text)["Iraqi Civilian Deaths"] != "byline"


def test_a_one_line_story_is_no_headline():
    """A text of one line (a dataset's article field) ending in a figure is its body, not a headline."""
    story = "Syrian army units killed 80 terrorists in Idlib and Hama countryside, a military source said on 12 March 2018"
    assert _kinds(story + "\n") == {story: "body"}


# ---------------------------------------------------------------------------
# The real pages (odd numbers: development part), read in place.
# ---------------------------------------------------------------------------
def _page(number: int) -> str:
    assert number % 2 == 1, "even-numbered pages are the evaluation part"
    found = sorted(PAGES.glob(f"{number:02d}_*.txt"))
    if not found:
        pytest.skip(f"page {number:02d} of {PAGES} is absent")
    return found[0].read_text(encoding="utf-8")


def test_real_crs_report_reads_as_three_paragraphs_under_its_title():
    segments = segment_page(_page(23)).segments
    body = [s.text for s in segments if s.kind == "body"]
    assert segments[0].kind == "title" and segments[0].text.endswith("Since 9/11")
    assert len(body) == 3
    assert "OEF about $227 billion (24%) and enhanced base security" in body[1]
    assert body[2].endswith("average obligations have fallen by about 12%.")


def test_real_numbers_page_keeps_its_label_lines_in_the_body():
    body = _body(_page(21))
    assert "Est: 15,000 - 38,000" in body and "Official: 12,762" in body


def test_real_blog_keeps_its_lead_line_and_joins_its_wrapped_quotation():
    body = _body(_page(45))
    assert "At least 30,000 people, maybe 80,000." in body
    assert any("between 250,000 and 300,000 people, the head of the United Nations mission" in p for p in body)


def test_real_page_with_a_name_byline():
    kinds = _kinds(_page(19))
    assert kinds["Sarah Spickernell"] == "byline"
    assert kinds["A world at war: Deaths from armed conflict have more than tripled since 2010"] == "title"


def test_real_page_joins_a_long_line_cut_before_lower_case():
    assert any("France lost only a few thousand soldiers" in p and "under the boot of Nazi occupation" in p for p in _body(_page(13)))


def test_a_line_that_only_stamps_the_time_is_a_dateline_not_body(tmp_path):
    """ "Published: 0150 GMT August 17, 2016" above the article and "Updated 10:48 GMT" inside it leave the body; a sentence that starts "Updated with" stays."""
    from presslens.ingest.corpus import load_corpus

    text = (
        "War costs Yemen billions\n\n"
        "Published: 0150 GMT August 17, 2016\n\n"
        "The cost from damage to infrastructure in Yemen has reached 14 billion dollars, the ministry said on Tuesday in a statement.\n\n"
        "Updated 10:48 GMT\n\n"
        "Updated with 40 more deaths reported by the health ministry in the evening, the toll of the strikes rose again.\n"
    )
    (tmp_path / "yemen.txt").write_text(text, encoding="utf-8")
    body = load_corpus(tmp_path).documents[0].body
    assert "Published" not in body and "10:48" not in body
    assert "14 billion dollars" in body and body.count("Updated with 40 more deaths") == 1
