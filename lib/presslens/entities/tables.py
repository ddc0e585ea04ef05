"""Tables: mentions, unresolved short forms, counts per part, roll-ups, spellings, co-occurrence, body against comments."""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from ..ingest.corpus import Corpus, Document
from ..labels import PARTS, part_rank
from ..text import count_words, sentence_spans
from .codebook import Codebook
from .matching import _parts, _resolve
from .provisional import codebook_for

log = logging.getLogger(__name__)

MENTION_COLUMNS = [
    "doc_id", "part", "comment_id", "entity", "type", "surface", "start", "end", "sent_id", "resolved_by", "alias", "title",
    "provisional",
]
COUNT_COLUMNS = ["entity", "type", "doc_id", "part", "count", "per_1k_words", "words", "provisional"]
UNRESOLVED_COLUMNS = ["doc_id", "part", "comment_id", "surface", "start", "end", "sent_id", "candidates", "reason"]
COOCCURRENCE_COLUMNS = ["entity_a", "entity_b", "sentences", "documents", "doc_ids"]


def _sentence_starts(text: str) -> list[int]:
    return [a for a, _ in sentence_spans(text)]


def _document_rows(
    doc: Document, codebook: Codebook, *, require_full_name: bool, mentions: bool = True
) -> tuple[list[dict], list[dict]]:
    """The document's mention rows and unresolved rows; ``mentions=False`` leaves the first list empty.

    A part's sentences are split only when a row of it needs its ``sent_id``.
    """
    matcher = codebook.matcher
    parts = [(part, cid, text, matcher.hits(text)) for part, cid, text in _parts(doc)]
    known = {codebook.entities[t.entity].name for *_, hits in parts for _, _, targets in hits for t in targets if t.kind == "alias"}
    rows, unresolved = [], []
    for part, cid, text, hits in parts:
        if not hits:
            continue
        starts = None
        for hit, mention, reason in _resolve(hits, text, codebook, known=known, require_full_name=require_full_name):
            if mention is not None and not mentions:
                continue
            start, end, targets = hit
            if starts is None:
                starts = _sentence_starts(text)
            sent_id = max(1, bisect_right(starts, start))
            base = {"doc_id": doc.doc_id, "part": part, "comment_id": cid}
            if mention is None:
                names = sorted({codebook.entities[t.entity].name for t in targets})
                unresolved.append({**base, "surface": text[start:end], "start": start, "end": end,
                                   "sent_id": sent_id, "candidates": "; ".join(names), "reason": reason})
            else:
                rows.append({**base, "entity": mention.entity, "type": mention.type, "surface": mention.surface,
                             "start": mention.start, "end": mention.end, "sent_id": sent_id,
                             "resolved_by": mention.resolved_by, "alias": mention.alias, "title": mention.title,
                             "provisional": codebook[mention.entity].provisional})
    return rows, unresolved


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    order = part_rank(frame["part"])
    return frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", *keys], ignore_index=True).drop(columns="_o")


def entity_mentions_table(
    corpus: Corpus, codebook: Codebook | str | Path | None = None, *, require_full_name: bool = False
) -> pd.DataFrame:
    """One row per entity mention in every body and comment.

    Args:
        corpus: the loaded corpus.
        codebook: a :class:`Codebook` or a path; ``None`` reads ``entities.yml`` in the
            corpus folder (absent: a warning, and the discovered names are provisional
            entities, see :func:`codebook_for`).
        require_full_name: count short forms only in documents that name the entity in full.

    Returns:
        Columns ``doc_id, part, comment_id, entity, type, surface, start, end, sent_id,
        resolved_by, alias, title, provisional`` (True for a name discovered in a corpus
        without ``entities.yml``: an entity until the analyst confirms it); ``surface == source[start:end]`` with source the
        body (part ``body``) or the comment's text (part ``comment``); ``sent_id`` is the
        1-based sentence of the part, as in ``sentences.csv``. Sorted by document, part,
        comment and offset.
    """
    book = codebook_for(corpus, codebook)
    rows = [r for doc in corpus for r in _document_rows(doc, book, require_full_name=require_full_name)[0]]
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS).astype(
        {"start": "int64", "end": "int64", "sent_id": "int64", "provisional": "bool"}
    )
    log.info("%d entity mentions of %d entities in %d documents", len(frame), frame["entity"].nunique(), len(corpus))
    return _sorted(frame, ["start"])


