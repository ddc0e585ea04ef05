"""Text handling shared by every stage: decoding, normalisation, sentences, words.

Everything here is offline: sentences come from NLTK's Punkt with an
abbreviation list of our own (Punkt's trained data is never downloaded), and
decoding falls back from UTF-8 to charset-normalizer's guess.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Generic, TypeVar

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .errors import CorpusError

T = TypeVar("T")

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

_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Decoded:
    """A file's text after decoding and normalisation, with how it was decoded."""

    text: str
    encoding: str
    had_bom: bool
    had_crlf: bool


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> Decoded:
    """Decode a document's bytes to normalised text, recording the encoding.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; anything
    else is handed to charset-normalizer (cp1252 and latin-1 pages are common).
    The text is then normalised: line endings to ``\\n``, Unicode NFC.

    Raises:
        CorpusError: empty, binary or undecodable input, naming ``name``.

    >>> decode_bytes("Tehran’s\\r\\n".encode("cp1252"), name="x.txt").encoding
    'cp1252'
    """
    if not data.strip():
        raise CorpusError(f"{name}: empty file ({len(data)} bytes, no text)")
    had_bom = False
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, had_bom, payload = "utf-8", True, data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, had_bom, payload = "utf-16", True, data
    else:
        encoding, payload = "utf-8", data
    if encoding == "utf-8" and b"\x00" in payload:
        raise CorpusError(f"{name}: binary file (contains NUL bytes and no UTF-16 byte-order mark)")
    try:
        text = payload.decode(encoding)
    except UnicodeDecodeError:
        text, encoding = _guess_decode(payload, name=name)
    if encoding == "utf-16":
        text = text.lstrip("\ufeff")
    had_crlf = "\r" in text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    _reject_binary_looking(text, name=name)
    return Decoded(text=text, encoding=encoding, had_bom=had_bom, had_crlf=had_crlf)


def _guess_decode(payload: bytes, *, name: str) -> tuple[str, str]:
    """Western pages first (cp1252, or latin-1 when no byte is in 0x80-0x9F), then charset-normalizer."""
    try:
        western = payload.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        letters = [ch for ch in western if ch.isalpha()]
        if letters and sum(ch.isascii() for ch in letters) >= 0.7 * len(letters):
            has_c1 = any(0x80 <= byte <= 0x9F for byte in payload)
            return western, "cp1252" if has_c1 else "latin-1"
    from charset_normalizer import from_bytes

    best = from_bytes(payload).best()
    if best is None:
        raise CorpusError(f"{name}: not UTF-8 and no text encoding fits (binary or corrupt file)")
    encoding = best.encoding.replace("_", "-")
    return str(best), encoding


def _reject_binary_looking(text: str, *, name: str) -> None:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t")
    if "\x00" in text or controls > max(3, len(text) // 100):
        raise CorpusError(
            f"{name}: binary file ({controls} control characters in {len(text)} decoded characters)"
        )


class TextMemo(Generic[T]):
    """A per-process memo of a pure function of one text, least recently used first out, bounded in characters.

    The per-document stages read the same texts several times (the sentences
    table, entity matching and figure extraction all split each body into
    sentences; the figures and numbers tables read the same numbers), and a
    corpus of reprints repeats sentences word for word. A function whose answer
    depends on the text alone can remember it: the answer is the one it would
    compute again. The memo keeps at most ``max_chars`` characters of keys
    (plus 64 per entry, for the entries' own size), so memory stays bounded on
    long documents; values must be immutable or copied by the caller.

    Args:
        function: the pure function of a ``str``.
        max_chars: the characters of texts kept.

    >>> calls = []
    >>> double = TextMemo(lambda t: calls.append(t) or t * 2, max_chars=100)
    >>> double("ab"), double("ab"), calls
    ('abab', 'abab', ['ab'])
    """

    def __init__(self, function: Callable[[str], T], *, max_chars: int) -> None:
        self.function = function
        self.max_chars = max_chars
        self._store: OrderedDict[str, T] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        _MEMOS.append(self)

    def __call__(self, text: str) -> T:
        store = self._store
        with self._lock:
            if text in store:
                store.move_to_end(text)
                self.hits += 1
                return store[text]
        value = self.function(text)
        size = len(text) + 64
        with self._lock:
            self.misses += 1
            if size <= self.max_chars and text not in store:
                store[text] = value
                self._chars += size
                while self._chars > self.max_chars:
                    old, _ = store.popitem(last=False)
                    self._chars -= len(old) + 64
        return value

    def clear(self) -> None:
        """Forget every text (tests and benchmarks that time a cold start)."""
        with self._lock:
            self._store.clear()
            self._chars = 0
            self.hits = self.misses = 0


_MEMOS: list[TextMemo] = []


def clear_memos() -> None:
    """Empty every :class:`TextMemo` of this process, so a benchmark times the work from a cold start."""
    for memo in _MEMOS:
        memo.clear()


@lru_cache(maxsize=1)
def sentence_splitter() -> PunktSentenceTokenizer:
    """Punkt, untrained, with our abbreviations (no NLTK data needed)."""
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def straighten_quotes(text: str) -> str:
    """Curly single and double quotes (and the prime) as straight ones; one character for one, so offsets hold.

    Five ``str.replace`` calls, each skipped when the character is absent: many
    times faster than ``str.translate`` with a mapping on long texts.

    >>> print(straighten_quotes("Tehran’s “deal”"))
    Tehran's "deal"
    """
    for curly, straight in _CURLY_PAIRS:
        if curly in text:
            text = text.replace(curly, straight)
    return text


_CURLY_PAIRS = tuple((chr(k), v) for k, v in _CURLY.items())


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


def words(text: str) -> list[str]:
    """Word tokens (letters and digits, with inner apostrophes and hyphens).

    >>> words("Tehran’s al-Abadi, 4,500 troops")
    ['Tehran’s', 'al-Abadi', '4', '500', 'troops']
    """
    return _WORD_RE.findall(text)


def count_words(text: str) -> int:
    """Number of word tokens, as :func:`words` counts them.

    Bodies are counted by several tables (documents, entity counts, threads), so
    each process remembers the counts of recent texts (:class:`TextMemo`).
    """
    return _WORD_COUNTS(text)


_WORD_COUNTS: TextMemo[int] = TextMemo(lambda text: len(_WORD_RE.findall(text)), max_chars=32_000_000)


def fold(text: str) -> str:
    """A comparison key: NFKC, curly quotes straightened, case folded, whitespace collapsed."""
    text = straighten_quotes(unicodedata.normalize("NFKC", text)).casefold()
    return " ".join(text.split())
