"""Comment sections of text copies (issue 14, item 3): every copied layout, threading, and never a silent loss.

Real copies are made at test time from the real pages of ``../shared/corpora/comment-pages-dev`` (read in
place, never stored): the visible text rendered the way a browser's select-all copy gives it, one block
element per line. The gold for their comments is in ``tests/data/text_copies/gold/`` (split dev / eval,
see SOURCES.md there). Layouts with no real page available under a licence that lets us store it (Disqus,
MetaFilter, Reddit, Discourse, phpBB/SMF) are tested on short texts written here in the shapes those
platforms' copies have (marked as such); the Disqus shape was checked on real copies found in public
repositories (SOURCES.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from presslens.ingest.segment import segment_page

GOLD = Path(__file__).parent / "data" / "text_copies" / "gold"


def _corpora() -> Path:
    env = os.environ.get("PRESSLENS_CORPORA")
    for base in ([Path(env)] if env else []) + [Path(__file__).resolve().parents[1].parent / "shared" / "corpora", Path("/work/shared/corpora")]:
        if (base / "comment-pages-dev").is_dir():
            return base / "comment-pages-dev"
    return Path("/nonexistent")


PAGES = _corpora()
_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 header footer section article aside nav blockquote figure figcaption "
    "table tr td th pre hr title dt dd form main".split()
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})


def copy_text(path: Path) -> str:
    """The page's visible text as a select-all copy gives it: a line break around every block element."""
    import lxml.html

    root = lxml.html.document_fromstring(path.read_bytes())
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _norm(text: str) -> str:
    return " ".join(text.split())


def _gold(stem: str) -> dict:
    return yaml.safe_load((GOLD / f"{stem}.yml").read_text(encoding="utf-8"))


def _body(result) -> str:
    return _norm("\n".join(s.text for s in result.segments if s.kind == "body"))


def _starts(comment, first_words: str, n: int = 4) -> bool:
    return " ".join(_norm(first_words).split()[:n]) in _norm(comment.text)[:300]


GOLD_PAGES = sorted(p.stem for p in GOLD.glob("*.yml"))
PARSED = [s for s in GOLD_PAGES if _gold(s)["layout"] not in (None, "comment-section-unparsed")]
UNPARSED = [s for s in GOLD_PAGES if _gold(s)["layout"] == "comment-section-unparsed"]
#: pages whose copy still leaves comment text in the body (known gaps, reported): the comments under a Stack
#: Exchange question sit above its "6 Answers" heading, as "text – Name date" lines no layout reads yet
KNOWN_GAPS = {"german.stackexchange.com.ausgeraubt"}
needs_pages = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/corpora/comment-pages-dev is absent")


@pytest.fixture(scope="module")
def copies():
    cache: dict[str, object] = {}

    def get(stem: str):
        if stem not in cache:
            cache[stem] = segment_page(copy_text(PAGES / _gold(stem)["file"]))
        return cache[stem]

    return get


# ---------------------------------------------------------------------------
# Real pages, copied as text.
# ---------------------------------------------------------------------------
@needs_pages
@pytest.mark.parametrize("stem", PARSED)
def test_real_copy_comments_authors_and_first_words(copies, stem):
    gold = _gold(stem)
    result = copies(stem)
    assert gold["layout"] in result.layouts
    assert len(result.comments) == len(gold["comments"])
    for found, want in zip(result.comments, gold["comments"]):
        assert found.pingback == bool(want.get("pingback"))
        if not (stem == "katzen-forum.net-Pepe" and want["author"] == "Lov100"):  # a member box without its name (below)
            assert found.author == want["author"]
        if not want.get("pingback"):
            assert _starts(found, want["first_words"]), (found.author, found.text[:80])


@needs_pages
@pytest.mark.parametrize(
    "stem",
    [pytest.param(s, marks=pytest.mark.xfail(strict=True, reason="known gap")) if s in KNOWN_GAPS else s for s in PARSED + UNPARSED],
)
def test_real_copy_leaves_no_comment_words_in_the_body(copies, stem):
    body = _body(copies(stem))
    for want in _gold(stem)["comments"]:
        if not want.get("pingback"):
            assert " ".join(_norm(want["first_words"]).split()[:6]) not in body


