"""Stable import path of the HTML export: see :mod:`presslens.report.export`. No code here."""

from .report.export import (
    PLOTLY_CONFIG,
    PLOTLY_MIME,
    REPORT_TEMPLATE,
    TEMPLATES_DIR,
    PlotlyOfflinePreprocessor,
    ReportHeader,
    count_plotly_outputs,
    export_html,
    plotly_bundle,
    plotly_div,
    script_json,
    write_report,
)

__all__ = [
    "PLOTLY_CONFIG", "PLOTLY_MIME", "REPORT_TEMPLATE", "TEMPLATES_DIR", "PlotlyOfflinePreprocessor", "ReportHeader",
    "count_plotly_outputs", "export_html", "plotly_bundle", "plotly_div", "script_json", "write_report",
]
