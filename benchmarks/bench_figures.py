"""Benchmark of presslens.figures: accuracy on the gold sets, side by side with quantulum3, and sentences per second.

**Accuracy.** Seven gold sets, scored with :func:`presslens.figures.evaluate_sets`
(the figures table built as a run builds it, a found figure matched to a gold
figure in the same sentence): the seeds (``tests/data/figures_gold.yml``), the
development part (``tests/data/figures_news/dev.yml`` on the odd texts of
``../shared/corpora/news-figures-dev``, plus ``pages_dev.yml`` on the odd pages of
``../corpora-local/news-figures-pages``, both read in place) and the evaluation part (``eval.yml`` and
``pages_eval.yml``, the even ones), plus a second development set (``dev2``: ``pages2_dev.yml`` on the 14 pages of
``../corpora-local/news-figures-pages2``, annotated after the first rules were written; ``dev3``: ``pages3_dev.yml`` on
the 14 pages of ``news-figures-pages3``, annotated after dev2's; ``dev4``: ``pages5_dev.yml`` on 10 pages of tables and lists
in ``news-figures-pages5``, mostly war costs; ``dev5``: ``pages6_dev.yml`` on 9 pages of ``news-figures-pages6``,
tables whose unit is written once, in a caption or above the header) and a second evaluation set (``eval2``: ``pages4_eval.yml``
on the 14 pages of ``news-figures-pages4``, held out). For each: precision, recall, bounds and hedge
right (of the found figures matched), per kind, and trap hits. Side by side,
for presslens and for **quantulum3** (its rule-based parser, on the very sentences
of the gold figures): value right (a bound read equals a bound of the gold figure),
bounds right (low and high both; an open bound counts as right only when read open,
which quantulum3 never does), over all gold figures (a number not read is wrong),
and how many traps each reads (presslens: as a figure; quantulum3: as a quantity).
quantulum3 is not a dependency of presslens: install it for the benchmark only
(``benchmarks/requirements.txt``); without it the benchmark says "quantulum3 not
installed" and prints presslens alone.

**Throughput.** The seeds' own sentences (bodies and comments), shuffled with a
fixed seed and repeated until they hold ``--sentences`` sentences, cut into
documents of ``--per-doc`` sentences. Each document goes through
:func:`presslens.figures.read_numbers` (sentence splitting, number reading,
hedges, kinds, traps), as :func:`~presslens.figures.figures_table` does. The
per-process memos (sentence spans, readings) are emptied before every timed
pass, so each pass splits and reads every document afresh: in a run the spans
come from the sentences table instead, so ``sentence_splitting_share`` of this
time is saved there.

Run: ``.venv/bin/python -m benchmarks.bench_figures [--sets seeds dev dev2 dev3 dev4 eval eval2] [--mismatches] [--sentences 100000]
[--no-throughput] [--out DIR]`` (or ``python benchmarks/bench_figures.py``); with quantulum3 installed as
``benchmarks/requirements.txt`` says, put its folder on ``PYTHONPATH``. Prints the figures; with ``--out``
also writes ``bench_figures.json`` and ``bench_figures_mismatches.csv`` (every miss, false figure, trap taken
and wrong field, with its sentence) there.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

from presslens.io import write_csv, write_json

ROOT = Path(__file__).resolve().parents[1]
NEWS_GOLD = ROOT / "tests" / "data" / "figures_news"
KINDS = ("deaths", "wounded", "displaced", "cost")


def corpora() -> Path:
    """The shared corpora: ``PRESSLENS_CORPORA``, else ``../shared/corpora`` beside the project (searched upwards)."""
    from benchmarks.corpora import corpora_dir

    return corpora_dir()


def gold_sets() -> dict[str, list[tuple[Path, list[Path]]]]:
    """Set name -> its (corpus folder, gold files) pairs."""
    from benchmarks.corpora import corpus_folder

    news, pages = corpus_folder("news-figures-dev"), corpus_folder("news-figures-pages")
    return {
        "seeds": [(ROOT / "seeds", [ROOT / "tests" / "data" / "figures_gold.yml"])],
        "dev": [(news, [NEWS_GOLD / "dev.yml"]), (pages, [NEWS_GOLD / "pages_dev.yml"])],
        "eval": [(news, [NEWS_GOLD / "eval.yml"]), (pages, [NEWS_GOLD / "pages_eval.yml"])],
        # 14 pages of further outlets, annotated after the rules of the first sets were written: measured once as they
        # came (text nobody had tuned on), then developed on
        "dev2": [(corpus_folder("news-figures-pages2"), [NEWS_GOLD / "pages2_dev.yml"])],
        "dev3": [(corpus_folder("news-figures-pages3"), [NEWS_GOLD / "pages3_dev.yml"])],  # 14 more, annotated after dev2's rules
        "dev4": [(corpus_folder("news-figures-pages5"), [NEWS_GOLD / "pages5_dev.yml"])],  # 10 pages of tables and lists, mostly costs
        "dev5": [(corpus_folder("news-figures-pages6"), [NEWS_GOLD / "pages6_dev.yml"])],  # 9 pages of tables with the unit written once
        # 14 pages more, held out like "eval": collected and annotated at the end of the session of dev3, measured once
        "eval2": [(corpus_folder("news-figures-pages4"), [NEWS_GOLD / "pages4_eval.yml"])],
    }


def _available(pairs):
    """The pairs whose corpus folder and gold files exist, and a note for each left out."""
    kept, notes = [], []
    for corpus, paths in pairs:
        present = [p for p in paths if p.is_file()]
        if not corpus.is_dir():
            notes.append(f"{corpus} absent: {', '.join(p.name for p in paths)} left out")
        elif len(present) < len(paths):
            notes.append(f"{', '.join(p.name for p in paths if p not in present)} absent: left out")
        if corpus.is_dir() and present:
            kept.append((corpus, present))
    return kept, notes


# ---------------------------------------------------------------------------
# quantulum3, on the sentences of the gold
# ---------------------------------------------------------------------------
def quantulum_parser():
    """quantulum3's ``parse`` (rule-based; its classifier needs extras we do not install), or None when not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser
    except ImportError:
        return None
    return parser.parse


