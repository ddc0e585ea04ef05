"""Comment sections of text pages: the layouts analysts copy from the browser, their heads and times, threading.

A text copy keeps none of the markup that says where a comment starts, so each
platform's comment list is recognised by the lines its template prints around
every comment: wpDiscuz repeats the author's name (avatar alt text and name),
WordPress themes print "Name says:" and a date line, Disqus "Name • 3 years
ago", MetaFilter a "posted by" byline *after* the text, Reddit "level 2" and
"user · 5 yr. ago", Discourse a date and a post number, forums a post header
and quote blocks. :data:`LAYOUTS` lists one small detector per layout, tried in
order; the first that finds its heads on the page owns the comment section.

:func:`locate_comments` is what :mod:`.segment` calls: it finds the section,
parses and threads its comments, and says which lines are widget chrome. When
a page shows a comment section (a count line, "Leave a reply", a layout's
chrome) that no layout can parse, the section is still cut from the body and
reported with its line range, so comment text never passes for the article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from . import rules
from .rules import COMMENT_COUNT, COMMENT_COUNT_LINE, COMMENT_TIME, REPLY_TO


@dataclass
class Comment:
    """A reader comment or forum reply, threaded."""

    comment_id: str
    author: str
    posted: str  # ISO 8601, empty when the page gives no time
    reply_to: str | None
    depth: int
    text: str
    line: int
    pingback: bool = False  # a pingback or trackback (another site linking here), not a reader's words


@dataclass
class _Head:
    """Where one comment is on the page, before its text is cut out and it is threaded."""

    line: int  # 0-based first line of the comment (its head, or its text when the byline follows it)
    author: str
    posted_raw: str
    text_start: int
    text_end: int | None = None  # one past the comment's last line; None: up to the next comment
    reply_name: str | None = None  # the name the page says this comment answers
    level: int | None = None  # the depth the page prints (Reddit's "level 2" is 1)
    pingback: bool = False


@dataclass(frozen=True)
class Layout:
    """One copied comment layout: how to find its comment heads, and how its comments' text ends.

    Attributes:
        name: what ``layouts`` reports when this layout parses the section.
        heads: finds every comment head on the page (0-based lines, page order).
        min_heads: how many heads it takes to believe the layout (one "X said:" is a quotation, not a forum).
        quotes: whether quoted posts ("X wrote:" blocks) are cut from the text and name the post answered.
    """

    name: str
    heads: Callable[[list[str]], list[_Head]]
    min_heads: int = 1
    quotes: bool = False


@dataclass
class Located:
    """The comment section of a page, as :func:`locate_comments` found it."""

    start: int  # 0-based first line of the section (with its heading and widget chrome); len(lines) when none
    layout: str | None
    comments: list[Comment] = field(default_factory=list)
    declared: int | None = None
    warnings: list[str] = field(default_factory=list)
    chrome: list[int] = field(default_factory=list)  # lines of the section that are the widget's chrome
    unparsed: tuple[int, int] | None = None  # (first, last) 0-based lines of a section that could not be parsed
    widget_lines: list[int] = field(default_factory=list)  # lone widget lines outside the section ("0 Comments")


# ---------------------------------------------------------------------------
# Small line tests shared by the layouts.
# ---------------------------------------------------------------------------
def _strip(line: str) -> str:
    return line.strip()


def _next_content(lines: list[str], i: int, limit: int = 3) -> int | None:
    """The next non-blank line after ``i`` within ``limit`` lines, or None."""
    j = i + 1
    while j < len(lines) and j <= i + limit:
        if lines[j].strip():
            return j
        j += 1
    return None


def _is_button(line: str) -> bool:
    low = " ".join(line.lower().split())
    return (low in rules.COMMENT_BUTTONS or bool(rules.VOTE_LINE.match(line)) or bool(rules.DISQUS_CHROME.match(line))
            or bool(rules.LIKE_BUTTON.match(line)))


# ---------------------------------------------------------------------------
# The layouts' head detectors.
# ---------------------------------------------------------------------------
def _wpdiscuz_heads(lines: list[str]) -> list[_Head]:
    """wpDiscuz: the author's name twice (avatar alt text and name), an optional indented "reply to" line, the time."""
    heads: list[_Head] = []
    i = 0
    while i < len(lines):
        head = _wpdiscuz_head(lines, i)
        if head:
            heads.append(head)
            i = head.text_start
            continue
        i += 1
    return heads


def _wpdiscuz_head(lines: list[str], i: int) -> _Head | None:
    if i + 2 >= len(lines):
        return None
    author = lines[i].strip()
    if not author or lines[i + 1].strip() != author or len(author) > 60:
        return None
    j = i + 2
    reply_name = None
    match = REPLY_TO.match(lines[j]) if lines[j][:1] in ("\u00a0", " ", "\t") else None
    if match:
        reply_name = match.group("name")
        j += 1
    if j >= len(lines):
        return None
    when = COMMENT_TIME.match(lines[j])
    if not when:
        return None
    return _Head(line=i, author=author, posted_raw=lines[j].strip(), text_start=j + 1, reply_name=reply_name)


