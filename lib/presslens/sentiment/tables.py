"""Tables for ``outputs/data`` (functions of the corpus, for presslens.pipeline.TABLES)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd

from ..entities import codebook_for, entity_mentions_table
from ..entities.codebook import declared_codebook
from ..ingest.tables import comments_table, documents_table, sentences_table
from .caveats import caveat_flags
from .targets import corpus_masking, entity_sentences, entity_sentiment, term_mentions
from .threads import thread_table
from .words import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED

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


def targeted_mentions(corpus, *, terms: Sequence[str] = (), mentions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """The mentions entity-targeted sentiment scores, and a sentence saying where they come from.

    ``terms`` given (``"Name|Other spelling"``): those. Else the corpus's codebook
    (``entities.yml`` beside the documents; ``mentions`` when already computed).
    There is no fallback to another story's names: a corpus without a codebook
    has no entity here, and the sentence says so.
    """
    if terms:
        return term_mentions(corpus, list(terms)), f"the {len(terms)} terms given in entity_terms"
    book = declared_codebook(corpus.path)
    if book is None:
        if mentions is not None and not mentions.empty:  # the provisional entities' mentions: no need to discover them again
            return mentions, "names found in the corpus, counted as provisional entities (no codebook entities.yml)"
        book = codebook_for(corpus)
    if mentions is None:
        mentions = entity_mentions_table(corpus, book)
    if len(book) == 0 and mentions.empty:
        return mentions, "there is no codebook (entities.yml) beside the documents and no entity_terms were given"
    if len(book) == 0 or book.provisional:
        return mentions, "names found in the corpus, counted as provisional entities (no codebook entities.yml)"
    if mentions.empty:
        return mentions, f"none of the {len(book)} entries of the codebook entities.yml is named in this corpus"
    return mentions, f"the codebook entities.yml ({len(book)} entries, with their aliases and short forms)"


def entity_sentiment_table(
    corpus,
    *,
    sentences: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    per_document: pd.DataFrame | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """:func:`entity_sentiment` per entity and part over the corpus, on the codebook's mentions (:func:`targeted_mentions`).

    ``sentences`` and codebook ``mentions`` may be given when already computed,
    and with them ``per_document``, the :func:`entity_sentence_pieces` of every
    document (the build caches them per document): only the roll-up is then
    computed, after :func:`corpus_masking`. ``n_resamples``, ``confidence`` and
    ``seed`` are the bootstrap's (the build uses the defaults; notebook 02 reads
    the build's table when its parameters are those).
    Without a codebook the table is empty: no other story's names stand in.
    """
    mentions, how = targeted_mentions(corpus, mentions=mentions)
    log.info("entity sentiment from %s", how)
    sentences = sentences_table(corpus) if sentences is None else sentences
    per_sentence = corpus_masking(per_document, sentences, mentions) if per_document is not None else None
    return entity_sentiment(sentences, mentions, per_sentence=per_sentence, n_resamples=n_resamples, confidence=confidence, seed=seed)


def entity_sentence_pieces(
    corpus,
    codebook=None,
    *,
    sentences: pd.DataFrame | None = None,
    entity_mentions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each sentence naming a codebook entity, scored with the names masked as found in its own document.

    The per-document step of ``entity_sentiment`` (the build computes it in its
    workers and caches it per document with the codebook tables; it is not a
    table of ``outputs/data``): :func:`entity_sentences` with
    ``own_document=True``, which :func:`corpus_masking` turns into the rows of
    the whole corpus. ``sentences`` and ``entity_mentions`` (the corpus's
    ``sentences_table`` and ``entity_mentions_table`` with ``codebook``) may be
    given when already computed.
    """
    sentences = sentences_table(corpus) if sentences is None else sentences
    mentions = entity_mentions_table(corpus, codebook) if entity_mentions is None else entity_mentions
    return entity_sentences(sentences, mentions, own_document=True)
