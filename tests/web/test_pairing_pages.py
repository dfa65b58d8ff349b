"""The pairing workflow through the pages: a group asks for a room, the owner accepts, an
official approves; each step on the timeline; bad input named by field, nothing lost."""

import html
import re

from sqlalchemy import func, select

from spacematch.db.models import Match, Room
from spacematch.extensions import db
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

from .test_auth import GOOD, sign_in, token

HOSTILE = "<script>alert(1)</script>Tuesdays & Saturdays"
PLACE = {"title": "사직동 주민센터", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
         "floor_area_m2": 600, "capacity": 300, "status": "listed", "cost_kind": "free",
         "amenities": ["toilets", "water", "power", "storage"],
         "weekly_hours": "mon-sat 09:00-21:00",
         "rooms": [{"name": "Workshop", "floor_area_m2": 80, "capacity": 30},
                   {"name": "Hall", "floor_area_m2": 200, "capacity": 120}]}
REPAIR = {"title": "수리 카페", "title_en": "Repair café", "activity": "maker_repair",
          "participants": 12, "lon": 126.9690, "lat": 37.5762, "max_distance_m": 2000,
          "weekly_hours": "sat 10:00-16:00", "budget_kind": "hourly", "budget_amount": 20000,
          "status": "open"}


def _world(app) -> dict:
    with app.app_context():
        people = {role: create_user(email=f"{role}@example.org", password=GOOD, role=role,
                                    display_name=f"The {role}", system=True)
                  for role in ("owner", "group", "official")}
        people["other"] = create_user(email="other@example.org", password=GOOD, role="group",
                                      display_name="Other group", system=True)
        place = create_space(people["owner"], PLACE).id
        workshop = db.session.scalar(select(Room.id).where(Room.space_id == place,
                                                           Room.name == "Workshop"))
        project = create_project(people["group"], "seoul", REPAIR).id
        other = create_project(people["other"], "seoul", {**REPAIR, "title": "둘째 카페"}).id
    clients = {}
    for i, who in enumerate(("owner", "group", "official", "other")):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.9.0.{i + 1}"
        assert sign_in(client, f"{who}@example.org").status_code == 302
        clients[who] = client
    return {"place": place, "workshop": workshop, "project": project, "other_project": other,
            **clients}


def _post(client, path: str, form_on: str | None = None, **data):
    return client.post(path, data={"csrf_token": token(client, form_on or path), **data})


def _request_data(room: int, **over) -> dict:
    data = {"room": str(room), "hours_sat-opens": "10:00", "hours_sat-closes": "16:00",
            "starts_on": "", "ends_on": "", "message": HOSTILE}
    return {**data, **over}


def _matches(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Match.id)))


def _status(client, pairing: int) -> str:
    page = client.get(f"/pairings/{pairing}").get_data(as_text=True)
    return html.unescape(re.search(r'data-testid="pairing-status">([^<]*)<', page)[1])


def test_a_group_asks_the_owner_accepts_and_an_official_approves(seoul_app):
    app = seoul_app
    w = _world(app)
    ask = f"/projects/{w['project']}/spaces/{w['place']}/request"
    project_page = w["group"].get(f"/projects/{w['project']}").get_data(as_text=True)
    assert f'href="{ask}"' in project_page  # "Ask for this space" beside the suggestion
    assert 'data-testid="ask"' not in w["other"].get(
        f"/projects/{w['project']}").get_data(as_text=True)  # not on another group's project
    form = w["group"].get(ask).get_data(as_text=True)
    assert 'value="10:00"' in form and 'value="16:00"' in form  # the project's own hours

    # problems by field, nothing stored
    answer = _post(w["group"], ask, **_request_data(w["workshop"], **{
        "hours_sat-closes": "22:00", "starts_on": "2031-05-01", "ends_on": "2031-04-01"}))
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    assert "Workshop is not open Sat 21:00–22:00" in page
    assert "is before the start (2031-05-01)" in page
    assert 'value="2031-04-01"' in page  # typed values kept
    assert _matches(app) == 0

    answer = _post(w["group"], ask, **_request_data(w["workshop"]))
    assert answer.status_code == 302
    pairing = int(answer.headers["Location"].rsplit("/", 1)[1])
    page = w["group"].get(f"/pairings/{pairing}").get_data(as_text=True)
    assert _status(w["group"], pairing) == "Requested"
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    assert 'data-action="withdraw"' in page and 'data-action="accept"' not in page
    # its map is among the named areas around the place, and says which dot is which
    assert '"outlines": geo_json_' in page and '"Sajik-dong"' in page
    assert 'data-testid="map-legend"' in page and ">the place<" in page

    # only the parties and officials see it; only the owner may accept
    assert w["other"].get(f"/pairings/{pairing}").status_code == 403
    assert _post(w["official"], f"/pairings/{pairing}/accept", f"/pairings/{pairing}",
                 message="").status_code == 403
    inbox = w["owner"].get("/pairings").get_data(as_text=True)
    assert re.search(rf'data-testid="waiting".*data-pairing="{pairing}"', inbox, re.S)
    answer = _post(w["owner"], f"/pairings/{pairing}/accept", f"/pairings/{pairing}",
                   message="Welcome! Keys at the desk.")
    assert answer.status_code == 302
    assert _status(w["owner"], pairing).startswith("Accepted")
    again = _post(w["owner"], f"/pairings/{pairing}/accept", "/pairings", message="")
    assert again.status_code == 409
    assert "it cannot be accepted" in again.get_data(as_text=True)

    # the official: in the queue; a rejection needs a reason; approve
    queue = w["official"].get("/review").get_data(as_text=True)
    assert f'data-pairing="{pairing}"' in queue
    answer = _post(w["official"], f"/pairings/{pairing}/reject", f"/pairings/{pairing}",
                   message="  ")
    assert answer.status_code == 400
    assert "a reason is required to reject" in answer.get_data(as_text=True)
    assert 'aria-invalid="true"' in answer.get_data(as_text=True)
    assert _status(w["official"], pairing).startswith("Accepted")
    answer = _post(w["official"], f"/pairings/{pairing}/approve", f"/pairings/{pairing}",
                   message="")
    assert answer.status_code == 302
    # it names no first day: it is active at once, a step that no person took
    assert _status(w["group"], pairing) == "Active"
    timeline = w["group"].get(f"/pairings/{pairing}").get_data(as_text=True)
    steps = re.findall(r'<li class="mb-2" data-to="(\w+)">.*?· ([^·<]+) ·', timeline, re.S)
    assert [(to, who.strip()) for to, who in steps] == [
        ("requested", "The group"), ("accepted", "The owner"), ("approved", "The official"),
        ("active", "system")]
    assert "Welcome! Keys at the desk." in timeline
    assert "Active" in w["owner"].get("/pairings").get_data(as_text=True)


