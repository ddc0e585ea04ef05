"""presslens.corpus and presslens.segment on the real seeds."""

from __future__ import annotations

import re

import pytest
from corpora_support import NEWS_DEV

from presslens.corpus import html_to_text, load_corpus
from presslens.segment import Overrides, segment_page
from presslens.text import fold

TITLES = {
    "000_f852db828fd11835": "Iran May Be the Only Winner in Iraq",
    "001_9e368b0eaaa11057": "The Iran Cables: Secret Documents Show How Tehran Wields Power in Iraq at US Expense",
    "002_66a252709c82cb38": "Leaked Documents Reveal Extent of Iran’s Grip on Iraq",
    "003_2637237e9277fabb": "US and Iran Cold Conflict: Backchannels of the Iraq War",
    "004_5ef0e76b6908624d": "",  # the page has no headline, only a "Highlights" box
}

# (author, posted, parent's position in this list or None, depth) for seed 000, in page order.
COMMENTS_000 = [
    ("starfcker", "2019-11-30T15:05:00", None, 0),
    ("gilberts", "2019-11-30T17:37:00", 0, 1),
    ("Jai Seli", "2019-11-30T15:25:00", None, 0),
    ("Pequiste", "2019-11-30T15:30:00", None, 0),
    ("Anonymous", "2019-12-01T12:12:00", 3, 1),
    ("CCRider", "2019-11-30T15:46:00", None, 0),
    ("TN Patriot", "2019-11-30T15:47:00", None, 0),
    ("Hollow man", "2019-11-30T16:47:00", None, 0),
    ("yahsure", "2019-11-30T16:49:00", None, 0),
    ("gilberts", "2019-11-30T18:06:00", None, 0),
    ("e.d ott", "2019-11-30T19:03:00", 9, 1),
    ("gilberts", "2019-11-30T21:16:00", 10, 2),
    ("Fleabaggs", "2019-11-30T19:26:00", None, 0),
    ("Anonymous", "2019-12-01T01:42:00", None, 0),
]

# Page clutter that must never reach a body, by document.
BOILERPLATE = {
    "000_f852db828fd11835": [
        "It is my sincere desire to provide readers of this site",
        "To donate via Stripe, click here.",
        "Use promo code ILMF2",
        "Click to visit the TBP Store",
        "Notify of",
        "14 Comments",
        "Image result for",
        "-----",
    ],
    "001_9e368b0eaaa11057": ["What's your reaction?", "umatno.info", "0 comment", "Write the first comment for this!"],
    "002_66a252709c82cb38": ["You might be interested also", "(Photo: AP)"],
    "003_2637237e9277fabb": [
        "Thread Rating:",
        "Vote(s)",
        "Possibly Related Threads",
        "Last Post:",
        "Forum Jump:",
        "Users browsing this thread",
        "The philosophers have only interpreted the world",
        "Mandy Rice-Davies",
        "Ghandi, when asked about Western Civilisation",
        "Quoted files:",
        "Other files used as source:",
        "[Image:",
        "#GIFiles",
        "Donate to Wikileaks",
    ],
    "004_5ef0e76b6908624d": ["Highlights"],
}


@pytest.mark.parametrize("doc_id, title", sorted(TITLES.items()))
def test_every_title(corpus, doc_id, title):
    assert corpus[doc_id].title == title


def test_seed_000_has_fourteen_threaded_comments(corpus):
    comments = corpus["000_f852db828fd11835"].comments
    assert len(comments) == 14
    assert corpus["000_f852db828fd11835"].declared_comments == 14
    found = [(c.author, c.posted, c.reply_to, c.depth) for c in comments]
    expected = [
        (author, posted, None if parent is None else comments[parent].comment_id, depth)
        for author, posted, parent, depth in COMMENTS_000
    ]
    assert found == expected


def test_comment_texts_are_whole_and_exclude_the_header_lines(corpus):
    comments = corpus["000_f852db828fd11835"].comments
    assert comments[0].text.startswith("“the total dead from collateral causes")
    assert comments[0].text.endswith("so we don’t have to fight them here?")
    # a reply keeps every paragraph and none of the "author / author / reply-to / date" head
    gilberts = comments[1]
    assert gilberts.text.startswith("The only problem is we didn’t need to fight them there.\nIraq had nothing to do with 9/11")
    assert "starfcker" not in gilberts.text and "November 30" not in gilberts.text
    assert "\n\n" in gilberts.text
    assert comments[-1].text.endswith("make them an offer they can’t refuse.")