def _says_heads(lines: list[str]) -> list[_Head]:
    """WordPress themes: "Name says:" then the date line; pingbacks ("Pingback: <title>") sit in the same list."""
    heads: list[_Head] = []
    for i, line in enumerate(lines):
        says = rules.SAYS_HEAD.match(line)
        if says:
            j = _next_content(lines, i)
            if j is not None and rules.COMMENT_TIME_LINE.match(lines[j]):
                heads.append(_Head(line=i, author=says.group("name").strip(), posted_raw=lines[j].strip(), text_start=j + 1))
            continue
        ping = rules.PINGBACK.match(line)
        if ping and heads:
            heads.append(_Head(line=i, author=ping.group("title"), posted_raw="", text_start=i, text_end=i + 1, pingback=True))
    # pingbacks above the first comment belong to the list too (they are listed in date order with the comments)
    if heads:
        first = heads[0].line
        k = first - 1
        while k >= 0 and (not lines[k].strip() or rules.PINGBACK.match(lines[k])):
            ping = rules.PINGBACK.match(lines[k])
            if ping:
                heads.insert(0, _Head(line=k, author=ping.group("title"), posted_raw="", text_start=k, text_end=k + 1, pingback=True))
            k -= 1
    return heads


def _plain_heads(lines: list[str]) -> list[_Head]:
    """WordPress themes without "says:": the name, an optional badge ("Autor"), the time line, the text, a button.

    A name and a date also open many articles (the byline), so a head only counts when a reply/like button
    follows it before the next head, as every comment of these themes has one.
    """
    candidates: list[_Head] = []
    for i, line in enumerate(lines):
        name = line.strip()
        pipe = rules.NAME_PIPE_TIME.match(name)
        if pipe and rules.COMMENT_TIME_LINE.match(pipe.group("when")):
            candidates.append(_Head(line=i, author=pipe.group("name"), posted_raw=pipe.group("when"), text_start=i + 1))
            continue
        if not name[:1].isalnum() and name[:1] != "@":
            continue  # "– Bill" (a Stack Exchange comment's signature), "♦"
        if not name or len(name) > 60 or len(name.split()) > 8 or rules.TERMINAL.search(name) and not _initial_or_paren(name):
            continue
        if (rules.COMMENT_TIME_LINE.match(name) or _is_button(name) or rules.COMMENT_SECTION_HEADING.match(name)
                or rules.AUTHOR_BADGE.match(name)):
            continue
        j = _next_content(lines, i, limit=2)
        if j is not None and rules.AUTHOR_BADGE.match(lines[j]):
            j = _next_content(lines, j, limit=2)
        if j is None or not rules.COMMENT_TIME_LINE.match(lines[j]):
            continue
        candidates.append(_Head(line=i, author=name, posted_raw=lines[j].strip(), text_start=j + 1))
    heads = []
    for n, head in enumerate(candidates):
        end = candidates[n + 1].line if n + 1 < len(candidates) else min(len(lines), head.text_start + 80)
        if any(_is_button(lines[k]) and not rules.VOTE_LINE.match(lines[k]) for k in range(head.text_start, end)):
            heads.append(head)
    return heads


def _initial_or_paren(name: str) -> bool:
    """A name may end like a sentence only with an initial ("Astrid S.") or a parenthesis ("Ann (@ann)")."""
    return name.endswith(")") or bool(re.search(r"(?:^|\s)\w{1,2}\.$", name))


def _blogger_heads(lines: list[str]) -> list[_Head]:
    """Blogger: after "N Kommentare:" / "5 comments:", each comment's name glued to its time ("Ruby21:00")."""
    heading = next((i for i, line in enumerate(lines) if rules.BLOGGER_HEADING.match(line)), None)
    if heading is None:
        return []
    heads = []
    for i in range(heading + 1, len(lines)):
        match = rules.BLOGGER_HEAD.match(lines[i])
        if match and not rules.COMMENT_TIME_LINE.match(lines[i]) and len(match.group("name").split()) <= 6:
            heads.append(_Head(line=i, author=match.group("name").strip(), posted_raw=match.group("when"), text_start=i + 1))
    # Blogger threads have two levels, and only a thread's top comment has a reply link: its buttons read
    # "AntwortenLöschen" / "ReplyDelete", a reply's only "Löschen" / "Delete"
    for n, head in enumerate(heads):
        end = heads[n + 1].line if n + 1 < len(heads) else min(len(lines), head.text_start + 60)
        buttons = [re.sub(r"\s+", "", lines[k].lower()) for k in range(head.text_start, end)]
        if any(b in rules.BLOGGER_TOP_BUTTONS for b in buttons):
            head.level = 1
        elif any(b in rules.BLOGGER_REPLY_BUTTONS for b in buttons):
            head.level = 2
        else:
            head.level = 1
    return heads


