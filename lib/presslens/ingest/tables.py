"""Tidy tables of a corpus: documents, comments, sentences, segments, metadata.

Column names and meanings are the data contract of ``outputs/data/`` (see the
README's data dictionary). Every table is sorted so that two runs on the same
corpus give identical files. VADER scores come from the leaf :mod:`presslens.text.vader`,
so these tables sit below the sentiment stage that reads them.
"""

from __future__ import annotations

import pandas as pd

from ..labels import part_rank
from ..text import count_words, sentence_spans
from ..text.vader import label, scores
from .corpus import Corpus
from .metadata import FIELDS

DOCUMENT_COLUMNS = [
    "doc_id", "file", "outlet", "title", "author", "published", "genre", "language", "words", "n_comments", "sha256", "body",
    "label", "url", "original_outlet", "encoding", "bytes", "standfirst", "byline", "n_paragraphs", "comment_words",
    "removed_lines", "removed_words", "layouts", "declared_comments",
]
COMMENT_COLUMNS = [
    "doc_id", "comment_id", "author", "posted", "reply_to", "depth", "text", "compound", "pos", "neu", "neg", "label", "words", "line",
    "pingback",
]
SENTENCE_COLUMNS = ["doc_id", "part", "comment_id", "sent_id", "start", "end", "text", "compound"]
SEGMENT_COLUMNS = ["doc_id", "line", "kind", "rule", "repeats", "words", "text"]
METADATA_COLUMNS = ["doc_id", "field", "value", "basis", "evidence"]
#: fields of the metadata table beyond ``FIELDS``, present only when a page states them
OPTIONAL_FIELDS = ("description",)


def documents_table(corpus: Corpus) -> pd.DataFrame:
    """One row per document: metadata, size, body and what was removed."""
    rows = []
    for doc in corpus:
        removed = doc.removed
        rows.append(
            {
                "doc_id": doc.doc_id,
                "file": doc.file,
                **{name: doc.meta(name).value for name in FIELDS},
                "title": doc.title,
                "words": doc.words,
                "n_comments": len(doc.comments),
                "sha256": doc.sha256,
                "body": doc.body,
                "label": doc.label,
                "encoding": doc.encoding,
                "bytes": doc.n_bytes,
                "standfirst": doc.part("standfirst"),
                "byline": doc.part("byline"),
                "n_paragraphs": len(doc.paragraphs),
                "comment_words": sum(count_words(c.text) for c in doc.comments),
                "removed_lines": len(removed),
                "removed_words": sum(count_words(s.text) for s in removed),
                "layouts": ";".join(doc.layouts),
                "declared_comments": doc.declared_comments,
            }
        )
    frame = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    frame["declared_comments"] = frame["declared_comments"].astype("Int64")
    return frame.sort_values("doc_id", ignore_index=True)


def comments_table(corpus: Corpus) -> pd.DataFrame:
    """One row per comment or forum reply, threaded, with VADER scores of its text.

    ``pingback`` (last column, so older readers of the table keep their columns) is
    true for a pingback or trackback: another site linking here, not a reader's words.
    """
    rows = []
    for doc in corpus:
        for c in doc.comments:
            s = scores(c.text)
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "comment_id": c.comment_id,
                    "author": c.author,
                    "posted": c.posted,
                    "reply_to": c.reply_to or "",
                    "depth": c.depth,
                    "text": c.text,
                    "compound": s["compound"],
                    "pos": s["pos"],
                    "neu": s["neu"],
                    "neg": s["neg"],
                    "label": label(s["compound"]),
                    "words": count_words(c.text),
                    "line": c.line,
                    "pingback": bool(c.pingback),
                }
            )
    frame = pd.DataFrame(rows, columns=COMMENT_COLUMNS)
    frame["pingback"] = frame["pingback"].astype(bool)
    return frame.sort_values(["doc_id", "comment_id"], ignore_index=True)


def sentences_table(corpus: Corpus) -> pd.DataFrame:
    """One row per sentence of a body or a comment; ``text == source[start:end]``.

    ``source`` is the document's ``body`` for ``part == "body"`` and the comment's
    ``text`` for ``part == "comment"``.
    """
    rows = []
    for doc in corpus:
        parts = [("body", "", doc.body)] + [("comment", c.comment_id, c.text) for c in doc.comments]
        for part, comment_id, text in parts:
            for n, (start, end) in enumerate(sentence_spans(text), start=1):
                sentence = text[start:end]
                rows.append(
                    {
                        "doc_id": doc.doc_id,
                        "part": part,
                        "comment_id": comment_id,
                        "sent_id": n,
                        "start": start,
                        "end": end,
                        "text": sentence,
                        "compound": scores(sentence)["compound"],
                    }
                )
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return frame.assign(_o=part_rank(frame["part"])).sort_values(["doc_id", "_o", "comment_id", "sent_id"], ignore_index=True).drop(columns="_o")


def segments_table(corpus: Corpus, *, kinds: set[str] | None = None) -> pd.DataFrame:
    """Every non-body segment (or those of ``kinds``): what was kept beside the body and what was removed, with the rule."""
    rows = []
    for doc in corpus:
        for s in doc.segments:
            if s.kind == "body" or (kinds is not None and s.kind not in kinds):
                continue
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "line": s.line,
                    "kind": s.kind,
                    "rule": s.rule,
                    "repeats": s.repeats,
                    "words": count_words(s.text),
                    "text": s.text,
                }
            )
    frame = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    frame["repeats"] = frame["repeats"].astype("Int64")
    return frame.sort_values(["doc_id", "line", "kind"], ignore_index=True)


def metadata_table(corpus: Corpus) -> pd.DataFrame:
    """Each document's metadata fields with basis (stated, inferred, unknown) and evidence.

    Every field of ``FIELDS`` for every document, then a ``description`` row for
    each HTML page whose markup states one (JSON-LD, Open Graph or meta tag):
    a long table takes an optional field without a new column.
    """
    rows = []
    for doc in corpus:
        rows.extend({"doc_id": doc.doc_id, "field": name, **vars(doc.meta(name))} for name in FIELDS)
        for name in OPTIONAL_FIELDS:
            value = doc.page_meta.get(name)
            if value is not None and value.value:
                rows.append({"doc_id": doc.doc_id, "field": name, **vars(value)})
    return pd.DataFrame(rows, columns=METADATA_COLUMNS)


def inputs_table(corpus: Corpus) -> pd.DataFrame:
    """Every file seen in the corpus folder: accepted or rejected, with the reason."""
    frame = pd.DataFrame([vars(i) for i in corpus.inputs], columns=["file", "status", "reason", "encoding", "bytes", "sha256"])
    return frame.sort_values("file", ignore_index=True)


def words_per_part(corpus: Corpus) -> pd.DataFrame:
    """Words per document in each part: body, comments, kept extras (title, captions...), removed boilerplate."""
    rows = []
    for doc in corpus:
        counts = {"body": doc.words, "comments": sum(count_words(c.text) for c in doc.comments)}
        for s in doc.segments:
            if s.kind == "body":
                continue
            key = "boilerplate" if s.kind == "boilerplate" else "title, captions and other kept parts"
            counts[key] = counts.get(key, 0) + count_words(s.text)
        for part, n in counts.items():
            rows.append({"doc_id": doc.doc_id, "label": doc.label, "part": part, "words": n})
    return pd.DataFrame(rows, columns=["doc_id", "label", "part", "words"])
