"""Shared browser-test infrastructure: the app on a real server, and headless Chromium.

- ``live_server``: the session's test app served by werkzeug on a free loopback port, in a
  thread. Its ``url(host, path)`` builds addresses such as ``http://jkxj.localhost:PORT/``;
  Chromium is told to resolve every host to 127.0.0.1, so custom domains work too.
- ``browser`` / ``page``: Playwright driving Debian's Chromium (``/usr/bin/chromium``,
  or ``ZHANQUN_CHROMIUM``). When it or the ``playwright`` package is missing, every browser
  test is skipped with the reason; the rest of the suite does not need them.
- ``run_axe(page)``: runs the vendored axe-core in the page and returns its violations.

Data is created with the usual fixtures (``make_site``, ...) inside the test: the server
uses the same app and database, and the tables are emptied after each test as usual.
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("ZHANQUN_CHROMIUM") or "/usr/bin/chromium"
AXE_JS = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--host-resolver-rules=MAP * 127.0.0.1",
]


def _browser_unavailable() -> str | None:
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set ZHANQUN_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_unavailable()
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


class LiveServer:
    """The app served on 127.0.0.1:<port> in a background thread."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    def url(self, host: str = "localhost", path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="session")
def _live_server(_app):
    server = LiveServer(_app).start()
    yield server
    server.stop()


@pytest.fixture
def live_server(app, _live_server):
    """The running server for this test (tables are emptied after it, as for ``app``)."""
    # The server's requests read the host map in their own contexts: start from a fresh one.
    app.extensions["zhanqun_hostmap"].invalidate()
    return _live_server


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    """Headless Chromium, one per test session."""
    chromium = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page (own cookies and cache) at desktop width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def run_axe(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")) -> list[dict]:
    """The axe-core violations of the page loaded in ``page`` (WCAG 2.1 A/AA and best practice)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE_JS)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags))
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    """A readable list of violations for an assertion message."""
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} — {targets}")
    return "\n".join(lines)
