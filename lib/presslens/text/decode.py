"""Decoding a document's bytes to normalised text, recording the encoding.

UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; anything
else falls back to cp1252/latin-1 for Western pages, then charset-normalizer's
guess. Line endings become ``\\n`` and the text is NFC-normalised.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..errors import CorpusError


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
