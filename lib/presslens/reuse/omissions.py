"""What a derived document leaves out of its source: omitted sentences, runs of them, lost entities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..ingest.corpus import Corpus
from .alignment import align_corpus
from .options import ReuseError
from .tables import _matches

OMISSION_COLUMNS = ["source", "derived", "sent_id", "position", "start", "end", "words", "best_score", "paraphrased", "text", "closest"]


def omissions_table(
    corpus: Corpus,
    *,
    source: str,
    derived: str,
    figures: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The sentences of ``source`` that ``derived`` leaves out, in the source's order.

    A sentence is left out when no sentence of the derived document reaches the
    sharing threshold. ``best_score`` is the closest score (0-100) found, so
    "almost kept" sentences (reworded, cut in half) can be told from clean
    omissions; ``paraphrased`` marks those whose phrases are still there, and
    ``closest`` is the derived document's nearest sentence (by score, or for a
    paraphrased one by shared phrases). ``sent_id`` numbers all body sentences
    (as in ``sentences.csv``); ``position`` numbers the compared ones (at least
    ``min_words`` words), so equal steps in ``position`` mean nothing was kept in between.

    Args:
        corpus: the documents.
        source, derived: doc_ids.
        figures: optional ``presslens.figures.figures_table(corpus)``; adds a
            ``figures`` column with the figures stated in each omitted sentence
            (needs ``doc_id, part, start, end``; uses ``kind`` when present).
        mentions: optional ``presslens.entities.entity_mentions_table(corpus)``;
            adds an ``entities`` column (needs ``doc_id, part, entity, start, end``).

    Raises:
        ReuseError: unknown documents, or a figures/mentions frame without the needed columns.
    """
    alignment = align_corpus(corpus, **options)
    matches = _matches(alignment, source, derived)
    omitted = matches[matches["status"] != "shared"]
    frame = pd.DataFrame(
        {
            "source": source, "derived": derived,
            "sent_id": omitted["sent_id"], "position": omitted.index, "start": omitted["start"], "end": omitted["end"],
            "words": omitted["words"], "best_score": omitted["score"],
            "paraphrased": omitted["status"] == "paraphrased", "text": omitted["text"],
            "closest": omitted["match_text"],
        },
        columns=OMISSION_COLUMNS,
    ).reset_index(drop=True)
    body = alignment.texts[source]
    if figures is not None:
        frame["figures"] = _inside(frame, figures, source, body=body, need=["doc_id", "part", "start", "end"], what="figures")
    if mentions is not None:
        frame["entities"] = _inside(frame, mentions, source, body=body, need=["doc_id", "part", "entity", "start", "end"], what="mentions")
    return frame


def _inside(frame: pd.DataFrame, items: pd.DataFrame, doc_id: str, *, body: str, need: list[str], what: str) -> list[str]:
    """For each omitted sentence, the figures or entities of ``items`` that sit inside it, "; "-joined, in text order.

    A figure is placed by its number (``num_start``/``num_end`` when the frame
    has them, else ``start``/``end``) and described by ``value_text`` (else its
    text in the body) with its ``kind`` and ``who``; an entity by its name.
    """
    missing = [c for c in need if c not in items.columns]
    if missing:
        raise ReuseError(f"{what} frame lacks column(s) {missing} (has {list(items.columns)})")
    lo, hi = ("num_start", "num_end") if {"num_start", "num_end"} <= set(items.columns) else ("start", "end")
    mine = items[(items["doc_id"] == doc_id) & (items["part"] == "body")].sort_values([lo, hi])
    out = []
    for row in frame.itertuples(index=False):
        hits = mine[(mine[lo] >= row.start) & (mine[hi] <= row.end)]
        found = []
        for item in hits.to_dict("records"):
            if what == "mentions":
                found.append(str(item["entity"]))
                continue
            text = item.get("value_text") or body[int(item[lo]) : int(item[hi])]
            extra = ", ".join(str(item[k]) for k in ("kind", "who") if item.get(k) and not pd.isna(item[k]))
            found.append(f"{text} ({extra})" if extra else str(text))
        out.append("; ".join(dict.fromkeys(found)))
    return out