class Quantulum:
    """quantulum3's quantities of each sentence, parsed once; bounds are value ± uncertainty (a range it averaged)."""

    def __init__(self, parse):
        self.parse = parse
        self.memo: dict[str, list[tuple[int, int, float, float]]] = {}

    def quantities(self, sentence: str) -> list[tuple[int, int, float, float]]:
        if sentence not in self.memo:
            found = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    quantities = self.parse(sentence)
                except Exception:  # noqa: BLE001 - a peer's crash on one sentence is a number it did not read
                    quantities = []
            for q in quantities:
                value, spread = float(q.value), float(q.uncertainty or 0.0)
                found.append((q.span[0], q.span[1], value - spread, value + spread))
            self.memo[sentence] = found
        return self.memo[sentence]

    def reading(self, sentence: str, a: int, b: int):
        """(low, high) of the quantity that overlaps ``sentence[a:b]`` most, or None."""
        best, overlap = None, 0
        for qa, qb, low, high in self.quantities(sentence):
            o = min(qb, b) - max(qa, a)
            if o > overlap:
                best, overlap = (low, high), o
        return best


def _share(n: int, d: int) -> float:
    return round(n / d, 4) if d else math.nan


def side_by_side(result, quantulum: Quantulum | None) -> dict:
    """Value right and bounds right over all gold figures, per kind, for presslens and (if installed) quantulum3; traps read."""
    from presslens.figures.evaluation import same_bounds, values_agree

    rows = result.matches
    gold = result.gold
    out: dict = {}
    for kind in ("all", *KINDS):
        part = rows if kind == "all" else rows[rows["kind"] == kind]
        found = part[part["found_index"] >= 0]
        value = sum(values_agree(r.found_low, r.found_high, r.low, r.high) for r in found.itertuples())
        bounds = sum(same_bounds(r.found_low, r.found_high, r.low, r.high) for r in found.itertuples())
        entry = {"gold": len(part), "presslens value right": _share(value, len(part)), "presslens bounds right": _share(bounds, len(part))}
        if quantulum is not None:
            q_value = q_bounds = 0
            for r in part.itertuples():
                read = quantulum.reading(r.sentence, r.num_start - r.start, r.num_end - r.start)
                if read is None:
                    continue
                q_value += values_agree(read[0], read[1], r.low, r.high)
                q_bounds += same_bounds(read[0], read[1], r.low, r.high)
            entry.update({"quantulum3 value right": _share(q_value, len(part)), "quantulum3 bounds right": _share(q_bounds, len(part))})
        out[kind] = entry
    traps = gold.traps
    out["traps"] = {"gold traps": len(traps), "presslens traps taken": int(result.metrics["trap hits"])}
    if quantulum is not None:
        read = sum(quantulum.reading(t.sentence, t.num_start - t.start, t.num_end - t.start) is not None for t in traps.itertuples())
        out["traps"]["quantulum3 traps read as quantities"] = read
    return out


def seed_sentences() -> list[str]:
    """Every sentence of the seeds' bodies and comments, in corpus order."""
    from presslens.corpus import load_corpus
    from presslens.paths import seeds_dir
    from presslens.text import sentence_spans

    out = []
    for doc in load_corpus(seeds_dir()):
        for text in [doc.body, *(c.text for c in doc.comments)]:
            out.extend(" ".join(text[a:b].split()) for a, b in sentence_spans(text))
    return out


