"""The alignment of a set of texts or a corpus: units, candidates, comparisons, read lazily (:class:`Alignment`)."""

from __future__ import annotations

import collections
import collections.abc
import dataclasses
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from ..ingest.corpus import Corpus
from ..io import worth_rewriting
from .cache import _Cache
from .candidates import _candidates
from .compare import Passage, SideMatch, _compare, _PairResult
from .options import ReuseOptions, _options
from .units import Sentence, _Units, _units, unit_key

log = logging.getLogger(__name__)


class _Lazy(collections.abc.Mapping):
    """A read-only mapping over fixed keys whose values are made on first access and kept."""

    def __init__(self, keys: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self._keys, self._make, self._made = tuple(keys), make, {}
        self._known = frozenset(self._keys)

    def __getitem__(self, key: Any) -> Any:
        if key not in self._known:
            raise KeyError(key)
        if key not in self._made:
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class _Sides(collections.abc.Mapping):
    """``(doc_a, doc_b) -> SideMatch`` for both orders of every compared pair, made from the pair results on access."""

    def __init__(self, results: Sequence[_PairResult]) -> None:
        self._results = results
        self._index: dict[tuple[str, str], tuple[int, bool]] | None = None

    def _lookup(self) -> dict[tuple[str, str], tuple[int, bool]]:
        if self._index is None:
            self._index = {}
            for k, r in enumerate(self._results):
                self._index[(r.doc_a, r.doc_b)] = (k, True)
                self._index[(r.doc_b, r.doc_a)] = (k, False)
        return self._index

    def __getitem__(self, key: tuple[str, str]) -> SideMatch:
        k, forward = self._lookup()[key]
        return self._results[k].side(forward)

    def __iter__(self):
        return iter(self._lookup())

    def __len__(self) -> int:
        return 2 * len(self._results)


class _Passages(collections.abc.Sequence):
    """The aligned passages of the pair results as :class:`Passage` objects, made on access."""

    def __init__(self, results: Sequence[_PairResult], texts: Mapping[str, str]) -> None:
        self._items = [(r.doc_a, r.doc_b, p) for r in results for p in r.passages]
        self._texts = texts

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[k] for k in range(*index.indices(len(self))))
        a, b, p = self._items[index]
        return Passage(a, b, *p[:4], *p[4:8], self._texts[a][p[4] : p[5]], self._texts[b][p[6] : p[7]], p[8])


@dataclass(frozen=True)
class Alignment:
    """Everything the source-comparison tables are built from (compute once, read many times).

    Attributes:
        options: the settings used.
        method: ``exact`` (every pair compared) or ``lsh`` (candidate pairs only).
        doc_ids: the documents, sorted.
        sentences: doc_id -> the sentences compared (at least ``min_words`` words).
        sides: ``(doc_a, doc_b)`` -> :class:`SideMatch`, for both orders of every compared pair.
        passages: aligned passages, once per compared pair (``doc_a < doc_b``).
        texts: doc_id -> body.
        quotes: doc_id -> quotation spans of the body.
        wire: doc_id -> the wire signatures of the body (:func:`.boilerplate.wire_signatures`).
        stats: counts and seconds per phase, for benchmarks and logs (never shown in
            reports): ``prepare_s``, ``candidates_s``, ``compare_s``, ``sentences``,
            ``pairs_compared`` (pairs in the alignment), ``pairs_total`` (all pairs),
            ``documents_computed``/``documents_cached`` (sentence units computed or read
            from the cache) and ``pairs_computed``/``pairs_cached`` (comparisons run or read).
        results: the comparison of each compared pair, sorted (what the tables are made of).

    ``sentences``, ``sides``, ``quotes`` and ``passages`` are made on access
    from the per-document units and the pair results, so an alignment of
    thousands of documents costs memory only for what is read.
    """

    options: ReuseOptions
    method: str
    doc_ids: tuple[str, ...]
    sentences: Mapping[str, tuple[Sentence, ...]]
    sides: Mapping[tuple[str, str], SideMatch]
    passages: Sequence[Passage]
    texts: Mapping[str, str]
    quotes: Mapping[str, tuple[tuple[int, int, bool], ...]]
    wire: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False, repr=False)
    stats: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)
    results: tuple[_PairResult, ...] = field(default=(), compare=False, repr=False)

    @property
    def compared_pairs(self) -> list[tuple[str, str]]:
        """Unordered pairs that were compared (``doc_a < doc_b``), sorted."""
        return sorted((r.doc_a, r.doc_b) for r in self.results)


