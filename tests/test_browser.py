"""Open the real reports in headless Chromium: charts drawn, no console errors, no network.

A session fixture runs ``presslens run --corpus seeds --out <tmp>`` once (the
real pipeline and notebooks). Each page is opened from ``file://``; every
request that is not ``file:`` or ``data:`` is recorded and blocked. A failing
page leaves a screenshot whose path is in the assertion message.

A second fixture takes a copy of that run and reruns one notebook with
``--plotly shared``, then another with the default ``inline``, so ``reports/``
holds a kept shared report, inline reports and ``plotly.min.js``; that folder is
copied alone elsewhere (as if unzipped from a mail) and opened there.

Chromium is Debian's (``/usr/bin/chromium``): Playwright's own browser
download does not work here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from browser_support import CHROMIUM, PageCheck, open_report, run_presslens
from presslens.htmlexport import ReportHeader, count_plotly_outputs, export_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="session")
def suite_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """The whole suite on the seeds, once per session, through the real command line."""
    out = tmp_path_factory.mktemp("browser") / "out"
    return out, run_presslens("seeds", out, root=ROOT)


def test_suite_run_succeeds(suite_run):
    out, proc = suite_run
    assert proc.returncode == 0, f"presslens run exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    manifest = json.loads((out / "run.json").read_text())
    assert [n["name"] for n in manifest["notebooks"]] == NOTEBOOKS


@pytest.mark.parametrize("name", [*NOTEBOOKS, "index"])
def test_page_renders_offline(suite_run, browser_context, name: str):
    out, proc = suite_run
    check, expected = open_report(browser_context, out, name, stderr=proc.stderr, shot="screenshot")
    try:
        drawn = check.wait_for_charts(expected)
        assert drawn == expected, check.fail(f"{name}: {drawn} of {expected} charts drawn")
        assert not check.errors, check.fail(f"{name}: console errors {check.errors}")
        assert not check.requests, check.fail(f"{name}: network requests {check.requests}")
    finally:
        check.close()


def test_hostile_figure_text_does_not_run(browser_context, tmp_path: Path):
    """A figure title from the corpus containing </script> shows as text and runs nothing."""
    import plotly.graph_objects as go
    import plotly.io as pio

    hostile = "</script><script>window.__pwned = 1</script><!-- <b>x</b>"
    fig = go.Figure(go.Bar(x=["a", "b"], y=[2, 1], hovertext=[hostile, "b"]), layout={"title": hostile})
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig", execution_count=1)
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.plotly.v1+json": json.loads(pio.to_json(fig))})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Hostile"), cell]
    page_path = tmp_path / "hostile.html"
    header = ReportHeader(title="hostile <i>", corpus="<b>seeds</b>", parameters={"q": hostile}, started="now")
    page_path.write_text(export_html(nb, header=header), encoding="utf-8")

    check = PageCheck(browser_context, page_path.as_uri(), tmp_path / "screenshot-hostile.png")
    try:
        assert check.wait_for_charts(1) == 1, check.fail("chart not drawn")
        assert check.page.evaluate("window.__pwned === undefined"), check.fail("injected script ran")
        assert check.page.locator(".gtitle").first.text_content().startswith("</script>"), check.fail("title")
        assert not check.errors and not check.requests, check.fail(f"{check.errors} {check.requests}")
    finally:
        check.close()


#: the report rerun with --plotly shared (it has charts), and the one rerun inline afterwards
SHARED_NB, INLINE_NB = "01_source_comparison", "02_commentary_sentiment"


def _partial_run(out: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "presslens.cli", "run", "--corpus", "seeds", "--out", str(out), "--no-progress", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )


@pytest.fixture(scope="module")
def travelled(suite_run, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``reports/`` of a run mixing a kept ``--plotly shared`` report with inline ones, copied alone to another folder.

    Returns the run's output folder and the copy of its reports folder.
    """
    out, proc = suite_run
    assert proc.returncode == 0, proc.stderr[-4000:]
    base = tmp_path_factory.mktemp("travel")
    mixed = base / "out"
    shutil.copytree(out, mixed, symlinks=True)  # with its cache, so the reruns build quickly
    for options in (("--plotly", "shared", "--notebooks", SHARED_NB), ("--notebooks", INLINE_NB)):
        rerun = _partial_run(mixed, *options)
        assert rerun.returncode == 0, f"presslens run {' '.join(options)} exited {rerun.returncode}:\n{rerun.stderr[-4000:]}"
    alone = base / "unzipped-elsewhere" / "reports"
    shutil.copytree(mixed / "reports", alone)
    return mixed, alone


def test_shared_plotly_reports_travel_alone(travelled):
    out, alone = travelled
    manifest = json.loads((out / "run.json").read_text())
    entries = {n["name"]: n for n in manifest["notebooks"]}
    assert entries[SHARED_NB]["kept"] is True and entries[SHARED_NB]["plotly"] == "shared"
    assert entries[INLINE_NB]["kept"] is False and entries[INLINE_NB]["plotly"] == "inline"
    assert (alone / "plotly.min.js").is_file() and (alone / "run.json").is_file()
    shared_html = (alone / f"{SHARED_NB}.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<script\b[^>]*\bsrc="plotly\.min\.js"', shared_html)) == 1
    assert "* plotly.js v" not in shared_html and "* plotly.js v" in (alone / f"{INLINE_NB}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [SHARED_NB, INLINE_NB, "index"])
def test_travelled_reports_render_from_a_copy_of_reports_alone(travelled, browser_context, name: str):
    """Opened from the copy, far from data/ and notebooks/: charts drawn (plotly.js from the copy), no error, no network."""
    out, alone = travelled
    executed = out / "notebooks" / f"{name}.ipynb"
    expected = count_plotly_outputs(nbformat.read(executed, as_version=4)) if executed.exists() else 0
    assert name == "index" or expected > 0, f"{name} has no chart to check"
    check = PageCheck(browser_context, (alone / f"{name}.html").as_uri(), alone.parent.parent / f"screenshot-travel-{name}.png")
    try:
        drawn = check.wait_for_charts(expected)
        assert drawn == expected, check.fail(f"{name}: {drawn} of {expected} charts drawn from the copy")
        assert not check.errors, check.fail(f"{name}: console errors {check.errors}")
        assert not check.requests, check.fail(f"{name}: network requests {check.requests}")
        if name == "index":
            for link in check.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
                assert link.startswith(alone.as_uri() + "/"), check.fail(f"index links {link} outside the copy")
                assert Path(link.removeprefix("file://").split("#")[0]).is_file(), check.fail(f"index links a missing {link}")
    finally:
        check.close()


def test_shared_report_without_its_folder_says_why_charts_are_missing(travelled, browser_context, tmp_path: Path):
    """A shared report mailed on its own, without plotly.min.js, tells the reader instead of showing blank boxes."""
    _out, alone = travelled
    lonely = tmp_path / f"{SHARED_NB}.html"
    shutil.copy(alone / f"{SHARED_NB}.html", lonely)
    check = PageCheck(browser_context, lonely.as_uri(), tmp_path / "screenshot-lonely.png")
    try:
        check.wait_for_charts(0)
        notes = check.page.evaluate(
            "() => [...document.querySelectorAll('.presslens-plotly')].map(el => el.textContent)")
        assert notes and all("plotly.min.js was not found beside this page" in n for n in notes), check.fail(str(notes[:2]))
        assert not check.requests, check.fail(f"network requests {check.requests}")
    finally:
        check.close()
