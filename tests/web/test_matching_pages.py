"""Pages for groups (project suggestions), owners (what a space could host), officials (plan)."""

import re

from sqlalchemy import func, select

from spacematch.db.models import City, Project
from spacematch.extensions import db
from spacematch.services import matching


def test_space_page_shows_what_it_could_host_first(client):
    plan = client.get("/api/cities/seoul/plan").get_json()
    space_id = plan["pairings"][0]["space_id"]
    html = client.get(f"/spaces/{space_id}").get_data(as_text=True)
    hosting, facts = html.index("What it could host"), html.index("The space · 공간 정보")
    assert hosting < facts
    fits = [a for a in client.get(f"/api/spaces/{space_id}/could-host").get_json()["activities"]
            if a["fits"]]
    assert fits and fits[0]["name_en"] in html[hosting:facts]
    assert client.get("/spaces/99999999").status_code == 404


def test_project_list_and_page(client, demo_sqlite_app):
    html = client.get("/projects?city=seoul").get_data(as_text=True)
    with demo_sqlite_app.app_context():
        n = db.session.scalar(select(func.count(Project.id)).join(City).where(
            City.slug == "seoul", Project.status == "open"))
        pid = db.session.scalar(select(Project.id).where(Project.title_en.like("Youth job%")))
        _, expected = matching.suggest_spaces(pid, k=10)
    assert html.count('class="card h-100') == n
    page = client.get(f"/projects/{pid}").get_data(as_text=True)
    ranks = re.findall(r'<span class="sm-rank">(\d+)</span>', page)
    assert ranks == [str(i) for i in range(1, len(expected) + 1)]
    assert expected[0].title in page and expected[0].explanation[2]["ko"] in page
    assert 'class="folium-map"' in page


def test_plan_page_lists_every_pairing_and_the_unmatched(client):
    api = client.get("/api/cities/seoul/plan").get_json()
    html = client.get("/plan?city=seoul").get_data(as_text=True)
    body = html[html.index('data-testid="pairings"'):]
    assert body.count("<tr><td>") == len(api["pairings"])
    assert all(p["explanation"] and p["district"] for p in api["pairings"])
    for u in api["unmatched"]:
        assert u["reason"] in html
    assert client.get("/plan?city=seoul&priority=1.5").status_code == 200


def test_a_project_nobody_can_host_says_why_and_still_shows_its_area(client, demo_sqlite_app):
    from spacematch.db.models import Area
    from spacematch.services.projects import create_project
    from spacematch.services.users import create_user

    with demo_sqlite_app.app_context():
        group = create_user(email="g@example.org", password="a long passphrase", role="group",
                            display_name="G", system=True)
        gu = db.session.scalar(select(Area.id).where(Area.name_en == "Mapo-gu"))
        project = create_project(group, "seoul", {
            "title": "대형 합창 연습", "activity": "arts_studio", "participants": 400,
            "preferred_area_ids": [gu], "weekly_hours": "sun 06:00-07:00", "status": "open"})
        pid = project.id
    html = client.get(f"/projects/{pid}").get_data(as_text=True)
    assert 'data-testid="no-match"' in html and "most often failed" in html
    assert "capacity" in html or "floor area" in html
    assert "Mapo" in html or 'class="folium-map"' in html
