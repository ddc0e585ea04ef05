"""Framing: the words and phrases that set one source apart from the others.

A stable import path: the code is in :mod:`presslens.reuse.framing` (terms,
log-odds) and :mod:`presslens.reuse.charts` (:func:`framing_chart`, imported on
first use so that computing terms never loads plotly).
"""

from __future__ import annotations

from .reuse.framing import (
    STOPWORDS, TERM_COLUMNS, FramingError, content_words, framing_terms, framing_terms_from_texts, log_odds_dirichlet,
    terms, top_terms,
)

_CHARTS = frozenset({"framing_chart"})


def __getattr__(name: str):
    if name in _CHARTS:
        from .reuse import charts

        return getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _CHARTS)


__all__ = [
    "STOPWORDS", "FramingError", "content_words", "framing_chart", "framing_terms", "framing_terms_from_texts",
    "log_odds_dirichlet", "terms", "top_terms",
]
