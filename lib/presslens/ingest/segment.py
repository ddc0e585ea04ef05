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

This module applies the rules; :mod:`.rules` holds their patterns (data) and
:mod:`.comments` parses and threads the comment section found here.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import regex
from rapidfuzz import fuzz

from ..errors import CorpusError
from ..text import count_words, fold, sentence_spans
from . import rules
from .comments import Comment, locate_comments

BODY_KINDS = frozenset({"body"})
KEPT_KINDS = frozenset(
    {"title", "standfirst", "byline", "dateline", "subhead", "caption", "image", "credit", "note", "summary", "pullquote"}
)


@dataclass
class Segment:
    """One piece of a page: a line (or part of one) with its kind and the rule that chose it."""

    kind: str
    text: str
    line: int  # 1-based line number in the decoded file (the first line of a hard-wrapped paragraph)
    rule: str
    repeats: int | None = None  # index of the body paragraph a summary or pull quote repeats


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


#: seconds the ``sources.yml`` override patterns may spend on one document, all lines and patterns together
OVERRIDE_BUDGET = 5.0

try:  # the parser behind ``re``, to read a pattern's structure (``re._parser`` from Python 3.11)
    import re._parser as _sre_parse
    from re import _constants as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)


class PatternTimeout(CorpusError):
    """An override pattern used up its document's time budget (it backtracks): the document is rejected, with why."""


def compile_override(pattern: str) -> regex.Pattern:
    """An override pattern of ``sources.yml`` compiled with a guard against catastrophic backtracking.

    A repeat whose body is, apart from optional items, another repeat (``^(a+)+$``, ``(\\w+\\s?)*``,
    ``(a*)*``) can split a line in exponentially many ways and is refused here, when ``sources.yml`` is read.
    What this check cannot see (``(a|aa)+$``) is stopped at run time: patterns run on the ``regex`` engine
    with a time budget per document (:class:`OverrideMatcher`).

    >>> compile_override(r"^Advertisement:").search("Advertisement: buy").group(0)
    'Advertisement:'
    >>> compile_override(r"^(a+)+$")
    Traceback (most recent call last):
    ...
    ValueError: nests a repeat directly inside another repeat (as in (a+)+ or (\\w+\\s?)*), which can take exponential time on one short line; write it without the nesting (a+ instead of (a+)+)

    Raises:
        ValueError: the pattern is invalid or nests repeats so (the message says which and how to fix it).
    """
    try:
        compiled = regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - syntax only ``regex`` knows (\\p{L}...): the run-time budget still guards it
        return compiled
    if _nested_repeat(tree):
        raise ValueError("nests a repeat directly inside another repeat (as in (a+)+ or (\\w+\\s?)*), which can take "
                         "exponential time on one short line; write it without the nesting (a+ instead of (a+)+)")
    return compiled


def _nested_repeat(tree) -> bool:  # noqa: ANN001 - an sre SubPattern
    """Whether a repeat (of more than once) has a body that needs nothing but another such repeat."""
    for op, av in tree:
        if op in _REPEATS:
            low, high, body = av
            if high > 1 and _lone_repeat(body) is not None:
                return True
            found = _nested_repeat(body)
        elif op is _sre.SUBPATTERN:
            found = _nested_repeat(av[-1])
        elif op is _sre.BRANCH:
            found = any(_nested_repeat(b) for b in av[1])
        else:
            found = False
        if found:
            return True
    return False


def _lone_repeat(body):  # noqa: ANN001, ANN202 - sre nodes
    """The repeat (of more than one) that is the only required item of ``body``, through groups and branches."""
    required = [(op, av) for op, av in body if not (op in _REPEATS and av[0] == 0) and op is not _sre.AT]
    optional = [(op, av) for op, av in body if op in _REPEATS and av[0] == 0 and av[1] > 1]
    items = required or optional[:1]
    if len(items) != 1:
        return None
    op, av = items[0]
    if op in _REPEATS:
        return (op, av) if av[1] > 1 else None
    if op is _sre.SUBPATTERN:
        return _lone_repeat(av[-1])
    if op is _sre.BRANCH:
        return next((r for r in (_lone_repeat(b) for b in av[1]) if r is not None), None)
    return None


