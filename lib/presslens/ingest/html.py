"""HTML pages to text: block elements become lines, so the text-page rules of :mod:`.segment` segment them too.

Scripts, styles and the ``<head>`` are dropped and entities decoded, with the
standard library's :class:`html.parser.HTMLParser` (tolerant of broken markup).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 header footer section article aside nav blockquote figure figcaption "
    "table tr td th pre hr title dt dd form".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False
        self.has_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag == "h1":
            self.has_h1 = True
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one block element per paragraph.

    Scripts, styles and the ``<head>`` are dropped; entities are decoded. The
    ``<title>`` becomes the first line only when the page has no ``<h1>``.

    >>> html_to_text("<p>Hello <b>world</b></p><script>x()</script><p>Bye</p>")
    'Hello world\\n\\nBye'
    """
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    title = " ".join("".join(parser.title).split())
    if title and not parser.has_h1 and not out.startswith(title):
        out = f"{title}\n\n{out}"
    return out
