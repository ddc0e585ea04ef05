"""Reader comments from saved HTML pages: the DOM side of presslens comment ingestion.

``extract_comments(tree_or_html)`` finds the comment section of a page, returns one record per
comment (author, ISO time, parent, depth, own text, quotes, pingback flag), names the parser that
fired, hands back the section elements so the caller can cut them from the article body, reads the
count the page states ("54 Kommentare") and records every doubt as a warning instead of raising.

Design: lxml only. One small parser per platform family, tried from the most specific markup to the
most generic; a parser returns None when its markup is absent. Parsers only *find* items (author,
time, text, explicit reply keys); threading, depth, dates and the section are resolved once, in
``_finish``, so that every family gets the same rules. Everything walks the tree iteratively, so a
50,000-level DOM cannot hit Python's recursion limit.
"""
from __future__ import annotations

import codecs
import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

from lxml import etree, html
from lxml.html import HtmlElement

__all__ = ["DomComment", "CommentResult", "extract_comments", "parse_date", "load_document"]


# --------------------------------------------------------------------------------------------
# data: the markup words, date names and patterns the parsers read (edit here, not in the code)
# --------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_START_RUN = re.compile(r"(?:<[a-zA-Z][^<>]{0,200}>\s*){256,}")
_TAG = re.compile(r"<[a-zA-Z][^<>]{0,200}>")
_PART_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5",
          "h6", "tr", "table", "dd", "dt", "dl", "section", "article", "header", "footer", "hr",
          "figure", "figcaption", "aside", "main", "nav", "address", "center"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "button", "form", "input", "select",
              "textarea", "option", "iframe", "object", "embed", "head", "title", "meta", "link",
              "img", "picture", "video", "audio", "canvas", "map"}
# Class/id words of controls and chrome that are never a comment's own text.
_UI_PARTS = {"reply", "button", "btn", "actions", "action", "like", "likes", "liked", "report",
             "flag", "share", "sharing", "sharedaddy", "vote", "votes", "voting", "votelinks",
             "rating", "toggle", "togg", "toolbar", "controls", "permalink", "says", "avatar",
             "signature", "sr", "visually", "screen", "invisible", "reactions", "reaction",
             "edit", "navs", "clicky", "readmore", "hellip"}
_UI_WHOLE = re.compile(r"^(sr-only|visually-hidden|screen-reader-text|element-invisible|element-hidden|"
                       r"comment-actions|comment-reply-link|reply|post-buttons|js-comment-actions)$")
_SIDEBAR_TOKEN = re.compile(r"^(?:widget|widgets|sidebar|widget-area|sidebar-widget|widget[_-]\w+)$", re.I)
_BADGE_PARTS = {"badge", "says", "label", "role", "usertitle", "title", "rank", "flair", "status",
                "icon", "avatar", "online", "offline", "p3"}
_AUTHOR_TRAIL = re.compile(r"\s*(?:says|sagt|schrieb|wrote|dijo|a écrit|escribió|meint)\s*:?\s*$", re.I)
_MONTHS = {
    "jan": 1, "januar": 1, "january": 1, "jänner": 1, "janvier": 1, "enero": 1, "ene": 1,
    "feb": 2, "februar": 2, "february": 2, "février": 2, "fevrier": 2, "febrero": 2, "fév": 2,
    "mär": 3, "märz": 3, "maerz": 3, "mar": 3, "march": 3, "mars": 3, "marzo": 3, "mrz": 3,
    "apr": 4, "april": 4, "avril": 4, "abril": 4, "abr": 4, "avr": 4,
    "mai": 5, "may": 5, "mayo": 5,
    "jun": 6, "juni": 6, "june": 6, "juin": 6, "junio": 6,
    "jul": 7, "juli": 7, "july": 7, "juillet": 7, "julio": 7, "juil": 7,
    "aug": 8, "august": 8, "août": 8, "aout": 8, "agosto": 8, "ago": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9, "set": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10, "octobre": 10, "octubre": 10,
    "nov": 11, "november": 11, "novembre": 11, "noviembre": 11,
    "dez": 12, "dec": 12, "dezember": 12, "december": 12, "décembre": 12, "decembre": 12,
    "diciembre": 12, "dic": 12, "déc": 12,
}
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_RE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
                     r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?(?![\d-])")
_RE_DMY_NUM = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?![\d.])")
_RE_D_MON_Y = re.compile(rf"(?<!\d)(\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s*(?:de\s+)?({_MON})\.?,?\s+(?:de\s+)?(\d{{4}})", re.I)
_RE_MON_D_Y = re.compile(rf"\b({_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\.?,?\s+(\d{{4}})", re.I)
_RE_TIME = re.compile(r"(?<!\d)(\d{1,2})[:.h](\d{2})(?::(\d{2}))?(?!\d)\s*([ap]\.?\s?m\.?)?", re.I)
_RE_RELATIVE = re.compile(r"\b(vor|ago|hace|il y a|gestern|heute|yesterday|today|just now|"
                          r"gerade eben|soeben)\b", re.I)
_ITEM_LAST = {"comment", "comments", "kommentar", "reply", "item", "entry", "card", "post", "message",
              "beitrag", "antwort", "response", "review", "reaction", "statement", "contribution"}
_AUTHOR_PARTS = {"author", "user", "username", "name", "nick", "nickname", "poster", "fn", "byline",
                 "autor", "verfasser", "creator", "commenter"}
_DATE_PARTS = {"date", "time", "timestamp", "datetime", "zeit", "datum", "ago", "posted", "published"}
_NOT_AUTHOR = {"avatar", "img", "image", "photo", "count", "form", "input", "title", "reply", "link"}
_WROTE = re.compile(r"^\s*(.{1,60}?)\s+(?:schrieb|wrote|says|sagt|dijo|meint|a écrit)\s*:", re.I)
_BYLINE = re.compile(r"(?:geschrieben von|verfasst von|kommentiert von|posted by|written by|comment by|"
                     r"escrito por|publicado por)\s+(\S.{0,40}?)\s+(?:am|on|at|um|el|le)\s", re.I)
_DATE_TEXT = re.compile(rf"(\d{{1,2}}\.\s?\d{{1,2}}\.\s?\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
                        rf"\b(?:{_MON})\b\.?\s+\d{{1,2}}|\d{{1,2}}\.?\s+(?:{_MON})\b|"
                        rf"\b(?:vor|ago|hace)\b\s*\d*|\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago|"
                        rf"\bvor\s+\d+\s+\w+)", re.I)
_COUNT_WORDS = {
    "comments": r"kommentare?|comments?|gedanken|thoughts|responses?|reaktionen|meinungen|ergänzungen|"
                r"discussions?|leserkommentare|comentarios?|commentaires?|replies|antworten|respuestas",
    "posts": r"posts?|beiträge|beitr&auml;ge|antworten|replies|messages|nachrichten|comments?",
    "answers": r"answers?|antworten",
}
_CHILD_PARTS = {"children", "child", "replies", "indented", "nested", "sub", "subcomments", "antworten",
                "thread"}


# --------------------------------------------------------------------------------------------
# result types
# --------------------------------------------------------------------------------------------

@dataclass
class DomComment:
    """One reader comment, forum post or answer, in page order.

    The corpus layer (``presslens.ingest.comments.Comment``) is built from this; it stays a
    DOM-level record so the element can still be cut from the page or inspected.

    Attributes:
        author: the name as displayed, without badges ("Autor"), "says:" or salutations.
        posted: ISO 8601, with the zone when the page gives one; "" when the page shows only a
            relative or year-less date (a saved page has no crawl date to anchor it).
        posted_raw: the date as the page shows it (or its machine attribute when nothing shows).
        parent: index in ``CommentResult.comments`` of the comment this one answers, or None.
        depth: 0 for top level, parent's depth + 1 otherwise.
        text: the comment's own text: no buttons, no nested replies, no quoted earlier posts.
        pingback: True for WordPress pingbacks and trackbacks (author and text are the linking
            page's title, not a reader's words).
        quotes: authors of the earlier posts this post quotes (forums).
        element: the comment's outer element in the parsed tree (None for JSON-LD comments).
    """

    author: str
    posted: str                 # ISO 8601 ("" when the page gives no absolute date)
    posted_raw: str             # the date as the page shows it
    parent: Optional[int]       # index in CommentResult.comments, None for top level
    depth: int
    text: str                   # own text: no buttons, no quoted earlier posts (forums)
    pingback: bool = False
    quotes: list[str] = field(default_factory=list)   # authors of quoted posts (forums)
    element: Optional[HtmlElement] = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        """Plain-data view (JSON-ready): everything but the lxml element."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items() if k != "element"}


@dataclass
class CommentResult:
    """What ``extract_comments`` found on one page.

    Attributes:
        comments: the comments in page order.
        platform: the parser that fired ("wordpress", "xenforo", "generic", ...), or None.
        sections: the comment section elements of the parsed tree; the caller drops them from
            the page before extracting the article body, so comment text never stays in a body.
        section_xpaths: the same sections as XPaths (stable across re-parses of the same bytes).
        declared: the count the page states ("20 thoughts on", "571 Kommentare"), or None.
        warnings: every doubt, in words (count mismatch, relative dates, charset contradicted,
            DOM too deep, a comment area no parser could read); never raised.
        tree: the root element that was parsed.
    """

    comments: list[DomComment]
    platform: Optional[str]
    sections: list[HtmlElement] = field(default_factory=list, repr=False)
    section_xpaths: list[str] = field(default_factory=list)
    declared: Optional[int] = None
    warnings: list[str] = field(default_factory=list)
    tree: Optional[HtmlElement] = field(default=None, repr=False)


# --------------------------------------------------------------------------------------------
# loading: bytes -> str -> tree, with the encoding and depth problems reported, not raised
# --------------------------------------------------------------------------------------------


def _decode(raw: bytes, warnings: list[str]) -> str:
    """Decode page bytes: BOM, then the declared charset, checked against the bytes.

    A page without a declaration is read as UTF-8 when it is valid UTF-8 (libxml2 would assume
    Latin-1 and garble it); a declaration that the bytes contradict is overridden with a warning.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(enc, errors="replace")
    m = _META_CHARSET.search(raw[:32768])
    declared = None
    if m:
        try:
            declared = codecs.lookup(m.group(1).decode("ascii", "ignore")).name
        except LookupError:
            warnings.append(f"unknown declared charset {m.group(1)!r}; guessed from the bytes")
    try:
        as_utf8: Optional[str] = raw.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    if declared in (None, "utf-8"):
        if as_utf8 is not None:
            return as_utf8
        if declared == "utf-8":
            warnings.append("page declares UTF-8 but its bytes are not UTF-8; read as Windows-1252")
        return raw.decode("cp1252", errors="replace")
    if as_utf8 is not None and any(b > 0x7F for b in raw):
        warnings.append(f"page declares {declared} but its bytes are valid UTF-8; read as UTF-8")
        return as_utf8
    if declared in ("latin-1", "iso8859-1", "ascii"):
        declared = "cp1252"          # browsers read Latin-1 labels as Windows-1252
    return raw.decode(declared, errors="replace")


