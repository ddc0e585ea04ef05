"""What every chart shares: the palette, each source's colour, log-axis ticks and the source note. A leaf that never imports plotly.

Chart modules (each stage's ``charts``) import plotly; this module only takes
a figure and calls its methods, so the computation side can name colours
without loading plotly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .text.markup import chart_text

#: the ten colours of charts; a source's colour is :func:`source_colours`'s
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


#: pixels a line of x-axis tick labels takes (plotly's default 12 px font and its line spacing)
TICK_LINE_PIXELS = 15


def x_tick_lines(fig: Any) -> int:
    """How many lines the x-axis tick labels of ``fig`` take: the most ``<br>`` breaks in a text label, plus one.

    Text categories on the x axis (a heatmap's wrapped document labels) and
    ``ticktext`` count; numbers, dates and traces drawn on other axes count as one line.

    >>> import plotly.graph_objects as go
    >>> x_tick_lines(go.Figure(go.Heatmap(z=[[1, 2]], x=["a<br>b<br>c", "d"], y=["r"])))
    3
    >>> x_tick_lines(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))
    1
    """
    labels: list = list(getattr(fig.layout.xaxis, "ticktext", None) or [])
    for trace in fig.data:
        if getattr(trace, "xaxis", None) in (None, "x") and getattr(trace, "orientation", None) != "h":
            values = getattr(trace, "x", None)
            if values is not None:
                labels.extend(v for v in values if isinstance(v, str))
    return 1 + max((label.count("<br>") for label in labels if isinstance(label, str)), default=0)


def add_source(fig: Any, source: str) -> Any:
    """Put a "Source: ..." note under the plot, as analysts expect on every chart.

    The note is pinned a number of pixels under the plot area, below the x-axis
    tick labels and title (lower by a line for each line the tick labels take
    beyond one, :func:`x_tick_lines`, so wrapped labels never push the title
    onto it), and stays inside the figure however tall the chart is.
    """
    extra = TICK_LINE_PIXELS * (x_tick_lines(fig) - 1)
    fig.add_annotation(
        text=f"Source: {chart_text(source)}",
        xref="paper", yref="paper", x=0, y=0, yshift=-72 - extra, xanchor="left", yanchor="top",
        showarrow=False, font={"size": 11, "color": "#555"},
    )
    bottom = (fig.layout.margin.b or 0) if fig.layout.margin else 0
    fig.update_layout(margin={"b": max(bottom, 110 + extra)})
    return fig


#: what a label adds to its document's label for one of its parts ("004 · The Intercept · reader comment")
_PART_SUFFIX = re.compile(r"(?:\s*·\s*|<br>)reader comments?$")
_NUMBER = re.compile(r"^(\d+)")


def source_key(label: str) -> str:
    """The document a source label names: the label without its " · reader comment" part.

    >>> source_key("004 · The Intercept · reader comment"), source_key("004_5ef0e76b6908624d")
    ('004 · The Intercept', '004_5ef0e76b6908624d')
    """
    return _PART_SUFFIX.sub("", str(label)).strip()


def source_colours(labels: Iterable[str] | Mapping[str, str]) -> dict[str, str]:
    """One colour per source label, the same in every chart of a run: ``label -> colour``.

    ``labels`` is the corpus's ordered list of sources (labels such as
    "004 · The Intercept", doc_ids, or outlet names), or its ``doc_id -> label``
    mapping (:func:`presslens.entities.source_labels`), which gives the doc_id and
    the label the same colour, so charts keyed either way agree. A label and its
    " · reader comment" variant share their document's colour. When every
    source is numbered, a document takes the colour of its number (004 is always
    ``PALETTE[4]``), so a chart drawing only some of the documents colours them
    as every other chart does; otherwise a source takes the colour of its
    position in ``labels``: pass the corpus's list (the ``colours`` argument of
    the charts) for the same colours across charts.

    >>> colours = source_colours(["000 · A", "004 · The Intercept", "004 · The Intercept · reader comment"])
    >>> colours["004 · The Intercept"] == colours["004 · The Intercept · reader comment"] == PALETTE[4]
    True
    >>> by_doc = source_colours({"ap": "ap · AP", "bbc": "bbc · BBC"})
    >>> by_doc["bbc"] == by_doc["bbc · BBC"] == PALETTE[1]
    True
    """
    pairs = [(str(k), str(v)) for k, v in labels.items()] if isinstance(labels, Mapping) else [(str(v), str(v)) for v in labels]
    keys = list(dict.fromkeys(source_key(k) for k, _ in pairs))
    numbered = all(_NUMBER.match(key) for key in keys)
    index = {key: int(_NUMBER.match(key).group(1)) if numbered else i for i, key in enumerate(keys)}
    out: dict[str, str] = {}
    for key, label in pairs:
        colour = PALETTE[index[source_key(key)] % len(PALETTE)]
        out.setdefault(key, colour)
        out.setdefault(label, colour)
    return out


def chart_colours(drawn: Iterable[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The colours a chart uses: ``given`` (the corpus's :func:`source_colours`) over defaults for the labels ``drawn``.

    A source missing from ``given`` (an outlet where the corpus lists documents)
    still gets a colour of its own from its place among ``drawn``.
    """
    drawn = sorted({str(d) for d in drawn})
    given = dict(given or {})
    known = {d: given[d] if d in given else given[source_key(d)] for d in drawn if d in given or source_key(d) in given}
    return {**source_colours(drawn), **known, **given}


