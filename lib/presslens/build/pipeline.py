"""The library side of a run: load the corpus once and write every table of ``outputs/data/``.

Notebooks compute what they show through the same functions, so a CSV and the
chart built from it always agree; :func:`corpus_for` gives them the run's
corpus (the build's snapshot under ``presslens run``, so one run tells one
story even when a file changes after the build), :func:`tables_for` the run's
tables, and decides when those can be read instead of computed.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from presslens.errors import CorpusError
from presslens.ingest.corpus import Corpus, load_corpus
from presslens.io import frozen_heap, gc_paused, write_csv
from presslens.paths import RunContext, resolve_corpus
from presslens.text.sentences import spans_from

from presslens.ingest.views import keep_views_in, views_kept_in

from .cache import corpus_fingerprint, load_corpus_snapshot, load_run_tables, remove_old_cache_folders, save_corpus_snapshot, save_run_tables
from .background import beside, can_fork, longest_first
from .engine import compute_tables, default_jobs
from .registry import BY_NAME, DERIVED, TABLES

log = logging.getLogger(__name__)

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
    snapshot: str | Path | None = None,
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
        cache_dir: per-document cache folder (e.g. ``OUT/cache``): the loaded documents (:mod:`presslens.ingest.cache`)
            and the per-document tables; ``None`` loads and computes everything.
        engine: ``local`` or ``dask``.
        scheduler: with ``engine="dask"``, a scheduler address (default: a local two-worker cluster).
        snapshot: a file to keep the loaded corpus in, for the notebooks of the same run (:func:`corpus_for`);
            ``presslens run`` gives one in its staging folder. ``None`` keeps none.

    Returns:
        A :class:`BuildResult`; ``stats`` says how many documents were processed or read from the cache.
    """
    if cache_dir is not None:
        removed = remove_old_cache_folders(cache_dir)
        if removed:
            log.info("removed cache folders of older formats from %s: %s", cache_dir, ", ".join(removed))
    with ExitStack() as stack:
        freeze = stack.enter_context(frozen_heap())
        with gc_paused():  # loading makes the documents: nothing for the collector to find, much for it to walk
            corpus = load_corpus(corpus_dir, strict=strict, max_bytes=max_bytes, cache_dir=cache_dir)
        freeze()  # and from here on it stops walking them (io.frozen_heap)
        # with two jobs or more, files that need nothing computed after them are written beside the rest (build.background)
        fork = can_fork(jobs=default_jobs() if jobs is None else jobs, engine=engine)
        kept = stack.enter_context(beside("snapshot", save_corpus_snapshot, corpus, snapshot, fork=fork)) if snapshot is not None else None
        with views_kept_in(cache_dir):  # a corpus without entities.yml: its provisional codebook is discovered here
            frames, stats = compute_tables(corpus, TABLES, jobs=jobs, cache_dir=cache_dir, engine=engine, scheduler=scheduler)
        # the CSV files are shared between a child and this process, which also keeps the run's tables for the notebooks
        there, here = share_writing(frames, keeping=cache_dir is not None) if fork else (list(frames), [])
        writing = stack.enter_context(beside("tables", write_tables, {n: frames[n] for n in there}, data_dir, fork=fork))
        started = time.perf_counter()
        if cache_dir is not None:
            save_run_tables(corpus, frames, cache_dir)
        written = write_tables({n: frames[n] for n in here}, data_dir)
        stats.seconds["write_here"] = round(time.perf_counter() - started, 3)
        written.update(writing.result())
        stats.seconds["write_beside"] = writing.seconds
        paths = {name: written[name] for name in frames}
        if kept is not None:
            kept.result()
            stats.seconds["snapshot"] = kept.seconds
        stats.seconds["written"] = round(time.perf_counter() - started, 3)
    for name, frame in frames.items():
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


def write_tables(frames: Mapping[str, pd.DataFrame], data_dir: str | Path) -> dict[str, Path]:
    """Write each table as ``data_dir/<name>.csv`` (:func:`presslens.io.write_csv`); returns name -> the file written."""
    return {name: write_csv(frame, Path(data_dir) / f"{name}.csv") for name, frame in frames.items()}


#: the cost of pickling a cell for the notebooks against writing it to CSV (set so both sides took about as long at 10,000 documents)
PICKLE_COST = 0.8


def share_writing(frames: Mapping[str, pd.DataFrame], *, keeping: bool) -> tuple[list[str], list[str]]:
    """Which tables' CSV files a child writes and which this process writes, so both finish about together.

    The cost of a table is its cells; this process also pickles every table for the
    notebooks when ``keeping`` (:data:`PICKLE_COST` a cell). Largest first, each
    table goes to the side with less to do (longest processing time first).

    >>> frames = {"big": pd.DataFrame({"a": range(100)}), "mid": pd.DataFrame({"a": range(60)}), "small": pd.DataFrame({"a": range(30)})}
    >>> share_writing(frames, keeping=False)
    (['big'], ['mid', 'small'])
    >>> share_writing(frames, keeping=True)
    (['big', 'mid'], ['small'])
    """
    cells = {name: max(1, frame.size) for name, frame in frames.items()}
    return longest_first(cells, here=PICKLE_COST * sum(cells.values()) if keeping else 0.0)