def _disqus_heads(lines: list[str]) -> list[_Head]:
    """Disqus: "Name • 3 years ago", "Name Mod  Parent • 3 years ago" (the name replied to after two spaces)."""
    heads: list[_Head] = []
    for i, line in enumerate(lines):
        match = rules.DISQUS_HEAD.match(line)
        if match:
            heads.append(_Head(line=i, author=match.group("name").strip(), posted_raw=match.group("when"),
                               text_start=i + 1, reply_name=(match.group("parent") or None)))
    return heads


def _metafilter_heads(lines: list[str]) -> list[_Head]:
    """MetaFilter: the comment's text, then "posted by X at 10:32 AM on November 18 [2 favorites]".

    The post's own byline carries "(N comments total)"; comments start after it.
    """
    bylines = [(i, m) for i, line in enumerate(lines) if (m := rules.METAFILTER_BYLINE.match(line))]
    if not bylines:
        return []
    heads: list[_Head] = []
    start = None
    for n, (i, match) in enumerate(bylines):
        if start is None:
            if rules.METAFILTER_TOTAL.search(match.group("rest")) or n == 0 and len(bylines) > 1 and _looks_like_post_byline(lines, i):
                start = i + 1
                continue
            start = _text_block_start(lines, i)
        first = next((k for k in range(start, i) if lines[k].strip() and not _is_button(lines[k])), i)
        heads.append(_Head(line=first, author=match.group("name").strip(), posted_raw=f"{match.group('date')} {match.group('time')}",
                           text_start=first, text_end=i + 1))
        start = i + 1
    return heads


def _looks_like_post_byline(lines: list[str], i: int) -> bool:
    return bool(re.search(r"\b(?:comments?|favorites?)\b", lines[i], re.I)) and "total" in lines[i].lower()


def _text_block_start(lines: list[str], i: int) -> int:
    """The first line of the run of text just above line ``i`` (back to a blank line after a long block)."""
    k = i - 1
    while k > 0 and lines[k - 1].strip():
        k -= 1
    return max(k, 0)


def _reddit_heads(lines: list[str]) -> list[_Head]:
    """Reddit copies: new Reddit's "level 2" / "username" / "· 5 yr. ago" (or "username · 5 yr. ago"), old Reddit's
    "[–] username 12 points 5 years ago"."""
    heads: list[_Head] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        old = rules.REDDIT_OLD_HEAD.match(line)
        if old:
            heads.append(_Head(line=i, author=old.group("name"), posted_raw=old.group("when"), text_start=i + 1))
            i += 1
            continue
        level = rules.REDDIT_LEVEL.match(line)
        if level:
            j = _next_content(lines, i)
            head = None
            if j is not None:
                one = rules.REDDIT_HEAD.match(lines[j])
                if one and one.group("name"):
                    head = _Head(line=i, author=one.group("name"), posted_raw=one.group("when"), text_start=j + 1)
                elif rules.REDDIT_USER.match(lines[j]):
                    k = _next_content(lines, j)
                    when = rules.REDDIT_HEAD.match(lines[k]) if k is not None else None
                    if when and not when.group("name"):
                        head = _Head(line=i, author=lines[j].strip().removeprefix("u/"), posted_raw=when.group("when"), text_start=k + 1)
                    elif k is not None and rules.COMMENT_TIME_LINE.match(lines[k]):
                        head = _Head(line=i, author=lines[j].strip().removeprefix("u/"), posted_raw=lines[k].strip(), text_start=k + 1)
            if head:
                head.level = int(level.group("level"))
                heads.append(head)
                i = head.text_start
                continue
        i += 1
    return heads


def _discourse_heads(lines: list[str]) -> list[_Head]:
    """Discourse: "name", an optional full name, the date ("Mar 3, 2019", "Mar '19"), the post number "#3"
    (or the crawler view's one line "name (Full Name) March 3, 2019, 4:05pm #3")."""
    heads: list[_Head] = []
    for i, line in enumerate(lines):
        one = rules.DISCOURSE_ONE_LINE.match(line)
        if one:
            heads.append(_Head(line=i, author=one.group("name"), posted_raw=one.group("when"), text_start=i + 1))
            continue
        number = rules.POST_NUMBER.match(line)
        if not number:
            continue
        previous = [k for k in range(max(0, i - 6), i) if lines[k].strip()]
        if len(previous) < 2 or not rules.DISCOURSE_DATE.match(lines[previous[-1]]):
            continue
        names = [k for k in previous[:-1] if not rules.FORUM_PROFILE.match(lines[k]) and len(lines[k].split()) <= 4]
        if not names:
            continue
        # the username is the line just above the full name (or the date when no full name is shown)
        name_line = names[-2] if len(names) >= 2 and _is_username(lines[names[-2]]) and not _is_username(lines[names[-1]]) else names[-1]
        heads.append(_Head(line=name_line, author=lines[name_line].strip(), posted_raw=lines[previous[-1]].strip(), text_start=i + 1))
    return heads


def _is_username(line: str) -> bool:
    return bool(re.fullmatch(r"[\w.-]{2,40}", line.strip()))


