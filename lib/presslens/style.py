"""What every chart shares: the palette and the source note. A leaf that never imports plotly.

Chart modules (each stage's ``charts``) import plotly; this module only takes
a figure and calls its methods, so the computation side can name colours
without loading plotly.
"""

from __future__ import annotations

from typing import Any

from .text.markup import chart_text

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def add_source(fig: Any, source: str) -> Any:
    """Put a "Source: ..." note under the plot, as analysts expect on every chart.

    The note is pinned a fixed number of pixels under the plot area (below the
    x-axis title), so it stays inside the figure however tall the chart is.
    """
    fig.add_annotation(
        text=f"Source: {chart_text(source)}",
        xref="paper", yref="paper", x=0, y=0, yshift=-72, xanchor="left", yanchor="top",
        showarrow=False, font={"size": 11, "color": "#555"},
    )
    bottom = (fig.layout.margin.b or 0) if fig.layout.margin else 0
    fig.update_layout(margin={"b": max(bottom, 110)})
    return fig