def test_hours_an_approved_pairing_holds_cannot_be_asked_for_again(seoul_app):
    app = seoul_app
    w = _world(app)
    ask = f"/projects/{w['project']}/spaces/{w['place']}/request"
    pairing = int(_post(w["group"], ask, **_request_data(w["workshop"]))
                  .headers["Location"].rsplit("/", 1)[1])
    _post(w["owner"], f"/pairings/{pairing}/accept", f"/pairings/{pairing}", message="")
    _post(w["official"], f"/pairings/{pairing}/approve", f"/pairings/{pairing}", message="")
    assert _status(w["official"], pairing) == "Active"  # no first day named: at once
    other = f"/projects/{w['other_project']}/spaces/{w['place']}/request"
    answer = _post(w["other"], other, **_request_data(w["workshop"], **{
        "hours_sat-opens": "15:00", "hours_sat-closes": "18:00"}))
    assert answer.status_code == 400
    page = html.unescape(answer.get_data(as_text=True))
    assert "These hours are already booked: Sat 15:00–16:00" in page
    assert f"pairing {pairing}" not in page and "수리 카페" not in page  # not whose
    # after the held hours: fine
    answer = _post(w["other"], other, **_request_data(w["workshop"], **{
        "hours_sat-opens": "16:00", "hours_sat-closes": "18:00"}))
    assert answer.status_code == 302


def test_nobody_but_the_projects_group_may_ask_for_a_space_for_it(seoul_app):
    app = seoul_app
    w = _world(app)
    ask = f"/projects/{w['project']}/spaces/{w['place']}/request"
    assert w["other"].get(ask).status_code == 403
    assert w["owner"].get(ask).status_code == 403
    assert app.test_client().get(ask).status_code == 302  # to the sign-in page
    # a JSON body or a room that is not the place's: named, never a 500
    assert w["group"].post(ask, json={"room": "1"}).status_code == 400
    answer = _post(w["group"], ask, **_request_data(999999))
    assert answer.status_code == 400 and "choose one of the place" in answer.get_data(
        as_text=True)
    answer = _post(w["group"], ask, **_request_data(w["workshop"], message="a\x00b"))
    assert answer.status_code == 400
    assert "must not contain control characters" in answer.get_data(as_text=True)
    assert _matches(app) == 0


def test_an_official_proposes_pairings_from_the_plan(seoul_app):
    app = seoul_app
    w = _world(app)
    plan = w["official"].get("/plan?city=seoul").get_data(as_text=True)
    picks = re.findall(r'name="pick" value="([^"]+)"', plan)
    mine = [p for p in picks if p.startswith(f"{w['project']}:{w['place']}:")]
    assert len(picks) == 2 and len(mine) == 1  # both projects are planned
    assert 'name="pick"' not in w["group"].get("/plan?city=seoul").get_data(as_text=True)
    assert _post(w["group"], "/plan/proposals", "/pairings", pick=mine).status_code == 403
    answer = _post(w["official"], "/plan/proposals", "/plan?city=seoul", pick=mine,
                   city="seoul")
    assert answer.status_code == 302 and answer.headers["Location"] == "/pairings"
    with app.app_context():
        (made,) = db.session.scalars(select(Match)).all()
        assert (made.origin, made.status, made.project_id) == (
            "proposal", "proposed", w["project"])
    for who in ("group", "owner"):
        waiting = w[who].get("/pairings").get_data(as_text=True)
        assert re.search(rf'data-testid="waiting".*data-pairing="{made.id}"', waiting, re.S)
    # the same again: not sent, and said why
    answer = _post(w["official"], "/plan/proposals", "/plan?city=seoul", pick=mine,
                   city="seoul", all="")
    assert answer.headers["Location"] == "/plan?city=seoul"
    assert "has a pairing of this room already" in html.unescape(
        w["official"].get("/plan?city=seoul").get_data(as_text=True))
    assert _matches(app) == 1
