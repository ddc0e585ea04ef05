"""The patterns of text pages, as data: line rules, header shapes, forum chrome, comment-section shapes.

Compiled once, here and nowhere else in the stage: :mod:`.segment` applies the
line and header patterns, :mod:`.comments` the comment-section ones. A new
outlet's clutter usually costs one entry in :data:`LINE_RULES`.
"""

from __future__ import annotations

import re

#: month names as the pages write them (bylines, comment times), as a regex alternation
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# ---------------------------------------------------------------------------
# Line shapes.
# ---------------------------------------------------------------------------
#: a line ending like the end of a sentence (or a figure, a quotation, a list item)
TERMINAL = re.compile(r"[.!?…:;\"'”’)\]*\d]\s*$")
#: a rule separator (``-----``)
SEPARATOR = re.compile(r"^\s*[-_=*~]{5,}\s*$")
BULLET = re.compile(r"^\s*[•·●▪◦]\s*")
#: words that make a line between separators a donation appeal rather than other site chrome
APPEAL_WORDS = re.compile(r"donat|support|contribut|help", re.I)
#: a trailing parenthesis (a caption's credit), dropped before comparing a caption with the body
TRAILING_PARENTHESIS = re.compile(r"\([^()]*\)\s*$")

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

# ---------------------------------------------------------------------------
# The article's header.
# ---------------------------------------------------------------------------
BYLINE = re.compile(
    rf"^\s*(?:(?P<date>(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\s+)?"
    r"(?:By|BY|Guest [Pp]ost by|Written by|Posted by|Op-ed by)\s+(?P<name>\S+(?:\s+\S+){0,7}?)\s*(?:featured)?\s*$"
)
DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z .'’-]{2,40}?)\s*[-–—]{1,2}\s*$")
IMAGE_MARKER = re.compile(r"^\s*\[Image:[^\]]*\]")
SUMMARY_HEADER = re.compile(r"^\s*(?:Highlights|Key points|Summary|In brief|At a glance)\s*:?\s*$", re.I)
SIGNATURE = re.compile(r"^\s*[\"“].{3,300}?[\"”]\s*[-–—]?\s*[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){0,3}(?:[.,].*)?$")

# ---------------------------------------------------------------------------
# Forum chrome (MyBB, vBulletin and alike).
# ---------------------------------------------------------------------------
FORUM_RATING = re.compile(r"^\s*Thread Rating:\s*$", re.I)
FORUM_RELATED = re.compile(r"^\s*Possibly Related Threads", re.I)
FORUM_TAIL = re.compile(r"^\s*(?:Forum Jump:|Users browsing this thread:|Thread Author Replies Views Last Post|Last Post:)", re.I)

# ---------------------------------------------------------------------------
# Comment sections.
# ---------------------------------------------------------------------------
#: the heading of a reaction widget, which opens a comment section
REACTION_HEADING = re.compile(r"^What(?:'|’)s your reaction\??$", re.I)
#: "12 Comments", "No Comments": the count a threaded comment section declares
COMMENT_COUNT = re.compile(r"^\s*(?P<n>\d+|No|Zero)\s+Comments?\s*$", re.I)
#: "12 comments" further down a comment section
COMMENT_COUNT_LINE = re.compile(r"^(?P<n>\d+)\s+comments?$", re.I)
#: widget chrome just above a comment count (lower-cased lines)
COMMENT_CHROME = frozenset({"subscribe", "notify of", "guest", "login", ""})
#: a comment's time line: "March 3, 2024 4:05 pm"
COMMENT_TIME = re.compile(
    rf"^\s*(?P<date>(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}})\s+(?P<time>\d{{1,2}}:\d{{2}}\s*[ap]\.?m\.?)\s*$", re.I
)
#: an indented "reply to" line naming the author replied to
REPLY_TO = re.compile(r"^[\u00a0 \t]+(?P<name>\S.*?)\s*$")
