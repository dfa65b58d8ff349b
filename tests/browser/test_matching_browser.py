"""A group's project page and an official's plan, as a person sees them."""

import pytest

from .conftest import SHOTS, watch

pytestmark = pytest.mark.browser


def test_project_page_numbers_its_suggestions_on_the_map(server, page):
    problems = watch(page, server)
    page.goto(f"{server}/projects/1", wait_until="networkidle")
    listed = page.locator("[data-testid=suggestions] > li").count()
    assert listed >= 1
    markers = page.locator(".leaflet-marker-icon .sm-rank")
    assert markers.count() == listed
    page.locator(".leaflet-marker-icon .sm-rank").first.hover()
    assert page.locator(".leaflet-tooltip").first.inner_text().startswith("1. ")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "project.png"))
    assert problems == []


def test_plan_and_space_pages_render(server, page):
    problems = watch(page, server)
    page.goto(f"{server}/plan?city=seoul", wait_until="networkidle")
    rows = page.locator("[data-testid=pairings] tbody tr")
    assert rows.count() >= 10
    page.screenshot(path=str(SHOTS / "plan.png"), full_page=True)
    rows.first.locator("td").nth(2).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=could-host] .list-group-item").count() >= 1
    page.screenshot(path=str(SHOTS / "space.png"))
    assert problems == []