@needs_pages
@pytest.mark.parametrize("stem", UNPARSED)
def test_real_copy_an_unparsable_section_is_cut_and_reported_with_its_lines(copies, stem):
    result = copies(stem)
    assert "comment-section-unparsed" in result.layouts and result.comments == []
    warning = next(w for w in result.warnings if "could not be parsed" in w)
    first, last = map(int, re.match(r"lines (\d+)-(\d+): a comment section", warning).groups())
    cut = [s for s in result.segments if s.rule == "comment-section-unparsed"]
    assert cut and cut[0].line >= first and cut[-1].line <= last
    assert all(s.kind == "boilerplate" for s in cut)


@needs_pages
def test_real_copy_parents_where_the_copy_shows_them(copies):
    """Blogger copies show who answers (a reply has no reply link) and forum posts quote the post they answer;
    WordPress copies keep no nesting, so their comments are all top level rather than guessed."""
    for stem in ("abookshelffullofsunshine.blogspot.com.interview", "plentylife.blogspot.pamela-reif"):
        result, gold = copies(stem), _gold(stem)
        ids = [c.comment_id for c in result.comments]
        assert [None if c.reply_to is None else ids.index(c.reply_to) for c in result.comments] == [g["parent"] for g in gold["comments"]]
    forum = copies("katzen-forum.net-Pepe")
    ids = [c.comment_id for c in forum.comments]
    got = [None if c.reply_to is None else ids.index(c.reply_to) for c in forum.comments]
    want = [g["parent"] for g in _gold("katzen-forum.net-Pepe")["comments"]]
    assert sum(a == b for a, b in zip(got, want)) >= len(want) - 1
    assert all(c.reply_to is None for c in copies("franziska-elea.de.vuitton").comments)


@needs_pages
def test_real_copy_times_and_stated_counts(copies):
    cali = copies("californiaglobe.com.amazon")
    assert cali.comments[0].posted == "2020-08-15T09:35:00"
    assert cali.declared_comments == 20 and not any("says" in w for w in cali.warnings)
    elea = copies("franziska-elea.de.vuitton")
    assert elea.comments[0].posted == "2019-02-10T18:05:00" and elea.declared_comments == 17


# ---------------------------------------------------------------------------
# Layouts with no storable real page: short texts WRITTEN HERE in the shapes of those platforms' copies.
# ---------------------------------------------------------------------------
ARTICLE = (
    "Port strike enters its second week\n\n"
    "Dock workers in the city kept the port closed for a seventh day on Monday, and talks with the operators are due to resume on Thursday.\n\n"
    "The union says its members have not had a pay rise in four years, while prices rose by a fifth over the same period.\n"
)


def _check(result, want: list[tuple[str, int | None, str]]) -> None:
    ids = [c.comment_id for c in result.comments]
    got = [(c.author, None if c.reply_to is None else ids.index(c.reply_to), c.text) for c in result.comments]
    assert [(a, p) for a, p, _ in got] == [(a, p) for a, p, _ in want]
    for (_, _, text), (_, _, first) in zip(got, want):
        assert text.startswith(first), text
    body = _body(result)
    for _, _, first in want:
        assert first not in body
    assert "seventh day on Monday" in body


