"""The evaluation in the open: a figures table scored against gold files, with every disagreement listed.

A found figure **matches** a gold figure when both are in the same document,
part and comment and in the same sentence (the found figure's sentence holds the
gold number), and their number spans overlap; failing that, when their values
agree (a bound of one equals a bound of the other). Matching is one to one:
a second found figure on the same gold number is a false figure.

:func:`evaluate` gives precision and recall, the accuracy of each field of the
matched figures, **bounds and hedge** (low, high and qualifier all right), per
kind precision and recall (a found figure counts for its kind only when the gold
figure has that kind), trap hits per trap reason, and the list of every miss,
false figure, trap taken and wrong field, each with its sentence.
:func:`evaluate_set` does it for gold files of a corpus folder, reading the corpus
and building the figures table as a run does, and :func:`evaluate_sets` for
several corpora at once (the development part: news texts and pages).

Gold sets are split by the number that opens a file's name (:func:`gold_split`):
odd numbers are the development part, even ones the evaluation part.
:func:`uncovered_numbers` lists the digits and number words of the annotated
documents that no gold entry covers (a complete gold file has none).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest.corpus import Corpus, load_corpus
from .claims import _fmt, format_bounds
from .gold import GOLD_COLUMNS, Gold, load_gold
from .lexicon import KINDS
from .tables import FIGURE_COLUMNS, figures_table

#: a digit run or a number word (not "one", "a", "an", not ordinals): what a complete gold file covers
NUMBER_TOKEN = re.compile(
    r"\d+|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundreds?|thousands?|millions?|billions?|trillions?|dozens?|tens|half|third)\b",
    re.IGNORECASE,
)

#: the fields of a matched figure compared with the gold figure
FIELDS = ("kind", "low", "high", "qualifier", "unit", "who", "group")
#: the fields that make "bounds and hedge right"
BOUND_FIELDS = ("low", "high", "qualifier")
MISMATCH_COLUMNS = ["problem", "doc_id", "part", "comment_id", "value_text", "field", "expected", "found", "gold_line", "sentence"]
MATCH_COLUMNS = [
    "doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "sentence", "start", "line", "kind", "low", "high", "qualifier",
    "matched_by", "found_index", "found_value_text", "found_kind", "found_low", "found_high", "found_qualifier", "kind_right", "bounds_right",
]


@dataclass
class Evaluation:
    """Precision, recall and field accuracy against gold files, with every disagreement listed.

    Attributes:
        metrics: name -> value (counts are integers, shares rounded to four decimals, NaN when undefined).
        mismatches: one row per missed figure, false figure (``spurious``), trap taken as a figure and wrong
            field of a matched figure, with the sentence (:data:`MISMATCH_COLUMNS`).
        per_kind: one row per kind: gold, found, matched (same kind), precision, recall, bounds and hedge right.
        trap_reasons: one row per trap reason: gold traps and found figures on them (hits).
        matches: one row per gold figure with the found figure matched to it, if any (:data:`MATCH_COLUMNS`).
        gold: the gold the figures were scored against (figures and traps with their sentences).
    """

    metrics: dict
    mismatches: pd.DataFrame
    per_kind: pd.DataFrame = field(default_factory=pd.DataFrame)
    trap_reasons: pd.DataFrame = field(default_factory=pd.DataFrame)
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    gold: Gold | None = None

    def metrics_table(self) -> pd.DataFrame:
        """The metrics as a two-column table for display (counts stay integers, shares keep four decimals)."""
        return pd.DataFrame({"metric": list(self.metrics), "value": pd.Series(list(self.metrics.values()), dtype=object)})


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _same(x, y) -> bool:
    """Equal bounds (NaN, an open bound, equals only NaN), or equal texts, case and runs of spaces aside."""
    if isinstance(x, float) or isinstance(y, float) or isinstance(x, int) and isinstance(y, int):
        if _nan(x) or _nan(y):
            return _nan(x) and _nan(y)
        return math.isclose(float(x), float(y), rel_tol=1e-9)
    return " ".join(str(x or "").split()).casefold() == " ".join(str(y or "").split()).casefold()


def _values(low, high) -> set[float]:
    return {float(v) for v in (low, high) if not _nan(v)}


def values_agree(low_a, high_a, low_b, high_b) -> bool:
    """Whether a bound of one reading equals a bound of the other.

    >>> values_agree(44.0, 44.0, 44.0, math.nan), values_agree(20_000.0, 100_000.0, 30_000.0, 30_000.0)
    (True, False)
    """
    return any(math.isclose(a, b, rel_tol=1e-9) for a in _values(low_a, high_a) for b in _values(low_b, high_b))


def same_bounds(low_a, high_a, low_b, high_b) -> bool:
    """Whether two readings have the same low and the same high (an open bound, NaN, equals only an open bound).

    >>> same_bounds(44.0, math.nan, 44.0, math.nan), same_bounds(44.0, 44.0, 44.0, math.nan)
    (True, False)
    """
    return _same(float(low_a), float(low_b)) and _same(float(high_a), float(high_b))


def _share(n: int, d: int) -> float:
    return round(n / d, 4) if d else math.nan


def _show(value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "(open)"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)


def _match(pred: pd.DataFrame, gold_figures: pd.DataFrame) -> dict[int, tuple[int, str]]:
    """Gold figure index -> (found figure index, ``overlap`` or ``value``), one to one."""
    by_part: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(pred["doc_id"], pred["part"], pred["comment_id"])):
        by_part.setdefault(key, []).append(i)
    used: set[int] = set()
    out: dict[int, tuple[int, str]] = {}
    p_start, p_end = pred["start"].to_numpy(), pred["end"].to_numpy()
    p_a, p_b = pred["num_start"].to_numpy(), pred["num_end"].to_numpy()
    p_low, p_high = pred["low"].to_numpy(), pred["high"].to_numpy()
    rows = list(gold_figures.itertuples())
    for how in ("overlap", "value"):
        for gi, g in enumerate(rows):
            if gi in out:
                continue
            best, best_score = None, 0
            for i in by_part.get((g.doc_id, g.part, g.comment_id), ()):
                if i in used or not p_start[i] <= g.num_start < p_end[i]:
                    continue
                if how == "overlap":
                    score = min(p_b[i], g.num_end) - max(p_a[i], g.num_start)
                else:
                    score = 1 if values_agree(p_low[i], p_high[i], g.low, g.high) else 0
                if score > best_score:
                    best, best_score = i, score
            if best is not None:
                out[gi] = (best, how)
                used.add(best)
    return out


def evaluate(figures: pd.DataFrame, gold: Gold) -> Evaluation:
    """Compare extracted figures with the gold, on the documents the gold covers.

    A found figure matches a gold figure when it is in the same document, part,
    comment and sentence and the number spans overlap, or failing that their
    values agree (one to one). Precision is matched found figures over all found
    figures; recall is matched gold figures over all gold figures; a field's
    accuracy is the share of matched figures with that field as in the gold
    (texts compared case aside); "bounds and hedge right" needs low, high and
    qualifier right; "all fields right" every field. A found figure not matched
    that overlaps a trap number is a trap hit (it also counts against precision).

    Returns:
        An :class:`Evaluation`.
    """
    pred = figures[figures["doc_id"].isin(gold.doc_ids)].reset_index(drop=True)
    gf = gold.figures.reset_index(drop=True)
    matched = _match(pred, gf)
    problems: list[dict] = []
    field_ok = {f: 0 for f in FIELDS}
    all_ok = bounds_ok = 0
    match_rows = []
    for gi, g in enumerate(gf.itertuples()):
        base = {"doc_id": g.doc_id, "part": g.part, "comment_id": g.comment_id, "value_text": g.value_text, "gold_line": g.line}
        row = {c: getattr(g, c) for c in ("doc_id", "part", "comment_id", "num_start", "num_end", "value_text", "sentence", "start", "line",
                                           "kind", "low", "high", "qualifier")}
        if gi not in matched:
            problems.append({**base, "problem": "missed", "field": "", "expected": f"{g.kind} {format_bounds(g.low, g.high, qualifier=g.qualifier)}",
                             "found": "", "sentence": g.sentence})
            match_rows.append({**row, "matched_by": "", "found_index": -1, "found_value_text": "", "found_kind": "", "found_low": math.nan,
                               "found_high": math.nan, "found_qualifier": "", "kind_right": False, "bounds_right": False})
            continue
        i, how = matched[gi]
        p = pred.iloc[i]
        ok = {name: _same(getattr(g, name), p[name]) for name in FIELDS}
        for name in FIELDS:
            if ok[name]:
                field_ok[name] += 1
            else:
                problems.append({**base, "problem": "wrong field", "field": name, "expected": _show(getattr(g, name)), "found": _show(p[name]),
                                 "sentence": p["sentence"]})
        all_ok += all(ok.values())
        right_bounds = all(ok[f] for f in BOUND_FIELDS)
        bounds_ok += right_bounds
        match_rows.append({**row, "matched_by": how, "found_index": i, "found_value_text": p["value_text"], "found_kind": p["kind"],
                           "found_low": p["low"], "found_high": p["high"], "found_qualifier": p["qualifier"], "kind_right": ok["kind"],
                           "bounds_right": right_bounds})
    used = {i for i, _ in matched.values()}
    traps = gold.traps
    trap_hits: dict[str, int] = {}
    spurious = 0
    for i, p in pred.iterrows():
        if i in used:
            continue
        on = traps[(traps["doc_id"] == p["doc_id"]) & (traps["part"] == p["part"]) & (traps["comment_id"] == p["comment_id"])
                   & (traps["num_start"] < p["num_end"]) & (traps["num_end"] > p["num_start"])]
        found = f"{p['kind']} {format_bounds(p['low'], p['high'], qualifier=p['qualifier'])}"
        base = {"doc_id": p["doc_id"], "part": p["part"], "comment_id": p["comment_id"], "value_text": p["value_text"], "field": "",
                "found": found, "sentence": p["sentence"]}
        if len(on):
            reason = str(on.iloc[0]["reason"])
            trap_hits[reason] = trap_hits.get(reason, 0) + 1
            problems.append({**base, "problem": "trap taken as a figure", "expected": reason, "gold_line": int(on.iloc[0]["line"])})
        else:
            spurious += 1
            problems.append({**base, "problem": "spurious", "expected": "", "gold_line": None})
    n_gold, n_pred, n_matched = len(gf), len(pred), len(matched)
    precision, recall = _share(n_matched, n_pred), _share(n_matched, n_gold)
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall and not math.isnan(precision + recall) else math.nan
    matches = pd.DataFrame(match_rows, columns=MATCH_COLUMNS)
    per_kind = _per_kind(pred, matches)
    trap_reasons = _trap_reasons(traps, trap_hits)
    metrics = {
        "gold figures": n_gold, "extracted figures": n_pred, "gold traps": len(traps),
        "precision": precision, "recall": recall, "f1": f1,
        "all fields right": _share(all_ok, n_matched),
        **{f"{name} right": _share(field_ok[name], n_matched) for name in FIELDS},
        "bounds and hedge right": _share(bounds_ok, n_matched),
        "trap hits": sum(trap_hits.values()),
        "matched": n_matched, "missed": n_gold - n_matched, "false figures": spurious,
        "wrong bounds": n_matched - bounds_ok, "wrong kinds": n_matched - field_ok["kind"],
        **{f"{r.kind} {m}": getattr(r, m) for r in per_kind.itertuples() for m in ("precision", "recall")},
    }
    mismatches = pd.DataFrame(problems, columns=MISMATCH_COLUMNS)
    mismatches["gold_line"] = mismatches["gold_line"].astype("Int64")
    return Evaluation(metrics=metrics, mismatches=mismatches, per_kind=per_kind, trap_reasons=trap_reasons, matches=matches, gold=gold)


def _per_kind(pred: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    rows = []
    hit = matches[matches["kind_right"]]
    for kind in KINDS:
        gold_n = int((matches["kind"] == kind).sum())
        found_n = int((pred["kind"] == kind).sum())
        same = hit[hit["kind"] == kind]
        rows.append({"kind": kind, "gold": gold_n, "found": found_n, "matched": len(same), "precision": _share(len(same), found_n),
                     "recall": _share(len(same), gold_n), "bounds and hedge right": _share(int(same["bounds_right"].sum()), len(same))})
    return pd.DataFrame(rows, columns=["kind", "gold", "found", "matched", "precision", "recall", "bounds and hedge right"])


def _trap_reasons(traps: pd.DataFrame, hits: dict[str, int]) -> pd.DataFrame:
    counts = traps["reason"].astype(str).value_counts()
    reasons = sorted(set(counts.index) | set(hits), key=lambda r: (-counts.get(r, 0), r))
    return pd.DataFrame({"reason": reasons, "traps": [int(counts.get(r, 0)) for r in reasons], "hits": [hits.get(r, 0) for r in reasons]})


# ---------------------------------------------------------------------------
# Gold sets: gold files of corpus folders
# ---------------------------------------------------------------------------
def gold_split(doc_id: str) -> str:
    """``dev`` for a document whose name opens with an odd number, ``eval`` for an even one, ``""`` without a number.

    >>> gold_split("31_jordantimes_massive_daesh_bomb_attack"), gold_split("02_bbc_uk_helps"), gold_split("000_f852db828fd11835")
    ('dev', 'eval', 'eval')
    >>> gold_split("seed")
    ''
    """
    m = re.match(r"(\d+)_", doc_id)
    if not m:
        return ""
    return "dev" if int(m.group(1)) % 2 else "eval"


def merge_gold(golds: Sequence[Gold], *, prefix: str = "") -> Gold:
    """Several gold files as one (their figures, traps and documents), document ids optionally prefixed (``pages/``)."""
    figures = pd.concat([g.figures for g in golds], ignore_index=True) if golds else pd.DataFrame(columns=GOLD_COLUMNS)
    traps = pd.concat([g.traps for g in golds], ignore_index=True) if golds else pd.DataFrame(columns=GOLD_COLUMNS)
    doc_ids = sorted({d for g in golds for d in g.doc_ids})
    if prefix:
        figures = figures.assign(doc_id=prefix + figures["doc_id"])
        traps = traps.assign(doc_id=prefix + traps["doc_id"])
        doc_ids = [prefix + d for d in doc_ids]
    return Gold(path="+".join(g.path for g in golds), figures=figures, traps=traps, doc_ids=doc_ids)


def gold_of_folder(corpus_dir: str | Path, gold_paths: Iterable[str | Path], *,
                   skip_missing_documents: bool = False) -> tuple[Corpus, pd.DataFrame, Gold]:
    """The corpus of a folder, its figures table as a run builds it (``data/figures.csv``), and its gold files merged.

    ``skip_missing_documents``: entries of documents the folder lacks are skipped (:func:`load_gold`), not an error.
    """
    corpus = load_corpus(corpus_dir)
    table = figures_table(corpus, include_comments=True)
    gold = merge_gold([load_gold(p, corpus, skip_missing_documents=skip_missing_documents) for p in gold_paths])
    return corpus, table, gold


def evaluate_set(corpus_dir: str | Path, gold_paths: Iterable[str | Path]) -> Evaluation:
    """The figures of a corpus folder scored against its gold files (one or more).

    The corpus is read with :func:`~presslens.ingest.corpus.load_corpus` and the
    figures table built with the build's options (bodies and comments).

    Raises:
        CorpusError: the folder cannot be read.
        FiguresError: a gold file is missing, malformed or names what the corpus does not hold.
    """
    return evaluate_sets([(corpus_dir, gold_paths)])


def evaluate_sets(sets: Iterable[tuple[str | Path, Iterable[str | Path]]], *, skip_missing_documents: bool = False) -> Evaluation:
    """Gold sets of several corpus folders scored as one: ``[(corpus_dir, [gold files]), ...]``.

    With more than one folder, document ids are prefixed with the folder's name
    (``news-figures-dev/01_bbc_…``), so documents of two folders never mix.
    ``skip_missing_documents``: see :func:`gold_of_folder`.
    """
    sets = [(Path(c), list(paths)) for c, paths in sets]
    tables, golds = [], []
    for corpus_dir, paths in sets:
        _, table, gold = gold_of_folder(corpus_dir, paths, skip_missing_documents=skip_missing_documents)
        prefix = f"{corpus_dir.name}/" if len(sets) > 1 else ""
        tables.append(table.assign(doc_id=prefix + table["doc_id"]) if prefix else table)
        golds.append(merge_gold([gold], prefix=prefix) if prefix else gold)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=FIGURE_COLUMNS)
    return evaluate(table, merge_gold(golds))


def uncovered_numbers(gold: Gold, corpus: Corpus) -> pd.DataFrame:
    """Every digit run and number word (:data:`NUMBER_TOKEN`) of the documents ``gold`` annotates that no entry covers.

    Returns:
        A DataFrame (doc_id, part, comment_id, number, offset, context): empty when the gold file is complete.
    """
    spans: dict[tuple, list[tuple[int, int]]] = {}
    for frame in (gold.figures, gold.traps):
        for r in frame.itertuples():
            spans.setdefault((r.doc_id, r.part, r.comment_id), []).append((r.num_start, r.num_end))
    rows = []
    annotated = set(gold.doc_ids)
    for doc in corpus:
        if doc.doc_id not in annotated:
            continue
        for part, comment_id, text in [("body", "", doc.body), *(("comment", c.comment_id, c.text) for c in doc.comments)]:
            covered = spans.get((doc.doc_id, part, comment_id), [])
            for m in NUMBER_TOKEN.finditer(text):
                if not any(a <= m.start() < b for a, b in covered):
                    rows.append({"doc_id": doc.doc_id, "part": part, "comment_id": comment_id, "number": m.group(0), "offset": m.start(),
                                 "context": text[max(0, m.start() - 30) : m.end() + 30]})
    return pd.DataFrame(rows, columns=["doc_id", "part", "comment_id", "number", "offset", "context"])
