"""A group's project page and an official's plan, as a person sees them."""

import pytest
from playwright.sync_api import expect

from .conftest import SHOTS, open_map, watch

pytestmark = pytest.mark.browser


def test_project_page_numbers_its_suggestions_on_the_map(server, page):
    problems = watch(page, server)
    open_map(page, f"{server}/projects/1")
    listed = page.locator("[data-testid=suggestions] > li").count()
    assert listed >= 1
    markers = page.locator(".leaflet-marker-icon .sm-rank")
    expect(markers).to_have_count(listed)
    first = page.locator("[data-testid=suggestions] > li a").first.inner_text()
    markers.first.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"1. {first}")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "project.png"))
    assert problems == []


def test_plan_and_space_pages_render(server, page):
    problems = watch(page, server)
    page.goto(f"{server}/plan?city=seoul")
    rows = page.locator("[data-testid=pairings] tbody tr")
    assert rows.count() >= 10
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "plan.png"), full_page=True)
    link = rows.first.locator("td").nth(2).locator("a")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"{server}{href}")
    expect(page.locator("[data-testid=could-host] .list-group-item").first).to_be_visible()
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached")
    page.screenshot(path=str(SHOTS / "space.png"))
    assert problems == []
