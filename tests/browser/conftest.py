"""Browser fixtures: the demo app served by waitress, and Debian's Chromium via Playwright.

Chromium comes from Debian (``/usr/bin/chromium``); Playwright's own browser download is not
used. Screenshots go to ``screenshots/`` for a human to look at.
"""

import os
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

@pytest.fixture
def server(demo_sqlite_app):
    from waitress.server import create_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = create_server(demo_sqlite_app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    srv.close()


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("SPACEMATCH_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required but not installed (Debian package chromium)")
        pytest.skip("Chromium not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        yield pg
        browser.close()


def watch(page, origin):
    problems = []
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(f"off-site request {r.url}")
            if urlparse(r.url).netloc not in ("", urlparse(origin).netloc)
            and not r.url.startswith("data:") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    return problems
