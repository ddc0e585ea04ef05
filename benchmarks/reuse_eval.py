"""Reuse accuracy: presslens against a word 3-gram containment baseline on labelled pairs (METER's three classes).

Data, read in place from the shared corpora folder (:func:`benchmarks.aeb.corpora_dir`), never copied:

* **Clough & Stevenson** (``reuse-dev/clough-stevenson``, ``file_information.csv``): each answer
  paired with its task's ``orig_task*.txt``; ``cut``/``light`` -> wholly derived, ``heavy`` ->
  partially, ``non`` -> non-derived; the source is always the original. Development = groups
  g0-g2 (``g0p*``, ``g1p*``, ``g2p*``), evaluation = g3-g4.
* **MSRP** (``reuse-dev/msrp``): sentence pairs, quality 1 -> derived, 0 -> not (two classes
  only, no direction). Train file = development, test file = evaluation.
* **News pairs** (``reuse-news-pages/NN_*/``, ``labels.csv``: ``story,a,b,label,source``; label
  wholly / partially / non, source the file that is the original): each story folder is loaded
  as a corpus (:func:`presslens.corpus.load_corpus`, so presslens sees bodies without
  boilerplate and the pages' publication dates) and its labelled pairs are looked up among
  all its pairs. Odd story numbers = development, even = evaluation. Skipped when absent.

**presslens**: the relations of the pair (:func:`presslens.reuse.relations_frame` on the
alignment of the two texts; a story folder: :func:`presslens.reuse.reuse_relations_table`),
its ``type`` mapped to METER by :func:`meter_class` and its ``source`` as the direction.
presslens' thresholds are its own (fitted by its authors on development data only).

**Baseline**: word 3-gram containment (``\\w+`` tokens, lower case, sets of 3-grams):
``C(x|y) = |g(x) & g(y)| / |g(x)|``, scored ``max(C(a|b), C(b|a))``; derived when the score
reaches a threshold, and for three classes wholly from a second, higher one. The thresholds are
those with the best F1 (two classes) and macro-F1 (three) on the development half of the same
data set, then applied unchanged to the evaluation half. Its direction: the document more
contained in the other is the derived one (ties: undetermined).

**Figures**: precision / recall / F1 of derived (wholly or partially) against non-derived; the
3x3 confusion matrix (rows truth, columns prediction) and macro-F1 over the three classes;
direction accuracy = pairs, truly derived with a known source, whose source is named right, over
those the system calls derived (``found``) and over all of them.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from benchmarks.aeb import corpora_dir

CLASSES = ("wholly", "partially", "non")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Pair:
    """One labelled pair: texts, METER class, which side is the source (``"a"``, ``"b"`` or ``""`` unknown)."""

    key: str
    a: str
    b: str
    label: str
    source: str = ""
    dates: tuple[str, str] = ("", "")
    story: str = ""


@dataclass
class DataSet:
    name: str
    dev: list[Pair]
    eval: list[Pair]
    three_way: bool = True
    #: story folder -> (doc ids of a and b per pair key); news only, for whole-story runs
    folders: dict[str, Path] = field(default_factory=dict)


# ---- data ---------------------------------------------------------------------------------------


def meter_class(kind: str) -> str:
    """METER's class of a presslens reuse type: reprints are wholly derived, partial reuse and paraphrase partially, the rest non.

    >>> [meter_class(t) for t in ("reprint", "condensed reprint", "partial quotation", "paraphrase", "shared quotes only", "unrelated")]
    ['wholly', 'wholly', 'partially', 'partially', 'non', 'non']
    """
    kind = str(kind).lower()
    if "reprint" in kind:
        return "wholly"
    if kind.startswith("partial") or "paraphrase" in kind:
        return "partially"
    if kind in ("unrelated", "") or "quote" in kind:
        return "non"
    raise ValueError(f"reuse type {kind!r} has no METER class: extend benchmarks.reuse_eval.meter_class")


def clough_stevenson(root: Path) -> DataSet | None:
    folder = root / "reuse-dev" / "clough-stevenson"
    info = folder / "file_information.csv"
    if not info.is_file():
        return None
    classes = {"cut": "wholly", "light": "wholly", "heavy": "partially", "non": "non"}
    dev, evaluation = [], []
    with info.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name, task, category = row["File"].strip(), row["Task"].strip(), row["Category"].strip()
            if category == "orig" or not name.startswith("g"):
                continue
            answer = (folder / name).read_text(encoding="utf-8", errors="replace")
            original = (folder / f"orig_task{task}.txt").read_text(encoding="utf-8", errors="replace")
            pair = Pair(key=name, a=answer, b=original, label=classes[category], source="b", story=f"task{task}")
            (dev if name[:2] in ("g0", "g1", "g2") else evaluation).append(pair)
    return DataSet("Clough & Stevenson", dev, evaluation)


def msrp(root: Path) -> DataSet | None:
    folder = root / "reuse-dev" / "msrp"
    parts = {}
    for split, file in (("dev", "msr_paraphrase_train.txt"), ("eval", "msr_paraphrase_test.txt")):
        path = folder / file
        if not path.is_file():
            return None
        pairs = []
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader)
            for row in reader:
                if len(row) < 5:
                    continue
                pairs.append(Pair(key=f"{row[1]}-{row[2]}", a=row[3], b=row[4], label="partially" if row[0] == "1" else "non"))
        parts[split] = pairs
    return DataSet("MSRP sentence pairs", parts["dev"], parts["eval"], three_way=False)


def news_pairs(root: Path) -> DataSet | None:
    """The labelled real news pairs; ``None`` when the folder or its labels are absent."""
    folder = root / "reuse-news-pages"
    labels = folder / "labels.csv"
    if not labels.is_file():
        return None
    from presslens.corpus import load_corpus

    stories = {p.name.split("_", 1)[0]: p for p in folder.iterdir() if p.is_dir() and re.match(r"\d+_", p.name)}
    loaded: dict[str, dict[str, object]] = {}
    dev, evaluation, folders = [], [], {}
    with labels.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            story = str(row["story"]).strip()
            number = re.match(r"\d+", story)
            path = stories.get(number.group(0).zfill(2) if number else story) or stories.get(story)
            if path is None:
                continue
            if path.name not in loaded:
                corpus = load_corpus(path)
                loaded[path.name] = {Path(d.file).name: d for d in corpus} | {d.doc_id: d for d in corpus}
                folders[path.name] = path
            docs = loaded[path.name]
            a, b = docs.get(row["a"].strip()), docs.get(row["b"].strip())
            if a is None or b is None:
                continue
            src = row.get("source", "").strip()
            side = "a" if src in (row["a"].strip(), a.doc_id) else "b" if src in (row["b"].strip(), b.doc_id) else ""
            pair = Pair(
                key=f"{path.name}:{a.doc_id}|{b.doc_id}", a=a.body, b=b.body, label=row["label"].strip().lower(), source=side,
                dates=(a.meta("published").value or "", b.meta("published").value or ""), story=path.name,
            )
            (dev if int(re.match(r"\d+", path.name).group(0)) % 2 else evaluation).append(pair)
    if not dev and not evaluation:
        return None
    return DataSet("News pairs", dev, evaluation, folders=folders)


def data_sets(root: Path | None = None) -> list[DataSet]:
    root = corpora_dir(root)
    return [d for d in (clough_stevenson(root), msrp(root), news_pairs(root)) if d is not None]


# ---- the systems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    label: str  # wholly / partially / non
    source: str  # "a", "b" or "" (undetermined or not derived)


def presslens_verdicts(pairs: Sequence[Pair], data: DataSet) -> list[Verdict]:
    """presslens' verdict on each pair (a story's pairs from one run over its whole folder)."""
    from presslens import reuse
    from presslens.corpus import load_corpus

    by_story: dict[str, dict[tuple[str, str], object]] = {}
    out = []
    for pair in pairs:
        if pair.story in data.folders:
            if pair.story not in by_story:
                relations = reuse.reuse_relations_table(load_corpus(data.folders[pair.story]))
                by_story[pair.story] = {(r.doc_a, r.doc_b): r for r in relations.itertuples(index=False)}
            id_a, id_b = pair.key.split(":", 1)[1].split("|")
            rows = by_story[pair.story]
            row = rows.get((id_a, id_b)) or rows.get((id_b, id_a))
            names = {id_a: "a", id_b: "b"}
        else:
            alignment = reuse.align_texts({"a": pair.a, "b": pair.b})
            dates = {k: v for k, v in zip("ab", pair.dates) if v}
            relations = reuse.relations_frame(alignment, dates=dates)
            row = next(relations.itertuples(index=False), None)
            names = {"a": "a", "b": "b"}
        if row is None:  # not compared (a text without sentences to compare)
            out.append(Verdict("non", ""))
            continue
        label = meter_class(row.type)
        undetermined = str(getattr(row, "direction_basis", "")).startswith("undetermined")
        out.append(Verdict(label, "" if label == "non" or undetermined else names.get(str(row.source), "")))
    return out


def trigrams(text: str) -> set[tuple[str, str, str]]:
    tokens = _WORD.findall(text.lower())
    return set(zip(tokens, tokens[1:], tokens[2:]))


def containment(pair: Pair) -> tuple[float, float]:
    """``(C(a|b), C(b|a))``: the share of each side's word 3-grams found in the other."""
    ga, gb = trigrams(pair.a), trigrams(pair.b)
    common = len(ga & gb)
    return (common / len(ga) if ga else 0.0, common / len(gb) if gb else 0.0)


