"""The ``spacematch`` command: set up the database, load data, make accounts, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from . import create_app
from .domain.errors import SpacematchError


def _fail(exc: SpacematchError) -> None:
    click.secho(f"Error: {exc.message}", fg="red", err=True)
    sys.exit(1)


def _print_report(report) -> None:
    for i, line in enumerate(report.lines(limit=30)):
        click.echo(line) if i else click.secho(line, bold=True)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """spacematch: match empty spaces to citizen-led community projects.

    Configuration comes from SPACEMATCH_* environment variables (see README.md).
    """


@main.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (runs every Alembic migration)."""
    from .services.database import upgrade_schema

    click.echo(f"Database: {upgrade_schema()}")
    click.echo("Schema is up to date.")


@main.command("create-user")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--role", required=True, type=click.Choice(["group", "owner", "official", "admin"]),
              help="What the account may do.")
@click.option("--name", "display_name", required=True, help="Name shown to others.")
@click.option("--organisation", default=None, help="Group, agency or company.")
@click.option("--contact", default=None, help="Phone or other contact detail.")
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create_user_cmd(email, role, display_name, organisation, contact, password) -> None:
    """Create an account of any role; this is how the first official and admin are made."""
    from .services.database import require_schema
    from .services.users import create_user

    try:
        require_schema()
        user = create_user(email=email, password=password, role=role, display_name=display_name,
                           organisation=organisation, contact=contact, system=True)
    except SpacematchError as exc:
        _fail(exc)
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")


@main.command("load-reference")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Store nothing if any row is rejected.")
@with_appcontext
def load_reference_cmd(folder: Path, strict: bool) -> None:
    """Load a city's reference FOLDER (city.toml, boundaries, population, transit stops)."""
    from .services.database import require_schema
    from .services.reference import load_reference

    try:
        require_schema()
        click.echo(f"Loading {folder} …")
        report = load_reference(folder, strict=strict)
    except SpacematchError as exc:
        _fail(exc)
    _print_report(report)


@main.command("start-due-pairings")
@with_appcontext
def start_due_pairings_cmd() -> None:
    """Make approved pairings whose first day has come active (pages do it too; run it
    daily from cron so the timeline says so on the day)."""
    from .services.database import require_schema
    from .services.pairings import start_due

    try:
        require_schema()
        started = start_due()
    except SpacematchError as exc:
        _fail(exc)
    click.echo(f"{len(started)} pairing(s) started" + (f": {started}" if started else ""))


@main.command("load-demo")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("data"), show_default=True, help="The project's data folder.")
@with_appcontext
def load_demo_cmd(data_dir: Path) -> None:
    """Load the demo catalogue (idempotent): spaces built on real public places, and projects.

    Loads a city's demo records only if its reference data is loaded.
    """
    from .services.database import require_schema
    from .services.demo import load_demo

    try:
        require_schema()
        reports = load_demo(data_dir, progress=_progress_factory())
    except SpacematchError as exc:
        _fail(exc)
    for report in reports:
        _print_report(report)


def _progress_factory():
    bars: dict[str, object] = {}

    def progress(label: str, done: int, total: int) -> None:
        bar = bars.get(label)
        if bar is None:
            bar = bars[label] = click.progressbar(length=total, label=label)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app with waitress (a production WSGI server)."""
    from flask import current_app
    from waitress import serve as waitress_serve

    click.echo(f"spacematch on http://{host}:{port}/  (Ctrl+C to stop)")
    waitress_serve(current_app._get_current_object(), host=host, port=port, threads=threads)
