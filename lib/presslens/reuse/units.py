"""What the comparison needs of one document: sentence keys, sentence units (word and phrase ids), MinHash rows.

:func:`_units` prepares a body once; :func:`unit_key` names it in the reuse
cache (:mod:`.cache`). ``_Units`` objects are pickled there, so a change to
their class (or its module) bumps :data:`REUSE_CACHE_FORMAT`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from .. import __version__
from ..text import count_words, fold, sentence_spans, words
from .boilerplate import boilerplate_spans, dateline_length, wire_signatures
from .options import ReuseOptions
from .quotes import quote_spans
from .words import STOPWORDS, TYPOGRAPHY

#: bump when the layout of the reuse cache files changes, or a pickled class (``_Units``, ``_PairResult``) changes or moves
#: (2: the classes moved from ``presslens.reuse`` to ``presslens.reuse.units`` and ``presslens.reuse.compare``)
REUSE_CACHE_FORMAT = 5  # 3: files signed (HMAC-SHA256, presslens.io); 4: article text only, word 3-gram shingles; 5: single-quoted and paragraph-split quotations

#: words per shingle of the containment measure (word n-grams of each article sentence, lower-cased, no punctuation)
SHINGLE_WORDS = 3

_LSH_MIN_WORDS = 8  # shorter sentences do not propose LSH candidate pairs

_QUOTE_MARKS = re.compile(r"[\"'\[\]]|\.\.\.")
_SPACES = re.compile(r"\s+")


def sentence_key(text: str) -> str:
    """The comparison key of a sentence: folded, quotation marks, brackets and ellipses removed, dashes unified.

    Typography differs between outlets (curly or straight quotes, em dash or
    hyphen, "[…]" for a cut) and says nothing about reuse.

    >>> sentence_key("“The leaked cables […] detail the extent,” it said — twice.")
    'the leaked cables detail the extent, it said - twice.'
    """
    text = _QUOTE_MARKS.sub("", fold(text).translate(TYPOGRAPHY))
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Sentence:
    """A body sentence used in the comparison (``sent_id`` is its 1-based number among all body sentences)."""

    doc_id: str
    sent_id: int
    start: int
    end: int
    text: str
    words: int
    quoted: bool  # at least half of its characters sit inside quotation marks


@dataclass
class _Units:
    """What the comparison needs of one document, in compact arrays (computed once per document, cached).

    Words and two-word phrases are kept as sorted 64-bit ids per sentence
    (:func:`_ids`), so two documents are compared on their own vocabularies,
    never on one grown over the whole corpus. ``signatures`` holds the MinHash
    of each sentence of at least ``_LSH_MIN_WORDS`` words. ``shingles`` are the
    ids of the document's word 3-grams (:data:`SHINGLE_WORDS`, within each
    sentence, datelines left out), ``quoted_shingles`` those whose three words
    all sit inside quotation marks. Only article text is here: sentences of caption, credit, byline
    and legal lines (:func:`.boilerplate.boilerplate_spans`) are not compared. ``text`` (the body)
    is attached only for the comparison and never cached: the corpus has it.
    """

    doc_id: str
    keys: list[str]
    sent_id: np.ndarray  # int32, 1-based number among all body sentences
    start: np.ndarray  # int32 offsets into the body
    end: np.ndarray
    words: np.ndarray  # int32 words of each sentence (count_words)
    quoted: np.ndarray  # bool
    word_ptr: np.ndarray  # int64: word ids of sentence i are word_ids[word_ptr[i]:word_ptr[i + 1]]
    word_ids: np.ndarray  # uint64
    phrase_ptr: np.ndarray
    phrase_ids: np.ndarray
    quotes: tuple[tuple[int, int, bool], ...]
    signatures: np.ndarray  # (sentences of >= _LSH_MIN_WORDS words, num_perm) MinHash values
    shingles: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # sorted unique ids
    quoted_shingles: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # of quoted sentences
    wire: tuple[tuple[str, str], ...] = ()  # wire signatures of the whole body (:func:`.boilerplate.wire_signatures`)
    text: str = ""

    def __len__(self) -> int:
        return len(self.keys)

    @functools.cached_property
    def word_vocab(self) -> np.ndarray:
        """The document's word ids, sorted, each once (made where the comparison runs, never cached)."""
        return np.unique(self.word_ids)

    @functools.cached_property
    def phrase_vocab(self) -> np.ndarray:
        return np.unique(self.phrase_ids)

    def sentences(self, text: str) -> tuple[Sentence, ...]:
        """The compared sentences as :class:`Sentence` objects (``text`` is the body)."""
        return tuple(
            Sentence(self.doc_id, int(n), int(s), int(e), text[s:e], int(w), bool(q))
            for n, s, e, w, q in zip(self.sent_id, self.start, self.end, self.words, self.quoted)
        )


