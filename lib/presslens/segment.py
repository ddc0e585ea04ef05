"""Segmentation of a page's text into what the outlet published and the page's clutter.

A page is read line by line. Each line gets a *kind* (title, standfirst, byline,
body, caption, boilerplate, ...) and the name of the *rule* that decided it, so an
analyst can check every removal. Rules are small and reusable; a page turns
rules on by what it looks like (a comment widget, forum chrome, a "Highlights"
box), and ``sources.yml`` can add per-document overrides, so a new outlet costs a
rule, not a rewrite.

Kinds that make up the article's running text: ``body``. Kinds kept beside it:
``title``, ``standfirst``, ``byline``, ``dateline``, ``subhead``, ``caption``,
``image``, ``credit``, ``note``, ``summary`` and ``pullquote`` (both marked with the
body paragraph they repeat, so they are not counted twice). Everything else is
``boilerplate`` and is never part of the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from .text import count_words, fold

BODY_KINDS = frozenset({"body"})
KEPT_KINDS = frozenset(
    {"title", "standfirst", "byline", "dateline", "subhead", "caption", "image", "credit", "note", "summary", "pullquote"}
)


@dataclass
class Segment:
    """One piece of a page: a line (or part of one) with its kind and the rule that chose it."""

    kind: str
    text: str
    line: int  # 1-based line number in the decoded file
    rule: str
    repeats: int | None = None  # index of the body paragraph a summary or pull quote repeats


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


@dataclass
class Overrides:
    """Per-document corrections to the rules, from ``sources.yml``.

    Attributes:
        boilerplate: extra regexes; a matching line is removed as boilerplate.
        keep: regexes; a matching line is body whatever the rules say.
        title_line: the 1-based line of the title, or 0 when the page has none.
        comments: ``False`` when the page has no comment section to look for.
    """

    boilerplate: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    title_line: int | None = None
    comments: bool = True


@dataclass
class Segmentation:
    """The result of :func:`segment_page`."""

    segments: list[Segment]
    comments: list[Comment]
    declared_comments: int | None
    layouts: list[str]
    warnings: list[str]


# ---------------------------------------------------------------------------
# Patterns, compiled once.
# ---------------------------------------------------------------------------
_TERMINAL = re.compile(r"[.!?…:;\"'”’)\]*\d]\s*$")
_SEPARATOR = re.compile(r"^\s*[-_=*~]{5,}\s*$")
_BULLET = re.compile(r"^\s*[•·●▪◦]\s*")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b")
_COMMENT_TIME = re.compile(
    rf"^\s*(?P<date>(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}})\s+(?P<time>\d{{1,2}}:\d{{2}}\s*[ap]\.?m\.?)\s*$", re.I
)
_COMMENT_COUNT = re.compile(r"^\s*(?P<n>\d+|No|Zero)\s+Comments?\s*$", re.I)
_REPLY_TO = re.compile(r"^[\u00a0 \t]+(?P<name>\S.*?)\s*$")

# Line rules: (rule name, kind, pattern). Order matters: the first match wins.
LINE_RULES: list[tuple[str, str, re.Pattern[str]]] = [
    ("related-links", "boilerplate", re.compile(r"^\s*(?:You might (?:be interested|also like)|Related (?:articles|posts|stories)|Read more:?$|More from)", re.I)),
    ("share-widget", "boilerplate", re.compile(r"^\s*(?:Share(?: this(?: article)?)?:?|Tweet|Email|Print|Subscribe|Notify of|guest|Like this:?|Share on \w+)\s*$", re.I)),
    ("donation-appeal", "boilerplate", re.compile(r"\b(?:to donate|donate (?:via|now|today|here)|please (?:consider )?(?:donat|contribut|support))", re.I)),
    ("shop-promo", "boilerplate", re.compile(r"\b(?:promo code|coupon code|visit the \w+ store|merchandise)\b", re.I)),
    ("reaction-widget", "boilerplate", re.compile(r"^\s*What(?:'|’)s your reaction\??\s*$", re.I)),
    ("bare-link", "boilerplate", re.compile(r"^\s*https?://\S+\s*$")),
    ("reference-list", "boilerplate", re.compile(r"^\s*(?:Quoted files:|Other files used as sources?:|\*\s*\d+\s*$|Sources?:\s*$|References:\s*$)", re.I)),
    ("image-alt", "image", re.compile(r"^\s*(?:Image result for|\[Image:[^\]]*\]\s*$)", re.I)),
    ("editor-note", "note", re.compile(r"^\s*This (?:piece|article|story|report) (?:was|is) (?:made|produced|published|written|part)\b", re.I)),
    ("credit-reprint", "credit", re.compile(r"^\s*(?:Reprinted|Republished|Originally published|Cross-posted)\b.{0,80}\b(?:from|in|by|at)\b", re.I)),
    ("credit-copyright", "credit", re.compile(r"(?:©|\bc\.\s?|\(c\)\s?|\bCopyright\s)(?:19|20)\d\d\b")),
    ("photo-caption", "caption", re.compile(r"^\s*(?:Photo|Image|Picture)\s*:\s", re.I)),
    (
        "caption-credit",
        "caption",
        re.compile(r"\((?:(?:Photo|Image|Picture|Credit)s?:[^()]*|[^()]{2,60}/[^()]{2,60}|AP|AFP|Reuters|EPA|Getty Images|The New York Times)\)\s*$"),
    ),
]
_BYLINE = re.compile(
    rf"^\s*(?:(?P<date>(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\s+)?"
    r"(?:By|BY|Guest [Pp]ost by|Written by|Posted by|Op-ed by)\s+(?P<name>\S+(?:\s+\S+){0,7}?)\s*(?:featured)?\s*$"
)
_DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z .'’-]{2,40}?)\s*[-–—]{1,2}\s*$")
_IMAGE_MARKER = re.compile(r"^\s*\[Image:[^\]]*\]")
_SUMMARY_HEADER = re.compile(r"^\s*(?:Highlights|Key points|Summary|In brief|At a glance)\s*:?\s*$", re.I)
_SIGNATURE = re.compile(r"^\s*[\"“].{3,300}?[\"”]\s*[-–—]?\s*[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3}(?:[.,].*)?$")

# Forum chrome (MyBB, vBulletin and alike).
_FORUM_RATING = re.compile(r"^\s*Thread Rating:\s*$", re.I)
_FORUM_RELATED = re.compile(r"^\s*Possibly Related Threads", re.I)
_FORUM_TAIL = re.compile(r"^\s*(?:Forum Jump:|Users browsing this thread:|Thread Author Replies Views Last Post|Last Post:)", re.I)


def segment_page(text: str, *, overrides: Overrides | None = None) -> Segmentation:
    """Split a page's text into segments and comments.

    Args:
        text: the decoded, normalised page (``\\n`` line ends).
        overrides: per-document corrections from ``sources.yml``.

    Returns:
        A :class:`Segmentation`: segments in page order (every non-blank line is in
        exactly one segment), parsed comments, the comment count the page declares,
        the layouts recognised and any warnings.
    """
    overrides = overrides or Overrides()
    lines = text.split("\n")
    page = _Page(lines)
    warnings: list[str] = []

    comment_start, layout = (len(lines), None)
    if overrides.comments:
        comment_start, layout = _find_comment_section(lines)
    if layout:
        page.layouts.append(layout)
    _mark_forum_chrome(page, end=comment_start)
    _mark_overrides(page, overrides, end=comment_start)
    _mark_line_rules(page, end=comment_start)
    _mark_separator_blocks(page, end=comment_start)
    _mark_header(page, end=comment_start, overrides=overrides)
    _mark_body(page, end=comment_start)
    _mark_repeats(page)

    comments: list[Comment] = []
    declared = None
    if layout:
        comments, declared, comment_warnings = _parse_comment_section(page, comment_start, layout)
        warnings.extend(comment_warnings)
    segments = page.segments()
    return Segmentation(segments=segments, comments=comments, declared_comments=declared, layouts=page.layouts, warnings=warnings)


class _Page:
    """Lines with their labels while the rules run."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.labels: list[tuple[str, str] | None] = [None] * len(lines)
        self.extra: list[Segment] = []  # segments split off the start of a line (image markers)
        self.repeats: dict[int, int] = {}
        self.layouts: list[str] = []

    def free(self, i: int) -> bool:
        return self.labels[i] is None and self.lines[i].strip() != ""

    def mark(self, i: int, kind: str, rule: str) -> None:
        if self.labels[i] is None and self.lines[i].strip():
            self.labels[i] = (kind, rule)

    def segments(self) -> list[Segment]:
        out = list(self.extra)
        for i, label in enumerate(self.labels):
            if label is None:
                continue
            kind, rule = label
            out.append(Segment(kind=kind, text=self.lines[i].strip(), line=i + 1, rule=rule, repeats=self.repeats.get(i)))
        out.sort(key=lambda s: (s.line, s.kind != "image"))
        return out


