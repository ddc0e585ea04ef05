"""Names and orders shared by every table and chart: document numbers and labels, the order of parts.

A leaf module (it imports nothing of presslens), the one copy of each:

* :func:`doc_number`: the doc_id's leading digits (at least three characters),
  which name a document in labels, quote ids and notes without colliding in
  corpora of thousands of numbered files;
* :func:`document_label`: "000 · The Burning Platform", the short name of charts, and :func:`file_name_words`, the
  name of a document with no title or outlet;
* :data:`PARTS` and :func:`part_rank`: body before comments, wherever rows are sorted.
"""

from __future__ import annotations

from typing import Any

#: the parts of a document that hold text of its own, in the order tables list them
PARTS = ("body", "comment")
#: sort rank of each part; anything else sorts after them
PART_RANK = {part: rank for rank, part in enumerate(PARTS)}
#: characters of a label's name before it is shortened with an ellipsis
LABEL_NAME_CHARS = 32


def doc_number(doc_id: str) -> str:
    """The leading digits of a doc_id, or its first three characters when it has fewer than three.

    A separator those three characters end on is left off, so ``20_dailysabah``
    is "20", not "20_", and ``ap-original`` is "ap", not "ap-".

    >>> doc_number("000_f852db828fd11835"), doc_number("01234_x"), doc_number("wire-copy")
    ('000', '01234', 'wir')
    >>> doc_number("20_dailysabah"), doc_number("7a_b"), doc_number("5"), doc_number("ap-original"), doc_number("-_-x")
    ('20', '7a', '5', 'ap', '-_-')
    """
    digits = len(doc_id) - len(doc_id.lstrip("0123456789"))
    number = doc_id[: max(digits, 3)]
    if digits < 3:
        number = number.rstrip("_-. ") or number
    return number


def document_label(doc_id: str, name: str) -> str:
    """A short name for charts and tables: the document's number, then ``name`` shortened to 32 characters.

    >>> document_label("004_5ef0e76b6908624d", "(untitled)")
    '004 · (untitled)'
    """
    if len(name) > LABEL_NAME_CHARS:
        name = name[: LABEL_NAME_CHARS - 1].rstrip() + "…"
    return f"{doc_number(doc_id)} · {name}"


def file_name_words(doc_id: str) -> str:
    """The words of a doc_id after its number, for a document with no title or outlet: a page saved as
    ``01_irishtimes_india_floods_claim_123_lives.txt`` is "irishtimes india floods claim 123 lives"; a name without
    separators after its number (a hash: ``004_5ef0e76b6908624d``) gives "".

    >>> file_name_words("01_irishtimes_india_floods"), file_name_words("004_5ef0e76b6908624d"), file_name_words("ap-original")
    ('irishtimes india floods', '', 'ap original')
    """
    rest = doc_id[len(doc_id) - len(doc_id.lstrip("0123456789")):].strip("_-. ")
    words = [w for w in rest.replace("-", "_").replace(".", "_").split("_") if w]
    return " ".join(words) if len(words) >= 2 else ""


def part_rank(parts: Any) -> Any:
    """The sort rank of each value of a pandas Series of parts (body 0, comment 1, anything else 2).

    >>> import pandas as pd
    >>> part_rank(pd.Series(["comment", "body", "other"])).tolist()
    [1, 0, 2]
    """
    return parts.map(PART_RANK).fillna(len(PARTS)).astype(int)
