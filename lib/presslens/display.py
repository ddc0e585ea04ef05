"""Safe display helpers for notebooks.

Text from documents is untrusted: a comment may contain ``<script>``. nbconvert
does not sanitise HTML produced by ``IPython.display.Markdown``/``HTML`` or
``DataFrame.style``, so every value from a document goes through :func:`escape`
before it reaches such output. Plain DataFrame reprs and plotly JSON are escaped
by their renderers.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape(value: Any) -> str:
    """Escape a value for HTML and Markdown, and show invisible direction marks.

    Right-to-left overrides and zero-width characters are replaced by a visible
    ``[U+XXXX]`` so they cannot reorder or hide the text around them.

    >>> escape("<script>alert(1)</script> *bold*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*bold\\\\*'
    """
    text = "" if value is None else str(value)
    text = _INVISIBLE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)
    text = html.escape(text, quote=True)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md(template: str, /, **values: Any) -> Any:
    """A Markdown display object from a trusted template and escaped values.

    >>> md("**{n}** documents from {name}", n=5, name="<b>x</b>").data
    '**5** documents from &lt;b&gt;x&lt;/b&gt;'
    """
    from IPython.display import Markdown

    safe = {k: (v if isinstance(v, (int, float)) and not isinstance(v, bool) else escape(v)) for k, v in values.items()}
    return Markdown(template.format(**safe))


def setup(*, max_colwidth: int = 80, max_rows: int = 60) -> None:
    """Notebook defaults: plotly's mimetype renderer (small notebooks, stable outputs) and pandas display limits."""
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"
    pd.set_option("display.max_colwidth", max_colwidth)
    pd.set_option("display.max_rows", max_rows)
    pd.set_option("display.width", 200)


def clip(text: str, n: int = 160) -> str:
    """Shorten text for a table cell, marking the cut with an ellipsis.

    >>> clip("a" * 10, 5)
    'aaaa…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
