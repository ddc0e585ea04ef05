"""Direction and type of reuse between two documents: which one draws on which, and how."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..ingest.corpus import Corpus
from ..labels import doc_number
from .alignment import Alignment, align_corpus
from .fitted import FITTED
from .options import ReuseError

REUSE_TYPES = ("reprint", "condensed reprint", "partial reuse", "shared quotes only", "unrelated")

#: Thresholds of :func:`classify_reuse`: fitted on labelled development data by ``benchmarks/fit_reuse.py``
#: (the values and how they were fitted are in :mod:`.fitted`), never set here by hand.
WHOLLY_MIN = FITTED["wholly_min"]  # reprint / condensed reprint: >= this share of the derived one's text is in the source
PARTIAL_MIN = FITTED["partial_min"]  # partial reuse: unquoted 3-gram containment >= the corpus baseline + this...
PARTIAL_MIN_SHINGLES = FITTED["partial_min_shingles"]  # ...and at least this many shared unquoted 3-grams
#: Definitions rather than fitted values (the development data has no quotations and no two-way reprints):
REPRINT_BACK_MIN = 0.8  # reprint (not condensed): the copy also carries >= four fifths of the source's 3-grams
QUOTES_MIN_SHINGLES = 3  # shared quotes only: >= 3 shared 3-grams quoted in both (one quoted clause of five words)
VIA_OVERLAP = 0.8  # a link is "via" a third document holding >= 80 % of the same sentences
BASELINE_MIN_PAIRS = 6  # the corpus baseline is taken over at least this many compared (ordered) pairs, else 0
#: Which quantile of the compared pairs' unquoted containments is the corpus baseline (see :mod:`.fitted`): the
#: median, what a typical pair shares. A lower one lets partial copies through in a story whose pages mostly copy
#: one wire story, and lets same-story pages through elsewhere (``benchmarks/fit_reuse.py``, ``QUANTILE_GRID``).
BASELINE_QUANTILE = FITTED["baseline_quantile"]
SYMMETRIC_SHINGLES = 2  # containments are even when the two texts' 3-gram counts differ by less than this


RELATION_COLUMNS = [
    "doc_a", "doc_b", "source", "derived", "type", "direction_basis", "containment_derived", "containment_source",
    "unquoted_containment", "baseline", "shared_shingles", "quote_shingle_share", "quoted_in_derived", "share_derived", "share_source",
    "shared_sentences", "quoted_share", "paraphrased_sentences", "via", "note",
]


def classify_reuse(*, containment: float, containment_back: float, sentence_share: float, unquoted: float,
                   baseline: float = 0.0, shared_quote_shingles: int = 0, quoted_in_derived: float = 0.0,
                   unquoted_shingles: int | None = None, wholly_min: float = WHOLLY_MIN,
                   partial_min: float = PARTIAL_MIN, partial_min_shingles: int = PARTIAL_MIN_SHINGLES) -> str:
    """The type of reuse of a source by a derived document, from the numbers a relations row carries.

    Args:
        containment: share of the derived document's word 3-grams found in the source (article text only).
        containment_back: share of the source's word 3-grams found in the derived document.
        sentence_share: share of the derived document's sentences aligned with a source sentence (score >= threshold).
        unquoted: ``containment`` counting only 3-grams not quoted in both documents.
        baseline: what compared pairs of this corpus share (:func:`corpus_baseline`).
        shared_quote_shingles: shared 3-grams that sit inside quotations in both documents.
        quoted_in_derived: share of the shared 3-grams inside quotations in the derived document.
        unquoted_shingles: shared 3-grams not quoted in both (``None``: not known, the count is not checked).
        wholly_min, partial_min, partial_min_shingles: the thresholds (default: the fitted ones; other values are
            for the fitting script).

    Rules, in order (``WHOLLY_MIN`` and ``PARTIAL_MIN`` fitted, see :mod:`.fitted`):
        - **condensed reprint** (condensed or trimmed): ``max(containment, sentence_share) >= WHOLLY_MIN``, and
          fewer than half of the shared 3-grams in quotation marks in the derived document (a text made of
          quotations of another quotes it: partial reuse);
        - **reprint**: the same, and the copy also carries ``REPRINT_BACK_MIN`` of the source's 3-grams;
        - **partial reuse**: ``unquoted >= baseline + PARTIAL_MIN`` and at least ``PARTIAL_MIN_SHINGLES`` shared
          unquoted 3-grams: more of its own text is in the source than same-corpus pairs share (story
          vocabulary), quotations both carry left out;
        - **shared quotes only**: at least ``QUOTES_MIN_SHINGLES`` shared 3-grams quoted in both;
        - **unrelated** otherwise.
    """
    wholly = max(containment, sentence_share)
    if wholly >= wholly_min and quoted_in_derived < 0.5:
        return "reprint" if containment_back >= max(REPRINT_BACK_MIN, wholly_min) else "condensed reprint"
    enough = unquoted_shingles is None or unquoted_shingles >= partial_min_shingles
    if unquoted >= baseline + partial_min and enough:
        return "partial reuse"
    if shared_quote_shingles >= QUOTES_MIN_SHINGLES:
        return "shared quotes only"
    return "unrelated"


def reuse_relations_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per compared pair of documents: which one draws on which, how, and on what evidence.

    See :func:`relations_frame`; the dates are the documents' ``published`` metadata.
    """
    alignment = align_corpus(corpus, **options)
    dates = {d.doc_id: d.meta("published").value for d in corpus}
    return relations_frame(alignment, dates=dates)


