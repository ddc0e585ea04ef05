"""Sentences with character offsets: NLTK's Punkt, untrained, with our own abbreviations.

Punkt's trained data is never downloaded; untrained Punkt plus the abbreviation
list below splits "Maj. Gen. Qassem Soleimani" correctly.

Every step is linear in the text: paragraphs are joined by looking at the end
of each paragraph only, and a "sentence" longer than :data:`MAX_SENTENCE_CHARS`
(a page without full stops, a listing pasted as one line) is cut at that bound,
so every stage that reads sentences (numbers, VADER, entity tone) does bounded
work per sentence.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from .memo import TextMemo
from .tokens import straighten_quotes

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

log = logging.getLogger(__name__)

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


#: A sentence Punkt finds longer than this (characters) is cut into pieces of at most this many, each ending after
#: the last comma, semicolon or colon in its second half, else at the last whitespace before the bound (or at the
#: bound itself when a piece has no whitespace): :func:`bounded_spans`. News sentences are far
#: shorter (the seeds' longest has 506 characters), so only pages without sentence ends are cut.
MAX_SENTENCE_CHARS = 2_000


#: parts of SciPy that ``import nltk`` loads only for what presslens never calls (``fisher_exact`` of
#: ``nltk.collocations``, the SVM of ``nltk.parse.transitionparser``, both imported in ``try`` blocks with a
#: fallback): 1.5 of the 1.8 s of ``import nltk`` on this machine, paid by every kernel and build worker.
NLTK_SKIPPED_IMPORTS = ("scipy.stats", "scipy.sparse")


def _import_punkt() -> tuple[type, type]:
    """NLTK's ``PunktParameters`` and ``PunktSentenceTokenizer``, imported without the SciPy parts NLTK only tries.

    While ``nltk`` is first imported, the modules of :data:`NLTK_SKIPPED_IMPORTS` that
    are not loaded yet cannot be (:func:`presslens.lazy.without_modules`), so NLTK takes
    its own fallback for them; a later ``import scipy.stats`` loads it as usual.
    Punkt itself needs neither. Once ``nltk`` is loaded, this is a plain import.
    """
    from ..lazy import without_modules

    with without_modules(*NLTK_SKIPPED_IMPORTS):
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    return PunktParameters, PunktSentenceTokenizer


@lru_cache(maxsize=1)
def sentence_splitter() -> PunktSentenceTokenizer:
    """Punkt, untrained, with our abbreviations (no NLTK data needed).

    NLTK is imported here, on the first sentence split, not when the module is imported: importing the
    ``nltk`` package costs about two seconds (it loads most of NLTK), which every process that only
    reads a table, draws a chart or lists the notebooks would otherwise pay; see :func:`_import_punkt`
    for the rest of that cost.
    """
    PunktParameters, PunktSentenceTokenizer = _import_punkt()

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``; ``text[start:end]`` is the sentence.

    Paragraphs (separated by blank lines) never share a sentence unless the first
    ends mid-sentence (a lower-case letter or a comma), as when a page broke a
    sentence over two lines. Curly quotes are straightened for Punkt only, so
    offsets stay those of the original text. No sentence is longer than
    :data:`MAX_SENTENCE_CHARS` (:func:`bounded_spans`).

    The sentences table, entity matching and figure extraction all split the
    same bodies and comments, so each process remembers the spans of recent
    texts (:class:`TextMemo`, 32 million characters) and every caller gets its
    own list.

    >>> t = "He was Maj. Gen. Qassem Soleimani. He came to Baghdad."
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['He was Maj. Gen. Qassem Soleimani.', 'He came to Baghdad.']
    """
    if _SOURCE:
        _read_source()
    known = _KNOWN.get(text)
    return list(known if known is not None else _SPANS(text))


