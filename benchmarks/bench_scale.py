"""Benchmark a whole run at scale: each stage and ``pipeline.build`` on synthetic corpora of 100, 1,000 and 10,000 documents.

For each size, ``benchmarks.synthetic`` writes a corpus (fixed seed) and a child
process (so each size's peak memory is its own) times:

* each stage alone, in one process, on the loaded corpus, in this order and
  from a cold start (every per-process memo of :mod:`presslens.text` emptied
  first): ``ingest`` (``load_corpus``), ``tidy`` (documents, segments, metadata
  tables), ``sentences`` (Punkt sentences + VADER per sentence), ``entities``
  (codebook matching + counts), ``sentiment`` (VADER on comments, threads,
  entity sentiment from the tables already made), ``figures`` (figures +
  numbers tables) and ``reuse`` (``align_corpus``: LSH candidates from
  ``ReuseOptions.lsh_min_documents`` documents, then the pair and passage
  tables). The stages share work as a run does: a text is split into sentences
  once (by ``sentences``, the first stage that splits it; ``entities`` and
  ``figures`` reuse the spans), a sentence or comment is scored by VADER once,
  the numbers of a text are read once for both figure tables. So the stage
  seconds add up to the per-document work done once, and
  ``words_per_s.per_document_stages`` is the body + comment words over the sum
  of the wall-clock seconds of tidy, sentences, sentiment, entities and figures
  (``words_per_cpu_s`` the same over CPU seconds, the per-core figure on a
  machine shared with other processes);
* the engine's per-document phase as a run computes it
  (:func:`presslens.engine.compute_tables` on the per-document tables and the
  tables derived from them, no cache, cold memos), with one process
  (``engine_jobs1``) and with the default worker count (``engine_jobs``): this
  adds what the stage timings leave out (chunks, per-document pieces, assembly);
  the per-document phase alone too (``phase_jobs1``, ``phase_jobs``: the
  per-document tables only, without the tables derived in the main process).
  Each is reported with its wall seconds, its CPU seconds (the main process
  plus the ended workers, ``RUSAGE_CHILDREN``), the load average after it and
  the speedup of the workers over one process (``engine.speedup``);
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

from presslens.io import write_json

HERE = Path(__file__).resolve().parent
STAGES = ("ingest", "tidy", "sentences", "entities", "sentiment", "figures", "reuse")
PER_DOCUMENT = ("tidy", "sentences", "sentiment", "entities", "figures")


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _timed_cpu_all(fn):
    """The value, wall-clock seconds, CPU seconds of this process and CPU seconds of its ended children (the workers) of ``fn()``.

    Workers' CPU is counted once they have ended: the engine's pool is shut down
    (and its workers waited for) before ``compute_tables`` returns.
    """
    start, main, children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    value = fn()
    return value, time.perf_counter() - start, _cpu(resource.RUSAGE_SELF) - main, _cpu(resource.RUSAGE_CHILDREN) - children


def _timed_cpu(fn):
    """The value, wall-clock seconds and CPU seconds of this process (workers not counted) of ``fn()``."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start, time.process_time() - cpu