def load_document(source: Union[str, bytes, HtmlElement, etree._ElementTree],
                  warnings: Optional[list[str]] = None) -> Optional[HtmlElement]:
    """Return the root element for str/bytes/tree input, or None (with a warning) if nothing parses."""
    warnings = warnings if warnings is not None else []
    if isinstance(source, etree._ElementTree):
        return source.getroot()
    if isinstance(source, etree._Element):
        return source
    text = _decode(source, warnings) if isinstance(source, (bytes, bytearray)) else str(source)
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        warnings.append("empty document")
        return None
    root = _parse(text, warnings)
    if root is None:
        return None
    if root.get("__too_deep__"):
        del root.attrib["__too_deep__"]
        # libxml2 drops everything after a subtree deeper than its limit; flatten long runs of
        # start tags with no text between them (never seen in real markup) and parse again
        flat = _START_RUN.sub(lambda m: "".join(_TAG.findall(m.group(0))[:200]), text)
        again = _parse(flat, [])
        warnings.append("DOM nested deeper than the parser's limit (2048 levels): runs of empty "
                        "nested start tags were cut to 200 levels before parsing")
        if again is not None:
            again.attrib.pop("__too_deep__", None)
            root = again
    return root


def _parse(text: str, warnings: list[str]) -> Optional[HtmlElement]:
    parser = html.HTMLParser(huge_tree=True, remove_comments=False)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        warnings.append(f"HTML could not be parsed: {exc}")
        return None
    if any("Excessive depth" in e.message for e in parser.error_log):
        root.set("__too_deep__", "1")
    return root


# --------------------------------------------------------------------------------------------
# small DOM helpers
# --------------------------------------------------------------------------------------------

def C(name: str) -> str:
    """XPath predicate: the element has class token ``name`` (exact token, not substring)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _parts(el: HtmlElement) -> set[str]:
    """Lower-case words of the class and id (``c-comment__author-name`` -> c, comment, author, name)."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    return {p.lower() for p in _PART_SPLIT.split(raw) if p}


def _digits(s: Optional[str]) -> Optional[str]:
    """First run of digits in an id like "js-post-6331411" or "post_949757"."""
    m = re.search(r"\d+", s or "")
    return m.group(0) if m else None


def _norm(s: Optional[str]) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def _is_ui(el: HtmlElement) -> bool:
    """True for buttons, reply/like/report links, screen-reader-only labels and the like."""
    if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
        return True
    cls = el.get("class")
    if not cls and not el.get("id"):
        return False
    for tok in (cls or "").split():
        if _UI_WHOLE.match(tok):
            return True
    parts = _parts(el)
    if "replies" in parts or "children" in parts or "thread" in parts:
        return False                      # containers of nested comments are handled by exclusion
    return bool(parts & _UI_PARTS)


def element_text(el: HtmlElement, exclude: Iterable[HtmlElement] = (),
                 skip: Optional[Callable[[HtmlElement], bool]] = _is_ui) -> str:
    """Visible text of ``el`` with block breaks as newlines, iteratively (no recursion).

    ``exclude`` are subtrees to leave out (nested replies, quotes, author/meta blocks); ``skip``
    is a predicate for UI chrome. Script/style are dropped; escaped markup stays literal text.
    """
    excl = set(exclude)
    skipped: set = set()
    out: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if node is not el and (tag is None or tag in _SKIP_TAGS or node in excl
                                   or (skip is not None and skip(node))):
                walker.skip_subtree()
                skipped.add(node)
                continue
            if tag in _BLOCK:
                out.append("\n")
            if tag is not None and node.text:
                out.append(node.text)
        else:
            if node not in skipped and tag in _BLOCK:
                out.append("\n")
            if node is not el and node.tail:
                out.append(node.tail)
    lines = (re.sub(r"[ \t\r\f\v\u00a0\u200b]+", " ", ln).strip() for ln in "".join(out).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _in_sidebar(el: HtmlElement) -> bool:
    """Inside an <aside> or a widget/sidebar block ("recent comments" lists of other posts).

    Only the container's own class tokens count, not layout flags on <body> ("right-sidebar").
    """
    for anc in el.iterancestors():
        if anc.tag in ("body", "html"):
            return False
        if anc.tag == "aside" or any(_SIDEBAR_TOKEN.match(t) for t in (anc.get("class") or "").split()) \
                or _SIDEBAR_TOKEN.match(anc.get("id") or ""):
            return True
    return False


def _pick_date(cands: Iterable[HtmlElement]) -> Optional[HtmlElement]:
    """First candidate that reads as a date (skips reply links sharing the meta block); lazy,
    so later, costlier selectors run only when the early ones fail."""
    first = None
    for el in cands:
        first = el if first is None else first
        raw, attr = _time_of(el)
        if parse_date(raw, attr) or (raw and _DATE_TEXT.search(raw)):
            return el
    return first


def _first(el: HtmlElement, *exprs: str) -> Optional[HtmlElement]:
    for expr in exprs:
        found = el.xpath(expr)
        if found:
            return found[0]
    return None


def _author_text(el: Optional[HtmlElement]) -> str:
    """The name in an author element: text up to the first <br>, without badges and "says:"."""
    if el is None:
        return ""
    out: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if node is not el and (tag is None or tag in _SKIP_TAGS or tag == "br"
                                   or (_parts(node) & _BADGE_PARTS and tag != "a")):
                if tag == "br" and "".join(out).strip():
                    break
                walker.skip_subtree()
                continue
            if tag is not None and node.text:
                out.append(node.text)
        elif node is not el and node.tail:
            out.append(node.tail)
    return _clean_author("".join(out))


def _clean_author(s: str) -> str:
    s = _norm(s)
    s = _AUTHOR_TRAIL.sub("", s)
    s = re.sub(r"^(?:by|von|posted by|geschrieben von)\s+", "", s, flags=re.I)
    return s.strip(" :|·•-–—")


# --------------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------------


def _iso_attr(value: str) -> str:
    """Normalise a machine-readable timestamp (datetime/title/content attribute) to ISO 8601."""
    m = _RE_ISO.search(value or "")
    if not m:
        return ""
    y, mo, d, hh, mi, ss, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    except ValueError:
        return ""
    if tz:
        if tz in ("Z", "UTC", "GMT"):
            dt = dt.replace(tzinfo=timezone.utc)
        else:
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            dt = dt.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))
    if hh is None:
        return dt.date().isoformat()
    return dt.isoformat()


@functools.lru_cache(maxsize=4096)
def parse_date(raw: str, attr: str = "") -> str:
    """ISO 8601 for a displayed date (German, English, Spanish, French month names) or "".

    A machine-readable ``attr`` (``<time datetime>``, ``title``) wins and keeps its zone. Relative
    ("vor 8 Stunden", "3 hours ago") and year-less dates give "": they cannot be placed without
    the crawl date, which a saved page does not carry.
    """
    if attr:
        iso = _iso_attr(attr)
        if iso:
            return iso
    s = _norm(raw)
    if not s:
        return ""
    iso = _iso_attr(s)
    if iso:
        return iso
    date: Optional[tuple[int, int, int]] = None
    end = 0
    for rx, order in ((_RE_D_MON_Y, "dmy"), (_RE_MON_D_Y, "mdy"), (_RE_DMY_NUM, "dmy_num")):
        m = rx.search(s)
        if not m:
            continue
        a, b, c = m.groups()
        try:
            if order == "dmy":
                day, month, year = int(a), _MONTHS[b.lower().rstrip(".")], int(c)
            elif order == "mdy":
                month, day, year = _MONTHS[a.lower().rstrip(".")], int(b), int(c)
            else:
                day, month, year = int(a), int(b), int(c)
                if year < 100:
                    year += 2000 if year < 70 else 1900
            datetime(year, month, day)
        except (KeyError, ValueError):
            continue
        date, end = (year, month, day), m.end()
        break
    if date is None:
        if _RE_RELATIVE.search(s) or not re.search(r"\d{4}", s):
            return ""
        return _dateparser_fallback(s)
    tm = _RE_TIME.search(s, end, end + 20) or _RE_TIME.search(s[: max(0, s.find(str(date[0])))])
    if not tm:
        return datetime(*date).date().isoformat()
    hh, mi, ss, ampm = int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0), tm.group(4)
    if ampm:
        pm = ampm.lower().startswith("p")
        hh = (hh % 12) + (12 if pm else 0)
    try:
        return datetime(*date, hh, mi, ss).isoformat()
    except ValueError:
        return datetime(*date).date().isoformat()