def corpus_for(corpus_dir: str | Path | None, *, context: RunContext | None = None, strict: bool = False) -> Corpus:
    """The corpus a notebook reports on: under ``presslens run`` the one the build loaded, else the files read now.

    A run's kernel is given the build's snapshot (``context.corpus_snapshot``):
    the notebook then reads it and never the corpus files, so a file deleted,
    added or changed between the build and the notebook cannot make a report
    disagree with ``data/``. Outside a run (JupyterLab, bare papermill, nbval)
    the folder is loaded with :func:`~presslens.ingest.corpus.load_corpus`.

    Args:
        corpus_dir: the notebook's ``corpus_dir`` parameter (empty: ``seeds/``; see :func:`~presslens.paths.resolve_corpus`).
        context: the notebook's :class:`~presslens.paths.RunContext` (``run_context()``): the snapshot, the size limit.
        strict: any rejected input raises, as ``load_corpus(strict=True)`` would.

    Raises:
        CorpusError: under a run, the snapshot is missing or unreadable, or is of another folder than
            ``corpus_dir`` (the notebook stops instead of reading the files again); with ``strict``, a rejected file.
    """
    folder = resolve_corpus(corpus_dir)
    snapshot = context.corpus_snapshot if context is not None else None
    if snapshot is None:
        return load_corpus(folder, strict=strict, max_bytes=context.max_bytes if context is not None else None)
    corpus = load_corpus_snapshot(snapshot)
    if corpus is None:
        raise CorpusError(
            f"{Path(snapshot).name}: the build's snapshot of the corpus is missing or unreadable; the notebook stops "
            f"rather than read the corpus files again (they may have changed since the build)"
        )
    if Path(corpus.path).resolve() != folder:
        raise CorpusError(
            f"{folder.name}/: this run built the data from {Path(corpus.path).name}/, not from the corpus the notebook asks for"
        )
    if strict and corpus.rejected:
        first = corpus.rejected[0]
        raise CorpusError(f"{first.file}: {first.reason} (strict mode: any rejected input is fatal)")
    # the kernel keeps this corpus to its end: the collector stops walking its millions of objects (5-7 s of
    # collections in a notebook at 10,000 documents); reference counting still frees what the views drop
    gc.freeze()
    if context.cache_dir is not None:  # the build split every body and comment: its sentences table has the spans
        cache_dir = context.cache_dir
        spans_from(lambda: run_sentence_spans(corpus, cache_dir))
        keep_views_in(cache_dir)  # and the views kept per document (discovery's pieces, quotations)
    return corpus