@dataclass(frozen=True)
class Baseline:
    derived: float  # score >= this: derived
    wholly: float | None  # score >= this: wholly derived (None: two classes)

    def verdicts(self, scores: Sequence[tuple[float, float]]) -> list[Verdict]:
        out = []
        for ca, cb in scores:
            score = max(ca, cb)
            if score < self.derived:
                out.append(Verdict("non", ""))
                continue
            label = "wholly" if self.wholly is not None and score >= self.wholly else "partially"
            out.append(Verdict(label, "b" if ca > cb else "a" if cb > ca else ""))
        return out


def fit_baseline(pairs: Sequence[Pair], scores: Sequence[tuple[float, float]], *, three_way: bool) -> Baseline:
    """Thresholds with the best development F1 (derived vs not) and, for three classes, macro-F1."""
    best = np.array([max(s) for s in scores])
    candidates = np.unique(np.concatenate([best, [1.01]]))
    derived_truth = [p.label != "non" for p in pairs]
    top_f1, t_derived = -1.0, float(candidates[0])
    for t in candidates:
        f1 = binary(derived_truth, list(best >= t))["f1"]
        if f1 > top_f1:
            top_f1, t_derived = f1, float(t)
    if not three_way:
        return Baseline(t_derived, None)
    truth = [p.label for p in pairs]
    grid = np.unique(np.quantile(best, np.linspace(0, 1, 101))) if len(candidates) > 120 else candidates
    top, fitted = -1.0, Baseline(t_derived, None)
    for lo in grid:
        for hi in grid[grid >= lo]:
            guess = ["wholly" if s >= hi else "partially" if s >= lo else "non" for s in best]
            score = confusion(truth, guess)["macro_f1"]
            if score > top:
                top, fitted = score, Baseline(float(lo), float(hi))
    return fitted


