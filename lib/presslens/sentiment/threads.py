"""Comment threads: the reply tree from ``reply_to`` (:func:`thread_table`) and an indented view of it."""

from __future__ import annotations

import itertools
import logging
import math
from operator import itemgetter

import numpy as np
import pandas as pd

from ..text import clip, count_words
from .frames import SentimentError, _ids, _require

log = logging.getLogger(__name__)

THREAD_COLUMNS = [
    "doc_id", "thread_id", "order", "comment_id", "reply_to", "depth", "n_replies", "thread_size", "author", "posted",
    "words", "compound", "pos", "neu", "neg", "label", "parent_compound", "drift", "text",
]


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


#: most comments the reply-tree chart draws (the largest threads that fit, whole; the chart says what it left out)
THREAD_CHART_COMMENTS = 120
#: levels of a reply tree drawn and given an author column in :func:`thread_view` (top-level comments are level 1);
#: deeper replies are left out of the chart and share the view's last author column, with their depth
THREAD_LEVELS = 8


def chart_selection(frame: pd.DataFrame, *, max_comments: int = THREAD_CHART_COMMENTS, levels: int = THREAD_LEVELS) -> tuple[pd.DataFrame, str]:
    """The part of one comment section the reply-tree chart draws, and a sentence saying what it left out.

    A chart of a whole section is unreadable (and its page huge) once the section
    has hundreds of comments or a reply chain hundreds deep, so it draws a bounded
    view: the first ``levels`` levels of the tree, and of those the largest threads
    that fit whole in ``max_comments`` comments (the largest alone is cut to its
    first ``max_comments`` comments in reading order when even it does not fit).
    Every drawn reply's parent is drawn. :func:`thread_view` and the
    ``comment_threads`` table keep every comment.

    Args:
        frame: :func:`thread_table` rows of one document.
        max_comments: most comments drawn.
        levels: most levels drawn (1: top-level comments only).

    Returns:
        The rows drawn, in reading order, and an empty string when nothing was
        left out, else one sentence saying what was (for the chart's title).
    """
    if max_comments < 1 or levels < 1:
        raise SentimentError(f"a reply-tree chart needs at least one comment and one level (got {max_comments} comments, {levels} levels)")
    frame = frame.sort_values("order")
    shallow = frame[frame["depth"] < levels]
    deep = len(frame) - len(shallow)
    sizes = shallow.groupby("thread_id", sort=False).size()
    # largest first; on a tie, the thread that comes first on the page
    ranked = sorted(zip(sizes.index, sizes.to_numpy(), range(len(sizes))), key=lambda t: (-t[1], t[2]))
    chosen: list[str] = []
    total = 0
    for thread, size, _ in ranked:
        if total + size > max_comments:
            break
        chosen.append(thread)
        total += size
    if chosen:
        drawn = shallow[shallow["thread_id"].isin(set(chosen))]
    else:  # the largest thread alone is too big: its first comments in reading order (each reply's parent comes before it)
        drawn = shallow[shallow["thread_id"] == ranked[0][0]].head(max_comments)
    n_threads, n_chosen = len(sizes), len(chosen)
    left: list[str] = []
    if deep:
        left.append(f"{_count(deep, 'reply', 'replies')} deeper than level {levels}")
    if len(drawn) < len(shallow):
        rest = _count(len(shallow) - len(drawn), "comment", "comments")
        if chosen:
            left.append(f"{rest} of the {_count(n_threads - n_chosen, 'other thread', 'other threads')}")
        else:
            left.append(f"{rest}: the rest of the largest thread" + (f" and the {_count(n_threads - 1, 'other thread', 'other threads')}" if n_threads > 1 else ""))
    if not left:
        return drawn, ""
    what = ("every thread" if n_chosen == n_threads else f"the {n_chosen:,} largest of {n_threads:,} threads" if chosen
            else f"the first {len(drawn):,} comments of the largest of {n_threads:,} threads")
    note = f"Drawn: {len(drawn):,} of {len(frame):,} comments ({what}, {levels} levels at most); left out: {' and '.join(left)}."
    return drawn, note


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _level_name(depth: int) -> str:
    return "comment by" if depth == 0 else "reply by" if depth == 1 else f"reply (depth {depth}) by"


def thread_view(
    threads: pd.DataFrame, *, doc_id: str | None = None, flags: pd.DataFrame | None = None, width: int = 110, levels: int = THREAD_LEVELS
) -> pd.DataFrame:
    """The reply tree as an indented table: one author column per depth, so replies sit to the right of what they answer.

    Indenting by leading spaces does not survive HTML tables (whitespace collapses,
    cells are right-aligned), so depth gets its own column instead. A tree deeper
    than ``levels`` keeps every comment, but its deeper replies share the last
    author column ("reply (depth 7 or more) by"), each written with its depth, so
    a reply chain 1,500 deep makes 8 columns, not 1,500.

    Args:
        threads: :func:`thread_table` output.
        doc_id: one document; ``None`` keeps all (a ``doc_id`` column is added).
        flags: :func:`caveat_flags` output; adds a ``caveats`` column.
        width: characters of comment text shown.
        levels: author columns at most (:data:`THREAD_LEVELS`).

    Returns:
        A display table indexed by ``comment_id``: ``thread`` (number in the
        document), the author columns, ``posted``, ``compound``, ``label``,
        [``caveats``], ``text`` (clipped).
    """
    _require(threads, ["doc_id", "thread_id", "order", "comment_id", "depth", "author", "posted", "compound", "label", "text"], "threads")
    if levels < 1:
        raise SentimentError(f"a thread view needs at least one author column (levels={levels})")
    frame = threads if doc_id is None else threads[threads["doc_id"] == doc_id]
    if doc_id is not None and frame.empty:
        raise SentimentError(f"no comments for document {doc_id!r}; documents with comments: {', '.join(sorted(set(threads['doc_id']))) or 'none'}")
    frame = frame.sort_values(["doc_id", "order"])
    numbers = frame.groupby("doc_id")["thread_id"].transform(lambda s: pd.factorize(s)[0] + 1)
    out = pd.DataFrame(index=pd.Index(frame["comment_id"], name="comment_id"))
    if doc_id is None:
        out["doc_id"] = frame["doc_id"].to_numpy()
    out["thread"] = numbers.to_numpy()
    depths, authors = frame["depth"].to_numpy(), frame["author"].to_numpy()
    max_depth = int(depths.max()) if len(frame) else 0
    last = min(max_depth, levels - 1)
    for depth in range(last):
        out[_level_name(depth)] = np.where(depths == depth, authors, "")
    if max_depth > last:  # deeper replies share the last column, each with its depth
        out[f"reply (depth {last} or more) by"] = [
            "" if d < last else a if d == last else f"{a} (depth {d})" for d, a in zip(depths, authors)
        ]
    else:
        out[_level_name(last)] = np.where(depths == last, authors, "")
    out["posted"] = frame["posted"].str.replace("T", " ", regex=False).str[:16].to_numpy()
    out["compound"] = frame["compound"].to_numpy()
    out["label"] = frame["label"].to_numpy()
    if flags is not None:
        _require(flags, ["doc_id", "comment_id", "flags"], "flags")
        lookup = dict(zip(zip(flags["doc_id"], _ids(flags["comment_id"])), flags["flags"]))
        out["caveats"] = [lookup.get(k, "") for k in zip(frame["doc_id"], frame["comment_id"])]
    out["text"] = [clip(t, width) for t in frame["text"]]
    return out
