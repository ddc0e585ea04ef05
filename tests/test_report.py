"""The report pipeline: `presslens run`, HTML export, index, run.json, refresh-notebooks.

Runs small notebooks written here into a temporary project (``PRESSLENS_ROOT``)
with a fake ``presslens.pipeline`` (so these tests do not depend on the corpus
code); real papermill kernels execute them. The browser checks live in
``test_browser.py``.
"""

from __future__ import annotations

import fcntl
import hashlib
from html import escape
import json
import os
import re
import shutil
import signal
import sys
import time
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from presslens import __version__, cli, report
from presslens.report.execute import UNCHECKED_OUTPUT_TAG
from presslens.report.export import SHARED_PLOTLY_JS, plotly_bundle
from presslens.htmlexport import (
    PLOTLY_MIME,
    ReportHeader,
    count_plotly_outputs,
    export_html,
    plotly_div,
    script_json,
)

ROOT = Path(__file__).resolve().parents[1]
#: Tests that start Jupyter kernels (a few seconds each); `make test-fast` skips them.
SLOW = pytest.mark.slow
HOSTILE = "</script><script>window.__pwned = 1</script><!-- x"
#: Any <script src> or <link href> (or CSS @import) that would reach the network.
NETWORK_REF = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//|@import\s+url\(\s*["']?https?:""",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- project fixtures


def _notebook(path: Path, parameters: str, *cells: str, markdown: str = "") -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown or f"# {path.stem}"), params]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny presslens project: two seed files and three notebooks."""
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text("[project]\nname = 'fake'\n")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("First story.\n")
    (seeds / "b.txt").write_text("Second story.\n")
    nbdir = root / "notebooks"
    (nbdir / "params").mkdir(parents=True)
    (nbdir / "params" / "weekly.yaml").write_text("top_n: 7\ntitle: Weekly\n")
    _notebook(
        nbdir / "01_chart.ipynb",
        'corpus_dir = ""  # corpus folder; empty means seeds/\n'
        'title = "Counts"  # chart title\n'
        "top_n = 3  # bars to show\n"
        "ratio = 0.5  # a float\n"
        "show_table = True  # a bool\n"
        'outlets = ["a", "b"]  # a list',
        "import pandas as pd\nimport plotly.graph_objects as go\nimport plotly.io as pio\n"
        'pio.renderers.default = "plotly_mimetype"\n'
        "from pathlib import Path\n"
        "files = sorted(p.name for p in Path(corpus_dir).iterdir())\n"
        'df = pd.DataFrame({"file": files, "n": range(len(files))})\ndf',
        'go.Figure(go.Bar(x=df["file"], y=df["n"]), layout={"title": title}).show()',
        f'go.Figure(go.Scatter(x=[1, 2], y=[2, 1], text=[{HOSTILE!r}, "ok"]), layout={{"title": {HOSTILE!r}}}).show()',
    )
    _notebook(
        nbdir / "02_table.ipynb",
        'corpus_dir = ""  # corpus folder\ntop_n = 5  # rows\nfail = False  # raise on purpose',
        'if fail:\n    raise RuntimeError("failing on purpose <b>")\nprint("rows", top_n)',
    )
    _notebook(nbdir / "03_summary.ipynb", 'corpus_dir = ""  # corpus folder', 'print("summary")')
    return root


class FakePipeline:
    """Stands in for ``presslens.pipeline``: records calls, can raise what a test asks for."""

    def __init__(self) -> None:
        self.calls: list[tuple[Path, Path, bool]] = []
        self.raise_: BaseException | None = None
        self.module = types.ModuleType("presslens.pipeline")
        self.module.build = self.build

    def build(self, corpus_dir: Path, data_dir: Path, *, strict: bool = False, max_bytes: int | None = None, **options):
        self.calls.append((Path(corpus_dir), Path(data_dir), strict))
        (Path(data_dir) / "documents.csv").write_text("doc_id\na\nb\n")
        if self.raise_ is not None:
            raise self.raise_
        files = sorted(Path(corpus_dir).iterdir())
        inputs = [
            {"file": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest(), "bytes": f.stat().st_size,
             "encoding": "utf-8", "status": "accepted"}
            for f in files
        ] + [{"file": "evil<script>.bin", "sha256": "0" * 64, "bytes": 4, "encoding": None, "status": "rejected"}]
        return types.SimpleNamespace(
            inputs=inputs,
            rejected=[{"file": "evil<script>.bin", "reason": "binary file </td><script>alert(1)</script>"}],
            counts={"documents": len(files), "comments": 0, "sentences": 2},
        )


@pytest.fixture
def fake(project: Path, monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    monkeypatch.setenv("PRESSLENS_ROOT", str(project))
    pipeline = FakePipeline()
    monkeypatch.setitem(sys.modules, "presslens.pipeline", pipeline.module)
    return pipeline


@pytest.fixture(scope="module")
def completed(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full run of the three notebooks, shared by the read-only checks below."""
    out = tmp_path_factory.mktemp("completed") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PRESSLENS_ROOT", str(project))
        mp.setitem(sys.modules, "presslens.pipeline", FakePipeline().module)
        code = cli.main(["run", "--out", str(out), "--no-progress", "-p", "top_n=4"])
    assert code == 0, (out / "run.log").read_text() if (out / "run.log").exists() else "no run.log"
    return out


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its hash: 'byte-identical' made checkable."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _published(out: Path) -> dict[str, str]:
    tree = _tree(out)
    return {k: v for k, v in tree.items() if k.split("/")[0] in report.PUBLISHED}


