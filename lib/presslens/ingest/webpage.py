"""Saved web pages: the article's text, the page's metadata and its reader comments, from the DOM.

A saved page is parsed once with lxml (tolerant of broken markup; a nesting deeper than
libxml2's limit is flattened by :func:`.domcomments.load_document`). Then, in this order:

1. the page's metadata (JSON-LD, Open Graph, meta tags, ``<link rel=canonical>``,
   ``<html lang>``, and htmldate's publication date) become :class:`~.metadata.Value`
   objects with basis ``stated`` and evidence naming where each came from;
2. :func:`.domcomments.extract_comments` finds the comment thread; its section
   elements are cut from the tree, so comment text can never reach the body
   (trafilatura itself loses every comment of standard WordPress markup and
   mistakes widget text for comments, so it is not asked for them);
3. trafilatura extracts the main text of what is left (``favor_recall`` keeps
   short final paragraphs it would otherwise drop), and each of its lines gets a
   kind and the rule that decided it (:mod:`.pagerules`): headline, date line,
   byline, chrome, tag list, credit, else body.

Nothing here raises on bad input: a page that cannot be parsed or holds no article
text gets a ``reason``; every doubt (comment counts that differ, a trafilatura
failure, a fallback) is a warning.

Line numbers: a segment's ``line`` is the 1-based line, in the decoded file, of the
element whose text begins the paragraph (lxml's ``sourceline``), found by the
paragraph's first characters; 0 when no element matches (trafilatura rewrites
some text, e.g. table cells joined with ``|``). A comment's ``line`` is its
element's ``sourceline``, else 0.
"""

from __future__ import annotations

import codecs
import html as htmllib
import json
import re
from copy import deepcopy
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .comments import Comment
from .domcomments import CommentResult, DomComment, extract_comments, load_document
from .html import html_to_text
from .metadata import Value
from .segment import BODY_KINDS, Segment
from . import pagerules as R

#: the page metadata fields read from the markup (``description`` is kept beside the FIELDS of sources.yml)
PAGE_FIELDS = ("title", "author", "published", "outlet", "url", "language", "description")
#: JSON-LD ``@type`` values that describe the page's article
_ARTICLE_TYPES = ("BlogPosting", "Report", "WebPage", "DiscussionForumPosting", "NewsArticle", "Article")
#: share of the page's main-text shingles from which a "comment" is the article itself
ARTICLE_SHARE = 0.5
#: elements whose text is never the start of an article paragraph (for line numbers)
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_KEY_CHARS = 40
_BODY_TAG = re.compile(r"<body[\s>/]", re.I)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]|$)")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
#: encodings that read the same bytes the same way (for the charset check)
_SAME_ENCODING = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "utf-8"}


@dataclass
class WebPage:
    """What :func:`read_web_page` found on one saved page.

    Attributes:
        segments: the main text's lines with kind and rule (body, title, dateline, ...).
        comments: the reader comments, threaded (``reply_to`` is a ``comment_id``).
        meta: page metadata by field (:data:`PAGE_FIELDS`), each ``stated`` with its evidence.
        declared_comments: the comment count the page states, None when it states none.
        layouts: the comment parser that fired (e.g. ``wordpress``), else ``trafilatura``.
        warnings: doubts worth an analyst's look (counts that differ, fallbacks).
        reason: why the page has no article text; empty when it has.
        date: htmldate's publication date (``YYYY-MM-DD``), empty when it finds none.
    """

    segments: list[Segment]
    comments: list[Comment]
    meta: dict[str, Value] = field(default_factory=dict)
    declared_comments: int | None = None
    layouts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reason: str = ""
    date: str = ""

    @property
    def body(self) -> str:
        """The article's running text, paragraphs separated by a blank line."""
        return "\n\n".join(s.text for s in self.segments if s.kind in BODY_KINDS)


