"""The cache layout of a run (``OUT/cache``): what is kept, under which key, in which file.

Everything the build keeps between runs is a pickle signed with the installation's
key (HMAC-SHA256; the key lives outside the outputs folder), written atomically and
read tolerantly (:func:`presslens.io.write_pickle`, :func:`presslens.io.read_pickle`):
a truncated, damaged, unsigned or foreign file is a miss, never unpickled and never
an error, so whoever can write ``OUT/cache`` cannot make a run execute code::

    cache/
      v{CACHE_FORMAT}/
        documents/<key[:2]>/<key>.pkl            per-document rows of the document tables (one dict of frames)
        codebook-<book[:16]>/<key[:2]>/<key>.pkl per-document rows of the codebook tables (and of the internal
                                                 entity_sentence_pieces), per codebook
        last-run/document.pkl, codebook.pkl      the last run's whole per-document tables, one file per group
        last-run/remembered.pkl                  answers of pure functions the corpus-level tables asked (masked
                                                 sentences' VADER scores, bootstrap intervals, the whole-corpus
                                                 masking), see remembered()
        last-run/seconds.pkl                     how long each corpus-level table took (see table_seconds())
        tables/<corpus fingerprint>/<name>.pickle the whole tables of the last build, for its notebooks
      views-v{VIEWS_FORMAT}/<view>.pkl           views notebooks compute per document (discovery's pieces, quotations),
                                                 by document digest (kept by presslens.ingest.views)
      reuse-v5/...                               sentence units and pair comparisons, per document and of the last run (kept by presslens.reuse)
      corpus-v1/...                              the loaded documents, per file (kept by presslens.ingest.cache, read by load_corpus)

The corpus the build loaded is kept for the notebooks of the same run too
(:func:`save_corpus_snapshot`), but in the run's own staging folder
(``paths.SNAPSHOT_FILE``) rather than
here: it must exist with ``--no-cache`` as well, belongs to one run only, and
goes with the staging folder when the run is published (or into
``failed-runs/`` with it).

Keys: :func:`document_key` (presslens version, cache format, the whole loaded
document), :func:`codebook_key` (``entities.yml`` bytes) and
:func:`corpus_fingerprint` (every document key, the inputs and the codebook).
Bump :data:`CACHE_FORMAT` whenever the layout or a pickled class changes, so old
entries are a miss.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from presslens import __version__, entities
from presslens.ingest.corpus import Corpus, Document
from presslens.ingest.views import document_digest, document_digests
from presslens.io import read_pickle, write_pickle
from presslens.sentiment.rollups import remembered_intervals
from presslens.sentiment.targets import remembered_masking
from presslens.text import vader

#: bump when the layout of cache files or a pickled class changes
CACHE_FORMAT = 8  # 2: documents.label keeps all leading digits of the doc_id; 3: Document classes moved to presslens.ingest; 4: entity_mentions ends with provisional; 5: figures are read only in English (or unstated-language) documents; 6: every file signed (HMAC-SHA256, presslens.io), unsigned ones are misses; 7: figures from the token parser and the issue-16 decisions, stored per document before the corpus-wide claim join (figures.join_open_claims), plain-text layout of issue 16; 8: the codebook pieces hold entity_sentence_pieces (entity_sentiment's masked sentence scores, per document)
#: folder (under ``v{CACHE_FORMAT}``) of the last run's per-document tables, one file per group
LAST_RUN_DIR = "last-run"
#: folder (under ``v{CACHE_FORMAT}``) of the whole tables of the last build, for the notebooks of the same run
RUN_TABLES_DIR = "tables"


def root(cache_dir: str | Path) -> Path:
    """The folder of this cache format inside a cache folder (``cache/v3``)."""
    return Path(cache_dir) / f"v{CACHE_FORMAT}"


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------
def document_key(doc: Document) -> str:
    """The cache key of a document's per-document rows.

    It hashes the presslens version, the cache format and the whole loaded
    document (:func:`presslens.ingest.views.document_digest`: its repr holds the
    file's sha256, name, segments, comments and the ``sources.yml`` entry, not
    the entry's line), so a changed file, a renamed file or a changed metadata
    entry is a cache miss, and an unchanged one a hit.
    """
    return _key(document_digest(doc))


def document_keys(corpus: Corpus) -> tuple[str, ...]:
    """:func:`document_key` of every document of ``corpus``, in order; the costly part is worked out once per loaded
    corpus (:func:`presslens.ingest.views.document_digests`)."""
    return tuple(map(_key, document_digests(corpus)))


def _key(digest: str) -> str:
    return hashlib.sha256(f"presslens {__version__}; cache {CACHE_FORMAT}\n{digest}".encode()).hexdigest()


def codebook_key(corpus: Corpus) -> str:
    """sha256 of the corpus's ``entities.yml`` bytes: the codebook part of the entity cache key.

    Without ``entities.yml`` the discovered names are the (provisional) codebook, and
    they depend on the whole corpus: the key is ``provisional-`` and their digest.
    """
    path = Path(corpus.path) / entities.CODEBOOK_FILE
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "provisional-" + entities.provisional_codebook(corpus).digest()


def corpus_fingerprint(corpus: Corpus) -> str:
    """sha256 of everything the tables depend on: presslens, the cache format, every document's cache key, the inputs and the codebook.

    Two loads of the same files give the same fingerprint; any changed, added,
    removed or rejected file, a changed ``sources.yml`` entry or ``entities.yml``
    gives another.
    """
    digest = hashlib.sha256(f"presslens {__version__}; cache {CACHE_FORMAT}\n".encode())
    for key in document_keys(corpus):
        digest.update(key.encode() + b"\n")
    for item in corpus.inputs:
        digest.update(repr(item).encode("utf-8", "surrogatepass") + b"\n")
    digest.update(codebook_key(corpus).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Per-document pieces: one pickle of DataFrames per document and group
# ---------------------------------------------------------------------------
def piece_path(cache_dir: str | Path, group: str, key: str, book: str) -> Path:
    """The file of one document's rows of a stage group (``book``: the codebook key, for the codebook group)."""
    sub = "documents" if group == "document" else f"codebook-{book[:16]}"
    return root(cache_dir) / sub / key[:2] / f"{key}.pkl"


def read_piece(cache_dir: str | Path, group: str, key: str, book: str) -> dict | None:
    """One document's tables of a group (table name -> frame), or ``None`` when missing or unreadable."""
    value = read_pickle(piece_path(cache_dir, group, key, book))
    return value if isinstance(value, dict) else None


def write_piece(cache_dir: str | Path, group: str, key: str, book: str, frames: Mapping[str, pd.DataFrame]) -> Path:
    """Keep one document's tables of a group."""
    return write_pickle(dict(frames), piece_path(cache_dir, group, key, book))


# ---------------------------------------------------------------------------
# The last run's per-document tables, one file per group
# ---------------------------------------------------------------------------
def last_run_path(cache_dir: str | Path, group: str) -> Path:
    return root(cache_dir) / LAST_RUN_DIR / f"{group}.pkl"


def read_last_run(cache_dir: str | Path, group: str, book: str) -> dict | None:
    """The last run's tables of a group (``keys``: document key -> doc_id, ``tables``), or ``None`` if absent, unreadable or of another codebook."""
    value = read_pickle(last_run_path(cache_dir, group))
    book = book if group == "codebook" else ""  # the document stages do not depend on the codebook
    if (not isinstance(value, dict) or value.get("book") != book or not isinstance(value.get("keys"), dict)
            or not isinstance(value.get("tables"), dict)):
        return None
    return value


def write_last_run(cache_dir: str | Path, group: str, book: str, keys: Mapping[str, str], frames: Mapping[str, pd.DataFrame]) -> None:
    """Keep a group's whole tables with the document keys they hold: the next run reads one file instead of a file per document."""
    book = book if group == "codebook" else ""
    write_pickle({"book": book, "keys": dict(keys), "tables": dict(frames)}, last_run_path(cache_dir, group))


SECONDS_FILE = "seconds.pkl"


def table_seconds(cache_dir: str | Path | None) -> dict[str, float]:
    """How long each corpus-level table took in the last run (table name -> seconds; empty without a cache or a last run).

    The engine shares the corpus-level tables between its own process and a forked child by these times
    (:func:`presslens.build.engine.share_tables`): a guess from the last run of the same folder.
    """
    if cache_dir is None:
        return {}
    value = read_pickle(root(cache_dir) / LAST_RUN_DIR / SECONDS_FILE)
    if not isinstance(value, dict):
        return {}
    return {k: float(v) for k, v in value.items() if isinstance(k, str) and isinstance(v, (int, float)) and v >= 0}


def keep_table_seconds(cache_dir: str | Path | None, seconds: Mapping[str, float]) -> None:
    """Keep this run's seconds per corpus-level table for the next run (:func:`table_seconds`)."""
    if cache_dir is not None and seconds:
        write_pickle({k: round(float(v), 3) for k, v in seconds.items()}, root(cache_dir) / LAST_RUN_DIR / SECONDS_FILE)


REMEMBERED_FILE = "remembered.pkl"


@contextmanager
def remembered(cache_dir: str | Path | None, *, documents: Mapping[str, str] | None = None) -> Iterator[None]:
    """Inside the block, the answers of pure functions kept by the last run are given back, and this run's are kept for the next.

    The corpus-level tables score sentences with an entity's names masked
    (VADER) and resample groups (bootstrap intervals); at 10,000 documents that
    is about 10 s on every run, though adding one document changes few of
    them. Both are pure functions of their input (the text; the values and the
    options), remembered by :meth:`presslens.text.TextMemo.recorded` and
    :func:`presslens.sentiment.rollups.remembered_intervals`. With ``documents``
    (doc_id -> a key of the document's content and of the codebook) the
    whole-corpus masking of entity sentiment is kept too
    (:func:`presslens.sentiment.remembered_masking`), for the documents whose
    key is the same next time. The file holds what this run asked (so it does
    not grow with runs) and the presslens version (another version's answers
    are not used). ``None`` remembers nothing.
    """
    if cache_dir is None:
        yield
        return
    path = root(cache_dir) / LAST_RUN_DIR / REMEMBERED_FILE
    kept = read_pickle(path)
    if not (isinstance(kept, dict) and kept.get("presslens") == __version__
            and isinstance(kept.get("scores"), dict) and isinstance(kept.get("intervals"), dict)):
        kept = {"scores": {}, "intervals": {}}
    earlier = kept.get("masking") if isinstance(kept.get("masking"), dict) else {}
    with (vader._SCORES.recorded(kept["scores"]) as scores, remembered_intervals(kept["intervals"]) as intervals,
          remembered_masking(earlier if documents is not None else None, documents or {}) as masking):
        yield
    masking = masking if documents is not None and masking else earlier
    if scores != kept["scores"] or intervals != kept["intervals"] or not _same_masking(masking, earlier):
        write_pickle({"presslens": __version__, "scores": scores, "intervals": intervals, "masking": masking}, path)


def _same_masking(a: Mapping, b: Mapping) -> bool:
    """Whether two kept maskings (:func:`presslens.sentiment.remembered_masking`) hold the same documents, surfaces and rows."""
    if a.keys() != b.keys() or a.get("documents") != b.get("documents") or a.get("every") != b.get("every"):
        return False
    x, y = a.get("redone"), b.get("redone")
    return (x is None) == (y is None) and (x is None or (len(x) == len(y) and x.equals(y)))


# ---------------------------------------------------------------------------
# The whole tables of the last build, for the notebooks of the same run
# ---------------------------------------------------------------------------
def run_tables_folder(cache_dir: str | Path, corpus: Corpus) -> Path:
    return root(cache_dir) / RUN_TABLES_DIR / corpus_fingerprint(corpus)


def save_run_tables(corpus: Corpus, frames: Mapping[str, pd.DataFrame], cache_dir: str | Path) -> Path:
    """Keep the whole tables of a build in the cache (one pickle per table), so the run's notebooks read them instead of reassembling them.

    Only the latest corpus is kept: tables of other fingerprints are removed,
    so the folder does not grow with every hourly run.
    """
    folder = run_tables_folder(cache_dir, corpus)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_pickle(frame, folder / f"{name}.pickle")
    for other in folder.parent.iterdir():
        if other.is_dir() and other != folder:
            shutil.rmtree(other, ignore_errors=True)
    return folder


def load_run_tables(corpus: Corpus, names: Sequence[str], cache_dir: str | Path) -> dict[str, pd.DataFrame] | None:
    """The build's whole tables ``names`` for this very corpus (same fingerprint), or ``None`` when any is missing."""
    folder = run_tables_folder(cache_dir, corpus)
    frames = {}
    for name in names:
        frame = read_pickle(folder / f"{name}.pickle", what="run table")
        if not isinstance(frame, pd.DataFrame):
            return None
        frames[name] = frame
    return frames


# ---------------------------------------------------------------------------
# Folders of older cache formats
# ---------------------------------------------------------------------------
def old_cache_folders(cache_dir: str | Path) -> list[Path]:
    """The folders of ``cache_dir`` that older cache formats left (``v7/`` beside ``v8/``, ``reuse-v4/``...), which no run reads.

    Each part of the cache lives in a folder named after its format (``v{CACHE_FORMAT}``, ``reuse-v{N}``,
    ``corpus-v{N}``, ``views-v{N}``); a new presslens that bumps a format leaves the old folder behind, hundreds
    of megabytes at 10,000 documents on every upgrade of a scheduled run. Only exact names of a lower format
    are listed: a newer format (a newer presslens sharing the folder) and anything else stay.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for name in ("v1", f"v{CACHE_FORMAT}", "v99", "reuse-v1", "notes", "v1.bak"):
    ...         _ = (Path(d) / name).mkdir()
    ...     [p.name for p in old_cache_folders(d)]
    ['reuse-v1', 'v1']
    """
    from presslens.ingest.cache import CORPUS_CACHE_FORMAT
    from presslens.ingest.views import VIEWS_FORMAT
    from presslens.reuse.units import REUSE_CACHE_FORMAT

    current = {"": CACHE_FORMAT, "reuse-": REUSE_CACHE_FORMAT, "corpus-": CORPUS_CACHE_FORMAT, "views-": VIEWS_FORMAT}
    folder = Path(cache_dir)
    if not folder.is_dir():
        return []
    old = []
    for entry in sorted(folder.iterdir()):
        match = _FORMAT_FOLDER.fullmatch(entry.name)
        if match and not entry.is_symlink() and entry.is_dir() and int(match.group(2)) < current[match.group(1)]:
            old.append(entry)
    return old


_FORMAT_FOLDER = re.compile(r"(|reuse-|corpus-|views-)v([0-9]{1,4})")


def remove_old_cache_folders(cache_dir: str | Path) -> list[str]:
    """Remove :func:`old_cache_folders` (a folder that cannot be removed stays, never failing a run); their names."""
    removed = []
    for entry in old_cache_folders(cache_dir):
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry.name)
    return removed


# ---------------------------------------------------------------------------
# The corpus the build loaded, for the notebooks of the same run
# ---------------------------------------------------------------------------
def save_corpus_snapshot(corpus: Corpus, path: str | Path) -> Path:
    """Keep the loaded corpus (documents, inputs, warnings) so the run's notebooks report on it, not on the files again."""
    return write_pickle(corpus, Path(path))


def load_corpus_snapshot(path: str | Path) -> Corpus | None:
    """The corpus :func:`save_corpus_snapshot` kept, or ``None`` when the file is missing, unreadable or not a corpus."""
    value = read_pickle(Path(path), what="corpus snapshot")
    return value if isinstance(value, Corpus) else None


__all__ = [
    "CACHE_FORMAT", "LAST_RUN_DIR", "RUN_TABLES_DIR", "codebook_key", "corpus_fingerprint", "document_key", "document_keys", "old_cache_folders", "remove_old_cache_folders",
    "last_run_path", "load_corpus_snapshot", "load_run_tables", "piece_path", "read_last_run", "read_piece", "remembered", "root",
    "run_tables_folder",
    "save_corpus_snapshot", "save_run_tables", "table_seconds", "keep_table_seconds", "write_last_run", "write_piece",
]
