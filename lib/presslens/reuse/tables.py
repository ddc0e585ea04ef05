"""The tables of an alignment: pairs of documents, shared passages, the sentence matches of one pair."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..ingest.corpus import Corpus
from .alignment import Alignment, align_corpus
from .options import ReuseError


PAIR_COLUMNS = [
    "doc_a", "doc_b", "sentences_a", "shared_sentences_a", "share_a", "similarity",
    "quoted_shared_a", "paraphrased_sentences_a", "passages", "shared_words_a",
]
PASSAGE_COLUMNS = [
    "doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "words", "similarity", "text_a", "text_b",
    "passage", "sentences_a", "sentences_b", "words_b",
]


def reuse_pairs_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per ordered pair of documents compared: how much of ``doc_a`` is found in ``doc_b``.

    Columns: ``doc_a, doc_b, sentences_a`` (sentences of a of at least
    ``min_words`` words), ``shared_sentences_a`` (of them, found in b),
    ``share_a`` (their share: the containment of a in b), ``similarity``
    (symmetric: shared sentences of both over sentences of both, 0-1),
    ``quoted_shared_a`` (shared sentences that sit inside quotation marks in a),
    ``paraphrased_sentences_a`` (not shared but paraphrased), ``passages`` and
    ``shared_words_a`` (words of a in aligned passages). Sorted by doc_a, doc_b.
    """
    return pairs_frame(align_corpus(corpus, **options))


def pairs_frame(alignment: Alignment) -> pd.DataFrame:
    """:func:`reuse_pairs_table` from an :class:`Alignment` (for texts that are not a corpus).

    Each compared pair gives its two rows from its comparison alone
    (:class:`_PairResult`); the columns are filled as lists, not one dict per
    row, so a million pairs cost little more than their values.
    """
    columns: dict[str, list] = {c: [] for c in PAIR_COLUMNS}
    add = [columns[c].append for c in PAIR_COLUMNS]
    for r in alignment.results:
        total = r.n_a + r.n_b
        similarity = round((r.counts_a[0] + r.counts_b[0]) / total, 4) if total else 0.0
        for a, b, n, (shared, quoted, paraphrased), words_at in (
            (r.doc_a, r.doc_b, r.n_a, r.counts_a, 9), (r.doc_b, r.doc_a, r.n_b, r.counts_b, 10),
        ):
            values = (
                a, b, n, shared, round(shared / n, 4) if n else 0.0, similarity, quoted, paraphrased,
                len(r.passages), int(sum(p[words_at] for p in r.passages)),
            )
            for append, value in zip(add, values):
                append(value)
    frame = pd.DataFrame(columns if alignment.results else [], columns=PAIR_COLUMNS)
    return frame.sort_values(["doc_a", "doc_b"], ignore_index=True)


def shared_passages_table(corpus: Corpus, **options: Any) -> pd.DataFrame:
    """One row per aligned passage and direction: ``body_a[start_a:end_a] == text_a`` and the same for b.

    Each passage appears twice, once from each document's side (``doc_a`` is the
    document the row is about), so filtering on ``doc_a`` gives all the passages
    of a document. ``words`` counts the words of ``text_a``, ``similarity`` is
    RapidFuzz's ratio (0-100) of the two passage texts after typographic
    normalisation, ``passage`` numbers the passages of a pair in ``doc_a``'s order.
    Sorted by doc_a, doc_b, start_a.
    """
    return passages_frame(align_corpus(corpus, **options))


def passages_frame(alignment: Alignment) -> pd.DataFrame:
    """:func:`shared_passages_table` from an :class:`Alignment`."""
    names = [c for c in PASSAGE_COLUMNS if c != "passage"]
    columns: dict[str, list] = {c: [] for c in names}
    add = [columns[c].append for c in names]
    texts = alignment.texts
    for r in alignment.results:
        body_a, body_b = texts[r.doc_a], texts[r.doc_b]
        for first_a, last_a, first_b, last_b, start_a, end_a, start_b, end_b, similarity, words_a, words_b in r.passages:
            text_a, text_b = body_a[start_a:end_a], body_b[start_b:end_b]
            for values in (
                (r.doc_a, r.doc_b, start_a, end_a, start_b, end_b, words_a, similarity, text_a, text_b,
                 last_a - first_a + 1, last_b - first_b + 1, words_b),
                (r.doc_b, r.doc_a, start_b, end_b, start_a, end_a, words_b, similarity, text_b, text_a,
                 last_b - first_b + 1, last_a - first_a + 1, words_a),
            ):
                for append, value in zip(add, values):
                    append(value)
    frame = pd.DataFrame(columns if columns["doc_a"] else [], columns=names)
    frame = frame.sort_values(["doc_a", "doc_b", "start_a", "start_b"], ignore_index=True)
    frame.insert(10, "passage", frame.groupby(["doc_a", "doc_b"]).cumcount() + 1)
    return frame[PASSAGE_COLUMNS]


def sentence_matches_table(corpus: Corpus, *, doc_a: str, doc_b: str, **options: Any) -> pd.DataFrame:
    """Every compared sentence of ``doc_a`` with its closest sentence in ``doc_b`` and the scores.

    Columns: ``sent_id, start, end, words, quoted, text, score, status, match_sent_id, match_start, match_end,
    match_text, phrases`` where ``status`` is ``shared``, ``paraphrased`` or ``absent``; the match is the
    closest sentence by score, or for a paraphrased sentence the one sharing most phrases.
    """
    alignment = align_corpus(corpus, **options)
    return _matches(alignment, doc_a, doc_b)


def _matches(alignment: Alignment, doc_a: str, doc_b: str) -> pd.DataFrame:
    for doc in (doc_a, doc_b):
        if doc not in alignment.sentences:
            raise ReuseError(f"no document {doc!r} in the alignment (have {list(alignment.doc_ids)})")
    side = alignment.sides.get((doc_a, doc_b))
    if side is None:
        raise ReuseError(f"{doc_a} and {doc_b} were not compared (not an LSH candidate pair: nothing shared)")
    opts = alignment.options
    other = alignment.sentences[doc_b]
    rows = []
    for s, best, score, phrases, phrase_best in zip(
        alignment.sentences[doc_a], side.best, side.score, side.phrases, side.phrase_best
    ):
        status = "shared" if score >= opts.threshold else "paraphrased" if phrases >= opts.paraphrase_min_phrases else "absent"
        index = int(phrase_best) if status == "paraphrased" else int(best)
        match = other[index] if len(other) and index >= 0 else None
        rows.append(
            {
                "sent_id": s.sent_id, "start": s.start, "end": s.end, "words": s.words, "quoted": s.quoted,
                "text": s.text, "score": float(score), "status": status,
                "match_sent_id": match.sent_id if match else None, "match_start": match.start if match else None,
                "match_end": match.end if match else None, "match_text": match.text if match else "",
                "phrases": int(phrases),
            }
        )
    return pd.DataFrame(rows)
