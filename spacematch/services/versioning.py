"""The catalogue version: how every process's in-memory index learns what changed.

A transaction that changes spaces calls ``bump`` once and stamps every changed space with
the number it returns. On PostgreSQL the UPDATE takes a row lock that is held to commit, so
numbers are handed out in commit order; on SQLite writers are serialised anyway. A reader
that sees version v has therefore seen every change stamped ≤ v.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def locked_write() -> Iterator[int]:
    """A write to places or rooms, checked and stored under the catalogue lock.

    Bumping the catalogue version first (an UPDATE of its one row) makes concurrent writers
    wait for each other on PostgreSQL, and takes SQLite's write lock, so the checks made
    inside see every earlier write: two owners cannot each pause "the other" last listed
    room. Load the place and its rooms afresh inside. Commits at the end; any error rolls
    everything back, the version with it. Yields the version to stamp the place with.
    """
    try:
        yield bump()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
