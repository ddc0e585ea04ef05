"""Reuse accuracy: presslens against a word 3-gram containment baseline on labelled pairs (METER's three classes).

Data, read in place from the shared corpora folder (:func:`benchmarks.aeb.corpora_dir`), never copied:

* **Clough & Stevenson** (``reuse-dev/clough-stevenson``, ``file_information.csv``): each answer
  paired with its task's ``orig_task*.txt``; ``cut``/``light`` -> wholly derived, ``heavy`` ->
  partially, ``non`` -> non-derived; the source is always the original. Development = groups
  g0-g2 (``g0p*``, ``g1p*``, ``g2p*``), evaluation = g3-g4.
* **MSRP** (``reuse-dev/msrp``): sentence pairs, quality 1 -> derived, 0 -> not (two classes
  only, no direction). Train file = development, test file = evaluation.
* **News pairs** (``reuse-news-pages/NN_*/``, each with ``labels.csv``: ``story,a,b,label,source``;
  label wholly / partially / non, source ``a`` / ``b`` (or its file name), the original): each story folder is loaded
  as a corpus (:func:`presslens.corpus.load_corpus`, so presslens sees bodies without
  boilerplate and the pages' publication dates) and its labelled pairs are looked up among
  all its pairs. Odd story numbers = development, even = evaluation. Skipped when absent.

**presslens**: the relations table (:func:`presslens.reuse.relations_frame`, every pair aligned)
of the corpus the pair belongs to: a Clough & Stevenson task's source with that split's answers
(so presslens' same-topic baseline is what those answers share), a news story's folder, or
the two MSRP sentences alone; the pair's ``type`` mapped to METER by :func:`meter_class` and
its ``source`` as the direction.
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
    """One labelled pair: texts, METER class, which side is the source (``"a"``, ``"b"`` or ``""`` unknown).

    ``group`` names the corpus the pair is compared in (:attr:`DataSet.corpora`), where its documents
    are ``id_a`` and ``id_b``; a pair without a group is compared alone.
    """

    key: str
    a: str
    b: str
    label: str
    source: str = ""
    group: str = ""
    id_a: str = "a"
    id_b: str = "b"
    dated: bool = False  # both documents have a publication date (sources.yml) and the dates differ


@dataclass
class DataSet:
    name: str
    dev: list[Pair]
    eval: list[Pair]
    three_way: bool = True
    #: group -> (doc_id -> text, doc_id -> published date): a task's or a story's documents, compared as one corpus
    corpora: dict[str, tuple[dict[str, str], dict[str, str]]] = field(default_factory=dict)


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
    """Each task's source and answers as one corpus (as :mod:`benchmarks.fit_reuse` fits on them), per split."""
    from benchmarks import fit_reuse

    data = DataSet("Clough & Stevenson", [], [])
    for split, groups in (("dev", ("g0", "g1", "g2")), ("eval", ("g3", "g4"))):
        for task, texts, pairs in fit_reuse.clough_stevenson(groups):
            group = f"{split}:{task}"
            data.corpora[group] = (texts, {})
            getattr(data, split).extend(
                Pair(key=p.derived, a=texts[p.derived], b=texts[p.source], label=p.label, source="b", group=group, id_a=p.derived, id_b=p.source)
                for p in pairs
            )
    return data if data.dev or data.eval else None


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
    """The labelled real news pairs (each story folder's ``labels.csv``, or one beside them); ``None`` when absent.

    A pair listed twice (``a,b`` and ``b,a``) counts once, as first listed. ``source`` is ``a``,
    ``b``, a file name, or empty (unknown).
    """
    folder = root / "reuse-news-pages"
    if not folder.is_dir():
        from benchmarks.corpora import corpus_folder

        folder = corpus_folder("reuse-news-pages")
    if not folder.is_dir():
        return None
    from presslens.corpus import load_corpus

    stories = sorted(p for p in folder.iterdir() if p.is_dir() and re.match(r"\d+_", p.name))
    dev, evaluation, corpora, seen = [], [], {}, set()
    for story in stories:
        label_files = [story / "labels.csv"] if (story / "labels.csv").is_file() else [folder / "labels.csv"]
        rows = []
        for path in label_files:
            if path.is_file():
                with path.open(encoding="utf-8-sig", newline="") as fh:
                    number = int(story.name.split("_", 1)[0])
                    rows += [r for r in csv.DictReader(fh) if str(r.get("story", "")).strip().isdigit() and int(r["story"]) == number]
        if not rows:
            continue
        corpus = load_corpus(story)
        docs = {Path(d.file).name: d for d in corpus} | {d.doc_id: d for d in corpus}
        corpora[story.name] = ({d.doc_id: d.body for d in corpus}, {d.doc_id: d.meta("published").value or "" for d in corpus})
        dates_of = corpora[story.name][1]
        for row in rows:
            name_a, name_b = row["a"].strip(), row["b"].strip()
            a, b = docs.get(name_a), docs.get(name_b)
            if a is None or b is None or frozenset((story.name, a.doc_id, b.doc_id)) in seen:
                continue
            seen.add(frozenset((story.name, a.doc_id, b.doc_id)))
            src = (row.get("source") or "").strip()
            side = src if src in ("a", "b") else "a" if src in (name_a, a.doc_id) else "b" if src in (name_b, b.doc_id) else ""
            pair = Pair(
                key=f"{story.name}:{a.doc_id}|{b.doc_id}", a=a.body, b=b.body, label=row["label"].strip().lower(), source=side,
                group=story.name, id_a=a.doc_id, id_b=b.doc_id,
                dated=bool(dates_of.get(a.doc_id) and dates_of.get(b.doc_id) and dates_of[a.doc_id] != dates_of[b.doc_id]),
            )
            (dev if int(story.name.split("_", 1)[0]) % 2 else evaluation).append(pair)
    if not dev and not evaluation:
        return None
    return DataSet("News pairs", dev, evaluation, corpora=corpora)


