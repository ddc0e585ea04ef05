"""Benchmark HTML ingestion on real saved pages: article text on the Article Extraction Benchmark, side by side with trafilatura.

Section ``aeb``: the AEB token-shingle precision, recall and F1 (:mod:`benchmarks.aeb`,
the benchmark's own metric) of presslens's body (:func:`presslens.ingest.webpage.read_web_page`)
and of trafilatura 2.3.1 called as the benchmark calls it (``include_comments=False``),
on ``aeb-dev`` (79 of the 181 pages), split into development (page id's first hex
byte even), held out (odd) and all, plus pages per second. The held-out figures are
the ones to quote; rules were developed on the development half only. These are
development-corpus figures, not evaluation results.

Sections are a list (:data:`SECTIONS`): a comment evaluation can be added beside
``aeb`` as one more ``(name, function)`` entry. A section whose corpus is absent
prints that it was skipped and the run goes on.

Run on demand (not a test; speed depends on the machine)::

    .venv/bin/python -m benchmarks.bench_ingest [--corpora DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.aeb import aggregate, corpora_dir, is_dev, load_pages, page_scores  # noqa: E402

SPLITS = (("dev", True), ("held-out", False), ("all", None))


def _extract_presslens(markup: str, name: str) -> str:
    from presslens.ingest.webpage import read_web_page

    return read_web_page(markup, name=name).body


def _extract_trafilatura(markup: str, name: str) -> str:
    import trafilatura

    return trafilatura.extract(markup, include_comments=False) or ""


EXTRACTORS = (("presslens", _extract_presslens), ("trafilatura 2.3.1", _extract_trafilatura))


def aeb_section(corpora: Path) -> dict | None:
    """AEB P/R/F1 per extractor and split, and pages per second; None when ``aeb-dev`` is absent."""
    folder = corpora / "aeb-dev"
    if not (folder / "ground-truth.json").exists():
        print(f"aeb: skipped ({folder} not found)")
        return None
    pages = load_pages(folder)
    result: dict = {"pages": len(pages), "extractors": {}}
    print(f"aeb: {len(pages)} pages of {folder} (dev = first hex byte even, held-out = odd)")
    print(f"  {'extractor':18} {'split':9} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for label, extract in EXTRACTORS:
        per_page = {}
        started = time.perf_counter()
        for pid, (markup, gold) in pages.items():
            per_page[pid] = page_scores(extract(markup, f"{pid}.html"), gold)
        seconds = time.perf_counter() - started
        rows = {}
        for split, dev in SPLITS:
            ids = [k for k in per_page if dev is None or is_dev(k) == dev]
            score = aggregate(per_page, ids)
            rows[split] = {"pages": score.pages, "precision": score.precision, "recall": score.recall, "f1": score.f1}
            print(f"  {label:18} {split:9} {score.pages:5d} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}")
        low = sorted((min(v for v in pr if v is not None), k) for k, pr in per_page.items() if any(v is not None for v in pr))
        rows["pages_per_second"] = len(pages) / seconds if seconds else 0.0
        rows["worst_pages"] = [{"id": k[:12], "min_p_r": round(v, 3)} for v, k in low[:5]]
        print(f"  {label:18} {len(pages) / seconds:6.1f} pages/s; lowest min(P, R): "
              + ", ".join(f"{k[:10]} {v:.2f}" for v, k in low[:3]))
        result["extractors"][label] = rows
    return result


#: the benchmark's sections, in order: (name, function of the corpora folder returning figures or None)
SECTIONS = [("aeb", aeb_section)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=None, help="folder holding aeb-dev/ (default: PRESSLENS_CORPORA, ../shared/corpora)")
    parser.add_argument("--out", type=Path, default=None, help="folder for bench_ingest.json")
    parser.add_argument("--only", nargs="+", default=[], help="run only these sections")
    args = parser.parse_args(argv)
    corpora = corpora_dir(args.corpora)
    figures = {}
    for name, section in SECTIONS:
        if args.only and name not in args.only:
            continue
        figures[name] = section(corpora)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "bench_ingest.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
