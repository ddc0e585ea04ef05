"""Sentiment with VADER, through ``vaderSentiment`` (the authors' reference implementation), rolled up for analysts.

It ships its lexicon, so it runs offline; NLTK's port scores negations such as
"No problem at all." wrongly and is slower. Labels use the standard thresholds:
compound >= 0.05 positive, <= -0.05 negative, neutral in between.

The scores themselves live in the leaf :mod:`presslens.text.vader`
(:func:`scores`, :func:`label`, :func:`analyzer`, :data:`POSITIVE`,
:data:`NEGATIVE`, :data:`SCORE_KEYS`, :data:`LABELS`, re-exported here as the
same objects); :mod:`presslens.tables` puts them in its tables
(``comments_table`` per comment, ``sentences_table`` per sentence). This
package builds on them:

* a check: :func:`score_mismatches` (stored scores against a fresh analyzer), in :mod:`.lexicon`;
* threads (:mod:`.threads`): :func:`thread_table` (reply tree from ``reply_to``), :func:`thread_view`
  (an indented table, bounded columns), and in :mod:`.charts` :func:`thread_chart` (time against comment,
  reply edges; a bounded view, :func:`~.threads.chart_selection`, of any section);
* roll-ups with counts and percentile-bootstrap intervals (:mod:`.rollups`): :func:`bootstrap_ci`,
  :func:`rollup`, :func:`body_vs_comments`, :func:`thread_rollup`,
  :func:`reply_drift`, :func:`time_rollup`, with :func:`rollup_chart`,
  :func:`body_vs_comments_chart` and :func:`time_chart` (:mod:`.charts`);
* entity-targeted sentiment (:mod:`.targets`): :func:`term_mentions`, :func:`entity_mentions`,
  :func:`entity_sentences` (each sentence naming an entity, scored with the entity's own name words masked by
  :func:`mask_names`, and raw; per document with ``own_document=True``, made whole by :func:`corpus_masking`),
  :func:`entity_sentiment` (their means, masked and raw), :func:`most_mentioned`, :func:`entity_comparison`;
* what VADER gets wrong: :func:`caveat_flags`, :func:`extreme_comments` (:mod:`.caveats`),
  :func:`lexicon_words`, :func:`scored_words` (:mod:`.lexicon`);
* tables for ``outputs/data`` (:mod:`.tables`): :func:`comment_threads_table`, :func:`entity_sentiment_table`, on the
  mentions :func:`targeted_mentions` picks (the corpus's codebook, or the terms given; never another story's), and
  :func:`entity_sentence_pieces`, the per-document step of ``entity_sentiment`` the build caches.

Defaults, thresholds, the default entity terms and the sarcasm and profanity
patterns are data in :mod:`.words`; input checks and :class:`SentimentError` are
in :mod:`.frames`. Only :mod:`.charts` imports plotly, on first use of a chart name.

A mean of fourteen comments is a weak number, so every mean comes with its count
and, from two items up, an interval; a group of one has none (NaN) and says so.
"""

from __future__ import annotations

from ..text.vader import _SCORES  # noqa: F401  (the scores' memo, the same object as presslens.text.vader's)
from ..text.vader import LABELS, NEGATIVE, POSITIVE, SCORE_KEYS, analyzer, label, scores
from .caveats import FLAG_COLUMNS, caveat_flags, extreme_comments, profane_words, quoted_passages
from .frames import SentimentError
from .lexicon import lexicon_words, score_mismatches, scored_words
from .rollups import ROLLUP_STATS, body_vs_comments, bootstrap_ci, reply_drift, rollup, thread_rollup, time_rollup
from .tables import comment_threads_table, entity_sentence_pieces, entity_sentiment_table, targeted_mentions
from .targets import (
    ENTITY_SENTENCE_COLUMNS, MENTION_COLUMNS, corpus_masking, entity_comparison, entity_mentions, entity_sentences, entity_sentiment, mask_names, most_mentioned,
    remembered_masking,
    term_mentions,
)
from .threads import THREAD_COLUMNS, busiest_document, thread_table, thread_view
from .words import (
    DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, DEFAULT_TERMS, MASK_WORD, QUOTE_MIN_WORDS, SHORT_COMMENT_WORDS, SMALL_GROUP,
)
from ..lazy import lazy_names

#: names given by :mod:`.charts`, imported (with plotly) on first use
_CHARTS = frozenset({"thread_chart", "rollup_chart", "body_vs_comments_chart", "time_chart", "DIVERGING", "PART_COLOURS", "PART_SYMBOLS"})

__all__ = [
    "DEFAULT_CONFIDENCE", "DEFAULT_RESAMPLES", "DEFAULT_SEED", "DEFAULT_TERMS", "DIVERGING", "ENTITY_SENTENCE_COLUMNS", "FLAG_COLUMNS", "LABELS",
    "MASK_WORD", "MENTION_COLUMNS", "NEGATIVE", "PART_COLOURS", "PART_SYMBOLS", "POSITIVE", "QUOTE_MIN_WORDS", "ROLLUP_STATS", "SCORE_KEYS",
    "SHORT_COMMENT_WORDS", "SMALL_GROUP", "SentimentError", "THREAD_COLUMNS", "analyzer", "body_vs_comments",
    "body_vs_comments_chart", "bootstrap_ci", "busiest_document", "caveat_flags", "comment_threads_table", "corpus_masking", "entity_comparison", "remembered_masking",
    "entity_mentions", "entity_sentence_pieces", "entity_sentences", "entity_sentiment", "entity_sentiment_table", "extreme_comments", "label", "lexicon_words", "mask_names",
    "most_mentioned", "profane_words", "quoted_passages", "reply_drift", "rollup", "rollup_chart", "score_mismatches", "scored_words",
    "scores", "targeted_mentions", "term_mentions", "thread_chart", "thread_rollup", "thread_table", "thread_view", "time_chart", "time_rollup",
]


__getattr__, __dir__ = lazy_names(__name__, ".charts", _CHARTS, globals())