def _dateparser_fallback(s: str) -> str:
    """Last resort for unusual layouts; only used when the string holds a 4-digit year."""
    try:
        import dateparser  # slow to import: only when needed
    except ImportError:  # pragma: no cover
        return ""
    try:
        dt = dateparser.parse(s, languages=["de", "en", "es", "fr"],
                              settings={"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False})
    except Exception:  # dateparser raises assorted errors on odd strings
        return ""
    return dt.isoformat() if dt else ""


# --------------------------------------------------------------------------------------------
# what a parser hands back
# --------------------------------------------------------------------------------------------

@dataclass
class _Item:
    el: HtmlElement                 # outer element of the comment (structure, section)
    author: str
    text: str
    posted_raw: str = ""
    posted_attr: str = ""
    pingback: bool = False
    quotes: list[str] = field(default_factory=list)
    key: Optional[str] = None       # own id (post id, thing id) for explicit references
    parent_key: Optional[str] = None          # explicit reply reference (parentid, in-reply-to)
    quoted_keys: list[str] = field(default_factory=list)   # forum quotes of posts on the page
    parent_index: Optional[int] = None        # parser already knows the parent (Stack Exchange)
    depth_hint: Optional[int] = None          # indentation level (Hacker News, new Reddit)
    number: Optional[str] = None              # "1.1" style numbering


@dataclass
class _Parsed:
    items: list[_Item]
    sections: list[HtmlElement]
    threading: str = "structure"    # structure | indent | quotes | flat | explicit
    declared_words: str = "comments"  # which count words belong to this platform
    mentions: bool = False          # "@name" replies count when the markup has no threading
    counted: Optional[int] = None   # how many items the stated count covers (answers only, ...)
    count_xpath: Optional[str] = None   # where this platform states its count, if not near the section


Parser = Callable[[HtmlElement], Optional[_Parsed]]


def _nearest(el: HtmlElement, members: dict) -> Optional[HtmlElement]:
    """Closest proper ancestor of ``el`` that is a key of ``members``."""
    for anc in el.iterancestors():
        if anc in members:
            return anc
    return None


def _own(root: HtmlElement, expr: str, members: dict, owner: Optional[HtmlElement] = None) -> list:
    """Results of ``expr`` under ``root`` that belong to ``owner`` (default root), not to a nested item."""
    owner = root if owner is None else owner
    if owner not in members:
        owner = _nearest(owner, members) if _nearest(owner, members) is not None else owner
    res = []
    for r in root.xpath(expr):
        if not isinstance(r, etree._Element):
            res.append(r)
            continue
        holder = r if r in members else _nearest(r, members)
        if holder is owner or holder is None:
            res.append(r)
    return res


def _own1(root: HtmlElement, members: dict, *exprs: str) -> Optional[HtmlElement]:
    """First element found by the first matching expression, owned by root's comment."""
    for expr in exprs:
        found = _own(root, expr, members)
        if found:
            return found[0]
    return None


class _Members(dict):
    """Item element -> index, carrying the nesting map (item -> items directly inside it).

    The map is computed on first use and lives on the object it describes, so a parser that
    asks for the nested replies of every item pays for the walk once.
    """

    _kids: Optional[dict] = None

    def kids(self) -> dict:
        if self._kids is None:
            kids: dict = {}
            for m in self:
                kids.setdefault(_nearest(m, self), []).append(m)
            self._kids = kids
        return self._kids


def _nested_items(item_el: HtmlElement, members: dict) -> list[HtmlElement]:
    """Items whose closest enclosing item is ``item_el``."""
    if not isinstance(members, _Members):
        members = _Members(members)
    return members.kids().get(item_el, [])


def _time_of(el: Optional[HtmlElement]) -> tuple[str, str]:
    """(displayed text, machine attribute) of a date element."""
    if el is None:
        return "", ""
    attr = el.get("datetime") or el.get("content") or el.get("title") or el.get("data-time") or ""
    raw = _norm(el.text_content()) if el.tag != "meta" else ""
    if not raw and el.get("title"):
        raw = el.get("title")
    if attr and not _RE_ISO.search(attr):
        if attr.isdigit() and len(attr) in (10, 13):      # epoch seconds / milliseconds
            ts = int(attr) / (1000 if len(attr) == 13 else 1)
            attr = datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()
        else:
            raw, attr = raw or attr, ""
            if el.get("title") and parse_date(el.get("title")):
                raw = el.get("title")
    return raw, attr


# --------------------------------------------------------------------------------------------
# platform parsers (most specific first in PARSERS below)
# --------------------------------------------------------------------------------------------

def _p_stackexchange(doc: HtmlElement) -> Optional[_Parsed]:
    """Stack Exchange Q&A: answers are top level, post comments answer their post or an @name."""
    question = doc.xpath(f"//div[@id='question' or ({C('question')} and @data-questionid)]")
    if not question:
        return None
    nodes = doc.xpath(f"//div[@id='question'] | //div[{C('answer')}] | "
                      f"//li[{C('comment')} and ancestor::*[{C('comments-list')} or {C('comments')}]]")
    items: list[_Item] = []
    post_index: dict = {}              # post element -> item index (None for the question)
    post_comments: dict = {}           # post element -> list of item indices
    for node in nodes:
        if node.tag == "div":
            post_index[node] = None if node.get("id") == "question" else len(items)
            post_comments.setdefault(node, [])
            if node.get("id") == "question":
                continue
            author_el, date_el = None, None
            owner = _first(node, f".//div[{C('user-details')}][@itemprop='author']")
            sigs = [s for s in node.xpath(f".//div[contains(@class,'post-signature')]")
                    if not s.xpath(f"ancestor::*[{C('comments')}]")]
            for sig in sigs:
                action = _norm(" ".join(sig.xpath(f".//div[{C('user-action-time')}]//text()"))).lower()
                if action.startswith(("answered", "beantwortet", "respond", "répondu")):
                    author_el = _first(sig, f".//div[{C('user-details')}]")
                    date_el = _first(sig, ".//span[contains(@class,'relativetime')]")
            if author_el is None and owner is not None:
                author_el = owner
            if author_el is None and sigs:
                author_el = _first(sigs[-1], f".//div[{C('user-details')}]")
                date_el = _first(sigs[-1], ".//span[contains(@class,'relativetime')]")
            name = ""
            if author_el is not None:
                named = _first(author_el, ".//*[@itemprop='name']", "./a")
                name = _norm(named.text_content()) if named is not None else _first_line(author_el)
            raw, attr = _time_of(date_el)
            body = _first(node, ".//div[contains(@class,'js-post-body') or "
                                f"{C('post-text')} or @itemprop='text']")
            items.append(_Item(el=node, author=name, text=element_text(body) if body is not None else "",
                               posted_raw=raw, posted_attr=attr, parent_index=None))
            continue
        post = _first(node, "ancestor::div[@id='question' or " + C("answer") + "][1]")
        user = _first(node, f".//*[{C('comment-user')}]")
        date_el = _first(node, ".//span[contains(@class,'relativetime')]", f".//*[{C('comment-date')}]")
        body = _first(node, f".//span[{C('comment-copy')}]", f".//*[{C('comment-body')}]")
        text = element_text(body) if body is not None else ""
        raw, attr = _time_of(date_el)
        parent = post_index.get(post) if post is not None else None
        mention = re.match(r"@([\w.\-]+)", text)
        if mention and post is not None:
            wanted = mention.group(1).lower()
            for idx in reversed(post_comments.get(post, [])):
                if items[idx].author.replace(" ", "").lower().startswith(wanted[:max(3, len(wanted))]):
                    parent = idx
                    break
        if post is not None:
            post_comments.setdefault(post, []).append(len(items))
        items.append(_Item(el=node, author=_norm(user.text_content()) if user is not None else "",
                           text=text, posted_raw=raw, posted_attr=attr, parent_index=parent))
    if not items:
        return None
    # the question is the article: cut only the answers and the comments under the question
    sections = doc.xpath("//div[@id='answers']") + question[0].xpath(
        f".//div[starts-with(@id,'comments-') and ({C('comments')} or contains(@class,'js-comments-container'))]")
    answers = sum(1 for it in items if it.el.tag == "div")
    return _Parsed(items, sections or [question[0]], threading="explicit", declared_words="answers",
                   counted=answers)


def _first_line(el: HtmlElement) -> str:
    """First text line of an element (a user-details block: name, then reputation)."""
    for t in el.itertext():
        t = _norm(t)
        if t:
            return t
    return ""


def _quote_author(q: HtmlElement) -> str:
    """Author of a forum quote from data attributes, <cite> or "X wrote:"/"Zitat von X"."""
    for a in ("data-author", "data-quote", "data-ipsquote-username", "data-username"):
        if q.get(a):
            return _norm(q.get(a))
    head = _first(q, ".//cite", f".//*[{C('bbcode_postedby')}]", f".//*[{C('quoteheader')}]",
                  f".//*[contains(@class,'attribution')]")
    text = _norm(head.text_content()) if head is not None else _norm(q.text_content())[:120]
    m = re.search(r"(?:Zitat von|Quote from|Quote|Zitat|Originally Posted by|Cita de)\s*:?\s*"
                  r"([^\n:]+?)(?:\s+(?:on|am|vom)\s.*)?$", text, re.I)
    if m and head is not None:
        return _clean_author(m.group(1))
    m = re.match(r"(.{1,60}?)\s+(?:wrote|said|schrieb|hat geschrieben|hat gesagt|dijo|a écrit)\b", text, re.I)
    return _clean_author(m.group(1)) if m else ""


def _forum_text(body: Optional[HtmlElement], quote_xpath: str,
                key_of: Callable[[HtmlElement], Optional[str]]) -> tuple[str, list[str], list[str]]:
    """Own text of a forum post body without its (top-level) quotes; quote authors and keys."""
    if body is None:
        return "", [], []
    quotes = [q for q in body.xpath(quote_xpath)
              if not any(a in body.xpath(quote_xpath) for a in q.iterancestors() if a is not body)]
    authors = [a for a in (_quote_author(q) for q in quotes) if a]
    keys = [k for k in (key_of(q) for q in quotes) if k]
    return element_text(body, exclude=quotes), authors, keys


def _p_xenforo(doc: HtmlElement) -> Optional[_Parsed]:
    """XenForo 2 (article.message--post[data-author]) and XenForo 1 (li.message[data-author])."""
    posts = doc.xpath("//article[contains(@class,'message--post')] | "
                      f"//li[{C('message')}][@data-author][.//*[contains(@class,'messageText')]]")
    if not posts:
        return None
    items = []
    for p in posts:
        author = p.get("data-author") or _norm(" ".join(p.xpath(f".//*[{C('message-name')}]//text()")))
        date_el = _first(p, f".//*[contains(@class,'message-attribution')]//time", ".//time",
                         f".//*[{C('DateTime')}]")
        raw, attr = _time_of(date_el)
        body = _first(p, f".//*[{C('message-body')}]//*[{C('bbWrapper')}]", f".//*[{C('bbWrapper')}]",
                      f".//blockquote[contains(@class,'messageText')]", f".//*[contains(@class,'messageText')]")

        def key_of(q: HtmlElement) -> Optional[str]:
            m = re.search(r"(\d+)", q.get("data-source") or "")
            return m.group(1) if m else None

        text, quotes, qkeys = _forum_text(body, ".//blockquote[contains(@class,'bbCodeBlock--quote') "
                                                "or contains(@class,'quote')] | .//div[contains(@class,'bbCodeQuote')]",
                                          key_of)
        key = _digits(p.get("id") or p.get("data-content"))
        items.append(_Item(el=p, author=_norm(author), text=text, posted_raw=raw, posted_attr=attr,
                           quotes=quotes, quoted_keys=qkeys, key=key))
    return _Parsed(items, _section_of(posts), threading="quotes", declared_words="posts")


def _p_vbulletin(doc: HtmlElement) -> Optional[_Parsed]:
    """vBulletin 4 (li.postcontainer / li.postbit, id post_N) and vBulletin 3 (table id=postN)."""
    posts = doc.xpath(f"//li[({C('postcontainer')} or {C('postbit')} or {C('postbitlegacy')}) "
                      "and starts-with(@id,'post_')] | "
                      "//table[starts-with(@id,'post')][.//*[starts-with(@id,'post_message_')]]")
    if not posts:
        return None
    items = []
    for p in posts:
        author_el = _first(p, f".//a[{C('username')}]//strong", f".//a[{C('username')}]",
                           f".//a[{C('bigusername')}]", f".//*[{C('username')}]")
        date_el = _first(p, f".//*[{C('postdate')}]//*[{C('date')}]", f".//*[{C('postdate')}]",
                         f".//span[{C('date')}]")
        raw, attr = _time_of(date_el)
        if not raw:
            raw = _date_like_text(p, stop_at=".//*[starts-with(@id,'post_message_')]")
        body = _first(p, ".//*[starts-with(@id,'post_message_')]", f".//*[{C('postcontent')}]")

        def key_of(q: HtmlElement) -> Optional[str]:
            for href in q.xpath(".//a/@href"):
                m = re.search(r"(?:#post|[?&]p=|post)(\d+)", href)
                if m:
                    return m.group(1)
            return None

        text, quotes, qkeys = _forum_text(body, f".//div[{C('bbcode_container')}] | "
                                                ".//div[starts-with(@class,'quote')]", key_of)
        m = re.search(r"(\d+)", p.get("id") or "")
        items.append(_Item(el=p, author=_norm(author_el.text_content()) if author_el is not None else "",
                           text=text, posted_raw=raw, posted_attr=attr, quotes=quotes,
                           quoted_keys=qkeys, key=m.group(1) if m else None))
    return _Parsed(items, _section_of(posts), threading="quotes", declared_words="posts")


def _p_invision(doc: HtmlElement) -> Optional[_Parsed]:
    """Invision Community 4 topics: article.ipsComment with the author pane and richText body."""
    posts = doc.xpath("//article[contains(concat(' ', @class, ' '), ' ipsComment ') "
                      "or contains(@class,'cPost')][.//*[@data-role='commentContent' or "
                      "contains(@class,'ipsComment_content')]]")
    if not posts:
        return None
    items = []
    for p in posts:
        author_el = _first(p, ".//*[contains(@class,'cAuthorPane_author')]//a",
                           ".//*[contains(@class,'cAuthorPane_author')]",
                           ".//*[@itemprop='author']//*[@itemprop='name']", ".//*[@data-role='commentAuthor']")
        raw, attr = _time_of(_first(p, ".//time"))
        body = _first(p, ".//*[@data-role='commentContent']", ".//*[contains(@class,'ipsComment_content')]"
                         "//*[contains(@class,'ipsType_richText')]")

        def key_of(q: HtmlElement) -> Optional[str]:
            return q.get("data-ipsquote-contentcommentid")

        text, quotes, qkeys = _forum_text(body, ".//blockquote[contains(@class,'ipsQuote')]", key_of)
        m = re.search(r"(\d+)", p.get("id") or p.get("data-commentid") or "")
        items.append(_Item(el=p, author=_norm(author_el.text_content()) if author_el is not None else "",
                           text=text, posted_raw=raw, posted_attr=attr, quotes=quotes,
                           quoted_keys=qkeys, key=m.group(1) if m else None))
    return _Parsed(items, _section_of(posts), threading="quotes", declared_words="posts")


def _p_smf(doc: HtmlElement) -> Optional[_Parsed]:
    """Simple Machines Forum 2.x: div.post_wrapper with .poster, .keyinfo and div.inner[id=msg_N]."""
    posts = doc.xpath(f"//div[{C('post_wrapper')}]")
    if not posts:
        return None
    items = []
    for p in posts:
        author_el = _first(p, f".//*[{C('poster')}]//h4//a", f".//*[{C('poster')}]//h4")
        date_el = _first(p, f".//*[{C('keyinfo')}]//*[{C('smalltext')}]", f".//*[{C('postinfo')}]//*[{C('smalltext')}]",
                         f".//*[{C('keyinfo')}]")
        raw, _ = _time_of(date_el)
        raw = re.sub(r"^[«»\s]*(?:on|am|en|le)?\s*:?\s*|[«»\s]+$", "", raw, flags=re.I)
        body = _first(p, ".//div[starts-with(@id,'msg_')]", f".//div[{C('inner')}]")

        def key_of(q: HtmlElement) -> Optional[str]:
            hdr = q.getprevious()
            hrefs = (hdr.xpath(".//a/@href") if hdr is not None else []) + q.xpath(".//cite//a/@href")
            for href in hrefs:
                m = re.search(r"msg=?(\d+)", href)
                if m:
                    return m.group(1)
            return None

        quote_blocks = ".//blockquote[contains(@class,'bbc_standard_quote') or contains(@class,'bbc_alternate_quote')]"
        text, quotes, qkeys = _forum_text(body, quote_blocks, key_of)
        if body is not None:
            heads = body.xpath(f".//div[{C('quoteheader')}] | .//div[{C('quotefooter')}]")
            if heads:
                qs = body.xpath(quote_blocks)
                text = element_text(body, exclude=qs + heads)
                quotes = [a for a in (_quote_author_smf(h) for h in heads) if a] or quotes
        m = re.search(r"(\d+)", body.get("id") if body is not None and body.get("id") else "")
        items.append(_Item(el=p, author=_norm(author_el.text_content()) if author_el is not None else "",
                           text=text, posted_raw=raw, quotes=quotes, quoted_keys=qkeys,
                           key=m.group(1) if m else None))
    return _Parsed(items, _section_of(posts), threading="quotes", declared_words="posts")


def _quote_author_smf(head: HtmlElement) -> str:
    m = re.search(r"(?:Quote from|Zitat von|Cita de)\s*:?\s*(.+?)(?:\s+(?:on|am|en)\s.*)?$",
                  _norm(head.text_content()), re.I)
    return _clean_author(m.group(1)) if m else ""


def _p_phpbb(doc: HtmlElement) -> Optional[_Parsed]:
    """phpBB 3.x (prosilver family): div.post#pN with p.author / dl.postprofile and div.content."""
    posts = doc.xpath(f"//div[{C('post')} and starts-with(@id,'p')][.//div[{C('postbody')}]]")
    if not posts:
        return None
    items = []
    for p in posts:
        author_el = _first(p, f".//p[{C('author')}]//a[{C('username')} or {C('username-coloured')}]",
                           f".//dl[{C('postprofile')}]//a[{C('username')} or {C('username-coloured')}]",
                           f".//p[{C('author')}]//strong", f".//dl[{C('postprofile')}]//dt")
        date_el = _first(p, f".//p[{C('author')}]//time", f".//*[{C('author')}]")
        raw, attr = _time_of(date_el)
        if date_el is not None and date_el.tag == "p":
            raw = raw.split("»")[-1].strip()
        body = _first(p, f".//div[{C('content')}]")

        def key_of(q: HtmlElement) -> Optional[str]:
            ids = q.xpath("./div/cite//a/@data-post-id | ./cite//a/@data-post-id")
            if ids:
                return ids[0]
            for href in q.xpath("./div/cite//a/@href | ./cite//a/@href"):
                m = re.search(r"[?&#]p=?(\d+)", href)
                if m:
                    return m.group(1)
            return None

        text, quotes, qkeys = _forum_text(body, ".//blockquote", key_of)
        items.append(_Item(el=p, author=_author_text(author_el), text=text, posted_raw=raw,
                           posted_attr=attr, quotes=quotes, quoted_keys=qkeys, key=p.get("id", "")[1:]))
    return _Parsed(items, _section_of(posts), threading="quotes", declared_words="posts")


def _p_discourse(doc: HtmlElement) -> Optional[_Parsed]:
    """Discourse topics: the crawler view (div.crawler-post) and the app view (article.topic-post)."""
    posts = doc.xpath(f"//div[{C('crawler-post')}] | "
                      f"//article[{C('boxed')} or contains(@class,'topic-post')][@data-post-id]")
    if not posts:
        return None
    items = []
    for p in posts:
        author_el = _first(p, f".//*[{C('creator')}]//*[@itemprop='name']", f".//*[{C('creator')}]",
                           f".//*[{C('names')}]//*[contains(@class,'username')]", ".//*[@data-user-card]")
        date_el = _first(p, ".//time", f".//*[{C('crawler-post-infos')}]", f".//*[{C('post-date')}]//*[@data-time]")
        raw, attr = _time_of(date_el)
        if date_el is not None and date_el.tag != "time":
            raw = element_text(date_el, exclude=date_el.xpath(".//*[@itemprop='position']")).replace("\n", " ")
        body = _first(p, f".//*[{C('post')}][@itemprop='text']", f".//*[{C('cooked')}]",
                      ".//*[@itemprop='text']")
        pos = _first(p, ".//*[@itemprop='position']")
        key = _norm(pos.text_content()) if pos is not None else _digits(p.get("id") or p.get("data-post-number"))
        reply_to = p.get("data-reply-to-post-number")
        items.append(_Item(el=p, author=_norm(author_el.text_content()) if author_el is not None else "",
                           text=element_text(body) if body is not None else "", posted_raw=raw,
                           posted_attr=attr, key=key, parent_key=reply_to))
    return _Parsed(items, _section_of(posts), threading="flat", declared_words="posts")


def _p_reddit_new(doc: HtmlElement) -> Optional[_Parsed]:
    """New Reddit (shreddit-comment elements carry author, depth, thingid and parentid)."""
    nodes = doc.xpath("//shreddit-comment")
    if not nodes:
        return None
    members = _Members((n, i) for i, n in enumerate(nodes))
    items = []
    for n in nodes:
        body = _own1(n, members, ".//*[@slot='comment']", ".//*[contains(@id,'-comment-rtjson-content')]")
        t = _own1(n, members, ".//faceplate-timeago", ".//time")
        raw, attr = "", ""
        if t is not None:
            attr = t.get("ts") or t.get("datetime") or ""
            raw = _norm(t.text_content())
        depth = n.get("depth")
        items.append(_Item(el=n, author=n.get("author") or "", text=element_text(body) if body is not None else "",
                           posted_raw=raw, posted_attr=attr, key=n.get("thingid"),
                           parent_key=n.get("parentid"), depth_hint=int(depth) if depth and depth.isdigit() else None))
    return _Parsed(items, _section_of(nodes, prefer="//shreddit-comment-tree"), threading="explicit")


def _p_reddit_old(doc: HtmlElement) -> Optional[_Parsed]:
    """Old Reddit (div.thing.comment[data-author], replies nested in div.child)."""
    nodes = doc.xpath(f"//div[{C('thing')} and {C('comment')}]")
    if not nodes:
        return None
    items = []
    for n in nodes:
        entry = _first(n, f"./div[{C('entry')}]")
        entry = n if entry is None else entry
        t = _first(entry, ".//p[contains(@class,'tagline')]//time", ".//time")
        raw, attr = _time_of(t)
        body = _first(entry, f".//div[{C('usertext-body')}]//div[{C('md')}]", f".//div[{C('md')}]")
        author = n.get("data-author") or _norm(" ".join(entry.xpath(f".//a[{C('author')}]//text()")))
        items.append(_Item(el=n, author=author, text=element_text(body) if body is not None else "",
                           posted_raw=raw, posted_attr=attr, key=n.get("data-fullname")))
    return _Parsed(items, _section_of(nodes, prefer=f"//div[{C('commentarea')}]"))


def _p_hackernews(doc: HtmlElement) -> Optional[_Parsed]:
    """Hacker News item pages: flat table rows, depth from td.ind (indent attr or spacer width)."""
    cells = doc.xpath(f"//td[{C('default')}][.//*[{C('comhead')}]]")
    if not cells:
        return None
    items = []
    for cell in cells:
        row = _first(cell, f"ancestor::tr[{C('athing')}][1]", "ancestor::tr[2]", "ancestor::tr[1]")
        ind = _first(row, f".//td[{C('ind')}]", ".//td[img[contains(@src,'s.gif')]]")
        depth = 0
        if ind is not None:
            if (ind.get("indent") or "").isdigit():
                depth = int(ind.get("indent"))
            else:
                w = ind.xpath(".//img/@width")
                depth = int(w[0]) // 40 if w and w[0].isdigit() else 0
        user = _first(cell, f".//a[{C('hnuser')}]", ".//*[contains(@class,'comhead')]//a[starts-with(@href,'user')]")
        age = _first(cell, f".//span[{C('age')}]")
        if age is not None:
            raw, attr = _norm(age.text_content()), (age.get("title") or "").split(" ")[0]
        else:
            link = _first(cell, ".//*[contains(@class,'comhead')]//a[starts-with(@href,'item')]")
            raw, attr = (_norm(link.text_content()) if link is not None else ""), ""
        body = _first(cell, f".//*[{C('commtext')}]", f".//span[{C('comment')}]", f".//div[{C('comment')}]")
        par = cell.xpath(f".//span[{C('navs')}]//a[normalize-space(.)='parent']/@href")
        items.append(_Item(el=row, author=_norm(user.text_content()) if user is not None else "",
                           text=element_text(body) if body is not None else "", posted_raw=raw,
                           posted_attr=attr, key=row.get("id") or _digits(_first_href(cell, "item?id=")),
                           parent_key=par[0].lstrip("#") if par else None, depth_hint=depth))
    return _Parsed(items, _section_of([i.el for i in items], prefer=f"//table[{C('comment-tree')}]"),
                   threading="indent", count_xpath=f"//td[{C('subtext')}]//a[contains(@href,'item?id=')]")


def _first_href(el: HtmlElement, prefix: str) -> str:
    hrefs = el.xpath(f".//a[starts-with(@href,'{prefix}')]/@href")
    return hrefs[0] if hrefs else ""


def _p_metafilter(doc: HtmlElement) -> Optional[_Parsed]:
    """MetaFilter threads: div.comments ending in 'posted by <a>X</a> at 10:32 AM on November 18'."""
    nodes = doc.xpath(f"//div[{C('comments')}][.//span[{C('smallcopy')}][contains(., 'posted by')]]")
    if not nodes:
        return None
    items = []
    for n in nodes:
        byline = _first(n, f".//span[{C('smallcopy')}][contains(., 'posted by')]")
        user = _first(byline, ".//a[contains(@href,'/user/')]", ".//a")
        line = _norm(byline.text_content())
        m = re.search(r"\bat\s+(.+?)(?:\s*\[|$)", line)
        raw = m.group(1) if m else ""
        items.append(_Item(el=n, author=_norm(user.text_content()) if user is not None else "",
                           text=element_text(n, exclude=[byline]), posted_raw=raw))
    return _Parsed(items, _section_of(nodes), threading="flat")


def _p_disqus(doc: HtmlElement) -> Optional[_Parsed]:
    """Disqus markup rendered into the page (#disqus_thread li.post, replies in ul.children)."""
    nodes = doc.xpath(f"//*[@id='disqus_thread']//li[{C('post')}] | //*[@id='disqus_thread']//div[{C('post')}]"
                      f"[.//*[{C('post-message')}]]")
    if not nodes:
        return None
    members = _Members((n, i) for i, n in enumerate(nodes))
    items = []
    for n in nodes:
        author_el = _own1(n, members, f".//*[{C('post-byline')}]//*[{C('author')}]//a",
                          f".//*[{C('author')}]", f".//*[{C('username')}]")
        t = _own1(n, members, f".//a[{C('time-ago')}]", ".//time", f".//*[{C('post-meta')}]//a")
        raw, attr = _time_of(t)
        body = _own1(n, members, f".//*[{C('post-message')}]")
        items.append(_Item(el=n, author=_norm(author_el.text_content()) if author_el is not None else "",
                           text=element_text(body) if body is not None else "", posted_raw=raw, posted_attr=attr))
    return _Parsed(items, doc.xpath("//*[@id='disqus_thread']")[:1])


def _p_wpdiscuz(doc: HtmlElement) -> Optional[_Parsed]:
    """wpDiscuz (WordPress plugin): div.wpd-comment (v7) or div.wc-comment (v5), replies nested
    inside their parent."""
    for pre in ("wpd", "wc"):
        nodes = doc.xpath(f"//div[{C(pre + '-comment')}]")
        if nodes:
            break
    else:
        return None
    members = _Members((n, i) for i, n in enumerate(nodes))
    items = []
    for n in nodes:
        author_el = _own1(n, members, f".//*[{C(pre + '-comment-author')}]//a", f".//*[{C(pre + '-comment-author')}]")
        date_el = _own1(n, members, f".//*[{C(pre + '-comment-date')}]")
        raw, attr = _time_of(date_el)
        if date_el is not None and date_el.get("title") and parse_date(date_el.get("title")):
            raw = date_el.get("title")
        body = _own1(n, members, f".//*[{C(pre + '-comment-text')}]")
        items.append(_Item(el=n, author=_author_text(author_el), posted_raw=raw, posted_attr=attr,
                           text=element_text(body) if body is not None else ""))
    return _Parsed(items, _section_of(nodes, prefer="//*[@id='wpdcom' or @id='wpcomm']"))


def _p_blogger(doc: HtmlElement) -> Optional[_Parsed]:
    """Blogger: threaded li.comment#cNNN (cite.user, .datetime, .comment-content) and the older
    dl#comments-block layout (dt author line, dd.comment-body, dd.comment-footer)."""
    nodes = doc.xpath(f"//li[{C('comment')}][starts-with(@id,'c') and "
                      "translate(substring(@id, 2), '0123456789', '') = '' and string-length(@id) > 3]"
                      f"[.//*[{C('comment-content')}] or .//*[{C('comment-block')}]]")
    if nodes:
        members = _Members((n, i) for i, n in enumerate(nodes))
        items = []
        for n in nodes:
            user = _own1(n, members, ".//cite[contains(@class,'user')]", f".//*[{C('user')}]")
            date_el = _own1(n, members, f".//*[contains(@class,'datetime')]//a", f".//*[contains(@class,'datetime')]")
            raw, attr = _time_of(date_el)
            body = _own1(n, members, f".//*[{C('comment-content')}]")
            items.append(_Item(el=n, author=_author_text(user), posted_raw=raw, posted_attr=attr,
                               text=element_text(body) if body is not None else ""))
        return _Parsed(items, _section_of(nodes, prefer="//*[@id='comments']"))
    block = doc.xpath("//dl[@id='comments-block']")
    if not block:
        return None
    items = []
    for dt in block[0].xpath("./dt"):
        body = _first(dt, f"following-sibling::dd[{C('comment-body')}][1]")
        foot = _first(dt, f"following-sibling::dd[{C('comment-footer')}][1]")
        name = re.sub(r"\s+(?:hat gesagt|said|dijo|a dit)\s*(?:…|\.\.\.)?\s*:?$", "", _norm(dt.text_content()), flags=re.I)
        raw, attr = _time_of(_first(foot, ".//a") if foot is not None else None)
        items.append(_Item(el=dt, author=_clean_author(name), text=element_text(body) if body is not None else "",
                           posted_raw=raw, posted_attr=attr))
    return _Parsed(items, block[:1], threading="flat") if items else None


_WP_LIST = (f"//ol[{C('commentlist')} or {C('comment-list')} or {C('comments-list')} or @id='commentlist'] | "
            f"//ul[{C('commentlist')} or {C('comment-list')} or {C('comments-list')} or @id='commentlist'] | "
            f"//div[{C('commentlist')} or {C('comment-list')}] | "
            f"//dl[@id='comment_list' or {C('comment_list')} or {C('commentlist')}]")


def _p_wordpress(doc: HtmlElement) -> Optional[_Parsed]:
    """WordPress core markup in its many themes: ol.commentlist / ol.comment-list holding
    li.comment / li.pingback (id comment-N), body in article/div.comment-body."""
    all_lists = [l for l in doc.xpath(_WP_LIST) if not _in_sidebar(l)]
    found = set(all_lists)
    lists = [l for l in all_lists if not any(a in found for a in l.iterancestors())]
    if not lists:
        return None
    nodes: list[HtmlElement] = []
    for lst in lists:
        nodes += lst.xpath(f".//*[self::li or self::div or self::article or self::dt]"
                           f"[{C('comment')} or {C('pingback')} or {C('trackback')}]"
                           "[starts-with(@id,'comment-') or starts-with(@id,'li-comment-')]")
    # a theme that wraps li#li-comment-N around div#comment-N: keep the outer element only
    ids = {n: re.sub(r"\D", "", n.get("id")) for n in nodes}
    members = _Members((n, i) for i, n in enumerate(nodes))
    nodes = [n for n in nodes if not ((o := _nearest(n, members)) is not None
                                      and (o.get("id") or "") == "li-" + (n.get("id") or ""))]
    if not nodes:
        return None
    members = _Members((n, i) for i, n in enumerate(nodes))
    items = []
    for n in nodes:
        classes = (n.get("class") or "").split()
        if "pingback" in classes or "trackback" in classes:
            link = _own1(n, members, ".//a[contains(@class,'url')]", ".//a")
            label = _norm(link.text_content()) if link is not None else \
                re.sub(r"^(Pingback|Trackback)\s*:\s*", "", element_text(n), flags=re.I)
            t = _own1(n, members, ".//time")
            raw, attr = _time_of(t)
            items.append(_Item(el=n, author=label, text=label, pingback=True, posted_raw=raw, posted_attr=attr))
            continue
        body = _own1(n, members, f"./*[contains(@class,'comment-body')]", "./*[starts-with(@id,'div-comment-')]",
                     f"./*[{C('comment-wrap')} or {C('comment-inner')} or {C('comment-container')}]")
        body = n if body is None else body
        author_el = _own1(body, members,
                          f".//*[contains(@class,'comment-author')]//*[{C('fn')}]", f".//*[{C('fn')}]",
                          f".//*[{C('comment-author')}]//a[{C('url')}]",
                          f".//*[{C('comment_author')}]//a", f".//*[{C('comment_author')}]",
                          f".//*[contains(@class,'comment-author')]//cite", ".//cite",
                          f".//*[{C('comment-author')}]", f".//*[contains(@class,'author-name')]",
                          f".//*[{C('author')}]")
        date_el = _pick_date(e for expr in (".//time", f".//*[{C('comment-date')}]", f".//*[{C('comment-time')}]",
                                             f".//*[contains(@class,'commentmetadata')]//a",
                                             f".//*[contains(@class,'comment-metadata')]//a",
                                             f".//*[contains(@class,'commentmetadata')]",
                                             f".//*[contains(@class,'comment-metadata')]",
                                             f".//*[{C('comment-meta')}]//a", f".//*[{C('comment-meta')}]",
                                             f".//*[{C('comment_time')} or {C('comment_meta')} or {C('comment_date')}]//a",
                                             f".//*[{C('comment_time')} or {C('comment_meta')} or {C('comment_date')}]")
                             for e in _own(body, expr, members, owner=n))
        raw, attr = _time_of(date_el)
        content = _own1(body, members, f".//*[{C('comment-content')}]", f".//*[contains(@class,'comment-text')]",
                        f".//*[{C('contenttext')}]", f".//*[{C('comment_content')}]",
                        f".//*[{C('comment-entry')}]", f".//*[{C('comment-body')} and not(self::article)]"
                        if body is n else "./self::none")
        if n.tag == "dt":                                   # Thesis theme: <dt> meta, <dd> text
            dd = n.getnext()
            content = dd if dd is not None and dd.tag == "dd" else content
        if content is not None:
            chrome = content.xpath(".//*[contains(@class,'comment-meta') or contains(@class,'comment-author')"
                                   " or contains(@class,'comment_author') or contains(@class,'comment_meta')"
                                   " or contains(@class,'commentmetadata') or contains(@class,'vcard')]")
            text = element_text(content, exclude=_nested_items(n, members) + chrome
                                + [x for x in (author_el, date_el) if x is not None])
        else:
            chrome = [e for e in body.xpath(".//*[contains(@class,'comment-author') or contains(@class,'comment-meta')"
                                            " or contains(@class,'comment_author') or contains(@class,'comment_meta')"
                                            " or contains(@class,'commentmetadata') or contains(@class,'vcard')]")]
            text = element_text(body, exclude=chrome + _nested_items(n, members)
                                + body.xpath(f".//*[{C('children')}]"))
        items.append(_Item(el=n, author=_author_text(author_el), text=text, posted_raw=raw, posted_attr=attr,
                           key=ids[n]))
    return _Parsed(items, _section_of(nodes, prefer=None))


def _p_drupal(doc: HtmlElement) -> Optional[_Parsed]:
    """Drupal 7-10 comments: article/div.comment with a comment-body field; replies in div.indented
    after their parent, or an "In reply to" link (Drupal 8+)."""
    nodes = doc.xpath("//*[self::article or self::div]"
                      f"[{C('comment')} or {C('js-comment')}]"
                      "[.//*[contains(@class,'field-name-comment-body') or contains(@class,'field--name-comment-body')"
                      " or contains(@class,'comment__content') or contains(@class,'field-comment-body')]]")
    if not nodes:
        return None
    members = _Members((n, i) for i, n in enumerate(nodes))
    items = []
    for n in nodes:
        author_el = _own1(n, members, f".//*[{C('username')}]", ".//*[@rel='author']",
                          f".//*[contains(@class,'comment__author')]//a", f".//*[contains(@class,'comment__author')]",
                          ".//*[@typeof='sioc:UserAccount' or @property='schema:author']")
        date_el = _own1(n, members, ".//time", f".//*[contains(@class,'comment__time')]",
                        f".//*[contains(@class,'comment-date')]", f".//*[{C('submitted')}]")
        author = _author_text(author_el)
        raw, attr = _time_of(date_el)
        if not attr:        # Drupal's RDFa keeps the exact time with its zone in a hidden span
            rdfa = _own1(n, members, ".//*[@property='schema:dateCreated' or @property='dc:date'][@content]")
            attr = _iso_attr(rdfa.get("content")) if rdfa is not None else ""
        if date_el is not None and date_el.tag != "time" and author and author in raw:
            raw = re.sub(r"^.*?\b(?:am|on|le|el)\s+", "", raw)      # "Submitted by X on <date>"
        if not author or not raw:
            head = _own1(n, members, "./footer//h6 | ./footer//h5 | ./header//h6 | ./footer//*[contains(@class,'author')]",
                         ".//footer//*[self::h4 or self::h5 or self::h6 or self::p]")
            line = _norm(head.text_content()) if head is not None else ""
            if "|" in line:
                left, _, right = line.partition("|")
                author = author or _clean_author(left)
                raw = raw or _norm(right)
        bodies = _own(n, ".//*[contains(@class,'field-name-comment-body') or "
                         "contains(@class,'field--name-comment-body') or contains(@class,'field-comment-body')]", members)
        bodies = [b for b in bodies if not any(a in bodies for a in b.iterancestors())] or \
            _own(n, ".//*[contains(@class,'comment__content')]", members)
        text = "\n".join(t for t in (element_text(b) for b in bodies) if t)
        reply = _own1(n, members, ".//*[starts-with(normalize-space(.),'In reply to') or "
                                  "starts-with(normalize-space(.),'Antwort auf')]//a[contains(@href,'#comment-')]")
        parent_key = re.sub(r"^.*#", "", reply.get("href")) if reply is not None else None
        key = n.get("id") or ""
        prev = n.getprevious()
        if not key and prev is not None and prev.tag == "a" and (prev.get("id") or "").startswith("comment-"):
            key = prev.get("id")
        items.append(_Item(el=n, author=author, text=text, posted_raw=raw, posted_attr=attr,
                           key=key or None, parent_key=parent_key))
    return _Parsed(items, _section_of(nodes))


def _p_contao(doc: HtmlElement) -> Optional[_Parsed]:
    """Contao CMS comments module: div.ce_comments > div.comment_default ("X schrieb:")."""
    nodes = doc.xpath("//div[contains(@class,'ce_comments') or contains(@class,'mod_comments')]"
                      "//div[starts-with(@class,'comment_default')]")
    if not nodes:
        return None
    items = []
    for n in nodes:
        info = _first(n, f"./p[{C('info')}]", f".//*[{C('info')}]")
        author = ""
        if info is not None:
            span = _first(info, "./span", "./strong", "./a")
            author = _author_text(span) if span is not None else _clean_author(
                re.split(r"\s(?:schrieb|wrote|a écrit)", _norm(info.text_content()))[0])
        raw, attr = _time_of(_first(n, ".//time", f".//*[{C('date')}]"))
        body = _first(n, f"./div[{C('comment')}]")
        items.append(_Item(el=n, author=author, text=element_text(body) if body is not None else "",
                           posted_raw=raw, posted_attr=attr))
    return _Parsed(items, _section_of(nodes, prefer="//div[contains(@class,'ce_comments') or contains(@class,'mod_comments')]"))


def _p_schema_microdata(doc: HtmlElement) -> Optional[_Parsed]:
    """schema.org Comment in microdata (itemtype Comment or itemprop=comment on the whole comment)."""
    nodes = doc.xpath("//*[contains(translate(@itemtype,'C','c'),'schema.org/comment') or @itemprop='comment']"
                      "[.//*[@itemprop='author' or @itemprop='creator']]")
    if not nodes:
        return None
    members = _Members((n, i) for i, n in enumerate(nodes))
    items = []
    for n in nodes:
        a = _own1(n, members, ".//*[@itemprop='author' or @itemprop='creator']")
        name = _first(a, ".//*[@itemprop='name']") if a is not None else None
        author = _norm((name if name is not None else a).text_content()) if a is not None else ""
        if a is not None and a.get("content"):
            author = a.get("content")
        d = _own1(n, members, ".//*[@itemprop='datePublished' or @itemprop='dateCreated' or @itemprop='commentTime']")
        raw, attr = _time_of(d)
        body = _own1(n, members, ".//*[@itemprop='text' or @itemprop='commentText']")
        text = element_text(body) if body is not None else element_text(
            n, exclude=[x for x in (a, d) if x is not None] + _nested_items(n, members))
        items.append(_Item(el=n, author=author, text=text, posted_raw=raw, posted_attr=attr))
    return _Parsed(items, _section_of(nodes), mentions=True)


def _p_schema_jsonld(doc: HtmlElement) -> Optional[_Parsed]:
    """schema.org Comment objects in JSON-LD; last resort since they point to no DOM section."""
    items: list[_Item] = []
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack: list[tuple[object, Optional[int]]] = [(data, None)]
        found: list[tuple[dict, Optional[int]]] = []
        while stack:
            obj, parent = stack.pop(0)
            if isinstance(obj, list):
                stack[0:0] = [(o, parent) for o in obj]
            elif isinstance(obj, dict):
                kind = obj.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if "Comment" in kinds or "Answer" in kinds:
                    found.append((obj, parent))
                    me: Optional[int] = len(found) - 1
                else:
                    me = parent
                for k in ("comment", "comments", "suggestedAnswer", "acceptedAnswer", "@graph", "mainEntity",
                          "hasPart", "review"):
                    if k in obj:
                        stack.insert(0, (obj[k], me))
        for obj, parent in found:
            auth = obj.get("author") or obj.get("creator") or ""
            if isinstance(auth, list):
                auth = auth[0] if auth else ""
            if isinstance(auth, dict):
                auth = auth.get("name") or auth.get("alternateName") or ""
            date = str(obj.get("dateCreated") or obj.get("datePublished") or "")
            text = html.fromstring(f"<div>{obj.get('text') or ''}</div>").text_content() if obj.get("text") else ""
            items.append(_Item(el=script, author=_norm(str(auth)), text=_norm(text), posted_raw=date,
                               posted_attr=date, parent_index=parent))
    if not items:
        return None
    return _Parsed(items, [], threading="explicit")


# ---------------------------------------------------------------- generic fallback


def _byline(block: HtmlElement, nested: set) -> Optional[tuple[str, HtmlElement]]:
    """("geschrieben von berg2012 am 21. Jan. 2015") -> (author, element) in a meta/info line."""
    hit: Optional[tuple[int, str, HtmlElement]] = None
    for el in block.iterdescendants():
        if not isinstance(el.tag, str) or el in nested or el.tag in _SKIP_TAGS:
            continue
        if any(a in nested for a in el.iterancestors() if a is not block):
            continue
        txt = _norm(el.text_content())
        if len(txt) > 160 or not txt:
            continue
        m = _BYLINE.search(txt)
        if m and _DATE_TEXT.search(txt[m.end():]):
            best = (len(txt), _clean_author(m.group(1)), el)
            if hit is None or best[0] < hit[0]:
                hit = best
    return (hit[1], hit[2]) if hit else None


def _is_item_class(el: HtmlElement) -> bool:
    """Class/id says "this is one comment": a class token ending in comment/item/entry/card...,
    or an id like comment-1508 / bb_message_3901235."""
    for tok in (el.get("class") or "").split() + [el.get("id") or ""]:
        ps = [p.lower() for p in _PART_SPLIT.split(tok) if p and not p.isdigit()]
        if len(ps) >= 1 and ps[-1] in _ITEM_LAST and ("comment" in ps or "kommentar" in ps or "message" in ps or
                                                      "reply" in ps or "post" in ps or "beitrag" in ps):
            if not {"form", "count", "list", "section", "area", "link", "button", "title", "header",
                    "respond", "new", "add", "write"} & set(ps):
                return True
    return False


def _generic_author(block: HtmlElement, nested: set) -> Optional[HtmlElement]:
    for el in block.iterdescendants():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        if el in nested or any(a in nested for a in el.iterancestors() if a is not block):
            continue
        parts = _parts(el) | {(el.get("itemprop") or "").lower(), (el.get("rel") or "").lower()}
        if parts & _AUTHOR_PARTS and not parts & _NOT_AUTHOR and el.tag not in ("img",):
            txt = _norm(el.text_content())
            if 0 < len(txt) <= 80:
                return el
    return None


def _generic_date(block: HtmlElement, nested: set, author: Optional[HtmlElement]) -> Optional[HtmlElement]:
    cands = []
    for el in block.iterdescendants():
        if not isinstance(el.tag, str) or el in nested or any(a in nested for a in el.iterancestors() if a is not block):
            continue
        if el.tag == "time" or el.get("datetime"):
            return el
        if _parts(el) & _DATE_PARTS and el is not author and _DATE_TEXT.search(el.text_content() or ""):
            cands.append(el)
    return cands[-1] if cands else None


def _date_like_text(el: HtmlElement, stop_at: Optional[str] = None) -> str:
    """First short text node that reads as a date (forum templates that put it in a bare <dd>)."""
    stop = el.xpath(stop_at) if stop_at else []
    stop_el = stop[0] if stop else None
    for node in el.iter():
        if node is stop_el:
            break
        if not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            continue
        t = _norm(node.text)
        if t and len(t) <= 40 and _DATE_TEXT.search(t) and parse_date(t):
            return t
    return ""


def _p_generic(doc: HtmlElement) -> Optional[_Parsed]:
    """Repeated comment-like blocks (class says comment/post/reply item) holding an author-like
    element, a time and text. Works for news-site widgets without a known platform."""
    blocks = [el for el in doc.iter("div", "li", "article", "section", "dd", "blockquote")
              if _is_item_class(el) and not el.xpath("ancestor::form")]
    if not blocks:
        return None
    members = _Members((b, i) for i, b in enumerate(blocks))
    found: list[tuple[HtmlElement, Optional[HtmlElement], Optional[HtmlElement]]] = []
    bylines: dict = {}
    for b in blocks:
        nested = set(_nested_items(b, members))
        author = _generic_author(b, nested)
        if author is None:
            head = _norm(b.text_content())[:160]
            by = _byline(b, nested)
            if by is not None:
                bylines[b] = by[0]
            elif not _WROTE.match(head):
                continue
        date = _generic_date(b, nested, author)
        if date is None and b in bylines:
            date = _byline(b, nested)[1]
        if date is None:
            continue
        found.append((b, author, date))
    if not found:
        return None
    # blocks inside blocks that share their author element: keep the inner (closer) block
    by_author: dict = {}
    for b, a, d in found:
        key = a if a is not None else b
        if key not in by_author or b in set(by_author[key][0].iterancestors()):
            by_author[key] = (b, a, d)
    kept = sorted(by_author.values(), key=lambda t: members[t[0]])
    # a lone block needs a comment section around it; several need a shared signature
    sig = lambda el: (el.tag, " ".join(sorted(t for t in (el.get("class") or "").split() if _is_item_class(
        html.fromstring(f'<i class="{t}"></i>')))))
    groups: dict = {}
    for t in kept:
        groups.setdefault(sig(t[0]), []).append(t)
    best = max(groups.values(), key=len)
    if len(kept) > len(best):
        # nested threads mix e.g. "comment" and "comment--indented": keep all sharing a token
        tokens = set(sig(best[0][0])[1].split())
        best = [t for t in kept if tokens & set(sig(t[0])[1].split())] or best
    if len(best) == 1:
        b = best[0][0]
        if not any(_section_word(a) for a in [b] + list(b.iterancestors())):
            return None
    members2 = _Members((t[0], i) for i, t in enumerate(best))
    items = []
    for b, a, d in best:
        nested = _nested_items(b, members2)
        if a is not None:
            author = _author_text(a)
        elif b in bylines:
            author = bylines[b]
        else:
            author = _clean_author(_WROTE.match(_norm(b.text_content())[:160]).group(1))
        raw, attr = _time_of(d)
        body = None
        for el in b.iterdescendants():
            if isinstance(el.tag, str) and _parts(el) & {"text", "content", "body", "message", "copy"} \
                    and not _parts(el) & {"author", "date", "time", "meta", "header", "footer"} \
                    and el not in nested and not any(x in nested for x in el.iterancestors()) \
                    and (a is None or (a is not el and a not in set(el.iterdescendants()))):
                body = el
                break
        if body is not None:
            text = element_text(body, exclude=nested)
        else:
            text = element_text(b, exclude=nested + [x for x in (a, d) if x is not None]
                                + b.xpath(".//*[contains(@class,'meta') or contains(@class,'header')]"))
        num = re.search(r"#\s?(\d+(?:\.\d+)*)\b", _norm(d.text_content()) if d is not None else "")
        items.append(_Item(el=b, author=author, text=text, posted_raw=raw, posted_attr=attr,
                           number=num.group(1) if num else None))
    return _Parsed(items, _section_of([t[0] for t in best]), mentions=True)


def _section_word(el: HtmlElement) -> bool:
    return bool(_parts(el) & {"comments", "kommentare", "comment", "discussion", "reactions",
                              "leserkommentare", "replies", "thread", "discuss"})


# --------------------------------------------------------------------------------------------
# section, declared count, threading
# --------------------------------------------------------------------------------------------

def _lca(elements: Sequence[HtmlElement]) -> Optional[HtmlElement]:
    if not elements:
        return None
    path = list(reversed([elements[0]] + list(elements[0].iterancestors())))
    common = len(path)
    for el in elements[1:]:
        anc = set([el] + list(el.iterancestors()))
        while common and path[common - 1] not in anc:
            common -= 1
    return path[common - 1] if common else None


def _section_of(nodes: Sequence[HtmlElement], prefer: Optional[str] = None) -> list[HtmlElement]:
    """The comment section: common ancestor of the items, widened to a comments wrapper nearby."""
    if not nodes:
        return []
    root = nodes[0].getroottree().getroot()
    if prefer:
        for p in root.xpath(prefer)[:1]:
            if all(n is p or p in set(n.iterancestors()) for n in nodes):
                return [p]
    lca = _lca(nodes)
    if lca is None or lca.tag in ("html", "body"):
        return list(nodes) if lca is not None else []       # siblings right under <body>
    if len(nodes) == 1:                                       # one comment: start from its list
        parent = nodes[0].getparent()
        lca = parent if parent is not None and parent.tag not in ("body", "html") else nodes[0]
    el = lca
    for _ in range(4):
        if el is None or el.tag in ("body", "html", "main"):
            break
        ident = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
        if re.search(r"(^|[\s_-])(comments?|comments-area|comment-wrapper|comment-section|kommentare|"
                     r"discussion|disqus_thread|entry-comments|respond)([\s_-]|$)", ident):
            if el.xpath(".//article[contains(@class,'post') or @itemprop='articleBody'] | .//*[@itemprop='articleBody']"):
                break
            lca = el
        el = el.getparent()
    return [lca]


def _outside_items(section: HtmlElement, items: set) -> list[HtmlElement]:
    """Heading-like elements of a section that are not inside a comment (cheap: skips items)."""
    out = []
    walker = etree.iterwalk(section, events=("start",))
    for _, el in walker:
        if el in items:
            walker.skip_subtree()
            continue
        if not isinstance(el.tag, str) or el is section:
            continue
        cls = el.get("class") or ""
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or any(
                w in cls for w in ("title", "count", "headline", "pagination", "heading")):
            out.append(el)
    return out


def _declared(doc: HtmlElement, sections: list[HtmlElement], words: str,
              count_xpath: Optional[str] = None, item_els: Sequence[HtmlElement] = ()) -> Optional[int]:
    """The count the page states near its comment section ("20 thoughts on", "54 Kommentare").

    Looked for in short headings/counters inside the section, then among the direct children and
    preceding siblings of up to three ancestors, then in comment-count links anywhere.
    """
    rx = re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:[.,]\d{{3}})+|\d+)\s*(?:{_COUNT_WORDS.get(words, _COUNT_WORDS['comments'])})\b", re.I)
    heading = ("self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or "
               "contains(@class,'title') or contains(@class,'count') or "
               "contains(@class,'headline') or contains(@class,'pagination') or contains(@class,'heading')")

    def hit(el: HtmlElement) -> Optional[int]:
        if len(el) > 12:
            return None
        txt = _norm(el.text_content())
        m = rx.search(txt) if len(txt) <= 200 else None
        return int(re.sub(r"[.,]", "", m.group(1))) if m else None

    for el in doc.xpath(count_xpath) if count_xpath else []:
        n = hit(el)
        if n is not None:
            return n
    items = set(item_els)
    for s in sections:
        cands = _outside_items(s, items)
        anc = s
        for _ in range(3):
            cands += anc.xpath("./preceding-sibling::*[position()<=3]")
            anc = anc.getparent()
            if anc is None or anc.tag in ("body", "html"):
                break
            cands += anc.xpath(f"./*[{heading}]")
        for el in cands:
            n = hit(el)
            if n is not None:
                return n
    for el in doc.xpath("//*[contains(@class,'comment') and (contains(@class,'count') or contains(@class,'number'))]"
                        " | //a[contains(@href,'#comments')]"):
        n = hit(el)
        if n is not None:
            return n
    return None


