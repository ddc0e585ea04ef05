"""Sentiment with VADER, through ``vaderSentiment`` (the authors' reference implementation).

It ships its lexicon, so it runs offline; NLTK's port scores negations such as
"No problem at all." wrongly and is slower. Labels use the standard thresholds:
compound >= 0.05 positive, <= -0.05 negative, neutral in between.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE = 0.05
NEGATIVE = -0.05
SCORE_KEYS = ("compound", "pos", "neu", "neg")


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """One analyzer per process (loading the lexicon takes ~50 ms)."""
    return SentimentIntensityAnalyzer()


def scores(text: str) -> dict[str, float]:
    """VADER's scores for a text: compound, pos, neu, neg.

    >>> scores("No problem at all.")["compound"]
    0.3089
    """
    return analyzer().polarity_scores(text)


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
