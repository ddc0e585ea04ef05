"""Benchmark entity matching: words per second of the codebook matcher, mention resolution and the full table.

Run: ``.venv/bin/python -m benchmarks.bench_entities [--words 1300000] [--repeat 3] [--out DIR]``.
The text is every body and comment of the corpus, repeated until it has ``--words``
words, so the density of names is that of real news text about the story. Prints
one line per stage (best of ``--repeat`` runs, in CPU time, the per-core figure,
and in wall time, which on a shared machine also counts other processes); with ``--out`` also writes
``bench_entities.json``. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from presslens import entities as E
from presslens.corpus import load_corpus
from presslens.paths import resolve_corpus
from presslens.text import clear_memos, count_words, split_sentences
from presslens.io import write_json


def _best(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs, and the result.

    CPU time (``time.process_time``) is the per-core figure: on a shared machine
    wall time also counts the time other processes held the core.
    """
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu, result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="", help="corpus folder (default: the project's seeds/)")
    parser.add_argument("--words", type=int, default=1_300_000, help="size of the test text in words")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage; the best is reported")
    parser.add_argument("--out", default="", help="folder for bench_entities.json (optional)")
    args = parser.parse_args(argv)

    corpus = load_corpus(resolve_corpus(args.corpus))
    book = E.load_codebook(Path(corpus.path) / E.CODEBOOK_FILE)
    pieces = [d.body for d in corpus] + [c.text for d in corpus for c in d.comments]
    unit = "\n\n".join(pieces)
    unit_words = count_words(unit)
    text = "\n\n".join([unit] * max(1, -(-args.words // unit_words)))
    words = count_words(text)
    book.matcher  # compile once, outside the timings  # noqa: B018

    _, compile_s, _ = _best(lambda: E.Codebook(entities=book.entities).matcher, args.repeat)
    match_wall, match_cpu, hits = _best(lambda: book.matcher.hits(text), args.repeat)
    mention_wall, mention_cpu, found = _best(lambda: E.mentions_in(text, book), args.repeat)
    _, sentence_cpu, _ = _best(lambda: split_sentences(text), 1)
    # from cold memos each time: the table splits the texts with hits into sentences itself (in a run the sentences table did)
    table_wall, table_cpu, table = _best(lambda: clear_memos() or E.entity_mentions_table(corpus, book), args.repeat)
    _, discover_cpu, cands = _best(lambda: E.discover_names(corpus, book), args.repeat)
    corpus_words = sum(d.words for d in corpus) + sum(count_words(c.text) for d in corpus for c in d.comments)

    results = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "codebook_entries": len(book),
        "text_words": words,
        "compile_cpu_seconds": round(compile_s, 4),
        "matcher_words_per_cpu_second": round(words / match_cpu),
        "matcher_words_per_wall_second": round(words / match_wall),
        "mentions_in_words_per_cpu_second": round(words / mention_cpu),
        "mentions_in_words_per_wall_second": round(words / mention_wall),
        "mentions_found": len(found),
        "hits": len(hits),
        "sentence_split_words_per_cpu_second": round(words / sentence_cpu),
        "corpus_words": corpus_words,
        "entity_mentions_table_cpu_seconds": round(table_cpu, 4),
        "entity_mentions_table_words_per_cpu_second": round(corpus_words / table_cpu),
        "discover_names_cpu_seconds": round(discover_cpu, 4),
        "discovery_candidates": len(cands),
        "mentions_in_corpus": len(table),
    }
    print(f"codebook: {len(book)} entries, compiled in {compile_s * 1000:.1f} ms of CPU")
    print(f"text: {words:,} words (the corpus's bodies and comments repeated); load average {results['load_average_1min']}")
    print(f"{'stage':46s} {'words/CPU-second':>17s} {'words/wall-second':>18s}")
    print(f"{'matcher (automaton, boundaries, case rules)':46s} {words / match_cpu:>17,.0f} {words / match_wall:>18,.0f}   {len(hits):,} hits")
    print(f"{'mentions_in (plus short forms and titles)':46s} {words / mention_cpu:>17,.0f} {words / mention_wall:>18,.0f}   {len(found):,} mentions")
    print(f"{'for scale: Punkt sentence splitting':46s} {words / sentence_cpu:>17,.0f}")
    print(f"entity_mentions_table on {corpus.path.name}/ ({corpus_words:,} words, with sentences): {table_cpu:.3f} CPU s "
          f"= {corpus_words / table_cpu:,.0f} words/CPU-second")
    print(f"discover_names on {corpus.path.name}/: {discover_cpu:.3f} CPU s, {len(cands)} candidates")
    if args.out:
        write_json(results, Path(args.out) / "bench_entities.json", sort_keys=False)
    return results


if __name__ == "__main__":
    main()
