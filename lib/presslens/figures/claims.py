"""Claims across sources: bounds as a reader says them, the claims table, who says what, which sources to show, and
what a chart can draw.

A claim is a population in a conflict (``claim_id``, :func:`~presslens.figures.decide._claim_id`);
the same claim stated by several sources is where they agree or disagree. Nothing here assumes a story:
the default rows are the claims the sources share (:func:`shared_claims`), and a chart that would be empty or
meaningless is replaced by the sentence :func:`nothing_to_draw` writes from the corpus's own figures and numbers.
A bound may be anything a table holds: zero ("no one was killed"), negative, NaN, ``None`` or infinite; only
positive finite bounds are placed on a log scale (:func:`log_bounds`).
"""

from __future__ import annotations

import math
from typing import Sequence

import pandas as pd

from ..display import listing
from ..errors import PresslensError
from ..text import clip
from .lexicon import CONFLICT_LABELS, GROUP_LABELS, KINDS


class FiguresError(PresslensError):
    """The gold file (or another figures input) is malformed: names the file, the line and the problem."""


def _bound(value) -> float:
    """A bound as a float: NaN for an open bound, whatever the table holds (``None``, NaN, an infinity, text)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def log_bounds(low, high) -> tuple[float, float] | None:
    """The bounds a log scale can place: positive and finite, low first; NaN for an open side; ``None`` for none.

    A bound of zero or less has no logarithm: a range "0–50" is placed as "≤ 50", "no deaths"
    (0) and "at least 0" not at all (the tables still list them as stated).

    >>> log_bounds(0.0, 50.0)
    (nan, 50.0)
    >>> log_bounds(0.0, 0.0) is None, log_bounds(None, float("inf")) is None
    (True, True)
    """
    lo, hi = (b if b > 0 else math.nan for b in (_bound(low), _bound(high)))
    if math.isnan(lo) and math.isnan(hi):
        return None
    if lo > hi:
        lo, hi = hi, lo
    return lo, hi


def _fmt(value: float, unit: str = "") -> str:
    value = _bound(value)
    if math.isnan(value):
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
    low, high = _bound(low), _bound(high)
    lo_nan, hi_nan = math.isnan(low), math.isnan(high)
    if lo_nan and hi_nan:
        return ""
    if lo_nan:
        return f"≤ {_fmt(high, unit)}"
    if hi_nan:
        return f"≥ {_fmt(low, unit)}"
    if low == high:
        return ("≈ " if qualifier else "") + _fmt(low, unit)
    return f"{_fmt(low, unit)}–{_fmt(high, unit)}"


def claim_label(claim_id: str) -> str:
    """A claim as a reader names it: the population, then the conflict ("civilians · Iraq war").

    >>> claim_label("deaths:civilians")
    'civilians'
    """
    return _claim_label(claim_id)


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


def headline_claims(figures: pd.DataFrame, *, populations: Sequence[str] | None = None, kind: str = "deaths") -> list[str]:
    """The ``claim_id`` values of ``kind`` for the given populations (claim families such as ``civilians``), in that order.

    Used to pick the rows of the headline chart without writing claim ids by hand. Without
    ``populations``, the claims the sources share (:func:`shared_claims`), so no story's
    populations stand in for another's.
    """
    if populations is None:
        return shared_claims(figures, kind=kind)
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
    """The number a figure is centred on, for comparing sources: the geometric mean of a range, else the one bound given.

    A range reaching zero or below has no geometric mean: its arithmetic mean ("0–50" is centred on 25).
    """
    low, high = _bound(low), _bound(high)
    if math.isnan(low):
        return high
    if math.isnan(high):
        return low
    return math.sqrt(low * high) if low > 0 and high > 0 else (low + high) / 2


#: what each kind counts, as a sentence names it ("no figure of deaths, wounded or displaced people")
_KIND_WORDS = {"deaths": "deaths", "wounded": "wounded", "displaced": "displaced people", "cost": "war costs"}
#: reasons named one by one in the sentence about numbers set aside; the rest are summed
_MAX_REASONS = 8


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def _or(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _kinds_found(figures: pd.DataFrame) -> str:
    counts = figures["kind"].value_counts()
    order = [k for k in KINDS if k in counts] + sorted(k for k in counts.index if k not in KINDS)
    return _and([f"{_KIND_WORDS.get(k, k)} ({int(counts[k]):,})" for k in order])


def set_aside(numbers: pd.DataFrame) -> str:
    """What the numbers read but not taken as figures were, by reason, most frequent first (for a sentence).

    >>> set_aside(pd.DataFrame({"verdict": ["year", "figure", "year", "percentage"]}))
    '3 numbers were read and set aside: year (2) · percentage (1)'
    """
    other = numbers.loc[numbers["verdict"] != "figure", "verdict"].fillna("").astype(str)
    if other.empty:
        return "no other number was read in them"
    counts = other.value_counts()
    reasons = sorted(counts.index, key=lambda v: (-int(counts[v]), v))
    named = [f"{v or 'no reason given'} ({int(counts[v]):,})" for v in reasons[:_MAX_REASONS]]
    rest = reasons[_MAX_REASONS:]
    if rest:
        named.append(f"{_plural(len(rest), 'other reason')} ({int(counts[rest].sum()):,})")
    return f"{_plural(len(other), 'number')} {'was' if len(other) == 1 else 'were'} read and set aside: " + " · ".join(named)


def nothing_to_draw(
    figures: pd.DataFrame,
    numbers: pd.DataFrame | None = None,
    *,
    documents: int,
    kinds: Sequence[str] = KINDS,
    claims: Sequence[str] | None = None,
    min_sources: int = 1,
    log_scale: bool = True,
) -> str:
    """The sentence a report shows instead of a chart that would be empty or meaningless; ``""`` when there is something to draw.

    Written from the corpus's own tables, in one sentence that says what there is:
    no figure at all (and what the numbers read were set aside as, from ``numbers``);
    no figure of ``kinds`` (and which kinds were found); only figures a log scale cannot
    place (zero, negative or missing bounds, :func:`log_bounds`; ``log_scale=False`` for a chart
    that draws them as text); fewer than ``min_sources`` sources (a comparison of one
    source with itself).

    Args:
        figures: the figures table.
        numbers: the numbers table (:func:`~presslens.figures.numbers_table`), to say what was read instead.
        documents: how many documents were read.
        kinds: the kinds the chart draws.
        claims: only these ``claim_id`` values (the chart's rows), when given.
        min_sources: the chart compares sources: fewer than this many is nothing to compare.
        log_scale: the chart places bounds on a log scale.

    >>> f = pd.DataFrame({"kind": ["cost"], "low": [0.0], "high": [0.0], "value_text": ["no"], "claim_id": ["cost:war"], "source": ["a"]})
    >>> nothing_to_draw(f, documents=2, kinds=("deaths",))
    'No figure of deaths was found in the 2 documents; the 1 figure found is of war costs (1).'
    >>> nothing_to_draw(f, documents=2, kinds=("cost",))
    'The 1 figure of war costs found states no number above zero ("no"), which a log scale cannot place; the tables below list it.'
    """
    where = "no document" if documents == 0 else ("the document" if documents == 1 else f"the {documents:,} documents")
    if figures.empty:
        said = "No casualty, displacement or cost figures were found in " + where
        return said + ("." if numbers is None else f"; {set_aside(numbers)}.")
    words = _or([_KIND_WORDS.get(k, k) for k in kinds])
    data = figures[figures["kind"].isin(kinds)]
    if data.empty:
        found = "is" if len(figures) == 1 else "are"
        return f"No figure of {words} was found in {where}; the {_plural(len(figures), 'figure')} found {found} of {_kinds_found(figures)}."
    if claims is not None:
        data = data[data["claim_id"].isin(claims)]
        if data.empty:
            return f"None of the {_plural(len(claims), 'claim')} asked for is stated in {where}; the figures of {words} found are in the tables below."
    if log_scale:
        placed = [log_bounds(lo, hi) is not None for lo, hi in zip(data["low"], data["high"])]
        if not any(placed):
            said = listing(dict.fromkeys(f'"{v}"' for v in data["value_text"].fillna("").astype(str)), 4, sep=", ")
            one = len(data) == 1
            return (f"The {_plural(len(data), 'figure')} of {words} found {'states' if one else 'state'} no number above zero ({said}), "
                    f"which a log scale cannot place; the tables below list {'it' if one else 'them'}.")
    sources = data["source"].unique()
    if len(sources) < min_sources:
        of_words = "" if set(KINDS) <= set(kinds) else f" of {words}"
        if len(sources) == 1:
            return (f"Only one source states figures{of_words} ({sources[0]}: {_plural(len(data), 'figure')} in "
                    f"{_plural(data['claim_id'].nunique(), 'claim')}): there is no other source to compare it with; "
                    "the tables below list its figures.")
        return f"The figures{of_words} come from {_plural(len(sources), 'source')}, fewer than the {min_sources} a comparison needs."
    return ""
