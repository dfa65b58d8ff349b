"""Every page passes axe-core's WCAG 2.1 A and AA rules, on a wide and on a narrow screen.

axe-core comes from npm (``package.json``; ``make test`` installs it into ``node_modules/``).
It is injected into each page once the page shows what it must show (on map pages: every
marker placed), because controls and markers the scripts add are checked too. Wide and narrow
screens show different things (the tagline in the bar only on wide ones, maps zoomed apart).
"""

import json
from urllib.request import urlopen

import pytest
from sqlalchemy import select

from spacematch.db.models import Area
from spacematch.extensions import db
from spacematch.services import catalogue
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

from .conftest import MAP_TIMEOUT_MS, SHOTS, new_page, open_map, open_space_popup
from .test_home_browser import _isolated

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENS = [(1920, 1080), (390, 844)]
MAP_READY = ".folium-map[data-map-ready='1']"

# name -> (address, or which one to find; HTTP status; what must show first)
PAGES = {
    "home-seoul": ("/?city=seoul", 200, MAP_READY),
    "home-baltimore": ("/?city=baltimore", 200, MAP_READY),
    "space": ("space", 200, MAP_READY),
    "projects": ("/projects?city=seoul", 200, "a.card"),
    "project-suggestions": ("project-suggestions", 200, MAP_READY),
    "project-no-match": ("project-no-match", 200, MAP_READY, "[data-testid=no-match]"),
    "plan": ("/plan?city=seoul", 200, "[data-testid=pairings] tbody tr"),
    "sign-in": ("/sign-in", 200, "main form"),
    "sign-up": ("/sign-up", 200, "main form"),
    "not-found": ("/spaces/99999999", 404, "h1"),
    "bad-input": ("/plan?city=seoul&priority=nan", 400, "h1"),
    "overview": ("/overview?city=seoul", 200, MAP_READY),
    "overview-neighbourhoods": ("/overview?city=seoul&level=neighbourhood&sort=name", 200,
                                MAP_READY),
    "area": ("area", 200, MAP_READY),
    # Korean pages (the browser asks for Korean): <html lang="ko"> and Korean text throughout
    "home-seoul-ko": ("ko:/?city=seoul", 200, MAP_READY),
    "project-suggestions-ko": ("ko:project-suggestions", 200, MAP_READY),
    "plan-ko": ("ko:/plan?city=seoul", 200, "[data-testid=pairings] tbody tr"),
    "overview-ko": ("ko:/overview?city=seoul", 200, MAP_READY),
    "sign-up-ko": ("ko:/sign-up", 200, "main form"),
    "not-found-ko": ("ko:/spaces/99999999", 404, "h1"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_21_aa_violations(server, browser, axe, demo_sqlite_app, name):
    where, status, *shows = PAGES[name]
    locale = "ko-KR" if where.startswith("ko:") else "en-US"
    where = where.removeprefix("ko:")
    path = where if where.startswith("/") else _find(server, demo_sqlite_app, where)
    found = []
    for width, height in SCREENS:
        page = new_page(browser, width, height, locale=locale)
        response = page.goto(server + path)
        assert response.status == status, f"{path} answered {response.status}"
        assert page.get_attribute("html", "lang") == locale[:2]
        for selector in shows:
            page.wait_for_selector(selector, state="attached", timeout=MAP_TIMEOUT_MS)
        found += [f"{width}px {path}: {v}" for v in _violations(page, axe)]
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"a11y-{name}-{width}.png"), full_page=True)
        page.close()
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)


def test_map_controls_popups_and_tooltips_have_no_wcag_21_aa_violations(
        server, browser, axe, demo_sqlite_app):
    """What appears only when a person uses a map: the opened layer control, a space's popup,
    a suggestion's tooltip."""
    with demo_sqlite_app.app_context():
        space = _isolated(catalogue.listed_space_points(catalogue.pick_city("seoul")))
    found = []
    page = new_page(browser, 390, 844)
    open_map(page, f"{server}/?city=seoul")
    page.locator(".leaflet-control-layers").hover()
    page.wait_for_selector(".leaflet-control-layers-expanded")
    found += [f"layer control: {v}" for v in _violations(page, axe)]
    page.mouse.move(195, 500)
    open_space_popup(page, space["id"])
    found += [f"space popup: {v}" for v in _violations(page, axe)]
    page.close()
    page = new_page(browser, 1920, 1080)
    open_map(page, f"{server}/projects/1")
    page.locator(".leaflet-marker-icon .sm-rank").first.hover()
    page.wait_for_selector(".leaflet-tooltip")
    found += [f"suggestion tooltip: {v}" for v in _violations(page, axe)]
    page.close()
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)


def test_account_pages_with_errors_have_no_wcag_21_aa_violations(
        server, browser, axe, demo_sqlite_app):
    """The account forms as people meet them: with a wrong password, with every sign-up
    problem at once, signed in and changing the password, and over the rate limit."""
    with demo_sqlite_app.app_context():
        create_user(email="choir@example.org", password="a long passphrase", role="group",
                    display_name="Mapo choir", system=True)
    found = []

    def check(page, name, width):
        found.extend(f"{width}px {name}: {v}" for v in _violations(page, axe))
        page.screenshot(path=str(SHOTS / f"a11y-{name}-{width}.png"), full_page=True)

    SHOTS.mkdir(exist_ok=True)
    for width, height in SCREENS:
        page = new_page(browser, width, height)
        submit = "main form button[type=submit]"
        page.goto(f"{server}/sign-in")
        page.fill("#email", "choir@example.org")
        page.fill("#password", "a wrong passphrase")
        page.click(submit)
        page.wait_for_selector("#password-error")
        check(page, "sign-in-error", width)

        page.goto(f"{server}/sign-up")
        page.fill("#display_name", "Another choir")
        page.fill("#email", "choir@example.org")
        page.fill("#password", "Password123")
        page.fill("#password_again", "Password1234")
        page.click(submit)
        page.wait_for_selector("#email-error")
        check(page, "sign-up-error", width)

        page.goto(f"{server}/sign-in")
        page.fill("#email", "choir@example.org")
        page.fill("#password", "a long passphrase")
        page.click(submit)
        page.wait_for_selector("nav form[action='/sign-out']")
        page.goto(f"{server}/account/password")
        page.fill("#current_password", "not my password")
        page.fill("#new_password", "short")
        page.click(submit)
        page.wait_for_selector("#current_password-error")
        check(page, "change-password-error", width)
        page.locator("nav form[action='/sign-out'] button").click()
        page.wait_for_selector("nav a[href^='/sign-in']")
        page.close()
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)


