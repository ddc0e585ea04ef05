"""Source comparison: who copied whom, what each copy changed or left out, and who is quoted where.

**Alignment.** Every body is split into sentences (:func:`presslens.text.sentence_spans`).
Two documents are compared sentence by sentence with RapidFuzz: the edit
similarity of the two sentences (``fuzz.ratio``), and, where most words are
shared but the lengths differ, how much of the one sentence is found inside the
other (``fuzz.partial_ratio`` scaled by the length ratio), so that a sentence
quoted with an attribution ("..., the report stated.") or a sentence cut short
still counts (a sentence of fewer than 8 words only when it is found nearly
verbatim, partial_ratio >= 95: short sentences otherwise match by chance inside
long ones). A sentence of *a* is **shared** with *b* when its best score is at
least ``threshold`` (80 of 100). Consecutive shared sentences that follow each
other in both documents (allowing ``max_gap`` skipped sentences) are merged into
**passages** with character offsets into both bodies.

A sentence that is not shared but has at least ``paraphrase_min_phrases`` (4)
two-word phrases in common with one sentence of the other document ("safe
houses", "message from his boss": pairs of two stopwords and pairs with a
number do not count) is counted as **paraphrased**: a lexical signal, good at
"this op-ed retells that article", blind to paraphrase in other words. (Shared
single words were tried and rejected: on the seeds, topical overlap between
unrelated sentences reached the same level as real paraphrase.)

**Candidates.** Small corpora compare every pair. From ``lsh_min_documents``
documents on, only pairs that share at least one near-identical sentence by
MinHash LSH (datasketch's MinHash and bands, on the word pairs of each sentence
of 8 words or more) are compared, so the cost grows with the number of
documents plus the number of pairs that share text, not with all pairs. A band
bucket holding more than ``max_bucket_documents`` (100) documents proposes no
pairs: a sentence in that many documents (boilerplate such as "Click here to
subscribe to our newsletter.", a stock phrase) says nothing about who copies
whom and would make the candidates grow with the square of the corpus
(passim's ``--max-series`` does the same).

**At scale.** Each document's sentences are prepared once (keys, word and
phrase ids, MinHash rows: :func:`_units`) and each pair compared once
(:func:`_compare`); with a cache folder both are kept on disk, keyed by the
document's doc_id and body (:func:`unit_key`) and the options, so a run after
adding a document prepares that document and compares only the pairs it is
part of. Both steps run in chunks through a mapper (the run's worker processes
or Dask cluster); the result is the same for any mapper and cache state.

**Direction and type.** See :func:`classify_reuse` for the thresholds.

Offsets (``start``/``end``) always index into ``Document.body``.
"""

from __future__ import annotations

import collections
import collections.abc
import dataclasses
import difflib
import functools
import hashlib
import html
import itertools
import logging
import math
import os
import re
import textwrap
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from rapidfuzz import fuzz, process

from . import __version__
from .charts import add_source
from .corpus import Corpus
from .errors import PresslensError
from .framing import STOPWORDS
from .io import read_pickle, write_pickle
from .paths import CACHE_ENV
from .text import count_words, fold, sentence_spans, words

log = logging.getLogger(__name__)


class ReuseError(PresslensError):
    """Bad options or inputs for source comparison (unknown document, out-of-range threshold...)."""


# --------------------------------------------------------------------------- options

REUSE_TYPES = ("reprint", "condensed reprint", "partial quotation", "paraphrase", "unrelated")

#: Thresholds of :func:`classify_reuse` (shares are of the derived document's sentences).
REPRINT_SHARE = 0.8  # reprint: >= 80 % of each document's sentences are in the other
CONDENSED_SHARE = 0.5  # condensed reprint: >= 50 % of the derived one's sentences are in the source...
QUOTED_MAJORITY = 0.5  # ...and fewer than half of those sit inside quotation marks
PARTIAL_MIN_SHARED = 2  # partial quotation: >= 2 shared sentences...
PARTIAL_MIN_SHARE = 0.05  # ...making >= 5 % of the derived document, and no fewer than the paraphrased ones
PARAPHRASE_MIN_SHARE = 0.10  # paraphrase: shared + paraphrased sentences >= 10 % of the derived document...
PARAPHRASE_MIN_SENTENCES = 3  # ...and at least 3 of them
VIA_OVERLAP = 0.8  # a link is "via" a third document holding >= 80 % of the same sentences


@dataclass(frozen=True)
class ReuseOptions:
    """Settings of an alignment (hashable: it is part of the cache key).

    Attributes:
        threshold: sentence score (0-100) from which a sentence counts as shared.
        min_words: sentences with fewer words are ignored ("2.", "He said so.").
        paraphrase_min_phrases: two-word phrases a sentence must share with one sentence of the other document to count as paraphrased.
        max_gap: sentences either document may skip inside one passage.
        method: ``auto`` (exact below ``lsh_min_documents`` documents, LSH from there), ``exact`` or ``lsh``.
        lsh_min_documents: corpus size from which ``auto`` uses LSH candidates.
        lsh_threshold: estimated Jaccard similarity of two sentences' word pairs for LSH to pair them.
        max_bucket_documents: an LSH band bucket holding more documents than this proposes no candidate
            pairs (boilerplate and stock sentences, in too many documents to say who copies whom); ``None``: no cap.
            Documents that really share text are still paired by their other sentences.
        num_perm: MinHash permutations.
        seed: MinHash seed (fixed: same candidates on every run).
    """

    threshold: float = 80.0
    min_words: int = 4
    paraphrase_min_phrases: int = 4
    max_gap: int = 1
    method: str = "auto"
    lsh_min_documents: int = 50
    lsh_threshold: float = 0.4
    max_bucket_documents: int | None = 100
    num_perm: int = 64
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 100:
            raise ReuseError(f"threshold must be in (0, 100], got {self.threshold}")
        if self.paraphrase_min_phrases < 1:
            raise ReuseError(f"paraphrase_min_phrases must be >= 1, got {self.paraphrase_min_phrases}")
        if self.method not in ("auto", "exact", "lsh"):
            raise ReuseError(f"method must be 'auto', 'exact' or 'lsh', got {self.method!r}")
        if self.min_words < 1 or self.max_gap < 0 or self.num_perm < 16 or not 0 < self.lsh_threshold < 1:
            raise ReuseError(
                f"bad options: min_words={self.min_words} (>= 1), max_gap={self.max_gap} (>= 0), "
                f"num_perm={self.num_perm} (>= 16), lsh_threshold={self.lsh_threshold} (0-1)"
            )
        cap = self.max_bucket_documents
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 2):
            raise ReuseError(f"max_bucket_documents must be an integer >= 2 or None, got {cap!r}")


# --------------------------------------------------------------------------- text keys

_TYPOGRAPHY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2026": "..."}
)
_QUOTE_MARKS = re.compile(r"[\"'\[\]]|\.\.\.")
_SPACES = re.compile(r"\s+")


def sentence_key(text: str) -> str:
    """The comparison key of a sentence: folded, quotation marks, brackets and ellipses removed, dashes unified.

    Typography differs between outlets (curly or straight quotes, em dash or
    hyphen, "[…]" for a cut) and says nothing about reuse.

    >>> sentence_key("“The leaked cables […] detail the extent,” it said — twice.")
    'the leaked cables detail the extent, it said - twice.'
    """
    text = _QUOTE_MARKS.sub("", fold(text).translate(_TYPOGRAPHY))
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------- quotations

_QUOTE_CHAR = re.compile('["\u201c\u201d]')
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")
_OPENERS = set(" \t\n([{\u2014\u2013-/")

_VERBS = (
    r"said|says|say|told|tells|wrote|writes|stated|states|added|adds|asked|noted|notes|reported|reports|explained|"
    r"declared|warned|cautioned|concluded|concludes|insisted|recalled|continued|argued|replied|remarked|acknowledged|"
    r"confirmed|observed|suggested|commented|complained|recounted|testified|announced|revealed|reveals|reveal|"
    r"showed|shows|show|read|reads"
)
_NAME_TOKEN = r"(?:[Aa]l-|[Ee]l-|bin\s|ibn\s|de\s|van\s|von\s)?[A-Z][\w\u2019'.-]*"
_NAME = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}"
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Tt]his|[Tt]hat|[Aa]nother)"
_DESCRIPTION = rf"{_DETERMINER}\s+(?:[\w\u2019'-]+\s+){{0,4}}?[\w\u2019'-]+"
_POSSESSIVE = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}}[\u2019']s\s+(?:[a-z][\w-]*\s+){{0,2}}?[a-z][\w-]*"
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|I|[Ww]e)"
_PRONOUN_RE = re.compile(_PRONOUN)
_SPEAKER = rf"(?P<speaker>{_PRONOUN}|{_POSSESSIVE}|{_DESCRIPTION}|{_NAME})"

#: ``"...," Jabr told`` / ``"...," he said`` / ``"...," the report stated`` (text right after the closing mark).
_AFTER_SPEAKER_VERB = re.compile(rf"^[\s,]*{_SPEAKER}\s+(?:{_VERBS})\b")
#: ``"...," said Jabr``.
_AFTER_VERB_SPEAKER = re.compile(rf"^[\s,]*(?:{_VERBS})\s+(?P<speaker>{_DESCRIPTION}|{_NAME})\b")
#: ``Jabr recalled, "...`` / ``The study concludes: "...`` (text right before the opening mark).
_BEFORE_SPEAKER_VERB = re.compile(rf"(?:^|[\s,;(])(?:{_SPEAKER})\s+(?:{_VERBS})(?:\s+that)?\s*[:,]?\s*$")
#: ``According to The Intercept, "...``.
_BEFORE_ACCORDING = re.compile(rf"[Aa]ccording to\s+(?P<speaker>{_DESCRIPTION}|{_NAME})\s*,?\s*$")
#: A named person as the subject of a sentence: ``Hassan Danaiefar, Iran's ambassador ..., declined``.
_PERSON = r"(?:[Aa]l-|[Ee]l-)?[A-Z][a-z\u2019'-]+(?:\s+(?:[Aa]l-|[Ee]l-|bin\s|de\s)?[A-Z][a-z\u2019'-]+){1,3}"
_SUBJECT = re.compile(rf"(?:^|,\s+)(?P<name>{_PERSON})\s*,(?:\s[^,]{{2,200}},)?\s+(?:{_VERBS}|[a-z]+ed)\b|^(?P<name2>{_PERSON})\s+(?:{_VERBS})\b")
_AFTER_CHARS = 200
_BETWEEN_CHARS = 120
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*(?=\s|$)")
_NEW_SENTENCE_AFTER = re.compile(r"\.[\"'\u2019\u201d)]*$")
_NOT_A_PERSON_START = frozenset("The A An In On At When While After Before According But And If As".split())
_HE_SHE = frozenset({"he", "she"})


@dataclass(frozen=True)
class Quote:
    """A direct quotation in a text.

    Attributes:
        start, end: offsets of the words inside the quotation marks.
        text: ``text[start:end]``.
        speaker: who is quoted, as the sentence names them ("Jabr", "the report"), else "".
        basis: how the speaker was found: ``named`` (a name or description with a
            speech verb), ``pronoun resolved`` (he/she, the named subject of the
            previous sentence), ``continues previous quote`` (an unattributed quote
            right after an attributed one), ``pronoun unresolved`` or ``""`` (none).
        closed: False when the quotation runs to the end of its paragraph without a closing mark.
    """

    start: int
    end: int
    text: str
    speaker: str = ""
    basis: str = ""
    closed: bool = True


def quote_spans(text: str) -> list[tuple[int, int, bool]]:
    """Spans of the outermost direct quotations in a text: ``(start, end, closed)`` of the quoted words.

    Curly quotes are unambiguous; a straight ``"`` opens when it follows a space
    or the start of a paragraph and closes otherwise. Nested quotations are part
    of the outer one. A quotation still open at the end of its paragraph runs to
    the paragraph's end (news style, where a quote continued in the next
    paragraph is not closed). Single quotes are not read as quotations (they are
    also apostrophes).

    >>> t = 'He said "not the \\"Alpha list\\" outside" and “more”.'
    >>> [t[a:b] for a, b, _ in quote_spans(t)]
    ['not the "Alpha list" outside', 'more']
    """
    spans: list[tuple[int, int, bool]] = []
    for para in _PARAGRAPH.finditer(text):
        p_start, p_end = para.span()
        stack: list[int] = []
        for mark in _QUOTE_CHAR.finditer(text, p_start, p_end):
            pos, char = mark.start(), mark.group()
            if char == "\u201c":
                opens = True
            elif char == "\u201d":
                opens = False
            else:
                before = text[pos - 1] if pos > p_start else " "
                after = text[pos + 1] if pos + 1 < p_end else " "
                if before in _OPENERS and not after.isspace():
                    opens = True
                elif not before.isspace():
                    opens = False
                else:
                    opens = not stack
            if opens:
                stack.append(pos)
            elif stack:
                start = stack.pop()
                if not stack:
                    spans.append(_trimmed(text, start + 1, pos, closed=True))
        if stack:
            spans.append(_trimmed(text, stack[0] + 1, p_end, closed=False))
    return [s for s in spans if s[1] > s[0]]


