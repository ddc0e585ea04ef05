"""Charts and HTML views of source comparison: similarity heatmap, reuse graph, quotation matrix, framing, side by side.

The only module of :mod:`presslens.reuse` that imports plotly (and, in
:func:`side_by_side`, IPython). Document text goes through
:func:`presslens.text.chart_text` in charts and through ``html.escape`` with
invisible characters made visible (:func:`presslens.text.visible`) in the
side-by-side HTML.
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..display import choose
from ..labels import doc_number
from ..style import add_source, chart_colours, colour_for, log_ticks
from ..text import axis_label, chart_text, clip, visible
from .classify import REUSE_TYPES
from .edits import word_diff
from .framing import FramingError
from .options import ReuseError
from .quotematrix import most_reused
from .summary import derives


_STYLE = {
    "table": "border-collapse:collapse;width:100%;table-layout:fixed;font-size:13px;line-height:1.45",
    "th": "text-align:left;padding:6px;border-bottom:2px solid #444;width:50%",
    "meta": "text-align:left;padding:8px 6px 2px;color:#555;font-size:12px;border-top:1px solid #ddd",
    "td": "vertical-align:top;text-align:left;padding:4px 6px 10px;white-space:pre-wrap",
    "dropped": "background:#fbd0d0;text-decoration:line-through",
    "added": "background:#c8efc8;text-decoration:none",
    "changed_a": "background:#ffe9a8;text-decoration:line-through",
    "changed_b": "background:#ffe9a8;text-decoration:none",
    "minor": "background:#e6e6e6",
}


def side_by_side_html(
    passages: pd.DataFrame,
    *,
    doc_a: str,
    doc_b: str,
    labels: Mapping[str, str] | None = None,
    max_passages: int = 10,
    only_changed: bool = True,
) -> str:
    """HTML of the passages two documents share, side by side, with the edits highlighted.

    Left: ``doc_a``'s text, with what ``doc_b`` dropped struck through in red and
    what it changed in yellow; right: ``doc_b``'s text with additions in green and
    changes in yellow; spelling, case and punctuation changes in grey. Every
    piece of document text (and every label) is escaped for HTML, with its invisible
    direction and zero-width characters shown (:func:`presslens.text.visible`).

    Args:
        passages: :func:`shared_passages_table` output.
        doc_a, doc_b: the pair, ``doc_a`` on the left (put the source there).
        labels: doc_id -> display name.
        max_passages: show at most this many passages (those with most edits first).
        only_changed: leave out passages copied without any edit.
    """
    labels = dict(labels or {})
    pair = passages[(passages["doc_a"] == doc_a) & (passages["doc_b"] == doc_b)]
    shown = []
    for p in pair.itertuples(index=False):
        edits = word_diff(p.text_a, p.text_b)
        if edits or not only_changed:
            shown.append((p, edits))
    total = len(shown)
    shown = sorted(shown, key=lambda pe: (-len(pe[1]), pe[0].start_a))[:max_passages]
    shown.sort(key=lambda pe: pe[0].start_a)
    esc = _html
    out = [
        f'<div class="presslens-side-by-side"><table style="{_STYLE["table"]}">',
        f'<thead><tr><th style="{_STYLE["th"]}">{esc(labels.get(doc_a, doc_a))}</th>'
        f'<th style="{_STYLE["th"]}">{esc(labels.get(doc_b, doc_b))}</th></tr></thead><tbody>',
    ]
    for p, edits in shown:
        counts = {}
        for e in edits:
            counts[e.kind] = counts.get(e.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no edits"
        out.append(
            f'<tr><td colspan="2" style="{_STYLE["meta"]}">passage {int(p.passage)} · {int(p.words)} words · '
            f"similarity {float(p.similarity):.0f} · characters {int(p.start_a)}–{int(p.end_a)} | "
            f"{int(p.start_b)}–{int(p.end_b)} · {esc(summary)}</td></tr>"
        )
        left = _highlight(p.text_a, [(e.start_a, e.end_a, e.kind) for e in edits], side="a")
        right = _highlight(p.text_b, [(e.start_b, e.end_b, e.kind) for e in edits], side="b")
        out.append(f'<tr><td style="{_STYLE["td"]}">{left}</td><td style="{_STYLE["td"]}">{right}</td></tr>')
    if not shown:
        out.append(f'<tr><td colspan="2" style="{_STYLE["meta"]}">no {"edited " if only_changed else ""}passages</td></tr>')
    out.append("</tbody></table>")
    out.append(
        f'<p style="font-size:12px;color:#555">{len(shown)} of {total} {"edited " if only_changed else ""}passages shown. '
        f'<span style="{_STYLE["dropped"]}">dropped</span> · <span style="{_STYLE["added"]}">added</span> · '
        f'<span style="{_STYLE["changed_b"]}">other words</span> · <span style="{_STYLE["minor"]}">spelling, case, punctuation</span></p></div>'
    )
    return "".join(out)


def _html(value: Any) -> str:
    """Document text for the side-by-side HTML: escaped, invisible characters shown (never ``escape``'s Markdown backslashes)."""
    return html.escape(visible(value))


def _highlight(text: str, spans: Sequence[tuple[int, int, str]], *, side: str) -> str:
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if end <= start:
            if (kind == "dropped" and side == "b") or (kind == "added" and side == "a"):
                out.append(_html(text[pos:start]))
                out.append('<span style="color:#b00" title="text on the other side only">⁁</span>')
                pos = start
            continue
        out.append(_html(text[pos:start]))
        if kind in ("spelling", "case", "punctuation"):
            style = _STYLE["minor"]
        elif kind == "dropped":
            style = _STYLE["dropped"]
        elif kind == "added":
            style = _STYLE["added"]
        else:
            style = _STYLE["changed_a"] if side == "a" else _STYLE["changed_b"]
        tag = "del" if side == "a" else "ins"
        out.append(f'<{tag} style="{style}" title="{_html(kind)}">{_html(text[start:end])}</{tag}>')
        pos = end
    out.append(_html(text[pos:]))
    return "".join(out)


def side_by_side(passages: pd.DataFrame, **kwargs: Any) -> Any:
    """:func:`side_by_side_html` wrapped in ``IPython.display.HTML`` for a notebook cell."""
    from IPython.display import HTML

    return HTML(side_by_side_html(passages, **kwargs))


def similarity_heatmap(
    pairs: pd.DataFrame, *, labels: Mapping[str, str] | None = None, value: str = "share_a", source: str,
    max_documents: int | None = None,
) -> go.Figure:
    """Heatmap of a ``reuse_pairs`` column: row document against column document.

    With ``value="share_a"`` (default) a cell is the share of the row document's
    sentences found in the column document, so the matrix is not symmetric: a
    condensed reprint has a high value in its source's column, not the other way round.
    Above ``max_documents`` documents only the :func:`most_reused` ones are drawn, as the title says.
    """
    if value not in ("share_a", "similarity"):
        raise ReuseError(f"heatmap value must be 'share_a' or 'similarity', got {value!r}")
    labels = dict(labels or {})
    docs = sorted(set(pairs["doc_a"]) | set(pairs["doc_b"]) | set(labels))
    note = ""
    if max_documents is not None and len(docs) > max_documents:
        total = len(docs)
        docs = sorted(most_reused(pairs, max_documents, doc_ids=docs))
        pairs = pairs[pairs["doc_a"].isin(docs) & pairs["doc_b"].isin(docs)]
        note = f"<br><sup>the {len(docs):,} of {total:,} documents with the largest share found in another; every pair compared is in data/reuse_pairs.csv</sup>"
    names = [chart_text(labels.get(d, d)) for d in docs]
    index = {d: k for k, d in enumerate(docs)}
    z = np.full((len(docs), len(docs)), np.nan)
    hover = [["same document" if i == j else "not compared (no LSH candidate)" for j in range(len(docs))] for i in range(len(docs))]
    for row in pairs.itertuples(index=False):
        i, j = index[row.doc_a], index[row.doc_b]
        z[i, j] = getattr(row, value)
        hover[i][j] = (
            f"{names[i]}<br>{row.shared_sentences_a} of {row.sentences_a} sentences found in<br>{names[j]}"
            f"<br>share {row.share_a:.0%} · similarity {row.similarity:.0%}"
        )
    text = [["—" if i == j else "" if np.isnan(v) else f"{v:.0%}" for j, v in enumerate(r)] for i, r in enumerate(z)]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[axis_label(labels.get(d, d)) for d in docs], y=names, zmin=0, zmax=1, colorscale="Blues",
            text=text, texttemplate="%{text}", xgap=2, ygap=2,
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            colorbar={"title": {"text": "share" if value == "share_a" else "similarity"}, "tickformat": ".0%"},
        )
    )
    title = (
        "Share of each row document's sentences found in the column document"
        if value == "share_a"
        else "Sentence overlap between documents (shared sentences of both / sentences of both)"
    )
    fig.update_layout(
        title=title + note, xaxis_title="found in (doc_b)", yaxis_title="sentences of (doc_a)",
        yaxis={"autorange": "reversed"}, xaxis={"tickangle": 0, "side": "bottom"}, height=260 + 60 * len(docs),
        plot_bgcolor="white",
    )
    return add_source(fig, source)


