"""Stable import path of the overview charts and the shared chart helpers.

The overview charts live in :mod:`presslens.ingest.charts`, the palette and the
source note in :mod:`presslens.style`, chart text escaping in
:func:`presslens.text.chart_text` (``plot_text`` is that function). Kept for
notebooks and chart modules; the names are the same objects. Importing this
module imports plotly.
"""

from .ingest.charts import (
    PART_COLOURS, comments_per_document_chart, timeline_chart, timeline_counts_chart, words_per_part_chart,
)
from .style import PALETTE, add_source
from .text import chart_text as plot_text

__all__ = [
    "PALETTE", "PART_COLOURS", "add_source", "comments_per_document_chart", "plot_text", "timeline_chart",
    "timeline_counts_chart", "words_per_part_chart",
]
