"""The library side of a run: load the corpus once and write every table of ``outputs/data/``.

Notebooks compute what they show through the same functions, so a CSV and the
chart built from it always agree.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from . import __version__, engine, entities, figures, reuse, sentiment, tables
from .corpus import Corpus, load_corpus
from .engine import DERIVED, compute_tables
from .io import read_pickle, write_csv, write_pickle
from .paths import CACHE_ENV

log = logging.getLogger(__name__)

#: table name -> function of the corpus. Later stages add their tables here.
TABLES: dict[str, Callable[[Corpus], pd.DataFrame]] = {
    "documents": tables.documents_table,
    "comments": tables.comments_table,
    "sentences": tables.sentences_table,
    "segments": tables.segments_table,
    "metadata": tables.metadata_table,
    "inputs": tables.inputs_table,
    "reuse_pairs": reuse.reuse_pairs_table,
    "shared_passages": reuse.shared_passages_table,
    "comment_threads": sentiment.comment_threads_table,
    "entity_mentions": entities.entity_mentions_table,
    "entity_counts": entities.entity_counts_table,
    "entity_sentiment": sentiment.entity_sentiment_table,
    "figures": figures.figures_table,
    "figure_numbers": figures.numbers_table,
}


#: the tables whose row counts are the run's key numbers (index page, run.json)
KEY_COUNTS = ("documents", "comments", "sentences", "entity_mentions", "figures", "shared_passages")


@dataclass
class BuildResult:
    """What :func:`build` did: inputs seen, files rejected, rows per table."""

    corpus: Corpus
    tables: dict[str, pd.DataFrame]
    paths: dict[str, Path]
    inputs: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: what the engine did: documents processed and cached per stage group, jobs, seconds (see :class:`~presslens.engine.EngineStats`)
    stats: dict = field(default_factory=dict)


def build(
    corpus_dir: str | Path,
    data_dir: str | Path,
    *,
    strict: bool = False,
    max_bytes: int | None = None,
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> BuildResult:
    """Load ``corpus_dir`` and write every table as ``data_dir/<name>.csv``.

    The per-document stages run per document, in worker processes and through
    a cache when one is given (:mod:`presslens.engine`); the tables are the same
    as calling each :data:`TABLES` function on the whole corpus.

    Args:
        corpus_dir: the folder of documents and ``sources.yml``.
        data_dir: where the CSV files go (created if missing).
        strict: any rejected input raises :class:`~presslens.errors.CorpusError`.
        max_bytes: size limit per file (default: the loader's).
        jobs: worker processes for the per-document stages (default: every core; 1: this process only).
        cache_dir: per-document cache folder (e.g. ``OUT/cache``); ``None`` computes everything.
        engine: ``local`` or ``dask``.
        scheduler: with ``engine="dask"``, a scheduler address (default: a local two-worker cluster).

    Returns:
        A :class:`BuildResult`; ``stats`` says how many documents were processed or read from the cache.
    """
    corpus = load_corpus(corpus_dir, strict=strict, max_bytes=max_bytes)
    frames, stats = compute_tables(corpus, TABLES, jobs=jobs, cache_dir=cache_dir, engine=engine, scheduler=scheduler)
    if cache_dir is not None:
        save_run_tables(corpus, frames, cache_dir)
    paths: dict[str, Path] = {}
    for name, frame in frames.items():
        paths[name] = write_csv(frame, Path(data_dir) / f"{name}.csv")
        log.info("wrote %s: %d rows", paths[name], len(frame))
    inputs = [
        {"file": i.file, "sha256": i.sha256, "bytes": i.bytes, "encoding": i.encoding, "status": i.status, "reason": i.reason}
        for i in corpus.inputs
    ]
    return BuildResult(
        corpus=corpus,
        tables=frames,
        paths=paths,
        inputs=inputs,
        rejected=[{"file": i["file"], "reason": i["reason"]} for i in inputs if i["status"] == "rejected"],
        warnings=[{"file": f, "warning": w} for f, w in corpus.warnings],
        counts={name: len(frame) for name, frame in frames.items() if name in KEY_COUNTS},
        stats=stats.as_dict(),
    )


#: folder of the cache holding the whole tables of the last build, for the notebooks of the same run
RUN_TABLES_DIR = "tables"


def corpus_fingerprint(corpus: Corpus) -> str:
    """sha256 of everything the tables depend on: presslens, the cache format, every document's cache key, the inputs and the codebook.

    Two loads of the same files give the same fingerprint; any changed, added,
    removed or rejected file, a changed ``sources.yml`` entry or ``entities.yml``
    gives another.
    """
    digest = hashlib.sha256(f"presslens {__version__}; cache {engine.CACHE_FORMAT}\n".encode())
    for doc in corpus.documents:
        digest.update(engine.document_key(doc).encode() + b"\n")
    for item in corpus.inputs:
        digest.update(repr(item).encode("utf-8", "surrogatepass") + b"\n")
    digest.update(engine.codebook_key(corpus).encode())
    return digest.hexdigest()


def _run_tables_folder(cache_dir: str | Path, corpus: Corpus) -> Path:
    return Path(cache_dir) / f"v{engine.CACHE_FORMAT}" / RUN_TABLES_DIR / corpus_fingerprint(corpus)


def save_run_tables(corpus: Corpus, frames: dict[str, pd.DataFrame], cache_dir: str | Path) -> Path:
    """Keep the whole tables of a build in the cache (one pickle per table), so the run's notebooks read them instead of reassembling them.

    Only the latest corpus is kept: tables of other fingerprints are removed,
    so the folder does not grow with every hourly run.
    """
    folder = _run_tables_folder(cache_dir, corpus)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_pickle(frame, folder / f"{name}.pickle")
    for other in folder.parent.iterdir():
        if other.is_dir() and other != folder:
            shutil.rmtree(other, ignore_errors=True)
    return folder


def _load_run_tables(corpus: Corpus, names: tuple[str, ...], cache_dir: str | Path) -> dict[str, pd.DataFrame] | None:
    folder = _run_tables_folder(cache_dir, corpus)
    frames = {}
    for name in names:
        frame = read_pickle(folder / f"{name}.pickle", what="run table")
        if not isinstance(frame, pd.DataFrame):
            return None
        frames[name] = frame
    return frames


def tables_for(corpus: Corpus, *names: str, cache_dir: str | Path | None = None, jobs: int = 1) -> pd.DataFrame | tuple[pd.DataFrame, ...]:
    """Tables of :data:`TABLES` for a notebook, from the run's per-document cache when there is one.

    Under ``presslens run`` the kernel finds the run's cache folder in
    ``$PRESSLENS_CACHE_DIR``: the whole tables the build just made for this very
    corpus (same :func:`corpus_fingerprint`) are read back; failing that, the
    per-document rows in the cache are, and only corpus-level tables (reuse,
    roll-ups) are rebuilt. Elsewhere (JupyterLab, nbval) everything is computed
    here. Either way the tables equal ``TABLES[name](corpus)`` (the engine's
    guarantee; ``tests/test_display.py`` checks it byte for byte).

    Args:
        corpus: the loaded corpus.
        *names: table names (``"documents"``, ``"comments"``...).
        cache_dir: a cache folder; default ``$PRESSLENS_CACHE_DIR``, else none.
        jobs: worker processes for documents missing from the cache.

    Returns:
        The table for one name, a tuple of tables (in the order asked) for several.

    Raises:
        KeyError: a name that is not one of :data:`TABLES` (the message lists them).
    """
    unknown = [n for n in names if n not in TABLES]
    if unknown or not names:
        raise KeyError(f"unknown table(s) {unknown or '(none asked)'}; the run's tables are: {', '.join(TABLES)}")
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_ENV) or None
    if cache_dir is not None:
        saved = _load_run_tables(corpus, names, cache_dir)
        if saved is not None:
            return saved[names[0]] if len(names) == 1 else tuple(saved[n] for n in names)
    wanted = set(names)
    for name in names:  # a roll-up is built from its per-document inputs, which the cache holds
        if name in DERIVED and DERIVED[name][0] is TABLES[name]:
            wanted.update(DERIVED[name][1])
    functions = {n: f for n, f in TABLES.items() if n in wanted}
    frames, _ = compute_tables(corpus, functions, jobs=jobs, cache_dir=cache_dir)
    out = tuple(frames[n] for n in names)
    return out[0] if len(out) == 1 else out
