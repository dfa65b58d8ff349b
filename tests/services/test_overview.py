"""The city from above: per area, listed floor area per 1,000 residents, open projects,
projects without any candidate and approved pairings, counted from the stored records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from spacematch.db.models import Area, City, Match, Room, Space
from spacematch.domain.errors import NotFound, ValidationError
from spacematch.extensions import db
from spacematch.services import catalogue, overview, versioning
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

SAJIK = {"lon": 126.9687, "lat": 37.5759}  # 사직동, 종로구


def _user(role, n=0):
    return create_user(email=f"{role}{n}@example.org", password="correct horse battery",
                       role=role, display_name=f"{role} {n}", system=True)


def _seoul():
    return catalogue.pick_city("seoul")


def _district(name):
    return db.session.scalar(select(Area).where(Area.name == name, Area.level == "district"))


def _place(owner, m2=120.0, **extra):
    return create_space(owner, {"title": "빈 교실", "owner_kind": "public", **SAJIK,
                                "floor_area_m2": m2, "capacity": 40, "status": "listed",
                                "weekly_hours": "mon-sat 09:00-21:00", "cost_kind": "free",
                                "amenities": ["heating_cooling", "power", "toilets"],
                                **extra}).id


def _project(group, title="모임", **extra):
    data = {"title": title, "activity": "meeting_workshop", "participants": 10, **SAJIK,
            "max_distance_m": 2000, "weekly_hours": "tue 18:00-21:00", "status": "open",
            **extra}
    return create_project(group, "seoul", data).id


def _row(view, area_id):
    return next(a for a in view.areas if a.id == area_id)


def test_every_listed_place_counts_once_in_its_district(demo_app):
    with demo_app.app_context():
        city = _seoul()
        view = overview.city_overview(city)
        assert view.level == "district"
        listed = db.session.execute(
            select(func.count(Space.id), func.sum(Space.floor_area_m2)).join(City)
            .where(City.slug == "seoul", Space.status == "listed")).one()
        assert listed[0] > 0
        assert sum(a.listed_spaces for a in view.areas) == listed[0]
        assert sum(a.floor_m2 for a in view.areas) == pytest.approx(listed[1], abs=1)
        for a in view.areas:
            assert a.floor_per_1000 == pytest.approx(a.floor_m2 / a.population * 1000, abs=0.06)
        districts = db.session.scalar(select(func.count(Area.id)).where(
            Area.city_id == city.id, Area.level == "district"))
        assert len(view.areas) == districts == 25


def test_the_figures_follow_what_is_stored(seoul_app):
    app = seoul_app
    with app.app_context():
        owner, group = _user("owner"), _user("group")
        jongno = _district("종로구").id
        before = _row(overview.city_overview(_seoul()), jongno)
        assert (before.listed_spaces, before.open_projects, before.approved_pairings) == (0, 0, 0)

        place = _place(owner, m2=150)
        fits = _project(group)
        too_big = _project(group, title="대형 행사", participants=5000)
        view = overview.city_overview(_seoul())
        row = _row(view, jongno)
        assert row.listed_spaces == 1 and row.floor_m2 == 150
        assert row.floor_per_1000 == pytest.approx(150 / row.population * 1000, abs=0.06)
        assert row.open_projects == 2
        assert row.without_candidate == 1  # 5,000 people fit in no room of the city

        room = db.session.scalar(select(Room.id).where(Room.space_id == place))
        db.session.add(Match(project_id=fits, space_id=place, room_id=room, status="approved",
                             origin="request", score=0.8))
        db.session.commit()
        row = _row(overview.city_overview(_seoul()), jongno)
        assert row.approved_pairings == 1
        others = [a for a in overview.city_overview(_seoul()).areas if a.id != jongno]
        assert all(a.approved_pairings == 0 and a.open_projects == 0 for a in others)

        page = overview.area_page(jongno)
        assert [s["id"] for s in page["spaces"]] == [place]
        flags = {p["id"]: p["no_candidate"] for p in page["projects"]}
        assert flags == {fits: False, too_big: True}
        assert page["district_id"] == jongno
        assert {c["name"] for c in page["children"]} >= {"사직동", "삼청동"}


def test_a_project_without_a_location_counts_in_each_area_it_chose(seoul_app):
    with seoul_app.app_context():
        group = _user("group")
        jongno, mapo = _district("종로구").id, _district("마포구").id
        _project(group, lon=None, lat=None, max_distance_m=None,
                 preferred_area_ids=[jongno, mapo])
        view = overview.city_overview(_seoul())
        assert {a.id for a in view.areas if a.open_projects} == {jongno, mapo}
        # a row in each area, once in the whole city's total
        assert view.totals["open_projects"] == 1
        # districts chosen say nothing of which neighbourhood: counted in none of them
        fine = overview.city_overview(_seoul(), level="neighbourhood")
        assert sum(a.open_projects for a in fine.areas) == 0


def test_drafts_and_other_cities_count_nowhere(seoul_app):
    with seoul_app.app_context():
        owner, group = _user("owner"), _user("group")
        _place(owner, status="draft")
        _project(group, status="draft")
        view = overview.city_overview(_seoul())
        assert view.totals["listed_spaces"] == 0 and view.totals["open_projects"] == 0


def test_sorting_puts_areas_without_a_figure_last(demo_app):
    with demo_app.app_context():
        view = overview.city_overview(_seoul(), level="neighbourhood", sort="floor_per_1000")
        values = [a.floor_per_1000 for a in view.areas]
        known = [v for v in values if v is not None]
        assert known == sorted(known, reverse=True)
        assert values[:len(known)] == known
        by_name = overview.city_overview(_seoul(), sort="name", descending=False)
        names = [(a.name_en or a.name).lower() for a in by_name.areas]
        assert names == sorted(names)
        up = overview.city_overview(_seoul(), sort="open_projects", descending=False)
        counts = [a.open_projects for a in up.areas]
        assert counts == sorted(counts)


@pytest.mark.parametrize(("field", "kwargs"), [("level", {"level": "galaxy"}),
                                               ("sort", {"sort": "secret"})])
def test_bad_choices_name_their_field(demo_app, field, kwargs):
    with demo_app.app_context():
        with pytest.raises(ValidationError) as caught:
            overview.city_overview(_seoul(), **kwargs)
        assert caught.value.problems[0].field == field
        assert "must be one of" in caught.value.problems[0].problem


def test_an_unknown_area_is_not_found(demo_app):
    with demo_app.app_context(), pytest.raises(NotFound):
        overview.area_page(999_999)


def test_korean_names_sort_in_korean(demo_app):
    with demo_app.app_context():
        view = overview.city_overview(_seoul(), sort="name", descending=False, lang="ko")
        names = [a.name for a in view.areas]
        assert names == sorted(names) and names[0] == "강남구"
        english = overview.city_overview(_seoul(), sort="name", descending=False)
        assert english.areas[0].name_en == "Dobong-gu"


def test_the_overview_searches_again_only_for_what_changed(seoul_app, monkeypatch):
    from spacematch.services.projects import update_project

    searched = []
    real = overview.project_needs
    monkeypatch.setattr(overview, "project_needs",
                        lambda p, crs: searched.append(p.id) or real(p, crs))
    with seoul_app.app_context():
        owner, group = _user("owner"), _user("group")
        jongno = _district("종로구").id
        _place(owner, m2=150)
        fits, too_big = _project(group), _project(group, title="대형 행사", participants=5000)
        assert _row(overview.city_overview(_seoul()), jongno).without_candidate == 1
        assert sorted(searched) == [fits, too_big]
        searched.clear()
        assert _row(overview.city_overview(_seoul()), jongno).without_candidate == 1
        assert searched == []  # nothing changed: the answers are kept
        update_project(group, too_big, {"participants": 20})
        assert _row(overview.city_overview(_seoul()), jongno).without_candidate == 0
        assert searched == [too_big]  # only the project edited
        searched.clear()
        with versioning.locked_write():  # a write that changes no place of this city
            pass
        overview.city_overview(_seoul())
        assert searched == []
        _place(owner, m2=80)  # a new place: every project may fit it, or not
        overview.city_overview(_seoul())
        assert sorted(searched) == [fits, too_big]
