"""An approved pairing becomes active on its first day, by itself: a timeline step no person
took, an audit event, once, even with several workers looking at once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from spacematch.db.models import AuditEvent, Match, MatchEvent
from spacematch.extensions import db
from spacematch.services.pairing_views import pairing_page
from spacematch.services.pairings import act, start_due

from .test_pairings import agreed, project, world

TODAY = date.today()


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
