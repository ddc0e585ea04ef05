"""Claims across sources: bounds as a reader says them, the claims table, who says what, and which sources to show.

A claim is a population in a conflict (``claim_id``, :func:`~presslens.figures.decide._claim_id`);
the same claim stated by several sources is where they agree or disagree.
"""

from __future__ import annotations

import math
from typing import Sequence

import pandas as pd

from ..errors import PresslensError
from ..text import clip
from .lexicon import CONFLICT_LABELS, GROUP_LABELS


class FiguresError(PresslensError):
    """The gold file (or another figures input) is malformed: names the file, the line and the problem."""


def _fmt(value: float, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            text = f"{value / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
            break
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(unit, "")
    return sign + text


def format_bounds(low: float, high: float, *, unit: str = "", qualifier: str = "") -> str:
    """Bounds as a reader says them: "8,175", "≈ 300,000", "≤ 4,500", "≥ 335,000", "80,000–600,000".

    >>> format_bounds(float("nan"), 4500.0)
    '≤ 4,500'
    >>> format_bounds(6.4e12, 6.4e12, unit="USD", qualifier="an estimated")
    '≈ $6.4 trillion'
    """
    lo_nan = low is None or math.isnan(low)
    hi_nan = high is None or math.isnan(high)
    if lo_nan and hi_nan:
        return ""
    if lo_nan:
        return f"≤ {_fmt(high, unit)}"
    if hi_nan:
        return f"≥ {_fmt(low, unit)}"
    if low == high:
        return ("≈ " if qualifier else "") + _fmt(low, unit)
    return f"{_fmt(low, unit)}–{_fmt(high, unit)}"


def _claim_label(claim_id: str) -> str:
    kind, _, rest = claim_id.partition(":")
    family, _, conflict = rest.partition("@")
    label = GROUP_LABELS.get(family, family.replace("_", " "))
    if conflict:
        label += f" · {CONFLICT_LABELS.get(conflict, conflict.replace('_', ' '))}"
    if family.endswith("_per_side"):
        label = f"{CONFLICT_LABELS.get(family[: -len('_per_side')], family)}, each side"
    if family.endswith("_total") and not conflict:
        label = f"all deaths · {CONFLICT_LABELS.get(family[: -len('_total')], family)}"
    return label


def claims_table(figures: pd.DataFrame, *, max_chars: int = 160) -> pd.DataFrame:
    """The claims with their sentences, for reading: source, claim, as stated, hedge, bounds, population, sentence."""
    frame = figures.assign(
        claim=figures["claim_id"].map(_claim_label),
        bounds=[format_bounds(lo, hi, unit=u, qualifier=q) for lo, hi, u, q in zip(figures["low"], figures["high"], figures["unit"], figures["qualifier"])],
        sentence=figures["sentence"].map(lambda s: clip(s, max_chars)),
    )
    frame = frame.sort_values(["kind", "claim", "doc_id", "part", "comment_id", "num_start"], ignore_index=True, kind="stable")
    return frame[["kind", "claim", "source", "value_text", "qualifier", "bounds", "who", "sentence", "claim_id"]]


def figures_for_display(figures: pd.DataFrame, *, max_chars: int = 160) -> pd.DataFrame:
    """The figures table as a reader wants it on screen: bounds with thousands separators (empty = open), sentences clipped."""
    def number(value: float) -> str:
        return "" if pd.isna(value) else f"{value:,.2f}".rstrip("0").rstrip(".")

    columns = ["doc_id", "part", "comment_id", "kind", "low", "high", "qualifier", "unit", "who", "group", "claim_id",
               "start", "end", "num_start", "num_end", "sentence"]
    return figures.assign(
        low=figures["low"].map(number), high=figures["high"].map(number), sentence=figures["sentence"].map(lambda s: clip(s, max_chars)),
    )[columns]


def who_says_what(figures: pd.DataFrame) -> pd.DataFrame:
    """A claims x sources matrix: what each source says for each claim (empty when it says nothing).

    Rows are claims (population and conflict), columns the sources; a cell lists
    the source's figures for the claim as bounds ("≤ 4,500"), so agreement and
    disagreement read across a row.
    """
    if figures.empty:
        return pd.DataFrame()
    cells = figures.assign(
        claim=figures["kind"] + " · " + figures["claim_id"].map(_claim_label),
        says=[format_bounds(lo, hi, unit=u, qualifier=q) for lo, hi, u, q in zip(figures["low"], figures["high"], figures["unit"], figures["qualifier"])],
    )
    matrix = cells.groupby(["claim", "source"], sort=True)["says"].agg(lambda s: "; ".join(dict.fromkeys(s))).unstack("source")
    matrix = matrix.reindex(columns=sorted(cells["source"].unique())).fillna("")
    matrix.columns.name = "source"
    return matrix


def headline_claims(figures: pd.DataFrame, *, populations: Sequence[str] = ("us", "iraqis"), kind: str = "deaths") -> list[str]:
    """The ``claim_id`` values of ``kind`` for the given populations (claim families such as ``us``, ``iraqis``), in that order.

    Used to pick the rows of the headline chart without writing claim ids by hand.
    """
    out = []
    for population in populations:
        ids = sorted({c for c in figures.loc[figures["kind"] == kind, "claim_id"] if c.split(":", 1)[1].split("@")[0] == population})
        out.extend(ids)
    return out


def shared_claims(figures: pd.DataFrame, *, kind: str = "deaths", min_sources: int = 2, n: int = 6) -> list[str]:
    """The ``claim_id`` values of ``kind`` that at least ``min_sources`` sources state: where sources can disagree.

    Most sources first, then most figures, then the claim id; at most ``n``. With
    none, the claims of ``kind`` with the most figures (at most ``n``), so a corpus
    whose sources never meet still gets its headline rows.

    >>> f = pd.DataFrame({"kind": ["deaths"] * 3, "claim_id": ["deaths:a", "deaths:a", "deaths:b"], "source": ["x", "y", "x"]})
    >>> shared_claims(f)
    ['deaths:a']
    """
    sub = figures[figures["kind"] == kind]
    if sub.empty:
        return []
    stats = sub.groupby("claim_id").agg(sources=("source", "nunique"), figures=("source", "size")).reset_index()
    stats = stats.sort_values(["sources", "figures", "claim_id"], ascending=[False, False, True])
    shared = stats[stats["sources"] >= min_sources]
    return (shared if len(shared) else stats)["claim_id"].head(n).tolist()


def spread_sources(figures: pd.DataFrame, n: int) -> pd.DataFrame:
    """The figures of at most ``n`` sources per claim: the sources with the lowest and the highest figure and evenly between.

    Sources are ranked within a claim by their middle figure (:func:`_midpoint`,
    the median over their figures), ties by name; ``n`` ranks are taken evenly
    from first to last, so the spread between sources, the point of the chart,
    stays visible. Every figure of a kept source is kept. Claims with ``n`` sources
    or fewer are untouched.
    """
    if n < 1:
        raise FiguresError(f"n must be at least 1, got {n!r}")
    mids = figures.assign(_m=[_midpoint(lo, hi) for lo, hi in zip(figures["low"], figures["high"])])
    keep: set[tuple[str, str]] = set()
    for claim, sub in mids.groupby("claim_id", sort=True):
        ranked = sub.groupby("source")["_m"].median().reset_index().sort_values(["_m", "source"], kind="stable")["source"].tolist()
        if len(ranked) <= n:
            picks = ranked
        elif n == 1:
            picks = [ranked[-1]]
        else:
            picks = [ranked[round(k * (len(ranked) - 1) / (n - 1))] for k in range(n)]
        keep.update((claim, src) for src in picks)
    mask = [(c, src) in keep for c, src in zip(figures["claim_id"], figures["source"])]
    return figures[mask]


def top_sources(figures: pd.DataFrame, n: int) -> list[str]:
    """The ``n`` sources stating the most figures (ties by name), for charts and tables with a column per source."""
    counts = figures.groupby("source").size()
    return sorted(counts.index, key=lambda src: (-int(counts[src]), src))[:n]


def _midpoint(low: float, high: float) -> float:
    """The number a figure is centred on, for comparing sources: the geometric mean of a range, else the one bound given."""
    if math.isnan(low):
        return high
    if math.isnan(high):
        return low
    return math.sqrt(low * high)
