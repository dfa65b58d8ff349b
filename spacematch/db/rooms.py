"""Rooms: the parts of a place (a ``space`` row) that projects actually use."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped
from .spaces import Space

# SQL NULL, not JSON null, means "as the place", so that both backends can test for it.
_INHERITED_JSON = JSON(none_as_null=True)


class Room(Timestamped, Base):
    """A hall, floor, yard or kitchen of a place; facts left NULL are the place's.

    The place is the ``space`` row (its id is what URLs and audit events use); the rooms that
    migration 0004 made for existing spaces share their place's id.
    """

    __tablename__ = "room"
    __table_args__ = (
        CheckConstraint("floor_area_m2 > 0", name="floor_area_positive"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("status IN ('listed', 'paused')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)  # order on the place's page
    floor_area_m2: Mapped[float]
    capacity: Mapped[int]
    floor_level: Mapped[int] = mapped_column(default=0)
    accessibility: Mapped[list[str] | None] = mapped_column(_INHERITED_JSON)
    amenities: Mapped[list[str] | None] = mapped_column(_INHERITED_JSON)
    allowed_uses: Mapped[list[str] | None] = mapped_column(_INHERITED_JSON)
    weekly_hours: Mapped[dict | None] = mapped_column(_INHERITED_JSON)
    cost_kind: Mapped[str | None] = mapped_column(String(10))
    cost_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default="listed")  # domain.rooms.ROOM_STATUSES

    space: Mapped[Space] = relationship()
