"""A project's page: suggestions ten at a time with "show more" up to every one the engine
finds, why fewer fit than were asked for, and every other listed place nearby on the map,
each ready to answer "why not this one?"."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from spacematch.db.models import Project
from spacematch.extensions import db
from spacematch.services import matching
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

RANK = re.compile(r'<span class="sm-rank">(\d+)</span>')


def _others(html: str) -> list[dict]:
    return json.loads(re.search(r"var rows = (\[.*?\]), words = ", html, flags=re.S).group(1))


def _project_titled(app, start: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Project.id).where(Project.title_en.like(f"{start}%")))


def test_show_more_adds_ten_suggestions_at_a_time(client, demo_sqlite_app):
    pid = _project_titled(demo_sqlite_app, "After-school cooperative childcare")
    with demo_sqlite_app.app_context():
        _, twenty = matching.suggest_spaces(pid, k=20)
    assert len(twenty) == 20, "the demo's childcare has at least 20 places that fit"
    first = client.get(f"/projects/{pid}").get_data(as_text=True)
    assert RANK.findall(first) == [str(i) for i in range(1, 11)]
    more = re.search(r'data-testid="show-more" href="([^"]+)"', first).group(1)
    assert more == f"/projects/{pid}?k=20#s-11"
    second = client.get(more.split("#")[0]).get_data(as_text=True)
    assert RANK.findall(second) == [str(i) for i in range(1, 21)]
    assert [s.title for s in twenty][10] in second and 'id="s-11"' in second


def test_a_bad_k_is_a_400_naming_it(client, demo_sqlite_app):
    pid = _project_titled(demo_sqlite_app, "Youth job club")
    for bad in ("many", "0", "101", "2.5", "nan"):
        r = client.get(f"/projects/{pid}?k={bad}")
        assert r.status_code == 400 and "<strong>k</strong>" in r.get_data(as_text=True)


def test_when_fewer_fit_than_asked_the_page_says_what_removes_the_others(
        client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        group = create_user(email="g@example.org", password="correct horse battery",
                            role="group", display_name="G", system=True)
        pid = create_project(group, "seoul", {
            "title": "큰 모임", "activity": "meeting_workshop", "participants": 60,
            "lon": 126.9687, "lat": 37.5759, "max_distance_m": 1000,
            "weekly_hours": "tue 18:00-21:00", "status": "open"}).id
        found = matching.suggest_spaces(pid, k=100)[1]
    html = client.get(f"/projects/{pid}?k=100").get_data(as_text=True)
    assert 0 < len(found) < 100, len(found)
    note = re.search(r'data-testid="shortfall">([^<]+)<', html).group(1)
    assert note.startswith(f"only {len(found)} places meet every requirement: ")
    assert re.search(r"\d+ of \d+ rooms nearby fail on \w+", note)
    assert 'data-testid="show-more"' not in html


def test_the_map_holds_the_other_places_nearby_and_not_the_suggested_ones(
        client, demo_sqlite_app):
    pid = _project_titled(demo_sqlite_app, "Migrant counselling desk")  # has a location
    with demo_sqlite_app.app_context():
        page = matching.project_page(pid, k=10)
    html = client.get(f"/projects/{pid}").get_data(as_text=True)
    others = _others(html)
    assert others and {o["space_id"] for o in others} == {o["space_id"] for o in page.others}
    assert not {o["space_id"] for o in others} & {s.space_id for s in page.suggestions}
    # each can be asked: the API explains it for this project
    one = others[-1]
    why = client.get(f"/api/projects/{pid}/spaces/{one['space_id']}").get_json()
    assert why["space_id"] == one["space_id"]
    assert (why["passes"] and why["explanation"]) or (not why["passes"] and why["why_not"])
    assert f'"/api/projects/{pid}/spaces/0"' in html


def test_titles_on_the_map_are_data_not_markup(client, demo_sqlite_app):
    hostile = '</script><img src=x onerror="alert(1)">`${1}`'
    with demo_sqlite_app.app_context():
        owner = create_user(email="o@example.org", password="correct horse battery",
                            role="owner", display_name="O", system=True)
        group = create_user(email="g@example.org", password="correct horse battery",
                            role="group", display_name="G", system=True)
        place = create_space(owner, {"title": hostile, "owner_kind": "private",
                                     "lon": 126.9690, "lat": 37.5760, "floor_area_m2": 6,
                                     "capacity": 2, "status": "listed",
                                     "weekly_hours": "tue 09:00-22:00"}).id
        pid = create_project(group, "seoul", {
            "title": "모임", "activity": "meeting_workshop", "participants": 10,
            "lon": 126.9687, "lat": 37.5759, "max_distance_m": 1000,
            "weekly_hours": "tue 18:00-21:00", "status": "open"}).id
    html = client.get(f"/projects/{pid}").get_data(as_text=True)
    others = _others(html)
    assert {"space_id": place, "title": hostile} in [
        {"space_id": o["space_id"], "title": o["title"]} for o in others]
    assert hostile not in html and "<img src=x" not in html
    why = client.get(f"/api/projects/{pid}/spaces/{place}").get_json()
    assert not why["passes"] and "capacity" in why["failed"]
