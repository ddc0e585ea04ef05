"""Corpus ingestion: files in a folder become clean, structured documents.

``load_corpus`` reads every document in a folder (``.txt``, ``.html``), decodes it,
segments it into title, standfirst, body, captions, boilerplate and comments, and
attaches what ``sources.yml`` says about it. HTML pages go through
:func:`.webpage.read_web_page` (trafilatura's main text, DOM comment threads, the
page's own metadata); text copies through :func:`.segment.segment_page`. Files it cannot use are *rejected*
with a reason (empty, binary, undecodable, unsupported type, duplicate, no body,
too large) and the run goes on; ``strict=True`` makes any rejection fatal.

The corpus is the folder. Entries are listed with ``os.scandir`` without
following links and checked before anything is opened, so nothing outside the
folder is read and nothing blocks:

* a symbolic link whose target lies outside the corpus folder, or does not
  exist, is rejected unread; one to a file inside the folder is read once: a link to
  a document the folder holds under its own name (or to the same file as an
  earlier link) is rejected as "read under its own name";
* a folder, FIFO, socket or device named like a document (``x.txt``) is
  rejected unopened ("not a regular file"); other folders are not documents and are passed over, as before;
* files are opened with ``O_NONBLOCK | O_NOFOLLOW`` and checked again on the
  open handle (a file swapped for a FIFO or a link after the listing is rejected, never waited on);
* a file name that is not valid UTF-8 (bytes ``caf\\xe9.txt`` on disk) is read
  under a printable name with the undecodable bytes written as ``\\xNN``
  (``caf\\xe9.txt``, doc_id ``caf\\xe9``), with a warning naming it, so every table stays valid UTF-8;
* ``sources.yml`` or ``entities.yml`` as a link to a file outside the folder
  stops the load (:class:`~presslens.errors.MetadataError`): the analyst's data
  would otherwise come from elsewhere; copy the file into the folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError, MetadataError
from ..labels import document_label, file_name_words
from ..text import count_words, decode_bytes
from .cache import CorpusCache, file_key, keep_digests
from .comments import Comment
from .metadata import SOURCES_FILE, SourceEntry, Value, load_sources
from .segment import BODY_KINDS, OverrideMatcher, PatternTimeout, Segment, segment_page
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

        A document with neither takes the words of its file name ("01 · irishtimes india floods claim…"), else
        "(untitled)".

        >>> # "000 · The Burning Platform", "004 · (untitled)"
        """
        return document_label(self.doc_id, self.meta("outlet").value or self.title or file_name_words(self.doc_id) or "(untitled)")

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


