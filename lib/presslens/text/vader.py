"""VADER's scores of one text, through ``vaderSentiment`` (the authors' reference implementation).

A leaf: the tidy comments and sentences tables carry these scores, and the
sentiment stage's analyses read those tables, so the scorer sits below both.
It ships its lexicon and runs offline. Labels use the standard thresholds:
compound >= 0.05 positive, <= -0.05 negative, neutral in between.

``polarity_scores`` takes time quadratic in the words of its text (each
lexicon word rebuilds the list of all words in lower case), so a text of more
than :data:`MAX_WORDS` words is scored in chunks (:func:`score_chunks`: whole
sentences, packed in reading order) and its scores are the means of the
chunks' scores weighted by their words (:func:`polarity_scores`). Texts up to
that length, every comment and sentence of ordinary news pages, keep VADER's
own scores.
"""

from __future__ import annotations

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .memo import TextMemo
from .sentences import sentence_spans

POSITIVE = 0.05
NEGATIVE = -0.05
SCORE_KEYS = ("compound", "pos", "neu", "neg")
LABELS = ("negative", "neutral", "positive")
#: A text of more words than this (split at whitespace) is scored in chunks of at most this many words.
MAX_WORDS = 1_000


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

    A text of more than :data:`MAX_WORDS` words is scored in chunks
    (:func:`polarity_scores`), so the time stays linear in its length.

    >>> scores("No problem at all.")["compound"]
    0.3089
    """
    if not isinstance(text, str):
        return analyzer().polarity_scores(text)
    return dict(_SCORES(text))


def score_chunks(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """The pieces a long text is scored in: its sentences (:func:`~presslens.text.sentence_spans`) packed in reading order
    into chunks of at most ``max_words`` words, a sentence of more words cut into runs of ``max_words``.

    A text of at most ``max_words`` words is one chunk, itself. Words are runs of
    non-whitespace, as VADER splits them; a chunk's sentences are joined by one space.

    >>> score_chunks("One two three. Four five. Six seven eight nine.", max_words=5)
    ['One two three. Four five.', 'Six seven eight nine.']
    """
    if len(text.split()) <= max_words:
        return [text]
    pieces: list[list[str]] = []
    for start, end in sentence_spans(text):
        tokens = text[start:end].split()
        for i in range(0, len(tokens), max_words):
            pieces.append(tokens[i : i + max_words])
    chunks: list[str] = []
    current: list[str] = []
    for tokens in pieces:
        if current and len(current) + len(tokens) > max_words:
            chunks.append(" ".join(current))
            current = []
        current.extend(tokens)
    if current:
        chunks.append(" ".join(current))
    return chunks


def polarity_scores(text: str, scorer: SentimentIntensityAnalyzer | None = None, max_words: int = MAX_WORDS) -> dict[str, float]:
    """VADER's scores of ``text`` (``neg, neu, pos, compound``), in chunks when it has more than ``max_words`` words.

    Up to ``max_words`` words this is ``scorer.polarity_scores(text)`` itself. A
    longer text is scored chunk by chunk (:func:`score_chunks`); each score is the
    mean of the chunks' scores weighted by the chunks' words, rounded as VADER
    rounds (``compound`` to 4 decimals, the others to 3). ``scorer`` defaults to
    this process's :func:`analyzer`.
    """
    scorer = scorer or analyzer()
    chunks = score_chunks(text, max_words)
    if len(chunks) == 1:
        return scorer.polarity_scores(chunks[0])
    weighted = [(len(chunk.split()), scorer.polarity_scores(chunk)) for chunk in chunks]
    total = sum(w for w, _ in weighted)
    return {
        key: round(sum(w * s[key] for w, s in weighted) / total, 4 if key == "compound" else 3)
        for key in ("neg", "neu", "pos", "compound")
    }


_SCORES: TextMemo[tuple[tuple[str, float], ...]] = TextMemo(lambda text: tuple(polarity_scores(text).items()), max_chars=8_000_000)


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
