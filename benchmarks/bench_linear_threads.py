"""Comment threads are linear in their input: each hot spot timed at n, 4n and 16n comments.

Issue #19 measured superlinear costs in comment threading; this benchmark
builds each case from realistic pages and prints the time ratios (linear is
4x and 16x) and the time per comment:

* ``deep_chain``: one wpDiscuz-style text page (seed 000's layout: the author
  twice, the indented name replied to, the time, the text) whose comments each
  answer the one before, a reply chain as deep as the page is long; timed from
  the page's lines to the reply tree, its indented view and its chart, with the
  chart's HTML size (the report's share of it);
* ``deep_chain_html``: the same chain in a WordPress page's HTML (``li.comment`` nested in
  ``ol.children``), through ``extract_comments`` (libxml2 stops nesting at 2,048 levels: the
  page's deepest comments are cut there, with a warning);
* ``unknown_names``: a page whose replies name people who never commented
  ("in reply to X"), half its comments; and a flat forum page in HTML whose
  posts open with "@name" of no poster (``extract_comments``);
* ``top_level``: a page of many top-level comments, a few with a reply, drawn
  by the thread chart;
* ``notebook02``: notebook 02's own code cells (commentary sentiment), run in
  this process on a one-page corpus of n comments (a realistic mix: replies to
  earlier commenters, comments drawn from the seeds), with the slowest cells.

Run on demand (not a test; figures depend on the machine, which may be shared)::

    .venv/bin/python -m benchmarks --only linear_threads                # with the others' runner
    .venv/bin/python -m benchmarks.bench_linear_threads                 # all cases
    .venv/bin/python -m benchmarks.bench_linear_threads --only deep_chain --n 100
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import logging
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from presslens import sentiment
from presslens.corpus import load_corpus
from presslens.ingest.comments import locate_comments
from presslens.ingest.domcomments import extract_comments
from presslens.io import write_json
from presslens.paths import project_root, seeds_dir
from presslens.tables import comments_table
from presslens.text import clear_memos, scores

#: sizes per case: n, 4n, 16n comments (the deep chain's 16n is the issue's 1,500-deep chain)
SIZES = {"deep_chain": 100, "deep_chain_html": 100, "unknown_names": 1000, "unknown_mentions": 250, "top_level": 100, "notebook02": 60}
START = datetime(2019, 11, 30, 15, 0)


def _texts() -> list[str]:
    """The seeds' comment texts, one paragraph each (what readers write, not lorem ipsum)."""
    texts = [t.replace("\n\n", " ").replace("\n", " ").strip() for t in comments_table(load_corpus(seeds_dir()))["text"]]
    return [t for t in texts if t][:60]


def _when(k: int) -> str:
    t = START + timedelta(minutes=3 * k)
    return f"{t:%B} {t.day}, {t.year} {t.hour % 12 or 12}:{t:%M} {'am' if t.hour < 12 else 'pm'}"


def text_page(comments: list[tuple[str, str | None, str]]) -> str:
    """A copied article page in seed 000's threaded layout: ``(author, name replied to or None, text)`` per comment."""
    lines = ["Why the war was a blunder", "", "By A. Writer", "",
             "The war in Iraq was a strategic blunder, and the region still pays for it. " * 3, "",
             f"{len(comments)} Comments", ""]
    for k, (author, reply, text) in enumerate(comments):
        lines += [author, author] + ([f"\u00a0 {reply}"] if reply else []) + [_when(k), "", text, ""]
    return "\n".join(lines) + "\n"


def deep_chain(n: int, texts: list[str]) -> list[tuple[str, str | None, str]]:
    """Each comment answers the one before it: a reply chain ``n`` deep."""
    return [(f"Reader {k:05d}", f"Reader {k - 1:05d}" if k else None, texts[k % len(texts)]) for k in range(n)]


def unknown_names(n: int, texts: list[str]) -> list[tuple[str, str | None, str]]:
    """Every other comment replies to a name that never commented on the page."""
    return [(f"Reader {k:05d}", f"Ghost {k:05d}" if k % 2 else None, texts[k % len(texts)]) for k in range(n)]


def top_level(n: int, texts: list[str]) -> list[tuple[str, str | None, str]]:
    """Mostly top-level comments; one in ten answers the comment before it."""
    return [(f"Reader {k:05d}", f"Reader {k - 1:05d}" if k % 10 == 9 else None, texts[k % len(texts)]) for k in range(n)]