def _forum_heads(lines: list[str]) -> list[_Head]:
    """Forum posts: phpBB "Post by X » date", SMF "X" / "« Reply #3 on: date »", and the member box of XenForo-like
    themes (name, role, "Joined" / "Messages" ... then the post's date and its number "#3")."""
    heads: list[_Head] = []
    for i, line in enumerate(lines):
        if rules.POST_NUMBER.match(line):
            date = _previous_content(lines, i)
            if date is not None and rules.COMMENT_TIME_LINE.match(lines[date]):
                author = _member_box_author(lines, date)
                if author is not None:
                    heads.append(_Head(line=author, author=lines[author].strip(), posted_raw=lines[date].strip(), text_start=i + 1))
            continue
        php = rules.PHPBB_HEAD.match(line)
        if php:
            heads.append(_Head(line=i, author=php.group("name").strip(), posted_raw=php.group("when"), text_start=i + 1))
            continue
        smf = rules.SMF_HEAD.match(line)
        if smf:
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            if k >= 0 and len(lines[k].split()) <= 5:
                heads.append(_Head(line=k, author=lines[k].strip(), posted_raw=smf.group("when"), text_start=i + 1))
    return heads


def _previous_content(lines: list[str], i: int, limit: int = 3) -> int | None:
    j = i - 1
    while j >= 0 and j >= i - limit:
        if lines[j].strip():
            return j
        j -= 1
    return None


def _member_box_author(lines: list[str], date: int) -> int | None:
    """The author's line of a forum member box above a post's date: the box is the run of short lines with
    profile labels ("Mitglied seit", "Beiträge", "Joined", "Messages"); its first name-like line (after an avatar
    initial) is the author."""
    box: list[int] = []
    k = _previous_content(lines, date)
    labels = 0
    while k is not None and len(box) < 16:
        line = lines[k].strip()
        if len(line.split()) > 4 or (rules.TERMINAL.search(line) and not re.fullmatch(r"[\d.,]+", line)
                                     and not rules.COMMENT_TIME_LINE.match(line)):
            break
        box.insert(0, k)
        labels += bool(rules.FORUM_PROFILE.match(line))
        k = _previous_content(lines, k)
    if not labels:
        return None
    first_label = next(k for k in box if rules.FORUM_PROFILE.match(lines[k]))
    names = [k for k in box if k < first_label and len(lines[k].strip()) > 2]
    if not names:
        return None
    # name, then the member's role ("Forenprofi"): the name is the first of the two
    return names[-2] if len(names) >= 2 else names[-1]


#: the copied layouts, tried in order; the first that finds at least ``min_heads`` heads owns the section
LAYOUTS: list[Layout] = [
    Layout("threaded-comments", _wpdiscuz_heads),
    Layout("wordpress-says", _says_heads),
    Layout("disqus", _disqus_heads, min_heads=2),
    Layout("wordpress-plain", _plain_heads, min_heads=2),
    Layout("blogger", _blogger_heads),
    Layout("metafilter", _metafilter_heads),
    Layout("reddit", _reddit_heads, min_heads=2),
    Layout("discourse", _discourse_heads, min_heads=2, quotes=True),
    Layout("forum-quote", _forum_heads, min_heads=2, quotes=True),
]


# ---------------------------------------------------------------------------
# The section: where it starts, its comments, or why it could not be read.
# ---------------------------------------------------------------------------
def locate_comments(lines: list[str], *, article_end: Callable[[int], bool] | None = None) -> Located:
    """Find, parse and thread the comment section of a text page.

    Args:
        lines: the page's lines.
        article_end: tells whether a line lies after the article (so a comment heading there opens a section
            even when its comments cannot be parsed); by default, any line after the page's first paragraph.

    Returns:
        A :class:`Located`; ``start == len(lines)`` and ``layout is None`` when the page has no comment section.
    """
    for layout in LAYOUTS:
        heads = layout.heads(lines)
        if len(heads) >= layout.min_heads:
            return _parse(lines, layout, heads)
    return _unparsed(lines, article_end)


def _section_start(lines: list[str], first: int, layout: str) -> int:
    """The section's first line: the first comment, moved up over the section's heading, count and widget chrome."""
    if layout == "threaded-comments":
        # the seed layout: a count line ("14 Comments") with Subscribe / Notify of / guest above it
        k = first - 1
        while k >= 0 and k >= first - 12:
            if COMMENT_COUNT.match(lines[k].strip()):
                start = k
                while start > 0 and lines[start - 1].strip().lower() in rules.COMMENT_CHROME:
                    start -= 1
                while start < k and not lines[start].strip():
                    start += 1
                return start
            k -= 1
        return first
    start = first
    k = first - 1
    while k >= 0 and k >= first - 8:
        line = lines[k].strip()
        if not line:
            k -= 1
            continue
        if rules.COMMENT_SECTION_HEADING.match(line) or rules.DISQUS_CHROME.match(line) or _is_button(line) or line.lower() in rules.COMMENT_CHROME:
            start = k
            k -= 1
            continue
        break
    return start


