"""VADER's scores of one text, through ``vaderSentiment`` (the authors' reference implementation).

A leaf: the tidy comments and sentences tables carry these scores, and the
sentiment stage's analyses read those tables, so the scorer sits below both.
It ships its lexicon and runs offline. Labels use the standard thresholds:
compound >= 0.05 positive, <= -0.05 negative, neutral in between.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .memo import TextMemo

POSITIVE = 0.05
NEGATIVE = -0.05
SCORE_KEYS = ("compound", "pos", "neu", "neg")
LABELS = ("negative", "neutral", "positive")


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """One analyzer per process (loading the lexicon takes ~50 ms)."""
    return SentimentIntensityAnalyzer()


def scores(text: str) -> dict[str, float]:
    """VADER's scores for a text: compound, pos, neu, neg.

    ``polarity_scores`` is a pure function of the text, so each process
    remembers the scores of recent texts (:class:`~presslens.text.TextMemo`):
    a comment of one sentence is scored once for the comments and the sentences
    tables, and a sentence reprinted word for word by many outlets once per
    process. Every caller gets its own dict.

    >>> scores("No problem at all.")["compound"]
    0.3089
    """
    if not isinstance(text, str):
        return analyzer().polarity_scores(text)
    return dict(_SCORES(text))


_SCORES: TextMemo[tuple[tuple[str, float], ...]] = TextMemo(lambda text: tuple(analyzer().polarity_scores(text).items()), max_chars=8_000_000)


def label(compound: float) -> str:
    """``positive``, ``negative`` or ``neutral`` by the standard thresholds.

    >>> label(0.05), label(-0.2), label(0.0)
    ('positive', 'negative', 'neutral')
    """
    if compound >= POSITIVE:
        return "positive"
    if compound <= NEGATIVE:
        return "negative"
    return "neutral"