#: SpanSource: what :func:`spans_from` is given: a function giving ``(text, its spans)`` pairs
SpanSource = Callable[[], Iterable[tuple[str, Sequence[tuple[int, int]]]]]
#: the spans of the texts of the corpus a notebook reports on, from the build (see :func:`spans_from`)
_KNOWN: dict[str, tuple[tuple[int, int], ...]] = {}
_SOURCE: list[SpanSource] = []


def spans_from(source: SpanSource | None) -> None:
    """Have :func:`sentence_spans` return the spans ``source`` gives for its texts instead of splitting them again.

    ``source`` is called once, on the first split after this call (a notebook
    that splits nothing never reads it), and gives ``(text, spans)`` pairs:
    under ``presslens run`` the build's sentences table, whose rows are
    :func:`sentence_spans` of every body and comment of the same corpus
    (:func:`presslens.pipeline.corpus_for` sets it). Other texts are split as
    before. A source that fails is logged and ignored. ``None`` forgets them.
    """
    _KNOWN.clear()
    _SOURCE[:] = [] if source is None else [source]


def _read_source() -> None:
    source = _SOURCE.pop()
    try:
        pairs = list(source())
    except Exception as exc:  # noqa: BLE001 - the spans are only a shortcut: split as before
        log.warning("sentence spans of the build not used (%s); sentences are split again", exc)
        return
    _KNOWN.update((text, tuple(spans)) for text, spans in pairs)


#: what :func:`join_paragraphs` puts between texts: a blank line, a paragraph break for :func:`sentence_spans`
PARAGRAPH_BREAK = "\n\n"


def join_paragraphs(texts: Sequence[str]) -> str:
    """``texts`` joined by blank lines, as one text whose :func:`sentence_spans` are those of each text, shifted.

    A blank line is a paragraph break, and paragraphs are split apart, so
    joining texts that neither start nor end with whitespace, nor end
    mid-sentence (a lower-case letter or a comma, which joins a paragraph to
    the next), gives exactly the spans of the texts one after the other:
    those are remembered for the joined text (the texts' own spans come from
    the build under a run, see :func:`spans_from`), so it is not split again.
    Otherwise the joined text is split as any other.

    >>> t = join_paragraphs(["He came. He saw.", "She left."])
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['He came.', 'He saw.', 'She left.']
    """
    joined = PARAGRAPH_BREAK.join(texts)
    if all(t and t == t.strip() and t[-1] not in _MID_SENTENCE_CHARS for t in texts) and joined not in _KNOWN:
        spans: list[tuple[int, int]] = []
        offset = 0
        for text in texts:
            spans.extend((offset + a, offset + b) for a, b in sentence_spans(text))
            offset += len(text) + len(PARAGRAPH_BREAK)
        _KNOWN[joined] = tuple(spans)
    return joined


def split_sentences(text: str) -> list[tuple[int, int]]:
    """:func:`sentence_spans` computed afresh, without the per-process memo (for benchmarks and checks)."""
    plain = straighten_quotes(text)
    spans: list[tuple[int, int]] = []
    tokenizer = sentence_splitter()
    for block_start, block_end in _sentence_blocks(plain):
        for start, end in _punkt_pieces(plain, block_start, block_end):
            for a, b in tokenizer.span_tokenize(plain[start:end]):
                spans.extend(bounded_spans(plain, start + a, start + b))
    return spans


#: Punkt reads a block of text of at most this many characters at a time: NLTK runs its sentence-end pattern under
#: a time limit (5 s for a whole block, raising ``TimeoutError``), which a 15 MB line without paragraphs exceeds.
MAX_PUNKT_CHARS = 100_000
_SENTENCE_END_SPACE = re.compile(r"[.?!][\"')\]’”]*\s")


def _punkt_pieces(text: str, start: int, end: int, limit: int = MAX_PUNKT_CHARS) -> list[tuple[int, int]]:
    """A block cut into pieces of at most ``limit`` characters for Punkt, each ending after the last full stop
    (or ``?``, ``!``) and whitespace in its second half, else at :func:`bounded_spans`' cut. A block no longer
    than ``limit`` (every paragraph of a news page) is one piece, itself."""
    return _pieces(text, start, end, limit, _sentence_cut)


