"""Accounts: made by an admin or by sign-up, signed in with argon2 hashes (werkzeug hashes
upgraded on the way), passwords changed with the current one."""

import dataclasses

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, select
from werkzeug.security import generate_password_hash

from spacematch.db.models import AuditEvent, Space, User
from spacematch.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from spacematch.extensions import db
from spacematch.services import passwords
from spacematch.services.demo import UNUSABLE_PASSWORD
from spacematch.services.users import (
    UserView,
    authenticate,
    change_password,
    create_user,
    require_record_owner,
    session_user,
    sign_up,
)

GOOD = "a long passphrase"
NEW = "a brand new passphrase"


def _hash(email: str) -> str:
    return db.session.scalar(select(User.password_hash).where(User.email == email))


def _fields(err) -> dict:
    return {p.field: p.problem for p in err.value.problems}


def test_accounts_store_only_an_argon2_hash(backend_app):
    with backend_app.app_context():
        user = create_user(email="Official@Jongno.go.kr", password=GOOD, role="official",
                           display_name="Kim", system=True)
        assert isinstance(user, UserView) and dataclasses.is_dataclass(user)
        assert user.email == "official@jongno.go.kr" and user.role == "official"
        stored = _hash("official@jongno.go.kr")
        assert stored.startswith("$argon2id$") and GOOD not in stored
        assert db.session.scalar(select(AuditEvent.actor_label)) == "command line"


def test_every_bad_field_is_named(app):
    with app.app_context(), pytest.raises(ValidationError) as err:
        create_user(email="nope", password="short", role="mayor", display_name=" ", system=True)
    assert set(_fields(err)) == {"email", "password", "role", "display_name"}


def test_duplicates_and_unauthorised_creators_are_refused(app):
    with app.app_context():
        owner = create_user(email="o@x.org", password=GOOD, role="owner",
                            display_name="O", system=True)
        with pytest.raises(Conflict):
            create_user(email="O@x.org", password=GOOD, role="owner",
                        display_name="O2", system=True)
        with pytest.raises(PermissionDenied):
            create_user(email="a@x.org", password=GOOD, role="admin",
                        display_name="A", actor=owner)
        assert db.session.scalar(select(User.id).where(User.email == "a@x.org")) is None


def test_an_admin_makes_officials(app):
    with app.app_context():
        admin = create_user(email="admin@x.org", password=GOOD, role="admin",
                            display_name="Admin", system=True)
        official = create_user(email="kim@seoul.go.kr", password=GOOD, role="official",
                               display_name="Kim", actor=admin)
        assert official.role == "official"
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.actor_id, event.action, event.entity_id) == (admin.id, "create",
                                                                   official.id)


def test_sign_up_makes_groups_and_owners_only(backend_app):
    with backend_app.app_context():
        group = sign_up(email=" Choir@Example.org ", password=GOOD, role="group",
                        display_name=" Mapo choir ", organisation="")
        assert (group.email, group.role, group.display_name, group.organisation) == \
            ("choir@example.org", "group", "Mapo choir", None)
        owner = sign_up(email="hall@example.org", password=GOOD, role="owner",
                        display_name="Hall", organisation="Jongno-gu office")
        assert owner.organisation == "Jongno-gu office"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == group.id))
        assert (event.action, event.actor_id) == ("sign_up", group.id)
        for role in ("official", "admin", "mayor"):
            with pytest.raises(ValidationError) as err:
                sign_up(email=f"{role}@example.org", password=GOOD, role=role,
                        display_name="X")
            assert "made by an administrator" in _fields(err)["role"]
        assert db.session.scalar(select(User.id).where(User.email == "official@example.org")) \
            is None


def test_sign_up_names_a_taken_email_on_its_field(backend_app):
    with backend_app.app_context():
        sign_up(email="choir@example.org", password=GOOD, role="group", display_name="Choir")
        with pytest.raises(ValidationError) as err:
            sign_up(email="CHOIR@example.org", password="another passphrase", role="owner",
                    display_name="Someone else")
        assert _fields(err) == {"email": "an account with this e-mail address already exists"}
        with pytest.raises(ValidationError) as err:  # named with the other problems
            sign_up(email="choir@example.org", password="short", role="owner",
                    display_name="Someone else")
        assert set(_fields(err)) == {"email", "password"}


@pytest.mark.parametrize("password, problem", [
    ("short", "at least 10 characters"),
    ("Password123", "most used passwords"),
    ("1234567890", "most used passwords"),
    ("aaaaaaaaaaaa", "too few different characters"),
    ("choir@example.org", "e-mail address or name"),
    ("x" * 1025, "at most 1024 characters"),
])
def test_weak_passwords_are_named(app, password, problem):
    with app.app_context(), pytest.raises(ValidationError) as err:
        sign_up(email="choir@example.org", password=password, role="group", display_name="Choir")
    assert problem in _fields(err)["password"]


