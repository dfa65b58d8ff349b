"""The pairing loop in a real browser: a group signs up, describes its project (clicking the
map where it meets), finds a place among the project's suggestions and asks for it; the
owner accepts, an official approves, and both parties see the approval on the timeline. A
forbidden step is refused in the browser too. Every page on the way passes axe-core at 1,920
and 390 px; screenshots of each step go to screenshots/.
"""

import pytest
from sqlalchemy import select

from spacematch.db.models import City, Space
from spacematch.extensions import db
from spacematch.services.users import create_user

from .conftest import MAP_TIMEOUT_MS, SHOTS, new_page
from .test_accessibility import SCREENS, _violations

pytestmark = pytest.mark.browser

PASSWORD = "a long passphrase"
PLACE = {"title": "사직동 주민센터 <b>별관</b>", "lon": 126.9687, "lat": 37.5759,
         "amenities": ["toilets", "water", "power", "storage"]}
REPAIR = {"title": "수리 카페", "title_en": "Repair café", "activity": "maker_repair",
          "participants": 12, "lon": 126.9690, "lat": 37.5762, "max_distance_m": 1500,
          "weekly_hours": "sat 10:00-16:00", "budget_kind": "hourly", "budget_amount": 20000,
          "status": "open"}


def _official(app) -> None:
    with app.app_context():  # officials are made by an admin, here on the server
        create_user(email="official@example.org", password=PASSWORD, role="official",
                    display_name="Jongno official", system=True)


def _sign_up(browser, server, role, name, email):
    page = new_page(browser, *SCREENS[0])
    page.goto(f"{server}/sign-up")
    page.check(f"input[name=role][value={role}]")
    page.fill("#display_name", name)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("nav form[action='/sign-out']")
    return page


def _click_map_at(page, lat, lon):
    """Click the page's map at (lat, lon), zoomed in, and wait for the fields to take it."""
    page.locator(".map-box").scroll_into_view_if_needed()
    at = page.evaluate("""([lat, lon]) => {
        const h = window.spacematchMap, box = h.map.getContainer().getBoundingClientRect();
        h.map.setView([lat, lon], 16);
        const p = h.map.latLngToContainerPoint([lat, lon]);
        return {x: box.left + p.x, y: box.top + p.y};
    }""", [lat, lon])
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector(".folium-map[data-picked]", state="attached")
    assert abs(float(page.input_value("#lat")) - lat) < 1e-4
    assert abs(float(page.input_value("#lon")) - lon) < 1e-4


def _sign_up_and_list(browser, server, check):
    """An owner signs up and lists the place, after a preview of what it could host."""
    page = _sign_up(browser, server, "owner", "Sajik centre", "centre@example.org")
    page.goto(f"{server}/my/places")
    page.click("a[href='/spaces/new']")
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached",
                           timeout=MAP_TIMEOUT_MS)
    page.fill("#title", PLACE["title"])
    page.fill("#address", "서울 종로구 사직로 9길 1")
    _click_map_at(page, PLACE["lat"], PLACE["lon"])
    page.fill("#floor_area_m2", "120")
    page.fill("#capacity", "50")
    for amenity in PLACE["amenities"]:
        page.check(f"input[name=amenities][value={amenity}]")
    for day in ("mon", "tue", "wed", "thu", "fri", "sat"):
        page.fill(f"#hours_{day}-opens", "09:00")
        page.fill(f"#hours_{day}-closes", "21:00")
    page.click("button[name=preview]")
    page.wait_for_selector("[data-testid=preview] >> text=Maker space / repair café")
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached")
    check(page, "0-owner-preview")
    page.check("input[name=status][value=listed]")
    page.click("main form button[type=submit]:not([name])")
    page.wait_for_selector("[data-testid=my-places] >> text=listed")
    check(page, "0-owner-listed")
    return page


