"""Direct quotations in a text and who is quoted (:func:`quote_spans`, :func:`extract_quotes`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..text import count_words, sentence_spans
from .words import NOT_A_PERSON_START, SPEECH_VERBS

_QUOTE_CHAR = re.compile('["\u201c\u201d]')
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*")
_OPENERS = set(" \t\n([{\u2014\u2013-/")

_NAME_TOKEN = r"(?:[Aa]l-|[Ee]l-|bin\s|ibn\s|de\s|van\s|von\s)?[A-Z][\w\u2019'.-]*"
_NAME = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}"
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Tt]his|[Tt]hat|[Aa]nother)"
_DESCRIPTION = rf"{_DETERMINER}\s+(?:[\w\u2019'-]+\s+){{0,4}}?[\w\u2019'-]+"
_POSSESSIVE = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}}[\u2019']s\s+(?:[a-z][\w-]*\s+){{0,2}}?[a-z][\w-]*"
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|I|[Ww]e)"
_PRONOUN_RE = re.compile(_PRONOUN)
_SPEAKER = rf"(?P<speaker>{_PRONOUN}|{_POSSESSIVE}|{_DESCRIPTION}|{_NAME})"

#: ``"...," Jabr told`` / ``"...," he said`` / ``"...," the report stated`` (text right after the closing mark).
_AFTER_SPEAKER_VERB = re.compile(rf"^[\s,]*{_SPEAKER}\s+(?:{SPEECH_VERBS})\b")
#: ``"...," said Jabr``.
_AFTER_VERB_SPEAKER = re.compile(rf"^[\s,]*(?:{SPEECH_VERBS})\s+(?P<speaker>{_DESCRIPTION}|{_NAME})\b")
#: ``Jabr recalled, "...`` / ``The study concludes: "...`` (text right before the opening mark).
_BEFORE_SPEAKER_VERB = re.compile(rf"(?:^|[\s,;(])(?:{_SPEAKER})\s+(?:{SPEECH_VERBS})(?:\s+that)?\s*[:,]?\s*$")
#: ``According to The Intercept, "...``.
_BEFORE_ACCORDING = re.compile(rf"[Aa]ccording to\s+(?P<speaker>{_DESCRIPTION}|{_NAME})\s*,?\s*$")
#: A named person as the subject of a sentence: ``Hassan Danaiefar, Iran's ambassador ..., declined``.
_PERSON = r"(?:[Aa]l-|[Ee]l-)?[A-Z][a-z\u2019'-]+(?:\s+(?:[Aa]l-|[Ee]l-|bin\s|de\s)?[A-Z][a-z\u2019'-]+){1,3}"
_SUBJECT = re.compile(rf"(?:^|,\s+)(?P<name>{_PERSON})\s*,(?:\s[^,]{{2,200}},)?\s+(?:{SPEECH_VERBS}|[a-z]+ed)\b|^(?P<name2>{_PERSON})\s+(?:{SPEECH_VERBS})\b")
_AFTER_CHARS = 200
_BETWEEN_CHARS = 120
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*(?=\s|$)")
_NEW_SENTENCE_AFTER = re.compile(r"\.[\"'\u2019\u201d)]*$")
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
    of the outer one. A quotation still open at the end of its paragraph runs on
    into the next paragraphs when one of the next ``CONTINUED_PARAGRAPHS`` closes it
    before opening another (a statement split into paragraphs by a web page);
    otherwise it runs to its paragraph's end (news style, where a quote continued
    in the next paragraph opens again there). Outside double quotation marks,
    single ones (British style) are quotations too: ``‘`` or a ``'`` after a
    space, a colon or the start of a paragraph and before a capital letter or a
    digit opens one, a ``’`` or ``'`` after a word and before a space,
    punctuation or the paragraph's end closes it; an apostrophe inside a word
    (``Queen's``) is neither.

    >>> t = 'He said "not the \\"Alpha list\\" outside" and “more”.'
    >>> [t[a:b] for a, b, _ in quote_spans(t)]
    ['not the "Alpha list" outside', 'more']
    >>> t = "The statement reads: 'The Queen died peacefully.\\n\\nThe King will return.' The Queen's son spoke."
    >>> [t[a:b] for a, b, _ in quote_spans(t)]
    ['The Queen died peacefully.\\n\\nThe King will return.']
    """
    paragraphs = [m.span() for m in _PARAGRAPH.finditer(text)]
    double = _scan(text, paragraphs, _QUOTE_CHAR, _double_mark)
    if not any(c in text for c in "'\u2018\u2019"):
        return double
    outside = _outside(paragraphs, double)
    single = _scan(text, outside, _SINGLE_CHAR, _single_mark)
    return sorted(double + single)