OMITTED_RUN_COLUMNS = ["first_sent", "last_sent", "start", "end", "sentences", "words", "best_score", "text"]


def omitted_runs(omitted: pd.DataFrame, corpus_or_body: Corpus | str) -> pd.DataFrame:
    """Consecutive omitted sentences merged into runs: the paragraphs and stretches a copy cuts, one row each.

    Sentences are consecutive when no compared sentence of the source lies
    between them (``position`` steps by one), so a run never hides a kept
    sentence. ``text`` is the source's body from the run's first sentence to
    its last, ``best_score`` the highest of the run (a high one: partly kept).
    ``figures`` and ``entities`` columns of ``omitted`` are carried over, joined.

    Args:
        omitted: :func:`omissions_table` output for one pair.
        corpus_or_body: the corpus (the source's body is looked up) or the source's body itself.
    """
    extra = [c for c in ("figures", "entities") if c in omitted.columns]
    if omitted.empty:
        return pd.DataFrame(columns=OMITTED_RUN_COLUMNS + extra)
    if isinstance(corpus_or_body, str):
        body = corpus_or_body
    else:
        body = corpus_or_body[str(omitted["source"].iloc[0])].body
    ordered = omitted.sort_values("position")
    run_id = (ordered["position"].diff().fillna(1) != 1).cumsum()
    rows = []
    for _, run in ordered.groupby(run_id, sort=True):
        start, end = int(run["start"].min()), int(run["end"].max())
        row = {
            "first_sent": int(run["sent_id"].min()), "last_sent": int(run["sent_id"].max()), "start": start, "end": end,
            "sentences": len(run), "words": int(run["words"].sum()), "best_score": float(run["best_score"].max()),
            "text": body[start:end],
        }
        for column in extra:
            items = [item for cell in run[column] if cell for item in str(cell).split("; ")]
            row[column] = "; ".join(dict.fromkeys(items))
        rows.append(row)
    return pd.DataFrame(rows, columns=OMITTED_RUN_COLUMNS + extra)


LOST_ENTITY_COLUMNS = ["entity", "type", "source_mentions", "derived_mentions", "in_omitted"]


def lost_entities_table(mentions: pd.DataFrame, omitted: pd.DataFrame, *, source: str, derived: str) -> pd.DataFrame:
    """Entities named in the sentences a derived document leaves out, with how often each document names them.

    ``derived_mentions == 0`` means the entity disappears from the story
    altogether. Sorted: vanished entities first, then by mentions in omitted sentences.

    Args:
        mentions: ``presslens.entities.entity_mentions_table(corpus)``.
        omitted: :func:`omissions_table` output for the same pair.
        source, derived: doc_ids.
    """
    missing = [c for c in ("doc_id", "part", "entity", "start", "end") if c not in mentions.columns]
    if missing:
        raise ReuseError(f"mentions frame lacks column(s) {missing} (has {list(mentions.columns)})")
    body = mentions[mentions["part"] == "body"]
    src, der = body[body["doc_id"] == source], body[body["doc_id"] == derived]
    inside = np.zeros(len(src), dtype=bool)
    for row in omitted.itertuples(index=False):
        inside |= ((src["start"] >= row.start) & (src["end"] <= row.end)).to_numpy()
    hit = src[inside]
    if hit.empty:
        return pd.DataFrame(columns=LOST_ENTITY_COLUMNS)
    types = src.groupby("entity")["type"].first() if "type" in src.columns else pd.Series(dtype=str)
    frame = pd.DataFrame({"in_omitted": hit.groupby("entity").size()})
    frame["source_mentions"] = src.groupby("entity").size().reindex(frame.index).fillna(0).astype(int)
    frame["derived_mentions"] = der.groupby("entity").size().reindex(frame.index).fillna(0).astype(int)
    frame["type"] = types.reindex(frame.index).fillna("")
    frame = frame.reset_index().rename(columns={"index": "entity"})
    frame = frame.assign(_gone=frame["derived_mentions"] > 0)
    frame = frame.sort_values(["_gone", "in_omitted", "entity"], ascending=[True, False, True]).drop(columns="_gone")
    return frame[LOST_ENTITY_COLUMNS].reset_index(drop=True)