def realistic(n: int, texts: list[str], seed: int = 0) -> list[tuple[str, str | None, str]]:
    """A busy comment section: 3 comments per commenter on average, 40% replies to someone who commented earlier."""
    rng = random.Random(seed)
    people = [f"{rng.choice(['Ann', 'Bob', 'Jai', 'Lee', 'Mo', 'Sam', 'Kim', 'Ola'])} {rng.choice('ABCDEFGHJKLMNPRSTW')}.{k}" for k in range(max(1, n // 3))]
    out: list[tuple[str, str | None, str]] = []
    for k in range(n):
        author = rng.choice(people)
        reply = rng.choice(out)[0] if out and rng.random() < 0.4 else None
        out.append((author, reply if reply != author else None, texts[rng.randrange(len(texts))]))
    return out


def mention_forum(n: int, texts: list[str]) -> str:
    """A flat forum thread in HTML (no threading markup) whose posts open with "@name" of nobody on the page."""
    posts = []
    for k in range(n):
        text = (f"@ghost{k:05d} " if k % 2 else "") + texts[k % len(texts)]
        posts.append(f'<div class="comment" id="c{k}"><div class="comment-author">reader{k:05d}</div>'
                     f'<time datetime="{(START + timedelta(minutes=3 * k)).isoformat()}">{_when(k)}</time>'
                     f'<div class="comment-content"><p>{text}</p></div></div>')
    return ('<html><body><article><h1>Thread</h1><p>' + "The war was a blunder. " * 20 + '</p></article>'
            f'<section id="comments" class="comments"><h2>{n} comments</h2>' + "".join(posts) + "</section></body></html>")


def wordpress_chain(n: int, texts: list[str]) -> str:
    """A WordPress page in HTML whose comments each answer the one before: ``li.comment`` nested ``n`` deep."""
    opened = []
    for k in range(n):
        opened.append(f'<li class="comment" id="comment-{k + 1}"><article class="comment-body" id="div-comment-{k + 1}">'
                      f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Reader {k:05d}</b></div>'
                      f'<div class="comment-metadata"><a href="#comment-{k + 1}"><time datetime="{(START + timedelta(minutes=3 * k)).isoformat()}">'
                      f'{_when(k)}</time></a></div></footer><div class="comment-content"><p>{texts[k % len(texts)]}</p></div>'
                      f'<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article>'
                      + ('<ol class="children">' if k + 1 < n else ""))
    closing = "</li></ol>" * (n - 1) + "</li>"
    return ('<html><body><article><h1>Post</h1><p>' + "The war was a blunder. " * 20 + '</p></article>'
            f'<div id="comments" class="comments-area"><h2 class="comments-title">{n} thoughts on "Post"</h2>'
            '<ol class="comment-list">' + "".join(opened) + closing + "</ol></div></body></html>")


def _comments_frame(located, doc_id: str = "page") -> pd.DataFrame:
    rows = []
    for c in located.comments:
        s = scores(c.text)
        rows.append({"doc_id": doc_id, "comment_id": c.comment_id, "author": c.author, "posted": c.posted,
                     "reply_to": c.reply_to or "", "depth": c.depth, "text": c.text, "compound": s["compound"],
                     "pos": s["pos"], "neu": s["neu"], "neg": s["neg"], "label": sentiment.label(s["compound"]),
                     "line": c.line})
    return pd.DataFrame(rows)


def _chart_html(fig) -> int:
    return len(fig.to_html(include_plotlyjs=False, full_html=False).encode("utf-8"))


def thread_stages(lines: list[str], *, chart: bool = True) -> dict:
    """From a page's lines to its reply tree, indented view and chart; seconds per stage and the chart's HTML bytes."""
    out: dict = {}
    t0 = time.perf_counter()
    located = locate_comments(lines)
    out["parse_s"] = time.perf_counter() - t0
    out["comments"] = len(located.comments)
    out["max_depth"] = max((c.depth for c in located.comments), default=0)
    frame = _comments_frame(located)
    t0 = time.perf_counter()
    threads = sentiment.thread_table(frame)
    out["thread_table_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    view = sentiment.thread_view(threads, doc_id="page")
    out["thread_view_s"] = time.perf_counter() - t0
    out["thread_view_cells"] = int(view.shape[0] * view.shape[1])
    if chart:
        t0 = time.perf_counter()
        fig = sentiment.thread_chart(threads, doc_id="page", source="bench")
        out["thread_chart_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        out["chart_html_bytes"] = _chart_html(fig)
        out["chart_html_s"] = time.perf_counter() - t0
        out["chart_points"] = sum(len(tr.x) for tr in fig.data if tr.name == "comment")
    out["total_s"] = sum(v for k, v in out.items() if k.endswith("_s"))
    return out


def notebook02(n: int, texts: list[str], *, folder: Path) -> dict:
    """Notebook 02's code cells on a one-page corpus of ``n`` comments; seconds per cell (the slowest named)."""
    corpus_dir = folder
    corpus_dir.mkdir(parents=True)
    (corpus_dir / "page.txt").write_text(text_page(realistic(n, texts)), encoding="utf-8")
    nb = json.loads((project_root() / "notebooks" / "02_commentary_sentiment.ipynb").read_text(encoding="utf-8"))
    cells = [("".join(c["source"]), c.get("metadata", {}).get("tags", [])) for c in nb["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    times = []
    clear_memos()
    for number, (source, tags) in enumerate(cells):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            tree = ast.parse(source)
            value = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"<02 cell {number}>", "exec"), namespace)
            if "parameters" in tags:
                namespace["corpus_dir"] = str(corpus_dir)
            if value is not None:  # the cell's value, rendered as the report would
                _render(eval(compile(ast.Expression(value.value), f"<02 cell {number}>", "eval"), namespace))
        times.append((time.perf_counter() - started, number, source.strip().splitlines()[0][:70]))
    total = sum(t for t, _, _ in times)
    return {"comments": int(len(namespace["comments"])), "total_s": total,
            "slowest": [{"s": round(t, 3), "cell": c, "first_line": line} for t, c, line in sorted(times, reverse=True)[:4]]}


def _render(value) -> None:
    """Render a cell's value as the report would (a figure to HTML, a table to HTML)."""
    if value is None:
        return
    if hasattr(value, "to_html") and hasattr(value, "data") and hasattr(value, "layout"):
        value.to_html(include_plotlyjs=False, full_html=False)
    elif hasattr(value, "_repr_html_"):
        value._repr_html_()


def _sizes(n: int) -> list[int]:
    return [n, 4 * n, 16 * n]


def measure(case: str, size: int, texts: list[str], folder: Path) -> dict:
    """One case at one size."""
    if case == "deep_chain":
        return thread_stages(text_page(deep_chain(size, texts)).splitlines())
    if case == "unknown_names":
        return thread_stages(text_page(unknown_names(size, texts)).splitlines(), chart=False)
    if case == "top_level":
        return thread_stages(text_page(top_level(size, texts)).splitlines())
    if case == "deep_chain_html":
        html = wordpress_chain(size, texts)
        t0 = time.perf_counter()
        found = extract_comments(html)
        return {"total_s": time.perf_counter() - t0, "comments": len(found.comments), "platform": found.platform,
                "max_depth": max((c.depth for c in found.comments), default=0)}
    if case == "unknown_mentions":
        html = mention_forum(size, texts)
        t0 = time.perf_counter()
        found = extract_comments(html)
        return {"total_s": time.perf_counter() - t0, "comments": len(found.comments), "platform": found.platform}
    return notebook02(size, texts, folder=folder)


def run(cases: list[str], *, scale: float = 1.0, budget: float = 120.0) -> dict:
    """Each case at n, 4n, 16n (after an unreported warm-up at 10); a size is skipped when it would take over ``budget`` s."""
    texts = _texts()
    figures: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            base = max(1, int(SIZES[case] * scale))
            measure(case, min(10, base), texts, Path(tmp) / f"warm_{case}")  # imports, plotly's validators, memos
            runs: list[dict] = []
            for size in _sizes(base):
                if runs and runs[-1]["total_s"] * 4.5 > budget:
                    runs.append({"n": size, "skipped": f"over the {budget:.0f} s budget"})
                    break
                result = measure(case, size, texts, Path(tmp) / f"{case}_{size}")
                result["n"] = size
                runs.append(result)
            timed = [r for r in runs if "skipped" not in r]
            ratios = {f"{r['n'] // base}n/n": round(r["total_s"] / timed[0]["total_s"], 2) for r in timed[1:]}
            figures[case] = {"runs": runs, "ratios": ratios}
    return figures


def report(figures: dict) -> str:
    lines = ["comment threads, time for n, 4n, 16n comments (linear: 4x and 16x)"]
    for case, f in figures.items():
        lines.append(f"  {case:<17} ratios {json.dumps(f['ratios'])}")
        for r in f["runs"]:
            if "skipped" in r:
                lines.append(f"      n={r['n']:>6}: skipped ({r['skipped']})")
                continue
            extra = ""
            if "chart_html_bytes" in r:
                extra += f", chart HTML {r['chart_html_bytes'] / 1e6:.2f} MB ({r['chart_points']} comments drawn)"
            if "thread_view_cells" in r:
                extra += f", view {r['thread_view_cells']:,} cells"
            if "max_depth" in r:
                extra += f", depth {r['max_depth']}"
            stages = ", ".join(f"{k[:-2]} {v:.2f}" for k, v in r.items() if k.endswith("_s") and k != "total_s")
            lines.append(f"      n={r['n']:>6}: {r['total_s']:8.2f} s, {1000 * r['total_s'] / r['n']:7.2f} ms/comment{extra}"
                         + (f" [{stages}]" if stages else ""))
            for slow in r.get("slowest", []):
                lines.append(f"          cell {slow['cell']:>2} {slow['s']:7.2f} s  {slow['first_line']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=list(SIZES), choices=list(SIZES), help="cases to run")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's n (default sizes: %s)" % SIZES)
    parser.add_argument("--budget", type=float, default=120.0, help="skip a size expected to take longer than this (s)")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures to OUT/bench_linear_threads.json")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the pages' own warnings (names nobody has, a DOM cut by the parser) are expected
    figures = run(args.only, scale=args.scale, budget=args.budget)
    if args.out:
        write_json(figures, args.out / "bench_linear_threads.json")
    print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