def unresolved_mentions_table(
    corpus: Corpus, codebook: Codebook | str | Path | None = None, *, require_full_name: bool = False
) -> pd.DataFrame:
    """Short forms found but not counted, with the candidate entries and the reason (the analyst's to-check list)."""
    book = codebook_for(corpus, codebook)
    rows = [r for doc in corpus for r in _document_rows(doc, book, require_full_name=require_full_name, mentions=False)[1]]
    frame = pd.DataFrame(rows, columns=UNRESOLVED_COLUMNS).astype({"start": "int64", "end": "int64", "sent_id": "int64"})
    if len(frame):
        log.info("%d short forms not counted (ambiguous or unconfirmed)", len(frame))
    return _sorted(frame, ["start"])


def part_words(corpus: Corpus) -> pd.DataFrame:
    """Words per document and part (``body``; ``comment`` = all its comments), the denominators of ``per_1k_words``."""
    rows = []
    for doc in corpus:
        rows.append({"doc_id": doc.doc_id, "part": "body", "words": doc.words})
        if doc.comments:
            rows.append({"doc_id": doc.doc_id, "part": "comment", "words": sum(count_words(c.text) for c in doc.comments)})
    return pd.DataFrame(rows, columns=["doc_id", "part", "words"])


def entity_counts_table(
    corpus: Corpus,
    codebook: Codebook | str | Path | None = None,
    *,
    mentions: pd.DataFrame | None = None,
    require_full_name: bool = False,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mentions per entity, document and part, raw and per 1,000 words of that part.

    A document's comments are one part (``comment``). Only entity × document × part
    combinations with at least one mention have a row; a missing row means zero.

    Args:
        corpus: the loaded corpus.
        codebook: as for :func:`entity_mentions_table`.
        mentions: a precomputed :func:`entity_mentions_table` (saves matching twice).
        require_full_name: as for :func:`entity_mentions_table`.
        documents: the corpus's ``documents_table`` when already computed: the words of each part are
            its ``words`` and ``comment_words`` (the same counts as :func:`part_words`, without counting again).

    Returns:
        Columns ``entity, type, doc_id, part, count, per_1k_words, words, provisional``
        (``provisional`` as in the mentions), sorted by entity, document and part.
    """
    if mentions is None:
        mentions = entity_mentions_table(corpus, codebook, require_full_name=require_full_name)
    keys = ["entity", "type", "doc_id", "part"]
    if "provisional" not in mentions.columns:  # mentions from before the column, or term mentions
        mentions = mentions.assign(provisional=False)
    grouped = mentions.groupby([*keys, "provisional"], as_index=False).size().rename(columns={"size": "count"})
    if documents is not None:
        ids = documents["doc_id"].astype(str)
        words = pd.concat([
            pd.DataFrame({"doc_id": ids, "part": "body", "words": documents["words"]}),
            pd.DataFrame({"doc_id": ids, "part": "comment", "words": documents["comment_words"]}),
        ], ignore_index=True)
    else:
        words = part_words(corpus)
    frame = grouped.merge(words, on=["doc_id", "part"], how="left")
    frame["words"] = frame["words"].fillna(0).astype("int64")
    frame["per_1k_words"] = [round(1000 * c / w, 3) if w else 0.0 for c, w in zip(frame["count"], frame["words"])]
    frame = frame[COUNT_COLUMNS].astype({"count": "int64", "provisional": "bool"})
    return frame.sort_values(["entity", "doc_id", "part"], ignore_index=True)


def roll_up(counts: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Counts re-aggregated to the top of each entry's parent chain (Quds Force counted as the Revolutionary Guard)."""
    if counts.empty:
        return counts.copy()
    top = counts["entity"].map(lambda n: codebook.ancestor(n) if n in codebook else n)
    frame = counts.assign(
        entity=top, type=top.map(lambda n: codebook[n].type if n in codebook else ""),
        provisional=top.map(lambda n: codebook[n].provisional if n in codebook else False).astype(bool),
    )
    frame = frame.groupby(["entity", "type", "doc_id", "part", "words", "provisional"], as_index=False)["count"].sum()
    frame["per_1k_words"] = [round(1000 * c / w, 3) if w else 0.0 for c, w in zip(frame["count"], frame["words"])]
    return frame[COUNT_COLUMNS].sort_values(["entity", "doc_id", "part"], ignore_index=True)


def source_labels(corpus: Corpus) -> dict[str, str]:
    """``doc_id -> label`` ("000 · The Burning Platform"), the names charts use."""
    return {doc.doc_id: doc.label for doc in corpus}


def top_entities(counts: pd.DataFrame, labels: Mapping[str, str], *, part: str = "body", n: int = 10) -> pd.DataFrame:
    """The ``n`` most mentioned entities of each source, side by side ("Iran (85)"), one column per source."""
    sub = counts[counts["part"] == part]
    columns = {}
    for doc_id, label in labels.items():
        ranked = sub[sub["doc_id"] == doc_id].sort_values(["count", "entity"], ascending=[False, True]).head(n)
        columns[label] = [f"{e} ({c})" for e, c in zip(ranked["entity"], ranked["count"])] + [""] * (n - len(ranked))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(1, n + 1, name="rank"))
    return frame


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def spelling_table(mentions: pd.DataFrame, labels: Mapping[str, str], *, min_spellings: int = 2) -> pd.DataFrame:
    """Which spelling each source uses, for entities written more than one way.

    The spelling is the mention's surface with whitespace collapsed and a leading
    "the" dropped ("the Intercept" and "The Intercept" are one spelling; "al-Abadi"
    and "Al Abadi" are two). One row per entity and spelling, one column of counts
    per source, plus the total.

    Entities come in the order of how much the sources differ on them: most
    distinct spellings first, then most mentions, then by name; within an entity,
    its most used spelling first. So a table cut to its first rows shows the
    entities the sources write most differently (Soleimani and Suleimani on the
    seeds), not the first letters of the alphabet.
    """
    if mentions.empty:
        return pd.DataFrame(columns=["entity", "spelling", *labels.values(), "total"])
    spelled = mentions.assign(spelling=mentions["surface"].map(lambda s: _LEADING_THE.sub("", " ".join(s.split()))))
    variety = spelled.groupby("entity")["spelling"].nunique()
    keep = variety[variety >= min_spellings].index
    sub = spelled[spelled["entity"].isin(keep)]
    wide = sub.pivot_table(index=["entity", "spelling"], columns="doc_id", values="start", aggfunc="size", fill_value=0)
    wide = wide.reindex(columns=list(labels), fill_value=0).rename(columns=dict(labels))
    wide.columns.name = None
    wide["total"] = wide.sum(axis=1)
    wide = wide.reset_index()
    grouped = wide.groupby("entity")
    ranked = wide.assign(_spellings=grouped["spelling"].transform("size"), _mentions=grouped["total"].transform("sum"))
    ranked = ranked.sort_values(["_spellings", "_mentions", "entity", "total", "spelling"], ascending=[False, False, True, False, True],
                                ignore_index=True)
    return ranked.drop(columns=["_spellings", "_mentions"])