def _copy_run(completed: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(completed, out)
    return out


def _as_if_published(out: Path, *names: str) -> None:
    """List files a test puts in OUT in its marker, as a run lists what it publishes (others are the user's: refused)."""
    marker = json.loads((out / report.MARKER_NAME).read_text())
    marker["made"] = sorted({*marker["made"], *names})
    (out / report.MARKER_NAME).write_text(json.dumps(marker))


class _Refs(HTMLParser):
    """Every ``href`` and ``src`` of a page (its links, scripts, images, styles), in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001 - HTMLParser API
        self.refs += [value for name, value in attrs if name in ("href", "src") and value is not None]


def page_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    parser.close()
    return parser.refs


def assert_refs_stay_inside(reports: Path) -> dict[str, list[str]]:
    """Every href/src of every page in ``reports/`` names a file inside ``reports/`` (or an anchor of the page).

    No ``../``, no absolute path, no scheme (``http:``, ``https:``, ``file:``, protocol-relative ``//``):
    the folder zipped and mailed alone keeps every link and script working. Returns the files each page
    refers to (anchors within a page left out).
    """
    found = {}
    for page in sorted(reports.glob("*.html")):
        refs = page_refs(page.read_text(encoding="utf-8"))
        for ref in refs:
            target = unquote(urlsplit(ref).path)
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/", ref, re.IGNORECASE), f"{page.name}: {ref!r} leaves the folder"
            assert ".." not in Path(target).parts, f"{page.name}: {ref!r} climbs out of reports/"
            if target:  # '#anchor' stays on the page
                assert (reports / target).is_file(), f"{page.name}: {ref!r} is not a file in reports/"
        found[page.name] = [ref for ref in refs if not ref.startswith("#")]
    return found


# --------------------------------------------------------------------------- HTML export


def _figure_notebook(*titles: str) -> nbformat.NotebookNode:
    """An executed-looking notebook with one plotly output per title and a DataFrame."""
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell("# Figures")]
    table = nbformat.v4.new_code_cell("df", execution_count=1)
    table.outputs = [nbformat.v4.new_output(
        "execute_result", execution_count=1,
        data={"text/plain": "   a\n0  1", "text/html": "<table class='dataframe'><tr><td>1</td></tr></table>"},
    )]
    cells.append(table)
    for n, title in enumerate(titles, start=2):
        fig = go.Figure(go.Bar(x=["x", "y"], y=[1, 2], hovertext=[title, "b"]), layout={"title": title})
        cell = nbformat.v4.new_code_cell("fig.show()", execution_count=n)
        cell.outputs = [nbformat.v4.new_output("display_data", data={PLOTLY_MIME: json.loads(pio.to_json(fig))})]
        cells.append(cell)
    nb.cells = cells
    return nb


def _header(**changes) -> ReportHeader:
    values = dict(title="01_x", corpus="seeds", parameters={"top_n": 3}, commit="abc1234",
                  started="2024-05-01T10:00:00Z", status="ok")
    values.update(changes)
    return ReportHeader(**values)


def test_export_embeds_plotly_once_with_one_div_per_figure():
    html = export_html(_figure_notebook("one", "two"), header=_header())
    assert html.count("* plotly.js v") == 1
    assert html.count('class="presslens-plotly"') == 2
    assert 'id="plotly-2-0"' in html and 'id="plotly-3-0"' in html
    assert html.count("Plotly.newPlot(") == 2
    assert '"responsive":true' in html and '"displaylogo":false' in html


def test_export_without_figures_has_no_plotly_bundle():
    nb = _figure_notebook()
    html = export_html(nb, header=_header())
    assert "plotly.js v" not in html and "Plotly.newPlot" not in html


def test_export_makes_no_network_reference():
    html = export_html(_figure_notebook("t"), header=_header())
    assert not NETWORK_REF.search(html), NETWORK_REF.search(html).group(0)
    assert "<script src" not in html.lower()
    for loader in ("require.min.js", "MathJax.js", "mermaid.esm", "cdnjs.cloudflare.com", "jupyter-widgets"):
        assert loader.lower() not in html.lower(), loader


def test_figure_text_cannot_close_the_script():
    html = export_html(_figure_notebook(HOSTILE), header=_header())
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.DOTALL)
    newplot = [s for s in scripts if "Plotly.newPlot" in s]
    assert len(newplot) == 1, "the hostile title split the figure's script"
    assert HOSTILE not in html
    assert "<\\/script><script>window.__pwned" in newplot[0]
    assert "<!--" not in newplot[0]
    data = json.loads(newplot[0].split(", ", 1)[1].rsplit(");", 1)[0])
    assert data["layout"]["title"]["text"] == HOSTILE  # the reader still sees the exact text


def test_script_json_escapes_script_breakers():
    text = script_json({"a": "</SCRIPT></script><!--\u2028"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</SCRIPT></script><!--\u2028"}


def test_plotly_div_is_deterministic_and_keeps_figure_config():
    figure = {"data": [{"type": "bar", "y": [1]}], "layout": {}, "config": {"scrollZoom": True}}
    assert plotly_div(figure, div_id="plotly-1-0") == plotly_div(figure, div_id="plotly-1-0")
    assert '"scrollZoom":true' in plotly_div(figure, div_id="plotly-1-0")


def test_header_is_escaped_and_shows_status():
    header = _header(title="t<i>", corpus="<b>corpus</b>", parameters={"q": "</script>"},
                     commit="<c>", status="failed", error="ValueError: <bad>")
    html = export_html(_figure_notebook(), header=header)
    block = html[html.index('<header class="presslens-header'):html.index("</header>")]
    assert "presslens-failed" in block
    for raw in ("<i>", "<b>", "</script>", "<c>", "<bad>"):
        assert raw not in block
    assert "&lt;b&gt;corpus&lt;/b&gt;" in block and "ValueError: &lt;bad&gt;" in block


def test_repeat_exports_differ_only_in_run_time():
    nb = _figure_notebook("a", "b")
    first = export_html(nb, header=_header(started="2024-05-01T10:00:00Z"))
    second = export_html(nb, header=_header(started="2031-12-31T23:59:59Z"))
    assert first != second
    assert first.replace("2024-05-01T10:00:00Z", "T") == second.replace("2031-12-31T23:59:59Z", "T")


def test_code_hidden_by_default_shown_with_code():
    nb = _figure_notebook("t")
    hidden = export_html(nb, header=_header())
    shown = export_html(nb, header=_header(), with_code=True)
    for marker in ('class="jp-CodeMirrorEditor', 'class="jp-InputPrompt', '<span class="n">show</span>'):
        assert marker not in hidden, marker
        assert marker in shown, marker


def test_export_shared_loads_plotly_js_beside_the_page_instead_of_embedding_it():
    nb = _figure_notebook("one", "two")
    inline = export_html(nb, header=_header())
    shared = export_html(nb, header=_header(), plotly="shared")
    assert "* plotly.js v" not in shared and shared.count("Plotly.newPlot(") == 2
    assert [r for r in page_refs(shared) if not r.startswith("#")] == [SHARED_PLOTLY_JS]  # one relative script, nothing else to fetch
    assert not NETWORK_REF.search(shared)
    assert "was not found beside this page" in shared  # a page opened without its folder says why charts are missing
    assert len(shared) < 400_000 < 3_000_000 < len(inline)  # nbconvert's lab CSS is most of the rest
    assert export_html(nb, header=_header(), plotly="shared") == shared  # deterministic
    no_charts = export_html(_figure_notebook(), header=_header(), plotly="shared")
    assert [r for r in page_refs(no_charts) if not r.startswith("#")] == [] and "Plotly" not in no_charts
    with pytest.raises(ValueError, match="inline, shared"):
        export_html(nb, header=_header(), plotly="cdn")


def test_write_plotly_bundle_writes_the_installed_plotly_js(tmp_path: Path):
    path = report.write_plotly_bundle(tmp_path / "reports")
    assert path == tmp_path / "reports" / "plotly.min.js"
    assert path.read_text(encoding="utf-8") == plotly_bundle() and "* plotly.js v" in plotly_bundle()[:2000]
    assert [p.name for p in path.parent.iterdir()] == ["plotly.min.js"]  # no temporary file left


def _result(name: str, plotly: str) -> report.NotebookResult:
    return report.NotebookResult(name=name, status="ok", seconds=1.0, report=f"reports/{name}.html",
                                 notebook=f"notebooks/{name}.ipynb", plotly_outputs=int(plotly != "none"), plotly=plotly)


def test_place_shared_plotly_only_when_a_report_loads_it(tmp_path: Path, caplog):
    out = tmp_path / "out"
    staging = out / ".run-x"
    (staging / "reports").mkdir(parents=True)
    bundle = staging / "reports" / SHARED_PLOTLY_JS
    assert report.place_shared_plotly(out, staging, results=[_result("01_a", "inline"), _result("02_b", "none")],
                                      kept=[{"name": "03_c", "plotly": "inline"}]) is None
    assert not bundle.exists()
    assert report.place_shared_plotly(out, staging, results=[_result("01_a", "shared")], kept=[]) == bundle
    assert bundle.read_text(encoding="utf-8") == plotly_bundle()
    bundle.unlink()
    # only a kept report needs it: the earlier run's file is carried over as it was
    (out / "reports").mkdir()
    (out / "reports" / SHARED_PLOTLY_JS).write_text("/* the earlier run's plotly.js */")
    assert report.place_shared_plotly(out, staging, results=[_result("01_a", "inline")],
                                      kept=[{"name": "02_b", "plotly": "shared"}]) == bundle
    assert bundle.read_text() == "/* the earlier run's plotly.js */"
    # ... and written from the installed plotly when the earlier file is gone
    bundle.unlink()
    (out / "reports" / SHARED_PLOTLY_JS).unlink()
    with caplog.at_level("WARNING", logger="presslens"):
        report.place_shared_plotly(out, staging, results=[], kept=[{"name": "02_b", "plotly": "shared"}])
    assert bundle.read_text(encoding="utf-8") == plotly_bundle() and "was missing" in caplog.text


def test_plotly_option_is_checked_before_anything_runs(fake: FakePipeline, tmp_path: Path, capsys):
    with pytest.raises(report.ParameterError, match="--plotly must be inline or shared"):
        report.plan_run(out_dir=tmp_path / "out", plotly="cdn")
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "--out", str(tmp_path / "out"), "--plotly", "cdn"])
    assert stop.value.code == 2 and "invalid choice: 'cdn'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not fake.calls


# --------------------------------------------------------------------------- a complete run


@SLOW
def test_run_publishes_reports_index_data_and_manifest(completed: Path):
    assert sorted(p.name for p in (completed / "reports").iterdir()) == [
        "01_chart.html", "02_table.html", "03_summary.html", "index.html", "run.json"]
    # the copy that travels with the reports is the manifest with no absolute machine path in it
    local = json.loads((completed / "run.json").read_text(encoding="utf-8"))
    public = json.loads((completed / "reports" / "run.json").read_text(encoding="utf-8"))
    assert local["corpus"].startswith("/") and public["corpus"] == Path(local["corpus"]).name
    assert str(completed) not in json.dumps(public) and local["corpus"] not in json.dumps(public)
    assert public["notebooks"] == [{**entry, "corpus": public["corpus"], "corpus_display": public["corpus"]} for entry in local["notebooks"]]
    assert (completed / "data" / "documents.csv").exists()
    assert sorted(p.name for p in (completed / "notebooks").iterdir()) == [
        "01_chart.ipynb", "02_table.ipynb", "03_summary.ipynb"]
    assert not list(completed.glob(".run-*")) and not list(completed.glob(".old-*"))
    assert not (completed / "failed-runs").exists()
    assert (completed / "logs" / "run.log").read_text().count("run started") == 1
    assert "run finished" in (completed / "run.log").read_text()


@SLOW
def test_run_report_renders_notebook_outputs_offline(completed: Path):
    html = (completed / "reports" / "01_chart.html").read_text()
    executed = nbformat.read(completed / "notebooks" / "01_chart.ipynb", as_version=4)
    assert count_plotly_outputs(executed) == 2
    assert html.count("* plotly.js v") == 1
    assert html.count('class="presslens-plotly"') == 2
    assert "a.txt" in html and "b.txt" in html  # the DataFrame, computed from the corpus
    assert HOSTILE not in html
    assert not NETWORK_REF.search(html)
    assert "<script src" not in html.lower()
    assert ">seeds<" in html  # corpus shown relative to the project, not as an absolute path
    assert "top_n = 4" in html


@SLOW
def test_run_json_records_the_run(completed: Path, project: Path):
    manifest = json.loads((completed / "run.json").read_text())
    assert manifest["status"] == "ok"
    assert manifest["corpus"] == str((project / "seeds").resolve())
    assert manifest["parameters"] == {"top_n": 4}
    assert [n["name"] for n in manifest["notebooks"]] == ["01_chart", "02_table", "03_summary"]
    first = manifest["notebooks"][0]
    assert set(first) == {"name", "status", "seconds", "report", "notebook", "error", "plotly", "kept", "run_started", "corpus", "corpus_display"}
    assert [n["plotly"] for n in manifest["notebooks"]] == ["inline", "none", "none"]  # 01 has charts, 02 and 03 none
    assert manifest["options"]["plotly"] == "inline"
    assert first["kept"] is False and first["run_started"] == manifest["started"] and first["corpus_display"] == "seeds"
    assert manifest["executed"] == ["01_chart", "02_table", "03_summary"] and manifest["kept"] == []
    assert first["report"] == "reports/01_chart.html" and first["notebook"] == "notebooks/01_chart.ipynb"
    assert [i["file"] for i in manifest["inputs"]] == ["a.txt", "b.txt", "evil<script>.bin"]
    assert len(manifest["inputs"][0]["sha256"]) == 64
    assert manifest["rejected"][0]["file"] == "evil<script>.bin"
    assert manifest["counts"] == {"comments": 0, "documents": 2, "sentences": 2}
    for package in ("python", "pandas", "plotly", "papermill", "nbconvert", "nltk", "vaderSentiment"):
        assert package in manifest["versions"]
    assert manifest["git_commit"] == "not a git checkout"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["started"])
    text = (completed / "run.json").read_text()
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"  # sorted keys


@SLOW
def test_params_reach_only_notebooks_that_declare_them(completed: Path):
    executed = {
        name: nbformat.read(completed / "notebooks" / f"{name}.ipynb", as_version=4).metadata.papermill.parameters
        for name in ("01_chart", "02_table", "03_summary")
    }
    assert executed["01_chart"]["top_n"] == 4 and executed["02_table"]["top_n"] == 4
    assert "top_n" not in executed["03_summary"]
    assert all(Path(p["corpus_dir"]).is_absolute() for p in executed.values())


@SLOW
def test_index_lists_reports_inputs_and_is_self_contained(completed: Path):
    html = (completed / "reports" / "index.html").read_text()
    for name in ("01_chart", "02_table", "03_summary"):
        assert f'href="{name}.html"' in html
    assert "evil&lt;script&gt;.bin" in html and "<script" not in html.lower()
    assert "&lt;/td&gt;&lt;script&gt;" in html  # the rejection reason, escaped
    assert hashlib.sha256(b"First story.\n").hexdigest() in html
    assert "top_n" in html and "documents" in html
    assert f"presslens {__version__}" in html
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert hrefs and all(not re.match(r"^[a-z]+:|^/", h) for h in hrefs), hrefs
    assert "<link" not in html.lower() and "@import" not in html


@SLOW
def test_index_and_reports_link_only_files_inside_reports(completed: Path, tmp_path: Path):
    """reports/ zipped and mailed alone: every href/src of the index and of each report resolves inside it."""
    alone = tmp_path / "mailed" / "reports"
    shutil.copytree(completed / "reports", alone)
    refs = assert_refs_stay_inside(alone)
    assert sorted(refs) == ["01_chart.html", "02_table.html", "03_summary.html", "index.html"]
    assert set(refs["index.html"]) == {"01_chart.html", "02_table.html", "03_summary.html", "run.json"}
    assert json.loads((alone / "run.json").read_text())["notebooks"][0]["name"] == "01_chart"
    assert refs["01_chart.html"] == []  # inline: plotly.js is in the page, nothing to fetch


def test_index_of_thousands_of_inputs_lists_the_first_and_says_where_the_rest_are(completed: Path):
    """A corpus of thousands of files keeps a small index: the first entries of each list and a line pointing to all."""
    manifest = json.loads((completed / "run.json").read_text())
    real = manifest["inputs"]
    many = [dict(real[k % len(real)], file=f"{k:05d}_{real[k % len(real)]['file']}") for k in range(2500)]
    bad = [{"file": f"{k:05d}_evil<script>.bin", "reason": "binary <b>content</b>"} for k in range(150)]
    html = report.render_index({**manifest, "inputs": many, "rejected": bad, "warnings": []}, max_rows=40)
    assert "Input files (2500)" in html and "Showing the first 40 of 2,500 input files" in html
    assert "00039_" in html and "00040_" not in html
    assert "Showing the first 40 of 150 rejected files" in html and "<script" not in html.lower()
    assert len(html) < 40_000
    small = report.render_index(manifest)
    assert "Showing the first" not in small and all(escape(i["file"], quote=False) in small for i in real)


# --------------------------------------------------------------------------- failures


@SLOW
def test_failing_notebook_is_reported_and_the_others_still_run(fake: FakePipeline, tmp_path: Path, capsys):
    out = tmp_path / "out"
    code = cli.main(["run", "--out", str(out), "--notebooks", "02", "03", "-p", "fail=true"])
    assert code == 1
    err = capsys.readouterr().err
    assert "02_table" in err and "failed" in err.lower()
    manifest = json.loads((out / "run.json").read_text())
    status = {n["name"]: n for n in manifest["notebooks"]}
    assert status["02_table"]["status"] == "failed"
    assert "RuntimeError: failing on purpose <b>" in status["02_table"]["error"]
    assert status["03_summary"]["status"] == "ok"
    assert manifest["status"] == "failed"
    failed_html = (out / "reports" / "02_table.html").read_text()
    assert "presslens-failed" in failed_html and "failing on purpose" in failed_html
    assert "Traceback" in failed_html or "RuntimeError" in failed_html
    assert (out / "reports" / "03_summary.html").exists()
    index = (out / "reports" / "index.html").read_text()
    row = index[index.index('href="02_table.html"'):].split("</tr>")[0]
    assert ">failed<" in row and "<code>notebooks/02_table.ipynb</code>" in row  # named, not linked: reports/ travels alone
    assert (out / "notebooks" / "02_table.ipynb").exists()
    assert_refs_stay_inside(out / "reports")


@SLOW
def test_interrupted_build_keeps_previous_outputs(fake: FakePipeline, completed: Path, tmp_path: Path, capsys):
    out = _copy_run(completed, tmp_path)
    before = _published(out)
    fake.raise_ = KeyboardInterrupt()
    assert cli.main(["run", "--out", str(out), "--no-progress"]) == 130
    assert _published(out) == before
    kept = list((out / "failed-runs").iterdir())
    assert len(kept) == 1 and (kept[0] / "data" / "documents.csv").exists()
    assert "run aborted" in (kept[0] / "run.log").read_text()
    err = capsys.readouterr().err.strip()
    assert err.startswith("presslens: error: interrupted") and "failed-runs" in err and len(err.splitlines()) == 1
    _assert_lock_free(out)


@SLOW
def test_interrupt_between_notebooks_keeps_previous_outputs(
    fake: FakePipeline, completed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = _copy_run(completed, tmp_path)
    before = _published(out)
    real = report.execute_notebook

    def execute_then_interrupt(source, target, **kwargs):
        if source.stem == "03_summary":
            raise KeyboardInterrupt
        return real(source, target, **kwargs)

    monkeypatch.setattr(report.execute, "execute_notebook", execute_then_interrupt)  # where the run looks it up
    assert cli.main(["run", "--out", str(out), "--no-progress", "--notebooks", "02,03"]) == 130
    assert _published(out) == before
    (kept,) = (out / "failed-runs").iterdir()
    assert (kept / "notebooks" / "02_table.ipynb").exists() and (kept / "reports" / "02_table.html").exists()
    assert not list(out.glob(".run-*"))
    _assert_lock_free(out)


def _kernel_span(executed: Path) -> tuple[str, str]:
    """When papermill started and ended ``executed`` (ISO times, comparable as text)."""
    meta = json.loads(executed.read_text(encoding="utf-8"))["metadata"]["papermill"]
    return meta["start_time"], meta["end_time"]


@SLOW
@pytest.mark.parametrize("jobs, side_by_side", [(1, False), (3, True)])
def test_notebooks_run_side_by_side_with_jobs_and_in_turn_with_one(fake: FakePipeline, tmp_path: Path, jobs: int, side_by_side: bool):
    out = tmp_path / "out"
    assert cli.main(["run", "--out", str(out), "--no-progress", "--jobs", str(jobs)]) == 0
    names = ["01_chart", "02_table", "03_summary"]
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [n["name"] for n in manifest["notebooks"]] == names  # the plan's order, whichever ended first
    assert all(n["status"] == "ok" and (out / n["report"]).is_file() for n in manifest["notebooks"])
    spans = sorted(_kernel_span(out / "notebooks" / f"{name}.ipynb") for name in names)
    overlapping = any(end > next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))
    assert overlapping is side_by_side
    assert ("3 at a time" in (out / "run.log").read_text(encoding="utf-8")) is side_by_side


@SLOW
def test_sigterm_while_notebooks_run_side_by_side_kills_their_kernels(
    fake: FakePipeline, completed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = _copy_run(completed, tmp_path)
    before = _published(out)
    real = report.execute_notebook
    seen: list = []

    def execute(source, target, **kwargs):
        if source.stem == "03_summary":  # once the other notebook's kernel runs, the run is told to stop
            for _ in range(600):
                with report.execute._KERNELS_LOCK:
                    running = list(report.execute._KERNELS)
                if running:
                    break
                time.sleep(0.05)
            seen.extend(running)
            os.kill(os.getpid(), signal.SIGTERM)
        return real(source, target, **kwargs)

    monkeypatch.setattr(report.execute, "execute_notebook", execute)
    assert cli.main(["run", "--out", str(out), "--no-progress", "--jobs", "2", "--notebooks", "02,03"]) == 143
    assert seen and all(process.poll() is not None for process in seen)  # no kernel outlives the run
    assert _published(out) == before
    assert len(list((out / "failed-runs").iterdir())) == 1
    assert not list(out.glob(".run-*"))
    _assert_lock_free(out)


@SLOW
@pytest.mark.parametrize("snapshot_kept", [True, False])
def test_kernels_start_while_the_build_runs_with_their_notebooks_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot_kept: bool):
    """Each notebook's kernel is started (and imports what the notebook imports) during the build, leaving no trace in the notebook."""
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'fake'\n")
    (root / "seeds" / "a.txt").write_text("First story.\n")
    (root / "notebooks").mkdir()
    probe = 'import sys\nprint(sorted(m for m in ("colorsys", "wave") if m in sys.modules), [n for n in dir() if "presslens" in n])'
    for name in ("01_ahead", "02_ahead"):
        _notebook(root / "notebooks" / f"{name}.ipynb", 'corpus_dir = ""  # corpus folder', probe,
                  "import colorsys\nfrom wave import open as wave_open\nprint(colorsys.__name__, wave_open.__name__)")
    alive_during_build: list[int] = []

    def build(corpus_dir, data_dir, *, snapshot=None, **options):
        if snapshot_kept:
            Path(snapshot).write_bytes(b"a snapshot")
        for _ in range(600):  # the kernels are launched by the notebooks' threads while this runs
            with report.execute._KERNELS_LOCK:
                alive = [p for p in report.execute._KERNELS if p.poll() is None]
            if len(alive) == 2:
                break
            time.sleep(0.05)
        alive_during_build.append(len(alive))
        return types.SimpleNamespace(inputs=[], rejected=[], counts={"documents": 1})

    monkeypatch.setenv("PRESSLENS_ROOT", str(root))
    module = types.ModuleType("presslens.pipeline")
    module.build = build
    monkeypatch.setitem(sys.modules, "presslens.pipeline", module)
    out = tmp_path / "out"
    assert cli.main(["run", "--out", str(out), "--no-progress", "--jobs", "1"]) == 0
    assert alive_during_build == [2]
    for name in ("01_ahead", "02_ahead"):
        executed = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        code = [c for c in executed.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == [1, 2, 3, 4]  # papermill's parameters cell, then the notebook's; the imports ahead took no count
        imported_ahead = ["colorsys", "wave"] if snapshot_kept else []  # without a snapshot the kernel told of one is replaced
        assert code[2].outputs[0]["text"] == f"{imported_ahead} []\n"
        assert code[3].outputs[0]["text"] == "colorsys open\n"
    with report.execute._KERNELS_LOCK:
        assert not report.execute._KERNELS
    assert "could not start ahead" not in (out / "run.log").read_text(encoding="utf-8")


@SLOW
def test_sigterm_stops_the_run_and_keeps_previous_outputs(fake: FakePipeline, completed: Path, tmp_path: Path):
    out = _copy_run(completed, tmp_path)
    before = _published(out)
    previous_handler = signal.getsignal(signal.SIGTERM)

    class SendSigterm(Exception):
        pass

    def build(corpus_dir, data_dir, *, strict=False, max_bytes=None, **options):
        os.kill(os.getpid(), signal.SIGTERM)
        raise SendSigterm("the handler should have raised first")

    fake.module.build = build
    assert cli.main(["run", "--out", str(out), "--no-progress"]) == 143
    assert _published(out) == before
    assert len(list((out / "failed-runs").iterdir())) == 1
    assert signal.getsignal(signal.SIGTERM) == previous_handler
    _assert_lock_free(out)


@SLOW
def test_the_kernel_gets_the_run_context_through_its_start_not_our_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from presslens.paths import RunContext

    nb = tmp_path / "01_context.ipynb"
    _notebook(nb, "x = 1  # x", "from presslens.paths import run_context\nctx = run_context()\n"
              "print(ctx.notebook, ctx.cache_dir, ctx.max_bytes, ctx.views_dir.relative_to(ctx.out_dir))")
    monkeypatch.setenv("PRESSLENS_CACHE_DIR", str(tmp_path / "not-this-cache"))  # --no-cache: unset for the kernel
    before = dict(os.environ)
    context = RunContext(out_dir=tmp_path / "staging", notebook="01_context", max_bytes=1234)
    error = report.execute_notebook(nb, tmp_path / "executed.ipynb", parameters={}, cwd=tmp_path, context=context)
    assert error == ""
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "01_context None 1234 data/views/01_context\n"
    assert dict(os.environ) == before  # this process's environment was never changed


@SLOW
@pytest.mark.parametrize("fail", [False, True])
def test_a_notebook_is_saved_when_it_ends_not_at_every_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: bool):
    """Papermill wrote the whole notebook at each cell's start and end; the run's engine writes it when it ends, with what it got."""
    import papermill.engines

    nb = tmp_path / "01_many.ipynb"
    cells = [f"print({i})" for i in range(8)] + (['raise RuntimeError("stop <here>")', 'print("never")'] if fail else [])
    _notebook(nb, "x = 1  # x", *cells)
    writes: list[str] = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: writes.append(path) or real(nb, path))
    error = report.execute_notebook(nb, tmp_path / "executed.ipynb", parameters={"x": 2}, cwd=tmp_path)
    assert (error == "RuntimeError: stop <here>") is fail and (error == "") is not fail
    assert len(writes) == 1  # once, when it ended (papermill's own engine: twice per cell, 20 and more here)
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    printed = [c.outputs[0]["text"] for c in executed.cells if c.cell_type == "code" and c.outputs and "text" in c.outputs[0]]
    assert printed == [f"{i}\n" for i in range(8)]
    assert executed.metadata.papermill["end_time"] and executed.metadata.papermill["exception"] is (True if fail else None)


def test_library_errors_print_one_line(fake: FakePipeline, tmp_path: Path, capsys):
    from presslens.errors import CorpusError

    fake.raise_ = CorpusError("evil.bin: binary file (strict mode)")
    assert cli.main(["run", "--out", str(tmp_path / "out"), "--strict", "--no-progress"]) == 1
    assert fake.calls[0][2] is True
    err = capsys.readouterr().err.strip()
    assert err.startswith("presslens: error: evil.bin: binary file") and len(err.splitlines()) == 1
    assert "Traceback" not in err


# --------------------------------------------------------------------------- partial runs


def _index_row(index: str, name: str) -> str:
    return index[index.index(f'href="{name}.html"'):].split("</tr>")[0]


@SLOW
def test_partial_run_updates_its_reports_and_keeps_the_others(fake: FakePipeline, completed: Path, tmp_path: Path, capsys):
    out = _copy_run(completed, tmp_path)
    (out / "data" / "views" / "01_chart").mkdir(parents=True)
    (out / "data" / "views" / "01_chart" / "full.csv").write_text("a\n1\n")  # the table behind a cut view of report 01
    _as_if_published(out, "data/views", "data/views/01_chart", "data/views/01_chart/full.csv")
    first = json.loads((out / "run.json").read_text())
    before = _tree(out)
    assert cli.main(["run", "--out", str(out), "--notebooks", "02"]) == 0
    assert "kept 2 report(s) from earlier runs: 01_chart, 03_summary" in capsys.readouterr().err
    after = _tree(out)
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["01_chart.html", "02_table.html", "03_summary.html", "index.html", "run.json"]
    for kept in ("reports/01_chart.html", "reports/03_summary.html", "notebooks/01_chart.ipynb", "notebooks/03_summary.ipynb",
                 "data/views/01_chart/full.csv"):
        assert after[kept] == before[kept], kept
    assert after["reports/02_table.html"] != before["reports/02_table.html"]
    second = json.loads((out / "run.json").read_text())
    assert second["executed"] == ["02_table"] and second["kept"] == ["01_chart", "03_summary"]
    assert second["status"] == "ok" and second["options"]["notebooks"] == ["02_table"]
    entries = {n["name"]: n for n in second["notebooks"]}
    assert list(entries) == ["01_chart", "02_table", "03_summary"]
    assert entries["02_table"]["kept"] is False and entries["02_table"]["run_started"] == second["started"]
    for name in ("01_chart", "03_summary"):
        assert entries[name]["kept"] is True and entries[name]["run_started"] == first["started"]
        assert entries[name]["corpus_display"] == "seeds" and entries[name]["report"] == f"reports/{name}.html"
        assert entries[name]["seconds"] == next(n for n in first["notebooks"] if n["name"] == name)["seconds"]
    index = (out / "reports" / "index.html").read_text()
    assert "earlier run" in _index_row(index, "01_chart") and "earlier run" in _index_row(index, "03_summary")
    assert "earlier run" not in _index_row(index, "02_table")
    assert first["started"] in _index_row(index, "01_chart") and second["started"] in _index_row(index, "02_table")
    assert "<code>seeds</code>" in _index_row(index, "02_table") and "2 reports were kept from earlier runs" in index
    assert not list(out.glob(".run-*")) and not list(out.glob(".old-*")) and not (out / "failed-runs").exists()

    # a second partial run, failing: published with its failure, the other reports kept with the run that made them
    assert cli.main(["run", "--out", str(out), "--no-progress", "--notebooks", "01,02", "-p", "fail=true"]) == 1
    third = json.loads((out / "run.json").read_text())
    entries = {n["name"]: n for n in third["notebooks"]}
    assert third["status"] == "failed" and third["executed"] == ["01_chart", "02_table"] and third["kept"] == ["03_summary"]
    assert entries["02_table"]["status"] == "failed" and entries["01_chart"]["status"] == "ok"
    assert entries["03_summary"]["run_started"] == first["started"]  # carried over, not the second run's time
    assert _tree(out)["reports/03_summary.html"] == before["reports/03_summary.html"]
    assert not (out / "data" / "views" / "01_chart").exists()  # 01 ran again: its old views went with its old report
    _assert_lock_free(out)


@SLOW
def test_shared_plotly_run_writes_plotly_js_once_and_kept_reports_still_find_it(fake: FakePipeline, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", "--out", str(out), "--no-progress", "--plotly", "shared"]) == 0
    reports = out / "reports"
    assert (reports / SHARED_PLOTLY_JS).read_text(encoding="utf-8") == plotly_bundle()
    refs = assert_refs_stay_inside(reports)
    assert refs["01_chart.html"] == [SHARED_PLOTLY_JS] and refs["02_table.html"] == refs["03_summary.html"] == []
    assert (reports / "01_chart.html").stat().st_size < 400_000
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["options"]["plotly"] == "shared"
    assert [n["plotly"] for n in manifest["notebooks"]] == ["shared", "none", "none"]
    assert "<code>plotly.min.js</code>, beside the reports" in (reports / "index.html").read_text()
    shared_01 = (reports / "01_chart.html").read_bytes()

    # an inline partial run keeps the shared report 01 and the file it loads (the earlier run's, as it was)
    (reports / SHARED_PLOTLY_JS).write_text("/* earlier */" + plotly_bundle(), encoding="utf-8")
    assert cli.main(["run", "--out", str(out), "--no-progress", "--notebooks", "02"]) == 0
    assert (reports / "01_chart.html").read_bytes() == shared_01
    assert (reports / SHARED_PLOTLY_JS).read_text(encoding="utf-8").startswith("/* earlier */")
    entries = {n["name"]: n for n in json.loads((out / "run.json").read_text())["notebooks"]}
    assert entries["01_chart"]["kept"] is True and entries["01_chart"]["plotly"] == "shared"
    assert_refs_stay_inside(reports)

    # kept shared reports find the file even when it went missing from the published folder
    (reports / SHARED_PLOTLY_JS).unlink()
    assert cli.main(["run", "--out", str(out), "--no-progress", "--notebooks", "03"]) == 0
    assert (reports / SHARED_PLOTLY_JS).read_text(encoding="utf-8") == plotly_bundle()
    assert_refs_stay_inside(reports)

    # once no report loads it, the file goes
    assert cli.main(["run", "--out", str(out), "--no-progress", "--notebooks", "01"]) == 0
    assert not (reports / SHARED_PLOTLY_JS).exists()
    assert assert_refs_stay_inside(reports)["01_chart.html"] == []
    assert (reports / "01_chart.html").stat().st_size > 3_000_000  # inline again
    _assert_lock_free(out)


def test_keep_earlier_reports_keeps_only_the_suite_s_other_published_reports(tmp_path: Path):
    out, staging = tmp_path / "out", tmp_path / "out" / ".run-x"
    for name in ("01_a", "02_b", "03_gone", "04_nohtml"):
        (out / "notebooks").mkdir(parents=True, exist_ok=True)
        (out / "notebooks" / f"{name}.ipynb").write_text("{}")
        if name != "04_nohtml":
            (out / "reports").mkdir(exist_ok=True)
            (out / "reports" / f"{name}.html").write_text(f"<p>{name}</p>")
    entries = [{"name": n, "status": "ok", "seconds": 1.0, "report": f"reports/{n}.html", "notebook": f"notebooks/{n}.ipynb", "error": ""}
               for n in ("01_a", "02_b", "03_gone", "04_nohtml")]
    entries[1] |= {"kept": True, "run_started": "2020-01-01T00:00:00Z", "corpus": "/old", "corpus_display": "old"}
    (out / "run.json").write_text(json.dumps({"started": "2021-02-03T04:05:06Z", "corpus": "/c", "corpus_display": "c", "notebooks": entries}))
    staging.mkdir()
    kept = report.keep_earlier_reports(out, staging, suite=["01_a", "02_b", "04_nohtml", "05_new"], executed=["05_new"])
    assert [k["name"] for k in kept] == ["01_a", "02_b"]  # 03 left the suite; 04's report is missing
    assert kept[0]["run_started"] == "2021-02-03T04:05:06Z" and kept[0]["corpus_display"] == "c" and kept[0]["kept"] is True
    assert kept[1]["run_started"] == "2020-01-01T00:00:00Z" and kept[1]["corpus_display"] == "old"
    assert sorted(p.name for p in (staging / "reports").iterdir()) == ["01_a.html", "02_b.html"]
    assert (staging / "notebooks" / "01_a.ipynb").exists()
    assert report.keep_earlier_reports(out, staging, suite=["01_a"], executed=["01_a"]) == []
    (out / "run.json").write_text("{not json")
    assert report.keep_earlier_reports(out, staging, suite=["01_a", "02_b"], executed=[]) == []


def _assert_lock_free(out: Path) -> None:
    with open(out / report.LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the run kept the lock


def test_lock_held_second_run_exits_3(fake: FakePipeline, tmp_path: Path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    lock = out / report.LOCK_NAME
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("4242\n")
        handle.flush()
        assert cli.main(["run", "--out", str(out), "--wait", "0.3", "--no-progress"]) == 3
    err = capsys.readouterr().err.strip()
    assert str(lock) in err and "pid 4242" in err and "--wait" in err and len(err.splitlines()) == 1
    assert fake.calls == []
    assert sorted(p.name for p in out.iterdir()) == [report.LOCK_NAME]


# --------------------------------------------------------------------------- refused before anything runs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "nope=1"], "unknown parameter nope"),
        (["--notebooks", "03", "-p", "top_n=3"], "unknown parameter top_n"),
        (["-p", "top_n=abc"], "top_n"),
        (["-p", "top_n=2.5"], "expects int"),
        (["-p", "show_table=maybe"], "expects bool"),
        (["-p", "outlets=x"], "expects list"),
        (["-p", "ratio=[1]"], "expects float"),
        (["-p", "top_n"], "name=value"),
        (["-p", "corpus_dir=seeds", "--corpus", "{seeds}"], "--corpus or corpus_dir"),
        (["--notebooks", "99"], "unknown notebook '99'"),
        (["--notebooks", "01_nope"], "available: 01_chart, 02_table, 03_summary"),
        (["--corpus", "{tmp}/missing"], "corpus folder not found"),
        (["--corpus", "{seeds}", "--out", "{seeds}"], "is the corpus folder"),
        (["--corpus", "{seeds}", "--out", "{seeds}/out"], "is inside the corpus folder"),
        (["--corpus", "{seeds}", "--out", "{root}"], "contains the corpus folder"),
        (["--out", "{root}/notebooks/out"], "notebooks folder"),
        (["-f", "nightly"], "params file not found"),
        (["--wait", "-1"], "--wait"),
    ],
)
def test_bad_settings_exit_2_before_anything_runs(
    fake: FakePipeline, project: Path, tmp_path: Path, capsys, args: list[str], message: str
):
    out = tmp_path / "out"
    fields = {"seeds": project / "seeds", "root": project, "tmp": tmp_path}
    argv = ["run", "--no-progress", *[a.format(**fields) for a in args]]
    if "--out" not in argv:
        argv += ["--out", str(out)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("presslens: error: ") and len(err.splitlines()) == 1, err
    assert message in err, err
    assert fake.calls == []
    assert not out.exists()
    assert not (project / "seeds" / "out").exists() and not (project / "notebooks" / "out").exists()


def test_foreign_output_folder_is_refused(fake: FakePipeline, tmp_path: Path, capsys):
    out = tmp_path / "home"
    (out / "data").mkdir(parents=True)
    (out / "data" / "precious.txt").write_text("mine")
    assert cli.main(["run", "--out", str(out)]) == 2
    assert "no presslens run made it" in capsys.readouterr().err
    assert (out / "data" / "precious.txt").read_text() == "mine"


def test_named_params_file_and_string_values(fake: FakePipeline, project: Path, tmp_path: Path):
    plan = report.plan_run(out_dir=tmp_path / "out", params_file="weekly", param_texts=["title=007", "ratio=1"])
    assert plan.parameters == {"ratio": 1.0, "title": "007", "top_n": 7}
    by_name = {nb.name: nb.parameters for nb in plan.notebooks}
    assert by_name["01_chart"] == {"corpus_dir": str((project / "seeds").resolve()), "ratio": 1.0,
                                   "title": "007", "top_n": 7}
    assert by_name["02_table"] == {"corpus_dir": str((project / "seeds").resolve()), "top_n": 7}
    assert by_name["03_summary"] == {"corpus_dir": str((project / "seeds").resolve())}
    assert plan.log_file == tmp_path / "out" / "logs" / "run.log"


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [("20", 3, 20), ("true", False, True), ("no", True, False), ("2", 0.5, 2.0), ("[a, 1]", [], ["a", 1]),
     ("007", "x", "007"), ("", "x", ""), ("3", None, 3), ("hello", None, "hello")],
)
def test_coerce_value_from_text(text, default, expected):
    value = report.coerce_value("p", text, default=default, from_text=True)
    assert value == expected and type(value) is type(expected)


def test_coerce_value_from_yaml_file_checks_types():
    import datetime as dt

    assert report.coerce_value("d", dt.date(2024, 5, 1), default="", from_text=False) == "2024-05-01"
    with pytest.raises(report.ParameterError, match="expects str"):
        report.coerce_value("label", 7, default="", from_text=False)
    with pytest.raises(report.ParameterError, match="expects int"):
        report.coerce_value("n", True, default=3, from_text=False)
    with pytest.raises(report.ParameterError, match="cannot be passed"):
        report.coerce_value("when", dt.date(2024, 5, 1), default=None, from_text=False)


def test_select_notebooks_by_number_name_and_file(project: Path):
    available = report.discover_notebooks(project / "notebooks")
    pick = report.select_notebooks
    assert [p.stem for p in pick(available, ["3", "01_chart", "02_table.ipynb"])] == ["01_chart", "02_table", "03_summary"]
    assert [p.stem for p in pick(available, ["02,03"])] == ["02_table", "03_summary"]
    assert [p.stem for p in pick(available, [])] == ["01_chart", "02_table", "03_summary"]


# --------------------------------------------------------------------------- refresh-notebooks and nbval


@SLOW
def test_refresh_notebooks_executes_in_place_without_injecting(project: Path, tmp_path: Path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(project / "notebooks" / "03_summary.ipynb", nbdir / "05_summary.ipynb")
    source = nbformat.read(nbdir / "05_summary.ipynb", as_version=4)
    source.cells[1].metadata["execution"] = {"iopub.status.busy": "2020-01-01T00:00:00Z"}
    source.metadata["papermill"] = {"duration": 1.0}
    nbformat.write(source, nbdir / "05_summary.ipynb")

    (result,) = report.refresh_notebooks(notebooks_dir=nbdir)
    assert result.status == "ok", result.error
    nb = nbformat.read(nbdir / "05_summary.ipynb", as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in source.cells]
    assert nb.cells[1].metadata["tags"] == ["parameters"]
    assert all("injected-parameters" not in c.metadata.get("tags", []) for c in nb.cells)
    assert nb.cells[2].outputs[0]["text"] == "summary\n"
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in nb.cells)
    assert "papermill" not in nb.metadata


@SLOW
def test_refresh_stores_no_output_of_a_cell_nbval_does_not_compare(tmp_path: Path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    _notebook(nbdir / "01_people.ipynb", "x = 1  # x", "print('a commenter of the seeds')", "print('a count')")
    nb = nbformat.read(nbdir / "01_people.ipynb", as_version=4)
    nb.cells[2].metadata["tags"] = [UNCHECKED_OUTPUT_TAG]
    nbformat.write(nb, nbdir / "01_people.ipynb")
    (result,) = report.refresh_notebooks(notebooks_dir=nbdir)
    assert result.status == "ok", result.error
    nb = nbformat.read(nbdir / "01_people.ipynb", as_version=4)
    assert nb.cells[2].outputs == [] and nb.cells[2].execution_count is None
    assert nb.cells[3].outputs[0]["text"] == "a count\n"


def test_the_shipped_notebooks_store_no_output_of_their_cells_that_list_the_corpus_people():
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if UNCHECKED_OUTPUT_TAG in cell.metadata.get("tags", []):
                assert cell.get("outputs") == [], (path.name, cell.source[:60])


@SLOW
def test_refresh_leaves_a_failing_notebook_untouched(tmp_path: Path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    _notebook(nbdir / "01_bad.ipynb", "x = 1  # x", "raise ValueError('nope')")
    before = (nbdir / "01_bad.ipynb").read_bytes()
    (result,) = report.refresh_notebooks(notebooks_dir=nbdir)
    assert result.status == "failed" and "ValueError: nope" in result.error
    assert (nbdir / "01_bad.ipynb").read_bytes() == before


def test_nbval_sanitizer_removes_run_specific_text():
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text())
    assert patterns

    def sanitize(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    samples = [
        ('<div id="3f2b8c1e-9a4d-4e6f-8b1a-0c2d3e4f5a6b" class="plotly-graph-div">',
         '<div id="9d8e7f6a-1b2c-4d3e-8f4a-5b6c7d8e9f0a" class="plotly-graph-div">'),
        ('<style type="text/css">#T_1a2b3_row0_col0 {}</style><table id="T_1a2b3">',
         '<style type="text/css">#T_9f8e7_row0_col0 {}</style><table id="T_9f8e7">'),
        ("<presslens.corpus.Corpus object at 0x7f3a2c1d9e50>", "<presslens.corpus.Corpus object at 0x7ffe00112233>"),
        ("loaded /work/main/seeds/000_a.txt", "loaded /home/reporter/src/presslens/seeds/000_a.txt"),
        ("/work/main/.venv/lib/python3.11/site-packages/x.py:3: FutureWarning",
         "/opt/ci/presslens/.venv/lib/python3.11/site-packages/x.py:3: FutureWarning"),
    ]
    for first, second in samples:
        assert sanitize(first) == sanitize(second), (sanitize(first), sanitize(second))
    assert sanitize("3 documents, 14 comments") == "3 documents, 14 comments"


def test_scale_options_reach_the_build(fake: FakePipeline, tmp_path: Path):
    """--jobs/--no-cache/--engine are checked before anything runs and recorded in run.json."""
    out = tmp_path / "out"
    assert cli.main(["run", "--out", str(out), "--jobs", "0", "--no-progress"]) == 2
    assert cli.main(["run", "--out", str(out), "--scheduler", "tcp://127.0.0.1:1", "--no-progress"]) == 2
    assert fake.calls == []
