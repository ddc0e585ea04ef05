"""The corpus overview charts: words per part, comments per document, the timeline.

Each returns a ``plotly.graph_objects.Figure`` with a title, axis labels and a
source note; the notebook decides where it goes. The only module of the stage
that imports plotly. Plotly draws its own markup (``<b>``, ``<a href>``, ``<br>``,
entities) in labels, ticks, legends and hover text, values shown through
``%{customdata}`` included, so every text from a document (labels, authors,
metadata evidence, comment ids) goes through :func:`presslens.text.chart_text`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..display import choose
from ..style import PALETTE, add_source, time_window
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


#: a stretch with nothing dated longer than this splits the timeline into panels, each fitting its own dates
TIMELINE_GAP = pd.Timedelta(days=60)
#: at most this many timeline panels (the widest gaps split it)
TIMELINE_PANELS = 3


def _time_groups(times: list[pd.Timestamp], *, gap: pd.Timedelta, panels: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The stretches of ``times`` separated by more than ``gap``, split at the ``panels - 1`` widest gaps only."""
    ordered = sorted(times)
    gaps = sorted(((b - a, i) for i, (a, b) in enumerate(zip(ordered, ordered[1:])) if b - a > gap), reverse=True)[: panels - 1]
    cuts = sorted(i for _, i in gaps)
    bounds, first = [], 0
    for i in cuts:
        bounds.append((ordered[first], ordered[i]))
        first = i + 1
    bounds.append((ordered[first], ordered[-1]))
    return bounds


def timeline_chart(corpus: Corpus, *, source: str, max_documents: int | None = None) -> go.Figure:
    """Publication dates (where known) and comment times, one row per document, on time axes that fit the dates.

    Documents without a known date appear in the legend note, not on the axis:
    an unknown date is never drawn as a guessed one. Each axis spans its dates
    with a small margin (a single date gets a week); when the dates fall in
    stretches years apart (an article of 2012, comments of 2019), each stretch
    gets its own panel side by side and the title says the axis is broken, so
    neither is squeezed into a point. Above ``max_documents`` documents a row per
    document is unreadable: :func:`timeline_counts_chart` draws how many
    documents were published and comments posted per day instead.
    """
    if max_documents is not None and len(corpus) > max_documents:
        return timeline_counts_chart(corpus, source=source)
    labels = [chart_text(d.label) for d in corpus]
    published = [(chart_text(d.label), d.meta("published"), pd.Timestamp(t))
                 for d, t in zip(corpus, page_times(d.meta("published").value for d in corpus)) if d.meta("published").value and pd.notna(t)]
    comments = [(chart_text(d.label), c) for d in corpus for c in d.comments if c.posted]
    rows = [(label, c, pd.Timestamp(t)) for (label, c), t in zip(comments, page_times(c.posted for _, c in comments)) if pd.notna(t)]
    times = [t for *_, t in published] + [t for *_, t in rows]
    groups = _time_groups(times, gap=TIMELINE_GAP, panels=TIMELINE_PANELS) if times else []
    fig = make_subplots(rows=1, cols=max(1, len(groups)), shared_yaxes=True, horizontal_spacing=0.04) if len(groups) > 1 else go.Figure()
    for col, (low, high) in enumerate(groups or [(None, None)], start=1):
        where = {"row": 1, "col": col} if len(groups) > 1 else {}
        inside = (lambda t: low <= t <= high) if low is not None else (lambda t: True)
        shown = [(label, v, t) for label, v, t in published if inside(t)]
        if shown:
            fig.add_scatter(
                x=[t for *_, t in shown], y=[label for label, *_ in shown], mode="markers",
                name="published", legendgroup="published",
                marker={"symbol": "diamond", "size": 14, "color": PALETTE[0]},
                customdata=[[chart_text(v.basis), chart_text(v.evidence)] for _, v, _ in shown],
                hovertemplate="%{y}<br>published %{x|%Y-%m-%d} (%{customdata[0]})<br>%{customdata[1]}<extra></extra>", **where,
            )
        posted = [(label, c, t) for label, c, t in rows if inside(t)]
        if posted:
            fig.add_scatter(
                x=[t for *_, t in posted], y=[label for label, *_ in posted], mode="markers",
                name="comment posted", legendgroup="comment posted",
                marker={"symbol": "circle", "size": 9, "color": PALETTE[1], "opacity": 0.7},
                customdata=[[chart_text(c.comment_id), chart_text(c.author), c.depth] for _, c, _ in posted],
                hovertemplate="%{y}<br>%{customdata[0]} by %{customdata[1]} (depth %{customdata[2]})<br>%{x|%Y-%m-%d %H:%M}<extra></extra>",
                **where,
            )
        if low is not None:
            fig.update_xaxes(range=time_window([low.isoformat(), high.isoformat()]), type="date", **where)
    seen: set[str] = set()
    for trace in fig.data:  # one legend entry per kind of mark, whichever panel draws it first
        trace.showlegend = trace.name not in seen
        seen.add(trace.name)
    undated = [d.label for d in corpus if not d.meta("published").value and not d.comments]
    note = f" · no date known for: {', '.join(undated)}" if undated else ""
    broken = ""
    if len(groups) > 1:
        spans = ", ".join(f"{a:%Y-%m-%d}" + (f" to {b:%Y-%m-%d}" if f"{b:%Y-%m-%d}" != f"{a:%Y-%m-%d}" else "") for a, b in groups)
        broken = f"<br><sup>the time axis is broken: {len(groups)} stretches with nothing dated between them ({spans}), each panel on its own scale</sup>"
    fig.update_layout(
        title="When documents were published and commented on" + broken,
        yaxis_title="document", yaxis={"categoryorder": "array", "categoryarray": labels[::-1]}, height=200 + 45 * len(labels),
    )
    if len(groups) > 1:
        fig.update_xaxes(title_text="date (page time, no time zone given)", row=1, col=1)
    else:
        fig.update_layout(xaxis_title="date (page time, no time zone given)")
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
    stamps = [t for t in (*published.dropna().dt.floor(freq), *posted.dropna().dt.floor(freq))]
    window = time_window([t.isoformat() for t in stamps] + [(t + pd.Timedelta(freq)).isoformat() for t in stamps])
    if window:
        fig.update_xaxes(range=window, type="date")
    fig.update_layout(
        title=f"Documents published and comments posted per {'day' if freq == '1D' else freq} (all {len(corpus):,} documents; "
        f"{undated:,} without a known date, {int(posted.isna().sum()):,} comments without a time)",
        xaxis_title="date (page time, no time zone given)", yaxis_title="count", barmode="group", height=480,
    )
    return add_source(fig, source)