# ---------------------------------------------------------------------------
# Rules.
# ---------------------------------------------------------------------------
def _find_comment_section(lines: list[str]) -> tuple[int, str | None]:
    """Where the comment section (with its widget chrome) starts, and its layout."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if re.match(r"^What(?:'|’)s your reaction\??$", stripped, re.I):
            return i, "reaction-widget"
        match = _COMMENT_COUNT.match(stripped)
        if match:
            start = i
            # widget chrome just above the count: Subscribe / Notify of / guest
            while start > 0 and lines[start - 1].strip().lower() in {"subscribe", "notify of", "guest", "login", ""}:
                start -= 1
            while start < i and not lines[start].strip():
                start += 1
            return start, "threaded-comments"
    return len(lines), None


def _mark_forum_chrome(page: _Page, *, end: int) -> None:
    lines = page.lines
    related = next((i for i in range(end) if _FORUM_RELATED.match(lines[i])), None)
    rating = next((i for i in range(min(end, 10)) if _FORUM_RATING.match(lines[i])), None)
    if related is None and rating is None:
        return
    page.layouts.append("forum")
    if rating is not None:
        page.mark(rating, "boilerplate", "forum-rating")
        i = rating + 1
        while i < end and _BULLET.match(lines[i]):
            page.mark(i, "boilerplate", "forum-rating")
            i += 1
    tail_start = related
    if tail_start is None:
        tail_start = next((i for i in range(end) if _FORUM_TAIL.match(lines[i])), end)
    for i in range(tail_start, end):
        page.mark(i, "boilerplate", "forum-related-threads" if not _FORUM_TAIL.match(lines[i]) or "Last Post" in lines[i] else "forum-footer")
    # signature quotes: the run of quoted lines with an attribution just above the forum tail
    i = tail_start - 1
    while i >= 0 and (not lines[i].strip() or _SIGNATURE.match(lines[i])):
        if lines[i].strip():
            page.mark(i, "boilerplate", "forum-signature")
        i -= 1


def _mark_overrides(page: _Page, overrides: Overrides, *, end: int) -> None:
    keep = [re.compile(p) for p in overrides.keep]
    drop = [re.compile(p) for p in overrides.boilerplate]
    for i in range(end):
        if not page.free(i):
            continue
        if any(p.search(page.lines[i]) for p in keep):
            page.mark(i, "body", "override-keep")
        elif any(p.search(page.lines[i]) for p in drop):
            page.mark(i, "boilerplate", "override-boilerplate")


def _mark_line_rules(page: _Page, *, end: int) -> None:
    for i in range(end):
        if not page.free(i):
            continue
        line = page.lines[i]
        marker = _IMAGE_MARKER.match(line)
        if marker and line[marker.end() :].strip():
            # "[Image: x.jpg]REYKJAVIK -": the marker is an image, the rest stays for the other rules
            page.extra.append(Segment(kind="image", text=marker.group(0).strip(), line=i + 1, rule="image-marker"))
            page.lines[i] = line[marker.end() :]
            line = page.lines[i]
        for name, kind, pattern in LINE_RULES:
            if pattern.search(line):
                page.mark(i, kind, name)
                break


def _mark_separator_blocks(page: _Page, *, end: int) -> None:
    """Lines between rule separators (``-----``) after the article are site chrome (appeals, promos)."""
    seps = [i for i in range(end) if _SEPARATOR.match(page.lines[i])]
    if not seps:
        return
    for i in seps:
        page.mark(i, "boilerplate", "separator")
    first = seps[0]
    for i in range(first + 1, end):
        if page.free(i):
            page.mark(i, "boilerplate", "donation-appeal" if re.search(r"donat|support|contribut|help", page.lines[i], re.I) else "site-chrome")


def _is_paragraph(line: str) -> bool:
    n = count_words(line)
    return n >= 40 or (n >= 10 and bool(_TERMINAL.search(line)))


def _mark_header(page: _Page, *, end: int, overrides: Overrides) -> None:
    """Title, repeated title, summary box, byline, standfirst and dateline before the first paragraph."""
    lines = page.lines
    content = [i for i in range(end) if lines[i].strip()]
    if not content:
        return
    first_para = next((i for i in content if page.free(i) and _is_paragraph(lines[i]) and not _SUMMARY_HEADER.match(lines[i])), end)

    # summary box ("Highlights") and the lines after it that repeat the article
    for i in content:
        if i >= first_para:
            break
        if page.free(i) and _SUMMARY_HEADER.match(lines[i]):
            page.mark(i, "boilerplate", "summary-header")
            page.layouts.append("summary-box")
            for j in content:
                if j > i and page.free(j):
                    page.mark(j, "summary", "summary-box")
                    break
    first_para = next((i for i in content if page.free(i) and _is_paragraph(lines[i])), end)

    # title: a line given by the overrides, else the first free short line before the first paragraph
    title = None
    if overrides.title_line is not None:
        title = overrides.title_line - 1 if overrides.title_line > 0 else None
        if title is not None:
            page.labels[title] = ("title", "override-title")
    else:
        for i in content:
            if i >= first_para:
                break
            if page.free(i) and count_words(lines[i]) <= 25 and not _BYLINE.match(lines[i]):
                page.mark(i, "title", "first-line")
                title = i
                break
    if title is not None:
        key = fold(lines[title])
        for i in content:
            if i > title and i < first_para and page.free(i):
                other = fold(lines[i])
                if other == key or (other.startswith(key) and count_words(lines[i][len(lines[title].strip()) :]) <= 3):
                    page.mark(i, "boilerplate", "repeated-title")
    for i in content:
        if i >= first_para:
            break
        if not page.free(i):
            continue
        line = lines[i]
        if _BYLINE.match(line):
            page.mark(i, "byline", "byline")
        elif _DATELINE.match(line):
            page.mark(i, "dateline", "dateline")
        elif title is not None and i > title and count_words(line) >= 5:
            page.mark(i, "standfirst", "standfirst")


def _mark_body(page: _Page, *, end: int) -> None:
    lines = page.lines
    for i in range(end):
        if not page.free(i):
            continue
        line = lines[i]
        if _DATELINE.match(line):
            page.mark(i, "dateline", "dateline")
        elif _is_subhead(lines, i, end):
            page.mark(i, "subhead", "subhead")
        else:
            page.mark(i, "body", "text")


def _is_subhead(lines: list[str], i: int, end: int) -> bool:
    line = lines[i].strip()
    if count_words(line) > 10 or _TERMINAL.search(line) or not line[:1].isupper():
        return False
    following = next((lines[j] for j in range(i + 1, end) if lines[j].strip()), "")
    return _is_paragraph(following)


def _mark_repeats(page: _Page) -> None:
    """Summaries, captions and duplicate paragraphs that repeat a body paragraph are marked, not counted twice."""
    body = [i for i, label in enumerate(page.labels) if label and label[0] == "body"]
    keys = {i: fold(page.lines[i]) for i in body}
    seen: dict[str, int] = {}
    for para_index, i in enumerate(body):
        key = keys[i]
        if key in seen:
            page.labels[i] = ("pullquote", "duplicate-paragraph")
            page.repeats[i] = seen[key]
        else:
            seen[key] = para_index
    paragraphs = [(n, keys[i]) for n, i in enumerate(i for i in body if page.labels[i][0] == "body")]
    for i, label in enumerate(page.labels):
        if not label or label[0] not in {"summary", "caption"}:
            continue
        key = fold(re.sub(r"\([^()]*\)\s*$", "", page.lines[i]))
        if count_words(key) < 8:
            continue
        best = max(paragraphs, key=lambda p: fuzz.ratio(key, p[1]), default=None)
        if best is not None and fuzz.ratio(key, best[1]) >= 80:
            page.repeats[i] = best[0]
            if label[0] == "caption":
                page.labels[i] = ("pullquote", "caption-repeats-paragraph")


# ---------------------------------------------------------------------------
# Comments.
# ---------------------------------------------------------------------------
def _parse_comment_section(page: _Page, start: int, layout: str) -> tuple[list[Comment], int | None, list[str]]:
    lines = page.lines
    warnings: list[str] = []
    declared: int | None = None
    heads: list[tuple[int, str, str | None, str, int]] = []  # (line, author, reply_to_name, posted, text_start)
    i = start
    while i < len(lines):
        stripped = lines[i].strip()
        count = _COMMENT_COUNT.match(stripped) or re.match(r"^(?P<n>\d+)\s+comments?$", stripped, re.I)
        if count and declared is None:
            n = count.group("n")
            declared = int(n) if n.isdigit() else 0
        head = _comment_head(lines, i)
        if head:
            heads.append(head)
            i = head[4]
            continue
        i += 1
    first_comment_line = heads[0][0] if heads else len(lines)
    for i in range(start, first_comment_line):
        page.mark(i, "boilerplate", "comment-widget")

    comments: list[Comment] = []
    for line, author, _, posted, text_start in heads:
        if not posted:
            warnings.append(f"comment by {author!r} at line {line + 1}: time {lines[text_start - 1].strip()!r} is not a valid date; left empty")
    for n, (line, author, reply_name, posted, text_start) in enumerate(heads):
        text_end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        body_lines = lines[text_start:text_end]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
        comments.append(Comment(comment_id=f"c{n + 1:03d}", author=author, posted=posted, reply_to=None, depth=0, text=text, line=line + 1))
        if reply_name is not None:
            comments[-1].reply_to = reply_name  # resolved below
    _thread(comments, warnings)
    if declared is not None and declared != len(comments):
        warnings.append(f"the page says {declared} comments but {len(comments)} were found")
    return comments, declared, warnings


def _comment_head(lines: list[str], i: int) -> tuple[int, str, str | None, str, int] | None:
    """A comment starts with the author's name twice (avatar alt text and name), an optional reply line, then the time."""
    if i + 2 >= len(lines):
        return None
    author = lines[i].strip()
    if not author or lines[i + 1].strip() != author or len(author) > 60:
        return None
    j = i + 2
    reply_name = None
    match = _REPLY_TO.match(lines[j]) if lines[j][:1] in ("\u00a0", " ", "\t") else None
    if match:
        reply_name = match.group("name")
        j += 1
    if j >= len(lines):
        return None
    when = _COMMENT_TIME.match(lines[j])
    if not when:
        return None
    posted = _parse_comment_time(when.group("date"), when.group("time"))
    return i, author, reply_name, posted, j + 1