def _declared(lines: list[str], start: int, end: int) -> int | None:
    for i in range(start, end):
        stripped = lines[i].strip()
        count = COMMENT_COUNT.match(stripped) or COMMENT_COUNT_LINE.match(stripped) or rules.COMMENT_SECTION_HEADING.match(stripped)
        if count and count.group("n"):
            n = count.group("n")
            return int(n) if n.isdigit() else (1 if n.lower() in {"one", "ein"} else 0)
        total = rules.METAFILTER_TOTAL.search(stripped)
        if total:
            return int(total.group("n"))
    return None


def _parse(lines: list[str], layout: Layout, heads: list[_Head]) -> Located:
    warnings: list[str] = []
    first = heads[0].line
    start = _section_start(lines, first, layout.name)
    if layout.name == "metafilter":
        # the post's byline ("... (97 comments total)") closes the article; the section starts after it
        post = next((i for i in range(first - 1, -1, -1) if rules.METAFILTER_BYLINE.match(lines[i])), None)
        start = post + 1 if post is not None else first
    scan_from = start if layout.name == "threaded-comments" else max(0, start - 1)
    declared = _declared(lines, scan_from, len(lines)) if layout.name == "threaded-comments" else _declared(lines, scan_from, first + 1)
    if layout.name == "metafilter" and declared is None:
        declared = _declared(lines, max(0, start - 1), start)

    comments: list[Comment] = []
    owned: set[int] = set()
    relative = yearless = 0
    yearless_example = ""
    for n, head in enumerate(heads):
        end = head.text_end if head.text_end is not None else (heads[n + 1].line if n + 1 < len(heads) else len(lines))
        text_lines = list(range(head.text_start, end))
        if layout.name != "threaded-comments":
            # the buttons and counters under a comment are chrome; the text ends at the last of them
            # (the comment form and the page's footer after the last comment are not its words)
            if n + 1 == len(heads) and head.text_end is None:
                end = _last_comment_end(lines, head.text_start, len(lines))
                text_lines = list(range(head.text_start, end))
            text_lines = [i for i in text_lines if not _is_button(lines[i]) and not rules.METAFILTER_BYLINE.match(lines[i])]
        quoted: list[str] = []
        if layout.quotes:
            text_lines, quoted = _cut_quotes(lines, text_lines)
        owned.update(range(head.line, end))
        if head.pingback:
            text = head.author
        else:
            text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines[i] for i in text_lines)).strip()
        posted = _parse_time(head.posted_raw) if head.posted_raw else ""
        if head.posted_raw and not posted:
            if re.search(rules.RELATIVE_TIME, head.posted_raw, re.I):
                relative += 1
            elif not re.search(r"\b(?:19|20)\d\d\b", head.posted_raw):
                yearless += 1
                yearless_example = yearless_example or head.posted_raw
            else:
                warnings.append(f"comment by {head.author!r} at line {head.line + 1}: time {head.posted_raw!r} is not a valid date; left empty")
        comment = Comment(comment_id=f"c{n + 1:03d}", author=head.author, posted=posted, reply_to=None, depth=0,
                          text=text, line=head.line + 1, pingback=head.pingback)
        comments.append(comment)
        name = head.reply_name or (quoted[0] if quoted else None)
        if name is not None:
            comment.reply_to = name  # resolved by _thread
    if relative:
        warnings.append(f"{relative} comment times are relative (\"3 years ago\") and were left empty")
    if yearless:
        warnings.append(f"{yearless} comment times give no year (e.g. {yearless_example!r}) and were left empty")
    _thread(comments, heads, warnings)
    if declared is not None and declared != len(comments):
        warnings.append(f"the page says {declared} comments but {len(comments)} were found")
    chrome = [i for i in range(start, len(lines)) if i not in owned]
    if layout.name == "threaded-comments":
        chrome = [i for i in range(start, first)]
    return Located(start=start, layout=layout.name, comments=comments, declared=declared, warnings=warnings, chrome=chrome)


def _last_comment_end(lines: list[str], text_start: int, end: int) -> int:
    """Where the last comment's text ends: after its last button line ("Reply") when the layout prints one,
    else at the comment form ("Leave a Reply") or the end of the page."""
    buttons = [i for i in range(text_start, end) if _is_button(lines[i])]
    form = next((i for i in range(text_start, end) if rules.COMMENT_SECTION_HEADING.match(lines[i].strip()) or rules.COMMENT_FORM.match(lines[i])), None)
    if buttons:
        first_button = buttons[0]
        if form is None or first_button < form:
            return first_button + 1
    return form if form is not None else end