def _trimmed(text: str, start: int, end: int, *, closed: bool) -> tuple[int, int, bool]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end, closed


def extract_quotes(text: str, *, min_words: int = 2) -> list[Quote]:
    """Direct quotations of at least ``min_words`` words, with the speaker where the sentence names one.

    The speaker comes from the words right after the closing mark ("..., Jabr
    told", "..., the report said", "..., said Jabr") or right before the opening
    one ("Jabr recalled, ...", "According to The Intercept, ..."). "he"/"she" is
    resolved only when the previous sentence of the same paragraph has exactly
    one named person as its subject ("Gheis Ghoreishi, ..., confirmed"); an
    unattributed quote right after an attributed one in the same paragraph gets
    that speaker. Anything else is left empty rather than guessed.

    >>> [(q.text, q.speaker) for q in extract_quotes('“Then he got up and kissed me,” Jabr told the officer.')]
    [('Then he got up and kissed me,', 'Jabr')]
    """
    spans = quote_spans(text)
    if not spans:
        return []
    sentences = sentence_spans(text)
    paragraphs = [m.span() for m in _PARAGRAPH.finditer(text)]
    raw: list[tuple[int, int, bool, str, str, int]] = []
    for index, (start, end, closed) in enumerate(spans):
        s0 = _locate(sentences, start - 1)
        para = paragraphs[_locate(paragraphs, start) or 0]
        left = sentences[s0][0] if s0 is not None else para[0]
        left = max(left, para[0], spans[index - 1][1] + 1 if index > 0 else 0)
        right = min(para[1], spans[index + 1][0] - 1 if index + 1 < len(spans) else len(text), end + 1 + _AFTER_CHARS)
        # The attribution may sit after a sentence break Punkt saw inside the quotation
        # ('... As you wish!'" Jabr told ...), so the text after the closing mark is read
        # up to the next quotation or the paragraph's end, not the sentence's end.
        after = text[min(end + 1, right) : right] if closed else ""
        if after and _NEW_SENTENCE_AFTER.search(text[start:end]) and after.lstrip(" ,")[:1].isupper():
            after = ""  # '... yours." He told the officer' starts a new sentence: not an attribution
        before = text[left : max(left, start - 1)]
        speaker, basis = _attribution(before, after)
        raw.append((start, end, closed, speaker, basis, s0 if s0 is not None else -1))
    resolved: list[Quote] = []
    for start, end, closed, speaker, basis, s0 in raw:
        para = _locate(paragraphs, start)
        if speaker.casefold() in _HE_SHE:
            name = _previous_subject(text, sentences, s0, paragraphs[para] if para is not None else None)
            if not name and resolved:
                name = _continued_speaker(text, resolved[-1], start, para, paragraphs, pronoun=True)
            speaker, basis = (name, "pronoun resolved") if name else ("", "pronoun unresolved")
        elif basis == "pronoun":
            speaker, basis = "", "pronoun unresolved"
        elif not speaker and resolved:
            speaker = _continued_speaker(text, resolved[-1], start, para, paragraphs, pronoun=False)
            basis = "continues previous quote" if speaker else ""
        resolved.append(Quote(start, end, text[start:end], speaker, basis, closed))
    return [q for q in resolved if count_words(q.text) >= min_words]


def _continued_speaker(
    text: str, prev: Quote, start: int, para: int | None, paragraphs: Sequence[tuple[int, int]], *, pronoun: bool
) -> str:
    """The previous quote's speaker, when this quote continues it.

    Continuing means: same paragraph, and between the two quotations at most
    the attribution of the first (``," he said. "``: at most one sentence end
    and ``_BETWEEN_CHARS`` characters). For "he"/"she" only a speaker found by
    name (not itself a pronoun) is passed on.
    """
    if not prev.speaker or para is None or _locate(paragraphs, prev.start) != para:
        return ""
    between = text[prev.end + 1 : max(prev.end + 1, start - 1)]
    if len(between) > _BETWEEN_CHARS or len(_SENTENCE_END.findall(between)) > 1:
        return ""
    if pronoun and prev.basis != "named":
        return ""
    return prev.speaker


def _locate(spans: Sequence[tuple[int, int]], pos: int) -> int | None:
    for index, (start, end) in enumerate(spans):
        if start <= pos < end:
            return index
        if pos < start:
            return index
    return len(spans) - 1 if spans else None


def _attribution(before: str, after: str) -> tuple[str, str]:
    for pattern in (_AFTER_SPEAKER_VERB, _AFTER_VERB_SPEAKER):
        match = pattern.search(after)
        if match:
            return _speaker(match.group("speaker"))
    for pattern in (_BEFORE_ACCORDING, _BEFORE_SPEAKER_VERB):
        match = pattern.search(before)
        if match:
            return _speaker(match.group("speaker"))
    return "", ""


def _speaker(raw: str) -> tuple[str, str]:
    speaker = raw.strip(" ,")
    if _PRONOUN_RE.fullmatch(speaker):
        return (speaker, "named") if speaker.casefold() in _HE_SHE else ("", "pronoun")
    return speaker, "named"


def _previous_subject(
    text: str, sentences: Sequence[tuple[int, int]], s0: int, paragraph: tuple[int, int] | None
) -> str:
    """The one named person who is the subject of the sentence before ``s0`` in the same paragraph, else ""."""
    if s0 is None or s0 < 1 or paragraph is None:
        return ""
    start, end = sentences[s0 - 1]
    if start < paragraph[0]:
        return ""
    names = set()
    for match in _SUBJECT.finditer(text[start:end]):
        name = match.group("name") or match.group("name2")
        if name.split()[0] not in _NOT_A_PERSON_START:
            names.add(name)
    return names.pop() if len(names) == 1 else ""


# --------------------------------------------------------------------------- sentences of a document


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
    of each sentence of at least ``_LSH_MIN_WORDS`` words. ``text`` (the body)
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


