"""Sentiment with VADER, through ``vaderSentiment`` (the authors' reference implementation), rolled up for analysts.

It ships its lexicon, so it runs offline; NLTK's port scores negations such as
"No problem at all." wrongly and is slower. Labels use the standard thresholds:
compound >= 0.05 positive, <= -0.05 negative, neutral in between.

The scores themselves live in :mod:`presslens.tables` (``comments_table`` per
comment, ``sentences_table`` per sentence). This module builds on them:

* a check: :func:`score_mismatches` (stored scores against a fresh analyzer);
* threads: :func:`thread_table` (reply tree from ``reply_to``), :func:`thread_view`
  (an indented table), :func:`thread_chart` (time against comment, reply edges);
* roll-ups with counts and percentile-bootstrap intervals: :func:`bootstrap_ci`,
  :func:`rollup`, :func:`body_vs_comments`, :func:`thread_rollup`,
  :func:`reply_drift`, :func:`time_rollup`, with :func:`rollup_chart`,
  :func:`body_vs_comments_chart` and :func:`time_chart`;
* entity-targeted sentiment: :func:`term_mentions`, :func:`entity_mentions`,
  :func:`entity_sentiment`, :func:`most_mentioned`, :func:`entity_comparison`;
* what VADER gets wrong: :func:`caveat_flags`, :func:`lexicon_words`,
  :func:`scored_words`, :func:`extreme_comments`;
* tables for ``outputs/data``: :func:`comment_threads_table`, :func:`entity_sentiment_table`.

A mean of fourteen comments is a weak number, so every mean comes with its count
and, from two items up, an interval; a group of one has none (NaN) and says so.
"""

from __future__ import annotations

import html
import itertools
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from . import charts
from .errors import PresslensError
from .text import TextMemo, count_words, fold, words

log = logging.getLogger(__name__)

POSITIVE = 0.05
NEGATIVE = -0.05
SCORE_KEYS = ("compound", "pos", "neu", "neg")
LABELS = ("negative", "neutral", "positive")

#: Default bootstrap settings: enough resamples for stable 95% percentile bounds on groups of a few dozen.
DEFAULT_RESAMPLES = 2000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 20191118  # the day The Intercept and the NYT published the Iran Cables
#: Groups with fewer items than this are marked "small" in roll-ups.
SMALL_GROUP = 10
#: Comments with fewer words than this are flagged "short": their score rests on one or two lexicon words.
SHORT_COMMENT_WORDS = 15
#: A quoted passage needs at least this many words to count as quoting the article.
QUOTE_MIN_WORDS = 5
#: Bootstrap draws are made in chunks of at most this many indices, so memory stays bounded on large groups.
_CHUNK_CELLS = 2_000_000

#: Entity terms used when neither ``presslens.entities`` nor the caller gives any.
DEFAULT_TERMS: tuple[str, ...] = (
    "Soleimani|Suleimani",
    "Mahdi",
    "CIA",
    "Iran",
    "Iraq",
    "United States|U.S.|US|USA|America",
)

#: Diverging colour scale for compound scores: red negative, white neutral, blue positive.
DIVERGING = "RdBu"
PART_COLOURS = {"body": "#444444", "comment": "#ff7f0e"}
PART_SYMBOLS = {"body": "diamond", "comment": "circle"}

ROLLUP_STATS = ["n", "mean", "ci_low", "ci_high", "negative", "neutral", "positive", "note"]
THREAD_COLUMNS = [
    "doc_id", "thread_id", "order", "comment_id", "reply_to", "depth", "n_replies", "thread_size", "author", "posted",
    "words", "compound", "pos", "neu", "neg", "label", "parent_compound", "drift", "text",
]
MENTION_COLUMNS = ["doc_id", "part", "comment_id", "entity", "type", "surface", "start", "end"]
FLAG_COLUMNS = ["doc_id", "comment_id", "words", "sarcasm", "starts_with_quote", "quotes_article", "profanity", "profane_words", "short", "flags"]

_SARCASM = re.compile(
    r"//\s*/?\s*sarc(?:asm)?(?:\s*off)?\s*//"  # //SARC OFF//, //sarc//
    r"|</?\s*sarc(?:asm)?\s*>"  # <sarc>, </sarcasm>
    r"|#sarcasm\b"
    r"|\(\s*sarc(?:asm)?\s*\)"  # (sarc)
    r"|\bsarc(?:asm)?\s+off\b"  # sarc off
    r"|(?<![\w/])/s\s*$",  # a trailing /s
    re.IGNORECASE | re.MULTILINE,
)
_OPENING_QUOTE = re.compile(r"^\s*[“\"‘«„>]")
_QUOTED = re.compile(r"[“\"«„]([^“”\"«»„]+)[”\"»“]")
#: A small list of profanity stems: VADER knows some ("fuck", "shit", "ass") and misses others ("asswipe", "shithole").
_PROFANE_WORD = re.compile(
    r"\w*fuck\w*|\w*f\*+k\w*|shit\w*|\w+shit(?:s|ty)?|bullshit|ass(?:es|hole|holes|wipe|wipes|hat|hats)?|"
    r"bastards?|damn(?:ed|it)?|crap(?:py)?|piss(?:ed)?|t[ue]rds?|hellholes?|bitch(?:es)?|dicks?|pricks?|scumbags?|"
    r"wankers?|twats?|bollocks",
    re.IGNORECASE,
)
#: Where a profane word may be: each hit is widened to its whole word, which must then match :data:`_PROFANE_WORD`.
#: Run on lower-cased text: a case-sensitive alternation is several times faster than an IGNORECASE one.
_PROFANITY_HINT = re.compile(r"fuck|f\*+k|shit|ass|bastard|damn|crap|piss|t[ue]rd|hellhole|bitch|dick|prick|scumbag|wanker|twat|bollocks")
#: A cheap pre-check: the full sarcasm pattern only runs on texts this finds something in.
_SARCASM_HINT = re.compile(r"(?i:sarc)|/s\s*$", re.MULTILINE)
_TERM_NAME = re.compile(r"^\s*([^|]+?)\s*(?:\||$)")


