"""Benchmark presslens.sentiment on a large synthetic corpus built from the seeds.

The seed sentences (bodies and comments) are drawn with replacement, with a
fixed seed, into ~50k sentences, written as plain-text documents and loaded
like any corpus. Synthetic comment sections are drawn the same way from the
seed comments, each replying to an earlier one or to nothing.

Run on demand (not a test; figures depend on the machine)::

    .venv/bin/python -m benchmarks.bench_sentiment            # prints figures
    .venv/bin/python benchmarks/bench_sentiment.py --sentences 100000 --out outputs/bench
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from presslens import sentiment, tables
from presslens.corpus import load_corpus
from presslens.paths import seeds_dir
from presslens.text import clear_memos, count_words
from presslens.io import write_json

SENTENCES_PER_PARAGRAPH = 5
PARAGRAPHS_PER_DOCUMENT = 100


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def synthetic_corpus(folder: Path, *, n_sentences: int, seed: int) -> int:
    """Write documents of seed sentences drawn with replacement; return how many sentences were written."""
    corpus = load_corpus(seeds_dir())
    pool = tables.sentences_table(corpus)
    pool = pool[pool["text"].map(count_words) >= 3]["text"].str.replace("\n", " ").tolist()
    rng = np.random.default_rng(seed)
    drawn = [pool[i] for i in rng.integers(0, len(pool), size=n_sentences)]
    per_doc = SENTENCES_PER_PARAGRAPH * PARAGRAPHS_PER_DOCUMENT
    for d, first in enumerate(range(0, n_sentences, per_doc)):
        chunk = drawn[first : first + per_doc]
        paragraphs = [" ".join(chunk[i : i + SENTENCES_PER_PARAGRAPH]) for i in range(0, len(chunk), SENTENCES_PER_PARAGRAPH)]
        (folder / f"syn_{d:05d}.txt").write_text(f"Synthetic document {d}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return n_sentences


def synthetic_comments(*, n_comments: int, n_sections: int, seed: int) -> pd.DataFrame:
    """Comment sections drawn from the seed comments: each comment replies to an earlier one of its section or to nothing."""
    seeds = tables.comments_table(load_corpus(seeds_dir()))
    rng = np.random.default_rng(seed)
    picks = seeds.iloc[rng.integers(0, len(seeds), size=n_comments)].reset_index(drop=True)
    section = np.sort(rng.integers(0, n_sections, size=n_comments))
    rows = []
    counters: dict[int, int] = {}
    for i, (s, rec) in enumerate(zip(section, picks.itertuples())):
        k = counters.get(s, 0) + 1
        counters[s] = k
        reply_to = f"c{rng.integers(1, k):05d}" if k > 1 and rng.random() < 0.4 else ""
        rows.append({
            "doc_id": f"sec_{s:04d}", "comment_id": f"c{k:05d}", "author": rec.author, "reply_to": reply_to, "depth": 0,
            "posted": (pd.Timestamp("2019-11-30T15:00") + pd.Timedelta(minutes=int(7 * k))).isoformat(),
            "text": rec.text, "compound": rec.compound, "pos": rec.pos, "neu": rec.neu, "neg": rec.neg, "label": rec.label, "words": rec.words, "line": k,
        })
    return pd.DataFrame(rows).drop(columns="depth")


def run(*, n_sentences: int = 51_000, n_comments: int = 20_000, n_resamples: int = sentiment.DEFAULT_RESAMPLES, seed: int = 0) -> dict:
    """Time each stage; returns the figures (seconds and rates)."""
    figures: dict = {"sentences": n_sentences, "comments": n_comments, "n_resamples": n_resamples, "seed": seed}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic_corpus(folder, n_sentences=n_sentences, seed=seed)
        corpus, t = _timed(load_corpus, folder)
        figures["load_s"] = t
        clear_memos()  # the table splits and scores from a cold start; repeated sentences are scored once
        sents, t = _timed(tables.sentences_table, corpus)
        figures["sentences_table_s"] = t
        figures["sentences_found"] = len(sents)
        texts = sents["text"].tolist()
        figures["distinct_sentences"] = len(set(texts))
        vader = sentiment.analyzer()
        _, t = _timed(lambda: [vader.polarity_scores(x) for x in texts])  # the reference analyzer on every sentence, no memo
        figures["vader_s"] = t
        figures["vader_sentences_per_s"] = len(texts) / t
        figures["sentences_table_sentences_per_s"] = len(sents) / figures["sentences_table_s"]
        _, t = _timed(sentiment.rollup, sents, ["doc_id", "part"], n_resamples=n_resamples)
        figures["rollup_per_document_s"] = t
        figures["rollup_groups"] = int(sents["doc_id"].nunique())
        _, t = _timed(sentiment.rollup, sents, "part", n_resamples=n_resamples)
        figures["rollup_one_group_s"] = t
        mentions, t = _timed(sentiment.term_mentions, corpus, list(sentiment.DEFAULT_TERMS))
        figures["term_mentions_s"] = t
        figures["mentions"] = len(mentions)
        _, t = _timed(sentiment.entity_sentiment, sents, mentions, n_resamples=n_resamples)
        figures["entity_sentiment_s"] = t
    comments = synthetic_comments(n_comments=n_comments, n_sections=max(1, n_comments // 50), seed=seed)
    threads, t = _timed(sentiment.thread_table, comments)
    figures["thread_table_s"] = t
    figures["thread_max_depth"] = int(threads["depth"].max())
    _, t = _timed(sentiment.caveat_flags, comments)
    figures["caveat_flags_s"] = t
    _, t = _timed(sentiment.time_rollup, comments, n_resamples=n_resamples)
    figures["time_rollup_s"] = t
    return figures


def report(figures: dict) -> str:
    f = figures
    lines = [
        f"presslens.sentiment benchmark: {f['sentences_found']:,} sentences in {f['rollup_groups']} synthetic documents "
        f"(seed {f['seed']}), {f['comments']:,} synthetic comments, {f['n_resamples']} bootstrap resamples",
        f"  VADER alone (scores per sentence)     {f['vader_sentences_per_s']:>10,.0f} sentences/s   ({f['vader_s']:.1f} s)",
        f"  sentences_table (split + VADER)       {f['sentences_table_sentences_per_s']:>10,.0f} sentences/s   ({f['sentences_table_s']:.1f} s; "
        f"{f['distinct_sentences']:,} distinct sentences, each scored once)",
        f"  load_corpus                           {f['load_s']:>10.2f} s",
        f"  rollup per document and part          {f['rollup_per_document_s']:>10.2f} s",
        f"  rollup, one group of all sentences    {f['rollup_one_group_s']:>10.2f} s",
        f"  term_mentions ({f['mentions']:,} mentions)       {f['term_mentions_s']:>10.2f} s",
        f"  entity_sentiment (join + roll-up)     {f['entity_sentiment_s']:>10.2f} s",
        f"  thread_table ({f['comments']:,} comments, depth {f['thread_max_depth']})  {f['thread_table_s']:>7.2f} s",
        f"  caveat_flags                          {f['caveat_flags_s']:>10.2f} s",
        f"  time_rollup (hourly)                  {f['time_rollup_s']:>10.2f} s",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=51_000, help="synthetic body sentences drawn (default 51,000; Punkt re-splits a few)")
    parser.add_argument("--comments", type=int, default=20_000, help="synthetic comments (default 20,000)")
    parser.add_argument("--resamples", type=int, default=sentiment.DEFAULT_RESAMPLES, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0, help="seed for drawing the synthetic corpus")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures to OUT/bench_sentiment.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    figures = run(n_sentences=args.sentences, n_comments=args.comments, n_resamples=args.resamples, seed=args.seed)
    print(report(figures))
    if args.out:
        write_json(figures, args.out / "bench_sentiment.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
