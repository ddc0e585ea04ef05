"""The one copy of escaping document text for the places it is shown.

Text from documents is untrusted: a comment may hold ``<script>``, a title
``<a href=...>``, a name a right-to-left override that reorders what follows.
nbconvert does not sanitise HTML from ``IPython.display.Markdown``/``HTML`` or
``DataFrame.style``, and plotly renders a few tags (``<b>``, ``<i>``, ``<a>``,
``<br>``) in titles, ticks, labels and hover text. So every value from a
document passes one of these on its way out:

* :func:`escape`: HTML and Markdown (notebook prose, captions, HTML blocks);
* :func:`chart_text`: plotly text (labels, titles, ticks, hover), shown as written;
* :func:`visible`: only the invisible characters made visible (plain text).

All three show direction overrides and zero-width characters as a visible
``[U+XXXX]``, so they can neither reorder nor hide the text around them.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: zero-width spaces and joiners, direction marks, embeddings, overrides and isolates, the BOM
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def visible(value: Any) -> str:
    """``value`` as text with each invisible direction or zero-width character shown as ``[U+XXXX]``.

    >>> visible("abc\u202edef")
    'abc[U+202E]def'
    """
    text = "" if value is None else str(value)
    return INVISIBLE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def escape(value: Any) -> str:
    """Escape a value for HTML and Markdown, and show invisible direction marks.

    A URL in the text stays text: the Markdown renderer would make a bare
    ``http://...`` a live link, so the colon of ``://`` is written ``&#58;``.

    >>> escape("<script>alert(1)</script> *bold*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*bold\\\\*'
    >>> escape("see http://e.vil")
    'see http&#58;//e.vil'

    An apostrophe is written ``&apos;``: the numeric ``&#x27;`` would have its ``#`` escaped for Markdown and
    show as "&#x27;" in the report.

    >>> escape("Washington's 'joints for jabs'")
    'Washington&apos;s &apos;joints for jabs&apos;'
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(visible(value), quote=True).replace("&#x27;", "&apos;")).replace("://", "&#58;//")


def chart_text(value: Any) -> str:
    """Document text made safe for a plotly label, title, tick or hover: shown as written, never as markup.

    Plotly renders a few tags in text and strips the rest, so a commenter named
    ``<b>x</b>`` would show as a bold "x"; escaping makes it show verbatim.

    >>> chart_text("<b>mallory</b>\u202e")
    '&lt;b&gt;mallory&lt;/b&gt;[U+202E]'
    """
    return html.escape(visible(value), quote=False)