def baseline_values(results: Iterable[Any]) -> list[float]:
    """The unquoted 3-gram containment of each side of each compared pair (two values per pair)."""
    values = []
    for r in results:
        n_a, n_b, shared, quoted = r.shingles[:4]
        for n in (n_a, n_b):
            values.append((shared - quoted) / n if n else 0.0)
    return values


def corpus_baseline(values: Iterable[float], quantile: float = BASELINE_QUANTILE) -> float:
    """The corpus baseline: the ``quantile`` of :func:`baseline_values`, 0 below ``BASELINE_MIN_PAIRS`` values.

    >>> values = [0.0, 0.01, 0.02, 0.3, 0.4, 0.5]
    >>> round(corpus_baseline(values, 0.5), 3), corpus_baseline(values, 0.0)
    (0.16, 0.0)
    >>> corpus_baseline([0.3, 0.4])
    0.0
    """
    values = list(values)
    return float(np.quantile(values, quantile)) if len(values) >= BASELINE_MIN_PAIRS else 0.0


def relations_frame(alignment: Alignment, *, dates: Mapping[str, str] | None = None) -> pd.DataFrame:
    """:func:`reuse_relations_table` from an :class:`Alignment` and optional ISO publication dates.

    **Direction**, in order: the published dates when both are known and differ
    (earlier is the source); else wire signatures (:data:`.words.WIRE_SIGNATURES`)
    that only one document shows ("The Associated Press contributed to this
    report" or "This story has been corrected" mark the derived one, an agency
    dateline "(AP) —" the wire's own copy); else containment asymmetry (the
    document more of whose 3-grams are in the other is derived: the other has
    material of its own). ``undetermined`` only when all of these are even;
    ``direction_basis`` gives the evidence either way. **Type**: :func:`classify_reuse`
    on the derived document's numbers; ``baseline`` is the corpus baseline
    (:func:`corpus_baseline`: a fitted quantile of the unquoted containments of all compared pairs). ``via`` names a third document
    both draw on when that explains the link (two copies of one article).
    ``source``/``derived`` are empty for unrelated pairs and ``shared quotes only``.
    """
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
            "reused": frozenset(np.nonzero(hit)[0].tolist()),
        }
    partners: dict[str, set[str]] = {}
    for a, b in stats:
        partners.setdefault(a, set()).add(b)
    results = {(r.doc_a, r.doc_b): r for r in alignment.results}
    baseline = corpus_baseline(baseline_values(results.values()))
    wire = {d: alignment.wire[d] for d in alignment.doc_ids} if alignment.results else {}
    share = {k: (v["shared"] / v["n"] if v["n"] else 0.0) for k, v in stats.items()}
    rows = []
    for a, b in alignment.compared_pairs:
        r = results[(a, b)]
        n_a, n_b, shared, quoted, quoted_a, quoted_b = r.shingles
        in_quotes = {a: quoted_a / shared if shared else 0.0, b: quoted_b / shared if shared else 0.0}
        contain = {(a, b): r.containment[0], (b, a): r.containment[1]}
        unquoted = {(a, b): (shared - quoted) / n_a if n_a else 0.0, (b, a): (shared - quoted) / n_b if n_b else 0.0}
        source, derived, basis, note = _direction(a, b, contain, (n_a, n_b), shared, dates, wire)
        st = stats[(derived, source)]
        kind = classify_reuse(
            containment=contain[(derived, source)], containment_back=contain[(source, derived)],
            sentence_share=share[(derived, source)], unquoted=unquoted[(derived, source)], baseline=baseline,
            shared_quote_shingles=quoted, quoted_in_derived=in_quotes[derived], unquoted_shingles=shared - quoted,
        )
        directed = kind not in ("unrelated", "shared quotes only")
        via = _via(stats, derived, source, sorted(partners[derived] & partners[source])) if directed else ""
        rows.append(
            {
                "doc_a": a, "doc_b": b,
                "source": source if directed else "", "derived": derived if directed else "",
                "type": kind, "direction_basis": basis if directed else "",
                "containment_derived": round(contain[(derived, source)], 4),
                "containment_source": round(contain[(source, derived)], 4),
                "unquoted_containment": round(unquoted[(derived, source)], 4), "baseline": round(baseline, 4),
                "shared_shingles": shared, "quote_shingle_share": round(quoted / shared, 4) if shared else 0.0,
                "quoted_in_derived": round(in_quotes[derived], 4),
                "share_derived": round(share[(derived, source)], 4), "share_source": round(share[(source, derived)], 4),
                "shared_sentences": st["shared"],
                "quoted_share": round(st["quoted"] / st["shared"], 4) if st["shared"] else 0.0,
                "paraphrased_sentences": st["paraphrased"],
                "via": via, "note": note if directed else "",
            }
        )
    frame = pd.DataFrame(rows, columns=RELATION_COLUMNS)
    return frame.sort_values(["doc_a", "doc_b"], ignore_index=True)