def test_disqus_copy_with_reply_markers_and_a_reply_to_the_earlier_comment():
    page = ARTICLE + (
        "\n5 Comments\nSort by Best\nAvatar\n"
        "Ann Lee • 6 months ago\nThe union figure for the pay gap leaves out the bonus paid in 2021.\n \n•Reply•Share ›\nAvatar\n"
        "Bob Kay Mod  Ann Lee • 6 months ago\nThe bonus was a one-off, so we left it out.\n \n•Reply•Share ›\nAvatar\n"
        "Ann Lee  Bob Kay • 5 months ago\nOne-off or not, it was paid.\n2\n•Reply•Share ›\nAvatar\n"
        "Bob Kay Mod  Ann Lee • 6 months ago\nAlso, the operators dispute the four years.\n \n•Reply•Share ›\nAvatar\n"
        "Cy Dee • a year ago\nDoes anyone know when the talks start?\n•Reply•Share ›\n"
        "Also on Port News\nA story about something else entirely, with many words in it, from another page.\n"
    )
    result = segment_page(page)
    assert result.layouts == ["disqus"]
    # the 4th comment answers Ann's FIRST comment (6 months ago), not her later one (5 months ago)
    _check(result, [("Ann Lee", None, "The union figure"), ("Bob Kay", 0, "The bonus was"), ("Ann Lee", 1, "One-off or not"),
                    ("Bob Kay", 0, "Also, the operators"), ("Cy Dee", None, "Does anyone know")])
    assert "•Reply" not in "\n".join(c.text for c in result.comments) and result.comments[2].text == "One-off or not, it was paid."
    assert "A story about something else" not in result.comments[-1].text
    assert '5 comment times are relative ("3 years ago") and were left empty' in result.warnings


def test_metafilter_copy_byline_after_the_text():
    page = ARTICLE + (
        "posted by mods_r_us at 9:58 AM on November 18, 2016 (3 comments total) [4 favorites]\n\n"
        "The same thing happened here in 2014 and it lasted a month.\n"
        "posted by alice at 10:32 AM on November 18, 2016 [2 favorites]\n\n"
        "That one ended with a two-year deal, if I remember right.\n"
        "posted by bob at 10:40 AM on November 18, 2016\n\n"
        "Solidarity from the other coast.\n"
        "posted by carol at 11:02 AM on November 18, 2016 [1 favorite]\n\n"
        "« Older post | Newer post »\n"
    )
    result = segment_page(page)
    assert result.layouts == ["metafilter"]
    _check(result, [("alice", None, "The same thing"), ("bob", None, "That one ended"), ("carol", None, "Solidarity from")])
    assert result.comments[0].posted == "2016-11-18T10:32:00" and result.declared_comments == 3 and result.warnings == []
    assert "posted by" not in "\n".join(c.text for c in result.comments)


def test_reddit_copy_levels_thread_the_replies():
    page = ARTICLE + (
        "\nSort by: best\n\nlevel 1\nharbour_rat\n· 5 yr. ago\nMy dad worked those docks; the last strike went on for weeks.\n\n123\nReply\nShare\n\n"
        "level 2\ncrane_op\n· 5 yr. ago\nAnd it ended with the same pay offer they had refused.\n\n41\nReply\nShare\n\n"
        "level 3\nharbour_rat\n· 5 yr. ago\nNot quite, the pension part was new.\n\n9\nReply\nShare\n\n"
        "level 1\nquaywatcher\n· 4 yr. ago\nHas anyone seen the operators' statement?\n\nReply\nShare\n"
    )
    result = segment_page(page)
    assert result.layouts == ["reddit"]
    _check(result, [("harbour_rat", None, "My dad worked"), ("crane_op", 0, "And it ended"), ("harbour_rat", 1, "Not quite"),
                    ("quaywatcher", None, "Has anyone seen")])
    assert [c.depth for c in result.comments] == [0, 1, 2, 0]
    assert all("Reply" not in c.text and "123" not in c.text for c in result.comments)


def test_discourse_copy_names_dates_and_post_numbers():
    page = ARTICLE + (
        "\nharbourmaster\nJ. Smith\nMar 3, 2019\n#2\n\nThe operators posted their offer on the notice board this morning.\n\n"
        "dockhand\nMar 4, 2019\n#3\n\nI read it, and it is the same as last week's.\n\n"
        "harbourmaster\nJ. Smith\nMar 4, 2019\n#4\n\nNot the same: the night shift rate is new.\n"
    )
    result = segment_page(page)
    assert result.layouts == ["discourse"]
    _check(result, [("harbourmaster", None, "The operators posted"), ("dockhand", None, "I read it"), ("harbourmaster", None, "Not the same")])
    assert result.comments[0].posted == "2019-03-03"