def _ids(rows: Sequence[Iterable[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Each row of strings as its sorted unique 64-bit ids, all rows in one array: ``(ptr, ids)``.

    The ids of row ``i`` are ``ids[ptr[i]:ptr[i + 1]]``. An id is the first 8
    bytes of the string's blake2b digest: the same in every process and on every
    run; two different words get the same id with probability about 2**-64 per
    pair of words, never in practice.
    """
    memo = {
        token: int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
        for token in set().union(*rows)
    }
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
    for number, (start, end) in enumerate(sentence_spans(text), start=1):
        sentence = text[start:end]
        n_words = count_words(sentence)
        if n_words < opts.min_words:
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
        phrase_rows.append(_phrases(tokens))
        if n_words >= _LSH_MIN_WORDS:
            shingles.append(sorted({f"{x} {y}" for x, y in zip(tokens, tokens[1:])}))
    word_ptr, word_ids = _ids(word_rows)
    phrase_ptr, phrase_ids = _ids(phrase_rows)
    return _Units(
        doc_id=doc_id, keys=keys, sent_id=np.array(numbers, dtype=np.int32), start=np.array(starts, dtype=np.int32),
        end=np.array(ends, dtype=np.int32), words=np.array(counts, dtype=np.int32), quoted=np.array(quoted_flags, dtype=bool),
        word_ptr=word_ptr, word_ids=word_ids, phrase_ptr=phrase_ptr, phrase_ids=phrase_ids, quotes=tuple(spans),
        signatures=_minhashes(shingles, num_perm=opts.num_perm, seed=opts.seed),
    )


_POSSESSIVE_END = re.compile(r"'s$")


def _phrases(tokens: Sequence[str]) -> frozenset[str]:
    """Two-word phrases of a sentence's key tokens, leaving out pairs of stopwords and pairs with a number.

    >>> sorted(_phrases(["the", "safe", "houses", "of", "the", "cia", "in", "2014"]))
    ['cia in', 'houses of', 'safe houses', 'the cia', 'the safe']
    """
    plain = [_POSSESSIVE_END.sub("", t) for t in tokens]
    return frozenset(
        f"{a} {b}"
        for a, b in zip(plain, plain[1:])
        if not (a in STOPWORDS and b in STOPWORDS) and not (a.isdigit() or b.isdigit())
    )


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
    hashed = np.array([proto.hashfunc(t.encode("utf-8")) for ts in token_sets for t in ts], dtype=np.uint32)
    out = np.tile(proto.hashvalues, (len(token_sets), 1))
    if hashed.size:
        a, b = proto.permutations
        permuted = _fmix(hashed, 32)[:, None] * a[None, :] + b[None, :]
        filled = sizes > 0
        starts = (np.cumsum(sizes) - sizes)[filled]
        out[filled] = np.minimum(out[filled], np.minimum.reduceat(permuted, starts, axis=0))
    return out


# --------------------------------------------------------------------------- comparing two documents


@dataclass(frozen=True)
class SideMatch:
    """How the sentences of ``doc_a`` are found in ``doc_b``.

    ``best[i]`` is the index (into ``doc_b``'s compared sentences) of the closest
    sentence to sentence ``i`` of ``doc_a``, ``score[i]`` its 0-100 score,
    ``phrases[i]`` the most two-word phrases it shares with one sentence of
    ``doc_b`` and ``phrase_best[i]`` that sentence.
    """

    doc_a: str
    doc_b: str
    best: np.ndarray
    score: np.ndarray
    phrases: np.ndarray
    phrase_best: np.ndarray


@dataclass(frozen=True)
class Passage:
    """A run of shared sentences, in both documents (indexes into the compared sentences, inclusive)."""

    doc_a: str
    doc_b: str
    first_a: int
    last_a: int
    first_b: int
    last_b: int
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    text_a: str
    text_b: str
    similarity: float

    def mirrored(self) -> "Passage":
        return Passage(
            self.doc_b, self.doc_a, self.first_b, self.last_b, self.first_a, self.last_a,
            self.start_b, self.end_b, self.start_a, self.end_a, self.text_b, self.text_a, self.similarity,
        )


@dataclass(frozen=True)
class _PairResult:
    """The comparison of two documents (``doc_a < doc_b``), compact: what is cached per pair.

    ``side_a``/``side_b`` hold the :class:`SideMatch` arrays of each direction
    as int32 rows ``best, score x 10, phrases, phrase_best`` (scores are rounded
    to one decimal, so ten times a score is a whole number). ``passages`` are
    tuples ``first_a, last_a, first_b, last_b, start_a, end_a, start_b, end_b,
    similarity, words_a, words_b`` and ``counts_a``/``counts_b`` the shared,
    quoted shared and paraphrased sentences of each side: with them the pair's
    rows of the tables are made without the documents' sentences.
    """

    doc_a: str
    doc_b: str
    n_a: int  # compared sentences of doc_a
    n_b: int
    side_a: np.ndarray | None  # None in an alignment made with keep_sides=False
    side_b: np.ndarray | None
    passages: tuple[tuple, ...]
    counts_a: tuple[int, int, int]
    counts_b: tuple[int, int, int]

    def without_sides(self) -> "_PairResult":
        """The same result without the per-sentence arrays (what the tables need, a fifth of the memory)."""
        return dataclasses.replace(self, side_a=None, side_b=None)

    def side(self, forward: bool) -> SideMatch:
        """The :class:`SideMatch` of ``doc_a`` in ``doc_b`` (``forward``) or of ``doc_b`` in ``doc_a``."""
        packed = self.side_a if forward else self.side_b
        if packed is None:
            raise ReuseError("this alignment keeps no sentence matches (made with keep_sides=False, for the tables only)")
        a, b = (self.doc_a, self.doc_b) if forward else (self.doc_b, self.doc_a)
        return SideMatch(
            a, b, packed[0].astype(np.int64), packed[1] / 10.0, packed[2].astype(np.int64), packed[3].astype(np.int64)
        )


_PARTIAL_MIN_OVERLAP = 0.6  # partial_ratio is computed only where one sentence has >= 60 % of its words in the other
_PARTIAL_SHORT_WORDS = 8  # a sentence shorter than this counts as contained in a longer one only...
_PARTIAL_SHORT_SCORE = 95.0  # ...when it is found there (nearly) verbatim
_LSH_MIN_WORDS = 8  # shorter sentences do not propose LSH candidate pairs


def _common(a_ptr: np.ndarray, a_ids: np.ndarray, a_vocab: np.ndarray, b_ptr: np.ndarray, b_ids: np.ndarray, b_vocab: np.ndarray) -> np.ndarray:
    """How many ids sentence i of a and sentence j of b have in common, as an (m, n) float64 matrix.

    Only the ids both documents use are looked at: each occurrence of such an
    id in a sentence of a meets each occurrence in a sentence of b, and the
    meetings are counted per sentence pair (a join and a ``bincount``, in one
    thread: a matrix product here spent most of its time starting BLAS threads).
    """
    m, n = len(a_ptr) - 1, len(b_ptr) - 1
    common = np.intersect1d(a_vocab, b_vocab, assume_unique=True)
    if not common.size:
        return np.zeros((m, n))

    def entries(ptr: np.ndarray, ids: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
        position = np.minimum(np.searchsorted(common, ids), common.size - 1)
        hit = common[position] == ids
        return np.repeat(np.arange(rows), np.diff(ptr))[hit], position[hit]

    rows_a, cols_a = entries(a_ptr, a_ids, m)
    rows_b, cols_b = entries(b_ptr, b_ids, n)
    order = np.argsort(cols_b, kind="stable")
    rows_b = rows_b[order]
    per_col = np.bincount(cols_b, minlength=common.size)
    first_b = np.cumsum(per_col) - per_col
    repeats = per_col[cols_a]
    total = int(repeats.sum())
    before = np.cumsum(repeats) - repeats
    matched_b = rows_b[np.repeat(first_b[cols_a] - before, repeats) + np.arange(total)]
    counts = np.bincount(np.repeat(rows_a, repeats) * n + matched_b, minlength=m * n)
    return counts.reshape(m, n).astype(np.float64)


def _pack(best: np.ndarray, score: np.ndarray, phrases: np.ndarray, phrase_best: np.ndarray) -> np.ndarray:
    return np.stack([best, np.rint(score * 10), phrases, phrase_best]).astype(np.int32)


def _compare(a: _Units, b: _Units, opts: ReuseOptions) -> _PairResult:
    """Compare two documents sentence by sentence (``a.doc_id < b.doc_id``; both with ``text`` attached)."""
    m, n = len(a), len(b)
    if m == 0 or n == 0:
        empty = (0, 0, 0)
        side_a = _pack(np.full(m, -1), np.zeros(m), np.zeros(m), np.full(m, -1))
        side_b = _pack(np.full(n, -1), np.zeros(n), np.zeros(n), np.full(n, -1))
        return _PairResult(a.doc_id, b.doc_id, m, n, side_a, side_b, (), empty, empty)
    ratio = process.cdist(a.keys, b.keys, scorer=fuzz.ratio, dtype=np.float32).astype(np.float64)
    score_a, score_b = ratio.copy(), ratio.copy()
    shared_words = _common(a.word_ptr, a.word_ids, a.word_vocab, b.word_ptr, b.word_ids, b.word_vocab)
    n_a = np.maximum(np.diff(a.word_ptr), 1).astype(np.float64)[:, None]
    n_b = np.maximum(np.diff(b.word_ptr), 1).astype(np.float64)[None, :]
    overlap = np.maximum(shared_words / n_a, shared_words / n_b)
    for i, j in zip(*np.nonzero((ratio < opts.threshold) & (overlap >= _PARTIAL_MIN_OVERLAP))):
        partial = fuzz.partial_ratio(a.keys[i], b.keys[j])
        la, lb = float(len(a.keys[i])), float(len(b.keys[j]))
        shorter = a.words[i] if la <= lb else b.words[j]
        if shorter < _PARTIAL_SHORT_WORDS and partial < _PARTIAL_SHORT_SCORE:
            continue  # "As another watcher states:" is not contained in "... to another watcher states in ..."
        score_a[i, j] = max(ratio[i, j], partial * min(1.0, lb / la))
        score_b[i, j] = max(ratio[i, j], partial * min(1.0, la / lb))
    phrases = _common(a.phrase_ptr, a.phrase_ids, a.phrase_vocab, b.phrase_ptr, b.phrase_ids, b.phrase_vocab).astype(np.int64)
    best_a, top_a = score_a.argmax(axis=1), score_a.max(axis=1).round(1)
    best_b, top_b = score_b.argmax(axis=0), score_b.max(axis=0).round(1)
    phrases_a, phrases_b = phrases.max(axis=1), phrases.max(axis=0)
    pairs = {(i, int(best_a[i])) for i in range(m) if top_a[i] >= opts.threshold}
    pairs |= {(int(best_b[j]), j) for j in range(n) if top_b[j] >= opts.threshold}
    passages = tuple(_passage(a, b, chain) for chain in _chains(sorted(pairs), max_gap=opts.max_gap))

    def counts(units: _Units, top: np.ndarray, most_phrases: np.ndarray) -> tuple[int, int, int]:
        hit = top >= opts.threshold
        paraphrased = (~hit) & (most_phrases >= opts.paraphrase_min_phrases)
        return int(hit.sum()), int((hit & units.quoted).sum()), int(paraphrased.sum())

    return _PairResult(
        a.doc_id, b.doc_id, m, n,
        _pack(best_a, top_a, phrases_a, phrases.argmax(axis=1)), _pack(best_b, top_b, phrases_b, phrases.argmax(axis=0)),
        passages, counts(a, top_a, phrases_a), counts(b, top_b, phrases_b),
    )


def _chains(pairs: Sequence[tuple[int, int]], *, max_gap: int) -> list[list[tuple[int, int]]]:
    """Group sentence matches ``(i, j)`` (sorted) into runs that advance together in both documents."""
    chains: list[list[tuple[int, int]]] = []
    for i, j in pairs:
        home = None
        for chain in reversed(chains):
            li, lj = chain[-1]
            di, dj = i - li, j - lj
            if 0 <= di <= max_gap + 1 and 0 <= dj <= max_gap + 1 and (di or dj):
                home = chain
                break
        if home is None:
            chains.append([(i, j)])
        else:
            home.append((i, j))
    return chains


def _passage(a: _Units, b: _Units, chain: Sequence[tuple[int, int]]) -> tuple:
    first_a, last_a = min(i for i, _ in chain), max(i for i, _ in chain)
    first_b, last_b = min(j for _, j in chain), max(j for _, j in chain)
    start_a, end_a = int(a.start[first_a]), int(a.end[last_a])
    start_b, end_b = int(b.start[first_b]), int(b.end[last_b])
    text_a, text_b = a.text[start_a:end_a], b.text[start_b:end_b]
    similarity = round(fuzz.ratio(sentence_key(text_a), sentence_key(text_b)), 1)
    return (first_a, last_a, first_b, last_b, start_a, end_a, start_b, end_b, similarity, count_words(text_a), count_words(text_b))


# --------------------------------------------------------------------------- candidates


def _candidates(
    doc_ids: Sequence[str], signatures: Sequence[np.ndarray], opts: ReuseOptions
) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Document pairs with at least one pair of sentences whose word pairs (2-shingles) MinHash LSH finds similar.

    The pairs are those datasketch's ``MinHashLSH(threshold, num_perm)`` gives
    when every sentence is inserted and queried: two sentences are paired when
    their MinHash values agree on every row of at least one of its bands. The
    bands are grouped here with numpy (a sort per band) instead of one Python
    dictionary entry per sentence and band, which at 10,000 documents held
    gigabytes; the cost grows with the number of sentences plus the number of
    pairs found.

    Word pairs, not single content words: on the synthetic benchmark corpus
    single words gave five times the candidate pairs (topical overlap) for the
    same recall of pairs sharing two or more sentences. Sentences of fewer than
    8 words do not propose candidates: stock sentences ("He declined to
    comment.", "The New York Times.") recur across unrelated documents and made
    the candidates grow with the square of the corpus; documents that really
    share text share longer sentences too (short ones are still compared
    within candidate pairs).

    A bucket of one band holding sentences of more than
    ``opts.max_bucket_documents`` documents proposes no pairs (it would propose
    every pair of them): boilerplate ("Click here to subscribe.") or a stock
    sentence in that many documents does not tell who copies whom. Two
    documents that really share text share other sentences, or the same one in
    another band's smaller bucket, and are still paired.

    Args:
        doc_ids: the documents, sorted.
        signatures: per document, the MinHash rows of its sentences of at least 8 words.
        opts: ``lsh_threshold`` and ``num_perm`` choose the bands, ``max_bucket_documents`` the largest bucket used.

    Returns:
        ``(doc_a, doc_b)`` pairs with ``doc_a < doc_b``, sorted; and counts of what the cap left out:
        ``buckets_skipped`` (band buckets) and ``bucket_documents_skipped`` (documents in any of them).
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=opts.lsh_threshold, num_perm=opts.num_perm)
    sizes = [len(s) for s in signatures]
    skipped = {"buckets_skipped": 0, "bucket_documents_skipped": 0}
    if sum(sizes) == 0:
        return [], skipped
    cap = opts.max_bucket_documents
    skipped_docs: list[np.ndarray] = []
    owner = np.repeat(np.arange(len(doc_ids), dtype=np.int64), sizes)
    values = np.concatenate([s for s in signatures if len(s)])
    n_docs = np.int64(len(doc_ids))
    found: list[np.ndarray] = []
    for start, end in lsh.hashranges:
        band = np.ascontiguousarray(values[:, start:end])
        rows = band.view(np.dtype((np.void, band.dtype.itemsize * (end - start)))).ravel()
        _, bucket = np.unique(rows, return_inverse=True)
        members = np.unique(bucket.ravel().astype(np.int64) * n_docs + owner)  # (bucket, document), each once
        bucket, doc = members // n_docs, members % n_docs
        first = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
        size = np.diff(np.r_[first, len(bucket)])
        two = first[size == 2]
        found.append(doc[two] * n_docs + doc[two + 1])
        used = size > 2
        if cap is not None:
            over = size > cap
            used &= ~over
            skipped["buckets_skipped"] += int(over.sum())
            skipped_docs += [doc[at : at + k] for at, k in zip(first[over], size[over])]
        for at, k in zip(first[used], size[used]):
            docs = doc[at : at + k]
            i, j = np.triu_indices(int(k), 1)
            found.append(docs[i] * n_docs + docs[j])
    codes = np.unique(np.concatenate(found))
    if skipped_docs:
        skipped["bucket_documents_skipped"] = len(np.unique(np.concatenate(skipped_docs)))
        log.info(
            "LSH candidates: %d band buckets of more than %d documents proposed no pairs "
            "(%d documents hold such common sentences: boilerplate or stock phrases)",
            skipped["buckets_skipped"], cap, skipped["bucket_documents_skipped"],
        )
    return [(doc_ids[int(c // n_docs)], doc_ids[int(c % n_docs)]) for c in codes], skipped


# --------------------------------------------------------------------------- the alignment of a corpus


class _Lazy(collections.abc.Mapping):
    """A read-only mapping over fixed keys whose values are made on first access and kept."""

    def __init__(self, keys: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self._keys, self._make, self._made = tuple(keys), make, {}
        self._known = frozenset(self._keys)

    def __getitem__(self, key: Any) -> Any:
        if key not in self._known:
            raise KeyError(key)
        if key not in self._made:
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class _Sides(collections.abc.Mapping):
    """``(doc_a, doc_b) -> SideMatch`` for both orders of every compared pair, made from the pair results on access."""

    def __init__(self, results: Sequence[_PairResult]) -> None:
        self._results = results
        self._index: dict[tuple[str, str], tuple[int, bool]] | None = None

    def _lookup(self) -> dict[tuple[str, str], tuple[int, bool]]:
        if self._index is None:
            self._index = {}
            for k, r in enumerate(self._results):
                self._index[(r.doc_a, r.doc_b)] = (k, True)
                self._index[(r.doc_b, r.doc_a)] = (k, False)
        return self._index

    def __getitem__(self, key: tuple[str, str]) -> SideMatch:
        k, forward = self._lookup()[key]
        return self._results[k].side(forward)

    def __iter__(self):
        return iter(self._lookup())

    def __len__(self) -> int:
        return 2 * len(self._results)


class _Passages(collections.abc.Sequence):
    """The aligned passages of the pair results as :class:`Passage` objects, made on access."""

    def __init__(self, results: Sequence[_PairResult], texts: Mapping[str, str]) -> None:
        self._items = [(r.doc_a, r.doc_b, p) for r in results for p in r.passages]
        self._texts = texts

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[k] for k in range(*index.indices(len(self))))
        a, b, p = self._items[index]
        return Passage(a, b, *p[:4], *p[4:8], self._texts[a][p[4] : p[5]], self._texts[b][p[6] : p[7]], p[8])


@dataclass(frozen=True)
class Alignment:
    """Everything the source-comparison tables are built from (compute once, read many times).

    Attributes:
        options: the settings used.
        method: ``exact`` (every pair compared) or ``lsh`` (candidate pairs only).
        doc_ids: the documents, sorted.
        sentences: doc_id -> the sentences compared (at least ``min_words`` words).
        sides: ``(doc_a, doc_b)`` -> :class:`SideMatch`, for both orders of every compared pair.
        passages: aligned passages, once per compared pair (``doc_a < doc_b``).
        texts: doc_id -> body.
        quotes: doc_id -> quotation spans of the body.
        stats: counts and seconds per phase, for benchmarks and logs (never shown in
            reports): ``prepare_s``, ``candidates_s``, ``compare_s``, ``sentences``,
            ``pairs_compared`` (pairs in the alignment), ``pairs_total`` (all pairs),
            ``documents_computed``/``documents_cached`` (sentence units computed or read
            from the cache) and ``pairs_computed``/``pairs_cached`` (comparisons run or read).
        results: the comparison of each compared pair, sorted (what the tables are made of).

    ``sentences``, ``sides``, ``quotes`` and ``passages`` are made on access
    from the per-document units and the pair results, so an alignment of
    thousands of documents costs memory only for what is read.
    """

    options: ReuseOptions
    method: str
    doc_ids: tuple[str, ...]
    sentences: Mapping[str, tuple[Sentence, ...]]
    sides: Mapping[tuple[str, str], SideMatch]
    passages: Sequence[Passage]
    texts: Mapping[str, str]
    quotes: Mapping[str, tuple[tuple[int, int, bool], ...]]
    stats: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)
    results: tuple[_PairResult, ...] = field(default=(), compare=False, repr=False)

    @property
    def compared_pairs(self) -> list[tuple[str, str]]:
        """Unordered pairs that were compared (``doc_a < doc_b``), sorted."""
        return sorted((r.doc_a, r.doc_b) for r in self.results)


#: bump when the layout of the reuse cache files changes
REUSE_CACHE_FORMAT = 1

#: ``mapper(function, tasks)``: yields ``function(task)`` for each task, in order (in this process, worker processes, a cluster)
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


def unit_key(doc_id: str, text: str) -> str:
    """The cache key of a document's sentence units: sha256 of the presslens version, the doc_id and the body.

    Reuse reads nothing else of a document, so a changed ``sources.yml``
    entry or comment section keeps its units and comparisons.
    """
    digest = hashlib.sha256(f"presslens {__version__}; reuse {REUSE_CACHE_FORMAT}; {doc_id}\n".encode("utf-8", "surrogatepass"))
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _digest(values: tuple) -> str:
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


class _Cache:
    """The reuse cache under ``cache_dir/reuse-v<format>/``: units per document, comparisons per pair.

    ``units-<options>/<key>.sig.pkl`` holds a document's sentence count and
    MinHash rows (all the candidate search reads), ``<key>.pkl`` its units.
    ``pairs-<options>/<key>.pkl`` maps the partner's unit key to the
    comparison of the pair (without its sentence arrays, which are in
    ``<key>.sides.pkl``), for the pairs stored with this document: a pair
    compared in a run goes into the file of its document new in that run (or
    of ``doc_a``), so adding a document writes one new file and rewrites none.
    ``<options>`` hashes the options each depends on. Unreadable files are
    misses; files are written whole and renamed into place.
    """

    def __init__(self, cache_dir: str | Path, opts: ReuseOptions) -> None:
        root = Path(cache_dir) / f"reuse-v{REUSE_CACHE_FORMAT}"
        self.units_dir = root / f"units-{_digest((opts.min_words, opts.num_perm, opts.seed, _LSH_MIN_WORDS))}"
        self.pairs_dir = root / "pairs-{}".format(_digest((
            opts.min_words, opts.threshold, opts.paraphrase_min_phrases, opts.max_gap,
            _PARTIAL_MIN_OVERLAP, _PARTIAL_SHORT_WORDS, _PARTIAL_SHORT_SCORE,
        )))

    @staticmethod
    def _path(folder: Path, key: str, suffix: str) -> Path:
        return folder / key[:2] / f"{key}{suffix}"

    def signatures(self, key: str) -> tuple[int, np.ndarray] | None:
        value = _load(self._path(self.units_dir, key, ".sig.pkl"))
        return value if isinstance(value, tuple) and len(value) == 2 else None

    def units(self, key: str) -> _Units | None:
        value = _load(self._path(self.units_dir, key, ".pkl"))
        return value if isinstance(value, _Units) else None

    def put_units(self, key: str, units: _Units) -> None:
        write_pickle(units, self._path(self.units_dir, key, ".pkl"))
        write_pickle((len(units), units.signatures), self._path(self.units_dir, key, ".sig.pkl"))

    def pairs(self, key: str, *, sides: bool = True) -> dict[str, _PairResult]:
        """The comparisons stored with a document: partner's unit key -> result (with the sentence arrays if ``sides``)."""
        value = _load(self._path(self.pairs_dir, key, ".pkl"))
        if not isinstance(value, dict):
            return {}
        if not sides:
            return value
        arrays = _load(self._path(self.pairs_dir, key, ".sides.pkl"))
        arrays = arrays if isinstance(arrays, dict) else {}
        return {k: dataclasses.replace(r, side_a=arrays[k][0], side_b=arrays[k][1]) for k, r in value.items() if k in arrays}

    def put_pairs(self, key: str, entries: Mapping[str, _PairResult]) -> None:
        """Store comparisons with a document: what the tables need, and apart the sentence arrays (read only when asked)."""
        write_pickle({k: (r.side_a, r.side_b) for k, r in entries.items()}, self._path(self.pairs_dir, key, ".sides.pkl"))
        write_pickle({k: r.without_sides() for k, r in entries.items()}, self._path(self.pairs_dir, key, ".pkl"))


def _load(path: Path) -> Any:
    return read_pickle(path, what="reuse cache file")


def _units_task(task: tuple[list[tuple[str, str, str]], ReuseOptions, str | None]) -> list[_Units]:
    """Units of a chunk of documents ``(doc_id, key, body)`` (written to the cache when there is one); runs in workers."""
    docs, opts, cache_dir = task
    cache = _Cache(cache_dir, opts) if cache_dir is not None else None
    out = []
    for doc_id, key, text in docs:
        units = _units(doc_id, text, opts=opts)
        if cache is not None:
            cache.put_units(key, units)
        out.append(units)
    return out


def _pairs_task(task: tuple[list[tuple[str, str]], dict[str, _Units], ReuseOptions]) -> list[_PairResult]:
    """Comparisons of a chunk of pairs, given the units (with bodies) of their documents; runs in workers."""
    pairs, units, opts = task
    return [_compare(units[a], units[b], opts) for a, b in pairs]


def _chunked(items: Sequence[Any], *, jobs: int, most: int) -> list[Sequence[Any]]:
    size = max(1, min(most, math.ceil(len(items) / (4 * max(jobs, 1)))))
    return [items[k : k + size] for k in range(0, len(items), size)]


def align_texts(
    texts: Mapping[str, str],
    *,
    cache_dir: str | Path | None = None,
    mapper: Mapper | None = None,
    jobs: int = 1,
    keep_sides: bool = True,
    **options: Any,
) -> Alignment:
    """Align every pair (or every LSH candidate pair) of a set of texts.

    The work is done in three steps. (1) The sentence units of each document
    (keys, word and phrase ids, MinHash; :class:`_Units`), per document. (2) The
    candidate pairs: every pair below ``lsh_min_documents`` documents, else the
    LSH candidates (:func:`_candidates`), from the MinHash rows alone. (3) The
    comparison of each pair (:func:`_compare`), per pair. With ``cache_dir``,
    steps 1 and 3 are read from the cache where they were done before (keys:
    :func:`unit_key` of each document, the options they depend on), so after
    adding one document only its units are computed and only the pairs it is
    part of are compared. Steps 1 and 3 run through ``mapper`` in chunks.

    Args:
        texts: doc_id -> body text.
        cache_dir: folder for the reuse cache (``None``: compute everything).
        mapper: runs a task function over chunks of documents or pairs (e.g. in
            worker processes); default: one after the other in this process.
        jobs: how many workers ``mapper`` feeds (sizes the chunks).
        keep_sides: keep each pair's per-sentence matches (``sides``: sentence
            matches, omissions, relations); ``False`` keeps what
            :func:`pairs_frame` and :func:`passages_frame` need, for corpora of
            many thousands of documents.
        **options: any field of :class:`ReuseOptions` (keyword-only).

    Returns:
        An :class:`Alignment`; identical for any mapper, jobs and cache state.

    Raises:
        ReuseError: unknown or out-of-range options.
    """
    opts = _options(options)
    run = mapper or (lambda function, tasks: map(function, tasks))
    doc_ids = tuple(sorted(texts))
    cache = _Cache(cache_dir, opts) if cache_dir is not None else None
    clock = time.perf_counter()
    keys = {d: unit_key(d, texts[d]) for d in doc_ids}

    # 1. units: read the MinHash rows of cached documents, compute the others
    units: dict[str, _Units] = {}
    signatures: dict[str, np.ndarray] = {}
    sentences: dict[str, int] = {}
    todo = []
    for d in doc_ids:
        stored = cache.signatures(keys[d]) if cache is not None else None
        if stored is None:
            todo.append(d)
        else:
            sentences[d], signatures[d] = stored
    tasks = [([(d, keys[d], texts[d]) for d in chunk], opts, None if cache_dir is None else str(cache_dir))
             for chunk in _chunked(todo, jobs=jobs, most=64)]
    for chunk in run(_units_task, tasks):
        for u in chunk:
            units[u.doc_id] = u
            signatures[u.doc_id], sentences[u.doc_id] = u.signatures, len(u)
    prepared = time.perf_counter()

    # 2. candidates
    use_lsh = opts.method == "lsh" or (opts.method == "auto" and len(doc_ids) >= opts.lsh_min_documents)
    skipped = {"buckets_skipped": 0, "bucket_documents_skipped": 0}
    if use_lsh:
        candidates, skipped = _candidates(doc_ids, [signatures[d] for d in doc_ids], opts)
    else:
        candidates = [(a, b) for k, a in enumerate(doc_ids) for b in doc_ids[k + 1 :]]
    paired = time.perf_counter()

    # 3. comparisons: read the cached ones, compare the others
    results: dict[tuple[str, str], _PairResult] = {}
    if cache is not None and candidates:
        by_key = {keys[d]: d for d in doc_ids}
        involved = sorted({d for pair in candidates for d in pair})
        for d in involved:
            for partner, result in cache.pairs(keys[d], sides=keep_sides).items():
                other = by_key.get(partner)
                if other is not None and (result.doc_a, result.doc_b) == tuple(sorted((d, other))):
                    results[(result.doc_a, result.doc_b)] = result
        results = {p: results[p] for p in candidates if p in results}
    missing = [p for p in candidates if p not in results]

    def with_text(d: str) -> _Units:
        found = units.get(d) or (cache.units(keys[d]) if cache is not None else None) or _units(d, texts[d], opts=opts)
        return dataclasses.replace(found, text=texts[d])

    def pair_tasks():
        for chunk in _chunked(missing, jobs=jobs, most=1000):
            docs = {d for pair in chunk for d in pair}
            yield list(chunk), {d: with_text(d) for d in sorted(docs)}, opts

    # each pair goes into the cache file of its document new in this run (else doc_a), written as soon as
    # all of that document's pairs are back, so a whole run's comparisons are never held at once
    fresh = set(todo)
    owner_of = {(a, b): (b if b in fresh and a not in fresh else a) for a, b in missing}
    expected = collections.Counter(owner_of.values())
    current = set(keys.values())
    pending: dict[str, dict[str, _PairResult]] = {}
    computed = iter(missing)
    for chunk in run(_pairs_task, pair_tasks()):
        for result in chunk:
            a, b = pair = next(computed)
            if cache is not None:
                owner = owner_of[pair]
                entries = pending.setdefault(owner, {})
                entries[keys[b if owner == a else a]] = result
                if len(entries) == expected[owner]:
                    kept = {k: v for k, v in cache.pairs(keys[owner]).items() if k in current}  # with its arrays
                    cache.put_pairs(keys[owner], {**kept, **pending.pop(owner)})
            results[pair] = result if keep_sides else result.without_sides()
    ordered = tuple(results[p] for p in candidates)

    def units_of(d: str) -> _Units:
        return units.get(d) or (cache.units(keys[d]) if cache is not None else None) or _units(d, texts[d], opts=opts)

    stats = {
        "prepare_s": prepared - clock, "candidates_s": paired - prepared, "compare_s": time.perf_counter() - paired,
        "pairs_compared": len(candidates), "pairs_total": len(doc_ids) * (len(doc_ids) - 1) // 2,
        "sentences": sum(sentences.values()),
        "documents_computed": len(todo), "documents_cached": len(doc_ids) - len(todo),
        "pairs_computed": len(missing), "pairs_cached": len(candidates) - len(missing),
        **skipped,
    }
    log.info(
        "aligned %d documents: %s, %d of %d pairs compared (%d from the cache), %d passages",
        len(doc_ids), "LSH candidates" if use_lsh else "all pairs", len(candidates),
        len(doc_ids) * (len(doc_ids) - 1) // 2, len(candidates) - len(missing), sum(len(r.passages) for r in ordered),
    )
    body = {d: texts[d] for d in doc_ids}
    return Alignment(
        options=opts,
        method="lsh" if use_lsh else "exact",
        doc_ids=doc_ids,
        sentences=_Lazy(doc_ids, lambda d: units_of(d).sentences(body[d])),
        sides=_Sides(ordered),
        passages=_Passages(ordered, body),
        texts=body,
        quotes=_Lazy(doc_ids, lambda d: units_of(d).quotes),
        stats=stats,
        results=ordered,
    )


def _options(options: Mapping[str, Any]) -> ReuseOptions:
    known = set(ReuseOptions.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if unknown:
        raise ReuseError(f"unknown reuse option(s) {unknown}; known: {sorted(known)}")
    return ReuseOptions(**options)


_CACHE: dict[int, tuple[weakref.ref, tuple, Alignment]] = {}


def align_corpus(corpus: Corpus, *, cache_dir: str | Path | None = None, **options: Any) -> Alignment:
    """The alignment of a corpus's bodies, computed once per corpus object and options.

    ``reuse_pairs_table``, ``shared_passages_table`` and the rest call this, so a
    notebook that shows all of them aligns the corpus once.

    Args:
        corpus: the documents.
        cache_dir: the reuse cache folder (e.g. the run's ``outputs/cache``, which
            ``presslens run`` fills): units and comparisons found there are read, not redone.
            Default: ``$PRESSLENS_CACHE_DIR``, which ``presslens run`` gives each notebook's
            kernel, so a notebook under a run reads the build's work; none elsewhere.
        **options: any field of :class:`ReuseOptions`.
    """
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_ENV) or None
    opts = _options(options)
    fingerprint = (tuple((d.doc_id, d.sha256) for d in corpus), opts)
    entry = _CACHE.get(id(corpus))
    if entry is not None and entry[0]() is corpus and entry[1] == fingerprint:
        return entry[2]
    alignment = align_texts({d.doc_id: d.body for d in corpus}, cache_dir=cache_dir, **vars(opts))
    _CACHE[id(corpus)] = (weakref.ref(corpus), fingerprint, alignment)
    weakref.finalize(corpus, _CACHE.pop, id(corpus), None)
    return alignment


# --------------------------------------------------------------------------- tables

PAIR_COLUMNS = [
    "doc_a", "doc_b", "sentences_a", "shared_sentences_a", "share_a", "similarity",
    "quoted_shared_a", "paraphrased_sentences_a", "passages", "shared_words_a",
]
PASSAGE_COLUMNS = [
    "doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "words", "similarity", "text_a", "text_b",
    "passage", "sentences_a", "sentences_b", "words_b",
]


def reuse_pairs_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per ordered pair of documents compared: how much of ``doc_a`` is found in ``doc_b``.

    Columns: ``doc_a, doc_b, sentences_a`` (sentences of a of at least
    ``min_words`` words), ``shared_sentences_a`` (of them, found in b),
    ``share_a`` (their share: the containment of a in b), ``similarity``
    (symmetric: shared sentences of both over sentences of both, 0-1),
    ``quoted_shared_a`` (shared sentences that sit inside quotation marks in a),
    ``paraphrased_sentences_a`` (not shared but paraphrased), ``passages`` and
    ``shared_words_a`` (words of a in aligned passages). Sorted by doc_a, doc_b.
    """
    return pairs_frame(align_corpus(corpus, **options))


def pairs_frame(alignment: Alignment) -> pd.DataFrame:
    """:func:`reuse_pairs_table` from an :class:`Alignment` (for texts that are not a corpus).

    Each compared pair gives its two rows from its comparison alone
    (:class:`_PairResult`); the columns are filled as lists, not one dict per
    row, so a million pairs cost little more than their values.
    """
    columns: dict[str, list] = {c: [] for c in PAIR_COLUMNS}
    add = [columns[c].append for c in PAIR_COLUMNS]
    for r in alignment.results:
        total = r.n_a + r.n_b
        similarity = round((r.counts_a[0] + r.counts_b[0]) / total, 4) if total else 0.0
        for a, b, n, (shared, quoted, paraphrased), words_at in (
            (r.doc_a, r.doc_b, r.n_a, r.counts_a, 9), (r.doc_b, r.doc_a, r.n_b, r.counts_b, 10),
        ):
            values = (
                a, b, n, shared, round(shared / n, 4) if n else 0.0, similarity, quoted, paraphrased,
                len(r.passages), int(sum(p[words_at] for p in r.passages)),
            )
            for append, value in zip(add, values):
                append(value)
    frame = pd.DataFrame(columns if alignment.results else [], columns=PAIR_COLUMNS)
    return frame.sort_values(["doc_a", "doc_b"], ignore_index=True)


def shared_passages_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per aligned passage and direction: ``body_a[start_a:end_a] == text_a`` and the same for b.

    Each passage appears twice, once from each document's side (``doc_a`` is the
    document the row is about), so filtering on ``doc_a`` gives all the passages
    of a document. ``words`` counts the words of ``text_a``, ``similarity`` is
    RapidFuzz's ratio (0-100) of the two passage texts after typographic
    normalisation, ``passage`` numbers the passages of a pair in ``doc_a``'s order.
    Sorted by doc_a, doc_b, start_a.
    """
    return passages_frame(align_corpus(corpus, **options))


def passages_frame(alignment: Alignment) -> pd.DataFrame:
    """:func:`shared_passages_table` from an :class:`Alignment`."""
    names = [c for c in PASSAGE_COLUMNS if c != "passage"]
    columns: dict[str, list] = {c: [] for c in names}
    add = [columns[c].append for c in names]
    texts = alignment.texts
    for r in alignment.results:
        body_a, body_b = texts[r.doc_a], texts[r.doc_b]
        for first_a, last_a, first_b, last_b, start_a, end_a, start_b, end_b, similarity, words_a, words_b in r.passages:
            text_a, text_b = body_a[start_a:end_a], body_b[start_b:end_b]
            for values in (
                (r.doc_a, r.doc_b, start_a, end_a, start_b, end_b, words_a, similarity, text_a, text_b,
                 last_a - first_a + 1, last_b - first_b + 1, words_b),
                (r.doc_b, r.doc_a, start_b, end_b, start_a, end_a, words_b, similarity, text_b, text_a,
                 last_b - first_b + 1, last_a - first_a + 1, words_a),
            ):
                for append, value in zip(add, values):
                    append(value)
    frame = pd.DataFrame(columns if columns["doc_a"] else [], columns=names)
    frame = frame.sort_values(["doc_a", "doc_b", "start_a", "start_b"], ignore_index=True)
    frame.insert(10, "passage", frame.groupby(["doc_a", "doc_b"]).cumcount() + 1)
    return frame[PASSAGE_COLUMNS]


def sentence_matches_table(corpus: Corpus, *, doc_a: str, doc_b: str, **options: Any) -> pd.DataFrame:
    """Every compared sentence of ``doc_a`` with its closest sentence in ``doc_b`` and the scores.

    Columns: ``sent_id, start, end, words, quoted, text, score, status, match_sent_id, match_start, match_end,
    match_text, phrases`` where ``status`` is ``shared``, ``paraphrased`` or ``absent``; the match is the
    closest sentence by score, or for a paraphrased sentence the one sharing most phrases.
    """
    alignment = align_corpus(corpus, **options)
    return _matches(alignment, doc_a, doc_b)


def _matches(alignment: Alignment, doc_a: str, doc_b: str) -> pd.DataFrame:
    for doc in (doc_a, doc_b):
        if doc not in alignment.sentences:
            raise ReuseError(f"no document {doc!r} in the alignment (have {list(alignment.doc_ids)})")
    side = alignment.sides.get((doc_a, doc_b))
    if side is None:
        raise ReuseError(f"{doc_a} and {doc_b} were not compared (not an LSH candidate pair: nothing shared)")
    opts = alignment.options
    other = alignment.sentences[doc_b]
    rows = []
    for s, best, score, phrases, phrase_best in zip(
        alignment.sentences[doc_a], side.best, side.score, side.phrases, side.phrase_best
    ):
        status = "shared" if score >= opts.threshold else "paraphrased" if phrases >= opts.paraphrase_min_phrases else "absent"
        index = int(phrase_best) if status == "paraphrased" else int(best)
        match = other[index] if len(other) and index >= 0 else None
        rows.append(
            {
                "sent_id": s.sent_id, "start": s.start, "end": s.end, "words": s.words, "quoted": s.quoted,
                "text": s.text, "score": float(score), "status": status,
                "match_sent_id": match.sent_id if match else None, "match_start": match.start if match else None,
                "match_end": match.end if match else None, "match_text": match.text if match else "",
                "phrases": int(phrases),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- direction and type

RELATION_COLUMNS = [
    "doc_a", "doc_b", "source", "derived", "type", "direction_basis", "share_derived", "share_source",
    "shared_sentences", "quoted_share", "paraphrased_sentences", "via", "note",
]


def classify_reuse(*, sentences: int, shared: int, quoted: int, paraphrased: int, share_back: float) -> str:
    """The type of reuse of a source by a derived document, from the derived document's sentence counts.

    Args:
        sentences: compared sentences of the derived document.
        shared: of them, found in the source (score >= threshold).
        quoted: of the shared ones, those inside quotation marks in the derived document.
        paraphrased: not shared, but paraphrased (>= ``paraphrase_min_phrases`` two-word phrases in common).
        share_back: share of the *source's* sentences found in the derived one.

    Rules, in order (shares are ``shared / sentences``):
        - **reprint**: both shares >= 0.8 (``REPRINT_SHARE``);
        - **condensed reprint**: share >= 0.5 (``CONDENSED_SHARE``) and fewer than
          half of the shared sentences in quotation marks (``QUOTED_MAJORITY``);
        - **partial quotation**: >= 2 shared sentences, share >= 0.05, and no fewer
          shared than paraphrased sentences (passages quoted, with or without
          quotation marks, or a text made mostly of quotations; a text that
          retells more than it quotes is a paraphrase);
        - **paraphrase**: shared + paraphrased >= 10 % of the sentences and >= 3;
        - **unrelated** otherwise.

    >>> classify_reuse(sentences=71, shared=68, quoted=4, paraphrased=2, share_back=0.29)
    'condensed reprint'
    >>> classify_reuse(sentences=44, shared=2, quoted=2, paraphrased=6, share_back=0.01)
    'paraphrase'
    """
    if sentences <= 0:
        return "unrelated"
    share = shared / sentences
    if share >= REPRINT_SHARE and share_back >= REPRINT_SHARE:
        return "reprint"
    if share >= CONDENSED_SHARE and quoted < QUOTED_MAJORITY * shared:
        return "condensed reprint"
    if shared >= PARTIAL_MIN_SHARED and share >= PARTIAL_MIN_SHARE and shared >= paraphrased:
        return "partial quotation"
    related = shared + paraphrased
    if related >= PARAPHRASE_MIN_SENTENCES and related / sentences >= PARAPHRASE_MIN_SHARE:
        return "paraphrase"
    return "unrelated"


def reuse_relations_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per compared pair of documents: which one draws on which, how, and on what evidence.

    ``source``/``derived`` come from published dates when both are known, else
    from containment (the document more of whose sentences are found in the
    other is the derived one); ``direction_basis`` says which, naming documents
    whose date is unknown. ``via`` names a third document both draw on when that
    explains the link (e.g. two copies of one article). Empty ``source`` and
    ``derived`` for unrelated pairs.
    """
    alignment = align_corpus(corpus, **options)
    dates = {d.doc_id: d.meta("published").value for d in corpus}
    return relations_frame(alignment, dates=dates)


def relations_frame(alignment: Alignment, *, dates: Mapping[str, str] | None = None) -> pd.DataFrame:
    """:func:`reuse_relations_table` from an :class:`Alignment` and optional ISO publication dates."""
    dates = dict(dates or {})
    opts = alignment.options
    stats: dict[tuple[str, str], dict[str, Any]] = {}
    for (a, b), side in alignment.sides.items():
        sentences = alignment.sentences[a]
        hit = side.score >= opts.threshold
        para = (~hit) & (side.phrases >= opts.paraphrase_min_phrases)
        stats[(a, b)] = {
            "n": len(sentences),
            "shared": int(hit.sum()),
            "quoted": int(sum(1 for s, h in zip(sentences, hit) if h and s.quoted)),
            "paraphrased": int(para.sum()),
            "reused": frozenset(np.nonzero(hit | para)[0].tolist()),
        }
    partners: dict[str, set[str]] = {}
    for a, b in stats:
        partners.setdefault(a, set()).add(b)
    share = {k: (v["shared"] / v["n"] if v["n"] else 0.0) for k, v in stats.items()}
    related = {k: ((v["shared"] + v["paraphrased"]) / v["n"] if v["n"] else 0.0) for k, v in stats.items()}
    rows = []
    for a, b in alignment.compared_pairs:
        derived, source = (a, b) if (share[(a, b)], related[(a, b)], b) >= (share[(b, a)], related[(b, a)], a) else (b, a)
        basis = "containment"
        note = ""
        da, db = dates.get(a, ""), dates.get(b, "")
        if da and db and da != db:
            earlier, later = (a, b) if da < db else (b, a)
            if (source, derived) != (earlier, later):
                note = f"containment suggested {derived[:3]} drew on {source[:3]}; the dates say the opposite"
            source, derived = earlier, later
            basis = f"published dates ({earlier[:3]} {dates[earlier]}, {later[:3]} {dates[later]})"
        else:
            unknown = [d[:3] for d in (a, b) if not dates.get(d)]
            if unknown:
                basis = f"containment (published date unknown for {', '.join(unknown)})"
            else:
                basis = "containment (same published date)"
        st = stats[(derived, source)]
        kind = classify_reuse(
            sentences=st["n"], shared=st["shared"], quoted=st["quoted"], paraphrased=st["paraphrased"],
            share_back=share[(source, derived)],
        )
        if kind == "reprint" and basis.startswith("containment") and abs(share[(a, b)] - share[(b, a)]) < 0.05:
            basis = basis.replace("containment", "undetermined: mutual reprint,", 1)
        via = "" if kind == "unrelated" else _via(stats, derived, source, sorted(partners[derived] & partners[source]))
        rows.append(
            {
                "doc_a": a, "doc_b": b,
                "source": "" if kind == "unrelated" else source,
                "derived": "" if kind == "unrelated" else derived,
                "type": kind, "direction_basis": basis if kind != "unrelated" else "",
                "share_derived": round(share[(derived, source)], 4),
                "share_source": round(share[(source, derived)], 4),
                "shared_sentences": st["shared"],
                "quoted_share": round(st["quoted"] / st["shared"], 4) if st["shared"] else 0.0,
                "paraphrased_sentences": st["paraphrased"],
                "via": via, "note": note,
            }
        )
    frame = pd.DataFrame(rows, columns=RELATION_COLUMNS)
    return frame.sort_values(["doc_a", "doc_b"], ignore_index=True)


def _via(stats: Mapping, derived: str, source: str, doc_ids: Iterable[str]) -> str:
    """A third document T that explains the link between two documents: both draw on T.

    T qualifies when, for each of the two documents, >= 80 % (``VIA_OVERLAP``)
    of its sentences reused from the other are also reused from T, and it
    reuses strictly more sentences from T than from the other. Two copies of
    one article are then linked "via" the article; two full copies of it are
    not (neither reuses more from the article than from the other copy), so
    the direction between copies is never invented. Among several such T, the
    one the derived document reuses most. ``doc_ids`` are the candidates for T
    (documents compared with both, in order): any other lacks the comparison.
    """
    best, best_n = "", -1
    for t in doc_ids:
        if t in (derived, source):
            continue
        ok = True
        for one, other in ((derived, source), (source, derived)):
            reused = stats[(one, other)]["reused"]
            from_t = stats.get((one, t), {}).get("reused")
            if from_t is None or len(from_t) <= len(reused) or len(reused & from_t) < VIA_OVERLAP * len(reused):
                ok = False
                break
        n = len(stats[(derived, t)]["reused"]) if ok else -1
        if ok and n > best_n:
            best, best_n = t, n
    return best


def main_relation(relations: pd.DataFrame) -> tuple[str, str]:
    """``(source, derived)`` of the strongest reprint of a relations table, for a notebook's default view.

    The reprint or condensed reprint (else any related pair) with the most shared sentences.

    Raises:
        ReuseError: no pair of documents is related.
    """
    related = relations[relations["type"] != "unrelated"]
    if related.empty:
        raise ReuseError("no two documents share text: nothing to show side by side")
    rank = related["type"].map({"reprint": 0, "condensed reprint": 0, "partial quotation": 1, "paraphrase": 2})
    best = related.assign(_r=rank).sort_values(["_r", "shared_sentences", "doc_a", "doc_b"], ascending=[True, False, True, True]).iloc[0]
    return str(best["source"]), str(best["derived"])


def reprint_partners(relations: pd.DataFrame) -> dict[str, set[str]]:
    """doc_id -> the documents it is a reprint or condensed reprint of, or that reprint it.

    For :func:`presslens.framing.framing_terms` ``exclude=``: a copy of a source's
    words among "the rest" would hide what is typical of the source.
    """
    partners: dict[str, set[str]] = {}
    for row in relations[relations["type"].isin(["reprint", "condensed reprint"])].itertuples(index=False):
        partners.setdefault(row.source, set()).add(row.derived)
        partners.setdefault(row.derived, set()).add(row.source)
    return partners


# --------------------------------------------------------------------------- edits inside passages

_DIFF_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*|[^\w\s]", re.UNICODE)
_PUNCT_ONLY = re.compile(r"^[^\w]*$")
EDIT_KINDS = ("spelling", "case", "punctuation", "wording", "added", "dropped")


@dataclass(frozen=True)
class Edit:
    """One difference between two aligned texts (offsets into each text; empty span for insertions/deletions)."""

    kind: str  # spelling | case | punctuation | wording | added | dropped
    text_a: str
    text_b: str
    start_a: int
    end_a: int
    start_b: int
    end_b: int


def word_diff(text_a: str, text_b: str) -> list[Edit]:
    """Word-level differences from ``text_a`` to ``text_b``, each classified.

    Tokens are words and punctuation marks; typography (curly against straight
    quotes, em dash against hyphen) is not a difference. Kinds: ``spelling`` (one
    word for a close variant: neighbour/neighbor), ``case`` (same words, other
    capitals), ``punctuation``, ``wording`` (other words: "Arabian" for
    "Persian"), ``added`` (only in b) and ``dropped`` (only in a).

    >>> [(e.kind, e.text_a, e.text_b) for e in word_diff("their neighbour Iran", "their neighbor Iran")]
    [('spelling', 'neighbour', 'neighbor')]
    """
    tokens_a = list(_DIFF_TOKEN.finditer(text_a))
    tokens_b = list(_DIFF_TOKEN.finditer(text_b))
    keys_a = [t.group().translate(_TYPOGRAPHY) for t in tokens_a]
    keys_b = [t.group().translate(_TYPOGRAPHY) for t in tokens_b]
    edits = []
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for i1, i2, j1, j2 in _split_variants(keys_a, keys_b, i1, i2, j1, j2):
            op = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
            start_a = tokens_a[i1].start() if i1 < i2 else (tokens_a[i1 - 1].end() if i1 else 0)
            end_a = tokens_a[i2 - 1].end() if i1 < i2 else start_a
            start_b = tokens_b[j1].start() if j1 < j2 else (tokens_b[j1 - 1].end() if j1 else 0)
            end_b = tokens_b[j2 - 1].end() if j1 < j2 else start_b
            kind = _edit_kind(op, keys_a[i1:i2], keys_b[j1:j2])
            edits.append(Edit(kind, text_a[start_a:end_a], text_b[start_b:end_b], start_a, end_a, start_b, end_b))
    return edits


def _variant(a: str, b: str) -> bool:
    """Two tokens that are the same word spelt or capitalised differently (neighbour/neighbor, As/as)."""
    a, b = a.casefold(), b.casefold()
    return a == b or (min(len(a), len(b)) >= 4 and a[0] == b[0] and fuzz.ratio(a, b) >= 75)


def _split_variants(a: Sequence[str], b: Sequence[str], i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int, int, int]]:
    """Split a replaced block whose first or last tokens are variants of each other.

    "and the failure ... them fueled" -> "fuelled" is a dropped clause plus a
    spelling change, not one rewording.
    """
    if i2 - i1 <= 1 and j2 - j1 <= 1 or i1 == i2 or j1 == j2:
        return [(i1, i2, j1, j2)]
    head: list[tuple[int, int, int, int]] = []
    tail: list[tuple[int, int, int, int]] = []
    while i1 < i2 and j1 < j2 and (i2 - i1 > 1 or j2 - j1 > 1) and _variant(a[i1], b[j1]):
        head.append((i1, i1 + 1, j1, j1 + 1))
        i1, j1 = i1 + 1, j1 + 1
    while i1 < i2 and j1 < j2 and (i2 - i1 > 1 or j2 - j1 > 1) and _variant(a[i2 - 1], b[j2 - 1]):
        tail.insert(0, (i2 - 1, i2, j2 - 1, j2))
        i2, j2 = i2 - 1, j2 - 1
    middle = [(i1, i2, j1, j2)] if (i1 < i2 or j1 < j2) else []
    return head + middle + tail


def _edit_kind(op: str, a: Sequence[str], b: Sequence[str]) -> str:
    if all(_PUNCT_ONLY.match(t) for t in (*a, *b)):
        return "punctuation"
    if op == "delete":
        return "dropped"
    if op == "insert":
        return "added"
    if [t.casefold() for t in a] == [t.casefold() for t in b]:
        return "case"
    wa = [t for t in a if not _PUNCT_ONLY.match(t)]
    wb = [t for t in b if not _PUNCT_ONLY.match(t)]
    if len(wa) == 1 and len(wb) == 1 and _variant(wa[0], wb[0]):
        return "spelling"
    joined_a, joined_b = "".join(wa).replace("-", "").casefold(), "".join(wb).replace("-", "").casefold()
    if abs(len(wa) - len(wb)) <= 1 and joined_a and (joined_a == joined_b or _variant(joined_a, joined_b)):
        return "spelling"  # "Al Abadi" / "al-Abadi", "long-time" / "longtime"
    return "wording"


EDIT_COLUMNS = ["doc_a", "doc_b", "passage", "kind", "text_a", "text_b", "start_a", "end_a", "start_b", "end_b"]


def passage_edits_table(corpus: Corpus, *, doc_a: str, doc_b: str, **options: Any) -> pd.DataFrame:
    """Every word-level edit inside the passages ``doc_a`` shares with ``doc_b`` (offsets into both bodies).

    Read it as "going from ``doc_a`` to ``doc_b``": ``dropped`` words are in
    ``doc_a`` only. Pass the source as ``doc_a`` to see what a reprint changed.
    """
    passages = shared_passages_table(corpus, **options)
    return edits_frame(passages, doc_a=doc_a, doc_b=doc_b)


def edits_frame(passages: pd.DataFrame, *, doc_a: str, doc_b: str) -> pd.DataFrame:
    """:func:`passage_edits_table` from a shared-passages frame."""
    rows = []
    pair = passages[(passages["doc_a"] == doc_a) & (passages["doc_b"] == doc_b)]
    for p in pair.itertuples(index=False):
        for e in word_diff(p.text_a, p.text_b):
            rows.append(
                {
                    "doc_a": doc_a, "doc_b": doc_b, "passage": int(p.passage), "kind": e.kind,
                    "text_a": e.text_a, "text_b": e.text_b,
                    "start_a": int(p.start_a) + e.start_a, "end_a": int(p.start_a) + e.end_a,
                    "start_b": int(p.start_b) + e.start_b, "end_b": int(p.start_b) + e.end_b,
                }
            )
    return pd.DataFrame(rows, columns=EDIT_COLUMNS)


_STYLE = {
    "table": "border-collapse:collapse;width:100%;table-layout:fixed;font-size:13px;line-height:1.45",
    "th": "text-align:left;padding:6px;border-bottom:2px solid #444;width:50%",
    "meta": "text-align:left;padding:8px 6px 2px;color:#555;font-size:12px;border-top:1px solid #ddd",
    "td": "vertical-align:top;text-align:left;padding:4px 6px 10px;white-space:pre-wrap",
    "dropped": "background:#fbd0d0;text-decoration:line-through",
    "added": "background:#c8efc8;text-decoration:none",
    "changed_a": "background:#ffe9a8;text-decoration:line-through",
    "changed_b": "background:#ffe9a8;text-decoration:none",
    "minor": "background:#e6e6e6",
}


def side_by_side_html(
    passages: pd.DataFrame,
    *,
    doc_a: str,
    doc_b: str,
    labels: Mapping[str, str] | None = None,
    max_passages: int = 10,
    only_changed: bool = True,
) -> str:
    """HTML of the passages two documents share, side by side, with the edits highlighted.

    Left: ``doc_a``'s text, with what ``doc_b`` dropped struck through in red and
    what it changed in yellow; right: ``doc_b``'s text with additions in green and
    changes in yellow; spelling, case and punctuation changes in grey. Every
    piece of document text (and every label) goes through ``html.escape``.

    Args:
        passages: :func:`shared_passages_table` output.
        doc_a, doc_b: the pair, ``doc_a`` on the left (put the source there).
        labels: doc_id -> display name.
        max_passages: show at most this many passages (those with most edits first).
        only_changed: leave out passages copied without any edit.
    """
    labels = dict(labels or {})
    pair = passages[(passages["doc_a"] == doc_a) & (passages["doc_b"] == doc_b)]
    shown = []
    for p in pair.itertuples(index=False):
        edits = word_diff(p.text_a, p.text_b)
        if edits or not only_changed:
            shown.append((p, edits))
    total = len(shown)
    shown = sorted(shown, key=lambda pe: (-len(pe[1]), pe[0].start_a))[:max_passages]
    shown.sort(key=lambda pe: pe[0].start_a)
    esc = html.escape
    out = [
        f'<div class="presslens-side-by-side"><table style="{_STYLE["table"]}">',
        f'<thead><tr><th style="{_STYLE["th"]}">{esc(labels.get(doc_a, doc_a))}</th>'
        f'<th style="{_STYLE["th"]}">{esc(labels.get(doc_b, doc_b))}</th></tr></thead><tbody>',
    ]
    for p, edits in shown:
        counts = {}
        for e in edits:
            counts[e.kind] = counts.get(e.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no edits"
        out.append(
            f'<tr><td colspan="2" style="{_STYLE["meta"]}">passage {int(p.passage)} · {int(p.words)} words · '
            f"similarity {float(p.similarity):.0f} · characters {int(p.start_a)}–{int(p.end_a)} | "
            f"{int(p.start_b)}–{int(p.end_b)} · {esc(summary)}</td></tr>"
        )
        left = _highlight(p.text_a, [(e.start_a, e.end_a, e.kind) for e in edits], side="a")
        right = _highlight(p.text_b, [(e.start_b, e.end_b, e.kind) for e in edits], side="b")
        out.append(f'<tr><td style="{_STYLE["td"]}">{left}</td><td style="{_STYLE["td"]}">{right}</td></tr>')
    if not shown:
        out.append(f'<tr><td colspan="2" style="{_STYLE["meta"]}">no {"edited " if only_changed else ""}passages</td></tr>')
    out.append("</tbody></table>")
    out.append(
        f'<p style="font-size:12px;color:#555">{len(shown)} of {total} {"edited " if only_changed else ""}passages shown. '
        f'<span style="{_STYLE["dropped"]}">dropped</span> · <span style="{_STYLE["added"]}">added</span> · '
        f'<span style="{_STYLE["changed_b"]}">other words</span> · <span style="{_STYLE["minor"]}">spelling, case, punctuation</span></p></div>'
    )
    return "".join(out)


def _highlight(text: str, spans: Sequence[tuple[int, int, str]], *, side: str) -> str:
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if end <= start:
            if (kind == "dropped" and side == "b") or (kind == "added" and side == "a"):
                out.append(html.escape(text[pos:start]))
                out.append('<span style="color:#b00" title="text on the other side only">⁁</span>')
                pos = start
            continue
        out.append(html.escape(text[pos:start]))
        if kind in ("spelling", "case", "punctuation"):
            style = _STYLE["minor"]
        elif kind == "dropped":
            style = _STYLE["dropped"]
        elif kind == "added":
            style = _STYLE["added"]
        else:
            style = _STYLE["changed_a"] if side == "a" else _STYLE["changed_b"]
        tag = "del" if side == "a" else "ins"
        out.append(f'<{tag} style="{style}" title="{html.escape(kind)}">{html.escape(text[start:end])}</{tag}>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def side_by_side(passages: pd.DataFrame, **kwargs: Any) -> Any:
    """:func:`side_by_side_html` wrapped in ``IPython.display.HTML`` for a notebook cell."""
    from IPython.display import HTML

    return HTML(side_by_side_html(passages, **kwargs))


# --------------------------------------------------------------------------- omissions

OMISSION_COLUMNS = ["source", "derived", "sent_id", "position", "start", "end", "words", "best_score", "paraphrased", "text", "closest"]


def omissions_table(
    corpus: Corpus,
    *,
    source: str,
    derived: str,
    figures: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The sentences of ``source`` that ``derived`` leaves out, in the source's order.

    A sentence is left out when no sentence of the derived document reaches the
    sharing threshold. ``best_score`` is the closest score (0-100) found, so
    "almost kept" sentences (reworded, cut in half) can be told from clean
    omissions; ``paraphrased`` marks those whose phrases are still there, and
    ``closest`` is the derived document's nearest sentence (by score, or for a
    paraphrased one by shared phrases). ``sent_id`` numbers all body sentences
    (as in ``sentences.csv``); ``position`` numbers the compared ones (at least
    ``min_words`` words), so equal steps in ``position`` mean nothing was kept in between.

    Args:
        corpus: the documents.
        source, derived: doc_ids.
        figures: optional ``presslens.figures.figures_table(corpus)``; adds a
            ``figures`` column with the figures stated in each omitted sentence
            (needs ``doc_id, part, start, end``; uses ``kind`` when present).
        mentions: optional ``presslens.entities.entity_mentions_table(corpus)``;
            adds an ``entities`` column (needs ``doc_id, part, entity, start, end``).

    Raises:
        ReuseError: unknown documents, or a figures/mentions frame without the needed columns.
    """
    alignment = align_corpus(corpus, **options)
    matches = _matches(alignment, source, derived)
    omitted = matches[matches["status"] != "shared"]
    frame = pd.DataFrame(
        {
            "source": source, "derived": derived,
            "sent_id": omitted["sent_id"], "position": omitted.index, "start": omitted["start"], "end": omitted["end"],
            "words": omitted["words"], "best_score": omitted["score"],
            "paraphrased": omitted["status"] == "paraphrased", "text": omitted["text"],
            "closest": omitted["match_text"],
        },
        columns=OMISSION_COLUMNS,
    ).reset_index(drop=True)
    body = alignment.texts[source]
    if figures is not None:
        frame["figures"] = _inside(frame, figures, source, body=body, need=["doc_id", "part", "start", "end"], what="figures")
    if mentions is not None:
        frame["entities"] = _inside(frame, mentions, source, body=body, need=["doc_id", "part", "entity", "start", "end"], what="mentions")
    return frame


def _inside(frame: pd.DataFrame, items: pd.DataFrame, doc_id: str, *, body: str, need: list[str], what: str) -> list[str]:
    """For each omitted sentence, the figures or entities of ``items`` that sit inside it, "; "-joined, in text order.

    A figure is placed by its number (``num_start``/``num_end`` when the frame
    has them, else ``start``/``end``) and described by ``value_text`` (else its
    text in the body) with its ``kind`` and ``who``; an entity by its name.
    """
    missing = [c for c in need if c not in items.columns]
    if missing:
        raise ReuseError(f"{what} frame lacks column(s) {missing} (has {list(items.columns)})")
    lo, hi = ("num_start", "num_end") if {"num_start", "num_end"} <= set(items.columns) else ("start", "end")
    mine = items[(items["doc_id"] == doc_id) & (items["part"] == "body")].sort_values([lo, hi])
    out = []
    for row in frame.itertuples(index=False):
        hits = mine[(mine[lo] >= row.start) & (mine[hi] <= row.end)]
        found = []
        for item in hits.to_dict("records"):
            if what == "mentions":
                found.append(str(item["entity"]))
                continue
            text = item.get("value_text") or body[int(item[lo]) : int(item[hi])]
            extra = ", ".join(str(item[k]) for k in ("kind", "who") if item.get(k) and not pd.isna(item[k]))
            found.append(f"{text} ({extra})" if extra else str(text))
        out.append("; ".join(dict.fromkeys(found)))
    return out


OMITTED_RUN_COLUMNS = ["first_sent", "last_sent", "start", "end", "sentences", "words", "best_score", "text"]


def omitted_runs(omitted: pd.DataFrame, corpus_or_body: Corpus | str) -> pd.DataFrame:
    """Consecutive omitted sentences merged into runs: the paragraphs and stretches a copy cuts, one row each.

    Sentences are consecutive when no compared sentence of the source lies
    between them (``position`` steps by one), so a run never hides a kept
    sentence. ``text`` is the source's body from the run's first sentence to
    its last, ``best_score`` the highest of the run (a high one: partly kept).
    ``figures`` and ``entities`` columns of ``omitted`` are carried over, joined.

    Args:
        omitted: :func:`omissions_table` output for one pair.
        corpus_or_body: the corpus (the source's body is looked up) or the source's body itself.
    """
    extra = [c for c in ("figures", "entities") if c in omitted.columns]
    if omitted.empty:
        return pd.DataFrame(columns=OMITTED_RUN_COLUMNS + extra)
    if isinstance(corpus_or_body, str):
        body = corpus_or_body
    else:
        body = corpus_or_body[str(omitted["source"].iloc[0])].body
    ordered = omitted.sort_values("position")
    run_id = (ordered["position"].diff().fillna(1) != 1).cumsum()
    rows = []
    for _, run in ordered.groupby(run_id, sort=True):
        start, end = int(run["start"].min()), int(run["end"].max())
        row = {
            "first_sent": int(run["sent_id"].min()), "last_sent": int(run["sent_id"].max()), "start": start, "end": end,
            "sentences": len(run), "words": int(run["words"].sum()), "best_score": float(run["best_score"].max()),
            "text": body[start:end],
        }
        for column in extra:
            items = [item for cell in run[column] if cell for item in str(cell).split("; ")]
            row[column] = "; ".join(dict.fromkeys(items))
        rows.append(row)
    return pd.DataFrame(rows, columns=OMITTED_RUN_COLUMNS + extra)


LOST_ENTITY_COLUMNS = ["entity", "type", "source_mentions", "derived_mentions", "in_omitted"]


def lost_entities_table(mentions: pd.DataFrame, omitted: pd.DataFrame, *, source: str, derived: str) -> pd.DataFrame:
    """Entities named in the sentences a derived document leaves out, with how often each document names them.

    ``derived_mentions == 0`` means the entity disappears from the story
    altogether. Sorted: vanished entities first, then by mentions in omitted sentences.

    Args:
        mentions: ``presslens.entities.entity_mentions_table(corpus)``.
        omitted: :func:`omissions_table` output for the same pair.
        source, derived: doc_ids.
    """
    missing = [c for c in ("doc_id", "part", "entity", "start", "end") if c not in mentions.columns]
    if missing:
        raise ReuseError(f"mentions frame lacks column(s) {missing} (has {list(mentions.columns)})")
    body = mentions[mentions["part"] == "body"]
    src, der = body[body["doc_id"] == source], body[body["doc_id"] == derived]
    inside = np.zeros(len(src), dtype=bool)
    for row in omitted.itertuples(index=False):
        inside |= ((src["start"] >= row.start) & (src["end"] <= row.end)).to_numpy()
    hit = src[inside]
    if hit.empty:
        return pd.DataFrame(columns=LOST_ENTITY_COLUMNS)
    types = src.groupby("entity")["type"].first() if "type" in src.columns else pd.Series(dtype=str)
    frame = pd.DataFrame({"in_omitted": hit.groupby("entity").size()})
    frame["source_mentions"] = src.groupby("entity").size().reindex(frame.index).fillna(0).astype(int)
    frame["derived_mentions"] = der.groupby("entity").size().reindex(frame.index).fillna(0).astype(int)
    frame["type"] = types.reindex(frame.index).fillna("")
    frame = frame.reset_index().rename(columns={"index": "entity"})
    frame = frame.assign(_gone=frame["derived_mentions"] > 0)
    frame = frame.sort_values(["_gone", "in_omitted", "entity"], ascending=[True, False, True]).drop(columns="_gone")
    return frame[LOST_ENTITY_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- quotes across documents

QUOTE_COLUMNS = ["doc_id", "quote_id", "start", "end", "words", "speaker", "speaker_basis", "closed", "text"]


def quotes_table(corpus: Corpus, *, min_words: int = 2) -> pd.DataFrame:
    """Every direct quotation in the bodies: ``body[start:end] == text`` (the words inside the marks).

    ``quote_id`` is ``<doc number>-q<n>`` in text order; ``speaker_basis`` as in :class:`Quote`.
    """
    rows = []
    for doc in corpus:
        for n, q in enumerate(extract_quotes(doc.body, min_words=min_words), start=1):
            rows.append(
                {
                    "doc_id": doc.doc_id, "quote_id": f"{doc.doc_id[:3]}-q{n:02d}", "start": q.start, "end": q.end,
                    "words": count_words(q.text), "speaker": q.speaker, "speaker_basis": q.basis,
                    "closed": q.closed, "text": q.text,
                }
            )
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    return frame.sort_values(["doc_id", "start"], ignore_index=True)


def quote_matrix(
    corpus: Corpus,
    *,
    min_words: int = 3,
    threshold: float = 85.0,
    text_threshold: float = 92.0,
    min_documents: int = 2,
    labels: bool = True,
) -> pd.DataFrame:
    """Which documents carry which quotation: ``quoted`` (in quotation marks), ``in text`` (the same words as its own text), or empty.

    Quotations of different documents are the same when their texts match
    (RapidFuzz ratio >= ``threshold``), or one lies inside the other
    (``partial_ratio`` >= ``threshold``) and is at least half as long. A
    document also counts as quoting it when one of its own quotations contains
    it. A document "carries in text" a quotation when its body contains those
    words outside quotation marks (``partial_ratio`` >= ``text_threshold``,
    stricter because a short quotation matches loosely in a long body):
    typically the source the others quote.

    Args:
        corpus: the documents.
        min_words: shorter quotations (scare quotes, "democratic") are left out.
        threshold: 0-100 fuzzy-match threshold between quotations.
        text_threshold: 0-100 threshold for finding a quotation in a body.
        min_documents: keep quotations carried by at least this many documents.
        labels: name the document columns by ``Document.label`` instead of doc_id.

    Returns:
        ``quote, words, speaker, documents`` then one column per document;
        sorted by number of documents (most first), then first appearance.
    """
    table = quotes_table(corpus, min_words=min_words)
    doc_ids = [d.doc_id for d in corpus]
    keyed = [(r, sentence_key(r.text)) for r in table.itertuples(index=False)]
    keyed.sort(key=lambda rk: (-len(rk[1]), rk[0].doc_id, rk[0].start))
    clusters: list[dict[str, Any]] = []
    for row, key in keyed:
        for cluster in clusters:
            rep = cluster["key"]
            if fuzz.ratio(key, rep) >= threshold or (
                len(key) >= 0.5 * len(rep) and fuzz.partial_ratio(key, rep) >= threshold
            ):
                cluster["members"].append(row)
                break
        else:
            clusters.append({"key": key, "text": row.text, "members": [row]})
    bodies = {d.doc_id: sentence_key(d.body) for d in corpus}
    quote_keys: dict[str, list[str]] = {d: [] for d in doc_ids}
    for row, key in keyed:
        quote_keys[row.doc_id].append(key)
    rows = []
    for cluster in clusters:
        quoted_in = {m.doc_id for m in cluster["members"]}
        cells = {}
        for doc_id in doc_ids:
            if doc_id in quoted_in or any(
                len(k) >= len(cluster["key"]) and fuzz.partial_ratio(cluster["key"], k) >= threshold for k in quote_keys[doc_id]
            ):
                cells[doc_id] = "quoted"
            elif fuzz.partial_ratio(cluster["key"], bodies[doc_id]) >= text_threshold:
                cells[doc_id] = "in text"
            else:
                cells[doc_id] = ""
        first = min(cluster["members"], key=lambda m: (m.doc_id, m.start))
        speakers = [m.speaker for m in sorted(cluster["members"], key=lambda m: (m.doc_id, m.start)) if m.speaker]
        rows.append(
            {
                "quote": cluster["text"], "words": count_words(cluster["text"]),
                "speaker": speakers[0] if speakers else "",
                "documents": sum(1 for v in cells.values() if v),
                "_first": (first.doc_id, first.start), **cells,
            }
        )
    frame = pd.DataFrame(rows, columns=["quote", "words", "speaker", "documents", "_first", *doc_ids])
    frame = frame[frame["documents"] >= min_documents]
    frame = frame.sort_values(["documents", "_first"], ascending=[False, True]).drop(columns="_first").reset_index(drop=True)
    if labels:
        frame = frame.rename(columns={d.doc_id: d.label for d in corpus})
    return frame


# --------------------------------------------------------------------------- charts


def _safe(text: object) -> str:
    """Plotly renders a subset of HTML in titles, labels and hover text: document text must not bring its own."""
    return html.escape(str(text), quote=False)


def _axis_label(text: object, *, width: int = 14) -> str:
    """A document label for a horizontal axis: number, then the name wrapped to ``width`` characters, each line escaped."""
    head, _, name = str(text).partition(" · ")
    lines = [head, *textwrap.wrap(name, width=width, max_lines=3, placeholder="…")] if name else textwrap.wrap(head, width) or [""]
    return "<br>".join(_safe(line) for line in lines)


def most_reused(pairs: pd.DataFrame, n: int, *, doc_ids: Iterable[str] = ()) -> list[str]:
    """The ``n`` documents most involved in reuse: ranked by the largest ``share_a`` they have with any other document, in either role.

    Ties go to the smaller ``doc_id``; documents of ``doc_ids`` without any pair
    come last. Charts and the quotation matrix of a large corpus show these.
    """
    both = pd.concat([pairs[["doc_a", "share_a"]].rename(columns={"doc_a": "doc"}),
                      pairs[["doc_b", "share_a"]].rename(columns={"doc_b": "doc"})], ignore_index=True)
    best = both.groupby("doc")["share_a"].max()
    for doc in doc_ids:
        if doc not in best.index:
            best.loc[doc] = -1.0
    ranked = sorted(best.index, key=lambda d: (-float(best[d]), d))
    return ranked[:n]


def similarity_heatmap(
    pairs: pd.DataFrame, *, labels: Mapping[str, str] | None = None, value: str = "share_a", source: str,
    max_documents: int | None = None,
) -> go.Figure:
    """Heatmap of a ``reuse_pairs`` column: row document against column document.

    With ``value="share_a"`` (default) a cell is the share of the row document's
    sentences found in the column document, so the matrix is not symmetric: a
    condensed reprint has a high value in its source's column, not the other way round.
    Above ``max_documents`` documents only the :func:`most_reused` ones are drawn, as the title says.
    """
    if value not in ("share_a", "similarity"):
        raise ReuseError(f"heatmap value must be 'share_a' or 'similarity', got {value!r}")
    labels = dict(labels or {})
    docs = sorted(set(pairs["doc_a"]) | set(pairs["doc_b"]) | set(labels))
    note = ""
    if max_documents is not None and len(docs) > max_documents:
        total = len(docs)
        docs = sorted(most_reused(pairs, max_documents, doc_ids=docs))
        pairs = pairs[pairs["doc_a"].isin(docs) & pairs["doc_b"].isin(docs)]
        note = f"<br><sup>the {len(docs):,} of {total:,} documents with the largest share found in another; every pair compared is in data/reuse_pairs.csv</sup>"
    names = [_safe(labels.get(d, d)) for d in docs]
    index = {d: k for k, d in enumerate(docs)}
    z = np.full((len(docs), len(docs)), np.nan)
    hover = [["same document" if i == j else "not compared (no LSH candidate)" for j in range(len(docs))] for i in range(len(docs))]
    for row in pairs.itertuples(index=False):
        i, j = index[row.doc_a], index[row.doc_b]
        z[i, j] = getattr(row, value)
        hover[i][j] = (
            f"{names[i]}<br>{row.shared_sentences_a} of {row.sentences_a} sentences found in<br>{names[j]}"
            f"<br>share {row.share_a:.0%} · similarity {row.similarity:.0%}"
        )
    text = [["—" if i == j else "" if np.isnan(v) else f"{v:.0%}" for j, v in enumerate(r)] for i, r in enumerate(z)]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[_axis_label(labels.get(d, d)) for d in docs], y=names, zmin=0, zmax=1, colorscale="Blues",
            text=text, texttemplate="%{text}", xgap=2, ygap=2,
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            colorbar={"title": {"text": "share" if value == "share_a" else "similarity"}, "tickformat": ".0%"},
        )
    )
    title = (
        "Share of each row document's sentences found in the column document"
        if value == "share_a"
        else "Sentence overlap between documents (shared sentences of both / sentences of both)"
    )
    fig.update_layout(
        title=title + note, xaxis_title="found in (doc_b)", yaxis_title="sentences of (doc_a)",
        yaxis={"autorange": "reversed"}, xaxis={"tickangle": 0, "side": "bottom"}, height=260 + 60 * len(docs),
        plot_bgcolor="white",
    )
    return add_source(fig, source)


TYPE_COLOURS = {
    "reprint": "#08519c",
    "condensed reprint": "#3182bd",
    "partial quotation": "#e6550d",
    "paraphrase": "#31a354",
}


def reuse_graph(
    relations: pd.DataFrame, *, labels: Mapping[str, str] | None = None, source: str, max_links: int | None = None
) -> go.Figure:
    """Who draws on whom: documents on a circle, an arrow from each source to the document that reuses it.

    Arrows are coloured by type and labelled with the share of the derived
    document's sentences found in the source. Links explained by a common
    source (``via``) are drawn as grey dotted lines without arrowheads;
    unrelated pairs are not drawn. A pair whose direction is undetermined
    (mutual reprint, dates unknown) has arrowheads at both ends. Above
    ``max_links`` related pairs, only the strongest (largest share of the
    derived document) and their documents are drawn, as the title says.
    """
    labels = dict(labels or {})
    docs = sorted(set(relations["doc_a"]) | set(relations["doc_b"]) | set(labels))
    note = ""
    linked = relations[relations["type"] != "unrelated"]
    if max_links is not None and len(linked) > max_links:
        from .display import choose

        kept, how = choose(linked, max_links, by="share_derived", what="related pairs")
        relations = kept
        docs = sorted(set(kept["doc_a"]) | set(kept["doc_b"]))
        note = f"<br><sup>{how.describe().replace('by share_derived', 'by share of the derived document')} and their {len(docs):,} documents; every pair is in the relations table</sup>"
    n = max(len(docs), 1)
    pos = {d: (math.cos(math.pi / 2 - 2 * math.pi * k / n), math.sin(math.pi / 2 - 2 * math.pi * k / n)) for k, d in enumerate(docs)}

    def text_position(d: str) -> str:
        x, y = pos[d]
        if abs(x) < 0.3:
            return "top center" if y > 0 else "bottom center"
        return ("middle right" if x > 0 else "middle left") if abs(y) < 0.8 else ("top center" if y > 0 else "bottom center")

    fig = go.Figure()
    related = relations[relations["type"] != "unrelated"]
    for row in related.sort_values(["doc_a", "doc_b"]).itertuples(index=False):
        (x0, y0), (x1, y1) = pos[row.source], pos[row.derived]
        # stop short of the markers
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy) or 1.0
        sx, sy = x0 + dx * 0.09 / length, y0 + dy * 0.09 / length
        ex, ey = x1 - dx * 0.09 / length, y1 - dy * 0.09 / length
        label = f"{row.type} · {row.share_derived:.0%}"
        if row.via:
            fig.add_scatter(
                x=[sx, ex], y=[sy, ey], mode="lines", line={"color": "#aaa", "dash": "dot", "width": 1.5},
                hoverinfo="skip", showlegend=False,
            )
            label = f"{row.type} via {str(row.via)[:3]}"
            colour = "#888"
        else:
            colour = TYPE_COLOURS.get(row.type, "#555")
            width = 1.5 + 3 * float(row.share_derived)
            fig.add_annotation(
                x=ex, y=ey, ax=sx, ay=sy, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                arrowhead=2, arrowsize=1.0, arrowwidth=width, arrowcolor=colour, text="",
                startarrowhead=3 if str(row.direction_basis).startswith("undetermined") else 0,
                arrowside="end+start" if str(row.direction_basis).startswith("undetermined") else "end",
            )
        fig.add_annotation(
            x=(sx + ex) / 2, y=(sy + ey) / 2, text=_safe(label), showarrow=False, font={"size": 11, "color": colour},
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.add_scatter(
        x=[pos[d][0] for d in docs], y=[pos[d][1] for d in docs], mode="markers+text",
        text=[_safe(labels.get(d, d)) for d in docs], textposition=[text_position(d) for d in docs],
        marker={"size": 22, "color": "#f2f2f2", "line": {"color": "#333", "width": 1.5}},
        hovertext=[_safe(labels.get(d, d)) for d in docs], hoverinfo="text", showlegend=False,
    )
    for kind, colour in TYPE_COLOURS.items():
        fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": colour, "width": 4}, name=kind)
    fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": "#aaa", "dash": "dot"}, name="via a common source")
    fig.update_layout(
        title="Who draws on whom (arrow: from source to the document reusing it; label: share of its sentences)" + note,
        xaxis={"visible": False, "range": [-2.3, 2.3]}, yaxis={"visible": False, "range": [-1.35, 1.3]},
        height=560, legend_title="type of reuse", plot_bgcolor="white",
    )
    return add_source(fig, source)


def quote_matrix_chart(matrix: pd.DataFrame, *, source: str, clip_at: int = 70, max_quotes: int | None = None, note: str = "") -> go.Figure:
    """The quote x document matrix as a chart: dark = in quotation marks, light = the same words as running text.

    Above ``max_quotes`` rows only the first (the quotations carried by the most
    documents) are drawn, as the title says; ``note`` is added to the title (trusted text).
    """
    total = len(matrix)
    if max_quotes is not None and total > max_quotes:
        matrix = matrix.head(max_quotes)
        note = f"the {max_quotes:,} of {total:,} quotations carried by the most documents" + (f"; {note}" if note else "")
    doc_columns = list(matrix.columns[4:])
    codes = {"quoted": 2, "in text": 1, "": 0}
    z = [[codes.get(v, 0) for v in row] for row in matrix[doc_columns].itertuples(index=False)]
    quotes = [_safe(_clip(q, clip_at)) for q in matrix["quote"]]
    rows_y = [f"{k + 1}. {q}" for k, q in enumerate(quotes)]
    hover = [
        [f"{_safe(_clip(q, 300))}<br>speaker: {_safe(sp) or 'not named'}<br>{_safe(d)}: {v or 'absent'}" for d, v in zip(doc_columns, row)]
        for q, sp, row in zip(matrix["quote"], matrix["speaker"], matrix[doc_columns].itertuples(index=False))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[_axis_label(d) for d in doc_columns], y=rows_y, zmin=0, zmax=2, xgap=2, ygap=2,
            colorscale=[[0, "#f4f4f4"], [0.33, "#f4f4f4"], [0.34, "#9ecae1"], [0.66, "#9ecae1"], [0.67, "#08519c"], [1, "#08519c"]],
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            colorbar={"tickvals": [0.33, 1, 1.67], "ticktext": ["absent", "in text", "quoted"], "title": {"text": ""}},
        )
    )
    fig.update_layout(
        title="Which documents carry which quotation" + (f"<br><sup>{note}</sup>" if note else ""), xaxis_title="document", yaxis_title="quotation",
        yaxis={"autorange": "reversed", "tickfont": {"size": 10}}, xaxis={"tickangle": 0}, height=260 + 28 * max(len(rows_y), 1),
        margin={"l": 420},
    )
    return add_source(fig, source)


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = [
    "Alignment", "Edit", "Passage", "Quote", "REUSE_TYPES", "ReuseError", "ReuseOptions", "Sentence", "SideMatch",
    "align_corpus", "align_texts", "classify_reuse", "edits_frame", "extract_quotes", "lost_entities_table", "main_relation", "most_reused", "omitted_runs",
    "omissions_table", "pairs_frame", "passage_edits_table", "passages_frame", "quote_matrix", "quote_matrix_chart",
    "quote_spans", "quotes_table", "relations_frame", "reprint_partners", "reuse_graph", "reuse_pairs_table", "reuse_relations_table",
    "sentence_key", "sentence_matches_table", "shared_passages_table", "side_by_side", "side_by_side_html",
    "similarity_heatmap", "word_diff",
]
