"""Executed notebook -> one self-contained HTML page that opens offline.

nbconvert's lab template drops plotly's ``application/vnd.plotly.v1+json``
outputs (the notebooks keep that small, deterministic mimetype on purpose) and
loads require.js, MathJax and mermaid from a CDN. Here each plotly output
becomes a ``<div>`` plus a ``Plotly.newPlot`` call, the plotly.js bundle of the
installed ``plotly`` package is embedded once per page, and every CDN tag is
removed by the template in ``presslens/templates/``, so a page makes no network request
and two exports of the same notebook differ only in the header's run time.

With ``plotly="shared"`` a page does not embed plotly.js but loads it from the
file ``plotly.min.js`` beside it (:data:`SHARED_PLOTLY_JS`, a relative
``<script src>``; :func:`write_plotly_bundle` writes it once per ``reports/``
folder), so a folder of reports is lighter and still opens offline, as long as
the folder travels whole.

Reports get mailed, so a page names no absolute machine path: :class:`PathShown`
replaces the corpus folder, the output folder, the project and the home folder
with what the reader knows (the corpus folder's name, ``~``...) in the header,
the code and every output of the page (warnings, log lines, tracebacks, charts).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from ..display import PLOTLY_MIME

log = logging.getLogger(__name__)

#: the Jinja templates of the report pages and the index page (package data of presslens)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
REPORT_TEMPLATE = "report.html.j2"
#: How a page gets plotly.js: embedded in each page, or one file beside the pages.
PLOTLY_MODES = ("inline", "shared")
#: The shared plotly.js, in the reports folder beside the pages that load it.
SHARED_PLOTLY_JS = "plotly.min.js"
#: Plotly options for every chart: resize with the window, no vendor logo.
PLOTLY_CONFIG: Mapping[str, Any] = {"responsive": True, "displaylogo": False}


@dataclass(frozen=True)
class ReportHeader:
    """What a reader needs to trust a report: which corpus, which settings, which code, when.

    Attributes:
        title: the notebook's name, e.g. ``01_source_comparison``.
        corpus: the corpus folder as shown to the reader (project-relative when possible).
        parameters: the parameters the notebook ran with.
        commit: short git hash of the code, or a phrase saying there is none.
        started: run start time, ISO 8601 UTC; the only field that changes between runs.
        status: ``ok`` or ``failed``.
        error: one line saying what failed, empty when ok.
    """

    title: str
    corpus: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    commit: str = "not a git checkout"
    started: str = ""
    status: str = "ok"
    error: str = ""


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    Figure titles and hover texts come from the corpus, so they can contain
    ``</script>`` or ``<!--``; either would end or derail the script element.
    ``</`` becomes ``<\\/`` and ``<!--`` becomes ``<\\u0021--``, both still
    valid JSON and JavaScript meaning the same string.

    >>> script_json({"t": "</script><!--"})
    '{"t":"<\\\\/script><\\\\u0021--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
    # U+2028/2029 are legal in JSON but ended string literals in older JavaScript engines.
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def plotly_div(figure: Mapping[str, Any], *, div_id: str) -> str:
    """HTML for one plotly figure: an empty ``<div>`` and the script that draws into it.

    Args:
        figure: the ``application/vnd.plotly.v1+json`` payload (``data``,
            ``layout``, optional ``frames`` and ``config``).
        div_id: a deterministic element id, so repeat exports are byte-identical.
    """
    config = {**dict(figure.get("config") or {}), **PLOTLY_CONFIG}
    spec = {
        "data": figure.get("data", []),
        "layout": figure.get("layout", {}),
        "config": config,
    }
    if figure.get("frames"):
        spec["frames"] = figure["frames"]
    return (
        f'<div id="{div_id}" class="presslens-plotly" style="width:100%;"></div>\n'
        '<script type="text/javascript">'
        f'Plotly.newPlot(document.getElementById("{div_id}"), {script_json(spec)});'
        "</script>"
    )


@dataclass(frozen=True)
class PathShown:
    """Absolute machine paths and what a reader of a mailed report is shown instead; called on a value, it replaces them.

    A path is replaced only as a whole path or a folder of a longer one
    (``/tmp/x/story`` in ``/tmp/x/story/a.txt``, not in ``/tmp/x/story2``);
    strings inside lists and mappings (notebook outputs, plotly figures,
    manifests) are replaced too, anything else is returned as it is.

    >>> shown = PathShown.for_run(Path("/srv/cases/story"), shown="story", home=Path("/home/ann"))
    >>> shown({"corpus": "/srv/cases/story", "log": ["read /srv/cases/story/a.txt", "/home/ann/x", "/srv/cases/story2"]})
    {'corpus': 'story', 'log': ['read story/a.txt', '~/x', '/srv/cases/story2']}
    """

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def for_run(
        cls, corpus: Path, *, shown: str, out: Path | None = None, project: Path | None = None, home: Path | None = None,
    ) -> PathShown:
        """The paths of a run: the corpus as ``shown``, the output folder by its name, the project as ``.``, home as ``~``."""
        named = [(corpus, shown)]
        if out is not None:
            named.append((out, out.name))
        if project is not None:
            named.append((project, "."))
        if home is not None:
            named.append((home, "~"))
        pairs: dict[str, str] = {}
        for path, text in named:
            for form in {str(path), os.path.realpath(path)}:
                if os.path.isabs(form) and form.rstrip("/") and form not in pairs:
                    pairs[form.rstrip("/")] = text
        # the longest path first, so the corpus inside the home folder is shown by its name, not as ~/...
        return cls(tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0]))))

    def __call__(self, value: Any) -> Any:
        if not self.pairs:
            return value
        if isinstance(value, str):
            pattern, lookup = _path_pattern(self.pairs)
            return pattern.sub(lambda m: lookup[m.group(0)], value)
        if isinstance(value, Mapping):
            replaced = {k: self(v) for k, v in value.items()}
            return nbformat.from_dict(replaced) if isinstance(value, nbformat.NotebookNode) else replaced
        if isinstance(value, (list, tuple)):
            return type(value)(self(v) for v in value)
        return value


@lru_cache(maxsize=16)
def _path_pattern(pairs: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for all the paths (longest first), each matched only where the path name ends."""
    return re.compile("(?:" + "|".join(re.escape(p) for p, _ in pairs) + r")(?![\w.~-])"), dict(pairs)