class SentimentError(PresslensError):
    """A table handed to a sentiment function lacks what it needs (columns, a consistent reply tree, valid terms)."""


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------
# VADER's per-text scores live in the leaf presslens.text.vader (the tidy tables carry them); the same objects here.
from .text.vader import _SCORES, analyzer, label, scores  # noqa: E402,F401


def lexicon_words(text: str) -> list[tuple[str, float]]:
    """The words of ``text`` that VADER's lexicon knows, with their raw valence (-4 to +4).

    This is what a score rests on before VADER's rules (negation, "but", capitals,
    boosters) adjust it: a reader can see that a sneering "KINDLY" counted as kind,
    or that "shithole" counted for nothing because the lexicon lacks it.

    >>> lexicon_words("The Evil Fuckers in Washington")
    [('evil', -3.4), ('fuckers', -2.9)]
    """
    lexicon = analyzer().lexicon
    found = []
    for word in words(text.replace("’", "'")):
        key = word.lower()
        if key in lexicon:
            found.append((key, lexicon[key]))
    return found


def scored_words(text: str) -> str:
    """:func:`lexicon_words` as one readable cell: ``"remarkable +2.6, kindly +2.2"``.

    >>> scored_words("which KINDLY agreed")
    'kindly +2.2, agreed +1.1'
    """
    return ", ".join(f"{word} {value:+.1f}" for word, value in lexicon_words(text))


def score_mismatches(comments: pd.DataFrame) -> pd.DataFrame:
    """Comments whose stored scores differ from a fresh ``vaderSentiment`` analyzer's ``polarity_scores`` on their text.

    An empty result is the check that ``comments_table`` (or a CSV read back)
    holds VADER's own numbers, not stale or rounded ones.

    Returns:
        ``doc_id, comment_id, score, stored, vader`` for every differing score.
    """
    _require(comments, ["doc_id", "comment_id", "text", *SCORE_KEYS, "label"], "comments")
    reference = SentimentIntensityAnalyzer()
    rows = []
    for rec in comments[["doc_id", "comment_id", "text", *SCORE_KEYS, "label"]].itertuples(index=False):
        expected = reference.polarity_scores(str(rec.text))
        for key in SCORE_KEYS:
            if getattr(rec, key) != expected[key]:
                rows.append({"doc_id": rec.doc_id, "comment_id": rec.comment_id, "score": key, "stored": getattr(rec, key), "vader": expected[key]})
        if rec.label != label(expected["compound"]):
            rows.append({"doc_id": rec.doc_id, "comment_id": rec.comment_id, "score": "label", "stored": rec.label, "vader": label(expected["compound"])})
    return pd.DataFrame(rows, columns=["doc_id", "comment_id", "score", "stored", "vader"])


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise SentimentError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SentimentError(f"{what} lacks column(s) {', '.join(missing)}; found: {', '.join(map(str, frame.columns)) or 'none'}")


def _ids(series: pd.Series) -> pd.Series:
    """Comment ids and reply targets as strings, with missing values (NaN from a CSV) as ""."""
    return series.astype(object).where(series.notna(), "").astype(str).replace({"nan": "", "None": ""})


def _check_options(*, n_resamples: int, confidence: float) -> None:
    if not isinstance(n_resamples, (int, np.integer)) or isinstance(n_resamples, bool) or n_resamples < 1:
        raise SentimentError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    if not 0 < confidence < 1:
        raise SentimentError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")


