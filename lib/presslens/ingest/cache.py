"""The cache of loaded documents (``cache_dir/corpus-v<format>/``): what :func:`.corpus.load_corpus` made of each file.

Decoding and segmenting every file again is most of a rerun's cost on a large
corpus, so ``load_corpus(path, cache_dir=...)`` keeps, per file, what became of
it: the :class:`~.corpus.Document`, or the reason it was rejected (empty,
binary, no body...). The key (:func:`file_key`) hashes what that outcome
depends on:

* the file's bytes (their sha256; the loader reads every file to hash it anyway),
* its name (the doc_id derives from it),
* its ``sources.yml`` entry as parsed (the repr of the :class:`~.metadata.SourceEntry`:
  fields, basis, evidence and segmentation overrides, not its line; ``None`` without one),
* the loading options (``max_bytes``), and
* the presslens version and :data:`CORPUS_CACHE_FORMAT`.

What depends on other files is never cached but decided again on every load:
duplicates (a file whose bytes an earlier file has), links, special files,
size limits, the renamed-file warnings and the warnings about ``sources.yml``
entries without a file or a missing codebook. A rejection by an override
pattern's time budget (:class:`~.segment.PatternTimeout`) depends on the
machine's load and is not cached either.

The parsed ``sources.yml`` is kept too, keyed by the hash of its bytes, with its
entries keyed by the hash of their text: reading and checking 10,000 entries takes
seconds, so a file with one entry more reads only that entry (:meth:`CorpusCache.sources`).

Layout::

    corpus-v{CORPUS_CACHE_FORMAT}/
      documents/<key[:2]>/<key>.pkl   one file's outcome
      last-run.pkl                    the last load's outcomes, key -> outcome, read in one go
      sources.pkl                     the last load's sources.yml entries, the sha256 of its bytes and of each entry's text

A rerun reads ``last-run.pkl`` (one file instead of one per document: somewhat faster,
2.1 s against 3.0 s for a warm load of 3,000 documents, ``benchmarks/bench_corpus_cache.py``)
and falls back on the per-document files for keys it lacks. Files are signed
pickles (:func:`presslens.io.write_pickle`): a damaged, unsigned or foreign file
is a miss, never unpickled; a cache that cannot be written never fails a load.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Union

from .. import __version__
from ..io import MAX_YAML_BYTES, read_pickle, worth_rewriting, write_pickle

if TYPE_CHECKING:
    from .corpus import Corpus, Document
    from .metadata import SourceEntry

#: bump whenever what ingest makes of a file changes (decoding, the segmentation or web-page rules, comment
#: layouts, sources.yml parsing, the "no entry" warning) or a pickled class (Document, Segment, Comment,
#: SourceEntry, Value, Overrides) changes or moves, so documents loaded by the old rules are misses, not reused
CORPUS_CACHE_FORMAT = 1
#: the cache's folder under a run's cache folder
CORPUS_CACHE_DIR = f"corpus-v{CORPUS_CACHE_FORMAT}"
LAST_RUN_FILE = "last-run.pkl"
#: the parsed ``sources.yml`` of the last load, with the hash of its bytes
SOURCES_CACHE_FILE = "sources.pkl"
#: the last load's document digests (:func:`document_digest`), by file key
DIGESTS_FILE = "digests.pkl"

#: what became of a file: its document, or the message of the CorpusError that rejected it
Outcome = Union["Document", str]


def file_key(name: str, sha256: str, entry: SourceEntry | None, *, max_bytes: int) -> str:
    """The cache key of one file's outcome: version, format, options, name, content hash and ``sources.yml`` entry."""
    digest = hashlib.sha256()
    digest.update(f"presslens {__version__}; corpus cache {CORPUS_CACHE_FORMAT}; max_bytes {max_bytes}\n".encode())
    # the entry's line is left out: an entry added above it moves it, not what the file is made into (the
    # loaded document is given its entry as read now, see corpus._load_document)
    stated = None if entry is None else dataclasses.replace(entry, line=0)
    digest.update(f"{name}\n{sha256}\n{stated!r}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def document_digest(doc: Document) -> str:
    """sha256 of the presslens version and the whole loaded document (its repr), without its ``sources.yml`` line.

    The repr holds the file's sha256, name, segments, comments and ``sources.yml`` entry, so a changed file, a
    renamed file or a changed metadata entry gives another digest. The entry's line is left out: no table or
    view holds it, and an entry added above it moves it (see :func:`file_key`). At 10,000 documents working
    them out takes about a second, so a load through the cache takes the digests of the documents it read
    from the cache from :data:`DIGESTS_FILE`, and keeps them on the corpus (:func:`keep_digests`).
    """
    shown = doc if not doc.source.line else dataclasses.replace(doc, source=dataclasses.replace(doc.source, line=0))
    digest = hashlib.sha256(f"presslens {__version__}; sha256 {doc.sha256}\n".encode())
    digest.update(repr(shown).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


#: the attribute of a :class:`~.corpus.Corpus` holding its documents' digests (:func:`keep_digests`); not a field,
#: so it is in no repr, comparison or ``dataclasses.replace`` (a replaced corpus works its digests out again)
_DIGESTS_ATTRIBUTE = "_document_digests"


def _signature(corpus: Corpus) -> tuple[tuple[str, str, int], ...]:
    return tuple((d.doc_id, d.sha256, d.source.line) for d in corpus.documents)


def keep_digests(corpus: Corpus, digests: tuple[str, ...]) -> None:
    """Keep ``digests`` (one per document, in order) on ``corpus``, with what names its documents (doc_id, sha256, line)."""
    setattr(corpus, _DIGESTS_ATTRIBUTE, (_signature(corpus), tuple(digests)))


def kept_digests(corpus: Corpus) -> tuple[str, ...] | None:
    """The digests :func:`keep_digests` kept on ``corpus``, or ``None`` when there are none or its documents changed since."""
    kept = getattr(corpus, _DIGESTS_ATTRIBUTE, None)
    if not (isinstance(kept, tuple) and len(kept) == 2 and len(kept[1]) == len(corpus.documents)):
        return None
    return kept[1] if kept[0] == _signature(corpus) else None


class CorpusCache:
    """One load's view of the cache: the last run's outcomes read once, per-document files on demand, what this load used."""

    def __init__(self, cache_dir: str | Path, *, valid: Callable[[object], bool]) -> None:
        """``valid``: whether a value read back is an outcome (a Document or a message); anything else is a miss."""
        self.root = Path(cache_dir) / CORPUS_CACHE_DIR
        self.valid = valid
        last = read_pickle(self.root / LAST_RUN_FILE, what="corpus cache")
        self._last: dict[str, Outcome] = last if isinstance(last, dict) else {}
        self._used: dict[str, Outcome] = {}
        digests = read_pickle(self.root / DIGESTS_FILE, what="corpus cache")
        self._last_digests: dict[str, str] = digests if isinstance(digests, dict) else {}
        self._digests: dict[str, str] = {}
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / "documents" / key[:2] / f"{key}.pkl"

    def get(self, key: str) -> Outcome | None:
        """The outcome kept under ``key``, or ``None`` (a miss)."""
        value = self._last.get(key)
        if not self.valid(value):
            value = read_pickle(self._path(key), what="corpus cache")
            if not self.valid(value):
                self.misses += 1
                return None
        self.hits += 1
        self._used[key] = value
        return value

    def digest(self, key: str, doc: Document) -> str:
        """:func:`document_digest` of ``doc``, the document of ``key``: the last load's when it had it, else worked out."""
        digest = self._last_digests.get(key)
        if not isinstance(digest, str):
            digest = document_digest(doc)
        self._digests[key] = digest
        return digest

    def put(self, key: str, outcome: Outcome) -> None:
        """Keep a file's outcome (its per-document file now, the last-run file at :meth:`save`)."""
        self._used[key] = outcome
        write_pickle(outcome, self._path(key))

    def sources(self, path: Path, load: Callable[[], dict[str, SourceEntry]]) -> dict[str, SourceEntry]:
        """``sources.yml``'s entries through this cache (:func:`cached_sources`)."""
        return cached_sources(self.root, path, load)

    def save(self) -> None:
        """Write the last-run file with this load's outcomes once they drift from it (:func:`presslens.io.worth_rewriting`).

        Not after every added or changed file: what the file lacks is read from the per-document files, so the
        file (about 70 MB at 10,000 documents) is rewritten once more than 64 files or 1% of them differ.
        """
        if worth_rewriting(self._last.keys(), self._used.keys()):
            write_pickle(self._used, self.root / LAST_RUN_FILE)
        if self._digests and self._digests != self._last_digests:  # small (about 1.3 MB at 10,000 documents)
            write_pickle(self._digests, self.root / DIGESTS_FILE)


def cached_sources(root: Path, path: Path, load: Callable[[], dict[str, SourceEntry]]) -> dict[str, SourceEntry]:
    """``sources.yml``'s entries: kept from the last load when its bytes are the same; else only its new entries read.

    The YAML reader and the schema checks cost, so reading 10,000 entries takes seconds. A file whose bytes
    changed is cut into its entries (:func:`.metadata.read_sources_chunked`): an entry whose text the last
    load read is taken from it, the others are read; a file that cannot be cut, or has a problem, is read
    whole by ``load()``. Only a file read without a problem is kept (a malformed one raises from ``load()``
    every time).

    ``root`` is the corpus cache's folder (``cache_dir/corpus-v<format>``); the run's plan checks ``sources.yml``
    through it before the build (:func:`presslens.report.plan.check_story_files`), which then finds it kept.
    """
    from .metadata import read_sources_chunked

    data = _data_file_bytes(path)
    if data is None:  # absent or unreadable: the loader says what it is
        return load()
    digest = _digest(data)
    kept = read_pickle(root / SOURCES_CACHE_FILE, what="corpus cache")
    kept = kept if isinstance(kept, dict) and isinstance(kept.get("entries"), dict) else {}
    if kept.get("sha") == digest:
        return kept["entries"]
    chunks = kept.get("chunks") if isinstance(kept.get("chunks"), dict) else {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    read = read_sources_chunked(path, text, chunks) if text is not None else None
    entries, keep = read if read is not None else (load(), {})
    if _digest(_data_file_bytes(path)) == digest:  # not changed while it was read
        write_pickle({"sha": digest, "entries": entries, "chunks": keep}, root / SOURCES_CACHE_FILE)
    return entries


def _data_file_bytes(path: Path) -> bytes | None:
    """A data file's bytes; ``None`` for anything :func:`presslens.io.read_yaml` would refuse (read without blocking)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_YAML_BYTES:
                return None
            data = handle.read(MAX_YAML_BYTES + 1)
    except OSError:
        return None
    return None if len(data) > MAX_YAML_BYTES else data


def _digest(data: bytes | None) -> str | None:
    """The hash a kept ``sources.yml`` is found under: its bytes, the presslens version and the cache format."""
    if data is None:
        return None
    digest = hashlib.sha256(f"presslens {__version__}; corpus cache {CORPUS_CACHE_FORMAT}\n".encode())
    digest.update(data)
    return digest.hexdigest()


__all__ = [
    "CORPUS_CACHE_DIR", "CORPUS_CACHE_FORMAT", "CorpusCache", "DIGESTS_FILE", "cached_sources", "document_digest", "file_key", "keep_digests",
    "kept_digests", "LAST_RUN_FILE", "SOURCES_CACHE_FILE",
]
