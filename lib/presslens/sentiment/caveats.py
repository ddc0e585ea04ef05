"""Where VADER misleads: sarcasm, quotations, profanity and very short comments flagged; the most extreme comments shown."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..text import clip, count_words, fold
from ..text.vader import NEGATIVE, POSITIVE
from .frames import SentimentError, _ids, _require
from .lexicon import scored_words
from .words import _OPENING_QUOTE, _PROFANE_WORD, _PROFANITY_HINT, _QUOTED, _SARCASM, _SARCASM_HINT, QUOTE_MIN_WORDS, SHORT_COMMENT_WORDS

FLAG_COLUMNS = ["doc_id", "comment_id", "words", "sarcasm", "starts_with_quote", "quotes_article", "profanity", "profane_words", "short", "flags"]


def profane_words(text: str) -> list[str]:
    """Words of ``text`` from the small profanity list, lower-cased, sorted, once each.

    >>> profane_words("The Evil Fuckers in Washington, asswipe that he is, and a class act")
    ['asswipe', 'fuckers']
    """
    found = set()
    text = text.lower()
    n = len(text)
    for hit in _PROFANITY_HINT.finditer(text):
        start, end = hit.start(), hit.end()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_*"):
            start -= 1
        while end < n and (text[end].isalnum() or text[end] in "_*"):
            end += 1
        word = text[start:end]
        if _PROFANE_WORD.fullmatch(word):
            found.add(word)
    return sorted(found)


def quoted_passages(text: str, *, min_words: int = 1) -> list[str]:
    """Passages between double quotes (straight, curly or guillemets) with at least ``min_words`` words.

    >>> quoted_passages('He said “could exceed 3 million” and “KINDLY” agreed.', min_words=2)
    ['could exceed 3 million']
    """
    return [m.group(1).strip() for m in _QUOTED.finditer(text) if count_words(m.group(1)) >= min_words]


def caveat_flags(
    comments: pd.DataFrame,
    *,
    documents: pd.DataFrame | None = None,
    min_words: int = SHORT_COMMENT_WORDS,
    quote_min_words: int = QUOTE_MIN_WORDS,
) -> pd.DataFrame:
    """Flags on comments whose VADER score is likely to mislead, for the analyst to read rather than trust.

    * ``sarcasm``: a sarcasm marker ("//SARC OFF//", "/s", "<sarc>", "#sarcasm");
      VADER scores the words at face value.
    * ``starts_with_quote``: the comment opens with a quotation; the score is partly
      the quoted text's, not the commenter's.
    * ``quotes_article`` (only with ``documents``): a quoted passage of at least
      ``quote_min_words`` words appears in the document's body.
    * ``profanity``: a word from a small list; VADER knows some ("fuck", "shit")
      and not others ("asswipe", "shithole"), so profane comments score unevenly.
    * ``short``: fewer than ``min_words`` words; the score rests on one or two words.

    Args:
        comments: ``comments_table`` (``doc_id, comment_id, text``).
        documents: ``documents_table`` (``doc_id, body``), for ``quotes_article``.

    Returns:
        :data:`FLAG_COLUMNS` (``quotes_article`` is False without ``documents``),
        ``flags`` joining the names of the flags raised; sorted like the input.

    >>> import pandas as pd
    >>> row = caveat_flags(pd.DataFrame({"doc_id": ["d"], "comment_id": ["c1"], "text": ["Pfft. Great plan. //SARC OFF//"]}))
    >>> row["flags"].iloc[0]
    'sarcasm; short'
    """
    _require(comments, ["doc_id", "comment_id", "text"], "comments")
    bodies: Mapping[str, str] = {}
    if documents is not None:
        _require(documents, ["doc_id", "body"], "documents")
        bodies = dict(zip(documents["doc_id"], documents["body"]))
    folded: dict[str, str] = {}  # a body is folded once, and only when one of its comments quotes a passage

    def folded_body(doc_id: str) -> str:
        if doc_id not in folded:
            folded[doc_id] = fold(bodies[doc_id])
        return folded[doc_id]

    rows = []
    for doc_id, comment_id, text in zip(comments["doc_id"], _ids(comments["comment_id"]), comments["text"]):
        text = str(text)
        n = count_words(text)
        profane = profane_words(text)
        passages = quoted_passages(text, min_words=quote_min_words) if doc_id in bodies else []
        quotes_article = bool(passages) and bool(folded_body(doc_id)) and any(fold(q) in folded_body(doc_id) for q in passages)
        row = {
            "doc_id": doc_id, "comment_id": comment_id, "words": n,
            "sarcasm": bool(_SARCASM_HINT.search(text) and _SARCASM.search(text)), "starts_with_quote": bool(_OPENING_QUOTE.match(text)),
            "quotes_article": quotes_article, "profanity": bool(profane), "profane_words": ", ".join(profane), "short": n < min_words,
        }
        names = {"sarcasm": "sarcasm", "starts_with_quote": "starts with a quote", "quotes_article": "quotes the article", "profanity": "profanity", "short": "short"}
        row["flags"] = "; ".join(v for k, v in names.items() if row[k])
        rows.append(row)
    return pd.DataFrame(rows, columns=FLAG_COLUMNS).astype({"words": "int64"})


def extreme_comments(comments: pd.DataFrame, *, n: int = 5, flags: pd.DataFrame | None = None, width: int | None = None) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive comments, with their text and the words VADER scored.

    Only negative comments can be "most negative" and only positive ones "most
    positive", so a small section never shows the same comment on both lists.
    Ties go to the earlier ``doc_id``/``comment_id``.

    Args:
        comments: ``comments_table`` or :func:`thread_table`.
        flags: :func:`caveat_flags` output, adding a ``caveats`` column.
        width: clip text to this many characters (``None`` keeps it whole); line
            breaks become spaces either way, since a table cell would show them as ``\\n``.

    Returns:
        ``side, rank, doc_id, comment_id, author, compound, label, scored_words,``
        [``caveats``,] ``text``.
    """
    _require(comments, ["doc_id", "comment_id", "author", "compound", "label", "text"], "comments")
    if n < 1:
        raise SentimentError(f"n must be at least 1, got {n!r}")
    frame = comments.assign(comment_id=_ids(comments["comment_id"]))
    neg = frame[frame["compound"] <= NEGATIVE].sort_values(["compound", "doc_id", "comment_id"]).head(n).assign(side="most negative")
    pos = frame[frame["compound"] >= POSITIVE].sort_values(["compound", "doc_id", "comment_id"], ascending=[False, True, True]).head(n).assign(side="most positive")
    out = pd.concat([neg, pos], ignore_index=True)
    out["rank"] = out.groupby("side").cumcount() + 1
    out["scored_words"] = out["text"].map(scored_words)
    cols = ["side", "rank", "doc_id", "comment_id", "author", "compound", "label", "scored_words"]
    if flags is not None:
        _require(flags, ["doc_id", "comment_id", "flags"], "flags")
        lookup = dict(zip(zip(flags["doc_id"], _ids(flags["comment_id"])), flags["flags"]))
        out["caveats"] = [lookup.get(k, "") for k in zip(out["doc_id"], out["comment_id"])]
        cols.append("caveats")
    out["text"] = out["text"].map(lambda t: " ".join(str(t).split()) if width is None else clip(t, width))
    return out[[*cols, "text"]]
