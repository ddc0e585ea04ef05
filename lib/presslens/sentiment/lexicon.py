"""What a VADER score rests on: the lexicon words of a text, and a check of stored scores against a fresh analyzer."""

from __future__ import annotations

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from ..text import words
from ..text.vader import MAX_WORDS, SCORE_KEYS, analyzer, label, polarity_scores
from .frames import _require


def lexicon_words(text: str) -> list[tuple[str, float]]:
    """The words of ``text`` that VADER's lexicon knows, with their raw valence (-4 to +4).

    This is what a score rests on before VADER's rules (negation, "but", capitals,
    boosters) adjust it: a reader can see that a sneering "KINDLY" counted as kind,
    or that "shithole" counted for nothing because the lexicon lacks it.

    >>> lexicon_words("The Evil Fuckers in Washington")
    [('evil', -3.4), ('fuckers', -2.9)]
    """
    lexicon = analyzer().lexicon
    found = []
    for word in words(text.replace("’", "'")):
        key = word.lower()
        if key in lexicon:
            found.append((key, lexicon[key]))
    return found


def scored_words(text: str) -> str:
    """:func:`lexicon_words` as one readable cell: ``"remarkable +2.6, kindly +2.2"``.

    >>> scored_words("which KINDLY agreed")
    'kindly +2.2, agreed +1.1'
    """
    return ", ".join(f"{word} {value:+.1f}" for word, value in lexicon_words(text))


def score_mismatches(comments: pd.DataFrame) -> pd.DataFrame:
    """Comments whose stored scores differ from a fresh ``vaderSentiment`` analyzer's ``polarity_scores`` on their text.

    An empty result is the check that ``comments_table`` (or a CSV read back)
    holds VADER's own numbers, not stale or rounded ones. A comment of more than
    :data:`~presslens.text.vader.MAX_WORDS` words is compared with the fresh
    analyzer's scores of its chunks, aggregated as :func:`~presslens.text.vader.polarity_scores` documents.

    Returns:
        ``doc_id, comment_id, score, stored, vader`` for every differing score.
    """
    _require(comments, ["doc_id", "comment_id", "text", *SCORE_KEYS, "label"], "comments")
    reference = SentimentIntensityAnalyzer()
    rows = []
    for rec in comments[["doc_id", "comment_id", "text", *SCORE_KEYS, "label"]].itertuples(index=False):
        expected = polarity_scores(str(rec.text), reference, MAX_WORDS)
        for key in SCORE_KEYS:
            if getattr(rec, key) != expected[key]:
                rows.append({"doc_id": rec.doc_id, "comment_id": rec.comment_id, "score": key, "stored": getattr(rec, key), "vader": expected[key]})
        if rec.label != label(expected["compound"]):
            rows.append({"doc_id": rec.doc_id, "comment_id": rec.comment_id, "score": "label", "stored": rec.label, "vader": label(expected["compound"])})
    return pd.DataFrame(rows, columns=["doc_id", "comment_id", "score", "stored", "vader"])
