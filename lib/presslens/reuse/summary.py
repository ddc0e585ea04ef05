"""What a source comparison found, in one sentence: the opening line of notebook 01 on any corpus.

A corpus of one document, of documents that share nothing, of copies of one
story or of a mix gets a sentence that says which, from the relations table
(:func:`presslens.reuse.reuse_relations_table`) alone: counts of related pairs by
type (whatever the type names are), how many documents they link, and the
strongest link. The values taken from documents (labels) are escaped for
Markdown and HTML (:func:`presslens.text.escape`).
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..text import escape
from .classify import REUSE_TYPES

#: the type of a pair that shares nothing (the last of :data:`REUSE_TYPES`)
UNRELATED = REUSE_TYPES[-1]


def derives(kind: str) -> bool:
    """Whether a reuse type says one document draws on the other (not "unrelated", not shared quotations only).

    >>> [derives(t) for t in ("reprint", "partial reuse", "shared quotes only", "unrelated")]
    [True, True, False, False]
    """
    return kind != UNRELATED and not kind.startswith("shared")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _components(pairs: list[tuple[str, str]]) -> list[set[str]]:
    """Connected groups of documents linked by the pairs (union-find)."""
    parent: dict[str, str] = {}

    def root(d: str) -> str:
        parent.setdefault(d, d)
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[str, set[str]] = {}
    for d in list(parent):
        groups.setdefault(root(d), set()).add(d)
    return sorted(groups.values(), key=lambda g: (-len(g), sorted(g)))


def findings_text(relations: pd.DataFrame, *, documents: int, labels: Mapping[str, str] | None = None, method: str = "exact") -> str:
    """The sentence (Markdown, document labels escaped) saying what the comparison found; ``""`` for no document.

    Args:
        relations: :func:`reuse_relations_table` output (``doc_a, doc_b, source, derived, type, share_derived``).
        documents: documents in the corpus (a corpus of one has no pair).
        labels: doc_id -> display name.
        method: the alignment's method (``"exact"``: every pair compared; else LSH candidates only).

    >>> findings_text(pd.DataFrame(columns=["doc_a", "doc_b", "type"]), documents=1)
    'The corpus holds **one document**: there is no other document to compare it with, so there is no reuse, shared quotation or framing contrast to find.'
    """
    labels = dict(labels or {})
    if documents <= 0:
        return ""
    if documents == 1:
        return ("The corpus holds **one document**: there is no other document to compare it with, "
                "so there is no reuse, shared quotation or framing contrast to find.")
    compared = len(relations)
    how = "" if method == "exact" else ": MinHash LSH candidates only"
    related = relations[relations["type"] != UNRELATED]
    if related.empty:
        return (f"**No two of the {documents:,} documents share text** ({_plural(compared, 'pair')} compared{how}): "
                "each stands on its own, with no reprint, quotation of another or paraphrase; the quotations and framing sections still compare them.")
    order = {t: k for k, t in enumerate(REUSE_TYPES)}
    counts = related["type"].value_counts()
    kinds = ", ".join(f"{n:,} {escape(t)}" for t, n in sorted(counts.items(), key=lambda tn: (order.get(tn[0], len(order)), tn[0])))
    groups = _components(list(zip(related["doc_a"], related["doc_b"])))
    linked = sum(len(g) for g in groups)
    name = lambda d: escape(labels.get(d, d))  # noqa: E731
    drawing = related[related["type"].map(derives)]
    if drawing.empty:
        strongest = "no document draws on another beyond the quotations they share"
    else:
        best = drawing.sort_values(["share_derived", "doc_a", "doc_b"], ascending=[False, True, True]).iloc[0]
        strongest = (f"the strongest: **{name(best['derived'])}** draws on **{name(best['source'])}** "
                     f"({escape(best['type'])}, {float(best['share_derived']):.0%} of its sentences)")
    every_pair = len(related) == compared == documents * (documents - 1) // 2
    if len(groups) == 1 and linked == documents and every_pair and all(map(derives, related["type"])):
        return (f"**All {documents:,} documents are versions of one story**: every pair shares text ({kinds}); {strongest}.")
    if len(groups) == 1 and linked == documents:
        return (f"**All {documents:,} documents are linked by reuse** through {_plural(len(related), 'related pair')} "
                f"of {compared:,} compared ({kinds}); {strongest}.")
    alone = documents - linked
    return (f"**{_plural(len(related), 'pair')} of {compared:,} compared share text** ({kinds}), linking {linked:,} of {documents:,} "
            f"documents in {_plural(len(groups), 'group')}; {_plural(alone, 'document')} share{'s' if alone == 1 else ''} nothing "
            f"with any other; {strongest}.")


#: the kinds of evidence a ``direction_basis`` starts with (:func:`presslens.reuse.relations_frame`)
BASES = ("published dates", "wire signature", "containment", "undetermined")


def direction_evidence(relations: pd.DataFrame) -> dict[str, int]:
    """Related pairs by the evidence their direction rests on: :data:`BASES`, plus ``"none"`` (undirected: quotations only).

    >>> direction_evidence(pd.DataFrame({"type": ["reprint", "unrelated"], "direction_basis": ["wire signature (...)", ""]}))
    {'published dates': 0, 'wire signature': 1, 'containment': 0, 'undetermined': 0, 'none': 0}
    """
    related = relations[relations["type"] != UNRELATED]
    basis = related["direction_basis"].astype(str)
    counts = {kind: int(basis.str.startswith(kind).sum()) for kind in BASES}
    counts["none"] = len(related) - sum(counts.values())
    return counts


def findings(relations: pd.DataFrame, *, documents: int, labels: Mapping[str, str] | None = None, method: str = "exact") -> Any:
    """:func:`findings_text` as a Markdown display object (``None``, nothing shown, for a corpus of no document)."""
    from IPython.display import Markdown

    text = findings_text(relations, documents=documents, labels=labels, method=method)
    return Markdown(text) if text else None


__all__ = ["BASES", "derives", "direction_evidence", "findings", "findings_text"]
