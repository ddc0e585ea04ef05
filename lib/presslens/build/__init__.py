"""Building a run's tables: the one table registry, the engine that runs it, the cache it keeps, the build.

* :mod:`.registry`: THE table registry, every table declared once with its
  function and its stage group (``document``, ``codebook``, ``corpus``);
  ``TABLES``, ``DOCUMENT_TABLES``, ``CODEBOOK_TABLES``, ``DERIVED``,
  ``REUSE_TABLES``, ``CORPUS_ORDER`` are views of it;
* :mod:`.engine`: the per-document engine (chunks of documents in worker
  processes or on Dask through :class:`TaskMapper`), then the reuse and the
  corpus-level tables, equal byte for byte to each table's function on the
  whole corpus;
* :mod:`.cache`: the cache layout under ``OUT/cache`` (keys, per-document
  pieces, the last run's tables, the run's tables for its notebooks) and the
  build's corpus snapshot for the run's notebooks;
* :mod:`.pipeline`: :func:`build` (load, compute, write ``data/*.csv``),
  :func:`corpus_for` (a notebook's corpus: the build's snapshot under a run) and
  :func:`tables_for` (a notebook's tables, and when the run's can be read).

Computing tables imports no plotly and no IPython (the stages' charts are apart).
"""

from .cache import (
    CACHE_FORMAT,
    LAST_RUN_DIR,
    RUN_TABLES_DIR,
    codebook_key,
    corpus_fingerprint,
    document_key,
    load_corpus_snapshot,
    save_corpus_snapshot,
    save_run_tables,
)
from .engine import (
    EngineError,
    EngineStats,
    TaskMapper,
    assemble_table,
    cache_size,
    compute_tables,
    concat_pieces,
    default_jobs,
    reuse_tables,
    split_by_document,
)
from .pipeline import KEY_COUNTS, BuildResult, build, corpus_for, tables_for
from .registry import (
    CODEBOOK_TABLES,
    CORPUS_ORDER,
    DERIVED,
    DOCUMENT_TABLES,
    GROUPS,
    REGISTRY,
    REUSE_TABLES,
    STAGE_GROUPS,
    TABLES,
    Table,
)

__all__ = [
    "CACHE_FORMAT", "CODEBOOK_TABLES", "CORPUS_ORDER", "DERIVED", "DOCUMENT_TABLES", "GROUPS", "KEY_COUNTS", "LAST_RUN_DIR",
    "REGISTRY", "REUSE_TABLES", "RUN_TABLES_DIR", "STAGE_GROUPS", "TABLES", "BuildResult", "EngineError", "EngineStats",
    "Table", "TaskMapper", "assemble_table", "build", "cache_size", "codebook_key", "compute_tables", "concat_pieces",
    "corpus_for", "corpus_fingerprint", "default_jobs", "document_key", "load_corpus_snapshot", "reuse_tables",
    "save_corpus_snapshot", "save_run_tables", "split_by_document",
    "tables_for",
]
