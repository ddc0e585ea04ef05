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


def comments_section(corpora: Path) -> dict | None:
    """Comments through the whole HTML path (:func:`read_web_page`) on the annotated pages.

    Per split of ``tests/data/comment_gold`` (dev, eval) and the committed excerpts: comments found of
    those expected, author right, parent right (each in % of expected), pages whose stated count differs,
    comment words left in the article body (4-word shingles of the gold comments found in the body,
    except shingles the page also has outside every comment: a comment quoting the article), pages/s.
    A gold post marked ``opening_post`` (the first post of a forum thread) is right when it is the body.
    """
    from benchmarks import comment_eval as ce
    from presslens.ingest.domcomments import element_text, extract_comments
    from presslens.ingest.webpage import read_web_page
    from presslens.text import decode_bytes

    pages = ce.gold_pages(corpora if (corpora / ce.PAGE_SET).is_dir() else None)
    if not pages:
        print("comments: skipped (no annotated pages)")
        return None
    rows = []
    for split, page, gold in pages:
        markup = decode_bytes(page.read_bytes()).text
        started = time.perf_counter()
        web = read_web_page(markup, name=page.name)
        seconds = time.perf_counter() - started
        found = web.comments
        index = {c.comment_id: i for i, c in enumerate(found)}
        m = ce.match(gold["comments"], found)
        row = {"split": split, "page": page.name, "layout": ",".join(web.layouts), "expected": len(gold["comments"]),
               "found": len(m), "author": 0, "parent": 0, "both": 0, "seconds": seconds,
               "declared_differs": gold.get("declared") != web.declared_comments}
        # a thread's opening post is the document's body on the whole-page path: right when it is there
        opening = [gi for gi, g in enumerate(gold["comments"]) if g.get("opening_post") and gi not in m]
        body_words = ce.tokens(web.body)
        for gi in opening:
            if ce.first_words_match(gold["comments"][gi]["first_words"], " ".join(body_words[:400]), slack=400):
                row["found"] += 1
                row["author"] += 1
                row["parent"] += 1
                row["both"] += 1
        for gi, fi in m.items():
            want, have = gold["comments"][gi], found[fi]
            a_ok = ce.norm_author(want["author"]) == ce.norm_author(have.author)
            gp = want.get("parent")
            parent = index.get(have.reply_to) if have.reply_to else None
            p_ok = parent is None if gp is None else (gp in m and parent == m[gp])
            row["author"] += a_ok
            row["parent"] += p_ok
            row["both"] += a_ok and p_ok
        dom = extract_comments(page.read_bytes())
        body_tree = dom.tree.find("body") if dom.tree is not None else None
        outside = ce.shingles(element_text(body_tree, exclude=[c.element for c in dom.comments if c.element is not None], skip=None)) if body_tree is not None else set()
        body = ce.shingles(web.body)
        if opening and dom.comments:  # words of the opening post (now the body) that a reply quotes are not left over
            outside |= ce.shingles(dom.comments[0].text)
        left = 0
        for gi, g in enumerate(gold["comments"]):
            if gi in opening:
                continue
            sh = ce.shingles(g["first_words"])
            if gi in m:
                sh = (sh | ce.shingles(found[m[gi]].text)) - outside
            left += len(sh & body)
        row["left_in_body"] = left
        rows.append(row)
    result = {}
    print("comments: the HTML path (read_web_page) on the annotated pages of tests/data/comment_gold")
    print(f"  {'split':8} {'pages':>5} {'expected':>8} {'found':>6} {'author':>7} {'parent':>7} {'both':>6} {'left':>5} {'count≠':>6} {'pages/s':>7}")
    for split in ("dev", "eval", "excerpt"):
        part = [r for r in rows if r["split"] == split]
        if not part:
            continue
        exp = sum(r["expected"] for r in part)
        pct = lambda k: round(100.0 * sum(r[k] for r in part) / exp, 1) if exp else 0.0
        secs = sum(r["seconds"] for r in part)
        tot = {"pages": len(part), "expected": exp, "found_pct": pct("found"), "author_pct": pct("author"),
               "parent_pct": pct("parent"), "author_and_parent_pct": pct("both"),
               "comment_shingles_left_in_body": sum(r["left_in_body"] for r in part),
               "declared_count_differs": [r["page"] for r in part if r["declared_differs"]],
               "pages_per_second": round(len(part) / secs, 1) if secs else 0.0}
        result[split] = tot
        print(f"  {split:8} {len(part):5d} {exp:8d} {tot['found_pct']:5.1f}% {tot['author_pct']:6.1f}% {tot['parent_pct']:6.1f}% "
              f"{tot['author_and_parent_pct']:5.1f}% {tot['comment_shingles_left_in_body']:5d} {len(tot['declared_count_differs']):6d} {tot['pages_per_second']:7.1f}")
    for r in rows:
        if r["both"] < r["expected"] or r["left_in_body"]:
            print(f"    {r['split']:7} {r['page'][:50]:50} {r['layout']:12} expected {r['expected']}, found {r['found']}, "
                  f"author+parent right {r['both']}, left in body {r['left_in_body']}")
    return result


#: the benchmark's sections, in order: (name, function of the corpora folder returning figures or None)
SECTIONS = [("aeb", aeb_section), ("comments", comments_section)]


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
