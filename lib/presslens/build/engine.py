"""Computing the tables of a run at scale: per document, cached, in parallel.

The tables of the registry (:mod:`presslens.build.registry`) are computed by stage group:

* **per-document** tables (groups ``document``: documents, comments, sentences,
  segments, metadata, figures, figure_numbers; ``codebook``: entity_mentions): a document's rows
  depend on that document alone, so each document is computed once, on a
  one-document sub-corpus, and its rows are kept in a cache keyed by the
  document (see :func:`presslens.build.cache.document_key`). Documents not in the cache are spread over
  worker processes in chunks; a worker returns the chunk's whole tables (one
  frame per table, not one per document) and writes the documents' cache files
  itself. Workers forked from the run (the local engine on Linux) inherit the
  corpus and the loaded models, so a task names its documents by index; below
  :data:`PARALLEL_MIN_DOCUMENTS` documents to compute no worker is started.
  The main process concatenates chunk tables and cached rows once per
  table and puts them in order with one stable sort (:func:`assemble_table`).
  The last run's whole per-document tables are also kept, one file per group
  (``last-run/``), so a rerun reads two files instead of two per document and
  only documents missing from them open their own cache file (the layout is
  :mod:`presslens.build.cache`).
* **corpus-level** tables (group ``corpus``: entity_counts, comment_threads,
  entity_sentiment, inputs) are recomputed on every run from the per-document rows.
* the **reuse** tables (reuse_pairs, shared_passages) come from
  :func:`presslens.reuse.align_texts`: sentence units per document and
  comparisons per pair of documents, both cached (under ``cache/reuse-v3/``) and
  spread over the workers, so a run after adding a document computes its units
  and compares only the pairs it is part of (see :func:`reuse_tables`).

Running each per-document function on a one-document corpus and concatenating
the pieces gives the same table as running it on the whole corpus, because every
one of those functions builds its rows document by document and sorts with the
``doc_id`` first (``metadata`` keeps the corpus order). The tests check this
byte for byte on the CSV files. A table the registry does not know (or a
``TABLES`` entry replaced by another function) is computed the plain way, on
the whole corpus, so registering a new table never gives wrong results.
"""

from __future__ import annotations

import collections
import itertools
import logging
import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from presslens import entities, reuse, text
from presslens.io import worth_rewriting
from presslens.ingest.corpus import Corpus, Document
from presslens.errors import PresslensError

from . import cache as store
from .background import PARENT_POLL_SECONDS, PR_SET_PDEATHSIG, _die_with_parent, _start_worker, _watch_parent, beside, can_fork, longest_first  # noqa: F401
from .registry import BY_NAME, GROUPS, known

log = logging.getLogger(__name__)


class EngineError(PresslensError):
    """A run option is wrong (jobs, engine) or the cache folder cannot be used."""


@dataclass
class EngineStats:
    """What a run computed: documents processed per group, cache hits, seconds per phase.

    ``processed["document"]`` is the number of documents the per-document stages
    ran on (0 when every document came from the cache); the incremental test reads it.
    """

    documents: int = 0
    jobs: int = 1
    engine: str = "local"
    cache_dir: str = ""
    processed: dict[str, int] = field(default_factory=lambda: {g: 0 for g in GROUPS})
    cached: dict[str, int] = field(default_factory=lambda: {g: 0 for g in GROUPS})
    seconds: dict[str, float] = field(default_factory=dict)
    plain: list[str] = field(default_factory=list)
    reuse: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "documents": self.documents, "jobs": self.jobs, "engine": self.engine, "cache_dir": self.cache_dir,
            "processed": dict(self.processed), "cached": dict(self.cached),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()}, "plain": list(self.plain),
            "reuse": dict(self.reuse),
        }


