"""Charts of figures: each source's figure per claim on a log scale, and the who-says-what grid.

The only module of :mod:`presslens.figures` that imports plotly. Document text
reaches a chart escaped (:func:`~presslens.text.chart_text`,
:func:`~presslens.text.hover_text`), and hover text goes in as data, never as
a template, so it shows as written.

Any figures table builds a chart with finite axis ranges: bounds of zero or less,
NaN, ``None`` or infinite are never given to a logarithm (:func:`~.claims.log_bounds`);
a figure with no bound a log scale can place is left out and counted in the title, a
range reaching zero is drawn as its upper bound. Whether a chart is worth drawing
at all is :func:`~.claims.nothing_to_draw`'s question, asked by the notebook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..style import add_source, chart_colours, colour_for, log_ticks
from ..text import chart_text, hover_text, wrap_lines
from .claims import FiguresError, _bound, _claim_label, _midpoint, format_bounds, log_bounds, spread_sources, top_sources, who_says_what
from .lexicon import KINDS


_FADE_STEPS = 5
#: text columns of the figures table, read as text whatever the table holds (a missing value is "")
_TEXT_COLUMNS = ("kind", "qualifier", "unit", "who", "who_basis", "sentence", "value_text", "bound", "claim_id", "source")


def _tidy(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures with float bounds (NaN where open, missing or infinite) and text where text belongs."""
    out = figures.assign(
        low=pd.Series([_bound(v) for v in figures["low"]], index=figures.index, dtype="float64"),
        high=pd.Series([_bound(v) for v in figures["high"]], index=figures.index, dtype="float64"),
    )
    for column in _TEXT_COLUMNS:
        if column in out:
            out[column] = out[column].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    return out


def _short_source(label: str, *, width: int = 0) -> str:
    """A source label broken over lines so column and legend labels stay short (``width`` > 0 also wraps long words)."""
    label = label.replace(" · reader comment", "<br>reader comment")
    if not width:
        return label
    lines: list[str] = []
    for part in label.split("<br>"):
        lines.extend(wrap_lines(part, width) or [""])
    return "<br>".join(lines)


