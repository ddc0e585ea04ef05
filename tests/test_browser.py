"""Open the real reports in headless Chromium: charts drawn, no console errors, no network.

A session fixture runs ``presslens run --corpus seeds --out <tmp>`` once (the
real pipeline and notebooks). Each page is opened from ``file://``; every
request that is not ``file:`` or ``data:`` is recorded and blocked. A failing
page leaves a screenshot whose path is in the assertion message.

Chromium is Debian's (``/usr/bin/chromium``): Playwright's own browser
download does not work here.
"""

from __future__ import annotations

import json
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