def _is_children_container(el: HtmlElement) -> bool:
    parts = _parts(el)
    if parts & {"toplevel", "top"}:
        return False
    return bool(parts & _CHILD_PARTS) and not _is_item_class(el)


def _structural_parent(el: HtmlElement, members: dict, stop: set) -> Optional[int]:
    """Parent from the DOM: an enclosing comment, or the comment right before an enclosing
    children/replies/indented container (themes that close the parent's <li> first)."""
    for anc in el.iterancestors():
        if anc in stop:
            return None
        if anc in members:
            return members[anc]
        if _is_children_container(anc):
            sib = anc.getprevious()
            while sib is not None:
                if not isinstance(sib.tag, str):
                    sib = sib.getprevious()
                    continue
                if sib in members:
                    return members[sib]
                inner = next((m for m in sib.iter() if m in members), None)  # the first comment inside, not all
                if inner is not None:
                    return members[inner]
                if sib.tag == "a" or not _norm(sib.text_content()):
                    sib = sib.getprevious()       # Drupal's <a id="comment-N"> anchors, empty divs
                    continue
                break
    return None


_MENTION = re.compile(r"\s*@ ?([^\s:,;!?]+(?: [^\s:,;!?]+)?)")


class _Addressees:
    """Who a flat thread's post answers: "@name", or the exact name of an earlier poster opening the post.

    Posts are read in page order (:meth:`parent` of post ``idx`` after those before it); the earlier posters are
    indexed as they are read (the latest post of each name, and a character trie of names for "@" prefixes), so
    finding the post answered costs the length of the name, not the number of earlier posts: a page of thousands
    of replies to names nobody on it has stays linear.
    """

    def __init__(self, authors: list[str]) -> None:
        self.authors = authors
        self.read = 0  # posts ``0 .. read - 1`` are indexed
        self.exact: dict[str, int] = {}  # lower-cased name -> latest post
        self.joined: dict[str, int] = {}  # lower-cased name without spaces -> latest post
        self.trie: dict = {}  # lower-cased name, one level per character; "" holds the latest post below a node
        self.addressed: dict[str, int] = {}  # whitespace-normalised, case-folded name of 4+ characters -> latest post

    def _catch_up(self, idx: int) -> None:
        if idx < self.read:  # asked out of page order: index again from the top
            self.__init__(self.authors)  # type: ignore[misc]
        for j in range(self.read, idx):
            a = self.authors[j].lower()
            if a:
                self.exact[a] = j
                self.joined[a.replace(" ", "")] = j
                node = self.trie
                for ch in a:
                    node = node.setdefault(ch, {})
                    node[""] = j
            folded = _norm(self.authors[j]).casefold()
            if len(folded) >= 4:
                self.addressed[folded] = j
        self.read = max(self.read, idx)

    def parent(self, text: str, idx: int) -> Optional[int]:
        """Flat threads: a post opening with "@name", or with the exact name of an earlier poster
        ("yellowkitty die Ohren sind sauber"), answers the nearest earlier post by that name."""
        self._catch_up(idx)
        m = _MENTION.match(text)
        if not m:
            return self._addressed(text, idx)
        wanted = m.group(1).lower()
        found = [self.exact.get(wanted), self.joined.get(wanted.replace(" ", "")), self.joined.get(wanted.split(" ")[0])]
        if len(wanted) >= 3:  # an earlier name that starts with what follows the "@"
            node: Optional[dict] = self.trie
            for ch in wanted:
                node = node.get(ch) if node is not None else None
            found.append(node.get("") if node is not None else None)
        found = [j for j in found if j is not None]
        return max(found) if found else None

    def _addressed(self, text: str, idx: int) -> Optional[int]:
        """A post whose first words are an earlier poster's full name (then a space, comma or colon) addresses
        that poster: the nearest earlier post by them. Names under 4 characters are too likely to be ordinary
        words to count."""
        head = text.lstrip()[:80].casefold()
        own = _norm(self.authors[idx]).casefold()
        found = [j for size in range(4, len(head) + 1)
                 if (size == len(head) or not head[size].isalnum()) and head[:size] != own
                 and (j := self.addressed.get(head[:size])) is not None]
        return max(found) if found else None


