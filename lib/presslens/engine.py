"""Stable import path of the engine: see :mod:`presslens.build.engine` (engine), :mod:`presslens.build.registry`
(the table registry and its views) and :mod:`presslens.build.cache` (the cache layout). No code here."""

from .build.cache import CACHE_FORMAT, LAST_RUN_DIR, codebook_key, document_key
from .build.engine import (
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
from .build.registry import CODEBOOK_TABLES, CORPUS_ORDER, DERIVED, DOCUMENT_TABLES, GROUPS, REUSE_TABLES

__all__ = [
    "CACHE_FORMAT", "CODEBOOK_TABLES", "CORPUS_ORDER", "DERIVED", "DOCUMENT_TABLES", "GROUPS", "LAST_RUN_DIR", "REUSE_TABLES",
    "EngineError", "EngineStats", "TaskMapper", "assemble_table", "cache_size", "codebook_key", "compute_tables",
    "concat_pieces", "default_jobs", "document_key", "reuse_tables", "split_by_document",
]
