"""Officials approving at the same moment never leave two approved pairings on the same hours
of a room: approvals run under the catalogue lock, so each sees every approval before it."""

import threading

import pytest
from sqlalchemy import select

from spacematch.db.models import Match, MatchEvent
from spacematch.domain.errors import Conflict
from spacematch.domain.schedule import slot_count
from spacematch.extensions import db
from spacematch.services.bookings import held_slots
from spacematch.services.pairings import act

from .test_pairings import agreed, project, world

N = 16


def _approve_at_once(app, official, matches: list[int]) -> list:
    """Each approval in its own thread and session, all released together."""
    barrier = threading.Barrier(len(matches))
    outcomes: list = [None] * len(matches)

    def run(i, match):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = act(official, match, "approve").status
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
                db.session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate(matches)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "an approval never finished"
    return outcomes


def _pairings(hours: list[str]) -> tuple:
    """N accepted pairings of the studio, each of its own project, at ``hours[i]``."""
    w = world()
    matches = [agreed(w, project_id=project(w.group, n=i), weekly_hours=h)
               for i, h in enumerate(hours)]
    return w, matches


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _statuses(matches: list[int]) -> list[str]:
    db.session.expire_all()
    by_id = dict(db.session.execute(select(Match.id, Match.status)
                                    .where(Match.id.in_(matches))).all())
    return [by_id[m] for m in matches]


@pytest.mark.postgis
def test_sixteen_clashing_approvals_at_once_approve_exactly_one(seoul_app):
    # every one holds Tuesday 20:00-20:30, whatever else it holds
    starts, ends = ("18:00", "18:30", "19:00", "19:30"), ("20:30", "21:00")
    hours = [f"tue {starts[i % 4]}-{ends[i // 4 % 2]}" for i in range(N)]
    with seoul_app.app_context():
        w, matches = _pairings(hours)
        events = len(db.session.scalars(select(MatchEvent.id)).all())
    outcomes = _approve_at_once(seoul_app, w.official, matches)

    winners = [m for m, o in zip(matches, outcomes, strict=True) if o == "approved"]
    assert len(winners) == 1, outcomes
    losers = [o for o in outcomes if o != "approved"]
    assert len(losers) == N - 1
    for refused in losers:
        assert isinstance(refused, Conflict), refused
        assert f"conflicts with pairing {winners[0]} " in refused.message
    with seoul_app.app_context():
        statuses = _statuses(matches)
        assert statuses.count("approved") == 1 and statuses.count("accepted") == N - 1
        assert len(db.session.scalars(select(MatchEvent.id)).all()) == events + 1


@pytest.mark.postgis
def test_sixteen_approvals_of_other_half_hours_all_go_through(seoul_app):
    # Monday and Tuesday, 09:00-13:00, half an hour each: neighbours touch, none overlaps
    hours = [f"{('mon', 'tue')[i % 2]} {_hhmm(540 + i // 2 * 30)}-{_hhmm(570 + i // 2 * 30)}"
             for i in range(N)]
    assert len(set(hours)) == N
    with seoul_app.app_context():
        w, matches = _pairings(hours)
    outcomes = _approve_at_once(seoul_app, w.official, matches)

    assert outcomes == ["approved"] * N
    with seoul_app.app_context():
        assert _statuses(matches) == ["approved"] * N
        city = db.session.get(Match, matches[0]).space.city_id
        held = held_slots(city)[0][w.place][w.studio]
        assert int(slot_count(held)) == N  # sixteen half hours, each held once
