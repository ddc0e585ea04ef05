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