# ---------------------------------------------------------------------------
# Per-document work (runs in worker processes)
# ---------------------------------------------------------------------------
@dataclass
class _Task:
    path: Path
    docs: list[Document] | None  # None: the documents at ``positions`` of the corpus the forked worker inherited
    keys: list[str]
    groups: list[tuple[str, ...]]  # per document: the groups to compute
    document_tables: tuple[str, ...]
    codebook_tables: tuple[str, ...]
    book: str
    cache_dir: Path | None
    codebook: entities.Codebook | None = None  # the whole corpus's provisional codebook (no entities.yml)
    positions: list[int] | None = None  # the documents' indexes in the run's corpus (sent instead of ``docs`` to forked workers)


#: the documents of the run whose per-document phase is running, set in the main process before its workers fork:
#: a forked worker reads its chunk's documents here by index instead of receiving them pickled
_FORKED_DOCUMENTS: list[Document] | None = None


def _task_documents(task: _Task) -> list[Document]:
    """The documents of a task: its own, or those at its positions in the corpus the worker inherited when it forked."""
    if task.docs is not None:
        return task.docs
    if _FORKED_DOCUMENTS is None or task.positions is None:
        raise EngineError("a task without documents reached a process that did not fork from the run (no inherited corpus)")
    return [_FORKED_DOCUMENTS[i] for i in task.positions]


#: the per-document tables of each group (the last run's file of a group is written only when a run computed all of them)
_GROUP_TABLES = {g: {t.name for t in BY_NAME.values() if t.group == g and t.derive is None and t.from_alignment is None} for g in GROUPS}