def run_sentence_spans(corpus: Corpus, cache_dir: str | Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each body and comment of ``corpus`` with its sentence spans, from the build's sentences table (empty when the run has none).

    The table's rows are :func:`~presslens.text.sentences.sentence_spans` of each
    text (``text == source[start:end]``, in ``sent_id`` order), so a notebook of the
    run gets the same spans without splitting the texts again
    (:func:`~presslens.text.sentences.spans_from`).
    """
    saved = load_run_tables(corpus, ("sentences",), cache_dir)
    if saved is None:
        return []
    frame = saved["sentences"]
    starts, ends = frame["start"].to_numpy(), frame["end"].to_numpy()
    groups = frame.groupby(["doc_id", "part", "comment_id"], sort=False).indices
    pairs = []
    for doc in corpus:
        for part, comment_id, text in [("body", "", doc.body)] + [("comment", c.comment_id, c.text) for c in doc.comments]:
            rows = groups.get((doc.doc_id, part, comment_id))
            spans = [] if rows is None else list(zip(starts[rows].tolist(), ends[rows].tolist()))
            if spans and spans[-1][1] > len(text):  # not this text's: leave it to be split
                continue
            pairs.append((text, spans))
    return pairs


def _with_inputs(names: tuple[str, ...]) -> list[str]:
    """``names`` and, for each roll-up among them, its input tables (a roll-up is built from them)."""
    wanted = list(names)
    for name in names:
        if name in DERIVED and DERIVED[name][0] is TABLES[name]:
            wanted += [n for n in DERIVED[name][1] if n not in wanted]
    return wanted


def _asked_options(names: tuple[str, ...], options: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Per table (of ``names`` and their inputs), the options asked that differ from those the build uses.

    A roll-up differs when one of its inputs does. Tables that do not differ are absent.

    Raises:
        KeyError: an option none of these tables takes (the message lists those they take).
    """
    if not options:
        return {}
    wanted = _with_inputs(names)
    takes = {o for n in wanted if n in BY_NAME for o in BY_NAME[n].options}
    unknown = sorted(set(options) - takes)
    if unknown:
        raise KeyError(f"unknown option(s) {unknown} for tables {list(names)}; they take: {', '.join(sorted(takes)) or 'none'}")
    differ: dict[str, dict[str, Any]] = {}
    for name in wanted:
        table = BY_NAME[name]
        mine = {o: options[o] for o in table.options if o in options}
        if any(value != table.options[o] for o, value in mine.items()):
            differ[name] = mine
    for name in names:  # roll-ups of a table computed with other options
        table = BY_NAME[name]
        if table.derive is not None and any(n in differ for n in table.inputs):
            differ.setdefault(name, {})
    return differ


def tables_for(
    corpus: Corpus,
    *names: str,
    context: RunContext | None = None,
    options: Mapping[str, Any] | None = None,
    cache_dir: str | Path | None = None,
    jobs: int = 1,
) -> pd.DataFrame | tuple[pd.DataFrame, ...]:
    """Tables of :data:`TABLES` for a notebook: the run's own when the notebook asks for what the build made, else computed here.

    The cache policy is decided here, not in the notebook:

    * with a cache folder (``context.cache_dir`` under ``presslens run``, or
      ``cache_dir``), the whole tables the build just made for this very corpus
      (same :func:`corpus_fingerprint`) are read back; failing that, the
      per-document rows in the cache are, and only corpus-level tables (reuse,
      roll-ups) are rebuilt. Without one (JupyterLab, nbval) everything is
      computed here. Either way the tables equal ``TABLES[name](corpus)`` (the
      engine's guarantee; ``tests/test_display.py`` checks it byte for byte).
    * ``options`` are the notebook's parameters that change a table
      (``include_comments`` of the figures, ``codebook_file`` and
      ``require_full_name`` of the entity mentions: see the registry's
      ``Table.options``). The run's tables are read only for a table whose
      options equal those the build used; a table asked with other options (and
      any roll-up of it) is computed with them, on the whole corpus.

    Args:
        corpus: the loaded corpus.
        *names: table names (``"documents"``, ``"comments"``...).
        context: the notebook's :class:`~presslens.paths.RunContext` (``run_context()``); gives the cache folder.
        options: option name -> the value the notebook asks for.
        cache_dir: a cache folder (default: ``context.cache_dir``, else none).
        jobs: worker processes for documents missing from the cache.

    Returns:
        The table for one name, a tuple of tables (in the order asked) for several.

    Raises:
        KeyError: a name that is not one of :data:`TABLES`, or an option none of these tables takes (the messages list them).
    """
    unknown = [n for n in names if n not in TABLES]
    if unknown or not names:
        raise KeyError(f"unknown table(s) {unknown or '(none asked)'}; the run's tables are: {', '.join(TABLES)}")
    if cache_dir is None and context is not None:
        cache_dir = context.cache_dir
    differ = _asked_options(names, options)
    frames: dict[str, pd.DataFrame] = {}
    same = tuple(n for n in names if n not in differ)
    if same:
        frames.update(zip(same, _run_tables(corpus, same, cache_dir=cache_dir, jobs=jobs)))
    for name in names:
        _with_options(corpus, name, differ, frames, cache_dir=cache_dir, jobs=jobs)
    out = tuple(frames[n] for n in names)
    return out[0] if len(out) == 1 else out


def _with_options(
    corpus: Corpus, name: str, differ: Mapping[str, Mapping[str, Any]], done: dict[str, pd.DataFrame], *, cache_dir, jobs: int
) -> pd.DataFrame:
    """Table ``name`` with the notebook's options: computed with them when they differ (a roll-up from such inputs), else the run's."""
    if name in done:
        return done[name]
    table = BY_NAME[name]
    if name not in differ:
        (frame,) = _run_tables(corpus, (name,), cache_dir=cache_dir, jobs=jobs)
    elif table.derive is not None and any(n in differ for n in table.inputs):  # its inputs with theirs, then its own options
        frame = table.derive(corpus, *(_with_options(corpus, n, differ, done, cache_dir=cache_dir, jobs=jobs) for n in table.inputs),
                             **differ[name])
    else:
        frame = table.compute(corpus, **differ[name])
    done[name] = frame
    return frame


def _run_tables(corpus: Corpus, names: tuple[str, ...], *, cache_dir: str | Path | None, jobs: int) -> tuple[pd.DataFrame, ...]:
    """The tables the build makes (its options), from the run's cache when there is one."""
    if cache_dir is not None:
        saved = load_run_tables(corpus, names, cache_dir)
        if saved is not None:
            return tuple(saved[n] for n in names)
    functions = {n: f for n, f in TABLES.items() if n in set(_with_inputs(names))}
    frames, _ = compute_tables(corpus, functions, jobs=jobs, cache_dir=cache_dir)
    return tuple(frames[n] for n in names)


__all__ = ["KEY_COUNTS", "TABLES", "BuildResult", "build", "corpus_fingerprint", "corpus_for", "run_sentence_spans", "save_run_tables", "tables_for"]
