"""The library side of a run: load the corpus once and write every table of ``outputs/data/``.

Notebooks compute what they show through the same functions, so a CSV and the
chart built from it always agree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from . import entities, figures, reuse, sentiment, tables
from .corpus import Corpus, load_corpus
from .engine import compute_tables
from .io import write_csv

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
