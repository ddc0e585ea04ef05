"""The errors presslens raises on purpose.

Each names the file and the problem, so the command line can print one line
instead of a traceback from deep inside.
"""

from __future__ import annotations


class PresslensError(Exception):
    """Base class: a problem with the user's input or settings, not a bug."""


class CorpusError(PresslensError):
    """A document or the corpus folder cannot be used (with ``--strict``, any rejected input)."""


class MetadataError(PresslensError):
    """``sources.yml`` (or another data file beside the seeds) is malformed."""


class ParameterError(PresslensError):
    """A run parameter is unknown or has the wrong type."""