def split_by_document(frame: pd.DataFrame, doc_ids: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The rows of each of ``doc_ids`` in ``frame`` (in the frame's order), an empty frame for a document without rows.

    A table computed on a chunk of documents holds each document's rows as the
    table computed on that document alone would (same rows, same order: the
    functions build rows document by document and sort by ``doc_id`` first), so
    the pieces can be cached per document.
    """
    positions = frame.groupby("doc_id", sort=False).indices if len(frame) else {}
    empty = frame.iloc[0:0]
    out = {}
    for d in doc_ids:
        rows = positions.get(d)
        if rows is None:
            out[d] = empty
        elif rows[-1] - rows[0] + 1 == len(rows):  # one block, as in every sorted table: a slice, not a gather
            out[d] = frame.iloc[rows[0] : rows[-1] + 1].reset_index(drop=True)
        else:
            out[d] = frame.iloc[rows].reset_index(drop=True)
    return out


def _compute(task: _Task) -> dict[str, dict[str, pd.DataFrame]]:
    """The whole tables of a chunk of documents, per group, after writing each document's cache file.

    The tables are computed once on the chunk (a sub-corpus), and returned
    whole: one frame per table and chunk, which the main process puts in
    order (:func:`assemble_table`). Only the cache files need the rows of each
    document apart, and the worker splits them for those.

    Returns:
        group -> table name -> the table of the chunk's documents computing that group.
    """
    out: dict[str, dict[str, pd.DataFrame]] = {}
    docs = _task_documents(task)
    for group, names in (("document", task.document_tables), ("codebook", task.codebook_tables)):
        chosen = [k for k, groups in enumerate(task.groups) if group in groups]
        if not chosen or not names:
            continue
        sub = Corpus(path=task.path, documents=[docs[k] for k in chosen], inputs=[])
        extra = ((task.codebook or _codebook(sub, task.book)),) if group == "codebook" else ()
        whole: dict[str, pd.DataFrame] = {}
        for name in names:
            table = BY_NAME[name]
            given = {n: _frame_of(n, whole, out.get("document", {}), docs, chosen, task.groups) for n in table.takes}
            whole[name] = (table.per_document or table.function)(sub, *extra, **{n: f for n, f in given.items() if f is not None})
        if task.cache_dir is not None:
            ids = [d.doc_id for d in sub]
            split = {name: split_by_document(frame, ids) for name, frame in whole.items()}
            for k, doc_id in zip(chosen, ids):
                store.write_piece(task.cache_dir, group, task.keys[k], task.book, {name: split[name][doc_id] for name in names})
        out[group] = whole
    return out


def _frame_of(
    name: str, whole: Mapping[str, pd.DataFrame], documents: Mapping[str, pd.DataFrame], docs: Sequence[Document],
    chosen: Sequence[int], groups: Sequence[tuple[str, ...]],
) -> pd.DataFrame | None:
    """Table ``name`` of the documents ``chosen`` when this task computed it already (``None``: the function computes it).

    ``whole``: the group's tables computed so far, of those very documents; ``documents``: the task's ``document``
    tables, of the task's documents computing that group (the rows of ``chosen`` are taken when all of them did).
    """
    if name in whole:
        return whole[name]
    if name not in documents or not all("document" in groups[k] for k in chosen):
        return None
    frame = documents[name]
    if len(chosen) == sum("document" in g for g in groups):
        return frame
    return frame[frame["doc_id"].isin({docs[k].doc_id for k in chosen})].reset_index(drop=True)


#: the codebook a worker process parsed last: (corpus folder, codebook sha256) -> Codebook
_BOOKS: dict[tuple[str, str], entities.Codebook] = {}


def _codebook(corpus: Corpus, book: str) -> entities.Codebook:
    """The corpus's codebook, parsed once per worker process and codebook version instead of once per chunk."""
    key = (str(corpus.path), book)
    if key not in _BOOKS:
        _BOOKS.clear()
        _BOOKS[key] = entities.codebook_for(corpus)
    return _BOOKS[key]


#: fewest documents to compute for the per-document phase to use worker processes; below, it runs in the run's process.
#: Measured with synthetic corpora (benchmarks.synthetic, seed 9) on the 2-core shared development machine,
#: 2026-12-02, per-document phase only: 100 documents 1.5-1.8 CPU-s in one process, 2.0-2.2 in two workers (slower wall too);
#: 1,000 documents, see the README benchmark section.
PARALLEL_MIN_DOCUMENTS = 200


def _chunks(n: int, jobs: int, *, max_chunk: int = 256) -> list[range]:
    """Chunks of about a quarter of each worker's share (at most ``max_chunk`` documents): few tables to send back, workers kept busy to the end."""
    size = max(1, min(max_chunk, math.ceil(n / (jobs * 4))))
    return [range(i, min(n, i + size)) for i in range(0, n, size)]


# ---------------------------------------------------------------------------
# Assembling whole tables from per-document pieces
# ---------------------------------------------------------------------------
def _mixed_columns(kept: Sequence[pd.DataFrame], frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` (the concatenation of ``kept``) whose type differs between the frames of ``kept``."""
    columns = list(kept[0].columns)
    if all(list(p.columns) == columns for p in kept):  # the usual case: one dtype signature per piece, read once
        signatures = {tuple(str(t) for t in p.dtypes) for p in kept}
        return [c for j, c in enumerate(columns) if len({sig[j] for sig in signatures}) > 1]
    return [c for c in frame.columns if len({str(p[c].dtype) for p in kept}) > 1]


def _reinfer(frame: pd.DataFrame, mixed: Sequence[str]) -> pd.DataFrame:
    for column in mixed:
        frame[column] = pd.Series(frame[column].tolist(), dtype=None, name=column)
    return frame


def concat_pieces(pieces: Sequence[pd.DataFrame], empty: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-document frames in the given order into one table.

    Empty pieces are left out (their column types carry no information). A
    column whose type differs between pieces (ints in one document, missing
    values in another) is re-inferred from its values, as ``pd.DataFrame(rows)``
    on the whole corpus infers it.
    """
    kept = [p for p in pieces if len(p)]
    if not kept:
        return empty()
    if len(kept) == 1:
        return kept[0].reset_index(drop=True)
    frame = pd.concat(kept, ignore_index=True)
    return _reinfer(frame, _mixed_columns(kept, frame))


def assemble_table(pieces: Sequence[pd.DataFrame], position: Mapping[str, int], empty: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """One table from frames of several documents each (chunk tables, cached pieces), in any order.

    The frames are concatenated once and their rows put in the order of
    ``position`` (doc_id -> rank) by one stable sort, so each document's rows
    keep their order. Types follow :func:`concat_pieces`: empty frames are left
    out and a column whose type differs between frames is re-inferred from its
    values, in the final order.

    Args:
        pieces: frames with a ``doc_id`` column, each document's rows in one frame only.
        position: the rank of every document in the table (doc_id order, or corpus order).
        empty: makes the table of no documents (returned when every frame is empty).

    Returns:
        The table, with a fresh 0..n-1 index.
    """
    kept = [p for p in pieces if len(p)]
    if not kept:
        return empty()
    frame = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)
    keys = frame["doc_id"].map(position).to_numpy(dtype="int64")
    if len(keys) > 1 and bool((keys[1:] < keys[:-1]).any()):
        frame = frame.take(np.argsort(keys, kind="stable")).reset_index(drop=True)
    return _reinfer(frame, _mixed_columns(kept, frame)) if len(kept) > 1 else frame


def _doc_order(corpus: Corpus) -> list[int]:
    """Indexes of the corpus's documents in ``doc_id`` order (stable), the order of the sorted tables."""
    return sorted(range(len(corpus.documents)), key=lambda i: corpus.documents[i].doc_id)


# ---------------------------------------------------------------------------
# Reuse: sentence units per document, comparisons per pair, cached and in parallel
# ---------------------------------------------------------------------------
class TaskMapper:
    """Runs a task function over tasks lazily and in order: in this process, in worker processes or on Dask.

    At most two tasks per worker are in flight, so tasks that carry data (the
    sentence units of a chunk of pairs) are made only as workers free up. A
    single task, or ``jobs=1`` on the local engine, runs in this process. The
    pool or cluster starts on first use; :meth:`close` stops it.
    """

    def __init__(self, *, jobs: int, engine: str = "local", scheduler: str | None = None) -> None:
        self.jobs, self.engine, self.scheduler = jobs, engine, scheduler
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._cluster: Any = None

    def __call__(self, function: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        iterator = iter(tasks)
        head = list(itertools.islice(iterator, 2))
        if len(head) <= 1 or (self.engine == "local" and self.jobs <= 1):
            yield from map(function, itertools.chain(head, iterator))
            return
        submit = self._submitter()
        window: collections.deque = collections.deque()
        for task in itertools.chain(head, iterator):
            window.append(submit(function, task))
            if len(window) >= 2 * max(self.jobs, 2):
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def _submitter(self) -> Callable[[Callable, Any], Any]:
        if self.engine == "local":
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_start_worker, initargs=(os.getpid(),))
            return self._pool.submit
        if self._client is None:
            try:
                from dask.distributed import Client, LocalCluster
            except ImportError:
                raise EngineError('engine "dask" needs dask.distributed: pip install "dask[distributed]"') from None
            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True)
                self._client = Client(self._cluster)
        client = self._client
        return lambda function, task: client.submit(function, task, pure=False)

    def __enter__(self) -> "TaskMapper":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker pool or the Dask client (and the local cluster it started)."""
        if self._pool is not None:
            self._pool.shutdown()
        for resource in (self._client, self._cluster):
            if resource is not None:
                resource.close()
        self._pool = self._client = self._cluster = None


def reuse_tables(
    corpus: Corpus,
    names: Sequence[str],
    *,
    jobs: int = 1,
    cache_dir: str | Path | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """The reuse tables ``names`` (registry tables with ``from_alignment``) of a corpus, equal to the ``TABLES`` functions.

    One alignment (:func:`presslens.reuse.align_texts`, default options) feeds
    both tables: units and comparisons run through a :class:`TaskMapper` (the
    run's jobs and engine) and through the reuse cache in ``cache_dir``.

    Returns:
        The tables and what the alignment did (``EngineStats.reuse``).
    """
    with TaskMapper(jobs=jobs, engine=engine, scheduler=scheduler) as mapper:
        alignment = reuse.align_texts(
            {d.doc_id: d.body for d in corpus}, cache_dir=cache_dir, mapper=mapper, jobs=jobs, keep_sides=False
        )
    frames = {name: BY_NAME[name].from_alignment(alignment) for name in names}
    report = {"method": alignment.method}
    report.update({k: (round(v, 3) if isinstance(v, float) else v) for k, v in alignment.stats.items()})
    return frames, report


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
def default_jobs() -> int:
    """Worker processes by default: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _forks(engine: str, jobs: int) -> bool:
    """Whether the per-document workers of a run are forked from this process (local engine, ``fork`` start method)."""
    return can_fork(jobs=jobs, engine=engine) and multiprocessing.get_context().get_start_method() == "fork"


def _per_document(
    corpus: Corpus, todo: Sequence[tuple[int, tuple[str, ...]]], keys: Sequence[str], jobs: int, *, engine: str,
    scheduler: str | None, doc_tables: tuple[str, ...], book_tables: tuple[str, ...], book: str, cache: Path | None,
    provisional: entities.Codebook | None,
) -> list[dict[str, dict[str, pd.DataFrame]]]:
    """The chunk tables of the documents ``todo`` (corpus index, groups to compute), in chunk order (:func:`_compute`).

    Workers that fork from this process (the local engine on Linux) inherit
    the corpus, the imported modules and, loaded here first, the Punkt and
    VADER models and the codebook: a task then carries the documents' indexes
    instead of the documents (no pickling of the texts to the workers, no
    model loading in each worker). Tasks sent elsewhere (Dask, a ``spawn``
    start method) carry their documents.
    """
    global _FORKED_DOCUMENTS
    forked = _forks(engine, jobs)
    batches = [[todo[j] for j in chunk] for chunk in _chunks(len(todo), jobs)]
    tasks = [
        _Task(path=Path(corpus.path), docs=None if forked else [corpus.documents[i] for i, _ in items],
              positions=[i for i, _ in items], keys=[keys[i] for i, _ in items], groups=[g for _, g in items],
              document_tables=doc_tables, codebook_tables=book_tables, book=book, cache_dir=cache, codebook=provisional)
        for items in batches
    ]
    if forked:
        text.sentence_splitter(), text.analyzer()
        if book_tables and provisional is None:
            _codebook(corpus, book)
        _FORKED_DOCUMENTS = corpus.documents
    try:
        with TaskMapper(jobs=jobs, engine=engine, scheduler=scheduler) as mapper:
            return list(mapper(_compute, tasks))
    finally:
        _FORKED_DOCUMENTS = None


def compute_tables(
    corpus: Corpus,
    table_functions: Mapping[str, Callable[[Corpus], pd.DataFrame]],
    *,
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> tuple[dict[str, pd.DataFrame], EngineStats]:
    """Every table of ``table_functions`` for ``corpus``, equal to calling each function on the corpus.

    Args:
        corpus: the loaded corpus.
        table_functions: name -> function of the corpus (``pipeline.TABLES``).
        jobs: worker processes for the per-document stages (default: the cores available; 1 runs in this process).
        cache_dir: folder of the per-document cache (``None``: no cache).
        engine: ``local`` (processes on this machine) or ``dask`` (a dask.distributed cluster).
        scheduler: with ``engine="dask"``, the scheduler address (default: a local two-worker cluster on loopback).

    Returns:
        The tables (in ``table_functions`` order) and :class:`EngineStats`.

    Raises:
        EngineError: ``jobs`` below 1 or an unknown engine.
    """
    jobs = default_jobs() if jobs is None else jobs
    if not isinstance(jobs, int) or jobs < 1:
        raise EngineError(f"jobs must be a whole number >= 1, got {jobs!r}")
    if engine not in ("local", "dask"):
        raise EngineError(f"unknown engine {engine!r}; presslens runs on 'local' or 'dask'")
    stats = EngineStats(documents=len(corpus), jobs=jobs, engine=engine, cache_dir=str(cache_dir or ""))
    started = time.perf_counter()

    registered = {n: known(n, f) for n, f in table_functions.items()}
    per_document = {n: t for n, t in registered.items() if t is not None and t.derive is None and t.from_alignment is None}
    for t in list(registered.values()):  # the internal per-document steps of the derived tables computed from per-document tables
        if t is not None and t.derive is not None and all(n in per_document for n in t.inputs):
            per_document.update((p, BY_NAME[p]) for p in t.pieces)
    doc_tables = tuple(n for n, t in per_document.items() if t.group == "document")
    book_tables = tuple(n for n, t in per_document.items() if t.group == "codebook")
    ids = [d.doc_id for d in corpus]
    if len(set(ids)) != len(ids):
        log.warning("two files share a doc_id: tables computed on the whole corpus, without cache or workers")
        doc_tables, book_tables = (), ()
    cache = Path(cache_dir) if cache_dir is not None else None
    book = store.codebook_key(corpus) if book_tables else "none"
    # without entities.yml the codebook is the names discovered in the whole corpus, not in a worker's chunk
    provisional = entities.provisional_codebook(corpus) if book.startswith("provisional-") else None

    # 1. per-document frames: the last run's tables (one file per group) hold most documents of a rerun; the
    #    others come from their own cache file (one piece per document), else are computed (one table per chunk)
    pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in (*doc_tables, *book_tables)}
    keys = store.document_keys(corpus) if (doc_tables or book_tables) else ()
    hits: dict[str, list[bool]] = {}
    last_runs: dict[str, dict | None] = {}
    for group, names in (("document", doc_tables), ("codebook", book_tables)):
        if not names or cache is None:
            continue
        last = store.read_last_run(cache, group, book)
        last_runs[group] = last
        if last is None or not all(n in last["tables"] for n in names):
            continue
        held = last["keys"]
        hits[group] = [held.get(key) == doc.doc_id for key, doc in zip(keys, corpus.documents)]
        n_hits = sum(hits[group])
        if n_hits:
            wanted = {doc.doc_id for doc, hit in zip(corpus.documents, hits[group]) if hit}
            for n in names:
                frame = last["tables"][n]
                pieces[n].append(frame if n_hits == len(held) else frame[frame["doc_id"].isin(wanted)])
    todo: list[tuple[int, tuple[str, ...]]] = []
    for i, key in enumerate(keys):
        groups = []
        for group, names in (("document", doc_tables), ("codebook", book_tables)):
            if not names:
                continue
            if group in hits and hits[group][i]:
                stats.cached[group] += 1
                continue
            hit = store.read_piece(cache, group, key, book) if cache is not None else None
            if hit is not None and all(n in hit for n in names):
                for n in names:
                    pieces[n].append(hit[n])
                stats.cached[group] += 1
            else:
                groups.append(group)
                stats.processed[group] += 1
        if groups:
            todo.append((i, tuple(groups)))
    stats.seconds["cache_read"] = time.perf_counter() - started

    t0 = time.perf_counter()
    # below PARALLEL_MIN_DOCUMENTS documents to compute, starting workers costs more than it saves: one process
    phase_jobs = jobs if engine != "local" or len(todo) >= PARALLEL_MIN_DOCUMENTS else 1
    if todo:
        results = _per_document(corpus, todo, keys, phase_jobs, engine=engine, scheduler=scheduler, doc_tables=doc_tables,
                                book_tables=book_tables, book=book, cache=cache, provisional=provisional)
        for result in results:
            for whole in result.values():
                for name, frame in whole.items():
                    pieces[name].append(frame)
    stats.seconds["per_document"] = time.perf_counter() - t0
    log.info("per-document stages: %d documents processed, %d from the cache (%d jobs, %s)",
             stats.processed["document"], stats.cached["document"], phase_jobs, engine)

    # 2. whole tables: one concatenation and one stable reorder per table
    t0 = time.perf_counter()
    by_id = {corpus.documents[i].doc_id: rank for rank, i in enumerate(_doc_order(corpus))}
    by_corpus = {d.doc_id: i for i, d in enumerate(corpus.documents)}
    empty_corpus = Corpus(path=corpus.path, documents=[], inputs=[])
    frames: dict[str, pd.DataFrame] = {}
    for name in (*doc_tables, *book_tables):
        make = per_document[name].function
        frames[name] = assemble_table(pieces.pop(name), by_corpus if per_document[name].corpus_order else by_id, lambda make=make: make(empty_corpus))
    stats.seconds["assemble"] = time.perf_counter() - t0
    if cache is not None:  # keep this run's tables for the next one, unless they are the stored ones or a subset of the tables
        t0 = time.perf_counter()
        by_key = dict(zip(keys, ids))
        for group, names in (("document", doc_tables), ("codebook", book_tables)):
            last = last_runs.get(group)
            # rewritten once the documents drift from it by more than 1% (64 at least): what it lacks, the documents' own files hold
            close = last is not None and all(n in last["tables"] for n in names) and not worth_rewriting(last["keys"], by_key, slack=LAST_RUN_SLACK)
            if names and set(names) == _GROUP_TABLES[group] and not close:
                store.write_last_run(cache, group, book, by_key, {n: frames[n] for n in names})
        stats.seconds["cache_write"] = time.perf_counter() - t0

    # 3. the corpus-level tables: the reuse tables and the derived tables that remember nothing between runs are
    #    computed beside the others, in a forked child, when the run has two jobs or more (build.background)
    t0 = time.perf_counter()
    reuse_names = [n for n, t in registered.items() if t is not None and t.from_alignment is not None]
    free = [n for n, t in registered.items() if t is not None and t.derive is not None and not t.remembers and n not in frames
            and all(i in frames for i in t.inputs)]
    pinned = [n for n, t in registered.items() if t is not None and t.derive is not None and t.remembers and n not in frames]
    apart = share_tables(free, pinned, reuse=bool(reuse_names), seconds=store.table_seconds(cache))
    done: dict[str, pd.DataFrame] = {}
    with ExitStack() as stack:
        computing = None
        if reuse_names or apart:
            computing = stack.enter_context(beside(
                "corpus tables", _tables_apart, corpus, frames, reuse_names, apart, jobs=jobs, cache_dir=cache, engine=engine,
                scheduler=scheduler, fork=can_fork(jobs=jobs, engine=engine),
            ))
        # the masked sentences' scores and the bootstrap intervals the last run asked are given back (store.remembered)
        with store.remembered(cache, documents=_masking_keys(corpus, keys, book) if book_tables else None):
            for name, make in table_functions.items():
                if name in reuse_names or name in apart:
                    continue
                if name in frames:
                    finish = registered[name].finish if registered[name] is not None else None
                    done[name] = finish(frames[name]) if finish is not None else frames[name]
                    continue
                derived = registered[name]
                if derived is not None and derived.derive is not None and all(n in frames for n in derived.inputs):
                    t1 = time.perf_counter()
                    done[name] = _derive(derived, corpus, frames)
                else:
                    t1 = time.perf_counter()
                    done[name] = make(corpus)
                    stats.plain.append(name)
                stats.seconds[f"table:{name}"] = time.perf_counter() - t1
        if computing is not None:
            t1 = time.perf_counter()
            tables_apart, report, seconds = computing.result()
            done.update(tables_apart)
            stats.seconds.update(seconds)
            stats.seconds["apart_wait"] = time.perf_counter() - t1
            if reuse_names:
                stats.reuse = report
                log.info("reuse: %d documents' units computed, %d from the cache; %d pairs compared, %d from the cache%s",
                         report["documents_computed"], report["documents_cached"], report["pairs_computed"],
                         report["pairs_cached"], " (beside the other tables)" if computing.forked else "")
    out = {name: done[name] for name in table_functions}
    timed = {n: stats.seconds[f"table:{n}"] for n in [*free, *pinned] if f"table:{n}" in stats.seconds}
    if reuse_names and "reuse" in stats.seconds:
        timed["reuse"] = stats.seconds["reuse"]
    store.keep_table_seconds(cache, timed)  # how the next run shares these tables between its processes
    stats.seconds["corpus_level"] = time.perf_counter() - t0
    stats.seconds["total"] = time.perf_counter() - started
    return out, stats


def share_tables(free: Sequence[str], pinned: Sequence[str], *, reuse: bool, seconds: Mapping[str, float]) -> list[str]:
    """Which of the ``free`` derived tables go beside the build's process, with the reuse tables (``reuse``).

    The tables that remember answers between runs (``pinned``) stay in this
    process; the reuse tables always go beside it. Each free table goes, largest
    first by the seconds it took last run, to the side with less to do (longest
    processing time first), so both finish about together; without last-run
    times every free table goes beside.

    >>> share_tables(["threads", "counts"], ["sentiment"], reuse=True, seconds={})
    ['threads', 'counts']
    >>> share_tables(["threads", "counts"], ["sentiment"], reuse=True, seconds={"reuse": 3.9, "sentiment": 4.8, "threads": 1.2, "counts": 0.5})
    ['threads']
    """
    if not all(n in seconds for n in [*free, *pinned, *(["reuse"] if reuse else [])]):
        return list(free)
    return longest_first({n: seconds[n] for n in free}, beside=seconds["reuse"] if reuse else 0.0,
                         here=sum(seconds[n] for n in pinned))[0]


def _derive(table: Any, corpus: Corpus, frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """A derived registry table from its input frames, and the internal pieces among ``frames`` it takes."""
    return table.derive(corpus, *(frames[n] for n in table.inputs), **{p: frames[p] for p in table.pieces if p in frames})


def _tables_apart(
    corpus: Corpus, frames: Mapping[str, pd.DataFrame], reuse_names: Sequence[str], derived: Sequence[str], *, jobs: int,
    cache_dir: Path | None, engine: str, scheduler: str | None,
) -> tuple[dict[str, pd.DataFrame], dict, dict[str, float]]:
    """The reuse tables ``reuse_names`` and the derived tables ``derived`` from the per-document ``frames``.

    What :func:`compute_tables` may compute beside the tables that remember answers between runs (a forked child
    when the run has two jobs or more). Returns the tables, the reuse report and the seconds each part took.
    """
    out: dict[str, pd.DataFrame] = {}
    report: dict = {}
    seconds: dict[str, float] = {}
    if reuse_names:
        t0 = time.perf_counter()
        reused, report = reuse_tables(corpus, reuse_names, jobs=jobs, cache_dir=cache_dir, engine=engine, scheduler=scheduler)
        out.update(reused)
        seconds["reuse"] = time.perf_counter() - t0
    for name in derived:
        t0 = time.perf_counter()
        out[name] = _derive(BY_NAME[name], corpus, frames)
        seconds[f"table:{name}"] = time.perf_counter() - t0
    return out, report, seconds


def _masking_keys(corpus: Corpus, keys: Sequence[str], book: str) -> dict[str, str]:
    """doc_id -> the key of the document's content and of the codebook: what its masking of entity sentiment rests on
    besides the corpus's surfaces (:func:`presslens.sentiment.remembered_masking`)."""
    return {doc.doc_id: f"{key} {book}" for doc, key in zip(corpus.documents, keys)}


#: documents a last-run file may lack or hold beyond the run's before it is rewritten (or 1% of the documents;
#: :func:`presslens.io.worth_rewriting`)
LAST_RUN_SLACK = 64


def cache_size(cache_dir: str | Path) -> int:
    """Bytes held by a cache folder (for the run log)."""
    return sum(p.stat().st_size for p in Path(cache_dir).rglob("*.pkl"))


__all__ = [
    "EngineError", "EngineStats", "TaskMapper", "assemble_table", "cache_size", "compute_tables", "concat_pieces",
    "default_jobs", "reuse_tables", "split_by_document",
]