def log_ticks(low: float, high: float, *, money: bool = False, steps: tuple[int, ...] = (1, 2, 5)) -> tuple[list[float], list[str]]:
    """Tick values and plain labels for a log axis from ``low`` to ``high``: 1, 2, 5 per decade, written in full.

    Labels are whole numbers with k, M, B and T for thousands, millions, billions
    and trillions ("50k", "2M", "$1T"), the same style on every chart; with many
    decades only the powers of ten are kept, so labels never crowd.

    >>> log_ticks(3, 40)
    ([2, 5, 10, 20, 50], ['2', '5', '10', '20', '50'])
    >>> log_ticks(4e11, 3e12, money=True)[1]
    ['$200B', '$500B', '$1T', '$2T', '$5T']
    """
    if not (low > 0 and high > 0) or math.isnan(low) or math.isnan(high):
        return [], []
    low, high = min(low, high), max(low, high)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    if last - first > 4:
        steps = (1,)
    values: list[float] = []
    for exponent in range(first, last + 1):
        for step in steps:
            value = step * 10 ** exponent if exponent >= 0 else step / 10 ** -exponent
            values.append(value)
    below = [v for v in values if v <= low]
    above = [v for v in values if v >= high]
    lo = below[-1] if below else values[0]
    hi = above[0] if above else values[-1]
    kept = [v for v in values if lo <= v <= hi]
    return kept, [number_label(v, money=money) for v in kept]


def number_label(value: float, *, money: bool = False) -> str:
    """A tick's plain label: 500, 2k, 50k, 1.5M, $1T.

    >>> number_label(2500), number_label(1e6), number_label(1e12, money=True), number_label(0.5)
    ('2.5k', '1M', '$1T', '0.5')
    """
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            text = f"{value / size:.3g}{suffix}"
            break
    else:
        text = f"{value:.3g}"
    return ("$" if money else "") + text


def colour_for(colours: dict[str, str] | Any, label: str) -> str:
    """``label``'s colour in a :func:`source_colours` mapping, by its document when the part is not listed.

    >>> colour_for(source_colours(["004 · The Intercept"]), "004 · The Intercept · reader comment") == PALETTE[4]
    True
    """
    label = str(label)
    if label in colours:
        return colours[label]
    key = source_key(label)
    return colours[key] if key in colours else source_colours([label])[label]


def time_window(times: Iterable[Any], *, margin: float = 0.04, single_days: float = 3.0) -> list[str] | None:
    """The range of a time axis that fits the times drawn: their span plus a small margin, as ISO strings.

    The margin is ``margin`` of the span, at least an hour; a single time (or
    several at one instant) gets ``single_days`` either side, so one dated
    document sits in a week's window instead of an axis of years. ``None`` when
    nothing is dated (the chart then says so rather than drawing an axis).

    >>> time_window(["2019-11-30T15:05:00"])
    ['2019-11-27T15:05:00', '2019-12-03T15:05:00']
    >>> time_window(["2019-11-30T15:00", "2019-11-30T17:00"])
    ['2019-11-30T14:00:00', '2019-11-30T18:00:00']
    >>> time_window([None, "soon"]) is None
    True
    """
    import pandas as pd

    stamps = pd.to_datetime(pd.Series([None if t is None else str(t) for t in times], dtype=object), errors="coerce", format="ISO8601")
    stamps = stamps.dropna()
    if stamps.empty:
        return None
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    low, high = stamps.min(), stamps.max()
    span = high - low
    pad = pd.Timedelta(days=single_days) if span == pd.Timedelta(0) else max(span * margin, pd.Timedelta(hours=1))
    return [(low - pad).isoformat(), (high + pad).isoformat()]