def _finish(doc: HtmlElement, name: str, parsed: _Parsed, warnings: list[str]) -> CommentResult:
    """Threading, depth, dates, the stated count and the warnings, the same for every family."""
    items = parsed.items
    n = len(items)
    parents: list[Optional[int]] = [None] * n
    members = {it.el: i for i, it in enumerate(items) if it.el is not None and it.el.tag != "script"}
    stop = set(parsed.sections)
    by_key = {it.key: i for i, it in enumerate(items) if it.key}
    addressees = _Addressees([it.author for it in items])
    numbered: dict[str, int] = {}  # "1.1" style number -> its latest item so far
    stack: list[tuple[int, int]] = []
    for i, it in enumerate(items):
        p: Optional[int] = None
        if parsed.threading == "explicit" or it.parent_index is not None:
            p = it.parent_index
            if p is None and it.parent_key:
                p = by_key.get(it.parent_key)
        elif parsed.threading == "indent":
            d = it.depth_hint or 0
            while stack and stack[-1][1] >= d:
                stack.pop()
            p = stack[-1][0] if stack else None
            if it.parent_key is not None:         # an explicit "parent" link beats indentation
                p = by_key.get(it.parent_key)
            stack.append((i, d))
        elif parsed.threading == "quotes":
            on_page = [by_key[k] for k in it.quoted_keys if k in by_key and by_key[k] < i]
            p = on_page[0] if on_page else addressees.parent(it.text, i)
        elif parsed.threading == "flat":
            p = by_key.get(it.parent_key) if it.parent_key and it.parent_key != it.key else None
            p = p if p is not None and p < i else addressees.parent(it.text, i)
        else:  # structure
            if it.parent_key and it.parent_key in by_key and by_key[it.parent_key] < i:
                p = by_key[it.parent_key]
            elif it.el in members:
                p = _structural_parent(it.el, members, stop)
            if p is None and it.number and "." in it.number:
                p = numbered.get(it.number.rsplit(".", 1)[0])
        if p is not None and not (0 <= p < i):
            p = None
        parents[i] = p
        if it.number:
            numbered[it.number] = i
    if parsed.mentions and n > 2 and not any(p is not None for p in parents):
        # no threading markup at all: fall back to the "@name" convention of flat widgets
        addressees = _Addressees([it.author for it in items])
        for i, it in enumerate(items):
            parents[i] = addressees.parent(it.text, i)
    depths: list[int] = []
    for i in range(n):
        depths.append(0 if parents[i] is None else depths[parents[i]] + 1)

    comments: list[DomComment] = []
    unresolved = 0
    for i, it in enumerate(items):
        posted = parse_date(it.posted_raw, it.posted_attr)
        if not posted and (it.posted_raw or it.posted_attr):
            unresolved += 1
        comments.append(DomComment(author=it.author, posted=posted, posted_raw=it.posted_raw or it.posted_attr,
                                parent=parents[i], depth=depths[i], text=it.text, pingback=it.pingback,
                                quotes=list(it.quotes), element=it.el if it.el.tag != "script" else None))
    declared = _declared(doc, parsed.sections, parsed.declared_words, parsed.count_xpath,
                         [it.el for it in items]) \
        if parsed.sections or parsed.count_xpath else None
    counted = parsed.counted if parsed.counted is not None else n
    if declared is not None and declared != counted:
        warnings.append(f"page states {declared} {parsed.declared_words}, {counted} found in the HTML")
    if unresolved:
        warnings.append(f"{unresolved} comment date(s) are relative or incomplete and were kept raw only")
    empty = sum(1 for c in comments if not c.author)
    if empty:
        warnings.append(f"{empty} comment(s) without an author")
    if not parsed.sections:
        warnings.append("comments were found outside the visible DOM (JSON-LD); no section to cut")
    tree = doc.getroottree()
    return CommentResult(comments=comments, platform=name, sections=list(parsed.sections),
                         section_xpaths=[tree.getpath(s) for s in parsed.sections], declared=declared,
                         warnings=warnings, tree=doc)


