"""Matching through the service: explained suggestions, backends agree, indexes stay fresh."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from geoalchemy2.shape import to_shape
from sqlalchemy import select, update

from spacematch import create_app
from spacematch.db.models import City, Project, Space
from spacematch.domain.index import SpaceIndex
from spacematch.domain.scoring import CRITERIA
from spacematch.extensions import db
from spacematch.services import indexes, matching, plans, versioning
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
        view = plans.plan_city(city)
        plan, projects = view.plan, view.projects
        assert plan.status == "optimal" and len(plan.pairings) >= 12
        assert all(len(p["explanation"]) == 7 and p["district"] for p in view.pairings)
        ci = indexes.city_index(city)
        slots = {pid: matching.project_needs(db.session.get(Project, pid), ci.crs).slots
                 for pid in projects}
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
        plain = plans.plan_city(city)
        fair = plans.plan_city(city, vulnerable_priority=3.0, min_share=1.0)
        assert fair.plan.status == "optimal"
        assert fair.plan.fairness_cost == pytest.approx(plain.plan.total - fair.plan.total)
        assert fair.plan.fairness_cost >= 0


def test_a_project_may_set_its_own_priorities(demo_sqlite_app):
    """A group that cares only about transit sees the spaces nearest transit first."""
    def transit(s):
        return next(ln for ln in s.explanation if ln["criterion"] == "transit")["score"]

    with demo_sqlite_app.app_context():
        pid = _seoul_projects()[1]
        default = matching.suggest_spaces(pid, 10)[1]
        project = db.session.get(Project, pid)
        project.weights = {"area": 0, "distance": 0, "availability": 0, "cost": 0,
                           "amenities": 0, "need": 0, "transit": 1.0}
        db.session.commit()
        reweighted = matching.suggest_spaces(pid, 10)[1]
        assert [s.space_id for s in reweighted] != [s.space_id for s in default]
        scores = [transit(s) for s in reweighted]
        assert scores == sorted(scores, reverse=True)
        # every default suggestion passes the same hard constraints, so none beats the new top
        assert scores[0] >= max(transit(s) for s in default)
        cost = next(ln for ln in reweighted[0].explanation if ln["criterion"] == "cost")
        assert not cost["weight"]  # a weight of 0 leaves cost out of the fit


# -- one index snapshot per request ---------------------------------------------------------
def _seoul():
    return db.session.scalar(select(City).where(City.slug == "seoul"))


def _archive_from_another_request(app, space_ids):
    """What a concurrent request of this process does: spaces leave the catalogue, and the
    shared per-process index catches up with the database."""
    with app.app_context():
        version = versioning.bump()
        db.session.execute(update(Space).where(Space.id.in_(list(space_ids)))
                           .values(status="archived", row_version=version))
        db.session.commit()
        indexes.city_index(_seoul())


def _interrupt_after_first(monkeypatch, app, method, ids_of):
    """Patch ``SpaceIndex.<method>`` so that, right after its first useful call, another
    request removes the spaces it returned: the rest of this request must not notice."""
    original = getattr(SpaceIndex, method)
    done = []

    def wrapped(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        ids = ids_of(result, args)
        if not done and ids:
            done.append(ids)
            _archive_from_another_request(app, ids)
        return result

    monkeypatch.setattr(SpaceIndex, method, wrapped)
    return done


def test_suggestions_keep_one_index_while_the_catalogue_changes(demo_sqlite_app, monkeypatch):
    with demo_sqlite_app.app_context():
        pid = _seoul_projects()[0]
        before = matching.suggest_spaces(pid, 5)[1]
        removed = _interrupt_after_first(monkeypatch, demo_sqlite_app, "search",
                                         lambda hits, _: [h.space_id for h in hits])
        during = matching.suggest_spaces(pid, 5)[1]
        assert removed and during == before  # the request saw the catalogue as it began
        monkeypatch.undo()
        after = matching.suggest_spaces(pid, 5)[1]
        assert not {s.space_id for s in after} & set(removed[0])


def test_why_not_keeps_one_index_while_the_catalogue_changes(demo_sqlite_app, monkeypatch):
    with demo_sqlite_app.app_context():
        pid = _seoul_projects()[0]
        sid = matching.suggest_spaces(pid, 1)[1][0].space_id
        before = matching.explain_pair(pid, sid)
        removed = _interrupt_after_first(monkeypatch, demo_sqlite_app, "evaluate_place",
                                         lambda ev, args: [args[0]] if ev is not None else [])
        assert matching.explain_pair(pid, sid) == before and removed == [[sid]]
        monkeypatch.undo()
        assert matching.explain_pair(pid, sid)["failed"] == ["listing"]


def test_a_plan_keeps_one_index_while_the_catalogue_changes(demo_sqlite_app, monkeypatch):
    with demo_sqlite_app.app_context():
        before = plans.plan_city(_seoul())
        removed = _interrupt_after_first(monkeypatch, demo_sqlite_app, "search",
                                         lambda hits, _: [h.space_id for h in hits])
        during = plans.plan_city(_seoul())
        assert removed
        assert during.pairings == before.pairings and during.unmatched == before.unmatched
        monkeypatch.undo()
        after = plans.plan_city(_seoul())
        assert not {p["space_id"] for p in after.pairings} & set(removed[0])


# -- why nothing fits -----------------------------------------------------------------------
NEARBY = re.compile(r"capacity \((\d+) of (\d+) rooms nearby\)")


def test_why_nothing_fits_counts_a_newly_listed_space(demo_sqlite_app):
    from spacematch.services.projects import create_project

    with demo_sqlite_app.app_context():
        kitchen = db.session.get(Project, _seoul_projects()[0])
        pt = to_shape(kitchen.preferred_location)
        group = create_user(email="choir@example.org", password="a long passphrase",
                            role="group", display_name="Choir", system=True)
        pid = create_project(group, "seoul", {
            "title": "대형 합창 연습", "activity": "arts_studio", "participants": 400,
            "lon": pt.x, "lat": pt.y, "max_distance_m": 800,
            "weekly_hours": "sun 10:00-12:00", "status": "open"}).id

        def counts():
            reasons = [u["reason"] for u in plans.plan_city(_seoul()).unmatched
                       if u["project_id"] == pid]
            found = NEARBY.search(reasons[0])
            assert found, reasons
            return int(found[1]), int(found[2])

        failed, nearby = counts()  # builds this process's index first
        owner = create_user(email="owner@jongno.go.kr", password="a long passphrase",
                            role="owner", display_name="Jongno", system=True)
        create_space(owner, {**_fitting_space(kitchen), "capacity": 20, "lon": pt.x + 0.001})
        assert counts() == (failed + 1, nearby + 1)