def _sign_up_and_describe(browser, server, check):
    """A group signs up and describes its repair café, first with problems; the project's
    page opens."""
    page = _sign_up(browser, server, "group", "Repair circle", "repair@example.org")
    page.goto(f"{server}/projects?city=seoul")
    page.click("a[href='/projects/new?city=seoul']")
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached",
                           timeout=MAP_TIMEOUT_MS)
    page.check("input[name=activity][value=maker_repair]")
    page.fill("#participants", "a dozen")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#title-error")
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached")
    check(page, "0-describe-problems")
    assert page.is_checked("input[name=activity][value=maker_repair]")  # kept
    page.fill("#title", REPAIR["title"])
    page.fill("#participants", str(REPAIR["participants"]))
    # a click on the map, where the group meets, fills in the coordinates
    _click_map_at(page, REPAIR["lat"], REPAIR["lon"])
    page.check("input[name=max_distance_m][value='2000']")
    page.fill("#hours_sat-opens", "10:00")
    page.fill("#hours_sat-closes", "16:00")
    page.check("input[name=budget_kind][value=hourly]")
    page.fill("#budget_amount", "20000")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".folium-map[data-map-ready='1']", state="attached",
                           timeout=MAP_TIMEOUT_MS)
    page.wait_for_selector("[data-testid=suggestions]", state="attached")
    return page, int(page.url.rsplit("/", 1)[1])


def _place_between(app, point, near_m, far_m) -> int:
    """A listed place of the demo between ``near_m`` and ``far_m`` from ``point``."""
    import math

    from geoalchemy2.shape import to_shape

    with app.app_context():
        rows = db.session.execute(select(Space.id, Space.location).join(City).where(
            Space.status == "listed", City.slug == "seoul").order_by(Space.id)).all()
    lat0 = math.radians(point["lat"])
    for space_id, location in rows:
        pt = to_shape(location)
        dx = math.radians(pt.x - point["lon"]) * math.cos(lat0) * 6_371_000
        dy = math.radians(pt.y - point["lat"]) * 6_371_000
        if near_m < math.hypot(dx, dy) < far_m:
            return space_id
    raise AssertionError("no demo place at that distance")


def _why_not(page, space_id):
    """Click a place of the project map's other listed places and wait for its answer."""
    at = page.evaluate("""id => {
        const h = window.spacematchMap, m = h.others.markersById[id];
        h.map.setView(m.getLatLng(), 17);
        const box = h.map.getContainer().getBoundingClientRect();
        const p = h.map.latLngToContainerPoint(m.getLatLng());
        return {x: box.left + p.x, y: box.top + p.y};
    }""", space_id)
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector(".leaflet-popup-content .sm-why[data-why-ready=fails]")


