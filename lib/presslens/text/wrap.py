"""Shortening and wrapping text for table cells, chart labels and hover boxes (one copy each)."""

from __future__ import annotations

import textwrap
from typing import Any

from .markup import chart_text


def clip(text: Any, n: int = 160) -> str:
    """Shorten text for a table cell, whitespace collapsed, marking the cut with an ellipsis.

    >>> clip("a" * 10, 5)
    'aaaa…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def wrap_lines(text: Any, width: int = 70) -> list[str]:
    """Greedy word wrap: lines of at most ``width`` characters (a longer word stands alone).

    >>> wrap_lines("one two three four", 9)
    ['one two', 'three', 'four']
    """
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def hover_text(text: Any, *, width: int = 70, limit: int | None = None) -> str:
    """Document text for a plotly hover box: clipped to ``limit`` characters, wrapped at ``width``, each line escaped.

    >>> hover_text("<b>x</b> " * 3, width=10)
    '&lt;b&gt;x&lt;/b&gt;<br>&lt;b&gt;x&lt;/b&gt;<br>&lt;b&gt;x&lt;/b&gt;'
    """
    if limit is not None:
        text = clip(text, limit)
    return "<br>".join(chart_text(line) for line in wrap_lines(text, width))


def axis_label(text: Any, *, width: int = 14, max_lines: int = 3) -> str:
    """A document label ("000 · Outlet name") for a chart axis: the number, then the name wrapped to ``width``, each line escaped.

    >>> axis_label("004 · The Intercept and others")
    '004<br>The Intercept<br>and others'
    """
    head, _, name = str(text).partition(" · ")
    lines = [head, *textwrap.wrap(name, width=width, max_lines=max_lines, placeholder="…")] if name else textwrap.wrap(head, width) or [""]
    return "<br>".join(chart_text(line) for line in lines)