class OverrideMatcher:
    """The ``keep`` and ``boilerplate`` patterns of one document, sharing one time budget.

    Raises:
        PatternTimeout: from :meth:`decide`, once the patterns have spent ``budget`` seconds on this document.
    """

    def __init__(self, overrides: Overrides, *, budget: float = OVERRIDE_BUDGET) -> None:
        self.keep = [(p, self._compile(p)) for p in overrides.keep]
        self.drop = [(p, self._compile(p)) for p in overrides.boilerplate]
        self.budget = budget
        self.deadline: float | None = None

    def __bool__(self) -> bool:
        return bool(self.keep or self.drop)

    @staticmethod
    def _compile(pattern: str) -> regex.Pattern:
        try:
            return compile_override(pattern)
        except ValueError as exc:  # sources.yml checks its patterns; this guards Overrides built by hand
            raise CorpusError(f"the segmentation pattern {pattern!r} {exc}") from None

    def decide(self, line: str, *, line_no: int) -> str | None:
        """``"keep"`` (a keep pattern matches), ``"boilerplate"`` (a boilerplate pattern does) or ``None``."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.budget
        for verdict, patterns in (("keep", self.keep), ("boilerplate", self.drop)):
            for text, pattern in patterns:
                left = self.deadline - time.monotonic()
                try:
                    if left <= 0:
                        raise TimeoutError
                    if pattern.search(line, timeout=left):
                        return verdict
                except TimeoutError:
                    raise PatternTimeout(
                        f"the sources.yml segmentation {verdict} pattern {text!r} ran out of its time budget "
                        f"({self.budget:g} s per document) at line {line_no}: it backtracks too much; simplify it"
                    ) from None
        return None


@dataclass
class Segmentation:
    """The result of :func:`segment_page`."""

    segments: list[Segment]
    comments: list[Comment]
    declared_comments: int | None
    layouts: list[str]
    warnings: list[str]


def segment_page(text: str, *, overrides: Overrides | None = None, pattern_budget: float = OVERRIDE_BUDGET) -> Segmentation:
    """Split a page's text into segments and comments.

    Args:
        text: the decoded, normalised page (``\\n`` line ends).
        overrides: per-document corrections from ``sources.yml``; a ``title_line`` past the page's text is
            ignored with a warning (the rules find the headline).
        pattern_budget: seconds the override patterns may spend on this page (see :class:`OverrideMatcher`).

    Raises:
        PatternTimeout: an override pattern used up ``pattern_budget``.

    Returns:
        A :class:`Segmentation`: segments in page order (every non-blank line is in
        exactly one segment; the lines of a hard-wrapped paragraph make one segment, see
        :func:`_join_wrapped`), parsed comments, the comment count the page declares,
        the layouts recognised and any warnings.
    """
    overrides = overrides or Overrides()
    lines = text.split("\n")
    page = _Page(lines)
    warnings: list[str] = []

    comment_start = len(lines)
    located = None
    if overrides.comments:
        first_para = next((i for i, line in enumerate(lines) if _is_paragraph(line)), len(lines))
        located = locate_comments(lines, article_end=lambda i: i > first_para)
        comment_start = located.start
        if located.layout:
            page.layouts.append(located.layout)
        for i in located.widget_lines:
            # a lone comment count or "Leave a reply" outside any comment section ("0 Comments" above the article)
            page.mark(i, "boilerplate", "comment-widget")
    _join_wrapped(page, end=comment_start)
    overrides = _checked_title_line(overrides, page, end=comment_start, warnings=warnings)
    _mark_forum_chrome(page, end=comment_start)
    _mark_overrides(page, OverrideMatcher(overrides, budget=pattern_budget), end=comment_start)
    _mark_line_rules(page, end=comment_start)
    _mark_separator_blocks(page, end=comment_start)
    _mark_header(page, end=comment_start, overrides=overrides)
    _mark_body(page, end=comment_start)
    _mark_repeats(page)

    comments: list[Comment] = []
    declared = None
    if located is not None and located.layout:
        comments, declared = located.comments, located.declared
        if located.unparsed is not None:
            first, last = located.unparsed
            for i in range(first, last + 1):
                page.mark(i, "boilerplate", "comment-section-unparsed")
        for i in located.chrome:
            page.mark(i, "boilerplate", "comment-widget")
        warnings.extend(located.warnings)
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
#: lines of a hard-wrapped text: the longest line of a run is at least this long and at most ...
WRAP_WIDTH = (55, 120)
#: ... and a line that fills at least this share of it was cut by the wrap, not by the writer
WRAP_FILL = 0.8
#: characters of a line cut once before a lower-case line (shorter lines before lower case are verse, lists)
CUT_LINE = 60


def _join_wrapped(page: _Page, *, end: int) -> None:
    """Lines of one hard-wrapped paragraph are joined into one (the first line's), before any rule reads them.

    A text saved at a fixed width (a report at 72 or 100 columns, a quotation copied from an e-mail) cuts its
    sentences at line ends: "OEF about $227" / "billion (24%)". In a run of lines with no blank line between,
    a line continues on the next when

    - the run is wrapped at a width (its longest line is 55-120 characters and most of its lines but the last
      fill 80 % of it), this line fills the width and it does not end a sentence, or the next line starts in
      lower case; or
    - whatever the widths, the next line starts in lower case and this line (60 characters or more) ends no
      sentence (a long line cut once, "...in the early days of the war," / "when the city fell"). Shorter
      lines before a lower-case line stay lines: verse, a list of phrases.

    Lines that are items of their own never join: list items (bullets, dashes, numbers), "Label: N" lines,
    table rows, short rows of words then a number ("Britain 414"), and a short line (a heading, a list of names) that does not fill the width. A word cut by a
    hyphen keeps its hyphen ("counter-" / "terror": "counter-terror"). The joined lines become blank, so the
    paragraph is one segment whose ``line`` is its first line.

    >>> page = _Page(["Of that total, CRS estimates that Iraq will receive about $683 billion (72%), OEF about $227",
    ...               "billion (24%) and enhanced base security about $29 billion (3%), with about $5 billion that CRS",
    ...               "cannot allocate (1%).", "Total deaths: 4,712", "U.S. deaths: 4,394"])
    >>> _join_wrapped(page, end=5)
    >>> [line[:40] for line in page.lines]
    ['Of that total, CRS estimates that Iraq w', '', '', 'Total deaths: 4,712', 'U.S. deaths: 4,394']
    >>> page.lines[0].endswith("with about $5 billion that CRS cannot allocate (1%).")
    True
    """
    i = 0
    while i < end:
        if not page.free(i):
            i += 1
            continue
        j = i
        while j + 1 < end and page.free(j + 1):
            j += 1
        if j > i:
            _join_run(page, list(range(i, j + 1)))
        i = j + 1


def _join_run(page: _Page, run: list[int]) -> None:
    lines = page.lines
    original = [lines[k].strip() for k in run]
    items = [bool(rules.LIST_ITEM.search(line) or rules.NUMBER_ROW.match(line)) for line in original]
    lengths = [len(line) for line in original]
    width = max(lengths)
    filled = [n >= WRAP_FILL * width for n in lengths]
    text_lines = [f for f, item in zip(filled[:-1], items[:-1]) if not item]  # the lines a wrap would fill
    wrapped = WRAP_WIDTH[0] <= width <= WRAP_WIDTH[1] and sum(text_lines) >= 1 and 2 * sum(text_lines) > len(text_lines)
    pieces = [original[0]]  # the paragraph being joined, from line ``head`` on
    head = run[0]
    for n in range(len(run) - 1):
        this, b = original[n], original[n + 1]
        lower = b[:1].islower()
        joins = not items[n] and not items[n + 1] and (
            (wrapped and filled[n] and (lower or not rules.SENTENCE_END.search(this)))
            or (lower and len(this) >= CUT_LINE and not rules.SENTENCE_END.search(this))
        )
        if joins:
            pieces.append("" if lower and regex.search(r"\p{Ll}-$", this) else " ")
            pieces.append(b)
            lines[run[n + 1]] = ""
            continue
        if len(pieces) > 1:
            lines[head] = "".join(pieces)
        pieces, head = [b], run[n + 1]
    if len(pieces) > 1:
        lines[head] = "".join(pieces)


def _mark_forum_chrome(page: _Page, *, end: int) -> None:
    lines = page.lines
    related = next((i for i in range(end) if rules.FORUM_RELATED.match(lines[i])), None)
    rating = next((i for i in range(min(end, 10)) if rules.FORUM_RATING.match(lines[i])), None)
    if related is None and rating is None:
        return
    page.layouts.append("forum")
    if rating is not None:
        page.mark(rating, "boilerplate", "forum-rating")
        i = rating + 1
        while i < end and rules.BULLET.match(lines[i]):
            page.mark(i, "boilerplate", "forum-rating")
            i += 1
    tail_start = related
    if tail_start is None:
        tail_start = next((i for i in range(end) if rules.FORUM_TAIL.match(lines[i])), end)
    for i in range(tail_start, end):
        page.mark(i, "boilerplate", "forum-related-threads" if not rules.FORUM_TAIL.match(lines[i]) or "Last Post" in lines[i] else "forum-footer")
    # signature quotes: the run of quoted lines with an attribution just above the forum tail
    i = tail_start - 1
    while i >= 0 and (not lines[i].strip() or rules.SIGNATURE.match(lines[i])):
        if lines[i].strip():
            page.mark(i, "boilerplate", "forum-signature")
        i -= 1


def _checked_title_line(overrides: Overrides, page: _Page, *, end: int, warnings: list[str]) -> Overrides:
    """The overrides, without a ``title_line`` that is past the article's text or blank (with a warning)."""
    n = overrides.title_line
    if not n:
        return overrides
    if n > end:
        where = f"the page has {len(page.lines)} lines" if end == len(page.lines) else f"the comments start at line {end + 1}"
        problem = f"is past the article's text ({where})"
    elif not page.lines[n - 1].strip():
        problem = "is a blank line"
    else:
        return overrides
    warnings.append(f"sources.yml segmentation title_line {n} {problem}: ignored, the headline is found by the rules")
    return dataclasses.replace(overrides, title_line=None)


def _mark_overrides(page: _Page, matcher: OverrideMatcher, *, end: int) -> None:
    if not matcher:
        return
    for i in range(end):
        if not page.free(i):
            continue
        verdict = matcher.decide(page.lines[i], line_no=i + 1)
        if verdict == "keep":
            page.mark(i, "body", "override-keep")
        elif verdict == "boilerplate":
            page.mark(i, "boilerplate", "override-boilerplate")


def _mark_line_rules(page: _Page, *, end: int) -> None:
    for i in range(end):
        if not page.free(i):
            continue
        line = page.lines[i]
        marker = rules.IMAGE_MARKER.match(line)
        if marker and line[marker.end() :].strip():
            # "[Image: x.jpg]REYKJAVIK -": the marker is an image, the rest stays for the other rules
            page.extra.append(Segment(kind="image", text=marker.group(0).strip(), line=i + 1, rule="image-marker"))
            page.lines[i] = line[marker.end() :]
            line = page.lines[i]
        for name, kind, pattern in rules.LINE_RULES:
            if _rule_holds(pattern, line):
                page.mark(i, kind, name)
                break


def _rule_holds(pattern, line: str) -> bool:  # noqa: ANN001 - a compiled pattern
    """Whether a line rule's ``pattern`` decides ``line``: it matches, and in a paragraph (40 words or more) of
    three sentences or more, the sentences it matches in hold at least half of the paragraph's words.

    The rules describe clutter lines ("To donate via Stripe, click here.", a caption ending in its credit). A
    text stored as one long line (a dataset's article field) holds the whole article in one paragraph, where
    "... urging residents to donate blood ..." is one sentence of the story: the paragraph stays text.

    >>> import re
    >>> _rule_holds(re.compile(r"to donate", re.I), "To donate via Stripe, click here.")
    True
    >>> story = "A bomb killed 44 people in the city. " * 8 + "The governor urged residents to donate blood."
    >>> _rule_holds(re.compile(r"to donate", re.I), story)
    False
    """
    matches = [m.span() for m in pattern.finditer(line)]
    if not matches:
        return False
    if count_words(line) < 40:
        return True
    spans = sentence_spans(line)
    if len(spans) < 3:
        return True
    hit = sum(count_words(line[a:b]) for a, b in spans if any(a < end and start < b for start, end in matches))
    return 2 * hit >= count_words(line)


def _mark_separator_blocks(page: _Page, *, end: int) -> None:
    """Lines between rule separators (``-----``) after the article are site chrome (appeals, promos).

    A separator is always chrome itself, but it starts the chrome run only when the article lies before it:
    a ``_________`` in a nav menu above the article must not throw the article away. The run starts at the
    first separator with no more paragraph text after it than before it.
    """
    seps = [i for i in range(end) if rules.SEPARATOR.match(page.lines[i])]
    if not seps:
        return
    for i in seps:
        page.mark(i, "boilerplate", "separator")
    words = [count_words(page.lines[i]) if page.free(i) and _is_paragraph(page.lines[i]) else 0 for i in range(end)]
    total = sum(words)
    before = 0
    first = None
    for i in range(end):
        if i in seps and before >= total - before:
            first = i
            break
        before += words[i]
    if first is None:
        return
    for i in range(first + 1, end):
        if page.free(i):
            page.mark(i, "boilerplate", "donation-appeal" if rules.APPEAL_WORDS.search(page.lines[i]) else "site-chrome")


def _is_paragraph(line: str) -> bool:
    n = count_words(line)
    return n >= 40 or (n >= 10 and bool(rules.TERMINAL.search(line)))


def _mark_header(page: _Page, *, end: int, overrides: Overrides) -> None:
    """Title, repeated title, summary box, byline, standfirst and dateline before the first paragraph."""
    lines = page.lines
    content = [i for i in range(end) if lines[i].strip()]
    if not content:
        return
    first_para = next((i for i in content if page.free(i) and _is_paragraph(lines[i]) and not rules.SUMMARY_HEADER.match(lines[i])), end)

    # summary box ("Highlights") and the lines after it that repeat the article
    for i in content:
        if i >= first_para:
            break
        if page.free(i) and rules.SUMMARY_HEADER.match(lines[i]):
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
            if page.free(i) and count_words(lines[i]) <= 25 and not rules.BYLINE.match(lines[i]):
                page.mark(i, "title", "first-line")
                title = i
                break
        if title is None:
            title = _headline_as_paragraph(page, content, first_para)
        if title is not None:
            first_para = next((i for i in content if i > title and page.free(i) and _is_paragraph(lines[i])), end)
            title = _headline_above_byline(page, content, title, first_para)
            _mark_name_byline(page, content, title)
    if title is not None:
        key = fold(lines[title])
        for i in content:
            if i > title and i < first_para and page.free(i):
                other = fold(lines[i])
                if other == key or (other.startswith(key) and count_words(lines[i][len(lines[title].strip()) :]) <= 3):
                    page.mark(i, "boilerplate", "repeated-title")
    header = [i for i in content if title is not None and title < i < first_para and page.free(i)]
    # a long run of short lines before the article: the site's navigation (a page with no paragraph at all, a list
    # or a factbox under its lead, has no article for them to come before)
    menu = len(header) > HEADER_LINES and first_para < end
    lead_seen = False  # the standfirst is the first text after the title, byline and dateline, or there is none
    for n, i in enumerate(content):
        if i >= first_para:
            break
        if not page.free(i):
            continue
        line = lines[i]
        if rules.BYLINE.match(line):
            page.mark(i, "byline", "byline")
        elif rules.DATELINE.match(line):
            page.mark(i, "dateline", "dateline")
        elif rules.TIMESTAMP_LINE.match(line):
            page.mark(i, "dateline", "timestamp")
        elif title is not None and i > title:
            if not lead_seen and _is_standfirst(line) and _leads_to_article(page, content[n + 1 :], first_para):
                page.mark(i, "standfirst", "standfirst")
            elif menu and count_words(line) >= 5 and not rules.LIST_ITEM.search(line):
                page.mark(i, "standfirst", "before-first-paragraph")
            lead_seen = True


#: content lines between the title and the first paragraph that an article's header can hold (byline, date,
#: standfirst, a caption); past it, the lines of 5+ words there are the page's menus and teasers, kept aside
#: (list items and "Label: N" lines stay in the body whatever their number)
HEADER_LINES = 6


def _leads_to_article(page: _Page, following: list[int], first_para: int) -> bool:
    """Whether the next free line after a standfirst candidate is the first paragraph, a byline or a dateline."""
    nxt = next((j for j in following if page.free(j)), None)
    return nxt is None or nxt >= first_para or bool(rules.BYLINE.match(page.lines[nxt]) or rules.DATELINE.match(page.lines[nxt]))


#: words of a standfirst: one short lead paragraph (fewer is a line of the article, more is its first paragraph)
STANDFIRST_WORDS = (8, 60)


def _is_standfirst(line: str) -> bool:
    """Whether a line after the title has the shape of a standfirst: 8-60 words, not a list item or "Label: N".

    Whether it is one also depends on what follows it (:func:`_mark_header`): a standfirst is followed by the
    article's first paragraph (or its byline), not by more short lines (a list, a table, wrapped text).

    >>> _is_standfirst("Intelligence documents reveal how Tehran took advantage of US blundering")
    True
    >>> _is_standfirst("At least 30,000 people, maybe 80,000."), _is_standfirst("Est: 15,000 - 38,000")
    (False, False)
    """
    words = len(line.split())  # as a reader counts them: "30,000" is one word
    return STANDFIRST_WORDS[0] <= words <= STANDFIRST_WORDS[1] and not rules.LIST_ITEM.search(line)


def _headline_as_paragraph(page: _Page, content: list[int], first_para: int) -> int | None:
    """The first line as the title when the paragraph test took it for text: a headline ending in a figure
    ("... Operations Since 9/11", "... have more than tripled since 2010") counts as a paragraph of 10 words
    ending like a sentence. It is the title when it is the page's first line, has 25 words or fewer, ends as no
    sentence does (no full stop, comma or semicolon) and more text follows it after a blank line."""
    first = next((i for i in content if page.free(i)), None)
    if first is None or first != content[0] or first != first_para or len(content) < 2:
        return None
    line = page.lines[first]
    after_blank = first + 1 < len(page.lines) and not page.lines[first + 1].strip()
    if count_words(line) > 25 or rules.NOT_HEADLINE_END.search(line) or not after_blank or not line.strip()[:1].isupper() and not line.strip()[:1].isdigit():
        return None
    page.mark(first, "title", "first-line-headline")
    return first


def _headline_above_byline(page: _Page, content: list[int], title: int, first_para: int) -> int:
    """The headline is the line just above the byline when the first short line was the page's chrome.

    A page copied whole starts with its menus ("Skip to content", "Latest", "Podcast"); the article's headline
    is the headline-shaped line (3-25 words, not ending in a full stop, comma or semicolon) right above its
    byline, below short lines only (menu items of 5 words or fewer), and not the first guess repeated. It becomes the title; the first guess and
    the lines between are chrome above the headline.
    """
    byline = next((i for i in content if title < i < first_para and page.free(i) and rules.BYLINE.match(page.lines[i])), None)
    if byline is None:
        return title
    above = max((i for i in content if i < byline), default=title)
    line = page.lines[above]
    between = [i for i in content if title < i < above]
    if (above == title or not page.free(above) or not 3 <= len(line.split()) <= 25 or regex.search(r"[.,;]\s*$", line)
            or any(len(page.lines[i].split()) > 5 for i in between) or fold(line).startswith(fold(page.lines[title]))):
        return title
    page.labels[title] = ("boilerplate", "above-headline")
    for i in between:
        page.mark(i, "boilerplate", "above-headline")
    page.mark(above, "title", "above-byline")
    return above


def _mark_name_byline(page: _Page, content: list[int], title: int) -> None:
    """The line right after the title is the byline when it is a name alone ("Sarah Spickernell") that the page
    never writes in lower case (a heading's words, "Iraqi Civilian Deaths", recur as words of the text)."""
    following = next((i for i in content if i > title), None)
    if following is None or not page.free(following):
        return
    found = rules.NAME_LINE.match(page.lines[following])
    if not found or rules.BYLINE.match(page.lines[following]):
        return
    text = "\n".join(page.lines[i] for i in content if i != following)
    words = regex.findall(r"[\p{L}'’-]+", found.group("name"))
    if any(regex.search(rf"(?<![\p{{L}}]){regex.escape(w.lower())}(?![\p{{L}}])", text) for w in words if len(w) > 2):
        return
    page.mark(following, "byline", "name-after-title")


def _mark_body(page: _Page, *, end: int) -> None:
    lines = page.lines
    for i in range(end):
        if not page.free(i):
            continue
        line = lines[i]
        if rules.DATELINE.match(line):
            page.mark(i, "dateline", "dateline")
        elif rules.TIMESTAMP_LINE.match(line):
            page.mark(i, "dateline", "timestamp")
        elif _is_subhead(lines, i, end):
            page.mark(i, "subhead", "subhead")
        else:
            page.mark(i, "body", "text")


def _is_subhead(lines: list[str], i: int, end: int) -> bool:
    line = lines[i].strip()
    if count_words(line) > 10 or rules.TERMINAL.search(line) or not line[:1].isupper() or _heads_rows(lines, i, end):
        return False
    following = next((lines[j] for j in range(i + 1, end) if lines[j].strip()), "")
    return _is_paragraph(following)


def _heads_rows(lines: list[str], i: int, end: int) -> bool:
    """Whether line ``i`` names the columns of the rows right under it, a table pasted as text: "Date Name Deaths Location
    Description" over "9 AD Teutoburg Massacre ~30,000 ...": three or more capitalised words and nothing else, and
    the next two lines, with no blank line between, each hold a number. A column header stays with its rows in the body.

    >>> _heads_rows(["Date Name Deaths Location", "9 AD Teutoburg ~30,000 Germany", "1190 York ~150 England"], 0, 3)
    True
    >>> _heads_rows(["Death toll rises", "At least 30 people died on Monday.", "Another 12 on Tuesday."], 0, 3)
    False
    """
    words = lines[i].split()
    if len(words) < 3 or not all(w[:1].isupper() and w.isalpha() for w in words) or i + 2 >= end:
        return False
    return all(lines[j].strip() and any(c.isdigit() for c in lines[j]) for j in (i + 1, i + 2))


#: words of a body line before its repeat is a pullquote: a shorter line said twice is a table's unit, label or cell
#: ("£ million", "Total", "75"), or a list's, and stays where it is
REPEAT_MIN_WORDS = 6


def _mark_repeats(page: _Page) -> None:
    """Summaries, captions and duplicate paragraphs that repeat a body paragraph are marked, not counted twice."""
    body = [i for i, label in enumerate(page.labels) if label and label[0] == "body"]
    keys = {i: fold(page.lines[i]) for i in body}
    seen: dict[str, int] = {}
    for para_index, i in enumerate(body):
        key = keys[i]
        if key in seen and count_words(page.lines[i]) >= REPEAT_MIN_WORDS:
            page.labels[i] = ("pullquote", "duplicate-paragraph")
            page.repeats[i] = seen[key]
        else:
            seen[key] = para_index
    paragraphs = [(n, keys[i]) for n, i in enumerate(i for i in body if page.labels[i][0] == "body")]
    for i, label in enumerate(page.labels):
        if not label or label[0] not in {"summary", "caption"}:
            continue
        key = fold(rules.TRAILING_PARENTHESIS.sub("", page.lines[i]))
        if count_words(key) < 8:
            continue
        best = max(paragraphs, key=lambda p: fuzz.ratio(key, p[1]), default=None)
        if best is not None and fuzz.ratio(key, best[1]) >= 80:
            page.repeats[i] = best[0]
            if label[0] == "caption":
                page.labels[i] = ("pullquote", "caption-repeats-paragraph")