def test_forum_copy_quotes_are_not_the_authors_words_and_name_the_post_answered():
    page = ARTICLE + (
        "\nRe: Port strike\nPost by alice » Mon Jan 02, 2017 3:04 pm\nThe strike fund will not last another week.\n\n"
        "Re: Port strike\nPost by bob » Mon Jan 02, 2017 4:10 pm\nalice wrote:\nThe strike fund will not last another week.\n\n"
        "It has lasted longer before, in 2009.\n\n"
        "Re: Port strike\nPost by alice » Mon Jan 02, 2017 5:00 pm\nbob wrote:\nIt has lasted longer before, in 2009.\n\n"
        "Back then the fund was twice as big.\n"
    )
    result = segment_page(page)
    assert result.layouts == ["forum-quote"]
    _check(result, [("alice", None, "The strike fund"), ("bob", 0, "It has lasted"), ("alice", 1, "Back then")])
    assert "will not last" not in result.comments[1].text  # the quoted post is not bob's own text
    assert result.comments[1].posted == "2017-01-02T16:10:00"


def test_smf_copy_quote_from():
    page = ARTICLE + (
        "\nalice\n« on: March 3, 2019, 04:05:12 PM »\nWho is paying the pickets?\n\n"
        "bob\n« Reply #1 on: March 3, 2019, 05:15:00 PM »\nQuote from: alice on March 3, 2019, 04:05:12 PM\nWho is paying the pickets?\n\n"
        "The union's fund, as far as I know.\n"
    )
    result = segment_page(page)
    assert result.layouts == ["forum-quote"]
    _check(result, [("alice", None, "Who is paying"), ("bob", 0, "The union's fund")])


def test_wordpress_says_copy_with_pingbacks():
    page = ARTICLE + (
        "\n3 thoughts on “Port strike enters its second week”\n\n"
        "Ann Lee says:\n\nMarch 3, 2019 at 4:05 pm\n\nThe second paragraph gets the inflation figure wrong.\n\nReply\n\n"
        "Pingback: Weekly links | Harbour Blog\n\n"
        "Bob Kay says:\n\nMarch 4, 2019 at 9:12 am\n\nIt is the official figure.\n\nReply\n\n"
        "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n"
    )
    result = segment_page(page)
    assert result.layouts == ["wordpress-says"]
    assert [(c.author, c.pingback, c.posted) for c in result.comments] == [
        ("Ann Lee", False, "2019-03-03T16:05:00"), ("Weekly links | Harbour Blog", True, ""), ("Bob Kay", False, "2019-03-04T09:12:00")]
    assert result.comments[2].text == "It is the official figure."
    assert result.declared_comments == 3 and result.warnings == []
    assert "Leave a Reply" in [s.text for s in result.segments if s.rule == "comment-widget"]


# ---------------------------------------------------------------------------
# Threading: a reply answers an EARLIER comment it can answer.
# ---------------------------------------------------------------------------
def test_a_reply_to_a_commenter_with_two_comments_goes_to_the_one_posted_before_it():
    page = "\n".join(
        [
            "Title of a page", "", "A body paragraph long enough to count as one, with a full stop at its end.", "3 Comments",
            "ann", "ann", "January 2, 2020 1:00 pm", "", "First, at one.", "",
            "ann", "ann", "January 2, 2020 3:00 pm", "", "Second, at three.", "",
            "bob", "bob", "\u00a0 ann", "January 2, 2020 2:00 pm", "", "Answering ann's first comment, at two.",
        ]
    )
    result = segment_page(page)
    assert [(c.comment_id, c.reply_to, c.depth) for c in result.comments] == [("c001", None, 0), ("c002", None, 0), ("c003", "c001", 1)]
    assert result.warnings == []


# ---------------------------------------------------------------------------
# One line never throws an article away.
# ---------------------------------------------------------------------------
NAV_PAGE = """Home
News
Sport
_________
Business
Contact

Port strike enters its second week

By Maria Lopez

Dock workers in the city kept the port closed for a seventh day on Monday, and talks with the operators are due to resume on Thursday.

The union says its members have not had a pay rise in four years, while prices rose by a fifth over the same period.

Operators say the offer on the table, a six per cent rise over two years, is the best the industry can afford this year.
"""


