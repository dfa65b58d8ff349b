"""Every model in one import, for Alembic and for services."""

from .base import Base
from .matches import Match, MatchEvent
from .reference import Area, City, TransitStop
from .rooms import Room
from .spaces import CatalogueState, Project, Space
from .users import AuditEvent, User

__all__ = [
    "Area", "AuditEvent", "Base", "CatalogueState", "City", "Match", "MatchEvent", "Project",
    "Room", "Space", "TransitStop", "User",
]
