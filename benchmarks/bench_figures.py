"""Benchmark of presslens.figures: sentences per second on a large synthetic corpus.

The corpus is the seeds' own sentences (bodies and comments), shuffled with a
fixed seed and repeated until it holds ``--sentences`` sentences, cut into
documents of ``--per-doc`` sentences. Each document goes through
:func:`presslens.figures.read_numbers` (sentence splitting, number reading,
hedges, kinds, traps), as :func:`~presslens.figures.figures_table` does. The
per-process memos (sentence spans, readings) are emptied before every timed
pass, so each pass splits and reads every document afresh: in a run the spans
come from the sentences table instead, so ``sentence_splitting_share`` of this
time is saved there.

Run: ``.venv/bin/python -m benchmarks.bench_figures [--sentences 100000] [--out DIR]``
(or ``python benchmarks/bench_figures.py``). Prints the figures; with ``--out``
also writes ``bench_figures.json`` there.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from presslens.io import write_json


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000, help="sentences in the synthetic corpus (default 100000)")
    parser.add_argument("--per-doc", type=int, default=50, help="sentences per synthetic document (default 50)")
    parser.add_argument("--seed", type=int, default=20191118, help="shuffle seed (default 20191118)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best is reported (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="folder to write bench_figures.json into")
    args = parser.parse_args(argv)
    result = run(n=args.sentences, per_doc=args.per_doc, seed=args.seed, repeats=args.repeats)
    width = max(len(k) for k in result)
    print("presslens.figures benchmark")
    for key, value in result.items():
        print(f"  {key:<{width}}  {value:,}" if isinstance(value, int) else f"  {key:<{width}}  {value}")
    if args.out:
        write_json(result, args.out / "bench_figures.json", sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