def read_web_page(markup: str, *, name: str) -> WebPage:
    """Read one saved HTML page: article segments, page metadata and comments.

    Args:
        markup: the decoded page (see :func:`presslens.text.decode_bytes`).
        name: the file name, for warnings and reasons.

    Returns:
        A :class:`WebPage`; ``reason`` says why when no article text was found.
        Never raises on bad markup.
    """
    warnings: list[str] = []
    try:
        tree = load_document(markup, warnings)
    except Exception as exc:  # lxml on pathological input: a reason, never a traceback
        return WebPage([], [], warnings=warnings, reason=f"{name}: HTML could not be parsed ({exc.__class__.__name__}: {exc})")
    if tree is None:
        why = "; ".join(warnings) or "nothing to parse"
        return WebPage([], [], warnings=warnings, reason=f"HTML could not be parsed ({why})")
    if not _BODY_TAG.search(markup):
        warnings.append("the page has no <body> tag; its markup was read as a fragment")
    meta = page_metadata(tree)
    date = _htmldate(tree, warnings)
    if date and "published" not in meta:
        meta["published"] = Value(date, "stated", "htmldate")
    headline = _headline_candidates(tree, meta)
    index = _line_index(tree)
    found = _comments(tree, warnings)
    kept, cuts = _spare_the_article(tree, found, warnings)
    comments = to_comments(kept)
    _cut(tree, cuts)
    lines, source = _main_text(tree, warnings)
    segments = classify_lines(lines, headline=headline, index=index, rule_prefix=source)
    _keep_comment_text_out(segments, comments, warnings)
    if not any(s.kind == "title" for s in segments):
        title = _page_headline(tree, meta)
        if title:
            segments.insert(0, Segment("title", title[0], _lookup(index, title[0], 0), title[1]))
    reason = ""
    if not any(s.kind in BODY_KINDS for s in segments):
        reason = _no_text_reason(tree, segments)
    return WebPage(
        segments=segments,
        comments=comments,
        meta=meta,
        declared_comments=found.declared,
        layouts=[found.platform] if found.platform else ["trafilatura" if source == "html" else "visible-text"],
        warnings=warnings,
        reason=reason,
        date=date,
    )


# ---------------------------------------------------------------------------
# Page metadata.
# ---------------------------------------------------------------------------


def page_metadata(tree) -> dict[str, Value]:
    """The metadata a page states about itself, first source wins per field.

    Order of trust: JSON-LD (the publisher's structured data), then Open Graph,
    then plain meta tags, then ``<link rel=canonical>``, ``<html lang>`` and the
    ``<title>`` element. Evidence names the source (``json-ld:headline``,
    ``og:title``, ``meta:author``, ``link:canonical``, ``html:lang``, ``title``).

    >>> from lxml import html
    >>> page_metadata(html.fromstring('<html lang="en"><head><meta property="og:site_name" content="Daily"></head></html>'))["outlet"]
    Value(value='Daily', basis='stated', evidence='og:site_name')
    >>> page_metadata(html.fromstring('<html><head><meta name="author" content="Lindsey O&amp;#039;Donnell"></head></html>'))["author"].value
    "Lindsey O'Donnell"
    """
    out: dict[str, Value] = {}

    def put(name: str, value, evidence: str) -> None:
        if name in out or not isinstance(value, str):
            return
        # CMSs often escape twice ("O&amp;#039;Donnell" in the markup reads "O&#039;Donnell"): undo the second
        value = " ".join(htmllib.unescape(value).split()) if "&" in value else " ".join(value.split())
        if not value:
            return
        if name == "published":
            m = _ISO_DATE.match(value)
            if not m:
                return
            value = m.group(1)
        if name == "language":
            value = value.replace("_", "-")
        if name == "author" and re.match(r"(?i)https?://|www\.", value):
            return
        out[name] = Value(value, "stated", evidence)

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        for item in _json_ld_items(script.text_content()):
            put("title", item.get("headline"), "json-ld:headline")
            put("published", item.get("datePublished"), "json-ld:datePublished")
            put("description", item.get("description"), "json-ld:description")
            put("author", _names(item.get("author")), "json-ld:author")
            put("outlet", _names(item.get("publisher")), "json-ld:publisher")
            url = item.get("url") or item.get("mainEntityOfPage")
            put("url", url.get("@id") if isinstance(url, dict) else url, "json-ld:url")
            put("language", item.get("inLanguage"), "json-ld:inLanguage")
    for prop, name in (
        ("og:title", "title"), ("og:site_name", "outlet"), ("og:url", "url"), ("og:description", "description"),
        ("article:published_time", "published"), ("article:author", "author"), ("og:locale", "language"),
    ):
        for value in tree.xpath(f'//meta[@property="{prop}"]/@content'):
            put(name, value, prop)
    lower = "translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
    for meta_name, name in (
        ("author", "author"), ("description", "description"), ("twitter:title", "title"), ("citation_title", "title"),
        ("dc.title", "title"), ("application-name", "outlet"), ("date", "published"), ("dc.date", "published"),
    ):
        for value in tree.xpath(f'//meta[{lower}="{meta_name}"]/@content'):
            put(name, value, f"meta:{meta_name}")
    for value in tree.xpath('//link[@rel="canonical"]/@href'):
        put("url", value, "link:canonical")
    for value in tree.xpath("/html/@lang"):
        put("language", value, "html:lang")
    for value in tree.xpath('//meta[translate(@http-equiv,"CONTENTLAGU","contentlagu")="content-language"]/@content'):
        put("language", value, "meta:content-language")
    for value in tree.xpath("//title/text()")[:1]:
        put("title", value, "title")
    return out


