"""Direction and type of reuse between two documents: which one draws on which, and how."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..ingest.corpus import Corpus
from ..labels import doc_number
from .alignment import Alignment, align_corpus
from .options import ReuseError

REUSE_TYPES = ("reprint", "condensed reprint", "partial quotation", "paraphrase", "unrelated")

#: Thresholds of :func:`classify_reuse` (shares are of the derived document's sentences).
REPRINT_SHARE = 0.8  # reprint: >= 80 % of each document's sentences are in the other
CONDENSED_SHARE = 0.5  # condensed reprint: >= 50 % of the derived one's sentences are in the source...
QUOTED_MAJORITY = 0.5  # ...and fewer than half of those sit inside quotation marks
PARTIAL_MIN_SHARED = 2  # partial quotation: >= 2 shared sentences...
PARTIAL_MIN_SHARE = 0.05  # ...making >= 5 % of the derived document, and no fewer than the paraphrased ones
PARAPHRASE_MIN_SHARE = 0.10  # paraphrase: shared + paraphrased sentences >= 10 % of the derived document...
PARAPHRASE_MIN_SENTENCES = 3  # ...and at least 3 of them
VIA_OVERLAP = 0.8  # a link is "via" a third document holding >= 80 % of the same sentences


RELATION_COLUMNS = [
    "doc_a", "doc_b", "source", "derived", "type", "direction_basis", "share_derived", "share_source",
    "shared_sentences", "quoted_share", "paraphrased_sentences", "via", "note",
]


def classify_reuse(*, sentences: int, shared: int, quoted: int, paraphrased: int, share_back: float) -> str:
    """The type of reuse of a source by a derived document, from the derived document's sentence counts.

    Args:
        sentences: compared sentences of the derived document.
        shared: of them, found in the source (score >= threshold).
        quoted: of the shared ones, those inside quotation marks in the derived document.
        paraphrased: not shared, but paraphrased (>= ``paraphrase_min_phrases`` two-word phrases in common).
        share_back: share of the *source's* sentences found in the derived one.

    Rules, in order (shares are ``shared / sentences``):
        - **reprint**: both shares >= 0.8 (``REPRINT_SHARE``);
        - **condensed reprint**: share >= 0.5 (``CONDENSED_SHARE``) and fewer than
          half of the shared sentences in quotation marks (``QUOTED_MAJORITY``);
        - **partial quotation**: >= 2 shared sentences, share >= 0.05, and no fewer
          shared than paraphrased sentences (passages quoted, with or without
          quotation marks, or a text made mostly of quotations; a text that
          retells more than it quotes is a paraphrase);
        - **paraphrase**: shared + paraphrased >= 10 % of the sentences and >= 3;
        - **unrelated** otherwise.

    >>> classify_reuse(sentences=71, shared=68, quoted=4, paraphrased=2, share_back=0.29)
    'condensed reprint'
    >>> classify_reuse(sentences=44, shared=2, quoted=2, paraphrased=6, share_back=0.01)
    'paraphrase'
    """
    if sentences <= 0:
        return "unrelated"
    share = shared / sentences
    if share >= REPRINT_SHARE and share_back >= REPRINT_SHARE:
        return "reprint"
    if share >= CONDENSED_SHARE and quoted < QUOTED_MAJORITY * shared:
        return "condensed reprint"
    if shared >= PARTIAL_MIN_SHARED and share >= PARTIAL_MIN_SHARE and shared >= paraphrased:
        return "partial quotation"
    related = shared + paraphrased
    if related >= PARAPHRASE_MIN_SENTENCES and related / sentences >= PARAPHRASE_MIN_SHARE:
        return "paraphrase"
    return "unrelated"


def reuse_relations_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per compared pair of documents: which one draws on which, how, and on what evidence.

    ``source``/``derived`` come from published dates when both are known, else
    from containment (the document more of whose sentences are found in the
    other is the derived one); ``direction_basis`` says which, naming documents
    whose date is unknown. ``via`` names a third document both draw on when that
    explains the link (e.g. two copies of one article). Empty ``source`` and
    ``derived`` for unrelated pairs.
    """
    alignment = align_corpus(corpus, **options)
    dates = {d.doc_id: d.meta("published").value for d in corpus}
    return relations_frame(alignment, dates=dates)


