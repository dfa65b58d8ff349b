"""Pairings of a project with a space (a place), and their status timeline.

A pairing names the room of the place it uses (a room row, or for a divisible place one of
its equal divisions), the weekly hours it books there and the dates it runs; its approved
and active pairings hold a room's hours (``domain.workflow``, ``services.pairings``). Older
pairings name none of these: they are of the place as a whole. A project may pair with a
place more than once (another room, or again after a request was declined).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, utcnow
from .rooms import Room
from .spaces import Project, Space
from .users import User


class Match(Timestamped, Base):
    """A requested, proposed or agreed pairing; its breakdown explains every criterion."""

    __tablename__ = "match"
    __table_args__ = (Index("ix_match_space_status", "space_id", "status"),
                      Index("ix_match_status_starts_on", "status", "starts_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="requested")  # workflow.STATUSES
    origin: Mapped[str] = mapped_column(String(8), default="request", server_default="request")
    group_agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    owner_agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    # n of a divisible place's equal rooms (they have no room row); NULL otherwise
    division: Mapped[int | None]
    # SQL NULL, not JSON null, for "no hours named", as on room.weekly_hours
    weekly_hours: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    space: Mapped[Space] = relationship()
    room: Mapped[Room | None] = relationship()
    project: Mapped[Project] = relationship()
    events: Mapped[list[MatchEvent]] = relationship(
        back_populates="match", order_by="MatchEvent.at", cascade="all, delete-orphan"
    )


class MatchEvent(Base):
    """One step of a pairing's timeline: who moved it from which status to which, and the
    message or reason they gave."""

    __tablename__ = "match_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)

    match: Mapped[Match] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
