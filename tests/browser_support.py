"""Shared helpers of the browser tests: Debian's Chromium through Playwright, pages opened offline."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: A chart counts as drawn when its plotly container holds plotly's SVG.
COUNT_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(el => el.querySelector('svg.main-svg')).length"""
ALL_DRAWN = """(expected) => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(el => el.querySelector('svg.main-svg')).length >= expected"""


class PageCheck:
    """One page opened offline, with what it asked for and what it complained about."""

    def __init__(self, context, url: str, screenshot: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.screenshot = screenshot
        self.page = context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def wait_for_charts(self, expected: int) -> int:
        if expected:
            try:
                self.page.wait_for_function(ALL_DRAWN, arg=expected, timeout=15_000)
            except Exception:  # noqa: BLE001 - the count below says what is missing
                pass
        self.page.wait_for_timeout(300)  # late console errors
        return self.page.evaluate(COUNT_DRAWN)

    def fail(self, message: str) -> str:
        self.page.screenshot(path=str(self.screenshot), full_page=True)
        return f"{message} (screenshot: {self.screenshot})"

    def close(self) -> None:
        self.page.close()


def run_presslens(corpus: str | Path, out: Path, *, root: Path) -> "subprocess.CompletedProcess[str]":
    """The whole suite through the real command line, as an analyst runs it."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "presslens.cli", "run", "--corpus", str(corpus), "--out", str(out), "--no-progress"],
        cwd=root, capture_output=True, text=True, timeout=1800, check=False,
    )


def open_report(context, out: Path, name: str, *, stderr: str, shot: str) -> tuple[PageCheck, int]:
    """Open ``out/reports/<name>.html`` offline; also return how many charts its executed notebook holds."""
    import nbformat

    from presslens.htmlexport import count_plotly_outputs

    page_path = out / "reports" / f"{name}.html"
    assert page_path.exists(), f"{page_path} missing; presslens run said:\n{stderr[-4000:]}"
    executed = out / "notebooks" / f"{name}.ipynb"
    expected = count_plotly_outputs(nbformat.read(executed, as_version=4)) if executed.exists() else 0
    return PageCheck(context, page_path.as_uri(), out.parent / f"{shot}-{name}.png"), expected
