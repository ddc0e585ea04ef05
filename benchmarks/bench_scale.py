"""Benchmark a whole run at scale: each stage and ``pipeline.build`` on synthetic corpora of 100, 1,000 and 10,000 documents.

For each size, ``benchmarks.synthetic`` writes a corpus (fixed seed) and a child
process (so each size's peak memory is its own) times:

* each stage alone, in one process, on the loaded corpus: ``ingest``
  (``load_corpus``), ``tidy`` (documents, segments, metadata tables),
  ``sentences`` (Punkt sentences + VADER per sentence), ``sentiment`` (VADER on
  comments, threads, entity sentiment from the tables already made),
  ``entities`` (codebook matching + counts), ``figures`` (figures + numbers
  tables) and ``reuse`` (``align_corpus``: LSH candidates from
  ``ReuseOptions.lsh_min_documents`` documents, then the pair and passage tables);
* ``pipeline.build`` with the default worker count and a fresh cache (``cold``),
  again with the cache filled (``warm``), and after adding one document
  (``incremental``: one document processed);
* peak resident memory: the child's own ``ru_maxrss`` and the largest worker's.

Writes ``DIR/bench.json`` and a markdown table ``DIR/bench.md``. Run on demand
(figures depend on the machine; not a test)::

    .venv/bin/python -m benchmarks.bench_scale --sizes 100 1000 --out outputs/bench
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("ingest", "tidy", "sentences", "sentiment", "entities", "figures", "reuse")
PER_DOCUMENT = ("tidy", "sentences", "sentiment", "entities", "figures")


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def measure(corpus_dir: Path, *, stages: bool, rebuilds: bool, jobs: int | None, seed: int) -> dict:
    """Everything measured for one corpus (runs in the child process)."""
    from presslens import engine, entities, figures, pipeline, reuse, sentiment, tables
    from presslens.corpus import load_corpus
    from presslens.text import count_words

    from .synthetic import synthetic_documents

    out: dict = {}
    corpus, t = _timed(lambda: load_corpus(corpus_dir))
    body_words = sum(d.words for d in corpus)
    comment_words = sum(count_words(c.text) for d in corpus for c in d.comments)
    out.update(documents=len(corpus), body_words=body_words, comment_words=comment_words,
               comments=sum(len(d.comments) for d in corpus), seconds={"ingest": t})
    words = body_words + comment_words
    if stages:
        sec = out["seconds"]
        _, sec["tidy"] = _timed(lambda: (tables.documents_table(corpus), tables.segments_table(corpus), tables.metadata_table(corpus)))
        sentences, sec["sentences"] = _timed(lambda: tables.sentences_table(corpus))
        mentions, sec["entities"] = _timed(lambda: entities.entity_mentions_table(corpus))
        _, t = _timed(lambda: entities.entity_counts_table(corpus, mentions=mentions))
        sec["entities"] += t

        def _sentiment():
            comments = tables.comments_table(corpus)
            sentiment.comment_threads_table(corpus, comments=comments, documents=tables.documents_table(corpus))
            sentiment.entity_sentiment_table(corpus, sentences=sentences, mentions=mentions)

        _, sec["sentiment"] = _timed(_sentiment)
        _, sec["figures"] = _timed(lambda: (figures.figures_table(corpus), figures.numbers_table(corpus)))

        def _reuse():
            alignment = reuse.align_corpus(corpus)
            return alignment, reuse.pairs_frame(alignment), reuse.passages_frame(alignment)

        (alignment, pairs, passages), sec["reuse"] = _timed(_reuse)
        out["reuse"] = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in alignment.stats.items() if isinstance(v, (int, float))}
        out["reuse"]["method"] = alignment.options.method
        out["reuse"]["lsh_min_documents"] = alignment.options.lsh_min_documents
        out["rows"] = {"sentences": len(sentences), "entity_mentions": len(mentions), "reuse_pairs": len(pairs), "shared_passages": len(passages)}
        out["words_per_s"] = {s: round(words / sec[s]) for s in PER_DOCUMENT if sec[s] > 0}
        per_doc = sum(sec[s] for s in PER_DOCUMENT)
        out["words_per_s"]["per_document_stages"] = round(words / per_doc) if per_doc else None
    del corpus
    work = Path(tempfile.mkdtemp(prefix="presslens-bench-"))
    try:
        cache = work / "cache"
        builds = {}
        cold, t = _timed(lambda: pipeline.build(corpus_dir, work / "cold", jobs=jobs, cache_dir=cache))
        builds["cold"] = {**cold.stats, "wall_s": t}
        if rebuilds:
            warm, t = _timed(lambda: pipeline.build(corpus_dir, work / "warm", jobs=jobs, cache_dir=cache))
            builds["warm"] = {**warm.stats, "wall_s": t}
            out["cached_run_identical"] = all(
                (work / "cold" / f"{n}.csv").read_bytes() == (work / "warm" / f"{n}.csv").read_bytes() for n in pipeline.TABLES
            )
            name, text, _ = synthetic_documents(1, seed=seed + 1000)[0]
            added = corpus_dir / ("zz" + name)
            added.write_text(text, encoding="utf-8")
            try:
                inc, t = _timed(lambda: pipeline.build(corpus_dir, work / "inc", jobs=jobs, cache_dir=cache))
            finally:
                added.unlink()
            builds["incremental"] = {**inc.stats, "wall_s": t}
        out["builds"] = builds
        out["cache_bytes"] = engine.cache_size(cache)
        out["words_per_s"] = {**out.get("words_per_s", {}), "build_cold": round(words / builds["cold"]["wall_s"])}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["peak_worker_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return out


def _row(size: int, r: dict) -> str:
    sec, builds = r.get("seconds", {}), r["builds"]
    rate = r.get("words_per_s", {}).get("per_document_stages")
    cells = [f"{size:,}", f"{r['body_words'] + r['comment_words']:,}"]
    cells += [f"{sec[k]:.1f}" if k in sec else "-" for k in STAGES]
    cells += [f"{rate:,}" if rate else "-", f"{builds['cold']['wall_s']:.1f}"]
    cells += [f"{builds['warm']['wall_s']:.1f}" if "warm" in builds else "-"]
    inc = builds.get("incremental")
    cells += [f"{inc['wall_s']:.1f} ({inc['processed']['document']} doc)" if inc else "-"]
    cells += [" / ".join(f"{b['seconds']['reuse']:.1f}" if b.get("seconds", {}).get("reuse") is not None else "-" for b in (builds["cold"], inc) if b)]
    pairs = [b.get("reuse", {}) for b in (builds["cold"], inc) if b]
    cells += [" / ".join(f"{p.get('pairs_computed', '-')}" for p in pairs)]
    cells += [f"{r['peak_rss_mib']:,.0f} / {r['peak_worker_rss_mib']:,.0f}"]
    return "| " + " | ".join(cells) + " |"


def markdown(results: dict[int, dict], *, jobs: int, seed: int) -> str:
    lines = [
        f"# presslens scale benchmark (synthetic corpora from the seeds, seed {seed}; {os.cpu_count()} cores; build with {jobs} jobs)",
        "",
        "Stage columns: seconds in one process. words/s: body + comment words over the per-document stages together "
        "(tidy, sentences, sentiment, entities, figures). Builds: `pipeline.build` cold (fresh cache), warm (cache full), "
        "incremental (one document added). Memory: peak RSS of the run's main process / largest worker, MiB. "
        "Reuse in the builds: seconds and pairs compared (not read from the cache), cold / incremental.",
        "",
        "| docs | words | " + " | ".join(f"{s} s" for s in STAGES)
        + " | words/s | build cold s | build warm s | incremental s | build reuse s | build reuse pairs compared | peak MiB |",
        "|" + "---|" * (len(STAGES) + 9),
    ]
    for size, r in sorted(results.items()):
        lines.append(_row(size, r))
    sizes = sorted(results)
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        ratio = results[b]["builds"]["cold"]["wall_s"] / results[a]["builds"]["cold"]["wall_s"]
        lines += ["", f"Cold build {b:,} docs / {a:,} docs: {ratio:.1f}x the time for {b / a:.0f}x the documents."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="corpus sizes (10000 on request: it takes longer than 20 minutes here)")
    parser.add_argument("--out", type=Path, default=None, help="folder for bench.json and bench.md")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--jobs", type=int, default=None, help="workers for pipeline.build (default: every core)")
    parser.add_argument("--stages-max", type=int, default=1000, help="time the stages one by one only up to this many documents")
    parser.add_argument("--rebuilds-max", type=int, default=1000, help="run the warm and incremental builds only up to this many documents")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.child:
        corpus_dir, target = Path(args.child[0]), Path(args.child[1])
        n = sum(1 for p in corpus_dir.glob("*.txt"))
        result = measure(corpus_dir, stages=n <= args.stages_max, rebuilds=n <= args.rebuilds_max, jobs=args.jobs, seed=args.seed)
        target.write_text(json.dumps(result, indent=2), encoding="utf-8")
        return 0

    from .synthetic import write_corpus

    from presslens.engine import default_jobs

    jobs = args.jobs or default_jobs()
    results: dict[int, dict] = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"presslens-syn{size}-") as tmp:
            started = time.perf_counter()
            corpus_dir = write_corpus(size, Path(tmp) / "corpus", seed=args.seed)
            made = time.perf_counter() - started
            target = Path(tmp) / "result.json"
            cmd = [sys.executable, "-m", "benchmarks.bench_scale", "--child", str(corpus_dir), str(target),
                   "--seed", str(args.seed), "--stages-max", str(args.stages_max),
                   "--rebuilds-max", str(args.rebuilds_max)] + (["--jobs", str(args.jobs)] if args.jobs else [])
            started = time.perf_counter()
            code = subprocess.call(cmd, cwd=HERE.parent)
            if code:
                print(f"{size} documents: child exited {code}", file=sys.stderr)
                return 1
            result = json.loads(target.read_text(encoding="utf-8"))
            result["generate_s"] = round(made, 2)
            result["child_s"] = round(time.perf_counter() - started, 2)
            results[size] = result
            print(f"{size:>6} documents: {json.dumps({k: result[k] for k in ('seconds', 'words_per_s', 'peak_rss_mib', 'peak_worker_rss_mib')})}", flush=True)
            print(f"        builds: " + json.dumps({k: round(v['wall_s'], 2) for k, v in result['builds'].items()}), flush=True)
    text = markdown(results, jobs=jobs, seed=args.seed)
    print(text)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "bench.json").write_text(json.dumps({str(k): v for k, v in results.items()}, indent=2, sort_keys=True), encoding="utf-8")
        (args.out / "bench.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