#: ``mapper(function, tasks)``: yields ``function(task)`` for each task, in order (in this process, worker processes, a cluster)
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


def _units_task(task: tuple[list[tuple[str, str, str]], ReuseOptions, str | None]) -> list[_Units]:
    """Units of a chunk of documents ``(doc_id, key, body)`` (written to the cache when there is one); runs in workers."""
    docs, opts, cache_dir = task
    cache = _Cache(cache_dir, opts) if cache_dir is not None else None
    out = []
    for doc_id, key, text in docs:
        units = _units(doc_id, text, opts=opts)
        if cache is not None:
            cache.put_units(key, units)
        out.append(units)
    return out


def _pairs_task(task: tuple[list[tuple[str, str]], dict[str, _Units], ReuseOptions]) -> list[_PairResult]:
    """Comparisons of a chunk of pairs, given the units (with bodies) of their documents; runs in workers."""
    pairs, units, opts = task
    return [_compare(units[a], units[b], opts) for a, b in pairs]


#: a last-run file of the reuse cache is rewritten when it lacks, or holds besides, more than this many (or 1%) of a run's entries
_LAST_RUN_SLACK = 64


def _chunked(items: Sequence[Any], *, jobs: int, most: int) -> list[Sequence[Any]]:
    size = max(1, min(most, math.ceil(len(items) / (4 * max(jobs, 1)))))
    return [items[k : k + size] for k in range(0, len(items), size)]


