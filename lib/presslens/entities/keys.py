"""The comparison key: same length as the text, so offsets need no mapping.

Text and codebook forms are compared on a key in which case, hyphens and odd
spaces, apostrophes and Latin diacritics no longer differ (:func:`fold_key`);
the key keeps the text's length, so an offset found in the key is an offset in
the text. Acronyms (:func:`is_acronym`) are keyed in their exact case.
"""

from __future__ import annotations

import re
import unicodedata


def _shape_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for ch in "\t\u00a0\u2007\u2009\u200a\u202f":
        table[ord(ch)] = " "
    for ch in "-\u2010\u2011":  # hyphens join name parts ("al-Abadi" = "al Abadi"); dashes do not
        table[ord(ch)] = " "
    for ch in "\u2019\u2018\u02bc\u02bb\u02be\u02bf\u2032`":  # apostrophes and transliteration marks
        table[ord(ch)] = "'"
    for code in range(0xC0, 0x250):  # Latin-1 Supplement, Latin Extended-A/B: drop diacritics
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


_SHAPE = _shape_table()
_SHAPE_CHARS = {chr(code): value for code, value in _SHAPE.items()}
# a regex substitution is ~5x faster than str.translate with a dict on non-ASCII text
_SHAPE_RE = re.compile("[" + re.escape("".join(sorted(_SHAPE_CHARS))) + "]")
_SPACES = "[ \t\u00a0\u2007\u2009\u200a\u202f]"
_MULTISPACE = re.compile(_SPACES + "{2,}")

_ACRONYM_RE = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Z0-9&]+")
_ALLCAPS_WORD = re.compile(r"[A-Z]{2,}")


def fold_key(text: str) -> str:
    """The key two spellings share when they differ only in case, hyphens, apostrophes or diacritics.

    The key has the same length as ``text``, so an offset found in the key is an
    offset in the text (codebook forms are keyed the same way, with runs of spaces
    collapsed). Discovery groups spellings by it.

    >>> fold_key("Al-Abadi’s") == fold_key("al Abadi's")
    True
    >>> fold_key("Qāsem")
    'qasem'
    """
    return _lower(_shape(text))


def _shape(text: str) -> str:
    """Hyphens and odd spaces to a space, apostrophes to ', diacritics dropped; same length."""
    return _SHAPE_RE.sub(lambda m: _SHAPE_CHARS[m.group()], text)


def _lower(shaped: str) -> str:
    lowered = shaped.lower()
    if len(lowered) != len(shaped):  # a few characters lower-case to two ("İ"): keep the length
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in shaped)
    return lowered


def _form_key(form: str, *, exact: bool) -> str:
    shaped = " ".join(_shape(form).split())
    return shaped if exact else _lower(shaped)


def is_acronym(form: str) -> bool:
    """A form written in capitals (US, U.S., MOIS, IRGC): matched case-sensitively.

    >>> is_acronym("U.S."), is_acronym("MOIS"), is_acronym("Mahdi"), is_acronym("DoD")
    (True, True, False, False)
    """
    return bool(_ACRONYM_RE.fullmatch(form.strip()))
