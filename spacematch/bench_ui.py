"""The explore page (``/``) in headless Chromium at 1,000, 10,000 and 100,000 listed spaces:
what it costs to open, as a person on this machine would see it.

    python -m spacematch.bench_ui [--sizes 1000,10000,100000] [--city data/seoul]

For each size it makes a scratch SpatiaLite database with the city's reference data and N
synthetic listed spaces (spread over the city's neighbourhoods), serves it with waitress,
opens the page in Debian's Chromium (compression on, as browsers ask), and prints one JSON
line: bytes over the wire (the page and everything it loads), requests, and milliseconds from
the start of navigation to the first space marker drawn and to every marker placed (the
map's ``data-map-ready``). Targets (issue 8): first markers ≤ 1,000 ms at 100,000 spaces and
≤ 300 KB on the wire, at every size. A benchmark, not a test: it prints, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# the first space marker in the page (a cluster bubble, a marker that is no area's name, or a
# map that says it drew points on a canvas with data-first-markers) and the map saying every
# one is placed
WATCH = """
new MutationObserver(function (changes, me) {
    if (!window.__firstMarker && document.querySelector(
            '.sm-cluster, .leaflet-marker-icon:not(.sm-area-label), [data-first-markers]')) {
        window.__firstMarker = performance.now();
    }
    if (!window.__allPlaced && document.querySelector('[data-map-ready="1"]')) {
        window.__allPlaced = performance.now();
    }
    if (window.__firstMarker && window.__allPlaced) { me.disconnect(); }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def fill(app, n: int, seed: int = 0) -> float:
    """``n`` listed spaces, each in a random neighbourhood of the city, near its middle.
    Returns the seconds the load took."""
    from geoalchemy2.elements import WKTElement
    from sqlalchemy import insert, select

    from .db.models import Area, Space
    from .extensions import db
    from .services import versioning
    from .services.users import create_user

    started = time.perf_counter()
    with app.app_context():
        owner = create_user(email="bench@example.org", password="a long passphrase",
                            role="owner", display_name="Bench", system=True).id
        city_id, finest = db.session.execute(select(Area.city_id, Area.level)
                                             .order_by(Area.id.desc()).limit(1)).one()
        areas = db.session.execute(select(Area.id, Area.geom).where(
            Area.city_id == city_id, Area.level == finest)).all()
        from geoalchemy2.shape import to_shape
        middles = [(a.id, to_shape(a.geom).representative_point()) for a in areas]
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, len(middles), n)
        jitter = rng.normal(0, 0.002, (n, 2))
        kinds = ("public", "private", "nonprofit")
        version = versioning.bump()
        rows = []
        for i in range(n):
            area_id, p = middles[picks[i]]
            rows.append({
                "owner_id": owner, "city_id": city_id, "title": f"Space {i + 1}",
                "owner_kind": kinds[i % 3], "area_id": area_id, "status": "listed",
                "location": WKTElement(f"POINT({p.x + jitter[i, 0]:.6f} "
                                       f"{p.y + jitter[i, 1]:.6f})", srid=4326),
                "floor_area_m2": float(40 + i % 200), "capacity": 10 + i % 60,
                "row_version": version})
        for start in range(0, n, 5000):
            db.session.execute(insert(Space), rows[start:start + 5000])
        db.session.commit()
    return time.perf_counter() - started


def serve(app) -> tuple[str, object]:
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)  # a free port, held
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", server


def measure(url: str, timeout_ms: int = 300_000) -> dict:
    """Open ``url`` in a fresh Chromium profile; what went over the wire and when the
    markers came."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.add_init_script(WATCH)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        sizes: list[int] = []
        cdp.on("Network.loadingFinished", lambda e: sizes.append(int(e["encodedDataLength"])))
        page.goto(url, timeout=timeout_ms)
        page.wait_for_function("window.__firstMarker && window.__allPlaced", timeout=timeout_ms)
        first, placed = page.evaluate("[window.__firstMarker, window.__allPlaced]")
        html = page.evaluate("performance.getEntriesByType('navigation')[0].encodedBodySize")
        browser.close()
    return {"bytes": sum(sizes), "html_bytes": int(html), "requests": len(sizes),
            "first_marker_ms": round(first), "all_placed_ms": round(placed)}


def run_size(n: int, city: Path, folder: Path) -> dict:
    from . import create_app
    from .extensions import db
    from .services.database import upgrade_schema
    from .services.reference import load_reference

    path = folder / f"bench-{n}.sqlite"
    app = create_app({"SPACEMATCH_DATABASE_URL": f"sqlite:///{path}", "TESTING": True,
                      "SPACEMATCH_TILE_URL": "none", "SECRET_KEY": "bench" * 8},
                     instance_path=str(folder))
    with app.app_context():
        upgrade_schema()
        load_reference(city)
        db.session.remove()
    load_s = fill(app, n)
    base, server = serve(app)
    try:
        measure(base + "/")  # the first view builds the server's caches; the second is timed
        out = measure(base + "/")
    finally:
        server.close()
    return {"spaces": n, "load_s": round(load_s, 1), **out}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--city", default=str(ROOT / "data" / "seoul"),
                        help="a reference folder (default: data/seoul)")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print("bench_ui needs Chromium (Debian package chromium)", file=sys.stderr)
        return 2
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # busy is what we measure
    with tempfile.TemporaryDirectory(prefix="spacematch-bench-ui-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            print(json.dumps(run_size(n, Path(args.city), Path(tmp))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
