"""Quotations across documents: every quotation, and which documents carry which; the documents most involved in reuse."""

from __future__ import annotations

import bisect
from typing import Any, Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ..ingest.corpus import Corpus
from ..ingest.views import kept_per_document
from ..labels import doc_number
from ..text import count_words
from .quotes import extract_quotes
from .units import sentence_key

QUOTE_COLUMNS = ["doc_id", "quote_id", "start", "end", "words", "speaker", "speaker_basis", "closed", "text"]


def quotes_table(corpus: Corpus, *, min_words: int = 2) -> pd.DataFrame:
    """Every direct quotation in the bodies: ``body[start:end] == text`` (the words inside the marks).

    ``quote_id`` is ``<doc number>-q<n>`` in text order; ``speaker_basis`` as in :class:`Quote`.
    """
    rows = [row for found in kept_per_document(corpus, f"quotes-{min_words}", lambda doc: _document_quotes(doc, min_words), valid=tuple)
            for row in found]
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    return frame.sort_values(["doc_id", "start"], ignore_index=True)


def _document_quotes(doc, min_words: int) -> tuple[tuple, ...]:  # noqa: ANN001 - a Document
    """The rows of :func:`quotes_table` of one document, as tuples in :data:`QUOTE_COLUMNS` order."""
    return tuple(
        (doc.doc_id, f"{doc_number(doc.doc_id)}-q{n:02d}", q.start, q.end, count_words(q.text), q.speaker, q.basis, q.closed, q.text)
        for n, q in enumerate(extract_quotes(doc.body, min_words=min_words), start=1)
    )


def quote_matrix(
    corpus: Corpus,
    *,
    min_words: int = 3,
    threshold: float = 85.0,
    text_threshold: float = 92.0,
    min_documents: int = 2,
    labels: bool = True,
) -> pd.DataFrame:
    """Which documents carry which quotation: ``quoted`` (in quotation marks), ``in text`` (the same words as its own text), or empty.

    Quotations of different documents are the same when their texts match
    (RapidFuzz ratio >= ``threshold``), or one lies inside the other
    (``partial_ratio`` >= ``threshold``) and is at least half as long. A
    document also counts as quoting it when one of its own quotations contains
    it. A document "carries in text" a quotation when its body contains those
    words outside quotation marks (``partial_ratio`` >= ``text_threshold``,
    stricter because a short quotation matches loosely in a long body):
    typically the source the others quote.

    Args:
        corpus: the documents.
        min_words: shorter quotations (scare quotes, "democratic") are left out.
        threshold: 0-100 fuzzy-match threshold between quotations.
        text_threshold: 0-100 threshold for finding a quotation in a body.
        min_documents: keep quotations carried by at least this many documents.
        labels: name the document columns by ``Document.label`` instead of doc_id.

    Returns:
        ``quote, words, speaker, documents`` then one column per document;
        sorted by number of documents (most first), then first appearance.
    """
    table = quotes_table(corpus, min_words=min_words)
    doc_ids = [d.doc_id for d in corpus]
    keyed = [(r, sentence_key(r.text)) for r in table.itertuples(index=False)]
    keyed.sort(key=lambda rk: (-len(rk[1]), rk[0].doc_id, rk[0].start))
    # Keys come longest first, so the clusters' representatives are ever shorter. A key cannot match a
    # representative longer than `reach` times its own length: the ratio of texts of lengths a <= b is at most
    # 200a/(a+b), and partial_ratio needs half the length. So only the trailing run of representatives within
    # reach is scored, all at once (rapidfuzz.process, the same scorers, float64 scores), and the first of them
    # that matches takes the key, as trying them one by one would.
    reach = max(2.0, 200.0 / threshold - 1.0) if threshold > 0 else float("inf")
    clusters: list[dict[str, Any]] = []
    reps: list[str] = []
    minus_lengths: list[int] = []  # -len of each representative: non-decreasing, for bisect
    for row, key in keyed:
        start = bisect.bisect_left(minus_lengths, -reach * len(key))
        found = _first_match(key, reps[start:], threshold)
        if found is not None:
            clusters[start + found]["members"].append(row)
        else:
            clusters.append({"key": key, "text": row.text, "members": [row]})
            reps.append(key)
            minus_lengths.append(-len(key))
    bodies = {d.doc_id: sentence_key(d.body) for d in corpus}
    # every quotation key with its document, for scoring a cluster against all of them at once
    flat = [(row.doc_id, key) for row, key in keyed]
    flat_keys = [k for _, k in flat]
    flat_lengths = np.array([len(k) for k in flat_keys], dtype=np.int64)
    body_ids = list(bodies)
    body_texts = [bodies[d] for d in body_ids]
    rows = []
    for cluster in clusters:
        ck = cluster["key"]
        quoted_in = {m.doc_id for m in cluster["members"]}
        # a document quotes it when one of its quotations at least as long contains it
        longer = np.flatnonzero(flat_lengths >= len(ck))
        if len(longer):
            scores = process.cdist([ck], [flat_keys[i] for i in longer], scorer=fuzz.partial_ratio,
                                   score_cutoff=threshold, dtype=np.float64)[0]
            quoted_in |= {flat[longer[j]][0] for j in np.flatnonzero(scores >= threshold)}
        rest = [i for i, d in enumerate(body_ids) if d not in quoted_in]
        in_text: set[str] = set()
        if rest:
            scores = process.cdist([ck], [body_texts[i] for i in rest], scorer=fuzz.partial_ratio,
                                   score_cutoff=text_threshold, dtype=np.float64)[0]
            in_text = {body_ids[rest[j]] for j in np.flatnonzero(scores >= text_threshold)}
        cells = {d: ("quoted" if d in quoted_in else "in text" if d in in_text else "") for d in doc_ids}
        first = min(cluster["members"], key=lambda m: (m.doc_id, m.start))
        speakers = [m.speaker for m in sorted(cluster["members"], key=lambda m: (m.doc_id, m.start)) if m.speaker]
        rows.append(
            {
                "quote": cluster["text"], "words": count_words(cluster["text"]),
                "speaker": speakers[0] if speakers else "",
                "documents": sum(1 for v in cells.values() if v),
                "_first": (first.doc_id, first.start), **cells,
            }
        )
    frame = pd.DataFrame(rows, columns=["quote", "words", "speaker", "documents", "_first", *doc_ids])
    frame = frame[frame["documents"] >= min_documents]
    frame = frame.sort_values(["documents", "_first"], ascending=[False, True]).drop(columns="_first").reset_index(drop=True)
    if labels:
        frame = frame.rename(columns={d.doc_id: d.label for d in corpus})
    return frame


