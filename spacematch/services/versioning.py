"""The catalogue version: how every process's in-memory index learns what changed.

A transaction that changes spaces calls ``bump`` once and stamps every changed space with
the number it returns. On PostgreSQL the UPDATE takes a row lock that is held to commit, so
numbers are handed out in commit order; on SQLite writers are serialised anyway. A reader
that sees version v has therefore seen every change stamped ≤ v.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..db.models import CatalogueState
from ..extensions import db


def bump() -> int:
    """Take the next catalogue version inside the current transaction."""
    db.session.execute(update(CatalogueState).where(CatalogueState.id == 1)
                       .values(version=CatalogueState.version + 1))
    return current()


def current() -> int:
    return db.session.scalar(select(CatalogueState.version).where(CatalogueState.id == 1)) or 0
