"""What a person sees: the home page in headless Chromium, served by waitress, offline.

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

pytestmark = pytest.mark.browser


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


def _watch(page, origin):
    problems = []
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(f"off-site request {r.url}")
            if urlparse(r.url).netloc not in ("", urlparse(origin).netloc)
            and not r.url.startswith("data:") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    return problems


@pytest.mark.parametrize("city", ["seoul", "baltimore"])
def test_home_page_renders_districts_and_clustered_spaces(server, page, city):
    problems = _watch(page, server)
    page.goto(f"{server}/?city={city}", wait_until="networkidle")
    page.wait_for_selector(".sm-cluster", timeout=15000)
    clusters = page.locator(".sm-cluster").all_inner_texts()
    shown = sum(int(t) for t in clusters if t.strip().isdigit())
    listed = int(page.get_by_test_id("listed-spaces").inner_text().replace(",", ""))
    # Clusters plus any single markers account for every listed space in view.
    assert 0 < shown <= listed
    # The district layer answers a hover with the district's name and its listed spaces.
    box = page.locator(".folium-map").bounding_box()
    tooltip = ""
    for dx, dy in [(0, 0), (-0.08, 0.1), (0.08, -0.1), (0.1, 0.1), (-0.1, -0.1), (0.05, 0.2)]:
        page.mouse.move(box["x"] + box["width"] * (0.5 + dx), box["y"] + box["height"] * (0.5 + dy))
        page.wait_for_timeout(300)
        if page.locator(".leaflet-tooltip").count():
            tooltip = page.locator(".leaflet-tooltip").first.inner_text()
            break
    assert "listed spaces" in tooltip
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{city}.png"))
    assert problems == []


def test_clicking_a_cluster_zooms_in_to_single_spaces(server, page):
    problems = _watch(page, server)
    page.goto(f"{server}/?city=seoul", wait_until="networkidle")
    page.wait_for_selector(".sm-cluster", timeout=15000)
    area = page.locator(".folium-map").bounding_box()

    def visible_clusters():
        out = []
        for c in page.locator(".sm-cluster").all():
            b = c.bounding_box()
            if b and area["x"] + 60 < b["x"] < area["x"] + area["width"] - 60 \
                    and area["y"] + 60 < b["y"] < area["y"] + area["height"] - 60:
                out.append((int(c.inner_text() or 0), b))
        return out

    for _ in range(6):
        clusters = visible_clusters()
        if not clusters:
            break
        _, b = min(clusters, key=lambda t: t[0])
        page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        page.wait_for_timeout(800)
    canvas = page.locator("canvas.leaflet-zoom-animated")
    assert canvas.count() >= 1  # single spaces are drawn as circle markers on the canvas
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "home-seoul-zoomed.png"))
    assert problems == []