# tried in this order: the most specific markup first, the generic fallback last
PARSERS: list[tuple[str, Parser]] = [
    ("stackexchange", _p_stackexchange),
    ("xenforo", _p_xenforo),
    ("vbulletin", _p_vbulletin),
    ("invision", _p_invision),
    ("smf", _p_smf),
    ("phpbb", _p_phpbb),
    ("discourse", _p_discourse),
    ("reddit-new", _p_reddit_new),
    ("reddit-old", _p_reddit_old),
    ("hackernews", _p_hackernews),
    ("metafilter", _p_metafilter),
    ("disqus", _p_disqus),
    ("wpdiscuz", _p_wpdiscuz),
    ("blogger", _p_blogger),
    ("wordpress", _p_wordpress),
    ("drupal", _p_drupal),
    ("contao", _p_contao),
    ("schema-org", _p_schema_microdata),
    ("generic", _p_generic),
    ("schema-org", _p_schema_jsonld),
]


def _detected_but_unparsed(doc: HtmlElement) -> Optional[HtmlElement]:
    """A comments container that no parser could read (JS widgets, empty lists): report it."""
    for el in doc.xpath("//*[@id='comments' or @id='disqus_thread' or @id='respond' or "
                        f"{C('comments-area')} or {C('comment-section')} or {C('fb-comments')}]"):
        return el
    return None


