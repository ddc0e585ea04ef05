"""Tables for ``outputs/data`` (functions of the corpus, for presslens.pipeline.TABLES)."""

from __future__ import annotations

import logging

import pandas as pd

from ..ingest.tables import comments_table, documents_table, sentences_table
from .caveats import caveat_flags
from .targets import entity_mentions, entity_sentiment
from .threads import thread_table

log = logging.getLogger(__name__)


def comment_threads_table(corpus, *, comments: pd.DataFrame | None = None, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every comment with its thread (``thread_id, order, depth, n_replies, thread_size, drift``) and caveat flags.

    :func:`thread_table` on ``comments_table`` joined with :func:`caveat_flags`
    (with the bodies, so ``quotes_article`` is filled). ``comments`` and
    ``documents`` may be given when already computed (the run's engine does).
    """
    comments = comments_table(corpus) if comments is None else comments
    documents = documents_table(corpus) if documents is None else documents
    threads = thread_table(comments)
    flags = caveat_flags(comments, documents=documents).drop(columns="words")
    return threads.merge(flags, on=["doc_id", "comment_id"], how="left", validate="one_to_one")


def entity_sentiment_table(corpus, *, sentences: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`entity_sentiment` per entity and part over the corpus, on the mentions :func:`entity_mentions` picks.

    ``sentences`` and codebook ``mentions`` may be given when already computed;
    empty mentions fall back to :func:`entity_mentions`' default terms.
    """
    if mentions is None or mentions.empty:
        mentions, how = entity_mentions(corpus)
        log.info("entity sentiment from %s", how)
    return entity_sentiment(sentences_table(corpus) if sentences is None else sentences, mentions)