def test_text_longer_than_its_column_is_a_field_problem_not_a_database_error(backend_app):
    with backend_app.app_context(), pytest.raises(ValidationError) as err:
        sign_up(email="choir@example.org", password=GOOD, role="group", display_name="C" * 121,
                organisation="O" * 201)
    assert set(_fields(err)) == {"display_name", "organisation"}


def test_authenticate_answers_only_the_right_password(backend_app):
    with backend_app.app_context():
        made = sign_up(email="choir@example.org", password=GOOD, role="group",
                       display_name="Choir")
        assert authenticate(" Choir@Example.org", GOOD) == made
        assert authenticate("choir@example.org", "a wrong passphrase") is None
        assert authenticate("nobody@example.org", GOOD) is None
        assert authenticate("not an address", GOOD) is None
        assert authenticate("choir@example.org", "") is None


def test_an_unknown_email_costs_one_argon2_check_like_a_known_one(app, monkeypatch):
    with app.app_context():
        sign_up(email="choir@example.org", password=GOOD, role="group", display_name="Choir")
        checks = []

        class Spy:
            def __getattr__(self, name):
                return getattr(real, name)

            def verify(self, stored, password):
                checks.append(stored)
                return real.verify(stored, password)

        real = passwords._hasher
        monkeypatch.setattr(passwords, "_hasher", Spy())
        for email in ("choir@example.org", "nobody@example.org", "not an address"):
            assert authenticate(email, "a wrong passphrase") is None
        assert len(checks) == 3 and all(c.startswith("$argon2id$") for c in checks)


def test_inactive_and_demo_accounts_cannot_sign_in(app):
    with app.app_context():
        sign_up(email="gone@example.org", password=GOOD, role="owner", display_name="Gone")
        db.session.execute(User.__table__.update().where(User.email == "gone@example.org")
                           .values(is_active=False))
        db.session.add(User(email="demo@example.org", password_hash=UNUSABLE_PASSWORD,
                            role="owner", display_name="Demo", is_demo=True))
        db.session.commit()
        assert authenticate("gone@example.org", GOOD) is None
        assert authenticate("demo@example.org", UNUSABLE_PASSWORD) is None
        assert authenticate("demo@example.org", "") is None


def test_a_werkzeug_hash_is_replaced_by_argon2_at_the_next_sign_in(backend_app):
    with backend_app.app_context():
        old = generate_password_hash(GOOD)
        assert old.startswith("scrypt:")
        db.session.add(User(email="old@example.org", password_hash=old, role="group",
                            display_name="Old"))
        db.session.commit()
        assert authenticate("old@example.org", "a wrong passphrase") is None
        assert _hash("old@example.org") == old  # a wrong password changes nothing
        assert authenticate("old@example.org", GOOD) is not None
        upgraded = _hash("old@example.org")
        assert upgraded.startswith("$argon2id$")
        assert authenticate("old@example.org", GOOD) is not None
        assert _hash("old@example.org") == upgraded  # a current hash is kept


def test_an_argon2_hash_with_weaker_parameters_is_replaced(app):
    with app.app_context():
        weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD)
        db.session.add(User(email="weak@example.org", password_hash=weak, role="group",
                            display_name="Weak"))
        db.session.commit()
        assert authenticate("weak@example.org", GOOD) is not None
        stored = _hash("weak@example.org")
        assert stored != weak and passwords.verify(stored, GOOD) == (True, None)


def test_change_password_needs_the_current_one(backend_app):
    with backend_app.app_context():
        user = sign_up(email="choir@example.org", password=GOOD, role="group",
                       display_name="Choir")
        with pytest.raises(ValidationError) as err:
            change_password(user, "not my password", "a brand new passphrase")
        assert _fields(err) == {"current_password": "is not your current password"}
        with pytest.raises(ValidationError) as err:
            change_password(user, GOOD, "short")
        assert "at least 10" in _fields(err)["new_password"]
        with pytest.raises(ValidationError) as err:
            change_password(user, GOOD, GOOD)
        assert _fields(err) == {"new_password": "must differ from the current password"}
        assert authenticate("choir@example.org", GOOD) == user  # nothing changed yet

        changed = change_password(user, GOOD, "a brand new passphrase")
        assert authenticate("choir@example.org", GOOD) is None
        assert authenticate("choir@example.org", "a brand new passphrase") == changed
        # sessions made with the old password end; the new token works
        assert changed.session_token != user.session_token
        assert session_user(user.id, user.session_token) is None
        assert session_user(user.id, changed.session_token) == changed
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.entity_id == user.id).order_by(AuditEvent.id.desc())) == \
            "change_password"