def _sign_in(browser, server, email):
    page = new_page(browser, *SCREENS[0])
    page.goto(f"{server}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("nav form[action='/sign-out']")
    return page


def test_a_group_asks_the_owner_accepts_an_official_approves(
        server, browser, axe, demo_sqlite_app):
    _official(demo_sqlite_app)
    found: list[str] = []
    SHOTS.mkdir(exist_ok=True)

    def check(page, name):
        """axe-core and a screenshot at both widths, of the page as it is now."""
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            found.extend(f"{width}px {name}: {v}" for v in _violations(page, axe))
            page.screenshot(path=str(SHOTS / f"pairing-{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": SCREENS[0][0], "height": SCREENS[0][1]})

    # the owner signs up and lists the place
    owner = _sign_up_and_list(browser, server, check)
    with demo_sqlite_app.app_context():
        place = db.session.scalar(select(Space.id).where(Space.title == PLACE["title"]))

    # the group signs up, describes its project, finds the place among its suggestions
    # and asks for it
    group, project = _sign_up_and_describe(browser, server, check)
    group.goto(f"{server}/my/projects")
    group.wait_for_selector(f"[data-testid=my-projects] a[href='/projects/{project}/edit']")
    check(group, "0-my-projects")
    group.goto(f"{server}/projects/{project}")
    group.wait_for_selector(".folium-map[data-map-ready='1']", state="attached",
                            timeout=MAP_TIMEOUT_MS)
    ask = group.locator(f"a[href='/projects/{project}/spaces/{place}/request']")
    assert ask.count() == 1, "the place is not among the project's suggestions"
    # "why not this one?" of a place on the map that is not suggested: too far away
    far = _place_between(demo_sqlite_app, REPAIR, 2300, 2900)
    _why_not(group, far)
    why = group.locator(".leaflet-popup-content .sm-why")
    assert why.locator("li[data-criterion=distance]").inner_text().endswith(
        "away, beyond your 2.0 km")
    check(group, "0-why-not")
    ask.click()
    group.wait_for_selector("[data-testid=request-place]")
    assert group.locator("[data-testid=request-place]").inner_text() == PLACE["title"]
    assert group.input_value("#hours_sat-opens") == "10:00"
    check(group, "1-request-form")
    group.fill("#hours_sat-closes", "22:00")
    group.click("main form button[type=submit]")
    group.wait_for_selector("#problems >> text=Whole space is not open Sat 21:00–22:00")
    check(group, "2-request-problem")
    group.fill("#hours_sat-closes", "16:00")
    group.fill("#message", "We fix radios and bikes. <i>Saturdays</i> suit us.")
    group.click("main form button[type=submit]")
    group.wait_for_selector("[data-testid=pairing-status] >> text=Requested")
    pairing = int(group.url.rsplit("/", 1)[1])
    assert "<i>Saturdays</i>" in group.locator("[data-testid=timeline]").inner_text()
    check(group, "3-requested")
    # a group may not open the officials' queue
    assert group.goto(f"{server}/review").status == 403
    group.wait_for_selector("h1")

    # the owner: the request waits in the inbox; accept with a message
    owner.goto(f"{server}/pairings")
    owner.wait_for_selector(f"[data-testid=waiting] [data-pairing='{pairing}']")
    check(owner, "4-owner-inbox")
    owner.click(f"[data-testid=waiting] [data-pairing='{pairing}'] a")
    owner.wait_for_selector("form[data-action=accept]")
    owner.fill("form[data-action=accept] textarea", "Welcome. Keys at the front desk.")
    owner.click("form[data-action=accept] button")
    owner.wait_for_selector("[data-testid=pairing-status] >> text=Accepted")
    check(owner, "5-accepted")
    assert owner.locator("form[data-action=approve]").count() == 0  # not the owner's step

    # the official: the plan's pairings can be proposed; the queue; a rejection needs a
    # reason; approve
    official = _sign_in(browser, server, "official@example.org")
    official.goto(f"{server}/plan?city=seoul")
    official.wait_for_selector("[data-testid=propose] input[name=pick]")
    check(official, "6-plan-to-propose")
    official.goto(f"{server}/review")
    official.wait_for_selector(f"[data-testid=review-queue] [data-pairing='{pairing}']")
    check(official, "7-review-queue")
    official.click(f"[data-pairing='{pairing}'] a")
    official.wait_for_selector("form[data-action=reject]")
    official.click("form[data-action=reject] button")
    official.wait_for_selector("#message-reject-error >> text=a reason is required to reject")
    check(official, "8-reject-needs-a-reason")
    official.click("form[data-action=approve] button")
    official.wait_for_selector("[data-testid=timeline] li[data-to=approved]")
    official.wait_for_selector("[data-testid=pairing-status] >> text=Active")
    check(official, "9-approved")
    official.goto(f"{server}/decisions?city=seoul")
    official.wait_for_selector(f"[data-testid=decisions] [data-pairing='{pairing}']"
                               "[data-to=approved]")
    check(official, "9-decision-history")

    # both parties see the approval on the timeline
    for page in (group, owner):
        page.goto(f"{server}/pairings/{pairing}")
        page.wait_for_selector("[data-testid=timeline] li[data-to=approved]")
        steps = page.locator("[data-testid=timeline] li").evaluate_all(
            "items => items.map(i => i.dataset.to)")
        # no first day was named: active at once, by itself
        assert steps == ["requested", "accepted", "approved", "active"]
    assert "Jongno official" in group.locator("[data-testid=timeline]").inner_text()
    check(group, "10-group-sees-approval")
    for page in (group, owner, official):
        page.close()
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)
