"""Browser fixtures: the demo app served by waitress, and Debian's Chromium via Playwright.

Chromium comes from Debian (``/usr/bin/chromium``); Playwright's own browser download is not
used. Screenshots go to ``screenshots/`` for a human to look at.

Pages are opened with ``prefers-reduced-motion: reduce``. The maps honour it by switching off
zoom, pan and cluster animations, so a zoom or a pan has finished when the call that started it
returns, and tests wait for states, never for time.
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
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MAP_TIMEOUT_MS = 30_000  # 16,449 Baltimore markers clustered on two busy cores


@pytest.fixture
def server(demo_sqlite_app):
    from waitress.server import create_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = create_server(demo_sqlite_app, host="127.0.0.1", port=port, threads=4)
    closing = threading.Event()

    def serve():
        try:
            srv.run()
        except OSError:  # the loop's select meets the socket closed at teardown
            if not closing.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    closing.set()
    srv.close()


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("SPACEMATCH_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required but not installed (Debian package chromium)")
        pytest.skip("Chromium not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def axe():
    """axe-core from npm (``make test`` runs ``npm ci``), for the accessibility checks."""
    if not AXE.exists():
        if os.environ.get("SPACEMATCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"axe-core is required but missing at {AXE} (make test runs npm ci)")
        pytest.skip("axe-core not installed (npm ci installs it into node_modules/)")
    return AXE


@pytest.fixture
def page(browser):
    return new_page(browser)


def new_page(browser, width=1280, height=800, locale="en-US"):
    """A page in a browser that reads ``locale`` (its Accept-Language) first."""
    return browser.new_page(viewport={"width": width, "height": height},
                            reduced_motion="reduce", locale=locale)


def watch(page, origin):
    """Collect what a person should never meet: script errors, failed or off-site requests,
    and dialogs (an ``alert`` can only come from injected script: the app opens none)."""
    problems = []
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(f"off-site request {r.url}")
            if urlparse(r.url).netloc not in ("", urlparse(origin).netloc)
            and not r.url.startswith("data:") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            else None)

    def on_dialog(dialog):
        problems.append(f"{dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return problems


def open_map(page, url):
    """Load ``url`` and wait until its map has placed every marker."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    errors = []

    def on_error(error):
        errors.append(error)

    page.on("pageerror", on_error)
    try:
        page.goto(url)
        page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached",
                               timeout=MAP_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"the map of {url} never finished loading; script errors: {errors}")
    finally:
        page.remove_listener("pageerror", on_error)


def zoom(page) -> float:
    return float(page.locator(".folium-map").get_attribute("data-zoom"))


def hover_inside(page, layer, candidates):
    """Move the mouse to the first of ``candidates`` ([lat, lon] pairs) where the map's
    ``layer`` (a name in ``window.spacematchMap``) is the topmost thing, so the hover reaches
    it and not a cluster, a space marker or a control. Fails the test if every one is covered."""
    point = page.evaluate("""([name, candidates]) => {
        const h = window.spacematchMap, box = h.map.getContainer().getBoundingClientRect();
        const paths = new Set();
        h[name].eachLayer(l => { if (l._path) paths.add(l._path); });
        const singles = Object.values(h.markersById).filter(m => h.map.hasLayer(m))
            .map(m => h.map.latLngToContainerPoint(m.getLatLng()));
        for (const [lat, lon] of candidates) {
            const p = h.map.latLngToContainerPoint([lat, lon]);
            const x = box.left + p.x, y = box.top + p.y;
            const top = document.elementFromPoint(x, y);
            if (!top) continue;
            if (top.tagName === 'CANVAS') {
                // one canvas draws outlines and space markers alike: keep clear of markers
                if (singles.some(s => s.distanceTo(p) < 14)) continue;
            } else if (!paths.has(top)) {
                continue;
            }
            return {x, y};
        }
        return null;
    }""", [layer, candidates])
    assert point, f"every candidate point is covered by something above the {layer}"
    page.mouse.move(point["x"], point["y"])
    return point


def points_inside(geometry, n=15):
    """A grid of [lat, lon] points inside ``geometry`` (lon/lat), from its middle outwards."""
    import shapely

    minx, miny, maxx, maxy = geometry.bounds
    cx, cy = geometry.representative_point().x, geometry.representative_point().y
    grid = [(minx + (maxx - minx) * (i + .5) / n, miny + (maxy - miny) * (j + .5) / n)
            for i in range(n) for j in range(n)]
    inside = [p for p in grid if geometry.contains(shapely.Point(p))]
    inside.sort(key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    return [[cy, cx]] + [[y, x] for x, y in inside]


def open_space_popup(page, space_id, zoom_level=17):
    """Centre the map on a space close enough that it is drawn on its own, click its marker
    where it is drawn, and return the link in the popup that opens (to that space's page)."""
    page.evaluate("""([id, z]) => {
        const h = window.spacematchMap;
        h.map.setView(h.markersById[id].getLatLng(), z);
    }""", [space_id, zoom_level])
    page.wait_for_function(
        "id => window.spacematchMap.map.hasLayer(window.spacematchMap.markersById[id])",
        arg=space_id)
    at = page.evaluate("""id => {
        const h = window.spacematchMap, box = h.map.getContainer().getBoundingClientRect();
        const p = h.map.latLngToContainerPoint(h.markersById[id].getLatLng());
        return {x: box.left + p.x, y: box.top + p.y};
    }""", space_id)
    page.mouse.click(at["x"], at["y"])
    link = page.locator(f".leaflet-popup-content a[href='/spaces/{space_id}']")
    link.wait_for()
    return link
