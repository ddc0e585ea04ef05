"""The corpus overview charts: words per part, comments per document, the timeline.

Each returns a ``plotly.graph_objects.Figure`` with a title, axis labels and a
source note; the notebook decides where it goes. The only module of the stage
that imports plotly. Text from documents reaches charts only as data (hover
text, labels), which plotly renders as text, never as HTML; titles built here
escape it anyway (:func:`presslens.text.chart_text`).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..display import choose
from ..style import PALETTE, add_source
from ..text import chart_text
from ..text.times import page_times
from .corpus import Corpus

#: the colour of each part in :func:`words_per_part_chart`
PART_COLOURS = {"body": "#1f77b4", "comments": "#ff7f0e", "title, captions and other kept parts": "#2ca02c", "boilerplate": "#7f7f7f"}


def _top_documents(totals: pd.Series, top: int | None) -> tuple[list, str]:
    """The labels of the ``top`` largest totals (ties in table order) and the words saying so ("" when all are kept)."""
    frame = totals.rename("v").reset_index()
    if top is None:
        return list(frame.iloc[:, 0]), ""
    kept, how = choose(frame, top, by="v", what="documents")
    return list(kept.iloc[:, 0]), (f"the {how.shown:,} longest of {how.total:,} documents" if how.cut else "")


def words_per_part_chart(frame: pd.DataFrame, *, source: str, top: int | None = None) -> go.Figure:
    """Stacked horizontal bars: words of body, comments, kept parts and removed boilerplate per document.

    Args:
        frame: :func:`presslens.tables.words_per_part` output.
        source: the note under the chart.
        top: above this many documents, only the ``top`` longest (all parts together) are drawn, as the title says.
    """
    fig = go.Figure()
    totals = frame.groupby("label", sort=False)["words"].sum()
    order, note = _top_documents(totals, top)
    if not note:
        order = list(dict.fromkeys(frame["label"]))
    for part, colour in PART_COLOURS.items():
        sub = frame[frame["part"] == part].drop_duplicates("label").set_index("label").reindex(order)
        fig.add_bar(
            y=[chart_text(label) for label in order], x=sub["words"].fillna(0), name=part, orientation="h", marker_color=colour,
            hovertemplate="%{y}<br>" + chart_text(part) + ": %{x:,} words<extra></extra>",
        )
    fig.update_layout(
        barmode="stack", title="Words per document and part" + (f" ({note}, all parts together)" if note else ""),
        xaxis_title="words", yaxis_title="document",
        yaxis={"autorange": "reversed"}, legend_title="part", height=150 + 45 * len(order),
    )
    return add_source(fig, source)


def comments_per_document_chart(documents: pd.DataFrame, *, source: str, top: int | None = None) -> go.Figure:
    """Bars of comments found per document, with the count the page itself declares when it gives one.

    Args:
        documents: :func:`presslens.tables.documents_table` output.
        source: the note under the chart.
        top: above this many documents, only the ``top`` with the most comments are drawn, as the title says.
    """
    note = ""
    if top is not None and len(documents) > top:
        documents, how = choose(documents, top, by="n_comments", what="documents")
        note = f" (the {how.shown:,} with the most, of {how.total:,} documents)"
    fig = go.Figure()
    fig.add_bar(
        y=[chart_text(v) for v in documents["label"]], x=documents["n_comments"], name="comments parsed", marker_color=PALETTE[1], orientation="h",
        hovertemplate="%{y}<br>%{x} comments parsed<extra></extra>",
    )
    declared = documents.dropna(subset=["declared_comments"])
    if len(declared):
        fig.add_scatter(
            y=[chart_text(v) for v in declared["label"]], x=declared["declared_comments"].astype(int), mode="markers", name="count the page declares",
            marker={"symbol": "line-ns-open", "size": 26, "color": "#000", "line": {"width": 3, "color": "#000"}},
            hovertemplate="%{y}<br>the page says %{x} comments<extra></extra>",
        )
    fig.update_layout(
        title="Comments and forum replies per document" + note, xaxis_title="comments", yaxis_title="document",
        yaxis={"autorange": "reversed"}, height=150 + 45 * len(documents),
    )
    return add_source(fig, source)


def timeline_chart(corpus: Corpus, *, source: str, max_documents: int | None = None) -> go.Figure:
    """Publication dates (where known) and comment times on one time axis, one row per document.

    Documents without a known date appear in the legend note, not on the axis:
    an unknown date is never drawn as a guessed one. Above ``max_documents``
    documents a row per document is unreadable: :func:`timeline_counts_chart`
    draws how many documents were published and comments posted per day instead.
    """
    if max_documents is not None and len(corpus) > max_documents:
        return timeline_counts_chart(corpus, source=source)
    fig = go.Figure()
    labels = [chart_text(d.label) for d in corpus]
    published = [(chart_text(d.label), d.meta("published")) for d in corpus if d.meta("published").value]
    if published:
        fig.add_scatter(
            x=[pd.Timestamp(v.value) for _, v in published], y=[label for label, _ in published], mode="markers",
            name="published", marker={"symbol": "diamond", "size": 14, "color": PALETTE[0]},
            customdata=[[v.basis, v.evidence] for _, v in published],
            hovertemplate="%{y}<br>published %{x|%Y-%m-%d} (%{customdata[0]})<br>%{customdata[1]}<extra></extra>",
        )
    rows = [(chart_text(d.label), c) for d in corpus for c in d.comments if c.posted]
    if rows:
        fig.add_scatter(
            x=[pd.Timestamp(c.posted) for _, c in rows], y=[label for label, _ in rows], mode="markers",
            name="comment posted", marker={"symbol": "circle", "size": 9, "color": PALETTE[1], "opacity": 0.7},
            customdata=[[c.comment_id, c.author, c.depth] for _, c in rows],
            hovertemplate="%{y}<br>%{customdata[0]} by %{customdata[1]} (depth %{customdata[2]})<br>%{x|%Y-%m-%d %H:%M}<extra></extra>",
        )
    undated = [d.label for d in corpus if not d.meta("published").value and not d.comments]
    note = f" · no date known for: {', '.join(undated)}" if undated else ""
    fig.update_layout(
        title="When documents were published and commented on", xaxis_title="date (page time, no time zone given)",
        yaxis_title="document", yaxis={"categoryorder": "array", "categoryarray": labels[::-1]}, height=200 + 45 * len(labels),
    )
    return add_source(fig, source + note)


def timeline_counts_chart(corpus: Corpus, *, source: str, freq: str = "1D") -> go.Figure:
    """Documents published and comments posted per day (or ``freq`` bin), over the whole corpus: the timeline at scale.

    Undated documents and comments are counted in the title, never placed on the axis.
    """
    published = page_times(d.meta("published").value for d in corpus)
    posted = page_times(c.posted for d in corpus for c in d.comments)
    fig = go.Figure()
    for name, times, colour in (("documents published", published, PALETTE[0]), ("comments posted", posted, PALETTE[1])):
        counts = times.dropna().dt.floor(freq).value_counts().sort_index()
        if len(counts):
            fig.add_bar(x=counts.index, y=counts.to_numpy(), name=name, marker_color=colour,
                        hovertemplate="%{x|%Y-%m-%d}: %{y:,} " + name + "<extra></extra>")
    undated = int(published.isna().sum())
    fig.update_layout(
        title=f"Documents published and comments posted per {'day' if freq == '1D' else freq} (all {len(corpus):,} documents; "
        f"{undated:,} without a known date, {int(posted.isna().sum()):,} comments without a time)",
        xaxis_title="date (page time, no time zone given)", yaxis_title="count", barmode="group", height=480,
    )
    return add_source(fig, source)