# ---------------------------------------------------------------------------
# Bootstrap and roll-ups
# ---------------------------------------------------------------------------
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
    rng = np.random.default_rng(seed)
    means = np.empty(n_resamples)
    chunk = max(1, _CHUNK_CELLS // n)
    for first in range(0, n_resamples, chunk):
        k = min(chunk, n_resamples - first)
        means[first : first + k] = x[rng.integers(0, n, size=(k, n))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
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
    """Comment sentiment per time bin of ``posted`` (page time; no time zone is given).

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
    text = comments["posted"].astype(object).where(comments["posted"].notna(), "").astype(str)
    try:
        posted = pd.to_datetime(text.where(text != "", None), errors="coerce", format="ISO8601")
    except ValueError as exc:  # e.g. times with different UTC offsets
        raise SentimentError(f"time bins: the comments' posted times cannot be put on one clock ({exc})") from None
    if not pd.api.types.is_datetime64_any_dtype(posted):
        posted = posted.astype("datetime64[ns]")
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


# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------
def thread_table(comments: pd.DataFrame) -> pd.DataFrame:
    """The reply tree of every comment section, one row per comment, in reading order.

    A thread is a top-level comment and every reply below it, found by following
    ``reply_to`` up to a comment that replies to nothing. Rows are in page order
    within the tree (a reply right under the comment it answers), so ``order``
    reads like the page. ``drift`` is the comment's compound minus that of the
    comment it answers.

    Args:
        comments: ``comments_table`` (at least ``doc_id, comment_id, author,
            posted, reply_to, text, compound, label``; ``line`` gives page order,
            else ``comment_id`` does).

    Returns:
        :data:`THREAD_COLUMNS`, sorted by ``doc_id`` and ``order``.

    Raises:
        SentimentError: a comment replies to a comment missing from its document,
            a comment id repeats, or replies form a loop.
    """
    _require(comments, ["doc_id", "comment_id", "author", "posted", "reply_to", "text", "compound", "label"], "comments")
    frame = comments.assign(comment_id=_ids(comments["comment_id"]), reply_to=_ids(comments["reply_to"]))
    for col in ("pos", "neu", "neg"):
        if col not in frame.columns:
            frame[col] = math.nan
    if "words" not in frame.columns:
        frame["words"] = frame["text"].map(count_words)
    frame["_page"] = frame["line"] if "line" in frame.columns else 0
    # one sort and one conversion to records for the whole table (a stable sort: each document's rows in the order a
    # sort of that document alone gives), then the documents one by one, as groupby(sort=True) would give them
    frame = frame[frame["doc_id"].notna()].sort_values(["doc_id", "_page", "comment_id"])
    records = frame.to_dict("records")
    rows = []
    for doc_id, grouped in itertools.groupby(records, key=itemgetter("doc_id")):
        group = list(grouped)
        where = {rec["comment_id"]: (f"{doc_id} line {rec['_page']}" if "line" in frame.columns else doc_id) for rec in group}
        seen_ids: set[str] = set()
        for rec in group:
            if rec["comment_id"] in seen_ids:
                raise SentimentError(f"{where[rec['comment_id']]}: comment id {rec['comment_id']!r} appears more than once in {doc_id}")
            seen_ids.add(rec["comment_id"])
        parent = {rec["comment_id"]: rec["reply_to"] for rec in group}
        children: dict[str, list[str]] = {cid: [] for cid in parent}
        roots = []
        for cid, target in parent.items():
            if not target:
                roots.append(cid)
            elif target not in parent:
                raise SentimentError(f"{where[cid]}: comment {cid} replies to {target!r}, which is not a comment of {doc_id}")
            else:
                children[target].append(cid)
        by_id = {rec["comment_id"]: rec for rec in group}
        order = 0
        seen: set[str] = set()
        for root in roots:
            stack = [(root, 0)]
            members: list[tuple[str, int]] = []
            while stack:
                cid, depth = stack.pop()
                seen.add(cid)
                members.append((cid, depth))
                stack.extend((child, depth + 1) for child in reversed(children[cid]))
            for cid, depth in members:
                rec = by_id[cid]
                target = parent[cid]
                parent_compound = float(by_id[target]["compound"]) if target else math.nan
                stated = rec.get("depth", depth)
                if stated is not None and not pd.isna(stated) and int(stated) != depth:
                    log.warning("%s: comment %s is at depth %d of its reply tree, the table says %s", where[cid], cid, depth, stated)
                rows.append(
                    {
                        "doc_id": doc_id, "thread_id": root, "order": order, "comment_id": cid, "reply_to": target,
                        "depth": depth, "n_replies": len(children[cid]), "thread_size": len(members),
                        "author": rec["author"], "posted": rec["posted"], "words": int(rec["words"]),
                        "compound": float(rec["compound"]), "pos": rec["pos"], "neu": rec["neu"], "neg": rec["neg"],
                        "label": rec["label"], "parent_compound": parent_compound,
                        "drift": round(float(rec["compound"]) - parent_compound, 4) if target else math.nan,
                        "text": rec["text"],
                    }
                )
                order += 1
        loop = sorted(set(parent) - seen)
        if loop:
            raise SentimentError(f"{where[loop[0]]}: comments {', '.join(loop)} of {doc_id} reply to each other in a loop (no top-level comment above them)")
    out = pd.DataFrame(rows, columns=THREAD_COLUMNS)
    return out.astype({"order": "int64", "depth": "int64", "n_replies": "int64", "thread_size": "int64", "words": "int64"})


def busiest_document(comments: pd.DataFrame) -> str | None:
    """The ``doc_id`` with the most comments (the earliest ``doc_id`` on a tie); ``None`` when there are none."""
    _require(comments, ["doc_id"], "comments")
    if comments.empty:
        return None
    counts = comments.groupby("doc_id").size()
    return str(counts[counts == counts.max()].index.min())


def _level_name(depth: int) -> str:
    return "comment by" if depth == 0 else "reply by" if depth == 1 else f"reply (depth {depth}) by"


def thread_view(threads: pd.DataFrame, *, doc_id: str | None = None, flags: pd.DataFrame | None = None, width: int = 110) -> pd.DataFrame:
    """The reply tree as an indented table: one author column per depth, so replies sit to the right of what they answer.

    Indenting by leading spaces does not survive HTML tables (whitespace collapses,
    cells are right-aligned), so depth gets its own column instead.

    Args:
        threads: :func:`thread_table` output.
        doc_id: one document; ``None`` keeps all (a ``doc_id`` column is added).
        flags: :func:`caveat_flags` output; adds a ``caveats`` column.
        width: characters of comment text shown.

    Returns:
        A display table indexed by ``comment_id``: ``thread`` (number in the
        document), the author columns, ``posted``, ``compound``, ``label``,
        [``caveats``], ``text`` (clipped).
    """
    _require(threads, ["doc_id", "thread_id", "order", "comment_id", "depth", "author", "posted", "compound", "label", "text"], "threads")
    frame = threads if doc_id is None else threads[threads["doc_id"] == doc_id]
    if doc_id is not None and frame.empty:
        raise SentimentError(f"no comments for document {doc_id!r}; documents with comments: {', '.join(sorted(set(threads['doc_id']))) or 'none'}")
    frame = frame.sort_values(["doc_id", "order"])
    numbers = frame.groupby("doc_id")["thread_id"].transform(lambda s: pd.factorize(s)[0] + 1)
    out = pd.DataFrame(index=pd.Index(frame["comment_id"], name="comment_id"))
    if doc_id is None:
        out["doc_id"] = frame["doc_id"].to_numpy()
    out["thread"] = numbers.to_numpy()
    max_depth = int(frame["depth"].max()) if len(frame) else 0
    for depth in range(max_depth + 1):
        out[_level_name(depth)] = np.where(frame["depth"].to_numpy() == depth, frame["author"].to_numpy(), "")
    out["posted"] = frame["posted"].str.replace("T", " ", regex=False).str[:16].to_numpy()
    out["compound"] = frame["compound"].to_numpy()
    out["label"] = frame["label"].to_numpy()
    if flags is not None:
        _require(flags, ["doc_id", "comment_id", "flags"], "flags")
        lookup = dict(zip(zip(flags["doc_id"], _ids(flags["comment_id"])), flags["flags"]))
        out["caveats"] = [lookup.get(k, "") for k in zip(frame["doc_id"], frame["comment_id"])]
    out["text"] = [_clip(t, width) for t in frame["text"]]
    return out


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _hover(text: object, n: int = 240) -> str:
    """Document text for a plotly hover label: escaped (plotly reads a little HTML) and wrapped."""
    clipped = _clip(str(text), n)
    lines, line = [], ""
    for word in clipped.split():
        if len(line) + len(word) > 60 and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(html.escape(part, quote=False) for part in lines)


def thread_chart(threads: pd.DataFrame, *, doc_id: str | None = None, source: str, label: str | None = None, title: str | None = None) -> go.Figure:
    """One comment section's reply tree: time across, one row per comment in reading order, replies joined to their parent.

    Markers are coloured by compound on a red-white-blue scale centred on 0, with
    the value written beside them, so a sour reply to a warm comment shows at a glance.

    Args:
        threads: :func:`thread_table` output.
        doc_id: the document; ``None`` takes the one with the most comments.
        source: the note under the chart.
        label: the document's name in the title (``documents_table``'s ``label``); default its ``doc_id``.
        title: replaces the whole title (trusted text: it is not escaped).
    """
    _require(threads, ["doc_id", "order", "comment_id", "reply_to", "depth", "author", "posted", "compound", "label", "text"], "threads")
    if threads.empty:
        raise SentimentError("no comments in the corpus: there is no reply tree to draw")
    doc_id = doc_id or busiest_document(threads)
    frame = threads[threads["doc_id"] == doc_id].sort_values("order")
    if frame.empty:
        raise SentimentError(f"no comments for document {doc_id!r}; documents with comments: {', '.join(sorted(set(threads['doc_id'])))}")
    # Tick labels are right-aligned, so a reply is "indented" by padding its parent's label on the right.
    pad = "\u00a0" * 6
    top = int(frame["depth"].max())
    rows = [
        f"{'↳ ' if d else ''}{html.escape(str(a), quote=False)} · {c}{pad * (top - d)}"
        for d, a, c in zip(frame["depth"], frame["author"], frame["comment_id"])
    ]
    frame = frame.assign(_y=rows, _x=pd.to_datetime(frame["posted"], errors="coerce", format="ISO8601"))
    where = dict(zip(frame["comment_id"], zip(frame["_x"], frame["_y"])))
    ex, ey = [], []
    for cid, target in zip(frame["comment_id"], frame["reply_to"]):
        if target and target in where and pd.notna(where[target][0]) and pd.notna(where[cid][0]):
            ex += [where[target][0], where[cid][0], None]
            ey += [where[target][1], where[cid][1], None]
    fig = go.Figure()
    threads_in_order = list(dict.fromkeys(frame["thread_id"])) if "thread_id" in frame.columns else []
    for i, thread in enumerate(threads_in_order):
        if i % 2:
            members = [y for y, t in zip(rows, frame["thread_id"]) if t == thread]
            fig.add_hrect(y0=rows.index(members[0]) - 0.5, y1=rows.index(members[-1]) + 0.5, fillcolor="#e8e8e8", opacity=0.6, line_width=0, layer="below")
    if ex:
        fig.add_scatter(x=ex, y=ey, mode="lines", line={"color": "#999", "width": 1.5}, name="reply to", hoverinfo="skip")
    fig.add_scatter(
        x=frame["_x"], y=frame["_y"], mode="markers+text", name="comment",
        text=[f"{v:+.2f}" for v in frame["compound"]], textposition="top center", textfont={"size": 10}, cliponaxis=False,
        marker={
            "size": 16, "color": frame["compound"], "colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0,
            "line": {"width": 1, "color": "#333"},
            "colorbar": {"title": {"text": "compound"}, "tickvals": [-1, -0.5, 0, 0.5, 1]},
        },
        customdata=np.stack([frame["label"], frame["posted"], [_hover(t) for t in frame["text"]]], axis=-1),
        hovertemplate="%{y}<br>%{customdata[1]} · compound %{marker.color:+.3f} (%{customdata[0]})<br>%{customdata[2]}<extra></extra>",
    )
    fig.update_layout(
        title=title or f"Reply tree of {html.escape(label or doc_id, quote=False)}: each comment's VADER compound",
        xaxis_title="posted (page time, no time zone given)", yaxis_title="comment (replies indented under their parent)",
        yaxis={"categoryorder": "array", "categoryarray": rows, "autorange": "reversed"}, showlegend=False,
        plot_bgcolor="white", xaxis_gridcolor="#eee", yaxis_gridcolor="#f4f4f4",
        height=200 + 40 * len(frame), margin={"l": 220},
    )
    return charts.add_source(fig, source)


# ---------------------------------------------------------------------------
# Charts of roll-ups
# ---------------------------------------------------------------------------
def rollup_chart(
    frame: pd.DataFrame,
    *,
    label: str,
    title: str,
    source: str,
    series: str | None = None,
    count: str = "n",
    value_title: str = "mean compound (VADER), with bootstrap interval",
) -> go.Figure:
    """Dot plot of a roll-up: the mean per group with its interval, the count in the row name.

    The band between -0.05 and +0.05 is VADER's neutral zone. Without ``series``,
    dots are coloured on the diverging compound scale; with it (e.g. ``part``),
    each series gets its own colour and symbol, for body-against-comments views.

    Args:
        frame: a :func:`rollup`-shaped table (``n, mean, ci_low, ci_high``).
        label: the column naming each row.
        series: an optional column splitting the dots into coloured series,
            drawn side by side within each row.
        count: the column holding each mean's count (``n_sentences`` for entities).
    """
    _require(frame, [label, count, "mean", "ci_low", "ci_high"], "roll-up")
    frame = frame.dropna(subset=["mean"])
    frame = frame.assign(**{label: frame[label].astype(str).map(charts.plot_text)})
    order = list(dict.fromkeys(frame[label]))
    fig = go.Figure()
    fig.add_vrect(x0=NEGATIVE, x1=POSITIVE, fillcolor="#ddd", opacity=0.5, line_width=0, layer="below")
    fig.add_vline(x=0, line={"color": "#888", "width": 1})
    groups = [(None, frame)] if series is None else list(frame.groupby(series, sort=True))
    for name, sub in groups:
        y = sub[label]
        err = {
            "type": "data", "symmetric": False,
            "array": (sub["ci_high"] - sub["mean"]).fillna(0), "arrayminus": (sub["mean"] - sub["ci_low"]).fillna(0),
            "color": "#555", "thickness": 1.2,
        }
        marker = (
            {"size": 12, "color": sub["mean"], "colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0, "line": {"width": 1, "color": "#333"}}
            if series is None
            else {"size": 12, "color": PART_COLOURS.get(name, "#1f77b4"), "symbol": PART_SYMBOLS.get(name, "circle"), "line": {"width": 1, "color": "#333"}}
        )
        custom = np.stack([sub[count], sub["ci_low"].round(3).astype(str), sub["ci_high"].round(3).astype(str)], axis=-1)
        fig.add_scatter(
            x=sub["mean"], y=y, mode="markers+text", error_x=err,
            text=[f"n={n}" for n in sub[count]], textposition="top center", textfont={"size": 10, "color": "#555"},
            cliponaxis=False, marker=marker, name=str(name) if name is not None else "mean",
            orientation="h", offsetgroup=str(name) if name is not None else None,
            customdata=custom,
            hovertemplate="%{y}" + (f" · {html.escape(str(name), quote=False)}" if name is not None else "")
            + "<br>mean %{x:+.3f} (n=%{customdata[0]})<br>interval %{customdata[1]} to %{customdata[2]}<extra></extra>",
        )
    fig.update_layout(
        title=title, xaxis_title=value_title, yaxis_title=label.replace("_", " "),
        xaxis={"range": [-1.05, 1.05], "zeroline": False, "gridcolor": "#eee"}, plot_bgcolor="white",
        yaxis={"categoryorder": "array", "categoryarray": order[::-1]},
        showlegend=series is not None, legend_title=series or "", height=200 + (44 if series else 32) * len(order),
        scattermode="group" if series else "overlay",
    )
    return charts.add_source(fig, source)


def body_vs_comments_chart(table: pd.DataFrame, *, source: str, title: str = "Article body against its comments: mean sentence compound") -> go.Figure:
    """Each document's body sentences and comment sentences as two dots with intervals; documents without comments show the body only.

    Args:
        table: :func:`body_vs_comments` output.
    """
    _require(table, ["label", "body_sentences", "body_mean", "body_ci_low", "body_ci_high",
                     "comment_sentences", "comment_mean", "comment_ci_low", "comment_ci_high"], "body against comments")
    long = pd.concat(
        [
            table[["label", f"{part}_sentences", f"{part}_mean", f"{part}_ci_low", f"{part}_ci_high"]]
            .set_axis(["document", "n", "mean", "ci_low", "ci_high"], axis=1)
            .assign(part=part)
            for part in ("body", "comment")
        ],
        ignore_index=True,
    )
    return rollup_chart(long[long["n"] > 0], label="document", series="part", title=title, source=source,
                        value_title="mean compound of sentences (VADER), with bootstrap interval")


def time_chart(bins: pd.DataFrame, *, source: str, title: str = "Comment sentiment over time") -> go.Figure:
    """Mean compound per time bin with its interval (top) and the number of comments (bottom).

    Args:
        bins: :func:`time_rollup` output (one or more documents; one colour each).
    """
    _require(bins, ["doc_id", "bin_start", "n", "mean", "ci_low", "ci_high"], "time bins")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    for i, (doc_id, sub) in enumerate(bins.groupby("doc_id", sort=True)):
        x = pd.to_datetime(sub["bin_start"])
        colour = palette[i % len(palette)]
        fig.add_scatter(
            x=x, y=sub["mean"], mode="markers+text", name=str(doc_id), row=1, col=1,
            text=[f"n={n}" for n in sub["n"]], textposition="top center", textfont={"size": 10, "color": "#555"}, cliponaxis=False,
            marker={"size": 11, "color": sub["mean"], "colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0, "line": {"width": 1.5, "color": colour}},
            error_y={"type": "data", "symmetric": False, "array": (sub["ci_high"] - sub["mean"]).fillna(0), "arrayminus": (sub["mean"] - sub["ci_low"]).fillna(0), "color": "#666"},
            customdata=np.stack([sub["n"], sub["bin_end"], sub["note"]], axis=-1),
            hovertemplate="%{x|%Y-%m-%d %H:%M} to %{customdata[1]}<br>mean %{y:+.3f} over %{customdata[0]} comment(s)<br>%{customdata[2]}<extra>" + html.escape(str(doc_id), quote=False) + "</extra>",
        )
        fig.add_bar(x=x, y=sub["n"], name=f"{doc_id}: comments", marker_color=colour, row=2, col=1, showlegend=False,
                    hovertemplate="%{x|%Y-%m-%d %H:%M}: %{y} comment(s)<extra></extra>")
    fig.add_hrect(y0=NEGATIVE, y1=POSITIVE, fillcolor="#ddd", opacity=0.5, line_width=0, layer="below", row=1, col=1)
    fig.update_yaxes(title_text="mean compound", range=[-1.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text="comments", row=2, col=1)
    fig.update_xaxes(title_text="time bin start (page time)", row=2, col=1)
    fig.update_xaxes(gridcolor="#eee")
    fig.update_yaxes(gridcolor="#eee")
    fig.update_layout(title=title, height=560, legend_title="document", plot_bgcolor="white", bargap=0.1)
    return charts.add_source(fig, source)


# ---------------------------------------------------------------------------
# Entity-targeted sentiment
# ---------------------------------------------------------------------------
def _term_pattern(term: str, *, regex: bool, ignore_case: bool) -> tuple[str, re.Pattern[str]]:
    if not isinstance(term, str) or not term.strip().strip("|"):
        raise SentimentError(f"entity term {term!r} is empty; give e.g. 'Soleimani|Suleimani'")
    name_match = _TERM_NAME.match(term)
    name = name_match.group(1) if name_match else term.strip()
    if regex:
        body = term
    else:
        alternatives = sorted({a.strip() for a in term.split("|") if a.strip()}, key=lambda a: (-len(a), a))
        body = "|".join(re.escape(a) for a in alternatives)
    try:
        pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise SentimentError(f"entity term {term!r} is not a valid regular expression: {exc}") from None
    if pattern.match(""):
        raise SentimentError(f"entity term {term!r} matches the empty string")
    return name, pattern


def term_mentions(corpus: Iterable, terms: Sequence[str], *, regex: bool = False, ignore_case: bool = False) -> pd.DataFrame:
    """Mentions of each term in every body and comment, in the columns of ``presslens.entities.entity_mentions_table``.

    A term lists alternative spellings separated by ``|``; the first names the
    entity ("Soleimani|Suleimani" -> ``Soleimani``). By default each alternative
    is a literal, matched with its case on word boundaries ("U.S." is the
    abbreviation, not "U" any "S" any; "US" does not match "us", "Iran" does not
    match "Iranian"). With ``regex=True`` the term is a regular expression.

    Args:
        corpus: a :class:`~presslens.corpus.Corpus` (or any iterable of documents).
        terms: e.g. :data:`DEFAULT_TERMS`.

    Returns:
        ``doc_id, part, comment_id, entity, type, surface, start, end`` with
        ``type == "term"``, offsets into the body or the comment text, sorted.

    >>> from types import SimpleNamespace as NS
    >>> doc = NS(doc_id="d", body="The U.S. and Iran; Iranian oil.", comments=[])
    >>> term_mentions([doc], ["Iran", "United States|U.S."])[["entity", "surface", "start"]].values.tolist()
    [['United States', 'U.S.', 4], ['Iran', 'Iran', 13]]
    """
    if isinstance(terms, str):
        raise SentimentError(f"terms must be a list of terms, not one string ({terms!r}); write [{terms!r}]")
    compiled = [_term_pattern(t, regex=regex, ignore_case=ignore_case) for t in terms]
    names = [n for n, _ in compiled]
    if len(set(names)) != len(names):
        raise SentimentError(f"two terms name the same entity: {sorted({n for n in names if names.count(n) > 1})}; join their spellings with |")
    rows = []
    for doc in corpus:
        parts = [("body", "", doc.body)] + [("comment", c.comment_id, c.text) for c in doc.comments]
        for part, comment_id, text in parts:
            for name, pattern in compiled:
                for m in pattern.finditer(text):
                    rows.append({"doc_id": doc.doc_id, "part": part, "comment_id": comment_id, "entity": name, "type": "term",
                                 "surface": m.group(0), "start": m.start(), "end": m.end()})
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS).astype({"start": "int64", "end": "int64"})
    order = frame["part"].map({"body": 0, "comment": 1})
    return frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", "start", "entity"], ignore_index=True).drop(columns="_o")


def entity_mentions(corpus, *, terms: Sequence[str] | None = None) -> tuple[pd.DataFrame, str]:
    """The mentions entity sentiment is built on, and a sentence saying where they came from.

    ``terms`` (a non-empty list) wins; else ``presslens.entities.entity_mentions_table``
    when that module is installed; else :data:`DEFAULT_TERMS`.
    """
    if terms:
        return term_mentions(corpus, terms), f"the terms given ({len(terms)})"
    default = f"the default terms in presslens.sentiment.DEFAULT_TERMS ({', '.join(t.split('|')[0] for t in DEFAULT_TERMS)})"
    try:
        from .entities import entity_mentions_table  # type: ignore[attr-defined]
    except ImportError:
        log.info("presslens.entities is not available; using the default entity terms")
        return term_mentions(corpus, DEFAULT_TERMS), f"{default}; presslens.entities is not installed"
    mentions = entity_mentions_table(corpus)
    if mentions.empty:
        log.info("presslens.entities found no mentions (no codebook?); using the default entity terms")
        return term_mentions(corpus, DEFAULT_TERMS), f"{default}; presslens.entities found no mentions (is there an entities.yml?)"
    return mentions, "presslens.entities (the codebook entities.yml, with its aliases and short forms)"


def entity_sentiment(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    by_document: bool = False,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Mean compound of the sentences that mention each entity, body and comments apart.

    A mention belongs to the sentence whose ``[start, end)`` contains it, in the
    same ``doc_id``, ``part`` and ``comment_id``. A sentence that names an entity
    twice counts once for it (``n_mentions`` counts both). Mentions outside every
    sentence (or straddling two) are left out and counted in the log.

    Args:
        sentences: ``sentences_table``.
        mentions: ``doc_id, part, comment_id, entity, type, surface, start, end``
            (``presslens.entities.entity_mentions_table`` or :func:`term_mentions`).
        by_document: one row per document too (adds ``doc_id``).

    Returns:
        ``entity, type, part`` [``doc_id``], ``n_mentions, n_documents`` and the
        :func:`rollup` columns with ``n`` renamed ``n_sentences``; sorted.
    """
    _require(sentences, ["doc_id", "part", "comment_id", "sent_id", "start", "end", "compound"], "sentences")
    _require(mentions, ["doc_id", "part", "comment_id", "entity", "type", "start", "end"], "mentions")
    keys = ["doc_id", "part", "comment_id"]
    left = mentions.assign(
        comment_id=_ids(mentions["comment_id"]), doc_id=mentions["doc_id"].astype(str), part=mentions["part"].astype(str),
        start=pd.to_numeric(mentions["start"]).astype("int64"), end=pd.to_numeric(mentions["end"]).astype("int64"),
    )[[*keys, "entity", "type", "start", "end"]]
    right = sentences.assign(
        comment_id=_ids(sentences["comment_id"]), doc_id=sentences["doc_id"].astype(str), part=sentences["part"].astype(str),
        start=sentences["start"].astype("int64"), s_end=sentences["end"].astype("int64"),
    )[[*keys, "sent_id", "start", "s_end", "compound"]].rename(columns={"start": "s_start"})
    merged = pd.merge_asof(
        left.sort_values("start"), right.sort_values("s_start"), left_on="start", right_on="s_start", by=keys, direction="backward"
    )
    inside = merged["s_start"].notna() & (merged["end"] <= merged["s_end"])
    if (~inside).sum():
        log.info("left out %d mention(s) not inside one sentence", int((~inside).sum()))
    merged = merged[inside]
    group = ["entity", "type", "part"] + (["doc_id"] if by_document else [])
    per_sentence = merged.drop_duplicates(list(dict.fromkeys([*group, *keys, "sent_id"])))
    opts = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    table = rollup(per_sentence, group, **opts).rename(columns={"n": "n_sentences"})
    counts = merged.groupby(group).agg(n_mentions=("start", "size"), n_documents=("doc_id", "nunique")).reset_index()
    table = table.merge(counts, on=group, how="left")
    cols = [*group, "n_mentions", "n_documents", "n_sentences", "mean", "ci_low", "ci_high", "negative", "neutral", "positive", "note"]
    order = table["part"].map({"body": 0, "comment": 1}).fillna(2)
    return table.assign(_o=order).sort_values(["entity", "type", "_o", *group[3:]], ignore_index=True)[cols]


def most_mentioned(entities: pd.DataFrame, *, n: int = 15) -> pd.DataFrame:
    """The rows of :func:`entity_sentiment` for the ``n`` entities named in the most sentences (body and comments together).

    Rows come most-named entity first (ties: alphabetical), body before comments,
    which is the order :func:`rollup_chart` draws them top to bottom.
    """
    _require(entities, ["entity", "n_sentences"], "entity sentiment")
    totals = entities.groupby("entity")["n_sentences"].sum()
    ranked = totals.reset_index().sort_values(["n_sentences", "entity"], ascending=[False, True])["entity"].head(n).tolist()
    rank = {e: i for i, e in enumerate(ranked)}
    top = entities[entities["entity"].isin(rank)]
    keys = top["entity"].map(rank)
    part = top["part"].map({"body": 0, "comment": 1}).fillna(2) if "part" in top.columns else 0
    return top.assign(_r=keys, _p=part).sort_values(["_r", "_p"], kind="stable").drop(columns=["_r", "_p"]).reset_index(drop=True)


def entity_comparison(entities: pd.DataFrame) -> pd.DataFrame:
    """Body against comments side by side, one row per entity (from :func:`entity_sentiment` without ``by_document``).

    Returns:
        ``entity, type, body_sentences, body_mean, body_ci_low, body_ci_high,
        comment_sentences, comment_mean, comment_ci_low, comment_ci_high,
        difference`` (comments minus body; NaN when one side never names it), in
        the order the entities first appear in ``entities`` (alphabetical from
        :func:`entity_sentiment`, most named first from :func:`most_mentioned`).
    """
    _require(entities, ["entity", "type", "part", "n_sentences", "mean", "ci_low", "ci_high"], "entity sentiment")
    if "doc_id" in entities.columns:
        raise SentimentError("entity_comparison takes entity_sentiment(..., by_document=False): one row per entity and part")
    rows = []
    for (entity, kind), sub in entities.groupby(["entity", "type"], sort=False):
        row = {"entity": entity, "type": kind}
        for part in ("body", "comment"):
            hit = sub[sub["part"] == part]
            row[f"{part}_sentences"] = int(hit["n_sentences"].iloc[0]) if len(hit) else 0
            for col in ("mean", "ci_low", "ci_high"):
                row[f"{part}_{col}"] = hit[col].iloc[0] if len(hit) else math.nan
        row["difference"] = round(row["comment_mean"] - row["body_mean"], 4)
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Where VADER misleads
# ---------------------------------------------------------------------------
def profane_words(text: str) -> list[str]:
    """Words of ``text`` from the small profanity list, lower-cased, sorted, once each.

    >>> profane_words("The Evil Fuckers in Washington, asswipe that he is, and a class act")
    ['asswipe', 'fuckers']
    """
    found = set()
    text = text.lower()
    n = len(text)
    for hit in _PROFANITY_HINT.finditer(text):
        start, end = hit.start(), hit.end()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_*"):
            start -= 1
        while end < n and (text[end].isalnum() or text[end] in "_*"):
            end += 1
        word = text[start:end]
        if _PROFANE_WORD.fullmatch(word):
            found.add(word)
    return sorted(found)


def quoted_passages(text: str, *, min_words: int = 1) -> list[str]:
    """Passages between double quotes (straight, curly or guillemets) with at least ``min_words`` words.

    >>> quoted_passages('He said “could exceed 3 million” and “KINDLY” agreed.', min_words=2)
    ['could exceed 3 million']
    """
    return [m.group(1).strip() for m in _QUOTED.finditer(text) if count_words(m.group(1)) >= min_words]


def caveat_flags(
    comments: pd.DataFrame,
    *,
    documents: pd.DataFrame | None = None,
    min_words: int = SHORT_COMMENT_WORDS,
    quote_min_words: int = QUOTE_MIN_WORDS,
) -> pd.DataFrame:
    """Flags on comments whose VADER score is likely to mislead, for the analyst to read rather than trust.

    * ``sarcasm``: a sarcasm marker ("//SARC OFF//", "/s", "<sarc>", "#sarcasm");
      VADER scores the words at face value.
    * ``starts_with_quote``: the comment opens with a quotation; the score is partly
      the quoted text's, not the commenter's.
    * ``quotes_article`` (only with ``documents``): a quoted passage of at least
      ``quote_min_words`` words appears in the document's body.
    * ``profanity``: a word from a small list; VADER knows some ("fuck", "shit")
      and not others ("asswipe", "shithole"), so profane comments score unevenly.
    * ``short``: fewer than ``min_words`` words; the score rests on one or two words.

    Args:
        comments: ``comments_table`` (``doc_id, comment_id, text``).
        documents: ``documents_table`` (``doc_id, body``), for ``quotes_article``.

    Returns:
        :data:`FLAG_COLUMNS` (``quotes_article`` is False without ``documents``),
        ``flags`` joining the names of the flags raised; sorted like the input.

    >>> import pandas as pd
    >>> row = caveat_flags(pd.DataFrame({"doc_id": ["d"], "comment_id": ["c1"], "text": ["Pfft. Great plan. //SARC OFF//"]}))
    >>> row["flags"].iloc[0]
    'sarcasm; short'
    """
    _require(comments, ["doc_id", "comment_id", "text"], "comments")
    bodies: Mapping[str, str] = {}
    if documents is not None:
        _require(documents, ["doc_id", "body"], "documents")
        bodies = {d: fold(b) for d, b in zip(documents["doc_id"], documents["body"])}
    rows = []
    for doc_id, comment_id, text in zip(comments["doc_id"], _ids(comments["comment_id"]), comments["text"]):
        text = str(text)
        n = count_words(text)
        profane = profane_words(text)
        quotes_article = bool(bodies.get(doc_id)) and any(fold(q) in bodies[doc_id] for q in quoted_passages(text, min_words=quote_min_words))
        row = {
            "doc_id": doc_id, "comment_id": comment_id, "words": n,
            "sarcasm": bool(_SARCASM_HINT.search(text) and _SARCASM.search(text)), "starts_with_quote": bool(_OPENING_QUOTE.match(text)),
            "quotes_article": quotes_article, "profanity": bool(profane), "profane_words": ", ".join(profane), "short": n < min_words,
        }
        names = {"sarcasm": "sarcasm", "starts_with_quote": "starts with a quote", "quotes_article": "quotes the article", "profanity": "profanity", "short": "short"}
        row["flags"] = "; ".join(v for k, v in names.items() if row[k])
        rows.append(row)
    return pd.DataFrame(rows, columns=FLAG_COLUMNS).astype({"words": "int64"})


def extreme_comments(comments: pd.DataFrame, *, n: int = 5, flags: pd.DataFrame | None = None, width: int | None = None) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive comments, with their text and the words VADER scored.

    Only negative comments can be "most negative" and only positive ones "most
    positive", so a small section never shows the same comment on both lists.
    Ties go to the earlier ``doc_id``/``comment_id``.

    Args:
        comments: ``comments_table`` or :func:`thread_table`.
        flags: :func:`caveat_flags` output, adding a ``caveats`` column.
        width: clip text to this many characters (``None`` keeps it whole); line
            breaks become spaces either way, since a table cell would show them as ``\\n``.

    Returns:
        ``side, rank, doc_id, comment_id, author, compound, label, scored_words,``
        [``caveats``,] ``text``.
    """
    _require(comments, ["doc_id", "comment_id", "author", "compound", "label", "text"], "comments")
    if n < 1:
        raise SentimentError(f"n must be at least 1, got {n!r}")
    frame = comments.assign(comment_id=_ids(comments["comment_id"]))
    neg = frame[frame["compound"] <= NEGATIVE].sort_values(["compound", "doc_id", "comment_id"]).head(n).assign(side="most negative")
    pos = frame[frame["compound"] >= POSITIVE].sort_values(["compound", "doc_id", "comment_id"], ascending=[False, True, True]).head(n).assign(side="most positive")
    out = pd.concat([neg, pos], ignore_index=True)
    out["rank"] = out.groupby("side").cumcount() + 1
    out["scored_words"] = out["text"].map(scored_words)
    cols = ["side", "rank", "doc_id", "comment_id", "author", "compound", "label", "scored_words"]
    if flags is not None:
        _require(flags, ["doc_id", "comment_id", "flags"], "flags")
        lookup = dict(zip(zip(flags["doc_id"], _ids(flags["comment_id"])), flags["flags"]))
        out["caveats"] = [lookup.get(k, "") for k in zip(out["doc_id"], out["comment_id"])]
        cols.append("caveats")
    out["text"] = out["text"].map(lambda t: " ".join(str(t).split()) if width is None else _clip(t, width))
    return out[[*cols, "text"]]


# ---------------------------------------------------------------------------
# Tables for outputs/data (functions of the corpus, for presslens.pipeline.TABLES)
# ---------------------------------------------------------------------------
def comment_threads_table(corpus, *, comments: pd.DataFrame | None = None, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every comment with its thread (``thread_id, order, depth, n_replies, thread_size, drift``) and caveat flags.

    :func:`thread_table` on ``comments_table`` joined with :func:`caveat_flags`
    (with the bodies, so ``quotes_article`` is filled). ``comments`` and
    ``documents`` may be given when already computed (the run's engine does).
    """
    from .tables import comments_table, documents_table

    comments = comments_table(corpus) if comments is None else comments
    documents = documents_table(corpus) if documents is None else documents
    threads = thread_table(comments)
    flags = caveat_flags(comments, documents=documents).drop(columns="words")
    return threads.merge(flags, on=["doc_id", "comment_id"], how="left", validate="one_to_one")


def entity_sentiment_table(corpus, *, sentences: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`entity_sentiment` per entity and part over the corpus, on the mentions :func:`entity_mentions` picks.

    ``sentences`` and codebook ``mentions`` may be given when already computed;
    empty mentions fall back to :func:`entity_mentions`' default terms.
    """
    from .tables import sentences_table

    if mentions is None or mentions.empty:
        mentions, how = entity_mentions(corpus)
        log.info("entity sentiment from %s", how)
    return entity_sentiment(sentences_table(corpus) if sentences is None else sentences, mentions)
