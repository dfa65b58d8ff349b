"""An approved pairing becomes active on its first day, by itself: a timeline step no person
took, an audit event, once, even with several workers looking at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from spacematch.db.models import AuditEvent, Match, MatchEvent, Space
from spacematch.domain import days
from spacematch.domain.days import today_in
from spacematch.extensions import db
from spacematch.services import versioning
from spacematch.services.pairing_views import pairing_page
from spacematch.services.pairings import act, start_due

from .test_pairings import agreed, project, world

TODAY = today_in("Asia/Seoul")  # the world's city's day (ahead of UTC's in the evening)


def _approved(w, starts_on, **data) -> int:
    match = agreed(w, starts_on=starts_on.isoformat() if starts_on else None, **data)
    act(w.official, match, "approve")
    return match


def _status(match_id) -> str:
    db.session.expire_all()
    return db.session.get(Match, match_id).status


def test_a_pairing_starts_on_its_first_day_and_not_before(seoul_app):
    with seoul_app.app_context():
        w = world()
        later = _approved(w, TODAY + timedelta(days=3))
        assert start_due() == [] and _status(later) == "approved"
        assert start_due(TODAY + timedelta(days=2)) == []
        assert start_due(TODAY + timedelta(days=3)) == [later]
        assert _status(later) == "active"
        assert start_due(TODAY + timedelta(days=3)) == []  # once
        step = db.session.scalars(select(MatchEvent).where(MatchEvent.match_id == later)
                                  .order_by(MatchEvent.id.desc())).first()
        assert (step.actor_id, step.from_status, step.to_status) == (None, "approved", "active")
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == later)
                                   .order_by(AuditEvent.id.desc())).first()
        assert (audit.action, audit.actor_id, audit.actor_label) == ("pairing.start", None,
                                                                     "system")
        page = pairing_page(w.group, later)
        assert [(s.actor, s.to_status) for s in page.timeline][-1] == ("system", "active")
        assert page.timeline[-1].actor.ko == "시스템"


def test_a_pairing_naming_no_first_day_starts_at_once_and_undecided_ones_wait(seoul_app):
    with seoul_app.app_context():
        w = world()
        now = _approved(w, None)
        other = project(w.other_group, hours="wed 10:00-12:00", n=1)
        waiting = agreed(w, project_id=other, group=w.other_group,  # accepted, not approved
                         weekly_hours={"wed": ["10:00-12:00"]})
        assert start_due() == [now]
        assert _status(now) == "active" and _status(waiting) == "accepted"


def test_ended_and_cancelled_pairings_are_not_started(seoul_app):
    with seoul_app.app_context():
        w = world()
        short = _approved(w, None, ends_on=(TODAY + timedelta(days=1)).isoformat())
        # its last day has passed by the time anyone looks: nothing to start
        assert start_due(TODAY + timedelta(days=2)) == []
        assert _status(short) == "approved"
        act(w.official, short, "cancel", "the hall is closed for repairs")
        assert start_due() == [] and _status(short) == "cancelled"


def test_the_first_day_is_the_citys_not_the_servers(seoul_app, monkeypatch):
    with seoul_app.app_context():
        w = world()
        match = _approved(w, date(2027, 3, 2))
        # 23:59 on 1 March in Seoul, 14:59 UTC; then midnight in Seoul, still 1 March in UTC
        monkeypatch.setattr(days, "now", lambda: datetime(2027, 3, 1, 14, 59, tzinfo=UTC))
        assert start_due() == [] and _status(match) == "approved"
        monkeypatch.setattr(days, "now", lambda: datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
        assert start_due() == [match] and _status(match) == "active"


def test_marking_started_a_pairing_that_started_itself_is_no_error(seoul_app):
    with seoul_app.app_context():
        w = world()
        match = _approved(w, None)
        assert start_due() == [match]
        steps = db.session.scalar(select(func.count()).select_from(MatchEvent)
                                  .where(MatchEvent.match_id == match))
        assert act(w.owner, match, "start").status == "active"  # a page from before
        assert db.session.scalar(select(func.count()).select_from(MatchEvent)
                                 .where(MatchEvent.match_id == match)) == steps


def test_four_workers_looking_at_once_start_a_pairing_once(seoul_app):
    with seoul_app.app_context():
        match = _approved(world(), None)
    barrier = threading.Barrier(4)
    found: list = [None] * 4

    def look(i):
        with seoul_app.app_context():
            barrier.wait()
            try:
                found[i] = start_due()
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
                db.session.rollback()
                found[i] = exc

    workers = [threading.Thread(target=look, args=(i,)) for i in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(120)
    assert not any(t.is_alive() for t in workers)
    assert not [f for f in found if not isinstance(f, list)], found
    assert sorted(found, key=len) == [[], [], [], [match]], found
    with seoul_app.app_context():
        assert _status(match) == "active"
        assert db.session.scalar(select(func.count()).select_from(MatchEvent).where(
            MatchEvent.match_id == match, MatchEvent.to_status == "active")) == 1


def test_a_city_behind_utc_starts_on_its_own_day_too(seoul_app, monkeypatch):
    def clock(hour, minute=0):
        monkeypatch.setattr(days, "now", lambda: datetime(2027, 3, 2, hour, minute, tzinfo=UTC))

    with seoul_app.app_context():
        w = world()
        db.session.get(Space, w.place).city.timezone = "America/New_York"
        db.session.commit()
        first = _approved(w, date(2027, 3, 2))
        # 04:59 UTC on 2 March is 23:59 on 1 March in New York: not its day yet, though it
        # is already 2 March in UTC (and in Seoul): no lock taken, nothing started
        clock(4, 59)
        version = versioning.current()
        assert start_due() == [] and versioning.current() == version
        last = _approved(w, date(2027, 2, 20), ends_on="2027-03-01",
                         project_id=project(w.group, hours="wed 10:00-12:00", n=3),
                         weekly_hours={"wed": ["10:00-12:00"]})
        # its last day, in New York, though UTC's 1 March has passed
        assert start_due() == [last] and _status(first) == "approved"
        clock(5)
        assert start_due() == [first]


def test_looking_when_nothing_is_due_takes_no_lock(seoul_app, monkeypatch):
    with seoul_app.app_context():
        w = world()
        later = _approved(w, date(2027, 3, 3))
        # 21:00 on 2 March in Seoul: a day somewhere (UTC+14) is already 3 March
        monkeypatch.setattr(days, "now", lambda: datetime(2027, 3, 2, 12, 0, tzinfo=UTC))
        version = versioning.current()
        assert start_due() == [] and versioning.current() == version
        assert _status(later) == "approved"