def align_texts(
    texts: Mapping[str, str],
    *,
    cache_dir: str | Path | None = None,
    mapper: Mapper | None = None,
    jobs: int = 1,
    keep_sides: bool = True,
    **options: Any,
) -> Alignment:
    """Align every pair (or every LSH candidate pair) of a set of texts.

    The work is done in three steps. (1) The sentence units of each document
    (keys, word and phrase ids, MinHash; :class:`_Units`), per document. (2) The
    candidate pairs: every pair below ``lsh_min_documents`` documents, else the
    LSH candidates (:func:`_candidates`), from the MinHash rows alone. (3) The
    comparison of each pair (:func:`_compare`), per pair. With ``cache_dir``,
    steps 1 and 3 are read from the cache where they were done before (keys:
    :func:`unit_key` of each document, the options they depend on), so after
    adding one document only its units are computed and only the pairs it is
    part of are compared; the last run's signatures (and, with
    ``keep_sides=False``, comparisons) are read from one file each, the rest
    from the per-document files (:class:`~.cache._Cache`). Steps 1 and 3 run
    through ``mapper`` in chunks.

    Args:
        texts: doc_id -> body text.
        cache_dir: folder for the reuse cache (``None``: compute everything).
        mapper: runs a task function over chunks of documents or pairs (e.g. in
            worker processes); default: one after the other in this process.
        jobs: how many workers ``mapper`` feeds (sizes the chunks).
        keep_sides: keep each pair's per-sentence matches (``sides``: sentence
            matches, omissions, relations); ``False`` keeps what
            :func:`pairs_frame` and :func:`passages_frame` need, for corpora of
            many thousands of documents.
        **options: any field of :class:`ReuseOptions` (keyword-only).

    Returns:
        An :class:`Alignment`; identical for any mapper, jobs and cache state.

    Raises:
        ReuseError: unknown or out-of-range options.
    """
    opts = _options(options)
    run = mapper or (lambda function, tasks: map(function, tasks))
    doc_ids = tuple(sorted(texts))
    cache = _Cache(cache_dir, opts) if cache_dir is not None else None
    clock = time.perf_counter()
    keys = {d: unit_key(d, texts[d]) for d in doc_ids}

    # 1. units: read the MinHash rows of cached documents, compute the others
    units: dict[str, _Units] = {}
    signatures: dict[str, np.ndarray] = {}
    sentences: dict[str, int] = {}
    todo = []
    last = cache.last_signatures() if cache is not None else {}  # the last run's, in one file
    for d in doc_ids:
        stored = last.get(keys[d]) or (cache.signatures(keys[d]) if cache is not None else None)
        if stored is None:
            todo.append(d)
        else:
            sentences[d], signatures[d] = stored
    tasks = [([(d, keys[d], texts[d]) for d in chunk], opts, None if cache_dir is None else str(cache_dir))
             for chunk in _chunked(todo, jobs=jobs, most=64)]
    for chunk in run(_units_task, tasks):
        for u in chunk:
            units[u.doc_id] = u
            signatures[u.doc_id], sentences[u.doc_id] = u.signatures, len(u)
    if cache is not None and worth_rewriting(set(last), set(keys.values()), slack=_LAST_RUN_SLACK):
        cache.put_last_signatures({keys[d]: (sentences[d], signatures[d]) for d in doc_ids})
    prepared = time.perf_counter()

    # 2. candidates
    use_lsh = opts.method == "lsh" or (opts.method == "auto" and len(doc_ids) >= opts.lsh_min_documents)
    skipped = {"buckets_skipped": 0, "bucket_documents_skipped": 0}
    if use_lsh:
        candidates, skipped = _candidates(doc_ids, [signatures[d] for d in doc_ids], opts)
    else:
        candidates = [(a, b) for k, a in enumerate(doc_ids) for b in doc_ids[k + 1 :]]
    paired = time.perf_counter()

    # 3. comparisons: read the cached ones, compare the others
    results: dict[tuple[str, str], _PairResult] = {}
    # without sentence arrays, the last run's comparisons are in one file: only the pairs it lacks are looked for per document
    last_pairs = cache.last_pairs() if cache is not None and candidates and not keep_sides else {}
    for a, b in candidates:
        found = last_pairs.get((keys[a], keys[b]))
        if found is not None and (found.doc_a, found.doc_b) == (a, b):
            results[(a, b)] = found
    if cache is not None and len(results) < len(candidates):
        by_key = {keys[d]: d for d in doc_ids}
        involved = sorted({d for pair in candidates if pair not in results for d in pair})
        stored: dict[tuple[str, str], _PairResult] = {}
        for d in involved:
            for partner, result in cache.pairs(keys[d], sides=keep_sides).items():
                other = by_key.get(partner)
                if other is not None and (result.doc_a, result.doc_b) == tuple(sorted((d, other))):
                    stored[(result.doc_a, result.doc_b)] = result
        results = {p: results[p] if p in results else stored[p] for p in candidates if p in results or p in stored}
    missing = [p for p in candidates if p not in results]

    def with_text(d: str) -> _Units:
        found = units.get(d) or (cache.units(keys[d]) if cache is not None else None) or _units(d, texts[d], opts=opts)
        return dataclasses.replace(found, text=texts[d])

    def pair_tasks():
        for chunk in _chunked(missing, jobs=jobs, most=1000):
            docs = {d for pair in chunk for d in pair}
            yield list(chunk), {d: with_text(d) for d in sorted(docs)}, opts

    # each pair goes into the cache file of its document new in this run (else doc_a), written as soon as
    # all of that document's pairs are back, so a whole run's comparisons are never held at once
    fresh = set(todo)
    owner_of = {(a, b): (b if b in fresh and a not in fresh else a) for a, b in missing}
    expected = collections.Counter(owner_of.values())
    current = set(keys.values())
    pending: dict[str, dict[str, _PairResult]] = {}
    computed = iter(missing)
    for chunk in run(_pairs_task, pair_tasks()):
        for result in chunk:
            a, b = pair = next(computed)
            if cache is not None:
                owner = owner_of[pair]
                entries = pending.setdefault(owner, {})
                entries[keys[b if owner == a else a]] = result
                if len(entries) == expected[owner]:
                    kept = {k: v for k, v in cache.pairs(keys[owner]).items() if k in current}  # with its arrays
                    cache.put_pairs(keys[owner], {**kept, **pending.pop(owner)})
            results[pair] = result if keep_sides else result.without_sides()
    ordered = tuple(results[p] for p in candidates)
    if cache is not None and not keep_sides and worth_rewriting(set(last_pairs), {(keys[a], keys[b]) for a, b in candidates}, slack=_LAST_RUN_SLACK):
        cache.put_last_pairs({(keys[r.doc_a], keys[r.doc_b]): r for r in ordered})

    def units_of(d: str) -> _Units:
        return units.get(d) or (cache.units(keys[d]) if cache is not None else None) or _units(d, texts[d], opts=opts)

    stats = {
        "prepare_s": prepared - clock, "candidates_s": paired - prepared, "compare_s": time.perf_counter() - paired,
        "pairs_compared": len(candidates), "pairs_total": len(doc_ids) * (len(doc_ids) - 1) // 2,
        "sentences": sum(sentences.values()),
        "documents_computed": len(todo), "documents_cached": len(doc_ids) - len(todo),
        "pairs_computed": len(missing), "pairs_cached": len(candidates) - len(missing),
        **skipped,
    }
    log.info(
        "aligned %d documents: %s, %d of %d pairs compared (%d from the cache), %d passages",
        len(doc_ids), "LSH candidates" if use_lsh else "all pairs", len(candidates),
        len(doc_ids) * (len(doc_ids) - 1) // 2, len(candidates) - len(missing), sum(len(r.passages) for r in ordered),
    )
    body = {d: texts[d] for d in doc_ids}
    return Alignment(
        options=opts,
        method="lsh" if use_lsh else "exact",
        doc_ids=doc_ids,
        sentences=_Lazy(doc_ids, lambda d: units_of(d).sentences(body[d])),
        sides=_Sides(ordered),
        passages=_Passages(ordered, body),
        texts=body,
        quotes=_Lazy(doc_ids, lambda d: units_of(d).quotes),
        wire=_Lazy(doc_ids, lambda d: units_of(d).wire),
        stats=stats,
        results=ordered,
    )


