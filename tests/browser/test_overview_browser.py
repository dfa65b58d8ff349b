"""The city from above in the browser: a click on a district opens its page; the header's
language switch turns the pages Korean and they stay so."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from spacematch.db.models import Area
from spacematch.extensions import db
from spacematch.services import catalogue

from .conftest import SHOTS, hover_inside, new_page, open_map, points_inside, watch

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(1920, 1080), (390, 844)])
def test_a_click_on_a_district_opens_its_page_and_korean_is_remembered(
        server, browser, demo_sqlite_app, width, height):
    with demo_sqlite_app.app_context():
        districts = catalogue.district_outlines(catalogue.pick_city("seoul"))
        mapo = next(d for d in districts if d["name"] == "마포구")
        dongs = db.session.scalars(select(Area.name_en).where(Area.parent_id == mapo["id"])
                                   ).all()
    page = new_page(browser, width, height)
    problems = watch(page, server)
    open_map(page, f"{server}/overview?city=seoul")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"overview-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    hover_inside(page, "areas", points_inside(mapo["geometry"]))
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Mapo-gu")
    page.mouse.down()
    page.mouse.up()
    page.wait_for_url(f"**/areas/{mapo['id']}")
    expect(page.locator("h1")).to_contain_text("Mapo-gu")
    expect(page.locator("main")).to_contain_text(sorted(dongs)[0])
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached")

    page.get_by_test_id("language-switch").click()
    page.wait_for_url(f"**/areas/{mapo['id']}")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_contain_text("마포구")
    expect(page.get_by_test_id("language-switch")).to_have_text("English")
    page.screenshot(path=str(SHOTS / f"area-ko-{width}.png"), full_page=True)
    # remembered: the next page is Korean too, though the browser asks for English
    page.goto(f"{server}/overview?city=seoul&sort=name&order=asc")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    first = page.get_by_test_id("overview-table").locator("tbody tr th a").first
    expect(first).to_have_text("강남구")  # 가나다 order: the Korean names sort in Korean
    assert problems == []