def relations_frame(alignment: Alignment, *, dates: Mapping[str, str] | None = None) -> pd.DataFrame:
    """:func:`reuse_relations_table` from an :class:`Alignment` and optional ISO publication dates."""
    dates = dict(dates or {})
    opts = alignment.options
    stats: dict[tuple[str, str], dict[str, Any]] = {}
    for (a, b), side in alignment.sides.items():
        sentences = alignment.sentences[a]
        hit = side.score >= opts.threshold
        para = (~hit) & (side.phrases >= opts.paraphrase_min_phrases)
        stats[(a, b)] = {
            "n": len(sentences),
            "shared": int(hit.sum()),
            "quoted": int(sum(1 for s, h in zip(sentences, hit) if h and s.quoted)),
            "paraphrased": int(para.sum()),
            "reused": frozenset(np.nonzero(hit | para)[0].tolist()),
        }
    partners: dict[str, set[str]] = {}
    for a, b in stats:
        partners.setdefault(a, set()).add(b)
    share = {k: (v["shared"] / v["n"] if v["n"] else 0.0) for k, v in stats.items()}
    related = {k: ((v["shared"] + v["paraphrased"]) / v["n"] if v["n"] else 0.0) for k, v in stats.items()}
    rows = []
    for a, b in alignment.compared_pairs:
        derived, source = (a, b) if (share[(a, b)], related[(a, b)], b) >= (share[(b, a)], related[(b, a)], a) else (b, a)
        basis = "containment"
        note = ""
        da, db = dates.get(a, ""), dates.get(b, "")
        if da and db and da != db:
            earlier, later = (a, b) if da < db else (b, a)
            if (source, derived) != (earlier, later):
                note = f"containment suggested {doc_number(derived)} drew on {doc_number(source)}; the dates say the opposite"
            source, derived = earlier, later
            basis = f"published dates ({doc_number(earlier)} {dates[earlier]}, {doc_number(later)} {dates[later]})"
        else:
            unknown = [doc_number(d) for d in (a, b) if not dates.get(d)]
            if unknown:
                basis = f"containment (published date unknown for {', '.join(unknown)})"
            else:
                basis = "containment (same published date)"
        st = stats[(derived, source)]
        kind = classify_reuse(
            sentences=st["n"], shared=st["shared"], quoted=st["quoted"], paraphrased=st["paraphrased"],
            share_back=share[(source, derived)],
        )
        if kind == "reprint" and basis.startswith("containment") and abs(share[(a, b)] - share[(b, a)]) < 0.05:
            basis = basis.replace("containment", "undetermined: mutual reprint,", 1)
        via = "" if kind == "unrelated" else _via(stats, derived, source, sorted(partners[derived] & partners[source]))
        rows.append(
            {
                "doc_a": a, "doc_b": b,
                "source": "" if kind == "unrelated" else source,
                "derived": "" if kind == "unrelated" else derived,
                "type": kind, "direction_basis": basis if kind != "unrelated" else "",
                "share_derived": round(share[(derived, source)], 4),
                "share_source": round(share[(source, derived)], 4),
                "shared_sentences": st["shared"],
                "quoted_share": round(st["quoted"] / st["shared"], 4) if st["shared"] else 0.0,
                "paraphrased_sentences": st["paraphrased"],
                "via": via, "note": note,
            }
        )
    frame = pd.DataFrame(rows, columns=RELATION_COLUMNS)
    return frame.sort_values(["doc_a", "doc_b"], ignore_index=True)


def _via(stats: Mapping, derived: str, source: str, doc_ids: Iterable[str]) -> str:
    """A third document T that explains the link between two documents: both draw on T.

    T qualifies when, for each of the two documents, >= 80 % (``VIA_OVERLAP``)
    of its sentences reused from the other are also reused from T, and it
    reuses strictly more sentences from T than from the other. Two copies of
    one article are then linked "via" the article; two full copies of it are
    not (neither reuses more from the article than from the other copy), so
    the direction between copies is never invented. Among several such T, the
    one the derived document reuses most. ``doc_ids`` are the candidates for T
    (documents compared with both, in order): any other lacks the comparison.
    """
    best, best_n = "", -1
    for t in doc_ids:
        if t in (derived, source):
            continue
        ok = True
        for one, other in ((derived, source), (source, derived)):
            reused = stats[(one, other)]["reused"]
            from_t = stats.get((one, t), {}).get("reused")
            if from_t is None or len(from_t) <= len(reused) or len(reused & from_t) < VIA_OVERLAP * len(reused):
                ok = False
                break
        n = len(stats[(derived, t)]["reused"]) if ok else -1
        if ok and n > best_n:
            best, best_n = t, n
    return best


def main_relation(relations: pd.DataFrame) -> tuple[str, str]:
    """``(source, derived)`` of the strongest reprint of a relations table, for a notebook's default view.

    The reprint or condensed reprint (else any related pair) with the most shared sentences.

    Raises:
        ReuseError: no pair of documents is related.
    """
    related = relations[relations["type"] != "unrelated"]
    if related.empty:
        raise ReuseError("no two documents share text: nothing to show side by side")
    rank = related["type"].map({"reprint": 0, "condensed reprint": 0, "partial quotation": 1, "paraphrase": 2})
    best = related.assign(_r=rank).sort_values(["_r", "shared_sentences", "doc_a", "doc_b"], ascending=[True, False, True, True]).iloc[0]
    return str(best["source"]), str(best["derived"])


def reprint_partners(relations: pd.DataFrame) -> dict[str, set[str]]:
    """doc_id -> the documents it is a reprint or condensed reprint of, or that reprint it.

    For :func:`presslens.framing.framing_terms` ``exclude=``: a copy of a source's
    words among "the rest" would hide what is typical of the source.
    """
    partners: dict[str, set[str]] = {}
    for row in relations[relations["type"].isin(["reprint", "condensed reprint"])].itertuples(index=False):
        partners.setdefault(row.source, set()).add(row.derived)
        partners.setdefault(row.derived, set()).add(row.source)
    return partners
