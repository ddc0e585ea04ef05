"""Stable import path of ``sources.yml`` reading: the code lives in :mod:`presslens.ingest.metadata`.

Kept for notebooks, tests, benchmarks and users; the names are the same objects.
"""

from .ingest.metadata import BASES, FIELDS, GENRES, SOURCES_FILE, SourceEntry, Value, load_sources

__all__ = ["BASES", "FIELDS", "GENRES", "SOURCES_FILE", "SourceEntry", "Value", "load_sources"]