def test_the_owners_room_pages_have_no_wcag_21_aa_violations(
        server, browser, axe, demo_sqlite_app):
    """An owner's places, a place's rooms, the add-a-room form with its problems shown, and
    the edit form."""
    with demo_sqlite_app.app_context():
        owner = create_user(email="centre@example.org", password="a long passphrase",
                            role="owner", display_name="Sajik centre", system=True)
        place = create_space(owner, {
            "title": "사직동 주민센터", "owner_kind": "public", "lon": 126.9687,
            "lat": 37.5759, "floor_area_m2": 600, "capacity": 300, "status": "listed",
            "rooms": [{"name": "3층 강당", "floor_area_m2": 150, "capacity": 80},
                      {"name": "2층 소회의실", "floor_area_m2": 40, "capacity": 16}]}).id
    found = []
    SHOTS.mkdir(exist_ok=True)
    for width, height in SCREENS:
        page = new_page(browser, width, height)

        def check(name, page=page, width=width):
            found.extend(f"{width}px {name}: {v}" for v in _violations(page, axe))
            page.screenshot(path=str(SHOTS / f"a11y-{name}-{width}.png"), full_page=True)

        page.goto(f"{server}/sign-in")
        page.fill("#email", "centre@example.org")
        page.fill("#password", "a long passphrase")
        page.click("main form button[type=submit]")
        page.wait_for_selector("nav form[action='/sign-out']")
        page.goto(f"{server}/my/places")
        page.wait_for_selector("[data-testid=my-places]")
        check("my-places")
        page.goto(f"{server}/spaces/{place}/rooms")
        page.wait_for_selector("[data-testid=managed-rooms] >> text=3층 강당")
        check("rooms")
        page.click(f"a[href='/spaces/{place}/rooms/new']")
        page.fill("#floor_area_m2", "900")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#name-error")
        check("add-room-error")
        page.goto(f"{server}/spaces/{place}/rooms")
        page.locator("a", has_text="Edit").first.click()
        page.wait_for_selector("#name")
        check("edit-room")
        page.close()
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)


def test_the_too_many_attempts_page_has_no_wcag_21_aa_violations(server, browser, axe):
    """Reached by signing in wrongly until the limit (5 a minute per account; the browser's
    one address meets its own limit of 10 on the narrow screen)."""
    found = []
    for width, height in SCREENS:
        page = new_page(browser, width, height)
        for _ in range(6):
            page.goto(f"{server}/sign-in")
            page.fill("#email", f"limited-{width}@example.org")
            page.fill("#password", "a wrong passphrase")
            page.click("main form button[type=submit]")
            page.wait_for_selector("#password-error, h1:has-text('Too many attempts')")
            if page.locator("h1:has-text('Too many attempts')").count():
                break
        assert page.locator("h1:has-text('Too many attempts')").count() == 1
        found += [f"{width}px: {v}" for v in _violations(page, axe)]
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"a11y-too-many-attempts-{width}.png"), full_page=True)
        page.close()
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)


def _violations(page, axe) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on ``page`` as it is now, one line each."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    return [_describe(v) for v in result["violations"]]


def _describe(violation) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    more = f" (+{len(targets) - 8} more)" if len(targets) > 8 else ""
    return (f"{violation['id']} [{violation['impact']}] {violation['help']}: "
            f"{'; '.join(targets[:8])}{more}")


def _find(server: str, app, which: str) -> str:
    """A real space and a project with suggestions from Seoul's plan; every demo project has
    some, so the project no space fits is added: a choir of 400 at dawn in Mapo-gu."""
    if which == "project-no-match":
        project_id = _store_unhostable_project(app)
        assert not _json(f"{server}/api/projects/{project_id}/suggestions")["suggestions"]
        return f"/projects/{project_id}"
    if which == "area":
        with app.app_context():
            return f"/areas/{db.session.scalar(select(Area.id).where(Area.name == '종로구'))}"
    first = _json(f"{server}/api/cities/seoul/plan")["pairings"][0]
    if which == "space":
        return f"/spaces/{first['space_id']}"
    return f"/projects/{first['project_id']}"


def _store_unhostable_project(app) -> int:
    with app.app_context():
        group = create_user(email="choir@example.org", password="a long passphrase",
                            role="group", display_name="Choir", system=True)
        mapo = db.session.scalar(select(Area.id).where(Area.name_en == "Mapo-gu"))
        project = create_project(group, "seoul", {
            "title": "대형 합창 연습", "activity": "arts_studio", "participants": 400,
            "preferred_area_ids": [mapo], "weekly_hours": "sun 06:00-07:00", "status": "open"})
        return project.id


def _json(url: str):
    with urlopen(url, timeout=60) as response:
        return json.load(response)