def data_sets(root: Path | None = None) -> list[DataSet]:
    root = corpora_dir(root)
    return [d for d in (clough_stevenson(root), msrp(root), news_pairs(root)) if d is not None]


# ---- the systems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    label: str  # wholly / partially / non
    source: str  # "a", "b" or "" (undetermined or not derived)


def presslens_verdicts(pairs: Sequence[Pair], data: DataSet) -> list[Verdict]:
    """presslens' verdict on each pair: the relations of its group's corpus (one run per group), or of the pair alone."""
    from presslens import reuse

    relations: dict[str, dict[frozenset, object]] = {}
    out = []
    for pair in pairs:
        if pair.group not in relations:
            texts, dates = data.corpora.get(pair.group) or ({pair.id_a: pair.a, pair.id_b: pair.b}, {})
            frame = reuse.relations_frame(reuse.align_texts(texts, method="exact"), dates={k: v for k, v in dates.items() if v})
            relations[pair.group] = {frozenset((r.doc_a, r.doc_b)): r for r in frame.itertuples(index=False)}
        row = relations[pair.group].get(frozenset((pair.id_a, pair.id_b)))
        if not pair.group:
            relations.pop(pair.group)
        if row is None:  # not compared (a text without sentences to compare)
            out.append(Verdict("non", ""))
            continue
        label = meter_class(row.type)
        undetermined = str(getattr(row, "direction_basis", "")).startswith("undetermined")
        side = {pair.id_a: "a", pair.id_b: "b"}.get(str(row.source), "")
        out.append(Verdict(label, "" if label == "non" or undetermined else side))
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
    dated = [(p, v) for p, v in found if p.dated]
    return {"derived_with_source": len(known), "found": len(found), "right": right, "undetermined": undetermined,
            "dated": len(dated), "dated_right": sum(1 for p, v in dated if v.source == p.source)}


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
    dated = f"; dates known and different: {d['dated_right']}/{d['dated']}" if d.get("dated") else ""
    return f"{d['right']}/{d['found']} found ({d['right']}/{d['derived_with_source']} all; {d['undetermined']} undetermined{dated})"


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
