"""Corpus ingestion: files in a folder become clean, structured documents.

``load_corpus`` reads every document in a folder (``.txt``, ``.html``), decodes it,
segments it into title, standfirst, body, captions, boilerplate and comments, and
attaches what ``sources.yml`` says about it. HTML pages go through
:func:`.webpage.read_web_page` (trafilatura's main text, DOM comment threads, the
page's own metadata); text copies through :func:`.segment.segment_page`. Files it cannot use are *rejected*
with a reason (empty, binary, undecodable, unsupported type, duplicate, no body,
too large) and the run goes on; ``strict=True`` makes any rejection fatal.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError
from ..labels import document_label
from ..text import count_words, decode_bytes
from .comments import Comment
from .metadata import SOURCES_FILE, SourceEntry, Value, load_sources
from .segment import BODY_KINDS, Segment, segment_page
from .webpage import charset_warning, read_web_page

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")
#: Files beside the documents that are data, not documents.
#: the codebook's file name (read by :mod:`presslens.entities`; ingest only notes when it is missing)
CODEBOOK_FILE = "entities.yml"
DATA_FILES = frozenset({SOURCES_FILE, CODEBOOK_FILE, "corrections.yml", "README.md"})
DATA_SUFFIXES = (".yml", ".yaml", ".md", ".csv", ".json")
#: the size limit per file unless ``load_corpus`` is given one
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
PARAGRAPH_SEP = "\n\n"


@dataclass
class Document:
    """One document: its text split into parts, its comments and its metadata."""

    doc_id: str
    file: str
    sha256: str
    n_bytes: int
    encoding: str
    segments: list[Segment]
    comments: list[Comment]
    source: SourceEntry
    declared_comments: int | None = None
    layouts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: what an HTML page states about itself (JSON-LD, Open Graph, meta tags), by field; ``sources.yml`` overrides it
    page_meta: dict[str, Value] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs, in page order."""
        return [s.text for s in self.segments if s.kind in BODY_KINDS]

    @property
    def body(self) -> str:
        """The running text the outlet published, paragraphs separated by a blank line.

        Offsets in every table (sentences, mentions, figures) index into this string.
        """
        return PARAGRAPH_SEP.join(self.paragraphs)

    def part(self, kind: str) -> str:
        """The text of the segments of one kind (e.g. ``standfirst``), joined by newlines."""
        return "\n".join(s.text for s in self.segments if s.kind == kind)

    @property
    def title(self) -> str:
        """The headline on the page, else the one ``sources.yml`` gives, else empty."""
        return self.part("title") or self.meta("title").value

    @property
    def removed(self) -> list[Segment]:
        """Everything stripped as boilerplate, for the analyst to check."""
        return [s for s in self.segments if s.kind == "boilerplate"]

    def meta(self, name: str) -> Value:
        """A metadata field (``outlet``, ``published``...) with basis and evidence.

        ``sources.yml`` first (the analyst's word), then, for the title, the headline
        on the page, then what the page's markup states (:attr:`page_meta`), else unknown.
        """
        stated = self.source.get(name)
        if stated.value:
            return stated
        if name == "title" and self.part("title"):
            return Value(self.part("title"), "stated", "headline on the page")
        return self.page_meta.get(name) or stated

    @property
    def label(self) -> str:
        """A short name for charts and tables: number, then outlet, else shortened title.

        The number is the doc_id's leading digits ("000" of "000_f852…", "01234" of
        "01234_x"), so labels stay distinct in corpora of thousands of numbered
        files; a doc_id not starting with a digit gives its first three characters.

        >>> # "000 · The Burning Platform", "004 · (untitled)"
        """
        return document_label(self.doc_id, self.meta("outlet").value or self.title or "(untitled)")

    @property
    def words(self) -> int:
        return count_words(self.body)


@dataclass(frozen=True)
class InputFile:
    """A file seen in the corpus folder and what became of it."""

    file: str
    sha256: str
    bytes: int
    encoding: str
    status: str  # accepted | rejected
    reason: str = ""


@dataclass
class Corpus:
    """The documents of a folder, plus what was rejected and why."""

    path: Path
    documents: list[Document]
    inputs: list[InputFile]
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rejected(self) -> list[InputFile]:
        return [i for i in self.inputs if i.status == "rejected"]

    def __iter__(self):
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(f"no document {doc_id!r} in {self.path} (have {[d.doc_id for d in self.documents]})")


