"""Groups describe projects; bad input is named and loses nothing; only the group may edit."""

import pytest
from sqlalchemy import select

from spacematch.db.models import Area, AuditEvent, Project
from spacematch.domain.errors import PermissionDenied, ValidationError
from spacematch.extensions import db
from spacematch.services import matching
from spacematch.services.projects import create_project, update_project
from spacematch.services.users import create_user

REPAIR = {"title": "수리 카페", "title_en": "Repair café", "activity": "maker_repair",
          "participants": 12, "lon": 126.9233, "lat": 37.5563, "max_distance_m": 2000,
          "weekly_hours": "sat 10:00-16:00", "budget_kind": "hourly", "budget_amount": 20000,
          "status": "open"}


def _user(role, email=None):
    return create_user(email=email or f"{role}@example.org", password="a long passphrase",
                       role=role, display_name=role, system=True)


def test_a_group_describes_a_project_and_gets_suggestions(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        group = _user("group")
        project = create_project(group, "seoul", REPAIR)
        assert project.currency == "KRW" and project.weekly_hours == {"sat": ["10:00-16:00"]}
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.entity == "project", AuditEvent.entity_id == project.id)) == "create"
        _, suggestions = matching.suggest_spaces(project.id, 5)
        assert suggestions


def test_only_groups_may_describe_and_only_their_own(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        with pytest.raises(PermissionDenied):
            create_project(_user("owner"), "seoul", REPAIR)
        project = create_project(_user("group"), "seoul", REPAIR)
        with pytest.raises(PermissionDenied):
            update_project(_user("group", "other@example.org"), project.id, {"participants": 3})
        assert update_project(_user("admin"), project.id, {"participants": 30}).participants == 30


def test_bad_edits_are_named_and_change_nothing(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        group = _user("group")
        project = create_project(group, "seoul", REPAIR)
        with pytest.raises(ValidationError) as err:
            update_project(group, project.id, {"participants": 0, "weekly_hours": "sat 16-10",
                                               "weights": {"glamour": 1}})
        assert {p.field for p in err.value.problems} == {"participants", "weekly_hours",
                                                         "weights"}
        db.session.rollback()
        fresh = db.session.get(Project, project.id)
        assert fresh.participants == 12 and fresh.weekly_hours == {"sat": ["10:00-16:00"]}
        baltimore_area = db.session.scalar(select(Area.id).where(Area.code == "abell"))
        with pytest.raises(ValidationError) as err:
            update_project(group, project.id, {"preferred_area_ids": [baltimore_area],
                                               "participants": 99})
        assert err.value.problems[0].field == "preferred_area_ids"
        db.session.rollback()
        assert db.session.get(Project, project.id).participants == 12
        with pytest.raises(ValidationError) as err:
            create_project(group, "atlantis", REPAIR)
        assert err.value.problems[0].field == "city"