def load_corpus(
    path: str | Path, *, strict: bool = False, max_bytes: int | None = None, within: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Corpus:
    """Load every document in a folder.

    Args:
        path: the corpus folder (documents plus ``sources.yml``).
        strict: raise on the first rejected file instead of recording it.
        max_bytes: files larger than this are rejected, so memory stays bounded
            (None: :data:`DEFAULT_MAX_BYTES`, 20 MiB).
        within: the folder symbolic links must resolve inside (None: ``path`` itself);
            ``presslens init`` reads a temporary view of links into the story folder with ``within`` the story folder.
        cache_dir: a cache folder (the build's ``OUT/cache``) keeping what became of each file
            (:mod:`.cache`: keyed by its bytes, name, ``sources.yml`` entry and ``max_bytes``), so
            unchanged files are not decoded and segmented again; the corpus is the same as without.
            ``None``: no cache.

    Returns:
        A :class:`Corpus`; documents sorted by ``doc_id``.

    Raises:
        CorpusError: the folder does not exist, or (strict) a file was rejected.
        MetadataError: ``sources.yml`` is malformed, or it or ``entities.yml`` is a link to a file outside the folder.
    """
    folder = Path(path)
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    root = Path(os.path.realpath(within if within is not None else folder))
    for data_file in (SOURCES_FILE, CODEBOOK_FILE):
        _check_data_file(folder / data_file, root)
    cache = CorpusCache(cache_dir, valid=_is_outcome) if cache_dir is not None else None
    sources = cache.sources(folder / SOURCES_FILE, lambda: load_sources(folder)) if cache is not None else load_sources(folder)
    documents: list[Document] = []
    inputs: list[InputFile] = []
    warnings: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    digests: list[str] = []
    for item in _entries(folder, root):
        if item.renamed:
            warnings.append((item.name, f"the file's name is not valid UTF-8: read as {item.name}, the undecodable bytes written as \\xNN"))
        try:
            if item.skip:
                raise CorpusError(f"{item.name}: {item.skip}")
            doc, info = _load_document(item, sources=sources, seen=seen, max_bytes=max_bytes, cache=cache, digests=digests)
        except CorpusError as exc:
            reason = str(exc).removeprefix(f"{item.name}: ")
            if strict:
                raise CorpusError(f"{item.name}: {reason} (strict mode: any rejected input is fatal)") from None
            info = _input_info(item, status="rejected", reason=reason)
            log.warning("rejected %s: %s", item.name, reason)
            inputs.append(info)
            continue
        seen[info.sha256] = item.name
        documents.append(doc)
        inputs.append(info)
        warnings.extend((item.name, w) for w in doc.warnings)
    loaded, listed = {d.doc_id for d in documents}, {i.file for i in inputs}  # sets: a scan per entry was quadratic
    for doc_id, entry in sorted(sources.items()):
        if doc_id not in loaded and entry.file not in listed:
            warnings.append((SOURCES_FILE, f"entry {doc_id!r} (line {entry.line}) has no file in {folder.name}/"))  # shown in reports: no machine path
    if documents and not (folder / CODEBOOK_FILE).is_file():
        warnings.append((
            CODEBOOK_FILE,
            f"no codebook beside the documents: entities are names found in the text, counted as provisional until "
            f"confirmed in {CODEBOOK_FILE} (presslens init proposes one)",
        ))
    if cache is not None:
        cache.save()
        log.info("corpus cache: %d files read from the cache, %d loaded", cache.hits, cache.misses)
    log.info("loaded %d documents, rejected %d files from %s", len(documents), len(inputs) - len(documents), folder)
    corpus = Corpus(path=folder, documents=documents, inputs=inputs, warnings=warnings)
    if cache is not None and len(digests) == len(documents):
        keep_digests(corpus, tuple(digests))
    return corpus


def printable_name(name: str) -> str:
    r"""A file name as valid UTF-8 text: the bytes a name decoded with surrogate escapes could not decode, as ``\xNN``.

    >>> printable_name("caf\udce9.txt")
    'caf\\xe9.txt'
    >>> printable_name("Zürich.txt")
    'Zürich.txt'
    """
    if name.isascii():  # nearly every name: nothing to write printably (os.fsencode is slow, 10 us a name)
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class _Entry:
    """An entry of the corpus folder that may be a document: where to open it, and why it is skipped if it is."""

    name: str  # printable (valid UTF-8): the file and doc_id in every table
    path: Path  # what to open: the entry itself, or the resolved target of a link inside the folder
    skip: str = ""  # why it is not read (rejected unopened), empty when it is read
    renamed: bool = False  # the name on disk is not valid UTF-8


#: what ``stat`` says an entry is, for the reason a special file is not read
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _split_suffix(name: str) -> tuple[str, str]:
    """``(Path(name).stem, Path(name).suffix)`` of a file name (no separator in it), without making a Path:
    10,000 names, five each, cost 0.5 s.

    >>> names = ("a.txt", "a.tar.gz", "a.", "noext", "x.HTML")
    >>> [_split_suffix(n) for n in names] == [(Path(n).stem, Path(n).suffix) for n in names]
    True
    """
    i = name.rfind(".")
    return (name[:i], name[i:]) if 0 < i < len(name) - 1 else (name, "")


def _suffix(name: str) -> str:
    return _split_suffix(name)[1]


def _is_data_name(name: str) -> bool:
    return name in DATA_FILES or _suffix(name).lower() in DATA_SUFFIXES


def _check_data_file(path: Path, root: Path) -> None:
    """``sources.yml`` or ``entities.yml`` may be a link only to a file inside the corpus folder."""
    if path.is_symlink() and not _inside(Path(os.path.realpath(path)), root):
        raise MetadataError(
            f"{path.name}: a symbolic link to a file outside the corpus folder; the corpus is the folder, "
            f"so copy the file into it instead of linking it"
        )


def _entries(folder: Path, root: Path) -> list[_Entry]:
    """The folder's entries that may be documents, sorted by name, each checked without opening or following it.

    Hidden entries and data files are passed over; so are folders, special
    files and links to them (or to nothing) not named like documents. Everything else is an entry, with the
    reason it is not read when it is a link leaving ``root``, a broken link, a
    link to a file read under another name, or not a regular file.
    """
    try:
        with os.scandir(folder) as listing:
            raw = sorted(listing, key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        raise CorpusError(f"{folder.name}/: the corpus folder cannot be listed ({exc.strerror})") from None
    names = {e.name for e in raw}
    entries: list[_Entry] = []
    # a link to a document the folder holds as a regular file is read under the file's own name
    claimed: dict[tuple[int, int], str] = {}
    for e in raw:
        if (e.is_file(follow_symlinks=False) and not e.name.startswith(".")
                and _suffix(printable_name(e.name)).lower() in DOCUMENT_SUFFIXES):
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:  # gone since the listing: rejected below when it cannot be opened
                continue
            claimed.setdefault((st.st_dev, st.st_ino), printable_name(e.name))
    for e in raw:
        name = printable_name(e.name)
        if e.name.startswith(".") or _is_data_name(name):
            continue
        renamed = name != e.name
        like_document = _suffix(name).lower() in DOCUMENT_SUFFIXES
        path = Path(e.path)
        skip = ""
        if renamed and name in names:
            skip = f"its name is not valid UTF-8 and, written printably, is that of another file ({name!r})"
        elif e.is_symlink():
            target = Path(os.path.realpath(path))
            try:
                st = os.stat(target)
            except OSError:
                st = None
            if not like_document and (st is None or not stat.S_ISREG(st.st_mode)):
                continue  # a link to a folder (or to nothing) not named like a document is no input, as a folder is not
            if not _inside(target, root):
                skip = "a symbolic link to something outside the corpus folder: not read (the corpus is the folder)"
            elif st is None:
                skip = "a broken symbolic link (its target does not exist)"
            elif not stat.S_ISREG(st.st_mode):
                skip = f"a symbolic link to {_kind(st.st_mode)}, not a regular file: not read"
            elif (st.st_dev, st.st_ino) in claimed:
                skip = f"a symbolic link to {claimed[(st.st_dev, st.st_ino)]}, which is read once, under its own name"
            else:
                claimed[(st.st_dev, st.st_ino)] = name
                path = target
        else:
            try:
                mode = e.stat(follow_symlinks=False).st_mode
            except OSError:
                mode = 0
            if not stat.S_ISREG(mode):
                if not like_document:
                    continue
                skip = f"{_kind(mode)}, not a regular file: not read"
        entries.append(_Entry(name=name, path=path, skip=skip, renamed=renamed))
    return entries


def _open_regular(entry: _Entry):
    """The entry opened for reading without blocking or following a link, and its ``fstat``.

    Raises:
        CorpusError: it cannot be opened, or is (by now) not a regular file.
    """
    try:
        fd = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise CorpusError(f"{entry.name}: cannot be read ({exc.strerror})") from None
    handle = os.fdopen(fd, "rb")
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        handle.close()
        raise CorpusError(f"{entry.name}: {_kind(st.st_mode)}, not a regular file: not read")
    return handle, st


def _input_info(entry: _Entry, *, status: str, reason: str = "", encoding: str = "") -> InputFile:
    digest, size = "", 0
    if not entry.skip:
        try:
            handle, st = _open_regular(entry)
        except CorpusError:
            pass
        else:
            with handle:
                sha = hashlib.sha256()
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    sha.update(chunk)
                digest, size = sha.hexdigest(), st.st_size
    return InputFile(file=entry.name, sha256=digest, bytes=size, encoding=encoding, status=status, reason=reason)


def _read_bytes(entry: _Entry, max_bytes: int) -> bytes:
    """The whole file, at most ``max_bytes`` of it (a file that grows past the limit while read is too large)."""
    handle, st = _open_regular(entry)
    with handle:
        if st.st_size > max_bytes:
            raise CorpusError(f"{entry.name}: too large ({st.st_size:,} bytes; the limit is {max_bytes:,}, set by max_bytes)")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise CorpusError(f"{entry.name}: cannot be read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise CorpusError(f"{entry.name}: too large (more than {max_bytes:,} bytes, the limit set by max_bytes)")
    return data


def _is_outcome(value: object) -> bool:
    """A value read from the corpus cache that is what a file became: its document or why it was rejected."""
    return isinstance(value, (Document, str))


def _load_document(
    item: _Entry, *, sources: dict[str, SourceEntry], seen: dict[str, str], max_bytes: int, cache: CorpusCache | None = None,
    digests: list[str] | None = None,
) -> tuple[Document, InputFile]:
    """A file as a document, from ``cache`` when it holds this very file (bytes, name, entry, options).

    With a cache, the document's digest (:func:`.cache.document_digest`) is appended to ``digests``.

    The checks that depend on other files (a duplicate) or on the file system (type, size) are made every time.
    """
    name = item.name
    suffix = _suffix(name).lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise CorpusError(f"{name}: unsupported file type {suffix or '(no extension)'!r}; presslens reads {', '.join(DOCUMENT_SUFFIXES)}")
    data = _read_bytes(item, max_bytes)
    sha = hashlib.sha256(data).hexdigest()
    if sha in seen:
        raise CorpusError(f"{name}: exact duplicate of {seen[sha]} (same sha256 {sha[:12]}…)")
    doc_id = _split_suffix(name)[0]
    stated = sources.get(doc_id)
    key = file_key(name, sha, stated, max_bytes=max_bytes) if cache is not None else ""
    outcome = cache.get(key) if cache is not None else None
    if outcome is None:
        try:
            outcome = _decode_document(data, name=name, doc_id=doc_id, sha=sha, stated=stated)
        except PatternTimeout:
            raise  # depends on the machine's load: not kept
        except CorpusError as exc:
            outcome = str(exc)
        if cache is not None:
            cache.put(key, outcome)
    if isinstance(outcome, str):
        raise CorpusError(outcome)
    if stated is not None and outcome.source.line != stated.line:  # kept from before an entry above it moved it
        outcome = dataclasses.replace(outcome, source=stated)
    if cache is not None and digests is not None:
        digests.append(cache.digest(key, outcome))
    return outcome, InputFile(file=name, sha256=sha, bytes=len(data), encoding=outcome.encoding, status="accepted")


def _decode_document(data: bytes, *, name: str, doc_id: str, sha: str, stated: SourceEntry | None) -> Document:
    """Decode and segment a file's bytes (the costly part of loading, what the corpus cache keeps).

    Raises:
        CorpusError: the file cannot be decoded, or holds no body text (the reason says which).
    """
    suffix = Path(name).suffix.lower()
    decoded = decode_bytes(data, name=name)
    entry = stated or SourceEntry(doc_id=doc_id, file=name)
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
    if stated is None:
        known = "metadata only from the page's markup" if doc.page_meta else "all metadata unknown"
        doc.warnings.append(f"no entry in {SOURCES_FILE}: {known}")
    if not doc.body.strip():
        kinds = sorted({s.kind for s in doc.segments})
        raise CorpusError(f"{name}: no body text left after removing boilerplate (found only: {', '.join(kinds) or 'nothing'})")
    return doc


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
    """``sources.yml``'s ``segmentation`` boilerplate/keep patterns on an HTML page's lines, as on text pages.

    Raises:
        PatternTimeout: a pattern used up the page's time budget (:class:`.segment.OverrideMatcher`).
    """
    matcher = OverrideMatcher(entry.overrides)
    if not matcher:
        return segments
    out = []
    for s in segments:
        verdict = matcher.decide(s.text, line_no=s.line)
        if verdict == "keep":
            s = Segment("body", s.text, s.line, "override-keep", s.repeats)
        elif verdict == "boilerplate":
            s = Segment("boilerplate", s.text, s.line, "override-boilerplate", s.repeats)
        out.append(s)
    return out
