"""What a person sees: the home page in headless Chromium, served by waitress, offline."""

import pytest

from .conftest import SHOTS, watch

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("city", ["seoul", "baltimore"])
def test_home_page_renders_districts_and_clustered_spaces(server, page, city):
    problems = watch(page, server)
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
    problems = watch(page, server)
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


def test_a_space_popup_links_to_its_page(server, page):
    problems = watch(page, server)
    page.goto(f"{server}/?city=baltimore", wait_until="networkidle")
    page.wait_for_selector(".sm-cluster", timeout=15000)
    page.evaluate("""() => {
        // open the first single-space marker's popup, whichever map variable folium chose
        for (const k of Object.keys(window)) {
            const v = window[k];
            if (v && v.zoomToShowLayer && v.getLayers) {
                const m = v.getLayers()[0];
                v.zoomToShowLayer(m, () => m.openPopup());
                return;
            }
        }
    }""")
    link = page.wait_for_selector(".leaflet-popup-content a", timeout=10000)
    href = link.get_attribute("href")
    assert href.startswith("/spaces/") and href.split("/")[-1].isdigit()
    link.click()
    page.wait_for_load_state("networkidle")
    assert "What it could host" in page.content()
    assert problems == []