def synthetic_documents(sentences: list[str], *, n: int, per_doc: int, seed: int) -> list[str]:
    """``n`` sentences drawn by shuffling the seed sentences again and again, cut into documents of ``per_doc`` sentences."""
    rng = random.Random(seed)
    drawn: list[str] = []
    while len(drawn) < n:
        batch = sentences[:]
        rng.shuffle(batch)
        drawn.extend(batch)
    drawn = drawn[:n]
    return [" ".join(drawn[i : i + per_doc]) for i in range(0, n, per_doc)]


def run(*, n: int, per_doc: int, seed: int, repeats: int) -> dict:
    from presslens.figures import read_numbers
    from presslens.text import clear_memos, sentence_spans, split_sentences

    sentences = seed_sentences()
    documents = synthetic_documents(sentences, n=n, per_doc=per_doc, seed=seed)
    n_sentences = sum(len(sentence_spans(d)) for d in documents)  # as the splitter sees them (warms Punkt up, too)
    timings, split_timings, cpu_timings = [], [], []
    figures = numbers = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        for d in documents:
            split_sentences(d)
        split_timings.append(time.perf_counter() - t0)
        clear_memos()
        t0, c0 = time.perf_counter(), time.process_time()
        figures = numbers = 0
        for d in documents:
            readings = read_numbers(d)
            numbers += len(readings)
            figures += sum(r.verdict == "figure" for r in readings)
        timings.append(time.perf_counter() - t0)
        cpu_timings.append(time.process_time() - c0)
    best, split = min(timings), min(split_timings)
    words = sum(len(d.split()) for d in documents)
    return {
        "seed_sentences": len(sentences),
        "documents": len(documents),
        "sentences": n_sentences,
        "words": words,
        "numbers_read": numbers,
        "figures_found": figures,
        "repeats": repeats,
        "seconds_best": round(best, 3),
        "seconds_median": round(statistics.median(timings), 3),
        "cpu_seconds_best": round(min(cpu_timings), 3),
        "sentences_per_second": round(n_sentences / best),
        "sentences_per_cpu_second": round(n_sentences / min(cpu_timings)),
        "words_per_second": round(words / best),
        "sentence_splitting_share": round(split / best, 3),
        "python": platform.python_version(),
    }


def accuracy(names: list[str], *, quantulum: Quantulum | None) -> tuple[dict, list]:
    """Per set: the metrics, per kind, the side-by-side figures; and the mismatch frames (with a ``set`` column)."""
    from presslens.figures import evaluate_sets

    results, mismatches = {}, []
    for name in names:
        pairs, notes = _available(gold_sets()[name])
        if not pairs:
            results[name] = {"left out": notes}
            continue
        result = evaluate_sets(pairs, skip_missing_documents=True)  # a page the folder lacks: its entries left out (counted in 'documents')
        m = result.metrics
        results[name] = {
            "gold": " + ".join(p.name for _, paths in pairs for p in paths),
            "documents": len(result.gold.doc_ids),
            "left out": notes,
            "metrics": {k: m[k] for k in ("gold figures", "extracted figures", "gold traps", "precision", "recall", "f1",
                                          "bounds and hedge right", "kind right", "all fields right", "trap hits", "missed",
                                          "false figures", "wrong bounds", "wrong kinds")},
            "per kind": result.per_kind.to_dict(orient="records"),
            "trap hits by reason": {r.reason: r.hits for r in result.trap_reasons.itertuples() if r.hits},
            "side by side": side_by_side(result, quantulum),
        }
        mismatches.append(result.mismatches.assign(set=name))
    return results, mismatches


def _f(x) -> str:
    return "   -  " if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:6.3f}" if isinstance(x, float) else f"{x:6}"


