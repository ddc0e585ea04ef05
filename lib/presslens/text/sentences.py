"""Sentences with character offsets: NLTK's Punkt, untrained, with our own abbreviations.

Punkt's trained data is never downloaded; untrained Punkt plus the abbreviation
list below splits "Maj. Gen. Qassem Soleimani" correctly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .memo import TextMemo
from .tokens import straighten_quotes

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

#: Abbreviations that end with a period but do not end a sentence (lower case, no final period).
ABBREVIATIONS: frozenset[str] = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft
    gen lt col maj capt cpt sgt cpl pvt adm cmdr brig gov sen rep pres amb
    rev fr hon messrs
    u.s u.n u.k u.a.e e.u u.s.a
    e.g i.e etc vs cf al approx dept govt est
    inc co corp ltd llc bros
    jan feb mar apr jun jul aug sep sept oct nov dec
    no nos vol pp fig ed eds
    a.m p.m c
    """.split()
) | frozenset("abcdefghijklmnopqrstuvwxyz")  # initials: "George W. Bush"


@lru_cache(maxsize=1)
def sentence_splitter() -> PunktSentenceTokenizer:
    """Punkt, untrained, with our abbreviations (no NLTK data needed).

    NLTK is imported here, on the first sentence split, not when the module is imported: importing the
    ``nltk`` package costs about two seconds (it loads most of NLTK), which every process that only
    reads a table, draws a chart or lists the notebooks would otherwise pay.
    """
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``; ``text[start:end]`` is the sentence.

    Paragraphs (separated by blank lines) never share a sentence unless the first
    ends mid-sentence (a lower-case letter or a comma), as when a page broke a
    sentence over two lines. Curly quotes are straightened for Punkt only, so
    offsets stay those of the original text.

    The sentences table, entity matching and figure extraction all split the
    same bodies and comments, so each process remembers the spans of recent
    texts (:class:`TextMemo`, 32 million characters) and every caller gets its
    own list.

    >>> t = "He was Maj. Gen. Qassem Soleimani. He came to Baghdad."
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['He was Maj. Gen. Qassem Soleimani.', 'He came to Baghdad.']
    """
    return list(_SPANS(text))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """:func:`sentence_spans` computed afresh, without the per-process memo (for benchmarks and checks)."""
    plain = straighten_quotes(text)
    spans: list[tuple[int, int]] = []
    tokenizer = sentence_splitter()
    for start, end in _sentence_blocks(plain):
        block = plain[start:end]
        for a, b in tokenizer.span_tokenize(block):
            spans.append((start + a, start + b))
    return spans


_SPANS: TextMemo[tuple[tuple[int, int], ...]] = TextMemo(lambda text: tuple(split_sentences(text)), max_chars=32_000_000)

_PARA_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_MID_SENTENCE_END = re.compile(r"[a-z,]\s*$")


def _sentence_blocks(text: str) -> list[tuple[int, int]]:
    blocks: list[list[int]] = []
    pos = 0
    for match in [*_PARA_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[pos:end].strip():
            if blocks and _MID_SENTENCE_END.search(text[blocks[-1][0] : blocks[-1][1]]):
                blocks[-1][1] = end
            else:
                blocks.append([pos, end])
        if match:
            pos = match.end()
    return [(a, b) for a, b in blocks]
