"""Views of each document kept between runs (``OUT/cache/views-v<format>/``), and the digests of a corpus's documents.

Notebooks compute some views from each document alone: what name discovery finds in it, its quotations.
They are the same on every run of the same document, so :func:`kept_per_document` keeps them, by
:func:`document_digest`, in the run's cache folder when the process keeps views (:func:`keep_views_in`:
a kernel of ``presslens run`` and the build do). This module sits with ingest, below the stages that use
it (entities, reuse); the build's own cache keys (:func:`presslens.build.cache.document_key`) are made
from the same digests. A digest is :func:`presslens.ingest.cache.document_digest` (the corpus cache
keeps them too); :func:`document_digests` gives a corpus's, kept on the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .. import __version__
from ..io import read_pickle, write_pickle
from .cache import document_digest, keep_digests, kept_digests
from .corpus import Corpus, Document

T = TypeVar("T")

#: bump when a kept view's value changes meaning, so views kept by the old rules are misses
VIEWS_FORMAT = 1
#: folder (under a cache folder) of the views kept per document
VIEWS_DIR = f"views-v{VIEWS_FORMAT}"
#: a kept view's file holds at most this many times the answers of the corpus that last wrote it
KEPT_SLACK = 1.25


def document_digests(corpus: Corpus) -> tuple[str, ...]:
    """:func:`document_digest` of every document of ``corpus``, in order, worked out once per loaded corpus.

    The build asks for them several times (its per-document cache, the fingerprint of the tables it keeps, the
    sentence spans) and each notebook of a run once or twice; at 10,000 documents each pass costs about a
    second. They are kept on the corpus (:func:`presslens.ingest.cache.keep_digests`; a load through the cache
    keeps them there already, and the build's snapshot carries them to the run's notebooks), for as long as it
    holds the same documents (a corpus is not edited once loaded: a changed document is a new load).
    """
    kept = kept_digests(corpus)
    if kept is not None:
        return kept
    digests = tuple(document_digest(doc) for doc in corpus.documents)
    keep_digests(corpus, digests)
    return digests


#: the cache folder this process keeps views in (:func:`keep_views_in`); empty: none
_VIEWS_IN: list[Path] = []


def keep_views_in(cache_dir: str | Path | None) -> None:
    """Have :func:`kept_per_document` keep what it computes in ``cache_dir`` (``None``: compute every time, keep nothing).

    :func:`presslens.pipeline.corpus_for` sets it in a kernel of ``presslens run`` (the run's ``OUT/cache``) and
    :func:`presslens.pipeline.build` for the time of a build; elsewhere nothing is kept.
    """
    _VIEWS_IN[:] = [] if cache_dir is None else [Path(cache_dir)]


@contextmanager
def views_kept_in(cache_dir: str | Path | None) -> Iterator[None]:
    """:func:`keep_views_in` ``cache_dir`` for the time of the ``with`` block, then as before."""
    before = list(_VIEWS_IN)
    keep_views_in(cache_dir)
    try:
        yield
    finally:
        _VIEWS_IN[:] = before


def kept_per_document(corpus: Corpus, name: str, compute: Callable[[Document], T], *, valid: type) -> list[T]:
    """``compute(doc)`` of every document of ``corpus``, kept between runs when the process keeps views.

    For the views notebooks compute from each document alone (what discovery finds in it, its quotations):
    the same on every run of the same document. One file per view (``name``: the view and everything else
    its answer depends on, such as the codebook's digest) holds the answers by :func:`document_digest`; it is
    rewritten when an answer had to be computed, with this corpus's answers and, while they are fewer than
    :data:`KEPT_SLACK` times this corpus's, the file's others (so a view of a few documents, such as the
    quotation matrix of the most reused ones, neither rewrites nor empties it). A run after adding one
    document computes that document's. Only values of type ``valid`` are taken from the file (a damaged,
    unsigned or foreign file is a miss); the answers are the same as ``[compute(doc) for doc in corpus]``.
    """
    if not _VIEWS_IN:
        return [compute(doc) for doc in corpus]
    path = _VIEWS_IN[0] / VIEWS_DIR / f"{name}.pkl"
    kept = read_pickle(path, what="kept view")
    last = kept.get("values") if isinstance(kept, dict) and kept.get("presslens") == __version__ else None
    last = last if isinstance(last, dict) else {}
    keys = document_digests(corpus)
    values, missed = [], False
    for doc, key in zip(corpus, keys):
        found = last.get(key)
        if not isinstance(found, valid):
            found, missed = compute(doc), True
        values.append(found)
    if missed:
        now = dict(zip(keys, values))
        others = {k: v for k, v in last.items() if k not in now}
        if len(now) + len(others) <= KEPT_SLACK * len(now):
            now.update(others)
        write_pickle({"presslens": __version__, "values": now}, path)
    return values


__all__ = ["KEPT_SLACK", "VIEWS_DIR", "VIEWS_FORMAT", "document_digest", "document_digests", "keep_views_in", "kept_per_document", "views_kept_in"]
