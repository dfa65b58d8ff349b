"""Matching through the service: explained suggestions, backends agree, indexes stay fresh."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sqlalchemy import select

from spacematch import create_app
from spacematch.db.models import City, Project, Space
from spacematch.domain.scoring import CRITERIA
from spacematch.extensions import db
from spacematch.services import matching
from spacematch.services.spaces import create_space, update_space
from spacematch.services.users import create_user


def _seoul_projects():
    return db.session.scalars(select(Project.id).join(City).where(City.slug == "seoul")
                              .order_by(Project.id)).all()


def test_suggestions_are_explained_and_consistent(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        served = 0
        for pid in _seoul_projects():
            _, suggestions = matching.suggest_spaces(pid, k=5)
            served += bool(suggestions)
            scores = [s.score for s in suggestions]
            assert scores == sorted(scores, reverse=True)
            for s in suggestions:
                assert [ln["criterion"] for ln in s.explanation] == list(CRITERIA)
                assert all(ln["en"] and ln["ko"] for ln in s.explanation)
                pair = matching.explain_pair(pid, s.space_id)
                assert pair["passes"] and pair["score"] == pytest.approx(s.score)
        assert served >= 12


def test_why_not_names_failed_constraints(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        project = db.session.get(Project, _seoul_projects()[0])  # Jongno kitchen, 1.5 km
        far = db.session.scalar(select(Space).join(City).where(City.slug == "seoul",
                                                               Space.title.like("%강남%")))
        answer = matching.explain_pair(project.id, far.id)
        assert not answer["passes"] and "distance" in answer["failed"]
        assert any("km" in ln["en"] and "초과" in ln["ko"] for ln in answer["why_not"])
        other_city = db.session.scalar(select(Space).join(City).where(City.slug == "baltimore"))
        assert matching.explain_pair(project.id, other_city.id)["failed"] == ["listing"]


def test_both_backends_rank_identically(spatialite_templates, postgis_templates):
    rankings = []
    for templates in (spatialite_templates, postgis_templates):
        url = templates.clone("demo")
        app = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True})
        with app.app_context():
            ranking = {}
            for pid in db.session.scalars(select(Project.id).order_by(Project.id)):
                _, sugg = matching.suggest_spaces(pid, k=20)
                ranking[pid] = [(s.space_id, round(s.score, 12)) for s in sugg]
            rankings.append(ranking)
            db.session.remove()
            db.engine.dispose()
        templates.drop(url)
    assert sum(len(v) for v in rankings[0].values()) > 100
    assert rankings[0] == rankings[1]


def _fitting_space(project: Project) -> dict:
    from geoalchemy2.shape import to_shape

    pt = to_shape(project.preferred_location)
    return {"title": "New community room", "owner_kind": "public", "lon": pt.x + 0.0005,
            "lat": pt.y, "floor_area_m2": (project.area_min_m2 + project.area_max_m2) / 2,
            "capacity": project.participants + 5, "floor_level": 0,
            "accessibility": ["step_free", "lift", "accessible_toilet", "disabled_parking"],
            "amenities": ["kitchen", "water", "toilets", "heating_cooling", "storage", "power",
                          "internet", "sound_insulation", "outdoor_space"],
            "weekly_hours": project.weekly_hours, "status": "listed"}


SUBPROCESS = """
import json, sys
from spacematch import create_app
from spacematch.extensions import db
from spacematch.services import matching
app = create_app({"SPACEMATCH_DATABASE_URL": sys.argv[1]})
with app.app_context():
    print(json.dumps([s.space_id for s in matching.suggest_spaces(int(sys.argv[2]), 3)[1]]))
"""


def test_indexes_in_other_processes_follow_changes(demo_sqlite_app):
    url = demo_sqlite_app.config["SPACEMATCH_DATABASE_URL"]
    other = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True})  # a second server

    def top_elsewhere(pid):
        with other.app_context():
            return [s.space_id for s in matching.suggest_spaces(pid, 3)[1]]

    def top_in_new_process(pid):
        out = subprocess.run([sys.executable, "-c", SUBPROCESS, url, str(pid)],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    with demo_sqlite_app.app_context():
        pid = _seoul_projects()[0]
        project = db.session.get(Project, pid)
        before = top_elsewhere(pid)
        owner = create_user(email="owner@jongno.go.kr", password="a long passphrase",
                            role="owner", display_name="Jongno", system=True)
        space = create_space(owner, _fitting_space(project))
        assert top_elsewhere(pid)[0] == space.id
        assert top_in_new_process(pid)[0] == space.id
        update_space(owner, space.id, {"status": "archived"})
        assert top_elsewhere(pid) == before
        assert space.id not in top_in_new_process(pid)


def test_district_plan_never_double_books(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        city = db.session.scalar(select(City).where(City.slug == "seoul"))
        view = matching.plan_city(city)
        plan, projects = view.plan, view.projects
        assert plan.status == "optimal" and len(plan.pairings) >= 12
        assert all(len(p["explanation"]) == 7 and p["district"] for p in view.pairings)
        ci = matching.city_index(city)
        slots = {pid: matching.project_needs(p, ci.crs).slots for pid, p in projects.items()}
        for a in plan.pairings:
            assert matching.explain_pair(a.project, a.space)["passes"]
            for b in plan.pairings:
                if a is not b and a.space == b.space:
                    assert not np.any(slots[a.project] & slots[b.project])
        assert set(plan.unmatched) | {c.project for c in plan.pairings} == set(projects)
        assert all(reason for reason in plan.unmatched.values())


def test_fairness_rules_report_their_cost(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        city = db.session.scalar(select(City).where(City.slug == "seoul"))
        plain = matching.plan_city(city)
        fair = matching.plan_city(city, vulnerable_priority=3.0, min_share=1.0)
        assert fair.plan.status == "optimal"
        assert fair.plan.fairness_cost == pytest.approx(plain.plan.total - fair.plan.total)
        assert fair.plan.fairness_cost >= 0


def test_a_project_may_set_its_own_priorities(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        pid = _seoul_projects()[1]
        project = db.session.get(Project, pid)
        default_top = [s.space_id for s in matching.suggest_spaces(pid, 10)[1]]
        project.weights = {"cost": 0, "transit": 5.0}
        db.session.commit()
        _, reweighted = matching.suggest_spaces(pid, 10)
        total = 0.2 + 0.2 + 5.0 + 0.15 + 0.1 + 0.1  # defaults, transit 5, cost 0
        assert reweighted[0].explanation[2]["weight"] == pytest.approx(5.0 / total)
        transit = [s.explanation[2]["score"] for s in reweighted]
        assert [s.space_id for s in reweighted] != default_top
        assert transit[0] >= transit[-1]
