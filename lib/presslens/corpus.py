"""Stable import path of the corpus loader: the code lives in :mod:`presslens.ingest.corpus` (and ``.html``).

Kept for notebooks, tests, benchmarks and users; the names are the same objects.
"""

from .ingest.corpus import (
    DATA_FILES, DATA_SUFFIXES, DEFAULT_MAX_BYTES, DOCUMENT_SUFFIXES, PARAGRAPH_SEP, Corpus, Document, InputFile, load_corpus,
)
from .ingest.html import html_to_text

#: The variable through which the run used to hand its size limit to notebooks. Nothing in
#: ingest reads it any more (``load_corpus`` takes ``max_bytes``); kept until the run stops setting it.
MAX_BYTES_ENV = "PRESSLENS_MAX_BYTES"

__all__ = [
    "DATA_FILES", "DATA_SUFFIXES", "DEFAULT_MAX_BYTES", "DOCUMENT_SUFFIXES", "MAX_BYTES_ENV", "PARAGRAPH_SEP", "Corpus",
    "Document", "InputFile", "html_to_text", "load_corpus",
]