class PathShownPreprocessor(Preprocessor):
    """Replace absolute machine paths in every cell's source and outputs with what the reader is shown (:class:`PathShown`).

    Runs on nbconvert's copy of the notebook, before the plotly outputs become
    HTML, so the replaced text is escaped like any other.
    """

    def __init__(self, shown: PathShown, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown = shown

    def preprocess(self, nb, resources):  # noqa: D102 - nbconvert API
        if self.shown.pairs:
            for cell in nb.cells:
                cell["source"] = self.shown(cell.get("source", ""))
                if "outputs" in cell:
                    cell["outputs"] = [self.shown(output) for output in cell["outputs"]]
        return nb, resources


def count_plotly_outputs(nb: nbformat.NotebookNode) -> int:
    """How many plotly figures a notebook's outputs hold (what a browser should draw)."""
    return sum(
        1
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if PLOTLY_MIME in output.get("data", {})
    )


class PlotlyOfflinePreprocessor(Preprocessor):
    """Turn every plotly output into HTML that draws with the embedded plotly.js.

    Runs on nbconvert's copy of the notebook, so the executed notebook on disk
    keeps its plotly JSON. Any ``text/html`` plotly left beside the JSON (the
    ``notebook`` renderer's random div ids and require.js calls) is replaced.
    """

    def preprocess(self, nb, resources):  # noqa: D102 - nbconvert API
        count = 0
        for cell_index, cell in enumerate(nb.cells):
            for output_index, output in enumerate(cell.get("outputs", [])):
                figure = output.get("data", {}).get(PLOTLY_MIME)
                if figure is None:
                    continue
                html = plotly_div(figure, div_id=f"plotly-{cell_index}-{output_index}")
                output["data"] = nbformat.from_dict({"text/html": html})
                output["metadata"] = nbformat.from_dict({})
                count += 1
        resources.setdefault("presslens", {})["plotly_outputs"] = count
        return nb, resources


@lru_cache(maxsize=1)
def plotly_bundle() -> str:
    """plotly.js from the installed ``plotly`` package (read once per process: ~5 MB)."""
    from plotly.offline import get_plotlyjs

    bundle = get_plotlyjs()
    if "</script" in bundle.lower():  # pragma: no cover - would break the page; never seen
        raise RuntimeError("the plotly.js bundle contains '</script' and cannot be inlined")
    return bundle


def write_plotly_bundle(folder: Path) -> Path:
    """Write the installed package's plotly.js as ``folder/plotly.min.js`` (what ``shared`` pages load).

    Written to a temporary name and renamed, so a page never sees half a file.
    """
    target = folder / SHARED_PLOTLY_JS
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{SHARED_PLOTLY_JS}.tmp"
    tmp.write_text(plotly_bundle(), encoding="utf-8")
    tmp.replace(target)
    return target


#: this thread's exporters, by ``with_code``: nbconvert compiles its templates per exporter (about 0.4 s), so a run
#: exporting many pages makes one per thread (the pages are exported from the threads that run the notebooks)
_EXPORTERS = threading.local()


def _exporter(*, with_code: bool, shown: PathShown | None = None) -> HTMLExporter:
    """The lab HTML exporter with our template and preprocessors, code shown only on request.

    Made once per thread and ``with_code``, then given this page's ``shown``.
    """
    made = getattr(_EXPORTERS, "made", None)
    if made is None:
        made = _EXPORTERS.made = {}
    if with_code not in made:
        exporter = HTMLExporter(
            template_name="lab",
            extra_template_paths=[str(TEMPLATES_DIR)],
            template_file=REPORT_TEMPLATE,
            exclude_input=not with_code,
            exclude_input_prompt=not with_code,
            exclude_output_prompt=not with_code,
            embed_images=False,
        )
        paths_shown = PathShownPreprocessor(PathShown())
        exporter.register_preprocessor(paths_shown, enabled=True)
        exporter.register_preprocessor(PlotlyOfflinePreprocessor(), enabled=True)
        made[with_code] = (exporter, paths_shown)
    exporter, paths_shown = made[with_code]
    paths_shown.shown = shown or PathShown()
    return exporter


def export_html(
    nb: nbformat.NotebookNode,
    *,
    header: ReportHeader,
    with_code: bool = False,
    plotly: str = "inline",
    shown: PathShown | None = None,
) -> str:
    """Render an executed notebook as one offline HTML page with a provenance header.

    Args:
        nb: the executed notebook (not modified).
        header: what goes in the box at the top; every field is HTML-escaped.
        with_code: keep the code cells; reports for readers hide them.
        plotly: ``inline`` embeds plotly.js in the page (self-contained, ~5 MB);
            ``shared`` loads it from ``plotly.min.js`` beside the page
            (:func:`write_plotly_bundle`). A page without charts has neither.
        shown: the machine paths the page must not name and what it shows
            instead, in the header, the code and every output (:class:`PathShown`).

    Returns:
        The page. Deterministic for a given notebook, header and ``plotly``.
    """
    if plotly not in PLOTLY_MODES:
        raise ValueError(f"plotly must be one of {', '.join(PLOTLY_MODES)}, got {plotly!r}")
    exporter = _exporter(with_code=with_code, shown=shown)
    has_plotly = count_plotly_outputs(nb) > 0
    inline = has_plotly and plotly == "inline"
    # nbconvert parses the whole page again (BeautifulSoup) after rendering it: the template gets a marker no
    # document can hold, and plotly.js (~5 MB, most of the page) takes its place once the page is made
    marker = f"presslens-plotly-js-{uuid.uuid4().hex}" if inline else ""
    resources = {
        "metadata": {"name": header.title},
        "presslens": {
            "header": (shown or PathShown())(_header_fields(header)),
            "plotly_js": marker,
            "plotly_src": SHARED_PLOTLY_JS if has_plotly and plotly == "shared" else "",
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    if inline:
        if body.count(marker) != 1:  # pragma: no cover - the template writes it once
            raise RuntimeError("the report template did not place plotly.js exactly once")
        head, tail = body.split(marker)
        body = head + plotly_bundle() + tail
    return body


def _header_fields(header: ReportHeader) -> dict[str, Any]:
    """Header values as plain strings, parameters as sorted ``(name, repr)`` pairs."""
    params = [
        (str(name), json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
        for name, value in sorted(header.parameters.items())
    ]
    return {
        "title": header.title,
        "corpus": header.corpus,
        "parameters": params,
        "commit": header.commit,
        "started": header.started,
        "status": header.status,
        "error": header.error,
    }


def write_report(
    notebook_path: Path,
    html_path: Path,
    *,
    header: ReportHeader,
    with_code: bool = False,
    plotly: str = "inline",
    shown: PathShown | None = None,
) -> int:
    """Export the executed notebook at ``notebook_path`` to ``html_path`` (``plotly``, ``shown``: see :func:`export_html`).

    Returns:
        The number of plotly figures in the page, which a browser check compares
        against the number of drawn charts.
    """
    nb = nbformat.read(notebook_path, as_version=4)
    html = export_html(nb, header=header, with_code=with_code, plotly=plotly, shown=shown)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html, encoding="utf-8")
    log.info("exported %s -> %s", notebook_path.name, html_path.name)
    return count_plotly_outputs(nb)


__all__ = [
    "PLOTLY_CONFIG", "PLOTLY_MIME", "PLOTLY_MODES", "REPORT_TEMPLATE", "SHARED_PLOTLY_JS", "TEMPLATES_DIR",
    "PathShown", "PathShownPreprocessor", "PlotlyOfflinePreprocessor", "ReportHeader", "count_plotly_outputs", "export_html", "plotly_bundle", "plotly_div",
    "script_json", "write_plotly_bundle", "write_report",
]
