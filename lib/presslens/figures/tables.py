"""The figures and numbers tables of a corpus: one row per stated figure, and one per number read with its verdict."""

from __future__ import annotations

import logging

import pandas as pd

from ..ingest.corpus import Corpus
from ..labels import part_rank
from ..text import fold
from .decide import _READINGS, extract_figures

log = logging.getLogger(__name__)

#: The data contract (DESIGN.md) first, then the extra columns.
FIGURE_COLUMNS = [
    "doc_id", "part", "comment_id", "kind", "low", "high", "qualifier", "unit", "who", "sentence", "start", "end",
    "num_start", "num_end", "value_text", "bound", "group", "who_basis", "period", "conflict", "claim_id", "quotes", "source",
]
#: Every number read, figure or not, with the verdict.
NUMBER_COLUMNS = ["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "verdict", "kind", "sentence", "start", "end"]


#: languages the figure lexicon is written for (word numbers, hedges, cue words: English only). A document
#: whose language is stated as another ("de-DE") is not read: German "die" is an article, not a death.
READ_LANGUAGES = ("en",)


def reads_language(doc) -> bool:
    """Whether the figure reader reads ``doc``: its language is English or not stated."""
    language = doc.meta("language").value.strip().lower()
    return not language or language.split("-")[0].split("_")[0] in READ_LANGUAGES


def _parts(doc, include_comments: bool):
    if not reads_language(doc):
        log.info("%s: language %r is not one the figure lexicon reads; no figures read", doc.doc_id, doc.meta("language").value)
        return
    yield "body", "", doc.body
    if include_comments:
        for c in doc.comments:
            yield "comment", c.comment_id, c.text


def _source_label(doc, part: str, comment_id: str) -> str:
    return doc.label if part == "body" else f"{doc.label} · reader comment"


def _link_quotes(rows: list[dict], body: str) -> None:
    """A comment that quotes the article's sentence states the article's claim: give it the body figure's claim."""
    body_rows = [r for r in rows if r["part"] == "body"]
    folded_body = fold(body)
    for row in rows:
        if row["part"] != "comment":
            continue
        key = fold(row["sentence"]).strip(" \"'“”‘’")
        if len(key) < 30 or key not in folded_body:
            continue
        for b in body_rows:
            if b["value_text"] == row["value_text"] and key in fold(b["sentence"]):
                for column in ("group", "conflict", "claim_id"):
                    row[column] = b[column]
                row["quotes"] = "body"
                break


def document_figures(corpus: Corpus, *, include_comments: bool = True) -> pd.DataFrame:
    """The figures of each document on its own, each claim as its sentence names it (see :func:`figures_table`).

    The per-document step of the build (cached per document); :func:`join_open_claims` finishes it for the
    corpus. Same columns and order as :func:`figures_table`.
    """
    rows = []
    for doc in corpus:
        doc_rows = []
        for part, comment_id, text in _parts(doc, include_comments):
            for f in extract_figures(text):
                row = {"doc_id": doc.doc_id, "part": part, "comment_id": comment_id, **vars(f), "quotes": "",
                       "source": _source_label(doc, part, comment_id)}
                doc_rows.append(row)
        _link_quotes(doc_rows, doc.body)
        rows.extend(doc_rows)
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["low"] = pd.to_numeric(frame["low"], errors="coerce").astype("float64")
    frame["high"] = pd.to_numeric(frame["high"], errors="coerce").astype("float64")
    for column in ("start", "end", "num_start", "num_end"):
        frame[column] = frame[column].astype("int64")
    log.info("figures: %d figures in %d documents", len(frame), frame["doc_id"].nunique())
    return _sort(frame)


def figures_table(corpus: Corpus, *, include_comments: bool = True) -> pd.DataFrame:
    """The ``figures`` table of DESIGN.md: :func:`document_figures` with the claims of the whole corpus joined.

    One row per stated casualty, displacement or cost figure, bodies and comments. ``start``/``end`` are the
    sentence's offsets in the document's ``body`` (part ``body``) or the comment's ``text`` (part ``comment``),
    so ``source[start:end] == sentence``; ``num_start``/``num_end`` are the number phrase's. An open bound is
    NaN (empty in the CSV). ``claim_id`` links the same claim across sources (:func:`join_open_claims`);
    ``quotes`` is ``body`` when a comment quotes the article's figure.

    Args:
        corpus: the loaded corpus.
        include_comments: read reader comments too.

    Returns:
        A DataFrame with :data:`FIGURE_COLUMNS`, sorted by doc_id, part (body first), comment_id, start, num_start.
    """
    return join_open_claims(document_figures(corpus, include_comments=include_comments))


def join_open_claims(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures of a whole corpus with each open claim joined to the corpus's one named claim (see :func:`_join_open_claims`).

    A step over the whole corpus: the build computes :func:`document_figures` per document (and caches it) and
    applies this once to the assembled table, so the result does not depend on how documents were chunked.
    """
    frame = frame.copy()
    frame["claim_id"] = _join_open_claims(frame["claim_id"])
    return frame


#: groups that name no population: their claims are never joined across sentences
_UNSTATED_GROUPS = frozenset({"people", "unspecified"})


def _join_open_claims(claim_ids: pd.Series) -> pd.Series:
    """A claim whose conflict the sentence did not name ("deaths:us") joins the corpus's one claim of the same kind and
    population that names it ("deaths:us@iraq_war"), so "4,484", "4,488", "3,991" and "nearly 4,500" US military deaths
    are one row; when the corpus names several conflicts for that population, the claim stays open. Claims of no
    stated population (group ``people`` or ``unspecified``) never join: nothing says they count the same people (the
    death toll of one attack and that of another war would become one claim)."""
    named: dict[str, set[str]] = {}
    for claim in claim_ids.unique():
        base, sep, _ = claim.partition("@")
        if sep and base.partition(":")[2] not in _UNSTATED_GROUPS:
            named.setdefault(base, set()).add(claim)
    joined = {base: next(iter(claims)) for base, claims in named.items() if len(claims) == 1}
    return claim_ids.map(lambda c: joined.get(c, c) if "@" not in c else c)


def _sort(frame: pd.DataFrame) -> pd.DataFrame:
    order = part_rank(frame["part"])
    return (
        frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", "start", "num_start"], ignore_index=True, kind="stable")
        .drop(columns="_o")
    )


def numbers_table(corpus: Corpus, *, include_comments: bool = True) -> pd.DataFrame:
    """Every number phrase read in the corpus with its verdict: ``figure`` or why it is not one, for auditing the rules."""
    rows = []
    for doc in corpus:
        for part, comment_id, text in _parts(doc, include_comments):
            for r in _READINGS(text):  # read only
                rows.append({
                    "doc_id": doc.doc_id, "part": part, "comment_id": comment_id, "num_start": r.num_start, "num_end": r.num_end,
                    "value_text": r.value_text, "verdict": r.verdict, "kind": r.kind, "sentence": text[r.sent_start : r.sent_end],
                    "start": r.sent_start, "end": r.sent_end,
                })
    frame = pd.DataFrame(rows, columns=NUMBER_COLUMNS)
    order = part_rank(frame["part"])
    return frame.assign(_o=order).sort_values(["doc_id", "_o", "comment_id", "num_start"], ignore_index=True).drop(columns="_o")