def _direction(
    a: str, b: str, contain: Mapping[tuple[str, str], float], sizes: tuple[int, int], shared: int,
    dates: Mapping[str, str], wire: Mapping[str, tuple[tuple[str, str], ...]],
) -> tuple[str, str, str, str]:
    """``(source, derived, direction_basis, note)`` of a pair: dates, else wire signatures, else containment.

    The basis always states the evidence: the dates, the signatures, or both containments.
    """
    ca, cb = contain[(a, b)], contain[(b, a)]
    numbers = f"{doc_number(a)} {ca:.0%} in {doc_number(b)}, {doc_number(b)} {cb:.0%} in {doc_number(a)}"
    by_containment = (a, b) if cb > ca else (b, a)  # (source, derived): the more contained one is derived
    tie = not shared or abs(sizes[0] - sizes[1]) < SYMMETRIC_SHINGLES  # same shared 3-grams over the same number
    da, db = dates.get(a, ""), dates.get(b, "")
    if da and db and da != db:
        earlier, later = (a, b) if da < db else (b, a)
        note = ""
        if not tie and by_containment != (earlier, later):
            note = f"containment suggested {doc_number(by_containment[1])} drew on {doc_number(by_containment[0])}; the dates say the opposite"
        return earlier, later, f"published dates ({doc_number(earlier)} {dates[earlier]}, {doc_number(later)} {dates[later]})", note
    unknown = [doc_number(d) for d in (a, b) if not dates.get(d)]
    dated = f"published date unknown for {', '.join(unknown)}" if unknown else "same published date"
    kinds = {d: {kind for _, kind in wire.get(d, ())} for d in (a, b)}
    names = {d: [name for name, _ in wire.get(d, ())] for d in (a, b)}
    for kind, makes_source in (("derived", False), ("source", True)):
        has = [d for d in (a, b) if kind in kinds[d]]
        if len(has) == 1:
            one = has[0]
            other = b if one == a else a
            source, derived = (one, other) if makes_source else (other, one)
            what = ", ".join(n for n, _ in wire[one] if _ == kind)
            return source, derived, f"wire signature ({doc_number(one)}: {what}; {dated}; containment {numbers})", ""
    if not tie:
        source, derived = by_containment
        return source, derived, f"containment ({numbers}; {dated})", ""
    signatures = "; ".join(f"{doc_number(d)}: {', '.join(names[d])}" for d in (a, b) if names[d]) or "no wire signature"
    return a, b, f"undetermined: symmetric evidence ({numbers}; {dated}; {signatures})", ""


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
    related = related[related["type"] != "shared quotes only"]
    if related.empty:
        raise ReuseError("no document draws on another (at most quotations they share): nothing to show side by side")
    rank = related["type"].map({"reprint": 0, "condensed reprint": 0, "partial reuse": 1})
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