def _cut_quotes(lines: list[str], text_lines: list[int]) -> tuple[list[int], list[str]]:
    """Drop quoted posts from a forum post's text; return the remaining lines and the quoted authors.

    A quote opens with "X wrote:" / "Quote from: X on ..." / "X said:" and runs to "Click to expand..." when the
    copy has it, else to the end of its paragraph (the next blank line after the quoted text).
    """
    keep: list[int] = []
    quoted: list[str] = []
    n = 0
    while n < len(text_lines):
        i = text_lines[n]
        match = rules.QUOTE_OPEN.match(lines[i])
        if not match:
            keep.append(i)
            n += 1
            continue
        quoted.append(next(g for g in match.groups() if g).strip())
        rest = text_lines[n + 1 :]
        close = next((m for m, k in enumerate(rest) if rules.QUOTE_CLOSE.match(lines[k])), None)
        if close is not None:
            n += close + 2
            continue
        m = 0
        while m < len(rest) and not lines[rest[m]].strip():
            m += 1
        while m < len(rest) and lines[rest[m]].strip():
            m += 1
        n += 1 + m
    return keep, quoted


def _unparsed(lines: list[str], article_end: Callable[[int], bool] | None) -> Located:
    """No layout parsed: a comment heading or layout chrome after the article still opens a section, cut and reported.

    A heading that states no comments ("0 Comments", "Leave a reply" with no text after it) is widget chrome, not
    a section; a comment count in the page's header (above the article) is one widget line, never a section.
    """
    after = article_end or (lambda i: True)
    widget: list[int] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        heading = rules.COMMENT_SECTION_HEADING.match(stripped) or COMMENT_COUNT.match(stripped)
        chrome = rules.DISQUS_CHROME.match(stripped) and not rules.COMMENT_SECTION_HEADING.match(stripped)
        if rules.REACTION_HEADING.match(stripped):
            return Located(start=i, layout="reaction-widget", declared=_declared(lines, i, len(lines)),
                           chrome=list(range(i, len(lines))), widget_lines=widget)
        if not (heading or chrome):
            continue
        count_above = _count_above(lines, i)
        declared = _declared(lines, i, i + 1)
        if declared is None and count_above is not None:
            declared = int(lines[count_above].strip())
        stated_here = bool(declared) and count_above is None  # "23 Comments" on one line, not a "6" / "comments" pair
        if not after(i) or not (stated_here or _article_before(lines, i)):
            widget.extend([count_above, i] if count_above is not None else [i])
            continue
        texty = [k for k in range(i + 1, len(lines)) if len(lines[k].split()) >= 8 and not rules.COMMENT_FORM.match(lines[k])]
        if declared == 0 or not texty:
            # an empty widget ("0 Comments", "Leave a Reply" and its form): chrome, no comments to lose
            widget.append(i)
            continue
        if not _holds_comments(lines, i, declared):
            # a "Comment" menu item, a "604 COMMENTS" teaser of another story: one widget line
            widget.append(i)
            continue
        guess = _guess_platform(lines, i)
        last = max(k for k in range(i, len(lines)) if lines[k].strip())
        warning = (f"lines {i + 1}-{last + 1}: a comment section{f' ({guess}?)' if guess else ''} that could not be parsed; "
                   "cut from the body")
        warnings = [warning]
        return Located(start=i, layout="comment-section-unparsed", declared=declared, warnings=warnings,
                       unparsed=(i, last), widget_lines=widget)
    return Located(start=len(lines), layout=None, widget_lines=widget)


def _count_above(lines: list[str], i: int) -> int | None:
    """The line of a bare count printed above a "Comments" heading ("6" / "comments"), or None."""
    k = _previous_content(lines, i)
    if k is not None and re.fullmatch(r"\d{1,5}", lines[k].strip()) and re.fullmatch(r"(?i)comments?|kommentare?", lines[i].strip()):
        return k
    return None


def _article_before(lines: list[str], i: int) -> bool:
    """Whether the page's running text lies mostly before line ``i``, or comment chrome follows it.

    A comment heading in the page's header or in a teaser box above the article ("6 comments" beside the
    byline) is followed by the article, not by comments: it must not cut the article away.
    """
    def words(rng: range) -> int:
        return sum(len(lines[k].split()) for k in rng if len(lines[k].split()) >= 10)

    before, after = words(range(0, i)), words(range(i + 1, len(lines)))
    if before >= after / 2:
        return True
    buttons = sum(1 for k in range(i + 1, len(lines)) if rules.REPLY_BUTTON.match(lines[k]) or re.search(rules.RELATIVE_TIME, lines[k], re.I) and len(lines[k].split()) <= 8)
    return buttons >= 3


def _holds_comments(lines: list[str], i: int, declared: int | None) -> bool:
    """Whether what follows a comment heading looks like comments: the heading states a count and no other
    count follows (a list of story teasers each shows its own), or reply buttons / relative times follow."""
    window = range(i + 1, min(len(lines), i + 400))
    others = [k for k in window if (m := COMMENT_COUNT.match(lines[k].strip()) or COMMENT_COUNT_LINE.match(lines[k].strip()))
              and m.group("n").isdigit() and int(m.group("n")) != declared]
    if others:
        return False
    chrome = sum(1 for k in window if rules.REPLY_BUTTON.match(lines[k]) or rules.SAYS_HEAD.match(lines[k])
                 or (re.search(rules.RELATIVE_TIME, lines[k], re.I) and len(lines[k].split()) <= 8))
    return bool(declared) or chrome >= 2