def _parse_comment_time(date: str, time: str) -> str:
    """ISO 8601 of a comment's time line; empty when the page gives an impossible date (e.g. November 31)."""
    clean = re.sub(r"\s+", " ", f"{date} {time.replace('.', '').upper()}")
    try:
        return datetime.strptime(clean, "%B %d, %Y %I:%M %p").isoformat()
    except ValueError:
        return ""


def _thread(comments: list[Comment], warnings: list[str]) -> None:
    """Turn "reply to <name>" into parent ids.

    In a threaded layout a reply follows its parent's subtree, so the parent is the
    nearest comment by that author on the path from the previous comment up to its
    thread's root; failing that, the latest earlier comment by that author.
    """
    by_id = {c.comment_id: c for c in comments}
    path: list[Comment] = []
    for comment in comments:
        name = comment.reply_to
        if name is None:
            path = [comment]
            continue
        parent = next((c for c in reversed(path) if c.author == name), None)
        if parent is None:
            earlier = [c for c in comments[: comments.index(comment)] if c.author == name]
            parent = earlier[-1] if earlier else None
            if parent is None:
                warnings.append(f"comment {comment.comment_id} by {comment.author!r} replies to {name!r}, who has no earlier comment; kept as top-level")
                comment.reply_to = None
                path = [comment]
                continue
        comment.reply_to = parent.comment_id
        comment.depth = parent.depth + 1
        path = _ancestry(parent, by_id) + [comment]


def _ancestry(comment: Comment, by_id: dict[str, Comment]) -> list[Comment]:
    chain = [comment]
    while chain[0].reply_to is not None:
        chain.insert(0, by_id[chain[0].reply_to])
    return chain
