"""The gold file and the evaluation: hand-checked figures and traps, found in the corpus and compared with what was read.

A gold file (YAML) lists figures with their expected kind, bounds, hedge,
unit, population and group, and traps (numbers that are not figures) with
their reason; :func:`load_gold` finds each in the corpus, naming the file and
line of any entry it cannot place, and :func:`evaluate` scores a figures table
against it.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest.corpus import Corpus
from ..io import read_yaml
from .claims import FiguresError, _fmt, format_bounds
from .lexicon import KINDS

log = logging.getLogger(__name__)


_GOLD_FIGURE_KEYS = {"doc", "part", "comment", "text", "context", "kind", "low", "high", "qualifier", "unit", "who", "group", "note"}
_GOLD_TRAP_KEYS = {"doc", "part", "comment", "text", "context", "every", "reason"}


@dataclass
class Gold:
    """A hand-checked gold file resolved against a corpus: figures and traps with their offsets."""

    path: str
    figures: pd.DataFrame
    traps: pd.DataFrame
    doc_ids: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    """Precision, recall and field accuracy against the gold file, with every disagreement listed."""

    metrics: dict
    mismatches: pd.DataFrame

    def metrics_table(self) -> pd.DataFrame:
        """The metrics as a two-column table for display (counts stay integers, shares keep four decimals)."""
        return pd.DataFrame({"metric": list(self.metrics), "value": pd.Series(list(self.metrics.values()), dtype=object)})


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
            row = _gold_common(entry, a, b)
            missing = {"kind", "low", "high", "qualifier", "unit", "who", "group"} - set(entry)
            if missing:
                raise FiguresError(f"{path}:{entry['__line__']}: figure entry lacks {', '.join(sorted(missing))}")
            if entry["kind"] not in KINDS:
                raise FiguresError(f"{path}:{entry['__line__']}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
            for key in ("low", "high"):
                if entry[key] is not None and not isinstance(entry[key], (int, float)):
                    raise FiguresError(f"{path}:{entry['__line__']}: {key} must be a number or null, found {entry[key]!r}")
            row.update({k: entry[k] for k in ("kind", "qualifier", "unit", "who", "group")})
            row["low"] = math.nan if entry["low"] is None else float(entry["low"])
            row["high"] = math.nan if entry["high"] is None else float(entry["high"])
            figure_rows.append(row)
    for entry in raw.get("traps", []):
        for a, b, source in _locate(entry, docs, path, _GOLD_TRAP_KEYS, allow_every=True):
            if "reason" not in entry:
                raise FiguresError(f"{path}:{entry['__line__']}: trap entry lacks a reason")
            trap_rows.append({**_gold_common(entry, a, b), "reason": entry["reason"]})
    gold_docs = sorted({r["doc_id"] for r in figure_rows + trap_rows})
    figures = pd.DataFrame(figure_rows, columns=["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "line",
                                                 "kind", "low", "high", "qualifier", "unit", "who", "group"])
    traps = pd.DataFrame(trap_rows, columns=["doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "line", "reason"])
    return Gold(path=path.name, figures=figures, traps=traps, doc_ids=gold_docs)


def _gold_common(entry: dict, a: int, b: int) -> dict:
    return {"doc_id": entry["doc"], "part": entry.get("part", "body"), "comment_id": entry.get("comment", "") or "",
            "num_start": a, "num_end": b, "value_text": entry["text"], "line": entry["__line__"]}


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


def _same(x, y) -> bool:
    if isinstance(x, float) or isinstance(y, float):
        x_nan = x is None or (isinstance(x, float) and math.isnan(x))
        y_nan = y is None or (isinstance(y, float) and math.isnan(y))
        if x_nan or y_nan:
            return x_nan and y_nan
        return math.isclose(float(x), float(y), rel_tol=1e-9)
    return (x or "") == (y or "")


_FIELDS = ("kind", "low", "high", "qualifier", "unit", "who", "group")


def evaluate(figures: pd.DataFrame, gold: Gold) -> Evaluation:
    """Compare extracted figures with the gold file, on the documents the gold file covers.

    A figure matches a gold figure when it is in the same document, part and
    comment and the number spans overlap. Precision is matched figures over all
    figures; recall is matched gold figures over all gold figures; field accuracy
    is the share of matched figures whose kind, bounds, qualifier, unit, who and
    group are all as in the gold file. A figure that overlaps a trap number is a
    trap hit (it also counts against precision).

    Returns:
        An :class:`Evaluation`: ``metrics`` (precision, recall, f1, field
        accuracy per field, trap hits, counts) and ``mismatches`` (one row per
        missed, spurious or wrong figure and trap hit; empty when all agree).
    """
    pred = figures[figures["doc_id"].isin(gold.doc_ids)].reset_index(drop=True)
    key = ["doc_id", "part", "comment_id"]
    matched_pred: set[int] = set()
    problems = []
    field_ok = {f: 0 for f in _FIELDS}
    all_ok = 0
    matched_gold = 0
    for g in gold.figures.itertuples():
        cand = pred[(pred["doc_id"] == g.doc_id) & (pred["part"] == g.part) & (pred["comment_id"] == g.comment_id)
                    & (pred["num_start"] < g.num_end) & (pred["num_end"] > g.num_start)]
        if cand.empty:
            problems.append({"problem": "missed", "doc_id": g.doc_id, "part": g.part, "comment_id": g.comment_id,
                             "value_text": g.value_text, "field": "", "expected": f"{g.kind} {format_bounds(g.low, g.high)}", "found": "", "gold_line": g.line})
            continue
        matched_gold += 1
        p = cand.iloc[0]
        matched_pred.update(int(i) for i in cand.index)
        ok = True
        for name in _FIELDS:
            if _same(getattr(g, name), p[name]):
                field_ok[name] += 1
            else:
                ok = False
                problems.append({"problem": "wrong field", "doc_id": g.doc_id, "part": g.part, "comment_id": g.comment_id,
                                 "value_text": g.value_text, "field": name, "expected": _show(getattr(g, name)), "found": _show(p[name]), "gold_line": g.line})
        all_ok += ok
    trap_hits = 0
    for i, p in pred.iterrows():
        if i in matched_pred:
            continue
        traps = gold.traps[(gold.traps["doc_id"] == p["doc_id"]) & (gold.traps["part"] == p["part"]) & (gold.traps["comment_id"] == p["comment_id"])
                           & (gold.traps["num_start"] < p["num_end"]) & (gold.traps["num_end"] > p["num_start"])]
        if len(traps):
            trap_hits += 1
            problems.append({"problem": "trap taken as a figure", "doc_id": p["doc_id"], "part": p["part"], "comment_id": p["comment_id"],
                             "value_text": p["value_text"], "field": "", "expected": traps.iloc[0]["reason"], "found": f"{p['kind']} {format_bounds(p['low'], p['high'])}",
                             "gold_line": int(traps.iloc[0]["line"])})
        else:
            problems.append({"problem": "spurious", "doc_id": p["doc_id"], "part": p["part"], "comment_id": p["comment_id"],
                             "value_text": p["value_text"], "field": "", "expected": "", "found": f"{p['kind']} {format_bounds(p['low'], p['high'])}", "gold_line": None})
    n_gold, n_pred = len(gold.figures), len(pred)
    precision = len(matched_pred) / n_pred if n_pred else math.nan
    recall = matched_gold / n_gold if n_gold else math.nan
    f1 = 2 * precision * recall / (precision + recall) if precision and recall and not math.isnan(precision + recall) else math.nan
    metrics = {
        "gold figures": n_gold, "extracted figures": n_pred, "gold traps": len(gold.traps),
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "all fields right": round(all_ok / matched_gold, 4) if matched_gold else math.nan,
        **{f"{name} right": round(field_ok[name] / matched_gold, 4) if matched_gold else math.nan for name in _FIELDS},
        "trap hits": trap_hits,
    }
    mismatches = pd.DataFrame(problems, columns=["problem", "doc_id", "part", "comment_id", "value_text", "field", "expected", "found", "gold_line"])
    mismatches["gold_line"] = mismatches["gold_line"].astype("Int64")
    return Evaluation(metrics=metrics, mismatches=mismatches)


def _show(value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "(open)"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)