# ---- figures -------------------------------------------------------------------------------------


def binary(truth: Sequence[bool], guess: Sequence[bool]) -> dict[str, float]:
    tp = sum(1 for t, g in zip(truth, guess) if t and g)
    fp = sum(1 for t, g in zip(truth, guess) if g and not t)
    fn = sum(1 for t, g in zip(truth, guess) if t and not g)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def confusion(truth: Sequence[str], guess: Sequence[str]) -> dict:
    matrix = {t: {g: 0 for g in CLASSES} for t in CLASSES}
    for t, g in zip(truth, guess):
        matrix[t][g] += 1
    f1s = []
    for c in CLASSES:
        tp = matrix[c][c]
        fp = sum(matrix[t][c] for t in CLASSES if t != c)
        fn = sum(matrix[c][g] for g in CLASSES if g != c)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    present = [f for c, f in zip(CLASSES, f1s) if any(matrix[c].values()) or any(matrix[t][c] for t in CLASSES)]
    return {"matrix": matrix, "per_class_f1": dict(zip(CLASSES, f1s)), "macro_f1": sum(present) / len(present) if present else 0.0}


def direction(pairs: Sequence[Pair], verdicts: Sequence[Verdict]) -> dict[str, int]:
    known = [(p, v) for p, v in zip(pairs, verdicts) if p.label != "non" and p.source]
    found = [(p, v) for p, v in known if v.label != "non"]
    right = sum(1 for p, v in found if v.source == p.source)
    undetermined = sum(1 for p, v in found if not v.source)
    return {"derived_with_source": len(known), "found": len(found), "right": right, "undetermined": undetermined}


def score(pairs: Sequence[Pair], verdicts: Sequence[Verdict], *, three_way: bool) -> dict:
    truth = [p.label for p in pairs]
    guess = [v.label for v in verdicts]
    out = {"pairs": len(pairs), "binary": binary([t != "non" for t in truth], [g != "non" for g in guess])}
    if three_way:
        out["three_way"] = confusion(truth, guess)
    out["direction"] = direction(pairs, verdicts)
    return out