def _token_ids(tokens: Iterable[str]) -> dict[str, int]:
    """Each string's 64-bit id: the first 8 bytes of its blake2b digest (the same in every process and run)."""
    return {
        token: int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
        for token in tokens
    }


def _ids(rows: Sequence[Iterable[str]], memo: dict[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row of strings as its sorted unique 64-bit ids, all rows in one array: ``(ptr, ids)``.

    The ids of row ``i`` are ``ids[ptr[i]:ptr[i + 1]]`` (:func:`_token_ids`; ``memo``
    may hold them already); two different words get the same id with probability
    about 2**-64 per pair of words, never in practice.
    """
    memo = memo if memo is not None else _token_ids(set().union(*rows))
    sorted_rows = [sorted({memo[token] for token in row}) for row in rows]
    ptr = np.zeros(len(sorted_rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in sorted_rows], out=ptr[1:])
    flat = np.fromiter(itertools.chain.from_iterable(sorted_rows), dtype=np.uint64, count=int(ptr[-1]))
    return ptr, flat


def _units(doc_id: str, text: str, *, opts: ReuseOptions) -> _Units:
    """The compared sentences of a body (at least ``min_words`` words) with their keys, words, phrases and MinHash."""
    spans = quote_spans(text)
    quoted_chars = None
    if spans:
        inside = np.zeros(len(text) + 1, dtype=np.int64)
        for start, end, _ in spans:
            inside[start] += 1
            inside[end] -= 1
        quoted_chars = np.concatenate([[0], np.cumsum(np.cumsum(inside)[: len(text)] > 0)])
    keys, numbers, starts, ends, counts, quoted_flags = [], [], [], [], [], []
    word_rows, phrase_rows, shingles = [], [], []
    gram_rows: list[list[str]] = []
    quoted_rows: list[np.ndarray] = []  # per sentence, which of its 3-gram words sit inside quotation marks
    quoted_words = _QuotedWords(text, quoted_chars)
    skipped = boilerplate_spans(text)
    line_starts = {0} | {m.end() for m in re.finditer(r"\n", text)}
    for number, (start, end) in enumerate(sentence_spans(text), start=1):
        sentence = text[start:end]
        n_words = count_words(sentence)
        if n_words < opts.min_words or any(a <= start < b for a, b in skipped):
            continue
        quoted = quoted_chars is not None and (quoted_chars[end] - quoted_chars[start]) * 2 >= (end - start)
        key = sentence_key(sentence)
        tokens = words(key)
        keys.append(key)
        numbers.append(number)
        starts.append(start)
        ends.append(end)
        counts.append(n_words)
        quoted_flags.append(bool(quoted))
        word_rows.append(tokens)
        phrase_rows.append(_phrase_pairs(tokens))
        if n_words >= _LSH_MIN_WORDS:
            shingles.append(sorted({f"{x} {y}" for x, y in zip(tokens, tokens[1:])}))
        dateline = dateline_length(text, start) if start in line_starts else 0
        gram_rows.append(words(sentence_key(text[start + dateline : end])) if dateline else tokens)
        quoted_rows.append(quoted_words(start + dateline, end, len(gram_rows[-1]), quoted))
    memo = _token_ids(set().union(*word_rows, *(g for g, w in zip(gram_rows, word_rows) if g is not w)))
    word_ptr, word_ids = _ids(word_rows, memo)
    grams, quoted_grams = _shingles(gram_rows, quoted_rows, memo)
    phrase_ptr, phrase_ids = _phrase_ids(phrase_rows, memo)
    return _Units(
        doc_id=doc_id, keys=keys, sent_id=np.array(numbers, dtype=np.int32), start=np.array(starts, dtype=np.int32),
        end=np.array(ends, dtype=np.int32), words=np.array(counts, dtype=np.int32), quoted=np.array(quoted_flags, dtype=bool),
        word_ptr=word_ptr, word_ids=word_ids, phrase_ptr=phrase_ptr, phrase_ids=phrase_ids, quotes=tuple(spans),
        signatures=_minhashes(shingles, num_perm=opts.num_perm, seed=opts.seed),
        shingles=grams, quoted_shingles=quoted_grams, wire=wire_signatures(text),
    )


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")  # the words of :func:`presslens.text.words`


class _QuotedWords:
    """Whether the words of a body sit inside quotation marks, read word by word for partly quoted sentences."""

    def __init__(self, text: str, quoted_chars: np.ndarray | None) -> None:
        self.text, self.quoted_chars = text, quoted_chars
        self.starts: np.ndarray | None = None
        self.inside: np.ndarray | None = None

    def __call__(self, start: int, end: int, n: int, sentence_quoted: bool) -> np.ndarray:
        """Flags of the ``n`` words of the key of ``text[start:end]``.

        A sentence wholly inside or wholly outside quotation marks gives one flag
        for all; otherwise the body's words are read (once per body), and when the
        key has another number of words (a bracket or an apostrophe the key
        drops), the sentence's own flag stands for each.
        """
        chars = 0 if self.quoted_chars is None else int(self.quoted_chars[end] - self.quoted_chars[start])
        if chars == 0 or chars == end - start:
            return np.full(n, chars > 0, dtype=bool)
        if self.starts is None:
            self.starts = np.fromiter((m.start() for m in _TOKEN.finditer(self.text)), dtype=np.int64)
            self.inside = (self.quoted_chars[self.starts + 1] - self.quoted_chars[self.starts]) > 0
        lo, hi = np.searchsorted(self.starts, [start, end])
        if hi - lo != n:
            return np.full(n, sentence_quoted, dtype=bool)
        return self.inside[lo:hi]


def _shingles(rows: Sequence[Sequence[str]], quoted: Sequence[np.ndarray], memo: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique ids of the word 3-grams (:data:`SHINGLE_WORDS`) of all rows, and of those whose words are all quoted.

    A 3-gram's id mixes its words' ids (:func:`_token_ids`) in order with two
    odd 64-bit multipliers, all rows at once in numpy: "new york city" and
    "city new york" get different ids, the same 3-gram the same id everywhere.
    """
    n = SHINGLE_WORDS
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    flat = np.array(list(map(memo.__getitem__, itertools.chain.from_iterable(rows))), dtype=np.uint64)
    row_of = np.repeat(np.arange(len(rows)), lengths)
    if flat.size < n:
        empty = np.zeros(0, dtype=np.uint64)
        return empty, empty
    starts = np.arange(flat.size - n + 1)
    whole = row_of[starts] == row_of[starts + n - 1]  # the 3 words sit in one sentence
    starts = starts[whole]
    with np.errstate(over="ignore"):
        ids = flat[starts]
        for k in range(1, n):
            ids = ids * _MIX[(k - 1) % 2] + flat[starts + k]
    inside = np.concatenate(quoted) if len(quoted) else np.zeros(0, dtype=bool)
    in_quotes = inside[starts]
    for k in range(1, n):
        in_quotes = in_quotes & inside[starts + k]
    return np.unique(ids), np.unique(ids[in_quotes])




def _phrases(tokens: Sequence[str]) -> frozenset[str]:
    """Two-word phrases of a sentence's key tokens, leaving out pairs of stopwords and pairs with a number.

    >>> sorted(_phrases(["the", "safe", "houses", "of", "the", "cia", "in", "2014"]))
    ['cia in', 'houses of', 'safe houses', 'the cia', 'the safe']
    """
    return frozenset(f"{a} {b}" for a, b in _phrase_pairs(tokens))


def _phrase_pairs(tokens: Sequence[str]) -> set[tuple[str, str]]:
    """The word pairs of :func:`_phrases` ("'s" at a word's end dropped)."""
    plain = [t[:-2] if t.endswith("'s") else t for t in tokens]
    return {
        (a, b) for a, b in zip(plain, plain[1:])
        if not (a in STOPWORDS and b in STOPWORDS) and not (a.isdigit() or b.isdigit())
    }


_MASK = (1 << 64) - 1


def _phrase_ids(rows: Sequence[set[tuple[str, str]]], memo: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_ids` of phrase rows, each phrase's id mixed from its two words' ids (no hash per phrase)."""
    missing = {w for row in rows for pair in row for w in pair if w not in memo}
    memo.update(_token_ids(missing))
    mix = int(_MIX[0])
    sorted_rows = [sorted({(memo[a] * mix + memo[b]) & _MASK for a, b in row}) for row in rows]
    ptr = np.zeros(len(sorted_rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in sorted_rows], out=ptr[1:])
    flat = np.fromiter(itertools.chain.from_iterable(sorted_rows), dtype=np.uint64, count=int(ptr[-1]))
    return ptr, flat


@functools.lru_cache(maxsize=8)
def _minhash_prototype(num_perm: int, seed: int) -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed)


def _minhashes(token_sets: Sequence[Sequence[str]], *, num_perm: int, seed: int) -> np.ndarray:
    """datasketch's MinHash of each token set (one row each), computed for all sets of a document at once.

    The values are those of ``MinHash.bulk(sets, num_perm=num_perm, seed=seed)``
    (a test checks it): the same sha1 hash of each token, the same
    permutations, the minimum per set, and an empty set keeps the initial
    values. Computing them per document instead of per corpus is what lets
    them be cached per document.
    """
    from datasketch import MinHash

    proto = _minhash_prototype(num_perm, seed)
    if not token_sets:
        return np.zeros((0, num_perm), dtype=proto.hashvalues.dtype)
    if proto.scheme != "affine32":  # another datasketch default: let datasketch do it, one set at a time
        encoded = [[t.encode("utf-8") for t in ts] for ts in token_sets]
        return np.array([m.hashvalues for m in MinHash.bulk(encoded, num_perm=num_perm, seed=seed)])
    from datasketch.minhash import _fmix

    sizes = np.array([len(ts) for ts in token_sets], dtype=np.int64)
    from datasketch.hashfunc import sha1_hash32

    flat = [t for ts in token_sets for t in ts]
    if proto.hashfunc is sha1_hash32:  # the same values, each distinct token hashed once, without a call per token
        index = {t: k for k, t in enumerate(dict.fromkeys(flat))}
        digests = b"".join(hashlib.sha1(t.encode("utf-8")).digest()[:4] for t in index)
        hashed = np.frombuffer(digests, dtype="<u4").astype(np.uint32)[np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))]
    else:
        hashed = np.array([proto.hashfunc(t.encode("utf-8")) for t in flat], dtype=np.uint32)
    out = np.tile(proto.hashvalues, (len(token_sets), 1))
    if hashed.size:
        a, b = proto.permutations
        permuted = _fmix(hashed, 32)[:, None] * a[None, :] + b[None, :]
        filled = sizes > 0
        starts = (np.cumsum(sizes) - sizes)[filled]
        out[filled] = np.minimum(out[filled], np.minimum.reduceat(permuted, starts, axis=0))
    return out


def unit_key(doc_id: str, text: str) -> str:
    """The cache key of a document's sentence units: sha256 of the presslens version, the doc_id and the body.

    Reuse reads nothing else of a document, so a changed ``sources.yml``
    entry or comment section keeps its units and comparisons.
    """
    digest = hashlib.sha256(f"presslens {__version__}; reuse {REUSE_CACHE_FORMAT}; {doc_id}\n".encode("utf-8", "surrogatepass"))
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
