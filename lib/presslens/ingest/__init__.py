"""Corpus ingestion: files in a folder become clean, structured documents, and their tidy tables.

``load_corpus`` reads every document in a folder (``.txt``, ``.html``), decodes it,
segments it into title, standfirst, body, captions, boilerplate and comments, and
attaches what ``sources.yml`` says about it. Files it cannot use are *rejected*
with a reason (empty, binary, undecodable, unsupported type, duplicate, no body,
too large) and the run goes on; ``strict=True`` makes any rejection fatal.

A page is read line by line. Each line gets a *kind* (title, standfirst, byline,
body, caption, boilerplate, ...) and the name of the *rule* that decided it, so an
analyst can check every removal. A page turns rules on by what it looks like (a
comment widget, forum chrome, a "Highlights" box), and ``sources.yml`` can add
per-document overrides, so a new outlet costs a rule, not a rewrite. Every
metadata field carries a value, a *basis* (``stated``, ``inferred``, ``unknown``)
and its evidence.

Modules, in the order the data flows (decoding is in :mod:`presslens.text`):

* :mod:`.html`: HTML pages to text, one block element per line (the fallback of :mod:`.webpage`);
* :mod:`.pagerules`: the patterns of web pages' main-text lines (date lines, bylines, chrome), as data;
* :mod:`.domcomments`: reader-comment threads from a page's DOM, per platform family;
* :mod:`.webpage`: saved HTML pages: trafilatura's main text with line kinds, the page's
  metadata (JSON-LD, Open Graph, meta tags) and its comments (:func:`read_web_page`);
* :mod:`.rules`: the patterns of text pages (line rules, header shapes, forum
  chrome, comment-section shapes), as data;
* :mod:`.segment`: the text-page rules, :class:`Segment` and :func:`segment_page`;
* :mod:`.comments`: the comment section, parsed and threaded (:class:`Comment`);
* :mod:`.metadata`: ``sources.yml`` (:class:`Value`, :class:`SourceEntry`);
* :mod:`.corpus`: :class:`Document`, :class:`Corpus`, :func:`load_corpus`;
* :mod:`.cache`: the loaded documents kept on disk (``load_corpus(..., cache_dir=...)``), keyed per file
  (:data:`CORPUS_CACHE_FORMAT`: bump it when an ingest rule changes);
* :mod:`.tables`: the tidy tables (documents, comments, sentences, segments,
  metadata, inputs, words per part), the data contract of ``outputs/data/``;
* :mod:`.charts`: the overview charts; the only module here that imports plotly,
  loaded on first use of a chart name.
"""

from __future__ import annotations

from .cache import CORPUS_CACHE_FORMAT
from .comments import Comment, parse_comment_section
from ..lazy import lazy_names
from .corpus import (
    DATA_FILES, DATA_SUFFIXES, DEFAULT_MAX_BYTES, DOCUMENT_SUFFIXES, PARAGRAPH_SEP, Corpus, Document, InputFile, load_corpus,
)
from .html import html_to_text
from .metadata import BASES, FIELDS, GENRES, SOURCES_FILE, SourceEntry, Value, load_sources
from .rules import LINE_RULES, MONTHS
from .webpage import PAGE_FIELDS, WebPage, charset_warning, page_metadata, read_web_page
from .segment import BODY_KINDS, KEPT_KINDS, Overrides, Segment, Segmentation, segment_page
from .tables import (
    COMMENT_COLUMNS, DOCUMENT_COLUMNS, METADATA_COLUMNS, OPTIONAL_FIELDS, SEGMENT_COLUMNS, SENTENCE_COLUMNS, comments_table,
    documents_table,
    inputs_table, metadata_table, segments_table, sentences_table, words_per_part,
)

_CHARTS = frozenset({"PART_COLOURS", "comments_per_document_chart", "timeline_chart", "timeline_counts_chart", "words_per_part_chart"})


__getattr__, __dir__ = lazy_names(__name__, ".charts", _CHARTS, globals())


__all__ = [
    "CORPUS_CACHE_FORMAT",
    "BASES", "BODY_KINDS", "COMMENT_COLUMNS", "Comment", "Corpus", "DATA_FILES", "DATA_SUFFIXES", "DEFAULT_MAX_BYTES",
    "DOCUMENT_COLUMNS", "DOCUMENT_SUFFIXES", "Document", "FIELDS", "GENRES", "InputFile", "KEPT_KINDS", "LINE_RULES",
    "METADATA_COLUMNS", "MONTHS", "OPTIONAL_FIELDS", "Overrides", "PAGE_FIELDS", "PARAGRAPH_SEP", "PART_COLOURS", "SEGMENT_COLUMNS", "SENTENCE_COLUMNS",
    "SOURCES_FILE", "Segment", "Segmentation", "SourceEntry", "Value", "WebPage", "charset_warning", "comments_per_document_chart", "comments_table",
    "documents_table", "html_to_text", "inputs_table", "load_corpus", "load_sources", "metadata_table", "page_metadata",
    "parse_comment_section", "read_web_page", "segment_page", "segments_table", "sentences_table", "timeline_chart",
    "timeline_counts_chart", "words_per_part", "words_per_part_chart",
]