#: a quotation open at a paragraph's end may be closed this many paragraphs later (before any other opens)
CONTINUED_PARAGRAPHS = 3
_SINGLE_CHAR = re.compile("['\u2018\u2019]")
_CLOSE_FOLLOW = set(" \t\n.,;:!?)]}\u2014\u2013-\"\u201d")


def _double_mark(text: str, pos: int, p_start: int, p_end: int, open_: bool) -> bool | None:
    """True: the ``"`` / curly double mark at ``pos`` opens a quotation; False: it closes one."""
    char = text[pos]
    if char == "\u201c":
        return True
    if char == "\u201d":
        return False
    before = text[pos - 1] if pos > p_start else " "
    after = text[pos + 1] if pos + 1 < p_end else " "
    if before in _OPENERS and not after.isspace():
        return True
    if not before.isspace():
        return False
    return not open_


def _single_mark(text: str, pos: int, p_start: int, p_end: int, open_: bool) -> bool | None:
    """True: a single mark opening a quotation; False: closing one; None: an apostrophe (neither)."""
    char = text[pos]
    before = text[pos - 1] if pos > p_start else " "
    after = text[pos + 1] if pos + 1 < p_end else " "
    if char in "'\u2018" and (before in _OPENERS or before == ":") and (after.isupper() or after.isdigit() or (char == "\u2018" and after.isalpha())):
        return True
    if char in "'\u2019" and open_ and not before.isspace() and after in _CLOSE_FOLLOW:
        return False
    return None


def _scan(text: str, regions: Sequence[tuple[int, int]], marks: re.Pattern, kind) -> list[tuple[int, int, bool]]:
    """Quotation spans over ``regions`` (paragraphs, or their parts outside other quotations), in order."""
    spans: list[tuple[int, int, bool]] = []
    carry: tuple[int, int, int] | None = None  # (open position, end of its paragraph, paragraphs carried)
    for p_start, p_end in regions:
        stack: list[int] = []
        found = [(m.start(), kind(text, m.start(), p_start, p_end, True)) for m in marks.finditer(text, p_start, p_end)]
        if carry is not None:
            first = next((opens for _, opens in found if opens is not None), None)
            if first is False:  # the quotation left open goes on in this paragraph and closes here
                stack.append(carry[0])
            elif first is None and carry[2] < CONTINUED_PARAGRAPHS:
                carry = (carry[0], carry[1], carry[2] + 1)
                continue
            else:
                spans.append(_trimmed(text, carry[0] + 1, carry[1], closed=False))
            carry = None
        for pos, _ in found:
            opens = kind(text, pos, p_start, p_end, bool(stack))
            if opens is None:
                continue
            if opens:
                stack.append(pos)
            elif stack:
                start = stack.pop()
                if not stack:
                    spans.append(_trimmed(text, start + 1, pos, closed=True))
        if stack:
            carry = (stack[0], p_end, 1)
    if carry is not None:
        spans.append(_trimmed(text, carry[0] + 1, carry[1], closed=False))
    return [s for s in spans if s[1] > s[0]]


def _outside(regions: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """The parts of ``regions`` not covered by ``spans`` (each quotation's marks included in the cover)."""
    out = []
    cuts = sorted((a - 1, b + 1) for a, b, _ in spans)
    for p_start, p_end in regions:
        pos = p_start
        for a, b in cuts:
            if b <= pos or a >= p_end:
                continue
            if a > pos:
                out.append((pos, a))
            pos = max(pos, b)
        if pos < p_end:
            out.append((pos, p_end))
    return out


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
        if name.split()[0] not in NOT_A_PERSON_START:
            names.add(name)
    return names.pop() if len(names) == 1 else ""