def test_a_divider_in_the_nav_menu_does_not_make_the_article_boilerplate():
    result = segment_page(NAV_PAGE)
    body = _body(result)
    assert "seventh day on Monday" in body and "best the industry can afford" in body
    assert [s.rule for s in result.segments if s.text == "_________"] == ["separator"]
    assert result.layouts == [] and result.comments == []


def test_a_divider_after_the_article_still_cuts_the_appeal_below_it():
    page = NAV_PAGE + "\n-----------------------------\nPlease consider donating to keep this site running.\n"
    result = segment_page(page)
    assert "best the industry can afford" in _body(result)
    assert "Please consider donating" not in _body(result)


ZERO_PAGE = """Port strike enters its second week

By Maria Lopez | March 3, 2019

0 Comments

Dock workers in the city kept the port closed for a seventh day on Monday, and talks with the operators are due to resume on Thursday.

The union says its members have not had a pay rise in four years, while prices rose by a fifth over the same period.

Operators say the offer on the table, a six per cent rise over two years, is the best the industry can afford this year.

Related posts
"""


def test_a_zero_comments_widget_line_above_the_article_is_one_widget_line():
    result = segment_page(ZERO_PAGE)
    body = _body(result)
    assert "seventh day on Monday" in body and "best the industry can afford" in body
    assert [s.rule for s in result.segments if s.text == "0 Comments"] == ["comment-widget"]
    assert result.comments == [] and result.warnings == [] and result.layouts == []
    assert result.segments[0].kind == "title" and result.segments[0].text == "Port strike enters its second week"


def test_a_comment_count_in_the_header_with_comments_below_still_finds_them():
    page = ZERO_PAGE.replace("0 Comments", "2 Comments") + (
        "\n2 Comments\n\nAnn Lee says:\n\nMarch 3, 2019 at 4:05 pm\n\nThe second paragraph gets the inflation figure wrong.\n\nReply\n\n"
        "Bob Kay says:\n\nMarch 4, 2019 at 9:12 am\n\nIt is the official figure.\n\nReply\n"
    )
    result = segment_page(page)
    assert [c.author for c in result.comments] == ["Ann Lee", "Bob Kay"] and result.warnings == []
    assert "seventh day on Monday" in _body(result)


def test_an_unparsable_comment_section_after_the_article_is_cut_with_a_warning():
    page = ARTICLE + (
        "\n23 Comments\n\nSort by Newest\n\n"
        "JD_1977 — the operators have been saying the same thing since the nineties and nobody believes them any more.\n\n"
        "harbour — my brother is on the picket line and says the mood is good, whatever the papers write about it.\n"
    )
    result = segment_page(page)
    assert result.layouts == ["comment-section-unparsed"] and result.comments == []
    assert result.warnings[0] == "lines 7-13: a comment section that could not be parsed; cut from the body"
    assert "picket line" not in _body(result) and "seventh day on Monday" in _body(result)
    assert {s.rule for s in result.segments if s.line >= 7} == {"comment-section-unparsed"}


AEB = PAGES.parent / "aeb-dev"


@pytest.mark.skipif(not (AEB / "ground-truth.json").is_file(), reason="../shared/corpora/aeb-dev is absent")
@pytest.mark.parametrize("page", ["8634d1211c3f", "5f9c5ed5d64d"])
def test_real_pages_keep_their_article_past_a_divider_or_a_comments_line(page):
    """Two real AEB pages copied as text: a ``_________`` nav divider above the article (8634...) and a bare
    "Comments" line with a comment count above the article's end (5f9c...) used to throw most of the article away."""
    import json

    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    key = next(k for k in truth if k.startswith(page))
    result = segment_page(copy_text(next(AEB.glob(f"{key}*.html*"))))
    gold = re.findall(r"\w+", truth[key]["articleBody"].lower())
    body = set(re.findall(r"\w+", _body(result).lower()))
    assert sum(w in body for w in gold) / len(gold) >= 0.95
