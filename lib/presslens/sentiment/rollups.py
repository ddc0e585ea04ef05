"""Roll-ups with counts and percentile-bootstrap intervals: per group, body against comments, by reply depth, by time, per thread."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..text import count_words
from ..text.times import page_times
from ..text.vader import NEGATIVE, POSITIVE
from .frames import SentimentError, _check_options, _ids, _require
from .words import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, SMALL_GROUP

log = logging.getLogger(__name__)

#: Bootstrap draws are made in chunks of at most this many indices, so memory stays bounded on large groups.
_CHUNK_CELLS = 2_000_000
ROLLUP_STATS = ["n", "mean", "ci_low", "ci_high", "negative", "neutral", "positive", "note"]
#: intervals kept from an earlier run and asked in this one (:func:`remembered_intervals`), or None outside such a block
_INTERVALS: tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]] | None = None


@contextmanager
def remembered_intervals(known: Mapping[str, tuple[float, float]] | None = None) -> Iterator[dict[str, tuple[float, float]]]:
    """Inside the block :func:`bootstrap_ci` answers from ``known`` when it holds the same values and options, and records every interval asked.

    An interval is a pure function of the values (in their order), the number
    of resamples, the confidence and the seed: the key is the sha256 of all
    four, so a kept interval is the one the bootstrap would draw again. The
    build keeps the intervals of the entity sentiment table for the next run,
    where only the groups whose sentences changed are resampled. Yields the
    dict of key -> interval asked in the block (one block at a time).

    >>> with remembered_intervals() as asked:
    ...     first = bootstrap_ci([0.1, 0.5, -0.2], seed=3)
    >>> with remembered_intervals(asked) as again:
    ...     bootstrap_ci([0.1, 0.5, -0.2], seed=3) == first, again == asked
    (True, True)
    """
    global _INTERVALS
    if _INTERVALS is not None:
        raise RuntimeError("remembered_intervals: one block at a time")
    asked: dict[str, tuple[float, float]] = {}
    _INTERVALS = (dict(known or {}), asked)
    try:
        yield asked
    finally:
        _INTERVALS = None


def _interval_key(x: np.ndarray, n_resamples: int, confidence: float, seed: int) -> str:
    digest = hashlib.sha256(f"bootstrap {n_resamples} {confidence!r} {seed!r} {x.dtype.str}\n".encode())
    digest.update(np.ascontiguousarray(x).tobytes())
    return digest.hexdigest()


def bootstrap_ci(
    values: Iterable[float],
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> tuple[float, float]:
    """Percentile-bootstrap interval for the mean of ``values``.

    Resamples ``values`` with replacement ``n_resamples`` times using
    ``numpy.random.default_rng(seed)`` and returns the ``(1 - confidence) / 2`` and
    ``(1 + confidence) / 2`` quantiles of the resampled means. The same values and
    seed always give the same interval, whatever other groups a roll-up holds.
    NaN values are ignored. Fewer than two values have no interval: ``(nan, nan)``.

    Why a bootstrap: compound scores are bounded and often bimodal (many comments
    near -0.9 and +0.9), so a normal interval on fourteen comments would mislead.

    >>> bootstrap_ci([0.5])
    (nan, nan)
    >>> low, high = bootstrap_ci([-0.9, -0.5, 0.3, 0.8], seed=1)
    >>> low <= -0.075 <= high
    True
    """
    _check_options(n_resamples=n_resamples, confidence=confidence)
    x = np.asarray(list(values) if not isinstance(values, (np.ndarray, pd.Series)) else values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 2:
        return (math.nan, math.nan)
    memo = _INTERVALS if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) else None  # seed None draws anew
    if memo is not None:
        key = _interval_key(x, n_resamples, confidence, seed)
        if key in memo[0]:
            memo[1][key] = memo[0][key]
            return memo[0][key]
    rng = np.random.default_rng(seed)
    means = np.empty(n_resamples)
    chunk = max(1, _CHUNK_CELLS // n)
    for first in range(0, n_resamples, chunk):
        k = min(chunk, n_resamples - first)
        means[first : first + k] = x[rng.integers(0, n, size=(k, n))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    if memo is not None:
        memo[1][key] = (float(low), float(high))
    return (float(low), float(high))


def _group_stats(values: np.ndarray, *, n_resamples: int, confidence: float, seed: int, small: int) -> dict:
    values = values[~np.isnan(values)]
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    low, high = bootstrap_ci(values, n_resamples=n_resamples, confidence=confidence, seed=seed)
    if n == 0:
        note = "no scored items"
    elif n == 1:
        note = "one item: no interval"
    elif n < small:
        note = f"small group (n < {small}): read the interval, not the mean"
    else:
        note = ""
    return {
        "n": n,
        "mean": round(mean, 4) if n else math.nan,
        "ci_low": round(low, 4) if n > 1 else math.nan,
        "ci_high": round(high, 4) if n > 1 else math.nan,
        "negative": int((values <= NEGATIVE).sum()),
        "neutral": int(((values > NEGATIVE) & (values < POSITIVE)).sum()),
        "positive": int((values >= POSITIVE).sum()),
        "note": note,
    }


def rollup(
    frame: pd.DataFrame,
    by: str | Sequence[str],
    *,
    value: str = "compound",
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
    small: int = SMALL_GROUP,
) -> pd.DataFrame:
    """Mean of ``value`` per group, with the count beside it and a bootstrap interval.

    Args:
        frame: any table with the ``by`` columns and a numeric ``value`` column
            (``comments_table``, ``sentences_table``, :func:`thread_table`...).
        by: the grouping column(s), e.g. ``["doc_id", "author"]``.
        value: the column averaged.
        n_resamples: bootstrap resamples per group.
        confidence: the interval's coverage (0.95 for a 95% interval).
        seed: ``numpy.random.default_rng`` seed; each group is resampled from this
            seed, so its interval depends only on its own values.
        small: groups with fewer items are marked in ``note``.

    Returns:
        One row per group, sorted by ``by``: the ``by`` columns, ``n`` (items with a
        score), ``mean``, ``ci_low``, ``ci_high`` (NaN for a group of one),
        ``negative``/``neutral``/``positive`` (counts by the standard thresholds)
        and ``note`` ("one item: no interval", "small group ...").
    """
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise SentimentError("rollup needs at least one column to group by")
    _require(frame, [*keys, value], "rollup input")
    _check_options(n_resamples=n_resamples, confidence=confidence)
    rows = []
    numeric = pd.to_numeric(frame[value], errors="coerce")
    values = numeric.to_numpy(dtype=float)
    for key, positions in frame.groupby(keys, sort=True, dropna=False).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        stats = _group_stats(values[positions], n_resamples=n_resamples, confidence=confidence, seed=seed, small=small)
        rows.append({**dict(zip(keys, key)), **stats})
    out = pd.DataFrame(rows, columns=[*keys, *ROLLUP_STATS])
    out = out.astype({"n": "int64", "negative": "int64", "neutral": "int64", "positive": "int64"})
    return out.sort_values(keys, ignore_index=True, na_position="last")


def _scorable(sentences: pd.DataFrame, *, min_words: int) -> pd.DataFrame:
    """Sentences with at least ``min_words`` words: a lone "." left by an ellipsis scores 0 and would dilute means."""
    if min_words <= 0:
        return sentences
    keep = sentences["text"].map(count_words) >= min_words
    dropped = int((~keep).sum())
    if dropped:
        log.info("left out %d sentence(s) with fewer than %d word(s)", dropped, min_words)
    return sentences[keep]


def body_vs_comments(
    sentences: pd.DataFrame,
    comments: pd.DataFrame,
    *,
    documents: pd.DataFrame | None = None,
    min_words: int = 1,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Per document: the body's sentences against its comments' sentences, and the comments as wholes.

    Both sides are compared on the same unit, the sentence: VADER's compound on a
    whole 500-word comment runs to ±0.98, while an article is hundreds of
    sentences, so whole texts are not comparable. The whole-comment mean is given
    beside it because that is what a reader of the thread sees.

    Args:
        sentences: ``sentences_table`` (``doc_id, part, comment_id, text, compound``).
        comments: ``comments_table`` (``doc_id, comment_id, compound``).
        documents: ``documents_table``; adds each document's ``label`` and lists
            documents that appear in neither table.
        min_words: sentences with fewer words (ellipsis debris like ".") are left out.

    Returns:
        One row per document, sorted by ``doc_id``: ``doc_id, label, n_comments,
        body_sentences, body_mean, body_ci_low, body_ci_high, comment_sentences,
        comment_mean, comment_ci_low, comment_ci_high, difference`` (comment mean
        minus body mean), ``comments_mean, comments_ci_low, comments_ci_high``
        (whole comments). Documents without comments have ``n_comments == 0`` and
        NaN for the comment columns.
    """
    _require(sentences, ["doc_id", "part", "comment_id", "text", "compound"], "sentences")
    _require(comments, ["doc_id", "comment_id", "compound"], "comments")
    opts = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    sents = _scorable(sentences, min_words=min_words)
    per_part = rollup(sents, ["doc_id", "part"], **opts).set_index(["doc_id", "part"])
    whole = rollup(comments, "doc_id", **opts).set_index("doc_id")
    doc_ids = set(sentences["doc_id"]) | set(comments["doc_id"])
    labels: dict[str, str] = {}
    if documents is not None:
        _require(documents, ["doc_id", "label"], "documents")
        doc_ids |= set(documents["doc_id"])
        labels = dict(zip(documents["doc_id"], documents["label"]))
    n_comments = comments.groupby("doc_id").size()
    rows = []
    for doc_id in sorted(doc_ids):
        row: dict = {"doc_id": doc_id, "label": labels.get(doc_id, doc_id), "n_comments": int(n_comments.get(doc_id, 0))}
        for part, prefix in (("body", "body"), ("comment", "comment")):
            stats = per_part.loc[(doc_id, part)] if (doc_id, part) in per_part.index else None
            row[f"{prefix}_sentences"] = int(stats["n"]) if stats is not None else 0
            for col in ("mean", "ci_low", "ci_high"):
                row[f"{prefix}_{col}"] = stats[col] if stats is not None else math.nan
        row["difference"] = round(row["comment_mean"] - row["body_mean"], 4)
        stats = whole.loc[doc_id] if doc_id in whole.index else None
        for col in ("mean", "ci_low", "ci_high"):
            row[f"comments_{col}"] = stats[col] if stats is not None else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def reply_drift(
    threads: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    min_words: int = 1,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Does the conversation drift from the article as it goes deeper? Per document and level.

    Levels, all on sentences so they compare: ``body`` (the article), ``depth 0``
    (top-level comments), ``depth 1`` (replies), ``depth 2`` (replies to replies)...
    A last level, ``reply minus parent``, is per reply: its whole-comment
    compound minus that of the comment it answers (negative = replies turn sourer).

    Args:
        threads: :func:`thread_table` output.
        sentences: ``sentences_table``.

    Returns:
        ``doc_id, level, unit, n, mean, ci_low, ci_high, vs_body`` (mean minus the
        body's mean; NaN for the reply-minus-parent row), then the label counts and
        ``note``. Only documents with comments appear.
    """
    _require(threads, ["doc_id", "comment_id", "depth", "drift"], "threads")
    _require(sentences, ["doc_id", "part", "comment_id", "text", "compound"], "sentences")
    opts = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    sents = _scorable(sentences, min_words=min_words)
    sents = sents[sents["doc_id"].isin(set(threads["doc_id"]))].assign(comment_id=lambda f: _ids(f["comment_id"]))
    depth = threads.assign(comment_id=_ids(threads["comment_id"]))[["doc_id", "comment_id", "depth"]]
    body = sents[sents["part"] == "body"].assign(level="body", _rank=-1)
    comment = sents[sents["part"] == "comment"].merge(depth, on=["doc_id", "comment_id"], how="inner")
    comment = comment.assign(level="depth " + comment["depth"].astype(str), _rank=comment["depth"])
    levels = pd.concat([body, comment], ignore_index=True)
    table = rollup(levels, ["doc_id", "_rank", "level"], **opts).assign(unit="sentence")
    replies = threads[threads["depth"] > 0].assign(level="reply minus parent", _rank=10**6, unit="reply")
    if len(replies):
        table = pd.concat([table, rollup(replies, ["doc_id", "_rank", "level"], value="drift", **opts).assign(unit="reply")])
    base = table[table["level"] == "body"].set_index("doc_id")["mean"]
    table["vs_body"] = np.where(table["unit"] == "sentence", (table["mean"] - table["doc_id"].map(base)).round(4), np.nan)
    table = table.sort_values(["doc_id", "_rank"], ignore_index=True).drop(columns="_rank")
    return table[["doc_id", "level", "unit", "n", "mean", "ci_low", "ci_high", "vs_body", "negative", "neutral", "positive", "note"]]


def time_rollup(
    comments: pd.DataFrame,
    *,
    freq: str = "1h",
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Comment sentiment per time bin of ``posted``, on each page's own clock (a stated UTC offset is dropped).

    Comments without a time are left out and counted in the log.

    Args:
        comments: ``comments_table`` or :func:`thread_table`.
        freq: bin width as a pandas offset alias (``"1h"``, ``"30min"``, ``"1D"``).

    Returns:
        ``doc_id, bin_start, bin_end`` (ISO strings) and the :func:`rollup` columns,
        one row per non-empty bin, sorted by document and time.
    """
    _require(comments, ["doc_id", "posted", "compound"], "comments")
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
        pd.Timestamp("2019-11-30T15:05").floor(offset)
    except (ValueError, TypeError) as exc:
        raise SentimentError(f"time bins: freq={freq!r} is not a fixed pandas offset such as '1h' or '30min' ({exc})") from None
    # the page's own clock: offsets dropped, so pages giving "+01:00", "Z" or no zone bin alike
    posted = page_times(comments["posted"]).set_axis(comments.index)
    missing = int(posted.isna().sum())
    if missing:
        log.info("left out %d comment(s) without a posted time", missing)
    frame = comments.assign(_start=posted.dt.floor(offset))[posted.notna()]
    table = rollup(frame, ["doc_id", "_start"], n_resamples=n_resamples, confidence=confidence, seed=seed)
    stamp = "%Y-%m-%dT%H:%M"
    starts = pd.to_datetime(table["_start"])
    table.insert(1, "bin_start", starts.dt.strftime(stamp).astype(object))
    table.insert(2, "bin_end", (starts + offset).dt.strftime(stamp).astype(object))
    return table.drop(columns="_start")


def thread_rollup(
    threads: pd.DataFrame,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Per thread (a top-level comment and all its replies): who started it, when, its size and mean compound.

    Returns:
        ``doc_id, thread_id, started_by, started, replies, root_compound`` and the
        :func:`rollup` columns over every comment of the thread; sorted by
        document and reading order.
    """
    _require(threads, ["doc_id", "thread_id", "comment_id", "order", "author", "posted", "compound"], "threads")
    table = rollup(threads, ["doc_id", "thread_id"], n_resamples=n_resamples, confidence=confidence, seed=seed)
    roots = threads[threads["comment_id"] == threads["thread_id"]].rename(
        columns={"author": "started_by", "posted": "started", "compound": "root_compound"}
    )[["doc_id", "thread_id", "order", "started_by", "started", "root_compound"]]
    table = roots.merge(table, on=["doc_id", "thread_id"], how="right", validate="one_to_one")
    table.insert(5, "replies", table["n"] - 1)
    return table.sort_values(["doc_id", "order"], ignore_index=True).drop(columns="order")
