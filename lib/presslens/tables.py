"""Stable import path of the tidy tables: the code lives in :mod:`presslens.ingest.tables`.

Kept for notebooks, tests, benchmarks and users; the names are the same objects.
``pd`` and ``count_words`` stay reachable here because notebook 00 and the
sentiment tests use ``tables.pd`` and ``tables.count_words``.
"""

import pandas as pd

from .ingest.tables import (
    COMMENT_COLUMNS, DOCUMENT_COLUMNS, METADATA_COLUMNS, SEGMENT_COLUMNS, SENTENCE_COLUMNS, comments_table, documents_table,
    inputs_table, metadata_table, segments_table, sentences_table, words_per_part,
)
from .text import count_words

__all__ = [
    "COMMENT_COLUMNS", "DOCUMENT_COLUMNS", "METADATA_COLUMNS", "SEGMENT_COLUMNS", "SENTENCE_COLUMNS", "comments_table",
    "count_words", "documents_table", "inputs_table", "metadata_table", "pd", "segments_table", "sentences_table",
    "words_per_part",
]