def measure(corpus_dir: Path, *, stages: bool, rebuilds: bool, jobs: int | None, seed: int) -> dict:
    """Everything measured for one corpus (runs in the child process)."""
    from presslens import engine, entities, figures, pipeline, reuse, sentiment, tables
    from presslens.corpus import load_corpus
    from presslens.text import clear_memos, count_words

    from .synthetic import synthetic_documents

    out: dict = {}
    corpus, t = _timed(lambda: load_corpus(corpus_dir))
    body_words = sum(d.words for d in corpus)
    comment_words = sum(count_words(c.text) for d in corpus for c in d.comments)
    out.update(documents=len(corpus), body_words=body_words, comment_words=comment_words,
               comments=sum(len(d.comments) for d in corpus), seconds={"ingest": t}, cpu_seconds={})
    words = body_words + comment_words
    if stages:
        sec, cpu = out["seconds"], out["cpu_seconds"]

        def stage(name, fn):
            value, wall, used = _timed_cpu(fn)
            sec[name], cpu[name] = sec.get(name, 0.0) + wall, cpu.get(name, 0.0) + used
            return value

        clear_memos()  # a cold start: nothing split, scored or read yet
        stage("tidy", lambda: (tables.documents_table(corpus), tables.segments_table(corpus), tables.metadata_table(corpus)))
        sentences = stage("sentences", lambda: tables.sentences_table(corpus))
        mentions = stage("entities", lambda: entities.entity_mentions_table(corpus))
        stage("entities", lambda: entities.entity_counts_table(corpus, mentions=mentions))

        def _sentiment():
            comments = tables.comments_table(corpus)
            sentiment.comment_threads_table(corpus, comments=comments, documents=tables.documents_table(corpus))
            sentiment.entity_sentiment_table(corpus, sentences=sentences, mentions=mentions)

        stage("sentiment", _sentiment)
        stage("figures", lambda: (figures.figures_table(corpus), figures.numbers_table(corpus)))

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
        per_doc_cpu = sum(cpu[s] for s in PER_DOCUMENT)
        out["words_per_cpu_s"] = {s: round(words / cpu[s]) for s in PER_DOCUMENT if cpu[s] > 0}
        out["words_per_cpu_s"]["per_document_stages"] = round(words / per_doc_cpu) if per_doc_cpu else None

        # the engine's per-document phase: the per-document tables and those derived from them, as a run computes them
        chosen = {n: f for n, f in pipeline.TABLES.items() if n in engine.DOCUMENT_TABLES or n in engine.CODEBOOK_TABLES or n in engine.DERIVED}
        # the per-document phase alone (the per-document tables: what the workers compute), then with the derived tables
        documents_only = {n: f for n, f in chosen.items() if n not in engine.DERIVED}
        n_workers = jobs or engine.default_jobs()
        for label, n_jobs, functions in (("phase_jobs1", 1, documents_only), ("phase_jobs", n_workers, documents_only),
                                         ("engine_jobs1", 1, chosen), ("engine_jobs", n_workers, chosen)):
            clear_memos()  # workers fork from this process: they would inherit warm memos
            (_, stats), wall, used, workers = _timed_cpu_all(lambda: engine.compute_tables(corpus, functions, jobs=n_jobs))
            sec[label], cpu[label] = wall, used + workers
            out.setdefault("engine", {})[label] = {
                "jobs": n_jobs, "wall_s": round(wall, 3), "main_cpu_s": round(used, 3), "workers_cpu_s": round(workers, 3),
                "cpu_s": round(used + workers, 3), "per_document_s": round(stats.seconds["per_document"], 3),
                "load_average": round(os.getloadavg()[0], 2), "seconds": {k: round(v, 3) for k, v in stats.seconds.items()},
            }
            out["words_per_s"][label] = round(words / wall)
            out["words_per_cpu_s"][label] = round(words / (used + workers))
        runs = out["engine"]
        out["engine"]["speedup"] = {
            "phase_wall": round(runs["phase_jobs1"]["per_document_s"] / runs["phase_jobs"]["per_document_s"], 2),
            "phase_cpu": round(runs["phase_jobs1"]["cpu_s"] / runs["phase_jobs"]["cpu_s"], 2),
            "engine_wall": round(runs["engine_jobs1"]["wall_s"] / runs["engine_jobs"]["wall_s"], 2),
        }
    clear_memos()
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
    engine_rates = [r.get("words_per_s", {}).get(k) for k in ("engine_jobs1", "engine_jobs")]
    cells += [f"{rate:,}" if rate else "-"] + [f"{e:,}" if e else "-" for e in engine_rates] + [f"{builds['cold']['wall_s']:.1f}"]
    cells += [f"{builds['warm']['wall_s']:.1f}" if "warm" in builds else "-"]
    inc = builds.get("incremental")
    cells += [f"{inc['wall_s']:.1f} ({inc['processed']['document']} doc)" if inc else "-"]
    cells += [" / ".join(f"{b['seconds']['reuse']:.1f}" if b.get("seconds", {}).get("reuse") is not None else "-" for b in (builds["cold"], inc) if b)]
    pairs = [b.get("reuse", {}) for b in (builds["cold"], inc) if b]
    cells += [" / ".join(f"{p.get('pairs_computed', '-')}" for p in pairs)]
    cells += [f"{r['peak_rss_mib']:,.0f} / {r['peak_worker_rss_mib']:,.0f}"]
    return "| " + " | ".join(cells) + " |"


def engine_lines(runs: dict) -> str:
    """The engine's runs of one size: wall, CPU seconds (main + workers) and load, then the speedups of N workers over one process."""
    lines = []
    for label in ("phase_jobs1", "phase_jobs", "engine_jobs1", "engine_jobs"):
        r = runs[label]
        lines.append(f"        {label:<13} jobs {r['jobs']}: wall {r['wall_s']:.2f} s (per-document phase {r['per_document_s']:.2f} s), "
                     f"CPU {r['cpu_s']:.2f} s (main {r['main_cpu_s']:.2f} + workers {r['workers_cpu_s']:.2f}), load {r['load_average']}")
    up = runs["speedup"]
    lines.append(f"        N workers over one process: per-document phase {up['phase_wall']}x wall, {up['phase_cpu']}x CPU-s "
                 f"(one process's CPU / N workers' CPU); whole engine {up['engine_wall']}x wall")
    return "\n".join(lines)


def markdown(results: dict[int, dict], *, jobs: int, seed: int) -> str:
    lines = [
        f"# presslens scale benchmark (synthetic corpora from the seeds, seed {seed}; {os.cpu_count()} cores; build with {jobs} jobs)",
        "",
        "Stage columns: wall seconds in one process, stages run in this order from cold memos, each text split, scored "
        "and read once (the first stage that needs it pays). words/s: body + comment words over the per-document stages "
        "together (tidy, sentences, entities, sentiment, figures). engine 1 job / engine N jobs: words/s of the engine's "
        "per-document phase (`engine.compute_tables` on the per-document and derived tables, no cache), one process and "
        f"{jobs} workers. Builds: `pipeline.build` cold (fresh cache), warm (cache full), "
        "incremental (one document added). Reuse in the builds: seconds and pairs compared (not read from the cache), "
        "cold / incremental. Memory: peak RSS of the run's main process / largest worker, MiB.",
        "",
        "| docs | words | " + " | ".join(f"{s} s" for s in STAGES) + " | words/s | engine 1 job words/s | engine N jobs words/s "
        "| build cold s | build warm s | incremental s | build reuse s | build reuse pairs compared | peak MiB |",
        "|" + "---|" * (len(STAGES) + 11),
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="corpus sizes (10000 on request: about 8 minutes here)")
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
            print(f"{size:>6} documents: {json.dumps({k: result[k] for k in ('seconds', 'words_per_s', 'words_per_cpu_s', 'peak_rss_mib', 'peak_worker_rss_mib') if k in result})}", flush=True)
            print(f"        builds: " + json.dumps({k: round(v['wall_s'], 2) for k, v in result['builds'].items()}), flush=True)
            if "engine" in result:
                print(engine_lines(result["engine"]), flush=True)
    text = markdown(results, jobs=jobs, seed=args.seed)
    print(text)
    if args.out is not None:
        write_json({str(k): v for k, v in results.items()}, args.out / "bench.json")
        (args.out / "bench.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
