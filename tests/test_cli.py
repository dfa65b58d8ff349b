"""The ``spacematch`` command line."""

from pathlib import Path

from sqlalchemy import func, select

from spacematch.cli import main
from spacematch.db.models import Area, User
from spacematch.extensions import db

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_command_has_help(runner):
    for cmd in ("init-db", "create-user", "load-reference", "load-demo", "serve"):
        result = runner.invoke(main, [cmd, "--help"])
        assert result.exit_code == 0, result.output
        assert len(result.output.splitlines()) > 3


def test_create_user_makes_an_official(runner, app):
    result = runner.invoke(main, ["create-user", "--email", "kim@seoul.go.kr", "--role",
                                  "official", "--name", "Kim", "--password", "a good passphrase"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "kim@seoul.go.kr")) == \
            "official"


def test_create_user_reports_bad_fields(runner):
    result = runner.invoke(main, ["create-user", "--email", "x", "--role", "admin", "--name",
                                  "X", "--password", "short"])
    assert result.exit_code == 1
    assert "email:" in result.output and "password:" in result.output


def test_load_reference_and_demo(runner, app):
    result = runner.invoke(main, ["load-demo", "--data", str(DATA)])
    assert result.exit_code == 1 and "load-reference" in result.output
    result = runner.invoke(main, ["load-reference", str(DATA / "baltimore")])
    assert result.exit_code == 0, result.output
    assert "278 neighbourhood areas" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Area.id))) == 335


def test_init_db_is_repeatable(runner):
    for _ in range(2):
        result = runner.invoke(main, ["init-db"])
        assert result.exit_code == 0 and "up to date" in result.output


def test_start_due_pairings_says_how_many_it_started(runner, monkeypatch):
    result = runner.invoke(main, ["start-due-pairings"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 pairing(s) started"  # an empty database: none due
    from spacematch.services import pairings

    monkeypatch.setattr(pairings, "start_due", lambda: [7, 9])
    assert runner.invoke(main, ["start-due-pairings"]).output.strip() == \
        "2 pairing(s) started: [7, 9]"