@pytest.mark.parametrize("doc_id", sorted(BOILERPLATE))
def test_boilerplate_absent_from_bodies_and_kept_aside(corpus, doc_id):
    doc = corpus[doc_id]
    removed = "\n".join(s.text for s in doc.segments if s.kind != "body")
    for phrase in BOILERPLATE[doc_id]:
        assert phrase not in doc.body, f"{phrase!r} left in the body of {doc_id}"
        assert phrase in removed, f"{phrase!r} not recorded as removed from {doc_id}"


def test_no_comment_text_in_bodies(corpus):
    for doc in corpus:
        for c in doc.comments:
            assert c.text[:60] not in doc.body


@pytest.mark.parametrize("doc_id", sorted(TITLES))
def test_every_line_of_the_file_is_accounted_for(corpus, seeds_dir, doc_id):
    """Bodies are complete: each non-blank line is a body paragraph, another segment, or part of a comment."""
    doc = corpus[doc_id]
    lines = (seeds_dir / doc.file).read_text(encoding="utf-8").split("\n")
    placed = {s.line for s in doc.segments}
    comment_text = "\n".join(c.text for c in doc.comments)
    for number, line in enumerate(lines, start=1):
        if not line.strip() or number in placed:
            continue
        if line.strip() in comment_text:
            continue
        head = any(number in range(c.line, c.line + 4) for c in doc.comments)
        assert head, f"{doc.file} line {number} is lost: {line[:80]!r}"


def test_body_paragraphs_start_and_end_where_the_article_does(corpus):
    assert corpus["000_f852db828fd11835"].paragraphs[0].startswith("The American invasion of Iraq")
    assert corpus["000_f852db828fd11835"].paragraphs[-1].endswith("“What comes next?”")
    assert corpus["003_2637237e9277fabb"].paragraphs[0].startswith("September 11th and the fall of the Twin Towers")
    assert corpus["004_5ef0e76b6908624d"].paragraphs[0].startswith("In mid-October, with unrest swirling in Baghdad")
    assert corpus["001_9e368b0eaaa11057"].paragraphs[-1].endswith("will collaborate to save himself.”")


def test_header_parts(corpus):
    assert corpus["000_f852db828fd11835"].part("byline") == "Guest Post by Philip Giraldi"
    assert corpus["000_f852db828fd11835"].part("standfirst") == "Intelligence documents reveal how Tehran took advantage of US blundering"
    assert corpus["001_9e368b0eaaa11057"].part("standfirst").startswith("Hundreds of leaked intelligence reports shed light")
    assert corpus["002_66a252709c82cb38"].part("standfirst").startswith("A trove of leaked Iranian intelligence reports")
    assert corpus["003_2637237e9277fabb"].part("dateline") == "REYKJAVIK -"
    assert corpus["003_2637237e9277fabb"].part("note").startswith("This piece was made through an investigative partnership")
    assert corpus["001_9e368b0eaaa11057"].part("credit").startswith("Tim Arango, James Risen")
    assert corpus["000_f852db828fd11835"].part("credit") == "Reprinted with permission from Strategic Culture Foundation."
    subheads = corpus["004_5ef0e76b6908624d"].part("subhead").split("\n")
    assert subheads[:3] == ["A spy thriller", "Iran's Revolutionary Guard", "Cultivating high-level officials in Iraq"]


def test_summary_and_pull_quote_are_marked_not_counted_twice(corpus):
    nyt = corpus["001_9e368b0eaaa11057"]
    pull = [s for s in nyt.segments if s.kind == "pullquote"]
    assert len(pull) == 1 and pull[0].text.endswith("(The New York Times)")
    repeated = nyt.paragraphs[pull[0].repeats]
    assert repeated.startswith("The unprecedented leak exposes Tehran’s vast influence in Iraq")
    assert sum(fold(p).startswith("the unprecedented leak exposes") for p in nyt.paragraphs) == 1

    full = corpus["004_5ef0e76b6908624d"]
    summary = [s for s in full.segments if s.kind == "summary"]
    assert len(summary) == 1 and summary[0].repeats is not None
    assert full.paragraphs[summary[0].repeats].startswith("The unprecedented leak exposes Tehran's vast influence")
    assert summary[0].text not in full.body