def _json_ld_items(text: str):
    """The article-like objects of a JSON-LD block (``@graph`` and lists walked), none on invalid JSON."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if graph is not None:
            stack.extend(graph if isinstance(graph, list) else [graph])
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and ("Article" in k or k in _ARTICLE_TYPES) for k in kinds):
            yield item


def _names(value) -> str | None:
    """A person or organisation as JSON-LD gives it (a name, an object, a list of them): names joined by commas."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and name.strip() not in names:
            names.append(name.strip())
    return ", ".join(names) or None


def _htmldate(tree, warnings: list[str]) -> str:
    """htmldate's original publication date, on a copy (it cleans the tree it searches)."""
    try:
        import htmldate

        return htmldate.find_date(deepcopy(tree), original_date=True, extensive_search=False) or ""
    except Exception as exc:  # a date library's failure costs the date, not the page
        warnings.append(f"htmldate could not read a date ({exc.__class__.__name__})")
        return ""


def charset_warning(data: bytes, used: str) -> str:
    """A warning when the page's ``<meta charset>`` names another encoding than the one its bytes were read with.

    >>> charset_warning(b'<meta charset="iso-8859-1"><p>\\xc3\\xa9</p>', "utf-8")
    'the page declares charset iso-8859-1 but its bytes were read as utf-8 (the declaration is contradicted by the bytes)'
    """
    m = _META_CHARSET.search(data[:32768])
    if not m:
        return ""
    label = m.group(1).decode("ascii", "ignore")
    try:
        declared = codecs.lookup(label).name
    except LookupError:
        return f"the page declares an unknown charset {label!r}; its bytes were read as {used}"
    if declared.startswith("utf-16") and used.startswith("utf-16"):
        return ""
    if _canon(declared) == _canon(used) or data.isascii():
        return ""
    return f"the page declares charset {label} but its bytes were read as {used} (the declaration is contradicted by the bytes)"


