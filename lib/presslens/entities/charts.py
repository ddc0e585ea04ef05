"""Charts of the entities stage: the entity × source heatmap, body against comments, the co-occurrence network.

The only module of the stage that imports plotly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from ..display import listing
from ..style import PALETTE, add_source
from ..text import chart_text
from .codebook import TYPES, UNKNOWN_TYPE

TYPE_COLOURS = {
    "person": PALETTE[0], "organisation": PALETTE[1], "place": PALETTE[2], "group": PALETTE[4], "event": PALETTE[3],
    UNKNOWN_TYPE: "#9a9a9a",
}
#: the types in chart order: the codebook's, then names no evidence typed
_CHART_TYPES = (*TYPES, UNKNOWN_TYPE)
#: what a chart of provisional entities says under its title
PROVISIONAL_NOTE = "provisional: names discovered in the texts, not confirmed in entities.yml; types guessed from evidence"


def _provisional(frame: pd.DataFrame) -> bool:
    """True when the entities of ``frame`` are provisional (a corpus without ``entities.yml``)."""
    return "provisional" in frame.columns and len(frame) > 0 and bool(frame["provisional"].any())


def _label(name: str, provisional: bool) -> str:
    """An entity's row label, with a mark when it is provisional ("Iraq*"): charts say what the mark means."""
    return chart_text(name) + ("*" if provisional else "")


def entity_heatmap(
    counts: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    part: str = "body",
    value: str = "per_1k_words",
    top: int = 25,
    source: str,
) -> go.Figure:
    """Entity × source heatmap of mentions per 1,000 words (or raw counts), the ``top`` entities by total mentions.

    Args:
        counts: :func:`entity_counts_table`.
        labels: ``doc_id -> label`` (:func:`source_labels`); every source gets a column, even with no mention.
        part: ``body`` or ``comment``.
        value: ``per_1k_words`` or ``count``.
        top: how many entities (rows).
        source: the note under the chart.
    """
    sub = counts[counts["part"] == part]
    marked = set(sub.loc[sub["provisional"], "entity"]) if "provisional" in sub.columns else set()
    totals = sub.groupby("entity")["count"].sum()
    names = sorted(totals.index, key=lambda n: (-totals[n], n))[:top]
    grid = sub.pivot_table(index="entity", columns="doc_id", values=value, aggfunc="sum", fill_value=0)
    grid = grid.reindex(index=names, columns=list(labels), fill_value=0)
    raw = sub.pivot_table(index="entity", columns="doc_id", values="count", aggfunc="sum", fill_value=0)
    raw = raw.reindex(index=names, columns=list(labels), fill_value=0)
    what = "mentions per 1,000 words" if value == "per_1k_words" else "mentions"
    fig = go.Figure(
        go.Heatmap(
            z=grid.values, x=[chart_text(labels[d]) for d in grid.columns], y=[_label(n, n in marked) for n in names], colorscale="Blues",
            colorbar={"title": what},
            customdata=raw.values, text=[[f"{v:g}" if v else "" for v in row] for row in grid.values.round(1)],
            texttemplate="%{text}", hovertemplate="%{y}<br>%{x}<br>%{customdata} mentions, %{z:.2f} per 1,000 words<extra></extra>",
        )
    )
    kind = "provisional entities*" if marked else "entities"
    fig.update_layout(
        title={"text": f"Top {len(names)} {kind} by source ({chart_text(part)}: {what})", "y": 0.98, "yanchor": "top"},
        xaxis={"title": "source", "side": "top", "tickangle": -20}, yaxis={"title": "entity", "autorange": "reversed"},
        height=300 + 24 * len(names), margin={"t": 190},
    )
    return add_source(fig, f"{source} · * {PROVISIONAL_NOTE}" if marked else source)

def body_comment_chart(table: pd.DataFrame, *, top: int = 15, labels: Iterable[str] = (), source: str) -> go.Figure:
    """Bars of mentions per 1,000 words in bodies and in comments: what readers talk about against what the articles do.

    Args:
        table: :func:`body_comment_table`.
        top: how many entities (the most mentioned overall).
        labels: the documents compared, named in the title.
        source: the note under the chart.
    """
    rows = table.head(top)
    marked = _provisional(rows)
    fig = go.Figure()
    for part, colour, name in (("body", PALETTE[0], "article body"), ("comment", PALETTE[1], "reader comments")):
        fig.add_bar(
            y=[_label(e, marked) for e in rows["entity"]], x=rows[f"{part}_per_1k"], name=name, orientation="h", marker_color=colour, customdata=rows[part],
            hovertemplate="%{y}<br>%{x:.2f} per 1,000 words (%{customdata} mentions)<extra>" + name + "</extra>",
        )
    which = ", ".join(labels)
    fig.update_layout(
        barmode="group", title="Body against comments" + (f" ({chart_text(which)})" if which else ""),
        xaxis_title="mentions per 1,000 words of the part", yaxis_title="entity", yaxis={"autorange": "reversed"},
        height=220 + 34 * len(rows), legend_title="part",
    )
    return add_source(fig, f"{source} · * {PROVISIONAL_NOTE}" if marked else source)

def _circle_layout(names: list[str]) -> dict[str, tuple[float, float]]:
    n = max(len(names), 1)
    return {name: (math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n)) for i, name in enumerate(names)}


