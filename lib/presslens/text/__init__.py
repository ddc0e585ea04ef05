"""Text handling shared by every stage: decoding, sentences, words, memos, escaping, wrapping, VADER scores.

A leaf package: it imports nothing of presslens but :mod:`presslens.errors`.
Everything here is offline: sentences come from NLTK's Punkt with an
abbreviation list of our own (Punkt's trained data is never downloaded), and
decoding falls back from UTF-8 to cp1252/latin-1 and charset-normalizer's guess.

Modules: :mod:`.decode` (bytes to text), :mod:`.memo` (per-process memos of
pure functions), :mod:`.tokens` (words), :mod:`.sentences`, :mod:`.markup` (HTML,
Markdown and chart text), :mod:`.wrap` (clipping and wrapping), :mod:`.vader`.
"""

from .decode import Decoded, decode_bytes
from .markup import INVISIBLE, chart_text, escape, visible
from .memo import TextMemo, clear_memos
from .sentences import ABBREVIATIONS, MAX_SENTENCE_CHARS, bounded_spans, join_paragraphs, sentence_spans, sentence_splitter, split_sentences
from .vader import analyzer, label, polarity_scores, score_chunks, scores
from .tokens import count_words, fold, straighten_quotes, words
from .wrap import axis_label, clip, hover_text, wrap_lines

__all__ = [
    "ABBREVIATIONS", "MAX_SENTENCE_CHARS", "Decoded", "INVISIBLE", "TextMemo", "analyzer", "axis_label", "bounded_spans", "chart_text", "clear_memos", "clip",
    "count_words", "decode_bytes", "escape", "fold", "hover_text", "join_paragraphs", "label", "polarity_scores", "score_chunks", "scores", "sentence_spans", "sentence_splitter",
    "split_sentences", "straighten_quotes", "visible", "words", "wrap_lines",
]