class _AlignmentMemo:
    """The latest alignment of one corpus, kept on the corpus object itself (see :func:`align_corpus`).

    ``key`` is the content fingerprint it was made for: the documents'
    doc_ids and sha256, and the options. A copy or pickle of the corpus
    starts with an empty memo (an alignment holds functions, and a worker
    gains nothing from it).
    """

    __slots__ = ("key", "alignment")

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.alignment: Alignment | None = None

    def __reduce__(self):
        return (_AlignmentMemo, ())


#: the attribute of a :class:`~presslens.corpus.Corpus` that holds its :class:`_AlignmentMemo`
_MEMO_ATTRIBUTE = "_reuse_alignment_memo"


def align_corpus(corpus: Corpus, *, cache_dir: str | Path | None = None, **options: Any) -> Alignment:
    """The alignment of a corpus's bodies, computed once per corpus object, documents and options.

    ``reuse_pairs_table``, ``shared_passages_table`` and the rest call this, so a
    notebook that shows all of them aligns the corpus once: the latest
    alignment is kept on the corpus object (not in this module), keyed by the
    documents' doc_ids and sha256 and the options, and returned again while
    they are the same.

    Args:
        corpus: the documents.
        cache_dir: the reuse cache folder (e.g. the run's ``outputs/cache``, which
            ``presslens run`` fills): units and comparisons found there are read, not
            redone. ``None`` (default): no on-disk cache. The cache changes how fast,
            never what: an alignment already kept on the corpus is returned whatever
            ``cache_dir`` is.
        **options: any field of :class:`ReuseOptions`.
    """
    opts = _options(options)
    key = (tuple((d.doc_id, d.sha256) for d in corpus), opts)
    state = vars(corpus)
    memo = state.get(_MEMO_ATTRIBUTE)
    if isinstance(memo, _AlignmentMemo) and memo.key == key and memo.alignment is not None:
        return memo.alignment
    alignment = align_texts({d.doc_id: d.body for d in corpus}, cache_dir=cache_dir, **vars(opts))
    memo = _AlignmentMemo()
    memo.key, memo.alignment = key, alignment
    state[_MEMO_ATTRIBUTE] = memo
    return alignment
