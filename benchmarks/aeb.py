"""The Article Extraction Benchmark's metric (scrapinghub/article-extraction-benchmark, ``evaluate.py``), re-implemented.

Tokens are ``\\w+`` runs; a text becomes the multiset of its 4-token shingles (a text
shorter than four tokens is one shingle of all of them). Per page, true positives
(shared shingles), false positives (extracted only) and false negatives (gold only)
are normalised to sum to 1. Precision and recall are means over the pages where they
are defined; F1 is the harmonic mean of the two means (not a mean of per-page F1s).

Check: the benchmark README's published scores are for all 181 pages, while the
development set here holds 79 of them, so the check is against the prototype
(``/work/wt/dev14/aeb.py``, written from ``evaluate.py``, which gave trafilatura
2.3.1 F1 0.960 on all 181 pages, as NOTES.md records). On the same 79 pages both
score trafilatura (``include_comments=False``) P 0.940, R 0.976, F1 0.958, and
``tests/test_webpage.py`` asserts the two implementations agree page by page when
the prototype is present.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def corpora_dir(explicit: str | Path | None = None) -> Path:
    """Where the development corpora are: the argument, else :func:`benchmarks.corpora.corpora_dir`."""
    from benchmarks.corpora import corpora_dir as found

    return Path(explicit) if explicit else found()


def shingles(text: str, n: int = SHINGLE) -> Counter:
    """The multiset of ``n``-token shingles of a text.

    >>> sorted(shingles("a b c d e").items())
    [(('a', 'b', 'c', 'd'), 1), (('b', 'c', 'd', 'e'), 1)]
    """
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_scores(pred: str, gold: str) -> tuple[float | None, float | None]:
    """One page's (precision, recall); None where undefined (nothing extracted, or an empty gold)."""
    p, g = shingles(pred), shingles(gold)
    tp, fp, fn = sum((p & g).values()), sum((p - g).values()), sum((g - p).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    precision = None if tp + fp == 0 else (1.0 if fp == fn == 0 else tp / (tp + fp))
    recall = None if tp + fn == 0 else (1.0 if fp == fn == 0 else tp / (tp + fn))
    return precision, recall


@dataclass(frozen=True)
class Score:
    """Mean precision and recall over pages, their F1, and the number of pages."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def aggregate(per_page: dict[str, tuple[float | None, float | None]], ids=None) -> Score:
    """The benchmark's aggregate over ``ids`` (all pages when None)."""
    keys = list(per_page) if ids is None else [k for k in ids if k in per_page]
    ps = [per_page[k][0] for k in keys if per_page[k][0] is not None]
    rs = [per_page[k][1] for k in keys if per_page[k][1] is not None]
    return Score(statistics.fmean(ps) if ps else 0.0, statistics.fmean(rs) if rs else 0.0, len(keys))


def is_dev(page_id: str) -> bool:
    """The split: pages whose id's first hex byte is even are development, odd are held out."""
    return int(page_id[:2], 16) % 2 == 0


def load_pages(folder: Path) -> dict[str, tuple[str, str]]:
    """``{id: (html, gold article body)}`` of an AEB folder (``<id>.html`` + ``ground-truth.json``)."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return {
        pid: ((folder / f"{pid}.html").read_text(encoding="utf-8", errors="replace"), item["articleBody"])
        for pid, item in sorted(truth.items())
        if (folder / f"{pid}.html").exists()
    }