def _sentence_cut(text: str, start: int, limit: int) -> tuple[int, int]:
    last = None
    for last in _SENTENCE_END_SPACE.finditer(text, start + limit // 2, start + limit):
        pass
    if last is None:
        return _cut(text, start, limit)
    return last.end() - 1, last.end() - 1


_WHITESPACE = " \t\n\r\f\v\u00a0"
_CLAUSE_ENDS = (", ", "; ", ": ")
_NON_SPACE = re.compile(r"\S")


def _cut(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where the first piece of :func:`bounded_spans` from ``start`` ends, and where the whitespace after it starts."""
    window_end = start + limit
    clause = max(text.rfind(mark, start + limit // 2, window_end) for mark in _CLAUSE_ENDS)
    cut = clause + 1 if clause >= 0 else max(text.rfind(ch, start + 1, window_end + 1) for ch in _WHITESPACE)
    if cut <= start:  # no whitespace: cut at the bound
        return window_end, window_end
    piece_end = cut
    while piece_end > start and text[piece_end - 1].isspace():
        piece_end -= 1
    return piece_end, cut


def bounded_spans(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """The span ``text[start:end]`` cut into spans of at most ``limit`` characters, in linear time.

    Each piece but the last ends after the last comma, semicolon or colon followed
    by a space in the second half of its ``limit`` characters (so a number stays
    with its hedge and its noun), else at the last whitespace (space, tab, line
    break, no-break space) within ``limit`` characters of its start; pieces have
    no whitespace at either end. A piece without whitespace is cut at ``limit``
    exactly. A span no longer than ``limit`` is returned as it is.

    >>> t = "aa bb cc dd"
    >>> [t[a:b] for a, b in bounded_spans(t, 0, len(t), limit=6)]
    ['aa bb', 'cc dd']
    >>> t = "aa bb, cc dd"
    >>> [t[a:b] for a, b in bounded_spans(t, 0, len(t), limit=10)]
    ['aa bb,', 'cc dd']
    """
    return _pieces(text, start, end, limit, _cut)


def _pieces(text: str, start: int, end: int, limit: int, cut) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit``: ``cut(text, start, limit)`` gives where a piece ends and
    where the whitespace after it starts; the next piece starts at the next non-whitespace character."""
    if end - start <= limit:
        return [(start, end)]
    out = []
    while end - start > limit:
        piece_end, after = cut(text, start, limit)
        out.append((start, piece_end))
        nxt = _NON_SPACE.search(text, after, end)
        if nxt is None:
            return out
        start = nxt.start()
    out.append((start, end))
    return out


_SPANS: TextMemo[tuple[tuple[int, int], ...]] = TextMemo(lambda text: tuple(split_sentences(text)), max_chars=32_000_000)

_PARA_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_MID_SENTENCE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz,")  # a paragraph ending in one ends mid-sentence


def _sentence_blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs, a paragraph joined to the previous one when that ends mid-sentence.

    Whether a block ends mid-sentence depends on its last paragraph alone (a block
    ends with one), so each paragraph is looked at once: linear in the text.
    """
    blocks: list[tuple[int, int]] = []
    pos = 0
    open_end = False  # the last block ends mid-sentence
    breaks = ((m.start(), m.end()) for m in _PARA_BREAK.finditer(text))  # lazily: no list of match objects
    for end, after in itertools.chain(breaks, [(len(text), len(text))]):
        paragraph = text[pos:end].rstrip()
        if paragraph.strip():
            if blocks and open_end:
                blocks[-1] = (blocks[-1][0], end)
            else:
                blocks.append((pos, end))
            open_end = paragraph[-1] in _MID_SENTENCE_CHARS
        pos = after
    return blocks