def test_captions_are_not_body(corpus):
    assert "Iraqis walk past a poster of Ayatollah Ruhollah Khomeini" not in corpus["001_9e368b0eaaa11057"].body
    assert corpus["001_9e368b0eaaa11057"].part("caption").startswith("Iraqis walk past a poster")
    assert corpus["003_2637237e9277fabb"].part("caption").startswith("Photo: An Iraqi woman walks between soldiers")


def test_documents_without_comments_have_none(corpus):
    for doc_id in ("001_9e368b0eaaa11057", "002_66a252709c82cb38", "003_2637237e9277fabb", "004_5ef0e76b6908624d"):
        assert corpus[doc_id].comments == []
    assert corpus["001_9e368b0eaaa11057"].declared_comments == 0


def test_metadata_is_attached_with_basis(corpus):
    doc = corpus["003_2637237e9277fabb"]
    assert (doc.meta("published").value, doc.meta("published").basis) == ("2012-08-05", "stated")
    assert doc.meta("genre").value == "forum post"
    assert corpus["000_f852db828fd11835"].meta("outlet").value == "The Burning Platform"
    assert corpus["004_5ef0e76b6908624d"].meta("outlet").basis == "unknown"
    assert corpus["004_5ef0e76b6908624d"].meta("outlet").value == ""


def test_threading_resolves_a_reply_to_the_nearest_author_on_the_path():
    page = "\n".join(
        [
            "Title of a page",
            "",
            "A body paragraph long enough to count as one, with a full stop at its end.",
            "3 Comments",
            "ann", "ann", "January 2, 2020 1:00 pm", "", "First.", "",
            "bob", "bob", "\u00a0 ann", "January 2, 2020 2:00 pm", "", "Reply to ann.", "",
            "ann", "ann", "\u00a0 bob", "January 2, 2020 3:00 pm", "", "Reply to bob.",
        ]
    )
    result = segment_page(page)
    assert [(c.comment_id, c.reply_to, c.depth) for c in result.comments] == [("c001", None, 0), ("c002", "c001", 1), ("c003", "c002", 2)]
    assert result.warnings == []


def test_declared_count_mismatch_is_a_warning():
    page = "Title\n\nA body paragraph long enough to count as one, with a full stop at its end.\n2 Comments\nann\nann\nJanuary 2, 2020 1:00 pm\n\nOnly one."
    result = segment_page(page)
    assert len(result.comments) == 1
    assert result.warnings == ["the page says 2 comments but 1 were found"]


def test_overrides_remove_and_keep_lines():
    page = "Title here\n\nFirst paragraph of the article, long enough to be a paragraph.\n\nAdvertisement: buy our mugs now.\n\nSecond paragraph of the article, long enough to be one too."
    plain = segment_page(page)
    assert "Advertisement" in "\n".join(s.text for s in plain.segments if s.kind == "body")
    fixed = segment_page(page, overrides=Overrides(boilerplate=[r"^Advertisement:"]))
    assert "Advertisement" not in "\n".join(s.text for s in fixed.segments if s.kind == "body")
    assert [s.rule for s in fixed.segments if s.kind == "boilerplate"] == ["override-boilerplate"]


def test_html_pages_are_read_as_text(tmp_path):
    page = (
        "<html><head><title>Ignored head title</title><script>alert(1)</script></head><body>"
        "<h1>Iran’s grip on Iraq</h1><p>Some 700 pages of leaked Iranian documents reveal the depth of Iranian influence in Iraq.</p>"
        "<p>Qassem Suleimani &amp; the Quds Force played a unique role, the report says in its summary.</p>"
        "<div>You might be interested also</div></body></html>"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    doc = corpus["page"]
    assert doc.part("title") == "Iran’s grip on Iraq"
    assert "Qassem Suleimani & the Quds Force" in doc.body
    assert "alert" not in doc.body and "You might be interested" not in doc.body
    assert html_to_text("<p>a</p><p>b</p>") == "a\n\nb"


def test_documents_are_sorted_and_ids_are_file_stems(corpus):
    ids = [d.doc_id for d in corpus]
    assert ids == sorted(ids) and len(ids) == 5
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}", i) for i in ids)


