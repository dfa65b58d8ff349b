"""Schema management."""

from __future__ import annotations

from flask_migrate import upgrade

from .. import MIGRATIONS
from ..domain.errors import N_, SpacematchError
from ..extensions import db


def upgrade_schema() -> str:
    """Run every pending migration; return the database URL with any password hidden."""
    upgrade(directory=str(MIGRATIONS))
    return db.engine.url.render_as_string(hide_password=True)


def require_schema() -> None:
    """Raise a clear error if ``init-db`` has not been run on this database."""
    from sqlalchemy import inspect

    if not inspect(db.engine).has_table("alembic_version"):
        raise DatabaseNotReady(
            N_("The database %(url)s has no spacematch schema yet: run `spacematch init-db` "
               "first."), url=db.engine.url.render_as_string(hide_password=True))


class DatabaseNotReady(SpacematchError):
    status = 503
    code = "database_not_ready"
