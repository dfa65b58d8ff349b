"""Text that people type or that comes from imported data shows as text on every map.

A space, a project and an area carry names written as script (see ``hostile.py``). If any map
wrote them into the page as HTML or JavaScript, an ``<img src=x>`` would appear, its ``onerror``
would open an alert dialog, or the page's script would break; ``watch`` reports the last two.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import hover_inside, open_map, open_space_popup, points_inside, watch
from .hostile import AREA_NAME, TITLE, store_hostile_text

pytestmark = pytest.mark.browser


def test_hostile_titles_and_area_names_show_as_text_on_every_map(server, page, demo_sqlite_app):
    stored = store_hostile_text(demo_sqlite_app)
    problems = watch(page, server)
    area_tooltip = page.locator(".leaflet-tooltip", has_text=AREA_NAME)

    # the city map: the space's popup, then its district's tooltip
    open_map(page, f"{server}/?city=seoul")
    expect(open_space_popup(page, stored.space_id)).to_have_text(TITLE)
    hover_inside(page, "districts", points_inside(stored.area))
    expect(area_tooltip).to_be_visible()
    assert page.locator("img[src=x]").count() == 0

    # the space's own page: the names of the areas around it
    open_map(page, f"{server}/spaces/{stored.space_id}")
    expect(page.locator("h1")).to_have_text(TITLE)
    hover_inside(page, "outlines", points_inside(stored.area))
    expect(area_tooltip).to_be_visible()
    assert page.locator("img[src=x]").count() == 0

    # the project's page: the space among its numbered suggestions, and the areas around
    open_map(page, f"{server}/projects/{stored.project_id}")
    page.locator(".leaflet-marker-icon .sm-rank").filter(
        has_text=re.compile(rf"^{stored.rank}$")).hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"{stored.rank}. {TITLE}")
    hover_inside(page, "outlines", points_inside(stored.area))
    expect(area_tooltip).to_be_visible()
    assert page.locator("img[src=x]").count() == 0

    assert problems == []