def cooccurrence_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """Pairs of entities named in the same sentence: in how many sentences and documents.

    A sentence is one row of ``sentences.csv`` (document, part, comment, ``sent_id``);
    an entity named twice in a sentence counts once for it.
    """
    keys = ["doc_id", "part", "comment_id", "sent_id"]
    named = mentions[[*keys, "entity"]].dropna(subset=keys)  # groupby leaves out sentences with a missing key
    pairs: Counter = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    sentence_names: dict[tuple, set] = defaultdict(set)
    for doc_id, part, comment_id, sent_id, entity in zip(*(named[c].tolist() for c in [*keys, "entity"])):
        sentence_names[(doc_id, part, comment_id, sent_id)].add(entity)
    for key, found in sentence_names.items():
        names = sorted(found)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pairs[(a, b)] += 1
                docs[(a, b)].add(key[0])
    rows = [
        {"entity_a": a, "entity_b": b, "sentences": n, "documents": len(docs[(a, b)]), "doc_ids": ", ".join(sorted(docs[(a, b)]))}
        for (a, b), n in pairs.items()
    ]
    frame = pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)
    return frame.sort_values(["sentences", "entity_a", "entity_b"], ascending=[False, True, True], ignore_index=True)

def body_comment_table(counts: pd.DataFrame, *, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions per 1,000 words in article bodies and in reader comments, over the documents that have comments.

    Args:
        counts: :func:`entity_counts_table`.
        doc_ids: the documents to compare; ``None`` means every document with a comment part.

    Returns:
        One row per entity: ``entity, type, body, comment`` (counts), ``body_per_1k,
        comment_per_1k, provisional``, sorted by total mentions.
    """
    chosen = set(counts.loc[counts["part"] == "comment", "doc_id"]) if doc_ids is None else set(doc_ids)
    sub = counts[counts["doc_id"].isin(chosen)]
    words = sub.drop_duplicates(["doc_id", "part"]).groupby("part")["words"].sum()
    index = ["entity", "type", "provisional"] if "provisional" in sub.columns else ["entity", "type"]
    wide = sub.pivot_table(index=index, columns="part", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(PARTS), fill_value=0)
    wide.columns.name = None
    for part in PARTS:
        total = words.get(part, 0)
        wide[f"{part}_per_1k"] = (1000 * wide[part] / total).round(3) if total else 0.0
    wide = wide.reset_index()
    order = (wide["body"] + wide["comment"]).rename("total")
    wide = wide.assign(total=order).sort_values(["total", "entity"], ascending=[False, True], ignore_index=True).drop(columns="total")
    return wide[[c for c in wide.columns if c != "provisional"] + (["provisional"] if "provisional" in wide.columns else [])]