def _canon(encoding: str) -> str:
    """One name per way of reading bytes (Latin-1 labels read as Windows-1252, ASCII as UTF-8)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = encoding.lower()
    return _SAME_ENCODING.get(name, name)


# ---------------------------------------------------------------------------
# Comments.
# ---------------------------------------------------------------------------


def _comments(tree, warnings: list[str]) -> CommentResult:
    try:
        found = extract_comments(tree)
    except Exception as exc:  # the comment extractor never raises by contract; if it does, the article survives
        warnings.append(f"comment extraction failed ({exc.__class__.__name__}: {exc}); no comments read")
        return CommentResult([], None)
    warnings.extend(w for w in found.warnings if "no visible text" not in w)
    return found


def _spare_the_article(tree, found: CommentResult, warnings: list[str]) -> tuple[list[DomComment], list]:
    """The comments to keep and the elements to cut, never the article itself.

    A heuristic comment parser can take the article and its "recommended" teasers
    for a thread. An item is the article, not a comment, when its element holds the
    page's headline (first ``<h1>``) or ``itemprop=articleBody``, or when its text
    holds at least :data:`ARTICLE_SHARE` of the 4-word shingles of trafilatura's
    main text of the uncut page and is the first item (the opening post of a forum
    thread is the document's body; a long answer further down a Q&A page is not). A section holding the headline or such an item is
    then not cut whole: only the remaining comment elements are.
    """
    if not found.comments:
        return [], list(found.sections)
    marks = tree.xpath('(//h1)[1] | //*[@itemprop="articleBody"]')

    def holds(el) -> bool:
        return el is not None and any(m is el or any(a is el for a in m.iterancestors()) for m in marks)

    article = _shingle_set(" ".join(_trafilatura_lines(tree, [])))
    def is_article(i: int, c: DomComment) -> bool:
        # the share test is for the first item only: a thread's opening post or an article taken for a comment
        # comes first; a long answer further down a Q&A page can hold most of trafilatura's main text too
        share = i == 0 and bool(article) and len(_shingle_set(c.text) & article) >= ARTICLE_SHARE * len(article)
        return holds(c.element) or share

    articles = [i for i, c in enumerate(found.comments) if is_article(i, c)]
    if not articles and not any(holds(s) for s in found.sections):
        return found.comments, list(found.sections)
    if not articles:  # a thread around its headline (forums, Q&A): cut the posts, keep the page's head
        return found.comments, [c.element for c in found.comments if c.element is not None]
    keep = [i for i in range(len(found.comments)) if i not in articles]
    renumber = {old: new for new, old in enumerate(keep)}
    kept: list[DomComment] = []
    for i in keep:
        c = found.comments[i]
        parent = renumber.get(c.parent) if c.parent is not None else None
        depth = 0 if parent is None else kept[parent].depth + 1
        kept.append(DomComment(c.author, c.posted, c.posted_raw, parent, depth, c.text, c.pingback, list(c.quotes), c.element))
    if articles == [0] and not holds(found.comments[0].element):
        warnings.append(f"the first post of this {found.platform} thread is read as the document's body; its {len(kept)} replies are the comments")
    else:
        warnings.append(
            f"the {found.platform} comment parser took {len(articles)} item(s) holding the article for comments: they stay "
            f"in the body, and only the other {len(kept)} comment element(s) were cut"
        )
    spared = [found.comments[i].element for i in articles]
    cuts = [s for s in found.sections if not holds(s) and not any(holds_el(s, e) for e in spared)]
    return kept, cuts + [c.element for c in kept if c.element is not None]


def holds_el(outer, inner) -> bool:
    """``outer`` is ``inner`` or one of its ancestors."""
    return inner is not None and (inner is outer or any(a is outer for a in inner.iterancestors()))


def _shingle_set(text: str) -> set:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3))}


def to_comments(found: list[DomComment]) -> list[Comment]:
    """DOM comments as corpus comments: ids ``c001``..., parent index to ``reply_to`` id, ``line`` from the element."""
    ids = [f"c{n:03d}" for n in range(1, len(found) + 1)]
    out = []
    for n, c in enumerate(found):
        parent = ids[c.parent] if c.parent is not None and 0 <= c.parent < len(ids) and c.parent != n else None
        line = getattr(c.element, "sourceline", None) or 0
        out.append(Comment(ids[n], c.author, c.posted, parent, c.depth, c.text, line, pingback=c.pingback))
    return out


def _cut(tree, sections) -> None:
    """Remove the comment sections from the tree (text after a section, its tail, stays)."""
    for el in sections:
        if el is None or el.tag in ("html", "body") or el.getparent() is None:
            continue  # never the whole page; an element already cut with its ancestor has no parent left
        el.drop_tree()


def _keep_comment_text_out(segments: list[Segment], comments: list[Comment], warnings: list[str]) -> None:
    """Body lines that are a whole comment (the DOM holds a copy outside its section) become boilerplate.

    Only a line equal to a comment's whole text: readers quote the article's
    paragraphs in their comments, and a quoted paragraph is still the article's.
    """
    texts = {" ".join(c.text.split()) for c in comments if len(c.text.split()) >= 6}
    if not texts:
        return
    moved = 0
    for s in segments:
        if s.kind in BODY_KINDS and " ".join(s.text.split()) in texts:
            s.kind, s.rule = "boilerplate", "html:comment-text"
            moved += 1
    if moved:
        warnings.append(f"{moved} line(s) of comment text outside the comment section were removed from the body")


# ---------------------------------------------------------------------------
# Main text.
# ---------------------------------------------------------------------------


def _trafilatura_lines(tree, warnings: list[str]) -> list[str]:
    """trafilatura's main text of the tree, one paragraph per line."""
    import trafilatura
    from lxml import etree

    text = ""
    try:
        # serialised, not the tree: trafilatura parses strings its own way and keeps more of the article
        # (recall 0.974 against 0.961 on the AEB development pages when handed lxml's tree)
        # ... except for a DOM deeper than libxml2's default limit (255), which trafilatura's own parse would cut short
        markup = etree.tostring(tree, encoding="unicode", method="html") if _depth(tree) < _PARSER_DEPTH else tree
        text = trafilatura.extract(markup, include_comments=False, favor_recall=True, include_tables=True) or ""
    except Exception as exc:  # a library failure on odd markup: fall back, say so
        warnings.append(f"trafilatura failed ({exc.__class__.__name__}); the page's visible text was used")
    return [line.strip() for line in text.splitlines() if line.strip()]


_PARSER_DEPTH = 250


def _depth(tree) -> int:
    """The DOM's nesting depth, counted iteratively (stops counting at :data:`_PARSER_DEPTH`)."""
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > deepest:
            deepest = depth
            if deepest >= _PARSER_DEPTH:
                break
    return deepest


def _main_text(tree, warnings: list[str]) -> tuple[list[str], str]:
    """trafilatura's main text as lines; the page's visible text when trafilatura finds none."""
    from lxml import etree

    lines = _trafilatura_lines(tree, warnings)
    if lines:
        return lines, "html"
    try:
        visible = html_to_text(etree.tostring(tree, encoding="unicode", method="html"))
    except Exception:
        visible = ""
    lines = [line.strip() for line in visible.splitlines() if line.strip()]
    if lines:
        warnings.append("trafilatura found no main text; the page's visible text was used")
    return lines, "html-visible"


def is_date_line(line: str) -> bool:
    """A line that is only a date or time ("Updated 10:32 AM EST, November 18, 2019").

    >>> is_date_line("Published Monday, 18 November 2019 10:32 GMT"), is_date_line("18 people died on Monday")
    (True, False)
    """
    tokens = R.DATE_WORDS.findall(line)
    if not tokens or len(tokens) > R.DATE_MAX_TOKENS:
        return False
    if not any(ch.isdigit() for ch in line) or not R.DATE_NAMED.search(line):
        return False
    return sum(bool(R.DATE_TOKEN.match(t.strip(".,"))) for t in tokens) >= R.DATE_MIN_SHARE * len(tokens)


def classify_lines(lines: list[str], *, headline: list[str], index: dict | None = None, rule_prefix: str = "html") -> list[Segment]:
    """Each main-text line as a segment: title, dateline, byline, chrome, tag list, credit, else body.

    Args:
        lines: the main text, one paragraph per line.
        headline: the page's headline as its metadata and ``<h1>`` give it (and its parts).
        index: :func:`_line_index` of the page, for line numbers (None: 0).
        rule_prefix: ``html`` for trafilatura's text, ``html-visible`` for the fallback.
    """
    out: list[Segment] = []
    last = 0
    for i, line in enumerate(lines):
        kind, rule = "body", "body"
        low = line.lower()
        if i < R.HEADLINE_WINDOW and any(fuzz.ratio(low, t.lower()) >= R.HEADLINE_SIMILARITY for t in headline if t):
            kind, rule = "title", "headline"
        elif is_date_line(line):
            kind, rule = "dateline", "date-line"
        elif R.BYLINE.match(line) and len(line.split()) <= R.BYLINE_MAX_WORDS:
            kind, rule = "byline", "byline"
        elif R.CHROME.match(line):
            kind, rule = "boilerplate", "chrome"
        elif out and out[-1].rule.endswith(":chrome") and R.TAG_HEAD.fullmatch(out[-1].text) and "," in line and not re.search(r"[.!?]$", line):
            kind, rule = "boilerplate", "tag-list"
        elif R.CREDIT.match(line):
            kind, rule = "credit", "contributors"
        number = _lookup(index, line, last) if index is not None else 0
        last = number or last
        out.append(Segment(kind, line, number, f"{rule_prefix}:{rule}"))
    return out


def _headline_candidates(tree, meta: dict[str, Value]) -> list[str]:
    titles = [meta["title"].value] if "title" in meta else []
    titles += [" ".join(t.split()) for t in tree.xpath("//title/text()")[:1]]
    titles += [" ".join(h.text_content().split()) for h in tree.xpath("//h1")[:5]]
    titles += [p for t in list(titles) for p in R.TITLE_SPLIT.split(t) if len(p.split()) >= R.TITLE_PART_MIN_WORDS]
    return [t for t in titles if t]


def _page_headline(tree, meta: dict[str, Value]) -> tuple[str, str] | None:
    """The headline when trafilatura's text does not repeat it: the first ``<h1>``, else the stated title."""
    for h in tree.xpath("//h1")[:1]:
        text = " ".join(h.text_content().split())
        if text:
            return text, "html:h1"
    if "title" in meta:
        return meta["title"].value, f"html:{meta['title'].evidence}"
    return None


def _no_text_reason(tree, segments: list[Segment]) -> str:
    """Why a page gave no article text: no body, an empty one, a script-only app, or only clutter."""
    scripts = len(tree.xpath("//script"))
    body = tree.find("body")
    if body is None or not _has_visible_text(body):
        what = "no <body>" if body is None else "no visible text in <body>"
        app = f", {scripts} script(s): a JavaScript app saved before its scripts ran?" if scripts else ""
        return f"no article text found ({what}{app})"
    kinds = sorted({s.kind for s in segments})
    return f"no article text found (the page's text is only: {', '.join(kinds) or 'nothing trafilatura keeps'})"


def _has_visible_text(body) -> bool:
    """Any text outside scripts, styles and templates (iteratively: a deep DOM cannot hit the recursion limit)."""
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in _NO_TEXT and el.text and el.text.strip() and not any(a.tag in _NO_TEXT for a in el.iterancestors()):
            return True
        if el.tail and el.tail.strip():
            return True
    return False


# ---------------------------------------------------------------------------
# Line numbers.
# ---------------------------------------------------------------------------


def _line_index(tree) -> dict[str, list[int]]:
    """The first characters of every text node (element text and tails) with the source lines they start on."""
    index: dict[str, list[int]] = {}
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        line = el.sourceline or 0
        if el.tag not in _NO_TEXT and el.text:
            _add(index, el.text, line)
        if el.tail:
            _add(index, el.tail, line)
    return index


def _add(index: dict[str, list[int]], text: str, line: int) -> None:
    key = " ".join(text.split())[:_KEY_CHARS]
    if len(key) >= 3 and line:
        index.setdefault(key, []).append(line)


def _lookup(index: dict[str, list[int]] | None, text: str, after: int) -> int:
    """The source line of the longest text-node start that begins ``text``, at or after ``after`` when possible."""
    if not index:
        return 0
    norm = " ".join(text.split())
    for k in range(min(_KEY_CHARS, len(norm)), 2, -1):
        lines = index.get(norm[:k])
        if lines:
            return next((n for n in lines if n >= after), lines[0])
    return 0