def figures_chart(
    figures: pd.DataFrame,
    *,
    kinds: Sequence[str] = ("deaths",),
    claims: Sequence[str] | None = None,
    title: str | None = None,
    source: str,
    fade: float = 3.0,
    max_sources: int | None = None,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Each source's figure per claim on a log scale: a dot for a number, a bar for a range, an open bound fading out.

    One row per claim (population and conflict), one colour per document;
    sources sharing a row are spread vertically so none hides another, and each
    figure is labelled with its bounds. "At least" is a right-pointing triangle
    with a bar fading out to the right (the truth may be anywhere above), "at
    most" a left-pointing one fading to the left. Reader comments are hollow
    (dotted for ranges). The hover shows the number as written, the hedge, the
    population and the sentence (escaped: document text never becomes markup).

    Args:
        figures: :func:`figures_table` output.
        kinds: which kinds to draw (``("cost",)`` for the costs chart).
        claims: only these ``claim_id`` values, in this order (default: all, largest first).
        title: chart title (default from ``kinds``).
        source: the note under the chart.
        fade: how far (a factor) an open bound's fading bar reaches.
        max_sources: at most this many sources per claim (:func:`spread_sources`: the lowest, the
            highest and evenly between), as the title says; ``None`` draws every source.
        colours: ``source label -> colour`` (:func:`presslens.style.source_colours` of the corpus's
            labels), so each source has the colour it has in every other chart; default from the labels drawn.
    """
    if not (fade == fade and fade > 1):
        raise FiguresError(f"fade must be a number above 1 (how far an open bound's bar reaches), got {fade!r}")
    data = _tidy(figures[figures["kind"].isin(kinds)])
    placed = pd.Series([log_bounds(lo, hi) is not None for lo, hi in zip(data["low"], data["high"])], index=data.index, dtype=bool)
    unplaced = data[~placed]
    data = data[placed]
    note = ""
    if max_sources is not None and len(data):
        kept = spread_sources(data, max_sources)
        if len(kept) < len(data):
            note = (f"<br><sup>at most {max_sources} sources per claim, spread from the lowest to the highest figure: "
                    f"{len(kept):,} of {len(data):,} figures; all are in data/figures.csv</sup>")
        data = kept
    if claims is not None:
        data = data[data["claim_id"].isin(claims)]
        unplaced = unplaced[unplaced["claim_id"].isin(claims)]
        order = [c for c in claims if c in set(data["claim_id"])]
    else:
        peak = data.assign(v=data[["low", "high"]].max(axis=1)).groupby("claim_id")["v"].max()
        order = list(peak.sort_values(ascending=False, kind="stable").index)
    if len(unplaced):
        n = len(unplaced)
        them = "it" if n == 1 else "them"
        note += (f"<br><sup>{n:,} figure{'' if n == 1 else 's'} stating no number above zero not drawn (a log scale has no place "
                 f"for {them}); the tables list {them}</sup>")
    money = tuple(kinds) == ("cost",)
    fig = go.Figure()
    colours = chart_colours(data["source"].unique(), colours)
    ranks = {s: i for i, s in enumerate(sorted(data["source"].unique()))}
    shown: set[str] = set()
    for row, claim in enumerate(order):
        rows = data[data["claim_id"] == claim]
        row_sources = sorted(rows["source"].unique())
        for k, src in enumerate(row_sources):
            offset = 0.0 if len(row_sources) == 1 else -0.28 + 0.56 * k / (len(row_sources) - 1)
            for f in rows[rows["source"] == src].itertuples():
                style = _Style(
                    colour=colour_for(colours, src), comment=src.endswith("reader comment"),
                    name=_short_source(chart_text(src)), rank=ranks[src], legend=src not in shown,
                )
                shown.add(src)
                _draw_figure(fig, f, row + offset, style, _hover(f, src), fade)
    fig.update_xaxes(
        type="log", title=("amount as stated, US dollars unless the hover says otherwise (log scale)" if money else "people (log scale)"),
        **_log_axis(fig, money=money),
    )
    with_kind = len(set(kinds)) > 1
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(order))), ticktext=[chart_text(_row_label(c, with_kind=with_kind)) for c in order],
        range=[max(1, len(order)) - 0.5, -0.5], zeroline=False,
        title=("what the money was for" if money else ("kind · " if with_kind else "") + "population · conflict"),
        showgrid=False,
    )
    for row in range(len(order) - 1):
        fig.add_hline(y=row + 0.5, line={"color": "#ddd", "width": 1})
    default = "War costs stated by each source" if money else f"{', '.join(k.capitalize() for k in kinds)} stated by each source"
    if not order:
        note = "<br><sup>no figure to draw</sup>" + note
    fig.update_layout(
        title=(title or default) + note, height=260 + 90 * max(1, len(order)), legend_title="source",
        hoverlabel={"align": "left"}, plot_bgcolor="#fafafa",
    )
    fig.add_annotation(
        text="● a number · ━ a range · ▶ at least (fading: could be higher) · ◀ at most (fading: could be lower) · hollow or dotted: reader comment",
        xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom", xanchor="left", showarrow=False, font={"size": 11, "color": "#555"},
    )
    return add_source(fig, source)


def _log_axis(fig: go.Figure, *, money: bool) -> dict:
    """Plain ticks for the log axis of the values drawn: 1, 2, 5 per decade in full ("50k", "$1T"), never "7 8 9 $1T 2 3"."""
    xs = [float(x) for t in fig.data if t.x is not None for x in t.x if x is not None and math.isfinite(x) and x > 0]
    if not xs:
        return {"range": [0, 1]}
    values, text = log_ticks(min(xs), max(xs), money=money)
    low, high = math.log10(min(xs)), math.log10(max(xs))
    pad = max(0.08 * (high - low), 0.15)
    return {"tickmode": "array", "tickvals": values, "ticktext": text, "range": [low - pad, high + pad]}


def _row_label(claim_id: str, *, with_kind: bool) -> str:
    """A claim's row label; ``with_kind`` puts its kind first ("displaced · Iraqis · Iraq war"), so a
    chart of several kinds never lets a displacement range read as deaths."""
    label = _claim_label(claim_id)
    kind = claim_id.partition(":")[0]
    if not with_kind or not kind or kind in label.split(" · ")[0].split():
        return label
    return f"{kind} · {label}"


@dataclass(frozen=True)
class _Style:
    colour: str
    comment: bool
    name: str
    rank: int
    legend: bool


def _hover(f, src: str) -> str:
    unit = f" ({f.unit})" if f.kind == "cost" and f.unit else (" (currency not stated)" if f.kind == "cost" else "")
    return (
        f"<b>{chart_text(src)}</b><br>{chart_text(f.kind)}, as written: <b>{chart_text(f.value_text)}</b>"
        + (f" — hedge: <i>{chart_text(f.qualifier)}</i>" if f.qualifier else " — no hedge")
        + f"<br>read as: {chart_text(format_bounds(f.low, f.high, unit=f.unit, qualifier=f.qualifier))} ({f.bound}){chart_text(unit)}"
        + (f"<br>who: {chart_text(f.who)}" + (" (previous sentence)" if f.who_basis == "previous sentence" else "") if f.who else "<br>who: not stated")
        + f"<br><br>{hover_text(f.sentence)}"
    )


def _draw_figure(fig: go.Figure, f, y: float, style: _Style, hover: str, fade: float) -> None:
    low, high = log_bounds(f.low, f.high)  # what a log scale can place; the label keeps the bounds as stated
    colour = style.colour
    marker = {"color": "white" if style.comment else colour, "size": 13, "line": {"color": colour, "width": 2}}
    # the hover goes in as data (customdata), never as template text, so "%{...}" in a document stays literal
    common = {"legendgroup": style.name, "name": style.name, "legendrank": 100 + style.rank,
              "customdata": [[hover]] * 2, "hovertemplate": "%{customdata[0]}<extra></extra>"}
    label = chart_text(format_bounds(f.low, f.high, unit=f.unit, qualifier=f.qualifier))
    text = {"text": [label], "textposition": "top center", "textfont": {"size": 11, "color": colour}, "cliponaxis": False}
    if not math.isnan(low) and not math.isnan(high) and low != high:
        fig.add_scatter(
            x=[low, high], y=[y, y], mode="lines+markers", line={"color": colour, "width": 7, "dash": "dot" if style.comment else "solid"},
            marker={"color": colour, "symbol": "line-ns-open", "size": 16, "line": {"color": colour, "width": 3}},
            opacity=0.85, showlegend=style.legend, **common,
        )
        fig.add_scatter(x=[math.sqrt(low * high)], y=[y - 0.06], mode="text", showlegend=False, hoverinfo="skip", legendgroup=style.name, **text)
        return
    if not math.isnan(low) and not math.isnan(high):
        fig.add_scatter(x=[low], y=[y], mode="markers+text", marker={**marker, "symbol": "circle"}, showlegend=style.legend, **text, **common)
        return
    lower_open = math.isnan(low)
    point = high if lower_open else low
    factor = (1 / fade) if lower_open else fade
    for step in range(_FADE_STEPS):
        a = point * factor ** (step / _FADE_STEPS)
        b = point * factor ** ((step + 1) / _FADE_STEPS)
        fig.add_scatter(
            x=[a, b], y=[y, y], mode="lines", line={"color": colour, "width": 7, "dash": "dot" if style.comment else "solid"},
            opacity=0.75 * (1 - step / _FADE_STEPS), showlegend=False, hoverinfo="skip", legendgroup=style.name,
        )
    fig.add_scatter(
        x=[point], y=[y], mode="markers+text", marker={**marker, "symbol": "triangle-left" if lower_open else "triangle-right", "size": 16},
        showlegend=style.legend, **text, **common,
    )


_RATIO_SPAN = math.log10(3)


def _log10(value: float) -> float:
    """log10 of a figure, NaN for zero or a missing bound ("no one was killed" states 0: nothing to compare on a log scale)."""
    return math.log10(value) if value == value and value > 0 else math.nan


def who_says_what_chart(figures: pd.DataFrame, *, kinds: Sequence[str] = KINDS, source: str, max_sources: int | None = None) -> go.Figure:
    """The who-says-what matrix as a grid, shaded by how far each source is from the others on the same claim.

    Each cell holds a source's figure for a claim; its colour is the ratio of
    that figure (the middle of a range, or the one bound of an open figure) to
    the median of the sources stating the claim: white where sources agree or a
    source is alone, red above the others, blue below, on a log scale. Above
    ``max_sources`` sources, the columns are the :func:`top_sources` (the shade
    still compares each with the median of the sources shown), as the title says.
    """
    data = _tidy(figures[figures["kind"].isin(kinds)])
    note = ""
    n_sources = data["source"].nunique()
    if max_sources is not None and n_sources > max_sources:
        data = data[data["source"].isin(top_sources(data, max_sources))]
        note = f"<br><sup>the {max_sources} of {n_sources:,} sources stating the most figures</sup>"
    matrix = who_says_what(data)
    fig = go.Figure()
    if matrix.empty:
        fig.update_layout(title="Who says what: no figures", xaxis={"title": "source"}, yaxis={"title": "claim"})
        return add_source(fig, source)
    mids = data.assign(
        claim=data["kind"] + " · " + data["claim_id"].map(_claim_label),
        m=[_log10(_midpoint(lo, hi)) for lo, hi in zip(data["low"], data["high"])],
    ).groupby(["claim", "source"])["m"].median().unstack("source").reindex(index=matrix.index, columns=matrix.columns)
    z = mids.sub(mids.median(axis=1), axis=0).to_numpy(dtype=float)
    text = [[chart_text(c) for c in row] for row in matrix.to_numpy()]
    if any(t and z[i][j] != z[i][j] for i, row in enumerate(text) for j, t in enumerate(row)):
        note += "<br><sup>grey with a figure: zero or less, which a ratio cannot compare</sup>"
    fig.add_heatmap(
        z=z, x=[_short_source(chart_text(c), width=16) for c in matrix.columns], y=[chart_text(i) for i in matrix.index],
        text=text, texttemplate="%{text}", colorscale="RdBu", reversescale=True, zmid=0, zmin=-_RATIO_SPAN, zmax=_RATIO_SPAN,
        colorbar={"title": "vs the other<br>sources", "tickvals": [-_RATIO_SPAN, -math.log10(1.5), 0, math.log10(1.5), _RATIO_SPAN],
                  "ticktext": ["÷3 or less", "÷1.5", "same", "×1.5", "×3 or more"]},
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", xgap=2, ygap=2,
    )
    fig.update_layout(
        title="Who says what: each source's figure per claim (grey = the source gives none)" + note,
        xaxis={"title": "source", "tickangle": 0, "showgrid": False}, yaxis={"title": "claim", "autorange": "reversed", "showgrid": False},
        height=300 + 40 * len(matrix), plot_bgcolor="#e5e5e5",
    )
    return add_source(fig, source)
