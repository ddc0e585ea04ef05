"""Stable import path of the build: see :mod:`presslens.build.pipeline` (build, corpus_for, tables_for) and
:mod:`presslens.build.registry` (``TABLES``, a view of the one table registry). No code here."""

from .build.cache import RUN_TABLES_DIR, corpus_fingerprint, save_run_tables
from .build.pipeline import KEY_COUNTS, BuildResult, build, corpus_for, tables_for
from .build.registry import TABLES

__all__ = ["KEY_COUNTS", "RUN_TABLES_DIR", "TABLES", "BuildResult", "build", "corpus_fingerprint", "corpus_for", "save_run_tables", "tables_for"]