def network_chart(
    mentions: pd.DataFrame,
    cooccurrence: pd.DataFrame,
    *,
    min_sentences: int = 2,
    top: int = 30,
    max_links: int = 25,
    labelled: int = 12,
    source: str,
) -> go.Figure:
    """Co-occurrence network of the strongest pairs: entities (nodes, sized by mentions, coloured by type) linked when named in the same sentence.

    Only the ``max_links`` pairs named together in the most sentences are drawn
    (ties by name), so the picture stays a handful of readable links rather than a
    tangle; every pair is in the co-occurrence table. The layout is a circle,
    entities grouped by type and, within a type, by mentions, clockwise from the
    top: the same data always gives the same picture. Only the ``labelled`` most
    mentioned nodes carry their name on the chart; the others name themselves on hover.

    Args:
        mentions: :func:`entity_mentions_table`.
        cooccurrence: :func:`cooccurrence_table`.
        min_sentences: draw a link only for pairs named together in at least this many sentences.
        top: at most this many entities (the most mentioned among those with a link drawn).
        max_links: at most this many links, the strongest.
        labelled: names written on the chart for at most this many nodes, the most mentioned.
        source: the note under the chart.
    """
    edges = cooccurrence[cooccurrence["sentences"] >= min_sentences]
    n_pairs = len(edges)
    edges = edges.sort_values(["sentences", "entity_a", "entity_b"], ascending=[False, True, True], kind="stable").head(max_links)
    totals = mentions.groupby("entity").size()
    types = mentions.drop_duplicates("entity").set_index("entity")["type"]
    linked = sorted(set(edges["entity_a"]) | set(edges["entity_b"]), key=lambda n: (-totals.get(n, 0), n))[:top]
    keep = set(linked)
    edges = edges[edges["entity_a"].isin(keep) & edges["entity_b"].isin(keep)]
    marked = _provisional(mentions)
    named = set(linked[:labelled])
    order = {t: i for i, t in enumerate(_CHART_TYPES)}
    ordered = sorted(linked, key=lambda n: (order.get(types[n], len(order)), -totals[n], n))
    pos = _circle_layout(ordered)
    fig = go.Figure()
    widest = max(edges["sentences"].max() if len(edges) else 1, 1)
    bands = sorted({max(1, round(4 * w / widest)) for w in edges["sentences"]})
    for band in bands:
        xs, ys = [], []
        for a, b, w in zip(edges["entity_a"], edges["entity_b"], edges["sentences"]):
            if max(1, round(4 * w / widest)) == band:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        fig.add_scatter(x=xs, y=ys, mode="lines", line={"width": 0.8 + 1.6 * band, "color": "rgba(120,120,120,0.45)"},
                        hoverinfo="skip", showlegend=False)
    fig.add_scatter(
        x=[(pos[a][0] + pos[b][0]) / 2 for a, b in zip(edges["entity_a"], edges["entity_b"])],
        y=[(pos[a][1] + pos[b][1]) / 2 for a, b in zip(edges["entity_a"], edges["entity_b"])],
        mode="markers", marker={"size": 6, "color": "rgba(0,0,0,0)"}, showlegend=False,
        customdata=[[chart_text(a), chart_text(b), int(n), chart_text(listing(str(d).split(", "), 8, sep=", "))] for a, b, n, d in
                    zip(edges["entity_a"], edges["entity_b"], edges["sentences"], edges["doc_ids"])],
        hovertemplate="%{customdata[0]} + %{customdata[1]}<br>%{customdata[2]} sentences in %{customdata[3]}<extra></extra>",
    )
    biggest = max((totals[n] for n in ordered), default=1)
    for kind in (*_CHART_TYPES, *sorted(set(types[n] for n in ordered) - set(_CHART_TYPES))):
        group = [n for n in ordered if types[n] == kind]
        if not group:
            continue
        fig.add_scatter(
            x=[pos[n][0] for n in group], y=[pos[n][1] for n in group], mode="markers+text", name=kind,
            text=[_label(n, marked) if n in named else "" for n in group], textposition=[_text_side(pos[n]) for n in group], textfont={"size": 11},
            marker={"size": [10 + 30 * math.sqrt(totals[n] / biggest) for n in group], "color": TYPE_COLOURS.get(kind, "#555"),
                    "line": {"width": 1, "color": "#fff"}},
            customdata=[[chart_text(n), int(totals[n])] for n in group],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]} mentions<extra>" + kind + "</extra>",
        )
    axis = {"visible": False, "range": [-1.55, 1.55]}
    shown = (f"the {len(edges)} strongest of {n_pairs:,} pairs" if len(edges) < n_pairs else f"all {len(edges)} pairs")
    unnamed = len(linked) - len(named)
    fig.update_layout(
        title=f"Who is named with whom: {shown} named in the same sentence at least {min_sentences} times"
        + (f"<br><sup>names on the {len(named)} most mentioned of {len(linked)} entities; hover for the others; every pair is in the co-occurrence table</sup>"
           if unnamed > 0 else "<br><sup>every pair is in the co-occurrence table</sup>"),
        xaxis=axis, yaxis={**axis, "scaleanchor": "x"}, height=820, legend_title="type", plot_bgcolor="#fff",
        margin={"l": 40, "r": 40},
    )
    note = f"{source} · nodes sized by mentions, links by shared sentences; circular layout by type, position carries no meaning"
    return add_source(fig, f"{note} · * {PROVISIONAL_NOTE}" if marked else note)


def _text_side(point: tuple[float, float]) -> str:
    x, y = point
    vertical = "top" if y > 0.3 else "bottom" if y < -0.3 else "middle"
    horizontal = "right" if x > 0.05 else "left" if x < -0.05 else "center"
    return f"{vertical} {horizontal}"