def _guess_platform(lines: list[str], start: int) -> str:
    tail = "\n".join(lines[start:])
    for name, pattern in rules.PLATFORM_HINTS:
        if pattern.search(tail):
            return name
    return ""


# ---------------------------------------------------------------------------
# Times.
# ---------------------------------------------------------------------------
_MONTH_NUMBERS = {
    name: n
    for n, names in enumerate(
        [
            "january jan januar jänner enero janvier gennaio januari",
            "february feb februar febrero février febbraio februari",
            "march mar märz marzo mars maart",
            "april apr abril avril aprile",
            "may mai mayo maggio mei",
            "june jun juni junio juin giugno",
            "july jul juli julio juillet luglio",
            "august aug agosto août augustus",
            "september sep sept septiembre setiembre septembre settembre",
            "october oct oktober octubre octobre ottobre",
            "november nov noviembre novembre",
            "december dec dezember diciembre décembre dicembre",
        ],
        start=1,
    )
    for name in names.split()
}
_TIME_PARTS = re.compile(
    r"(?:(?P<mname1>[A-Za-zäéûÄ]+)\.?\s+(?P<day1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year1>\d{4})"
    r"|(?P<day2>\d{1,2})\.?\s+(?:de\s+)?(?P<mname2>[A-Za-zäéûÄ]+)\.?\s+(?:de\s+)?(?P<year2>\d{4})"
    r"|(?P<year3>\d{4})-(?P<month3>\d{2})-(?P<day3>\d{2})|(?P<day4>\d{1,2})[./](?P<month4>\d{1,2})[./](?P<year4>\d{4}))"
    r"(?:\D{0,12}?(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap])?\.?\s?m?\.?)?",
    re.I,
)


def _parse_time(raw: str) -> str:
    """ISO 8601 of a comment's time as printed; empty when it is relative, unreadable or impossible.

    >>> _parse_time("August 15, 2020 at 9:35 am"), _parse_time("10. Februar 2019 um 18:05 Uhr"), _parse_time("3 years ago")
    ('2020-08-15T09:35:00', '2019-02-10T18:05:00', '')
    """
    when = COMMENT_TIME.match(raw)
    if when:
        return _parse_comment_time(when.group("date"), when.group("time"))
    match = _TIME_PARTS.search(raw)
    if not match:
        return ""
    g = match.groupdict()
    try:
        if g["year3"]:
            year, month, day = int(g["year3"]), int(g["month3"]), int(g["day3"])
        elif g["year4"]:
            year, month, day = int(g["year4"]), int(g["month4"]), int(g["day4"])
        else:
            name = (g["mname1"] or g["mname2"]).lower()
            month = _MONTH_NUMBERS.get(name) or _MONTH_NUMBERS.get(name[:3])
            if not month:
                return ""
            year, day = int(g["year1"] or g["year2"]), int(g["day1"] or g["day2"])
        hour, minute = int(g["hour"] or 0), int(g["minute"] or 0)
        if g["ampm"]:
            hour = hour % 12 + (12 if g["ampm"].lower() == "p" else 0)
        stamp = datetime(year, month, day, hour, minute)
    except (ValueError, TypeError):
        return ""
    return stamp.isoformat() if g["hour"] else stamp.date().isoformat()


def _parse_comment_time(date: str, time: str) -> str:
    """ISO 8601 of a comment's time line; empty when the page gives an impossible date (e.g. November 31).

    >>> _parse_comment_time("March 3, 2024", "4:05 p.m."), _parse_comment_time("November 31, 2023", "9:00 am")
    ('2024-03-03T16:05:00', '')
    """
    clean = re.sub(r"\s+", " ", f"{date} {time.replace('.', '').upper()}")
    try:
        return datetime.strptime(clean, "%B %d, %Y %I:%M %p").isoformat()
    except ValueError:
        return ""


_UNIT_SECONDS = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hour": 3600, "hr": 3600, "h": 3600, "day": 86400, "d": 86400,
                 "week": 604800, "wk": 604800, "w": 604800, "month": 2629800, "mo": 2629800, "year": 31557600, "yr": 31557600, "y": 31557600}


def _age(raw: str) -> float | None:
    """How long ago a relative time is, in seconds ("a month ago" -> 2629800); None when it is not relative."""
    match = re.search(r"(?P<n>a|an|one|\d+)\s*(?P<unit>second|sec|minute|min|hour|hr|day|week|wk|month|mo|year|yr|[hdwy])s?\.?(?:\s+ago)?\s*$", raw.strip(), re.I)
    if not match:
        return None
    n = match.group("n").lower()
    count = 1 if n in {"a", "an", "one"} else int(n)
    return count * _UNIT_SECONDS[match.group("unit").lower()]


def _order_key(comment: Comment, head: _Head) -> float | None:
    """A number that grows with the time a comment was posted, or None when the page gives no usable time."""
    if comment.posted:
        return datetime.fromisoformat(comment.posted).timestamp()
    age = _age(head.posted_raw) if head.posted_raw else None
    return None if age is None else -age