def print_accuracy(results: dict, *, quantulum_installed: bool) -> None:
    print("presslens.figures accuracy (a found figure matches a gold figure in the same sentence)")
    if not quantulum_installed:
        print("  quantulum3 not installed: its columns are left out (see benchmarks/requirements.txt)")
    for name, r in results.items():
        if "metrics" not in r:
            print(f"\n== {name}: no gold available ({'; '.join(r['left out'])})")
            continue
        m = r["metrics"]
        print(f"\n== {name}: {r['gold']} · {r['documents']} documents · {m['gold figures']} gold figures, {m['gold traps']} traps")
        for note in r["left out"]:
            print(f"   ({note})")
        print(f"   presslens: precision {_f(m['precision'])}  recall {_f(m['recall'])}  f1 {_f(m['f1'])}  "
              f"bounds+hedge right {_f(m['bounds and hedge right'])}  kind right {_f(m['kind right'])}  "
              f"({m['extracted figures']} found: {m['missed']} missed, {m['false figures']} false, {m['trap hits']} traps taken, "
              f"{m['wrong bounds']} wrong bounds, {m['wrong kinds']} wrong kinds)")
        q = quantulum_installed
        head = f"   {'kind':<10}{'gold':>6}{'found':>7}{'P':>7}{'R':>7}{'b+h':>7} | {'value':>6}{'bounds':>7}"
        head += f" | {'q3 val':>6}{'q3 bnd':>7}" if q else ""
        print(head + "\n   " + "-" * (len(head) - 3))
        sbs = r["side by side"]
        per_kind = {k["kind"]: k for k in r["per kind"]}
        for kind in ("all", *KINDS):
            k = per_kind.get(kind, {"gold": m["gold figures"], "found": m["extracted figures"], "precision": m["precision"],
                                    "recall": m["recall"], "bounds and hedge right": m["bounds and hedge right"]})
            line = (f"   {kind:<10}{k['gold']:>6}{k['found']:>7}{_f(k['precision'])}{_f(k['recall'])}{_f(k['bounds and hedge right'])}"
                    f"{' |'}{_f(sbs[kind]['presslens value right'])}{_f(sbs[kind]['presslens bounds right'])}")
            if q:
                line += f" |{_f(sbs[kind]['quantulum3 value right'])}{_f(sbs[kind]['quantulum3 bounds right'])}"
            print(line)
        traps = sbs["traps"]
        line = f"   traps: presslens takes {traps['presslens traps taken']} of {traps['gold traps']} as figures"
        if q:
            line += f"; quantulum3 reads {traps['quantulum3 traps read as quantities']} of {traps['gold traps']} as quantities"
        print(line)
        if r["trap hits by reason"]:
            print("   traps taken, by reason: " + ", ".join(f"{k} {v}" for k, v in r["trap hits by reason"].items()))
    print("\n   P, R, b+h: precision, recall, bounds and hedge right of the matched figures (per kind: same kind on both sides);"
          "\n   value, bounds: over all gold figures, the number read as a figure with a bound of the gold / both bounds right;"
          "\n   q3: quantulum3 on the same sentences (value ± uncertainty as its bounds; it has no open bound).")


def print_mismatches(frames: list) -> None:
    for frame in frames:
        for r in frame.itertuples():
            what = f"{r.field}: expected {r.expected}, found {r.found}" if r.problem == "wrong field" else f"expected {r.expected or '-'}, found {r.found or '-'}"
            print(f"[{r.set}] {r.problem:<22} {r.doc_id} «{r.value_text}» {what}\n      {' '.join(str(r.sentence).split())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=["seeds", "dev", "dev2", "dev3", "dev4", "dev5", "eval", "eval2"],
                        choices=["seeds", "dev", "dev2", "dev3", "dev4", "dev5", "eval", "eval2"],
                        help="gold sets to score (default: seeds dev dev2 dev3 dev4 eval eval2); none: throughput only")
    parser.add_argument("--mismatches", action="store_true", help="print every miss, false figure, trap taken and wrong field")
    parser.add_argument("--no-quantulum", action="store_true", help="leave quantulum3 out even when it is installed")
    parser.add_argument("--no-throughput", action="store_true", help="skip the sentences-per-second measurement")
    parser.add_argument("--sentences", type=int, default=100_000, help="sentences in the synthetic corpus (default 100000)")
    parser.add_argument("--per-doc", type=int, default=50, help="sentences per synthetic document (default 50)")
    parser.add_argument("--seed", type=int, default=20191118, help="shuffle seed (default 20191118)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best is reported (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="folder to write bench_figures.json into")
    args = parser.parse_args(argv)
    output: dict = {}
    if args.sets:
        parse = None if args.no_quantulum else quantulum_parser()
        quantulum = Quantulum(parse) if parse is not None else None
        results, mismatches = accuracy(args.sets, quantulum=quantulum)
        print_accuracy(results, quantulum_installed=quantulum is not None)
        if args.mismatches:
            print_mismatches(mismatches)
        output["accuracy"] = results
        output["quantulum3"] = _quantulum_version() if quantulum is not None else "not installed"
        if args.out and mismatches:
            import pandas as pd

            write_csv(pd.concat(mismatches, ignore_index=True), args.out / "bench_figures_mismatches.csv")
    if not args.no_throughput:
        result = run(n=args.sentences, per_doc=args.per_doc, seed=args.seed, repeats=args.repeats)
        width = max(len(k) for k in result)
        print("\npresslens.figures throughput")
        for key, value in result.items():
            print(f"  {key:<{width}}  {value:,}" if isinstance(value, int) else f"  {key:<{width}}  {value}")
        output["throughput"] = result
    if args.out:
        write_json(output, args.out / "bench_figures.json", sort_keys=False)
    return 0


def _quantulum_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("quantulum3")
    except PackageNotFoundError:  # pragma: no cover - imported from a folder without its metadata
        return "installed"


if __name__ == "__main__":
    sys.exit(main())
