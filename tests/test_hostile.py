"""Hostile input: the whole suite on a corpus built to inject code, checked in a real browser.

``tests/data/hostile/`` holds pages whose titles, bylines, bodies, quotes,
comment authors and comment texts, and whose ``sources.yml`` outlet names and
evidence, carry ``<script>``, event-handler attributes, ``javascript:`` links,
markdown that turns into HTML, HTML entities, right-to-left overrides,
zero-width characters, a tracking pixel and a 60,000-character line. Every
payload sets ``window.__pwned``; the test opens every report and the index and
checks that it is never set, that nothing was requested from the network, and
that the payload text is visible as text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import CHROMIUM, PageCheck, open_report, run_presslens

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile") / "out"
    return out, run_presslens(HOSTILE, out, root=ROOT)


def test_the_suite_runs_on_the_hostile_corpus(hostile_run):
    out, proc = hostile_run
    assert proc.returncode == 0, f"presslens run exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    assert (out / "reports" / "index.html").exists()


@pytest.mark.parametrize("name", [*NOTEBOOKS, "index"])
def test_no_payload_executes_and_nothing_is_fetched(hostile_run, browser_context, name):
    out, proc = hostile_run
    check, expected = open_report(browser_context, out, name, stderr=proc.stderr, shot="hostile")
    try:
        drawn = check.wait_for_charts(expected)
        # hover every chart point once, so hover-text payloads get their chance to run
        check.page.mouse.move(400, 400)
        check.page.wait_for_timeout(200)
        assert check.page.evaluate("window.__pwned === undefined"), check.fail(f"{name}: a payload ran")
        assert check.page.evaluate("parent.__pwned === undefined && document.querySelectorAll('iframe').length === 0"), check.fail(f"{name}: an iframe was injected")
        assert not check.requests, check.fail(f"{name}: requests left file:// {check.requests}")
        assert drawn == expected, check.fail(f"{name}: {drawn} of {expected} charts drawn")
        assert not check.errors, check.fail(f"{name}: console errors {check.errors}")
        # no element that a payload would have created exists outside plotly's own SVG
        injected = check.page.evaluate(
            """() => [...document.querySelectorAll('img[onerror], svg[onload], [onmouseover], a[href^="javascript:"], img[src*="tracker.invalid"]')].length"""
        )
        assert injected == 0, check.fail(f"{name}: {injected} injected elements")
        # chart text (ticks, titles, legends, labels) shows document text as written: tags are not
        # swallowed by plotly's own markup, direction overrides are made visible
        svg_text = check.page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot svg text')].map(t => t.textContent)")
        for text in svg_text:
            assert "\u202e" not in text, check.fail(f"{name}: raw right-to-left override in chart text {text!r}")
            if "mallory" in text:
                assert "<b onmouseover" in text, check.fail(f"{name}: comment author's markup swallowed in {text!r}")
            if "Evil" in text:
                assert "<b>News" in text or text.endswith("…"), check.fail(f"{name}: outlet markup swallowed in {text!r}")
    finally:
        check.close()


def test_payloads_are_visible_as_text(hostile_run, browser_context):
    out, _ = hostile_run
    check = PageCheck(browser_context, (out / "reports" / "00_corpus_overview.html").as_uri(), out.parent / "hostile-text.png")
    try:
        text = check.page.evaluate("document.body.innerText")
        assert "<script>window.__pwned=1</script>Evil <b>News</b>" in text, check.fail("outlet name not shown verbatim")
        assert "<b onmouseover=window.__pwned=1>mallory</b>" in text, check.fail("comment author not shown verbatim")
    finally:
        check.close()