#: one colour per related type of :data:`.classify.REUSE_TYPES` ("unrelated" pairs are not drawn)
TYPE_COLOURS = dict(zip(REUSE_TYPES[:-1], ("#08519c", "#3182bd", "#e6550d", "#9e9e9e", "#31a354", "#756bb1")))


def reuse_graph(
    relations: pd.DataFrame, *, labels: Mapping[str, str] | None = None, source: str, max_links: int | None = None
) -> go.Figure:
    """Who draws on whom: documents on a circle, an arrow from each source to the document that reuses it.

    Arrows are coloured by type and labelled with the share of the derived
    document's sentences found in the source. Links explained by a common
    source (``via``) are drawn as grey dotted lines without arrowheads, and so
    are pairs that share only quotations (no one draws on the other: dashed);
    unrelated pairs are not drawn. A pair whose direction is undetermined
    (mutual reprint, dates unknown) has arrowheads at both ends. Above
    ``max_links`` related pairs, only the strongest (largest share of the
    derived document) and their documents are drawn, as the title says.
    """
    labels = dict(labels or {})
    docs = sorted(set(relations["doc_a"]) | set(relations["doc_b"]) | set(labels))
    note = ""
    linked = relations[relations["type"] != "unrelated"]
    if max_links is not None and len(linked) > max_links:
        kept, how = choose(linked, max_links, by="share_derived", what="related pairs")
        relations = kept
        docs = sorted(set(kept["doc_a"]) | set(kept["doc_b"]))
        note = f"<br><sup>{how.describe().replace('by share_derived', 'by share of the derived document')} and their {len(docs):,} documents; every pair is in the relations table</sup>"
    n = max(len(docs), 1)
    pos = {d: (math.cos(math.pi / 2 - 2 * math.pi * k / n), math.sin(math.pi / 2 - 2 * math.pi * k / n)) for k, d in enumerate(docs)}

    def text_position(d: str) -> str:
        x, y = pos[d]
        if abs(x) < 0.3:
            return "top center" if y > 0 else "bottom center"
        return ("middle right" if x > 0 else "middle left") if abs(y) < 0.8 else ("top center" if y > 0 else "bottom center")

    fig = go.Figure()
    related = relations[relations["type"] != "unrelated"]
    for row in related.sort_values(["doc_a", "doc_b"]).itertuples(index=False):
        (x0, y0), (x1, y1) = (pos[row.source], pos[row.derived]) if row.source and row.derived else (pos[row.doc_a], pos[row.doc_b])
        # stop short of the markers
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy) or 1.0
        sx, sy = x0 + dx * 0.09 / length, y0 + dy * 0.09 / length
        ex, ey = x1 - dx * 0.09 / length, y1 - dy * 0.09 / length
        label = f"{row.type} · {row.share_derived:.0%}"
        if row.via or not derives(row.type):
            colour = "#888" if row.via else TYPE_COLOURS.get(row.type, "#888")
            fig.add_scatter(
                x=[sx, ex], y=[sy, ey], mode="lines", line={"color": "#aaa" if row.via else colour, "dash": "dot" if row.via else "dash", "width": 1.5},
                hoverinfo="skip", showlegend=False,
            )
            label = f"{row.type} via {doc_number(str(row.via))}" if row.via else str(row.type)
        else:
            colour = TYPE_COLOURS.get(row.type, "#555")
            width = 1.5 + 3 * float(row.share_derived)
            fig.add_annotation(
                x=ex, y=ey, ax=sx, ay=sy, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                arrowhead=2, arrowsize=1.0, arrowwidth=width, arrowcolor=colour, text="",
                startarrowhead=3 if str(row.direction_basis).startswith("undetermined") else 0,
                arrowside="end+start" if str(row.direction_basis).startswith("undetermined") else "end",
            )
        fig.add_annotation(
            x=(sx + ex) / 2, y=(sy + ey) / 2, text=chart_text(label), showarrow=False, font={"size": 11, "color": colour},
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.add_scatter(
        x=[pos[d][0] for d in docs], y=[pos[d][1] for d in docs], mode="markers+text",
        text=[chart_text(labels.get(d, d)) for d in docs], textposition=[text_position(d) for d in docs],
        marker={"size": 22, "color": "#f2f2f2", "line": {"color": "#333", "width": 1.5}},
        hovertext=[chart_text(labels.get(d, d)) for d in docs], hoverinfo="text", showlegend=False,
    )
    for kind, colour in TYPE_COLOURS.items():
        fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": colour, "width": 4}, name=kind)
    fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": "#aaa", "dash": "dot"}, name="via a common source")
    fig.update_layout(
        title="Who draws on whom (arrow: from source to the document reusing it; label: share of its sentences)" + note,
        xaxis={"visible": False, "range": [-2.3, 2.3]}, yaxis={"visible": False, "range": [-1.35, 1.3]},
        height=560, legend_title="type of reuse", plot_bgcolor="white",
    )
    return add_source(fig, source)


def quote_matrix_chart(matrix: pd.DataFrame, *, source: str, clip_at: int = 70, max_quotes: int | None = None, note: str = "") -> go.Figure:
    """The quote x document matrix as a chart: dark = in quotation marks, light = the same words as running text.

    Above ``max_quotes`` rows only the first (the quotations carried by the most
    documents) are drawn, as the title says; ``note`` is added to the title (trusted text).
    """
    total = len(matrix)
    if max_quotes is not None and total > max_quotes:
        matrix = matrix.head(max_quotes)
        note = f"the {max_quotes:,} of {total:,} quotations carried by the most documents" + (f"; {note}" if note else "")
    doc_columns = list(matrix.columns[4:])
    codes = {"quoted": 2, "in text": 1, "": 0}
    z = [[codes.get(v, 0) for v in row] for row in matrix[doc_columns].itertuples(index=False)]
    quotes = [chart_text(clip(q, clip_at)) for q in matrix["quote"]]
    rows_y = [f"{k + 1}. {q}" for k, q in enumerate(quotes)]
    hover = [
        [f"{chart_text(clip(q, 300))}<br>speaker: {chart_text(sp) or 'not named'}<br>{chart_text(d)}: {v or 'absent'}" for d, v in zip(doc_columns, row)]
        for q, sp, row in zip(matrix["quote"], matrix["speaker"], matrix[doc_columns].itertuples(index=False))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[axis_label(d) for d in doc_columns], y=rows_y, zmin=0, zmax=2, xgap=2, ygap=2,
            colorscale=[[0, "#f4f4f4"], [0.33, "#f4f4f4"], [0.34, "#9ecae1"], [0.66, "#9ecae1"], [0.67, "#08519c"], [1, "#08519c"]],
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
            colorbar={"tickvals": [0.33, 1, 1.67], "ticktext": ["absent", "in text", "quoted"], "title": {"text": ""}},
        )
    )
    fig.update_layout(
        title="Which documents carry which quotation" + (f"<br><sup>{note}</sup>" if note else ""), xaxis_title="document", yaxis_title="quotation",
        yaxis={"autorange": "reversed", "tickfont": {"size": 10}}, xaxis={"tickangle": 0}, height=260 + 28 * max(len(rows_y), 1),
        margin={"l": 420},
    )
    return add_source(fig, source)