def _first_match(key: str, reps: list[str], threshold: float) -> int | None:
    """The index of the first of ``reps`` that ``key`` matches (``ratio``, or ``partial_ratio`` when at least half as long), or ``None``.

    >>> _first_match("the war must end now", ["we said the war must end now", "the war must end now"], 85.0)
    0
    >>> _first_match("nothing alike here", ["the war must end now"], 85.0) is None
    True
    """
    if not reps:
        return None
    ratio = process.cdist([key], reps, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float64)[0]
    half = np.array([len(key) >= 0.5 * len(r) for r in reps])
    partial = np.zeros(len(reps))
    if half.any():
        which = np.flatnonzero(half)
        partial[which] = process.cdist([key], [reps[i] for i in which], scorer=fuzz.partial_ratio,
                                       score_cutoff=threshold, dtype=np.float64)[0]
    hits = np.flatnonzero((ratio >= threshold) | (half & (partial >= threshold)))
    return int(hits[0]) if len(hits) else None


def most_reused(pairs: pd.DataFrame, n: int, *, doc_ids: Iterable[str] = ()) -> list[str]:
    """The ``n`` documents most involved in reuse: ranked by the largest ``share_a`` they have with any other document, in either role.

    Ties go to the smaller ``doc_id``; documents of ``doc_ids`` without any pair
    come last. Charts and the quotation matrix of a large corpus show these.
    """
    both = pd.concat([pairs[["doc_a", "share_a"]].rename(columns={"doc_a": "doc"}),
                      pairs[["doc_b", "share_a"]].rename(columns={"doc_b": "doc"})], ignore_index=True)
    best = both.groupby("doc")["share_a"].max()
    for doc in doc_ids:
        if doc not in best.index:
            best.loc[doc] = -1.0
    ranked = sorted(best.index, key=lambda d: (-float(best[d]), d))
    return ranked[:n]