# ---------------------------------------------------------------------------
# Threading.
# ---------------------------------------------------------------------------
def _thread(comments: list[Comment], heads: list[_Head], warnings: list[str]) -> None:
    """Turn "reply to <name>" (and printed depths) into parent ids.

    A reply answers the nearest EARLIER comment by the named author that it can answer: a comment the page
    shows as posted after the reply cannot be its parent. Among those, a comment on the reply's own thread
    (the path from the previous comment up to its root: threaded layouts print a reply after its parent's
    subtree) comes first; failing that, the latest earlier one. Layouts that print depths (Reddit's "level
    N") answer the nearest earlier comment one level up.

    Linear in the number of comments: authors are indexed once, the thread's path is kept as a stack (a
    reply chain thousands deep is walked once, never per comment), and the nearest comment one level up is
    the top of a stack of levels.
    """
    keys = [_order_key(c, h) for c, h in zip(comments, heads)]
    index = {id(c): k for k, c in enumerate(comments)}
    by_author: dict[str, list[int]] = {}
    for k, c in enumerate(comments):
        by_author.setdefault(c.author, []).append(k)
    path = _Path(comments)
    levels: list[tuple[int, int]] = []  # (level, position) of earlier comments with printed levels, levels rising
    for n, (comment, head) in enumerate(zip(comments, heads)):
        if head.level is not None:
            while levels and levels[-1][0] >= head.level:
                levels.pop()
            above = levels[-1][1] if levels else None
            levels.append((head.level, n))
            if head.level > 1 and above is not None:
                comment.reply_to = comments[above].comment_id
                comment.depth = comments[above].depth + 1
                path.move_to(n, parent=above)
            else:
                comment.reply_to = None
                path.move_to(n)
            continue
        name = comment.reply_to
        if name is None:
            path.move_to(n)
            continue

        def can_answer(k: int) -> bool:
            return keys[k] is None or keys[n] is None or keys[k] <= keys[n]

        parent = path.latest_by(name, can_answer)
        if parent is None:
            earlier = by_author.get(name, [])
            below = bisect.bisect_left(earlier, n)
            parent = next((comments[k] for k in reversed(earlier[:below]) if can_answer(k)), None)
        if parent is None:
            warnings.append(f"comment {comment.comment_id} by {comment.author!r} replies to {name!r}, who has no earlier comment; kept as top-level")
            comment.reply_to = None
            path.move_to(n)
            continue
        comment.reply_to = parent.comment_id
        comment.depth = parent.depth + 1
        path.move_to(n, parent=index[id(parent)])


class _Path:
    """The thread of the comment being read: its ancestors and itself, root first, with each author's places on it.

    :meth:`move_to` walks up from the new comment only until it meets the path it leaves, so reading a reply
    chain of any depth costs one step per comment, not one per ancestor.
    """

    def __init__(self, comments: list[Comment]) -> None:
        self.comments = comments
        self.items: list[int] = []  # positions in ``comments``, root first
        self.place: dict[int, int] = {}  # position in ``comments`` -> index in ``items``
        self.by_author: dict[str, list[int]] = {}  # author -> indexes in ``items``, rising
        self.parent: dict[int, int] = {}  # position -> its parent's position (resolved comments only)

    def move_to(self, n: int, *, parent: int | None = None) -> None:
        """The path becomes comment ``n``'s ancestry; ``parent`` is its parent's position (None: top level)."""
        if parent is not None:
            self.parent[n] = parent
        climb = [n]
        k = parent
        while k is not None and k not in self.place:
            climb.append(k)
            k = self.parent.get(k)
        self._cut(self.place[k] + 1 if k is not None else 0)
        for k in reversed(climb):
            self.place[k] = len(self.items)
            self.by_author.setdefault(self.comments[k].author, []).append(len(self.items))
            self.items.append(k)

    def _cut(self, size: int) -> None:
        while len(self.items) > size:
            k = self.items.pop()
            del self.place[k]
            self.by_author[self.comments[k].author].pop()

    def latest_by(self, author: str, ok: Callable[[int], bool]) -> Comment | None:
        """The comment on the path nearest its end written by ``author`` and passing ``ok`` (by position), or None."""
        for at in reversed(self.by_author.get(author, [])):
            k = self.items[at]
            if ok(k):
                return self.comments[k]
        return None


def parse_comment_section(lines: list[str], start: int) -> tuple[list[Comment], int | None, list[str], int]:
    """The comments from line ``start`` (0-based) on, in whichever layout parses them.

    Returns:
        The threaded comments, the comment count the page declares (None when it
        gives none), warnings, and the 0-based line of the first comment (the
        lines from ``start`` up to it are the widget's chrome).
    """
    found = locate_comments(lines[start:])
    first = start + (min((c.line - 1 for c in found.comments), default=len(lines) - start))
    for c in found.comments:
        c.line += start
    return found.comments, found.declared, found.warnings, first