def test_an_impossible_comment_date_is_kept_empty_with_a_warning():
    page = "Title\n\nA body paragraph long enough to count as one, with a full stop at its end.\n1 Comments\nann\nann\nNovember 31, 2019 25:61 pm\n\nHello."
    result = segment_page(page)
    assert [(c.author, c.posted, c.text) for c in result.comments] == [("ann", "", "Hello.")]
    assert result.warnings == ["comment by 'ann' at line 5: time 'November 31, 2019 25:61 pm' is not a valid date; left empty"]


# ---------------------------------------------------------------------------
# A text stored as one long line (a dataset's article field): the line rules are about clutter lines
# ---------------------------------------------------------------------------

ONE_LINE_STORY = (
    "Last updated at Mar 032017 HOMS Syria A car bomb killed at least 12 people and wounded 30 on Friday in a market of the city. "
    "It was the deadliest attack on the city this year, a monitor said. Rescue workers carried the wounded from the rubble of two shops. "
    "The provincial governor urged residents to donate blood at the city's hospitals, which were swamped with casualties. "
    "No group has claimed the attack, but extremists have struck the city before. "
    "More than 300000 people have been killed in the country since the war began. (AFP)"
)


def test_a_story_on_one_line_is_body_though_one_sentence_sounds_like_clutter(tmp_path):
    """"urging residents to donate blood" and the closing "(AFP)" are sentences of the story, not a donation appeal or a caption."""
    result = segment_page(ONE_LINE_STORY)
    assert [(s.kind, s.rule) for s in result.segments] == [("body", "text")]
    (tmp_path / "story.txt").write_text(ONE_LINE_STORY, encoding="utf-8")
    assert load_corpus(tmp_path, strict=True)["story"].body == ONE_LINE_STORY


@pytest.mark.parametrize(
    "line, rule",
    [
        ("To donate via Stripe, click here.", "donation-appeal"),
        ("We are reader-funded. Please consider supporting our reporters, who travel to the places others leave, with a "
         "monthly gift. Thank you. Please donate now: it takes a minute, and every contribution, however small, keeps our "
         "journalism free for everyone who reads it and independent of any government and any owner.", "donation-appeal"),
        ("Soldiers patrol a market of the city after the attack that killed twelve people on Friday, the deadliest this "
         "year, officials said. (AP)", "caption-credit"),
    ],
)
def test_clutter_lines_are_still_clutter(line, rule):
    """A line that is clutter, also a paragraph-long appeal whose sentences are mostly the appeal, keeps its rule."""
    page = "Title of the story\n\n" + ONE_LINE_STORY + "\n\n" + line
    assert [s.rule for s in segment_page(page).segments if s.text == line] == [rule]


def test_every_text_of_the_news_corpus_is_read_with_its_full_text():
    """Each of the 40 real news texts gives a document whose body is the whole file but its headline (BBC) or nothing
    (FA-KES, one line each; 31 was rejected as a donation appeal for "urging residents to donate blood")."""
    if not NEWS_DEV.is_dir():
        pytest.skip(f"the development corpora are absent ({NEWS_DEV})")
    corpus = load_corpus(NEWS_DEV, strict=True)
    files = sorted(p for p in NEWS_DEV.glob("*.txt"))
    assert [d.doc_id for d in corpus] == [p.stem for p in files] and len(files) == 40
    for doc, path in zip(corpus, files):
        text = path.read_text(encoding="utf-8")
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        expected = lines[1:] if doc.part("title") else lines
        assert doc.body.split() == " ".join(expected).split(), doc.doc_id
        assert doc.comments == []
    assert "donate blood for the victims" in corpus["31_jordantimes_massive_daesh_bomb_attack_kills_44_in_syrian"].body