def evaluate(data: DataSet, *, limit: int | None = None, log: Callable[[str], None] = print) -> dict:
    """Both systems on both halves of one data set: ``{"baseline": {...}, "dev": {...}, "eval": {...}}``."""
    dev, evaluation = (data.dev[:limit], data.eval[:limit]) if limit else (data.dev, data.eval)
    started = time.perf_counter()
    dev_scores = [containment(p) for p in dev]
    eval_scores = [containment(p) for p in evaluation]
    fitted = fit_baseline(dev, dev_scores, three_way=data.three_way)
    result = {"name": data.name, "baseline_thresholds": {"derived": fitted.derived, "wholly": fitted.wholly}}
    for split, pairs, scores in (("dev", dev, dev_scores), ("eval", evaluation, eval_scores)):
        t0 = time.perf_counter()
        mine = presslens_verdicts(pairs, data)
        seconds = time.perf_counter() - t0
        result[split] = {
            "presslens": score(pairs, mine, three_way=data.three_way) | {"seconds": round(seconds, 2)},
            "baseline": score(pairs, fitted.verdicts(scores), three_way=data.three_way),
        }
    log(f"{data.name}: {len(dev)} dev + {len(evaluation)} eval pairs in {time.perf_counter() - started:.1f} s")
    return result


# ---- report --------------------------------------------------------------------------------------


def _direction_text(d: dict) -> str:
    if not d["derived_with_source"]:
        return "n/a"
    return f"{d['right']}/{d['found']} found ({d['right']}/{d['derived_with_source']} all; {d['undetermined']} undetermined)"


def report(results: Iterable[dict]) -> str:
    lines = []
    for res in results:
        t = res["baseline_thresholds"]
        lines.append(f"\n## {res['name']} (baseline thresholds from dev: derived >= {t['derived']:.3f}"
                     + (f", wholly >= {t['wholly']:.3f})" if t["wholly"] is not None else ")"))
        lines.append(f"{'split':5}  {'system':9}  {'pairs':>5}  {'P':>5}  {'R':>5}  {'F1':>5}  {'macro-F1':>8}  direction right")
        for split in ("dev", "eval"):
            for system in ("presslens", "baseline"):
                s = res[split][system]
                b = s["binary"]
                macro = f"{s['three_way']['macro_f1']:.3f}" if "three_way" in s else "-"
                lines.append(f"{split:5}  {system:9}  {s['pairs']:5d}  {b['precision']:.3f}  {b['recall']:.3f}  {b['f1']:.3f}  {macro:>8}  {_direction_text(s['direction'])}")
        for split in ("dev", "eval"):
            if "three_way" not in res[split]["presslens"]:
                continue
            lines.append(f"{split} confusion (rows truth, columns predicted: wholly / partially / non)")
            for system in ("presslens", "baseline"):
                m = res[split][system]["three_way"]["matrix"]
                cells = "   ".join(f"{t[:5]:>5}: " + " ".join(f"{m[t][g]:3d}" for g in CLASSES) for t in CLASSES)
                lines.append(f"  {system:9}  {cells}")
    return "\n".join(lines)


def measured_table(results: Iterable[dict]) -> str:
    """The README's "Reuse: measured" rows (Markdown)."""
    rows = ["| data | split | pairs | presslens F1 (P / R) | baseline F1 (P / R) | presslens macro-F1 | baseline macro-F1 | presslens direction | baseline direction |",
            "|---|---|---|---|---|---|---|---|---|"]
    for res in results:
        for split in ("dev", "eval"):
            p, b = res[split]["presslens"], res[split]["baseline"]

            def f1(s: dict) -> str:
                x = s["binary"]
                return f"{x['f1']:.3f} ({x['precision']:.2f} / {x['recall']:.2f})"

            def macro(s: dict) -> str:
                return f"{s['three_way']['macro_f1']:.3f}" if "three_way" in s else "—"

            def way(s: dict) -> str:
                d = s["direction"]
                return f"{d['right']}/{d['found']}" if d["derived_with_source"] else "—"

            rows.append(f"| {res['name']} | {split} | {p['pairs']} | {f1(p)} | {f1(b)} | {macro(p)} | {macro(b)} | {way(p)} | {way(b)} |")
    return "\n".join(rows)