def load_corpus(path: str | Path, *, strict: bool = False, max_bytes: int | None = None) -> Corpus:
    """Load every document in a folder.

    Args:
        path: the corpus folder (documents plus ``sources.yml``).
        strict: raise on the first rejected file instead of recording it.
        max_bytes: files larger than this are rejected, so memory stays bounded
            (None: :data:`DEFAULT_MAX_BYTES`, 20 MiB).

    Returns:
        A :class:`Corpus`; documents sorted by ``doc_id``.

    Raises:
        CorpusError: the folder does not exist, or (strict) a file was rejected.
        MetadataError: ``sources.yml`` is malformed.
    """
    folder = Path(path)
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    sources = load_sources(folder)
    documents: list[Document] = []
    inputs: list[InputFile] = []
    warnings: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for file in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if file.name in DATA_FILES or file.suffix.lower() in DATA_SUFFIXES:
            continue
        try:
            doc, info = _load_document(file, sources=sources, seen=seen, max_bytes=max_bytes)
        except CorpusError as exc:
            reason = str(exc).removeprefix(f"{file.name}: ")
            if strict:
                raise CorpusError(f"{file.name}: {reason} (strict mode: any rejected input is fatal)") from None
            info = _input_info(file, status="rejected", reason=reason)
            log.warning("rejected %s: %s", file.name, reason)
            inputs.append(info)
            continue
        seen[info.sha256] = file.name
        documents.append(doc)
        inputs.append(info)
        warnings.extend((file.name, w) for w in doc.warnings)
    for doc_id, entry in sorted(sources.items()):
        if not any(d.doc_id == doc_id for d in documents) and not any(i.file == entry.file for i in inputs):
            warnings.append((SOURCES_FILE, f"entry {doc_id!r} (line {entry.line}) has no file in {folder.name}/"))  # shown in reports: no machine path
    if documents and not (folder / CODEBOOK_FILE).is_file():
        warnings.append((
            CODEBOOK_FILE,
            f"no codebook beside the documents: entities are names found in the text, counted as provisional until "
            f"confirmed in {CODEBOOK_FILE} (presslens init proposes one)",
        ))
    log.info("loaded %d documents, rejected %d files from %s", len(documents), len(inputs) - len(documents), folder)
    return Corpus(path=folder, documents=documents, inputs=inputs, warnings=warnings)


def _input_info(file: Path, *, status: str, reason: str = "", encoding: str = "") -> InputFile:
    try:
        digest, size = _sha256_streamed(file), file.stat().st_size
    except OSError:
        digest, size = "", 0
    return InputFile(file=file.name, sha256=digest, bytes=size, encoding=encoding, status=status, reason=reason)


def _sha256_streamed(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_document(file: Path, *, sources: dict[str, SourceEntry], seen: dict[str, str], max_bytes: int) -> tuple[Document, InputFile]:
    name = file.name
    suffix = file.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise CorpusError(f"{name}: unsupported file type {suffix or '(no extension)'!r}; presslens reads {', '.join(DOCUMENT_SUFFIXES)}")
    size = file.stat().st_size
    if size > max_bytes:
        raise CorpusError(f"{name}: too large ({size:,} bytes; the limit is {max_bytes:,}, set by max_bytes)")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{name}: cannot be read ({exc.strerror})") from None
    sha = hashlib.sha256(data).hexdigest()
    if sha in seen:
        raise CorpusError(f"{name}: exact duplicate of {seen[sha]} (same sha256 {sha[:12]}…)")
    decoded = decode_bytes(data, name=name)
    doc_id = file.stem
    entry = sources.get(doc_id) or SourceEntry(doc_id=doc_id, file=name)
    if suffix in (".html", ".htm"):
        doc = _web_document(decoded.text, data, name=name, doc_id=doc_id, sha=sha, encoding=decoded.encoding, entry=entry)
    else:
        seg = segment_page(decoded.text, overrides=entry.overrides)
        doc = Document(
            doc_id=doc_id,
            file=name,
            sha256=sha,
            n_bytes=len(data),
            encoding=decoded.encoding,
            segments=seg.segments,
            comments=seg.comments,
            source=entry,
            declared_comments=seg.declared_comments,
            layouts=seg.layouts,
            warnings=list(seg.warnings),
        )
    if doc_id not in sources:
        known = "metadata only from the page's markup" if doc.page_meta else "all metadata unknown"
        doc.warnings.append(f"no entry in {SOURCES_FILE}: {known}")
    if not doc.body.strip():
        kinds = sorted({s.kind for s in doc.segments})
        raise CorpusError(f"{name}: no body text left after removing boilerplate (found only: {', '.join(kinds) or 'nothing'})")
    return doc, InputFile(file=name, sha256=sha, bytes=len(data), encoding=decoded.encoding, status="accepted")


def _web_document(markup: str, data: bytes, *, name: str, doc_id: str, sha: str, encoding: str, entry: SourceEntry) -> Document:
    """An HTML page as a document: :func:`.webpage.read_web_page`, plus the charset check and the analyst's overrides.

    Raises:
        CorpusError: the page cannot be parsed or holds no article text (the reason says which).
    """
    page = read_web_page(markup, name=name)
    if page.reason:
        raise CorpusError(f"{name}: {page.reason}")
    warnings = list(page.warnings)
    charset = charset_warning(data, encoding)
    if charset:
        warnings.insert(0, charset)
    segments = _apply_overrides(page.segments, entry)
    comments = page.comments if entry.overrides.comments else []
    return Document(
        doc_id=doc_id,
        file=name,
        sha256=sha,
        n_bytes=len(data),
        encoding=encoding,
        segments=segments,
        comments=comments,
        source=entry,
        declared_comments=page.declared_comments,
        layouts=page.layouts,
        warnings=warnings,
        page_meta=page.meta,
    )


def _apply_overrides(segments: list[Segment], entry: SourceEntry) -> list[Segment]:
    """``sources.yml``'s ``segmentation`` boilerplate/keep patterns on an HTML page's lines, as on text pages."""
    drop = [re.compile(p) for p in entry.overrides.boilerplate]
    keep = [re.compile(p) for p in entry.overrides.keep]
    if not drop and not keep:
        return segments
    out = []
    for s in segments:
        if any(p.search(s.text) for p in keep):
            s = Segment("body", s.text, s.line, "override-keep", s.repeats)
        elif any(p.search(s.text) for p in drop):
            s = Segment("boilerplate", s.text, s.line, "override-boilerplate", s.repeats)
        out.append(s)
    return out
