"""Charts of the sentiment stage: the reply tree and the roll-ups. The only module of the stage that imports plotly."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..style import add_source, chart_colours, colour_for, time_window
from ..text import chart_text, hover_text
from ..text.times import page_times
from ..text.vader import NEGATIVE, POSITIVE
from .frames import SentimentError, _require
from .threads import THREAD_CHART_COMMENTS, THREAD_LEVELS, busiest_document, chart_selection

#: Diverging colour scale for compound scores: red negative, white neutral, blue positive.
DIVERGING = "RdBu"
PART_COLOURS = {"body": "#444444", "comment": "#ff7f0e"}
PART_SYMBOLS = {"body": "diamond", "comment": "circle"}


def thread_chart(
    threads: pd.DataFrame,
    *,
    doc_id: str | None = None,
    source: str,
    label: str | None = None,
    title: str | None = None,
    max_comments: int = THREAD_CHART_COMMENTS,
    levels: int = THREAD_LEVELS,
) -> go.Figure:
    """One comment section's reply tree: time across, one row per comment in reading order, replies joined to their parent.

    Markers are coloured by compound on a red-white-blue scale centred on 0, with
    the value written beside them, so a sour reply to a warm comment shows at a glance.
    The chart is bounded (:func:`~.threads.chart_selection`): at most
    ``max_comments`` comments of the first ``levels`` levels, the largest threads
    first, and a line under the title says what was left out, so a section of
    thousands of comments or a reply chain 1,500 deep draws as a chart of the
    same small size.

    Args:
        threads: :func:`thread_table` output.
        doc_id: the document; ``None`` takes the one with the most comments.
        source: the note under the chart.
        label: the document's name in the title (``documents_table``'s ``label``); default its ``doc_id``.
        title: replaces the whole title (trusted text: it is not escaped); the line saying what was left out is kept.
        max_comments: most comments drawn (:data:`~.threads.THREAD_CHART_COMMENTS`).
        levels: most levels drawn (:data:`~.threads.THREAD_LEVELS`).
    """
    _require(threads, ["doc_id", "order", "comment_id", "reply_to", "depth", "author", "posted", "compound", "label", "text"], "threads")
    if threads.empty:
        raise SentimentError("no comments in the corpus: there is no reply tree to draw")
    doc_id = doc_id or busiest_document(threads)
    frame = threads[threads["doc_id"] == doc_id]
    if frame.empty:
        raise SentimentError(f"no comments for document {doc_id!r}; documents with comments: {', '.join(sorted(set(threads['doc_id'])))}")
    banded = "thread_id" in frame.columns  # threads on alternating bands
    if not banded:  # each top-level comment and the replies below it, in reading order
        frame = frame.sort_values("order")
        frame = frame.assign(thread_id=frame["comment_id"].where(frame["depth"] == 0).ffill().fillna(frame["comment_id"]))
    frame, left_out = chart_selection(frame, max_comments=max_comments, levels=levels)
    # Tick labels are right-aligned, so a reply is "indented" by padding its parent's label on the right.
    pad = "\u00a0" * 6
    top = int(frame["depth"].max())
    rows = [
        f"{'↳ ' if d else ''}{chart_text(a)} · {chart_text(c)}{pad * (top - d)}"
        for d, a, c in zip(frame["depth"], frame["author"], frame["comment_id"])
    ]
    frame = frame.assign(_y=rows, _x=page_times(frame["posted"]).set_axis(frame.index))
    where = dict(zip(frame["comment_id"], zip(frame["_x"], frame["_y"])))
    ex, ey = [], []
    for cid, target in zip(frame["comment_id"], frame["reply_to"]):
        if target and target in where and pd.notna(where[target][0]) and pd.notna(where[cid][0]):
            ex += [where[target][0], where[cid][0], None]
            ey += [where[target][1], where[cid][1], None]
    fig = go.Figure()
    # every other thread on a grey band: one pass for the bands' rows, one layout update for all of them
    spans: dict[str, list[int]] = {}
    for k, thread in enumerate(frame["thread_id"]):
        spans.setdefault(thread, [k, k])[1] = k
    bands = [
        {"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": first - 0.5, "y1": last + 0.5,
         "fillcolor": "#e8e8e8", "opacity": 0.6, "line": {"width": 0}, "layer": "below"}
        for i, (first, last) in enumerate(spans.values()) if i % 2 and banded
    ]
    if ex:
        fig.add_scatter(x=ex, y=ey, mode="lines", line={"color": "#999", "width": 1.5}, name="reply to", hoverinfo="skip")
    fig.add_scatter(
        x=frame["_x"], y=frame["_y"], mode="markers+text", name="comment",
        text=[f"{v:+.2f}" for v in frame["compound"]], textposition="top center", textfont={"size": 10}, cliponaxis=False,
        marker={
            "size": 16, "color": frame["compound"], "colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0,
            "line": {"width": 1, "color": "#333"},
            "colorbar": {"title": {"text": "compound"}, "tickvals": [-1, -0.5, 0, 0.5, 1]},
        },
        customdata=np.stack([frame["label"], [chart_text(p) for p in frame["posted"]], [hover_text(t, width=60, limit=240) for t in frame["text"]]], axis=-1),
        hovertemplate="%{y}<br>%{customdata[1]} · compound %{marker.color:+.3f} (%{customdata[0]})<br>%{customdata[2]}<extra></extra>",
    )
    heading = title or f"Reply tree of {chart_text(label or doc_id)}: each comment's VADER compound"
    fig.update_layout(
        title=heading + (f"<br><sup>{chart_text(left_out)}</sup>" if left_out else ""),
        xaxis_title="posted (page time, no time zone given)", yaxis_title="comment (replies indented under their parent)",
        yaxis={"categoryorder": "array", "categoryarray": rows, "autorange": "reversed"}, showlegend=False,
        plot_bgcolor="white", xaxis_gridcolor="#eee", yaxis_gridcolor="#f4f4f4",
        height=200 + 40 * len(frame), margin={"l": 220, **({"t": 110} if left_out else {})}, shapes=bands,
    )
    return add_source(fig, source)


def rollup_chart(
    frame: pd.DataFrame,
    *,
    label: str,
    title: str,
    source: str,
    series: str | None = None,
    count: str = "n",
    value_title: str = "mean compound (VADER), with bootstrap interval",
) -> go.Figure:
    """Dot plot of a roll-up: the mean per group with its interval, the count in the row name.

    The band between -0.05 and +0.05 is VADER's neutral zone. Without ``series``,
    dots are coloured on the diverging compound scale; with it (e.g. ``part``),
    each series gets its own colour and symbol, for body-against-comments views.

    Args:
        frame: a :func:`rollup`-shaped table (``n, mean, ci_low, ci_high``).
        label: the column naming each row.
        series: an optional column splitting the dots into coloured series,
            drawn side by side within each row.
        count: the column holding each mean's count (``n_sentences`` for entities).
    """
    _require(frame, [label, count, "mean", "ci_low", "ci_high"], "roll-up")
    frame = frame.dropna(subset=["mean"])
    frame = frame.assign(**{label: frame[label].astype(str).map(chart_text)})
    order = list(dict.fromkeys(frame[label]))
    fig = go.Figure()
    fig.add_vrect(x0=NEGATIVE, x1=POSITIVE, fillcolor="#ddd", opacity=0.5, line_width=0, layer="below")
    fig.add_vline(x=0, line={"color": "#888", "width": 1})
    groups = [(None, frame)] if series is None else list(frame.groupby(series, sort=True))
    for name, sub in groups:
        y = sub[label]
        err = {
            "type": "data", "symmetric": False,
            "array": (sub["ci_high"] - sub["mean"]).fillna(0), "arrayminus": (sub["mean"] - sub["ci_low"]).fillna(0),
            "color": "#555", "thickness": 1.2,
        }
        marker = (
            {"size": 12, "color": sub["mean"], "colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0, "line": {"width": 1, "color": "#333"}}
            if series is None
            else {"size": 12, "color": PART_COLOURS.get(name, "#1f77b4"), "symbol": PART_SYMBOLS.get(name, "circle"), "line": {"width": 1, "color": "#333"}}
        )
        custom = np.stack([sub[count], sub["ci_low"].round(3).astype(str), sub["ci_high"].round(3).astype(str)], axis=-1)
        fig.add_scatter(
            x=sub["mean"], y=y, mode="markers+text", error_x=err,
            text=[f"n={n}" for n in sub[count]], textposition="top center", textfont={"size": 10, "color": "#555"},
            cliponaxis=False, marker=marker, name=chart_text(name) if name is not None else "mean",
            orientation="h", offsetgroup=chart_text(name) if name is not None else None,
            customdata=custom,
            hovertemplate="%{y}" + (f" · {chart_text(name)}" if name is not None else "")
            + "<br>mean %{x:+.3f} (n=%{customdata[0]})<br>interval %{customdata[1]} to %{customdata[2]}<extra></extra>",
        )
    fig.update_layout(
        title=title, xaxis_title=value_title, yaxis_title=label.replace("_", " "),
        xaxis={"range": [-1.05, 1.05], "zeroline": False, "gridcolor": "#eee"}, plot_bgcolor="white",
        yaxis={"categoryorder": "array", "categoryarray": order[::-1]},
        showlegend=series is not None, legend_title=series or "", height=200 + (44 if series else 32) * len(order),
        scattermode="group" if series else "overlay",
    )
    return add_source(fig, source)


def body_vs_comments_chart(table: pd.DataFrame, *, source: str, title: str = "Article body against its comments: mean sentence compound") -> go.Figure:
    """Each document's body sentences and comment sentences as two dots with intervals; documents without comments show the body only.

    Args:
        table: :func:`body_vs_comments` output.
    """
    _require(table, ["label", "body_sentences", "body_mean", "body_ci_low", "body_ci_high",
                     "comment_sentences", "comment_mean", "comment_ci_low", "comment_ci_high"], "body against comments")
    long = pd.concat(
        [
            table[["label", f"{part}_sentences", f"{part}_mean", f"{part}_ci_low", f"{part}_ci_high"]]
            .set_axis(["document", "n", "mean", "ci_low", "ci_high"], axis=1)
            .assign(part=part)
            for part in ("body", "comment")
        ],
        ignore_index=True,
    )
    return rollup_chart(long[long["n"] > 0], label="document", series="part", title=title, source=source,
                        value_title="mean compound of sentences (VADER), with bootstrap interval")


def time_chart(
    bins: pd.DataFrame, *, source: str, title: str = "Comment sentiment over time", colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Mean compound per time bin with its interval (top) and the number of comments (bottom).

    Args:
        bins: :func:`time_rollup` output (one or more documents; one colour each).
        colours: ``doc_id -> colour`` (:func:`presslens.style.source_colours`), so a document has the colour it
            has in every other chart; default from the doc_ids (a numbered document by its number).
    """
    _require(bins, ["doc_id", "bin_start", "n", "mean", "ci_low", "ci_high"], "time bins")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    palette = chart_colours(bins["doc_id"].astype(str).unique(), colours)
    for doc_id, sub in bins.groupby("doc_id", sort=True):
        x = pd.to_datetime(sub["bin_start"])
        colour = colour_for(palette, str(doc_id))
        fig.add_scatter(
            x=x, y=sub["mean"], mode="markers+text", name=chart_text(doc_id), row=1, col=1,
            text=[f"n={n}" for n in sub["n"]], textposition="top center", textfont={"size": 10, "color": "#555"}, cliponaxis=False,
            marker={"size": 11, "color": sub["mean"], "colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0, "line": {"width": 1.5, "color": colour}},
            error_y={"type": "data", "symmetric": False, "array": (sub["ci_high"] - sub["mean"]).fillna(0), "arrayminus": (sub["mean"] - sub["ci_low"]).fillna(0), "color": "#666"},
            customdata=np.stack([sub["n"], sub["bin_end"], [chart_text(n) for n in sub["note"]]], axis=-1),
            hovertemplate="%{x|%Y-%m-%d %H:%M} to %{customdata[1]}<br>mean %{y:+.3f} over %{customdata[0]} comment(s)<br>%{customdata[2]}<extra>" + chart_text(doc_id) + "</extra>",
        )
        fig.add_bar(x=x, y=sub["n"], name=f"{chart_text(doc_id)}: comments", marker_color=colour, row=2, col=1, showlegend=False,
                    hovertemplate="%{x|%Y-%m-%d %H:%M}: %{y} comment(s)<extra></extra>")
    fig.add_hrect(y0=NEGATIVE, y1=POSITIVE, fillcolor="#ddd", opacity=0.5, line_width=0, layer="below", row=1, col=1)
    fig.update_yaxes(title_text="mean compound", range=[-1.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text="comments", row=2, col=1)
    fig.update_xaxes(title_text="time bin start (page time)", row=2, col=1)
    window = time_window([*(pd.Timestamp(t).isoformat() for t in pd.to_datetime(bins["bin_start"]).dropna()),
                          *(pd.Timestamp(t).isoformat() for t in pd.to_datetime(bins["bin_end"], errors="coerce").dropna())])
    fig.update_xaxes(gridcolor="#eee", **({"range": window} if window else {}))
    fig.update_yaxes(gridcolor="#eee")
    fig.update_layout(title=title, height=560, legend_title="document", plot_bgcolor="white", bargap=0.1)
    return add_source(fig, source)