def extract_comments(tree_or_html: Union[str, bytes, HtmlElement, etree._ElementTree]) -> CommentResult:
    """Find and parse the reader comments of a page; never raises on bad input.

    Parsers are tried from the most specific markup to the generic fallback (``PARSERS``); the
    first that finds items wins, and threading, dates, the section and the stated count are
    then resolved the same way for every family. A page with no comments gives an empty result,
    with a warning when a comment area exists but holds nothing parsable (a script widget).

    Args:
        tree_or_html: the page as bytes (the encoding is read and checked against the bytes),
            str, or an lxml element/tree (used as is, so the returned sections belong to it).

    Returns:
        A :class:`CommentResult`; problems are in its ``warnings``, never raised.
    """
    warnings: list[str] = []
    try:
        doc = load_document(tree_or_html, warnings)
    except Exception as exc:  # defensive: the caller gets a reason, never a traceback
        return CommentResult([], None, warnings=[f"input could not be read: {exc!r}"])
    if doc is None:
        return CommentResult([], None, warnings=warnings)
    try:
        return _extract(doc, warnings)
    except RecursionError:
        warnings.append("the DOM is too deeply nested to walk; comments not extracted")
    except Exception as exc:  # a bug must cost this page its comments, not the run
        warnings.append(f"comment extraction failed on this page: {exc!r}")
    return CommentResult([], None, warnings=warnings, tree=doc)


def _extract(doc: HtmlElement, warnings: list[str]) -> CommentResult:
    for name, parser in PARSERS:
        try:
            parsed = parser(doc)
        except Exception as exc:  # one broken parser must not hide the others
            warnings.append(f"{name} parser failed: {exc!r}")
            continue
        if parsed and parsed.items:
            return _finish(doc, name, parsed, warnings)
    body = doc.find("body")
    if body is None or not element_text(body, skip=None):
        warnings.append("the page has no visible text (no <body>, or a script-only app)")
        return CommentResult([], None, warnings=warnings, tree=doc)
    hint = _detected_but_unparsed(doc)
    if hint is not None:
        txt = _norm(hint.text_content())
        if len(txt) > 0:
            warnings.append(f"a comment area ({doc.getroottree().getpath(hint)}) was found but holds no "
                            "parsable comments (script widget, closed or empty)")
    return CommentResult([], None, warnings=warnings, tree=doc)
