"""Pages show the room a suggestion or a pairing uses, and how a plan fills a building."""

from spacematch.services.spaces import create_space

from ..services.test_rooms_matching import (
    CENTRE,
    SCHOOL,
    _project,
    _users,
    two_projects_by_a_two_room_place,
)

HOSTILE = "<b>강당</b><script>alert(1)</script>"


def test_a_suggestion_names_its_room_and_how_many_more_fit(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        owner, group = _users()
        create_space(owner, SCHOOL)
        rooms = [*CENTRE["rooms"][:1], {**CENTRE["rooms"][1], "name": HOSTILE}]
        create_space(owner, {**CENTRE, "rooms": rooms})
        pid = _project(group)
    html = demo_sqlite_app.test_client().get(f"/projects/{pid}").get_data(as_text=True)
    assert "Room 1 of 12 · <span class=\"text-muted\">11 more rooms fit</span>" in html
    assert "&lt;b&gt;강당&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE not in html


def test_the_plan_shows_rooms_and_buildings_in_use(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        place, _, _ = two_projects_by_a_two_room_place("두 방 <센터>")
    html = demo_sqlite_app.test_client().get("/plan?city=seoul").get_data(as_text=True)
    table = html[html.index('data-testid="places-in-use"'):]
    row = table[table.index(f'href="/spaces/{place}"'):]
    row = row[:row.index("</tr>")]
    assert "두 방 &lt;센터&gt;" in row and ">2<" in row and "2 of 2" in row
    assert "2.8 %" in row and "(4 of 144 h a week)" in row
    assert html.count("2 projects in this building at once") == 2