def framing_chart(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    top: int = 8,
    source: str,
    max_panels: int | None = None,
    max_points: int | None = 1500,
    what: str = "documents",
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """One row per document: each term's uses in that document (log scale) against its z-score.

    Like scattertext's and Monroe et al.'s plots, for several sources at once:
    terms above the dashed line (z = 1.96) are typical of the row's document
    compared with the others. The ``top`` terms by z are numbered on the plot
    and listed beside it (terms often share a point, so names on the points
    would overprint).

    Args:
        frame: :func:`framing_terms` output.
        labels: doc_id -> chart name (``Document.label``); defaults to the doc_id.
        top: numbered terms per document.
        source: the note under the chart.
        max_panels: above this many documents (or outlets), only the ones with the most terms
            at z >= 1.96 get a panel, as the title says.
        max_points: grey (unnumbered) terms drawn per panel at most, the most used ones; ``None`` draws all.
        what: what one panel is, for that note ("documents", "outlets").
        colours: ``doc_id or label -> colour`` (:func:`presslens.style.source_colours`), so a source has the
            colour it has in every other chart; default from the doc_ids (a numbered document by its number).
    """
    labels = dict(labels or {})
    doc_ids = sorted(frame["doc_id"].unique())
    if not doc_ids:
        raise FramingError("framing chart: no terms to draw")
    note = ""
    if max_panels is not None and len(doc_ids) > max_panels:
        typical = frame[frame["z"] >= 1.96].groupby("doc_id").size().reindex(doc_ids, fill_value=0)
        chosen = sorted(doc_ids, key=lambda d: (-int(typical[d]), d))[:max_panels]
        note = f"<br><sup>the {max_panels} of {len(doc_ids):,} {chart_text(what)} with the most typical terms (z >= 1.96)</sup>"
        doc_ids = sorted(chosen)
        frame = frame[frame["doc_id"].isin(doc_ids)]
    titles = [chart_text(labels.get(d, d)) for d in doc_ids]
    palette = chart_colours(doc_ids, colours)
    fig = make_subplots(rows=len(doc_ids), cols=1, subplot_titles=titles, vertical_spacing=0.35 / len(doc_ids))
    thinned = 0
    for index, doc_id in enumerate(doc_ids):
        row = index + 1
        sub = frame[frame["doc_id"] == doc_id]
        colour = palette.get(labels.get(doc_id, doc_id)) or colour_for(palette, doc_id)
        marked = sub.sort_values(["z", "term"], ascending=[False, True]).head(top)
        rest = sub.drop(index=marked.index)
        if max_points is not None and len(rest) > max_points:
            thinned += 1
            rest = rest.sort_values(["n", "z", "term"], ascending=[False, False, True], kind="stable").head(max_points)
        fig.add_scatter(
            x=rest["n"], y=rest["z"], mode="markers", row=row, col=1, showlegend=False,
            marker={"size": 5, "color": "#c4c4c4"}, text=[chart_text(t) for t in rest["term"]],
            hovertemplate="%{text}<br>%{x} uses · z = %{y:.2f}<extra></extra>",
        )
        ranks = [str(k) for k in range(1, len(marked) + 1)]
        fig.add_scatter(
            x=marked["n"], y=marked["z"], mode="markers+text", row=row, col=1, showlegend=False,
            marker={"size": 8, "color": colour}, text=ranks, textposition="middle right",
            textfont={"size": 10, "color": colour}, customdata=[chart_text(t) for t in marked["term"]],
            hovertemplate="%{customdata}<br>%{x} uses · z = %{y:.2f}<extra></extra>",
        )
        fig.add_hline(y=1.96, line={"dash": "dash", "color": "#888", "width": 1}, row=row, col=1)
        values, text = log_ticks(1, max(float(sub["n"].max()) if len(sub) else 1, 1))
        fig.update_xaxes(type="log", title_text="uses in this document (log scale)", domain=[0, 0.66], row=row, col=1,
                         tickmode="array", tickvals=values, ticktext=text)
        fig.update_yaxes(title_text="z", row=row, col=1)
        listing = "<br>".join(
            f"{k}. {chart_text(t)} ({n} uses, z {z:.1f})" for k, (t, n, z) in enumerate(zip(marked["term"], marked["n"], marked["z"]), start=1)
        )
        axis = "" if row == 1 else str(row)
        fig.add_annotation(
            text=listing or "(no terms)", xref="paper", yref=f"y{axis} domain", x=0.7, y=1.0, xanchor="left", yanchor="top",
            showarrow=False, align="left", font={"size": 11, "color": colour},
        )
    if thinned:
        note += f"<br><sup>grey: at most the {max_points:,} most used other terms per panel ({thinned} panels thinned); every term is in the terms table</sup>"
    for annotation in fig.layout.annotations[: len(doc_ids)]:
        annotation.update(x=0.33)  # subplot titles over the narrowed plots
    fig.update_layout(
        title="Distinctive words and phrases of each source against the others (log-odds, informative Dirichlet prior)" + note,
        height=300 * len(doc_ids) + 120, showlegend=False,
    )
    return add_source(fig, source)
