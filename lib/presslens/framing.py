"""Framing: the words and phrases that set one source apart from the others.

A stable import path: the code is in :mod:`presslens.reuse.framing` (terms,
log-odds) and :mod:`presslens.reuse.charts` (:func:`framing_chart`, imported on
first use so that computing terms never loads plotly).
"""

from __future__ import annotations

from .reuse.framing import (
    STOPWORDS, TERM_COLUMNS, FramingError, content_words, framing_comparison, framing_terms, framing_terms_from_texts, log_odds_dirichlet,
    terms, top_terms,
)
from .lazy import lazy_names
from .text.sentences import join_paragraphs

_CHARTS = frozenset({"framing_chart"})


__getattr__, __dir__ = lazy_names(__name__, "presslens.reuse.charts", _CHARTS, globals())


__all__ = [
    "STOPWORDS", "FramingError", "content_words", "framing_chart", "framing_comparison", "framing_terms", "framing_terms_from_texts",
    "join_paragraphs", "log_odds_dirichlet", "terms", "top_terms",
]
