"""Pages for groups (project suggestions), owners (what a space could host), officials (plan)."""

import re

import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from spacematch.db.models import Area, City, Project
from spacematch.domain.explain import Line
from spacematch.extensions import db
from spacematch.services import matching, plans

MAP_CENTRE = re.compile(r'center:\s*\[([-\d.]+),\s*([-\d.]+)\]')


def test_space_page_shows_what_it_could_host_first(client):
    plan = client.get("/api/cities/seoul/plan").get_json()
    space_id = plan["pairings"][0]["space_id"]
    html = client.get(f"/spaces/{space_id}").get_data(as_text=True)
    hosting, facts = html.index("What it could host"), html.index("The space")
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
    assert expected[0].title in page and expected[0].explanation[2]["en"] in page
    korean = client.get(f"/projects/{pid}", headers={"Accept-Language": "ko"})
    text = korean.get_data(as_text=True)
    assert expected[0].explanation[2]["ko"] in text
    assert expected[0].explanation[2]["en"] not in text
    assert 'class="folium-map"' in page


def test_plan_page_lists_every_pairing_and_the_unmatched(client):
    api = client.get("/api/cities/seoul/plan").get_json()
    html = client.get("/plan?city=seoul").get_data(as_text=True)
    body = html[html.index('data-testid="pairings"'):]
    body = body[:body.index("</table>")]
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
    text = html[:html.index('class="folium-map"')]
    assert "Mapo-gu" in text  # the page names the district the group chose...
    lat, lon = map(float, MAP_CENTRE.search(html).groups())
    with demo_sqlite_app.app_context():
        mapo = to_shape(db.session.scalar(select(Area.geom).where(Area.name_en == "Mapo-gu")))
    assert mapo.contains(shapely.Point(lon, lat))  # ...and frames it on the map


# Values an official could type into /plan's address bar; each must be refused by name.
BAD_PLAN_PARAMETERS = [("priority", "nan"), ("priority", "inf"), ("priority", "-5"),
                       ("priority", "0.5"), ("priority", "lots"), ("min_share", "5"),
                       ("min_share", "-0.5"), ("min_share", "nan"), ("district", "Mapo"),
                       ("district", "-3")]


def test_plan_page_refuses_bad_parameters_by_name(client):
    for field, value in BAD_PLAN_PARAMETERS:
        resp = client.get(f"/plan?city=seoul&{field}={value}")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, (field, value)
        assert f"<strong>{field}</strong>" in html, (field, value)
        assert "HiGHS" not in html and "Something went wrong" not in html


def test_plan_page_for_a_district_of_another_city_is_not_found(client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        baltimore = db.session.scalar(select(Area.id).join(City).where(City.slug == "baltimore"))
    for district in (999999, baltimore):
        assert client.get(f"/plan?city=seoul&district={district}").status_code == 404


def test_plan_page_for_one_district_lists_only_its_projects(client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        jongno = db.session.scalar(select(Area.id).where(Area.name_en == "Jongno-gu"))
    whole = client.get("/api/cities/seoul/plan").get_json()
    html = client.get(f"/plan?city=seoul&district={jongno}&priority=1.5&min_share=0.5")
    assert html.status_code == 200
    page = html.get_data(as_text=True)
    for p in whole["pairings"] + whole["unmatched"]:
        link = f'href="/projects/{p["project_id"]}"'
        assert (link in page) == (p["district"] == "Jongno-gu"), p


def test_plan_warnings_are_shown_and_returned(client, monkeypatch):
    warning = "The minimum share of 100 % could not be met in every district and was dropped."
    real = plans.plan_pairings

    def plan_with_warning(*args, **kwargs):
        plan = real(*args, **kwargs)
        plan.warnings.append(warning)
        return plan

    monkeypatch.setattr(plans, "plan_pairings", plan_with_warning)
    html = client.get("/plan?city=seoul&min_share=1").get_data(as_text=True)
    alert = html[html.index('data-testid="plan-warnings"'):]
    assert warning in alert[:alert.index("</div>")]
    assert client.get("/api/cities/seoul/plan?min_share=1").get_json()["warnings"] == [warning]


def test_a_criterion_that_does_not_apply_is_shown_as_such(client, monkeypatch):
    """A soft criterion left out of the sum (score None, weight 0) renders without a bar."""
    real = matching.explain

    def without_need(*args, **kwargs):
        lines = real(*args, **kwargs)
        return [Line(ln.key, None, 0.0, "not relevant to this project", "해당 없음")
                if ln.key == "need" else ln for ln in lines]

    monkeypatch.setattr(matching, "explain", without_need)
    page = client.get("/projects/1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(r'<tr class="why-line[^"]*" data-criterion="need">(.*?)</tr>', html, re.S)
    assert rows and all("does not apply" in r and "bar-fg" not in r for r in rows)
    plan = client.get("/plan?city=seoul")
    assert plan.status_code == 200 and "does not apply" in plan.get_data(as_text=True)


def test_a_space_page_shows_only_the_hours_it_wholly_offers(client, demo_sqlite_app):
    from spacematch.services.spaces import create_space
    from spacematch.services.users import create_user

    with demo_sqlite_app.app_context():
        owner = create_user(email="o@example.org", password="a long passphrase", role="owner",
                            display_name="O", system=True)
        sid = create_space(owner, {"title": "Quarter-hour room", "owner_kind": "public",
                                   "lon": 126.9784, "lat": 37.5666, "floor_area_m2": 40,
                                   "capacity": 20, "weekly_hours": "mon 09:15-10:15",
                                   "status": "listed"}).id
    html = client.get(f"/spaces/{sid}").get_data(as_text=True)
    assert "Mon 09:30–10:00" in html and "09:00–10:30" not in html



def test_a_project_choosing_the_whole_city_is_in_no_district(client, demo_sqlite_app):
    """Baltimore has three levels; a group working city-wide is not a district of its own."""
    from spacematch.db.models import Area
    from spacematch.services.projects import create_project
    from spacematch.services.users import create_user

    with demo_sqlite_app.app_context():
        whole = db.session.scalar(select(Area.id).join(City).where(
            City.slug == "baltimore", Area.level == "city"))
        group = create_user(email="citywide@example.org", password="a long passphrase",
                            role="group", display_name="Citywide", system=True)
        pid = create_project(group, "baltimore", {
            "title": "Citywide repair café", "activity": "maker_repair", "participants": 12,
            "preferred_area_ids": [whole], "weekly_hours": "sat 10:00-13:00",
            "status": "open"}).id
    api = client.get("/api/cities/baltimore/plan?min_share=1").get_json()
    rows = [r for r in api["pairings"] + api["unmatched"] if r["project_id"] == pid]
    assert len(rows) == 1 and rows[0]["district"] is None
    page = client.get("/plan?city=baltimore").get_data(as_text=True)
    menu = page[page.index('name="district"'):]
    assert f'value="{whole}"' not in menu[:menu.index("</select>")]
    assert "Baltimore" not in {r["district"] for r in api["pairings"] + api["unmatched"]}