def test_change_password_needs_a_signed_in_actor(app):
    with app.app_context(), pytest.raises(PermissionDenied):
        change_password(None, GOOD, "a brand new passphrase")


def test_role_checks_take_the_plain_account(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        owner = create_user(email="owner@example.org", password=GOOD, role="owner",
                            display_name="Owner", system=True)
        other = create_user(email="other@example.org", password=GOOD, role="owner",
                            display_name="Other", system=True)
        space = db.session.scalar(select(Space).where(Space.status == "listed"))
        space.owner_id = owner.id
        db.session.commit()
        args = (Space, space.id, "owner_id", "space")
        assert require_record_owner(owner, "owner", *args).id == space.id
        with pytest.raises(PermissionDenied):
            require_record_owner(other, "owner", *args)
        with pytest.raises(NotFound):
            require_record_owner(owner, "owner", Space, 99_999_999, "owner_id", "space")
        inactive = dataclasses.replace(owner, is_active=False)
        with pytest.raises(PermissionDenied):
            require_record_owner(inactive, "owner", *args)


def test_a_password_change_during_a_sign_in_is_not_undone_by_its_hash_upgrade(
        backend_app, monkeypatch):
    """A sign-in with the old (werkzeug-hashed) password verifies it; before it stores the
    upgraded hash, the owner changes the password elsewhere. The change stands."""
    with backend_app.app_context():
        db.session.add(User(email="old@example.org", password_hash=generate_password_hash(GOOD),
                            role="group", display_name="Old"))
        db.session.commit()
        real_verify = passwords.verify

        def verify_then_changed_elsewhere(stored, password):
            answer = real_verify(stored, password)
            with db.engine.begin() as other:  # another request, another connection
                other.execute(User.__table__.update().where(User.email == "old@example.org")
                              .values(password_hash=passwords.hash_password(NEW)))
            return answer

        monkeypatch.setattr(passwords, "verify", verify_then_changed_elsewhere)
        assert authenticate("old@example.org", GOOD) is None  # no longer the password
        monkeypatch.setattr(passwords, "verify", real_verify)
        db.session.rollback()
        assert _hash("old@example.org").startswith("$argon2id$")
        assert authenticate("old@example.org", GOOD) is None
        assert authenticate("old@example.org", NEW) is not None


@pytest.mark.parametrize("stored", [
    "pbkdf2:sha256:x$salt$abc", "pbkdf2:nosuchdigest:1000$salt$abc", "scrypt:1:2:3$s$h",
    "scrypt:x$s$h", "$argon2id$v=19$m=1,t=1,p=1$$",
])
def test_a_malformed_stored_hash_matches_nothing(app, stored):
    assert passwords.verify(stored, GOOD) == (False, None)
    assert passwords.verify(stored, "") == (False, None)
    with app.app_context():
        db.session.add(User(email="odd@example.org", password_hash=stored, role="group",
                            display_name="Odd"))
        db.session.commit()
        assert authenticate("odd@example.org", GOOD) is None


CONTROL = ["\x00", "\x07", "\t", "\n", "\x1f", "\x7f"]


@pytest.mark.parametrize("char", CONTROL, ids=[f"{ord(c):02x}" for c in CONTROL])
def test_control_characters_are_refused_in_every_field(backend_app, char):
    with backend_app.app_context():
        with pytest.raises(ValidationError) as err:
            sign_up(email=f"ch{char}oir@example.org", password=f"a long{char}passphrase",
                    role="group", display_name=f"Mapo{char}choir",
                    organisation=f"Mapo{char}arts")
        assert _fields(err) == dict.fromkeys(
            ("email", "password", "display_name", "organisation"),
            "must not contain control characters")
        with pytest.raises(ValidationError) as err:
            create_user(email="kim@seoul.go.kr", password=GOOD, role="official",
                        display_name="Kim", contact=f"010{char}1234", system=True)
        assert _fields(err) == {"contact": "must not contain control characters"}
        assert db.session.scalar(select(User.id)) is None

        user = sign_up(email="choir@example.org", password=GOOD, role="group",
                       display_name="Choir")
        with pytest.raises(ValidationError) as err:
            change_password(user, GOOD, f"a brand new{char}passphrase")
        assert _fields(err) == {"new_password": "must not contain control characters"}
        assert authenticate("choir@example.org", GOOD) == user


def test_an_email_with_control_characters_matches_nothing_without_a_query(backend_app):
    with backend_app.app_context():
        sign_up(email="choir@example.org", password=GOOD, role="group", display_name="Choir")
        queries = []

        def count(conn, cursor, statement, *rest):
            queries.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert authenticate("choir\x00@example.org", GOOD) is None
            assert authenticate("choir@example.org\x7f", GOOD) is None
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert queries == []
