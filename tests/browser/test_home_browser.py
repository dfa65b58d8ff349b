"""What a person sees: the home page in headless Chromium, served by waitress, offline."""

import pytest
from playwright.sync_api import expect

from spacematch.services import catalogue

from .conftest import (
    SHOTS,
    hover_inside,
    new_page,
    open_map,
    open_space_popup,
    points_inside,
    watch,
    zoom,
)

pytestmark = pytest.mark.browser

# Single (unclustered) space markers whose point lies in the visible part of the map.
SINGLES_IN_VIEW = """() => {
    const h = window.spacematchMap, view = h.map.getBounds();
    return Object.values(h.markersById)
        .filter(m => h.map.hasLayer(m) && view.contains(m.getLatLng())).length;
}"""


@pytest.mark.parametrize("city", ["seoul", "baltimore"])
def test_home_page_renders_districts_and_clustered_spaces(server, page, demo_sqlite_app, city):
    with demo_sqlite_app.app_context():
        districts = catalogue.district_outlines(catalogue.pick_city(city))
    busiest = max(districts, key=lambda d: (d["listed_spaces"], -d["id"]))
    problems = watch(page, server)
    open_map(page, f"{server}/?city={city}")
    clusters = page.locator(".sm-cluster").all_inner_texts()
    shown = sum(int(t) for t in clusters if t.strip().isdigit())
    listed = int(page.get_by_test_id("listed-spaces").inner_text().replace(",", ""))
    # Clusters plus any single markers account for every listed space in view.
    assert 0 < shown <= listed
    # The district layer answers a hover with the district's name and its listed spaces.
    hover_inside(page, "districts", points_inside(busiest["geometry"]))
    # an English page names the district in English where the data has that name
    tooltip = page.locator(".leaflet-tooltip", has_text=busiest["name_en"] or busiest["name"])
    expect(tooltip).to_contain_text(f"listed spaces {busiest['listed_spaces']}",
                                    use_inner_text=True)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{city}.png"))
    # a click where the hover was opens the district's page, as the page says
    page.mouse.down()
    page.mouse.up()
    page.wait_for_url(f"**/areas/{busiest['id']}")
    expect(page.locator("h1")).to_contain_text(busiest["name_en"] or busiest["name"])
    assert problems == []


@pytest.mark.parametrize("width,height", [(1920, 1080), (390, 844)])
@pytest.mark.parametrize("city", ["seoul", "baltimore"])
def test_home_page_fits_wide_and_narrow_screens(server, browser, city, width, height):
    page = new_page(browser, width, height)
    problems = watch(page, server)
    open_map(page, f"{server}/?city={city}")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{city}-{width}.png"), full_page=True)
    area = page.locator(".folium-map").bounding_box()
    assert area["width"] == width and area["height"] >= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    legend = page.locator(".legend").bounding_box()
    assert area["x"] <= legend["x"] and legend["x"] + legend["width"] <= area["x"] + area["width"]
    assert area["y"] <= legend["y"] and legend["y"] + legend["height"] <= area["y"] + area["height"]
    expect(page.locator(".sm-cluster").first).to_be_visible()
    assert problems == []


def test_clicking_a_cluster_zooms_in_to_single_spaces(server, page):
    problems = watch(page, server)
    open_map(page, f"{server}/?city=seoul")
    start, singles_before = zoom(page), page.evaluate(SINGLES_IN_VIEW)
    for _ in range(8):
        if page.evaluate(SINGLES_IN_VIEW) > singles_before:
            break
        # The smallest cluster whose middle a click would really reach (no control above it)
        # and whose spaces are not all on one point: such a cluster fans out ("spiderfies")
        # instead of zooming in, at any zoom.
        target = page.evaluate("""() => {
            let best = null;
            for (const c of window.spacematchMap.spaces._featureGroup.getLayers()) {
                if (!c.getAllChildMarkers || !c._icon) continue;
                const at = c.getAllChildMarkers().map(m => m.getLatLng());
                if (at.every(p => p.equals(at[0]))) continue;
                const el = c._icon, r = el.getBoundingClientRect();
                const x = r.x + r.width / 2, y = r.y + r.height / 2;
                const top = document.elementFromPoint(x, y);
                const n = c.getChildCount();
                if (top && el.contains(top) && (!best || n < best.n)) best = {x, y, n};
            }
            return best;
        }""")
        assert target, "no cluster left to click"
        before = zoom(page)
        page.mouse.click(target["x"], target["y"])
        page.wait_for_function("z => window.spacematchMap.map.getZoom() > z", arg=before)
    assert zoom(page) > start
    assert page.evaluate(SINGLES_IN_VIEW) > singles_before
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "home-seoul-zoomed.png"))
    assert problems == []


def test_a_space_popup_links_to_its_page(server, page, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        spaces = catalogue.listed_space_points(catalogue.pick_city("baltimore"))
    chosen = _isolated(spaces)
    problems = watch(page, server)
    open_map(page, f"{server}/?city=baltimore")
    link = open_space_popup(page, chosen["id"])
    expect(link).to_have_text(chosen["title"])
    link.click()
    page.wait_for_url(f"{server}/spaces/{chosen['id']}")
    expect(page.locator("h1")).to_have_text(chosen["title"])
    expect(page.get_by_role("heading", name="What it could host")).to_be_visible()
    assert problems == []


def _isolated(spaces, metres=100):
    """The first space (by id) with no other space within ``metres``: a click on its marker
    can only mean it."""
    import numpy as np
    from scipy.spatial import cKDTree

    lat0 = np.radians(np.mean([s["lat"] for s in spaces]))
    xy = np.array([[s["lon"] * 111_320 * np.cos(lat0), s["lat"] * 110_540] for s in spaces])
    nearest, _ = cKDTree(xy).query(xy, k=2)
    return next(s for s, d in zip(spaces, nearest[:, 1], strict=True) if d > metres)
