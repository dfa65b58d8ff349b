import pytest
from sqlalchemy import select

from spacematch.db.models import AuditEvent, User
from spacematch.domain.errors import Conflict, PermissionDenied, ValidationError
from spacematch.extensions import db
from spacematch.services.users import create_user


def test_accounts_store_only_a_password_hash(app):
    with app.app_context():
        user = create_user(email="Official@Jongno.go.kr", password="a long passphrase",
                           role="official", display_name="Kim", system=True)
        assert user.email == "official@jongno.go.kr"
        assert "a long passphrase" not in user.password_hash
        assert db.session.scalar(select(AuditEvent.actor_label)) == "command line"


def test_every_bad_field_is_named(app):
    with app.app_context(), pytest.raises(ValidationError) as err:
        create_user(email="nope", password="short", role="mayor", display_name=" ", system=True)
    assert {p.field for p in err.value.problems} == {"email", "password", "role", "display_name"}


def test_duplicates_and_unauthorised_creators_are_refused(app):
    with app.app_context():
        owner = create_user(email="o@x.org", password="0123456789", role="owner",
                            display_name="O", system=True)
        with pytest.raises(Conflict):
            create_user(email="O@x.org", password="0123456789", role="owner",
                        display_name="O2", system=True)
        with pytest.raises(PermissionDenied):
            create_user(email="a@x.org", password="0123456789", role="admin",
                        display_name="A", actor=owner)
        assert db.session.scalar(select(User.id).where(User.email == "a@x.org")) is None
