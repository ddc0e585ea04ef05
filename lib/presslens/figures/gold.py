"""The gold file: hand-checked figures and traps, found in the corpus.

A gold file (YAML) lists figures with their expected kind, bounds, hedge,
unit, population and group, and traps (numbers that are not figures) with
their reason; :func:`load_gold` finds each in the corpus, naming the file and
line of any entry it cannot place, and gives each entry its sentence (split as
the figure reader splits). :mod:`.evaluation` scores a figures table against it.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest.corpus import Corpus
from ..io import read_yaml
from ..text import sentence_spans
from .claims import FiguresError
from .lexicon import KINDS

log = logging.getLogger(__name__)


_GOLD_FIGURE_KEYS = {"doc", "part", "comment", "text", "context", "kind", "low", "high", "qualifier", "unit", "who", "group", "note"}
_GOLD_TRAP_KEYS = {"doc", "part", "comment", "text", "context", "every", "reason", "note"}
#: the columns every gold row has: where the number is, its sentence (offsets in the part's text) and the gold line
GOLD_COLUMNS = ["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "sentence", "start", "end", "line"]


@dataclass
class Gold:
    """A hand-checked gold file resolved against a corpus: figures and traps with their offsets.

    Both frames have :data:`GOLD_COLUMNS` (the number's offsets, its sentence as the figure reader splits the
    part's text, with the sentence's offsets ``start``/``end``, and the entry's line in the file), then figures
    ``kind low high qualifier unit who group note`` (an open bound is NaN) and traps ``reason note``.
    """

    path: str
    figures: pd.DataFrame
    traps: pd.DataFrame
    doc_ids: list[str] = field(default_factory=list)


def load_gold(path: str | Path, corpus: Corpus, *, skip_missing_documents: bool = False) -> Gold:
    """Read a gold file and find each entry's number in the corpus.

    Each entry names ``doc``, ``part`` (``body``/``comment``), ``comment`` (for
    comments), ``text`` (the number as written) and, when ``text`` is not unique
    in that source, a ``context`` that contains it and is; trap entries may say
    ``every: true`` instead (every occurrence is a trap). Figures give ``kind``,
    ``low``/``high`` (null for an open bound), ``qualifier``, ``unit``, ``who``
    and ``group``.

    Args:
        path: the gold file (YAML).
        corpus: the corpus it describes.
        skip_missing_documents: skip (and log) entries for documents the corpus
            does not hold, e.g. when a notebook runs on another corpus; by default
            they are an error.

    Raises:
        FiguresError: the file is missing or malformed, names a document or comment
            that is not in the corpus, or an entry's text is not found exactly once.
    """
    path = Path(path)
    if not path.exists():
        raise FiguresError(f"{path}: gold file not found")
    _, raw = read_yaml(path, error=FiguresError, line_key="__line__")
    if not isinstance(raw, dict) or not isinstance(raw.get("figures"), list) or not isinstance(raw.get("traps", []), list):
        raise FiguresError(f"{path}: expected a mapping with a 'figures' list and a 'traps' list")
    docs = {d.doc_id: d for d in corpus}
    if skip_missing_documents:
        kept = {k: [e for e in raw.get(k, []) if not isinstance(e, dict) or e.get("doc") in docs] for k in ("figures", "traps")}
        skipped = len(raw["figures"]) + len(raw.get("traps", [])) - len(kept["figures"]) - len(kept["traps"])
        if skipped:
            log.info("%s: skipped %d gold entries for documents not in the corpus", path.name, skipped)
        raw = {**raw, **kept}
    figure_rows, trap_rows = [], []
    for entry in raw["figures"]:
        for a, b, source in _locate(entry, docs, path, _GOLD_FIGURE_KEYS, allow_every=False):
            row = _gold_common(entry, a, b, source)
            missing = {"kind", "low", "high", "qualifier", "unit", "who", "group"} - set(entry)
            if missing:
                raise FiguresError(f"{path}:{entry['__line__']}: figure entry lacks {', '.join(sorted(missing))}")
            if entry["kind"] not in KINDS:
                raise FiguresError(f"{path}:{entry['__line__']}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
            for key in ("low", "high"):
                if entry[key] is not None and not isinstance(entry[key], (int, float)):
                    raise FiguresError(f"{path}:{entry['__line__']}: {key} must be a number or null, found {entry[key]!r}")
            row.update({k: entry[k] for k in ("kind", "qualifier", "unit", "who", "group")}, note=entry.get("note") or "")
            row["low"] = math.nan if entry["low"] is None else float(entry["low"])
            row["high"] = math.nan if entry["high"] is None else float(entry["high"])
            figure_rows.append(row)
    for entry in raw.get("traps", []):
        for a, b, source in _locate(entry, docs, path, _GOLD_TRAP_KEYS, allow_every=True):
            if "reason" not in entry:
                raise FiguresError(f"{path}:{entry['__line__']}: trap entry lacks a reason")
            trap_rows.append({**_gold_common(entry, a, b, source), "reason": entry["reason"], "note": entry.get("note") or ""})
    gold_docs = sorted({r["doc_id"] for r in figure_rows + trap_rows})
    figures = pd.DataFrame(figure_rows, columns=[*GOLD_COLUMNS, "kind", "low", "high", "qualifier", "unit", "who", "group", "note"])
    traps = pd.DataFrame(trap_rows, columns=[*GOLD_COLUMNS, "reason", "note"])
    for frame in (figures, traps):
        for column in ("num_start", "num_end", "start", "end", "line"):
            frame[column] = frame[column].astype("int64")
    return Gold(path=path.name, figures=figures, traps=traps, doc_ids=gold_docs)


def _gold_common(entry: dict, a: int, b: int, source: str) -> dict:
    s0, s1 = _sentence_of(source, a, b)
    return {"doc_id": entry["doc"], "part": entry.get("part", "body"), "comment_id": entry.get("comment", "") or "",
            "num_start": a, "num_end": b, "value_text": entry["text"], "sentence": source[s0:s1], "start": s0, "end": s1,
            "line": entry["__line__"]}


def _sentence_of(source: str, a: int, b: int) -> tuple[int, int]:
    """The span of the sentence of ``source`` holding the number ``source[a:b]``, as the figure reader splits
    ``source``; from the first sentence it touches to the last when the splitter cut it ("$227\nbillion")."""
    spans = sentence_spans(source)
    starts = [s for s, _ in spans]
    first, last = max(0, bisect.bisect_right(starts, a) - 1), max(0, bisect.bisect_right(starts, b - 1) - 1)
    if not spans:
        return a, b
    return min(spans[first][0], a), max(spans[last][1], b)


def _locate(entry, docs, path: Path, keys: set[str], *, allow_every: bool):
    if not isinstance(entry, dict):
        raise FiguresError(f"{path}: every entry must be a mapping, found {entry!r}")
    line = entry["__line__"]
    unknown = set(entry) - keys - {"__line__"}
    if unknown:
        raise FiguresError(f"{path}:{line}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("doc", "text"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise FiguresError(f"{path}:{line}: entry needs a non-empty '{key}'")
    doc = docs.get(entry["doc"])
    if doc is None:
        raise FiguresError(f"{path}:{line}: document {entry['doc']!r} is not in the corpus")
    part = entry.get("part", "body")
    if part == "body":
        source = doc.body
    elif part == "comment":
        found = [c for c in doc.comments if c.comment_id == entry.get("comment")]
        if not found:
            raise FiguresError(f"{path}:{line}: comment {entry.get('comment')!r} is not in {entry['doc']}")
        source = found[0].text
    else:
        raise FiguresError(f"{path}:{line}: part must be 'body' or 'comment', found {part!r}")
    text = entry["text"]
    context = entry.get("context") or text
    if text not in context:
        raise FiguresError(f"{path}:{line}: context does not contain the text {text!r}")
    starts = [m.start() for m in re.finditer(re.escape(context), source)]
    if entry.get("every") and allow_every:
        if not starts:
            raise FiguresError(f"{path}:{line}: {context!r} not found in {entry['doc']} {part}")
        return [(s + context.index(text), s + context.index(text) + len(text), source) for s in starts]
    if len(starts) != 1:
        raise FiguresError(f"{path}:{line}: {context!r} found {len(starts)} times in {entry['doc']} {part}; give a unique 'context'")
    a = starts[0] + context.index(text)
    return [(a, a + len(text), source)]
