"""Spaces that owners offer, and the projects that groups want to run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import SRID, Base, Timestamped, point_column
from .reference import Area, City
from .users import User


class Space(Timestamped, Base):
    """A place (building or site) an owner offers for community use; it holds rooms.

    Its floor area and capacity are the whole place's; projects use its rooms (db.rooms.Room),
    or, for a divisible place, equal rooms of ``divisible_room_m2`` (domain.rooms).
    """

    __tablename__ = "space"
    __table_args__ = (
        Index("ix_space_status_city", "status", "city_id"),
        # NULL-safe on purpose: a CHECK whose expression is NULL passes.
        CheckConstraint("(divisible_room_m2 IS NULL AND divisible_rooms IS NULL) OR "
                        "(divisible_room_m2 IS NOT NULL AND divisible_rooms IS NOT NULL AND "
                        "divisible_room_m2 > 0 AND divisible_rooms > 0)", name="divisible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_kind: Mapped[str] = mapped_column(String(20))  # vocabulary.OWNER_KINDS
    location: Mapped[Any] = point_column()
    footprint: Mapped[Any | None] = mapped_column(
        Geometry("POLYGON", srid=SRID, spatial_index=True), nullable=True
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    # Computed from the boundaries by point-in-polygon, never typed by a person.
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    floor_area_m2: Mapped[float]
    capacity: Mapped[int]
    floor_level: Mapped[int] = mapped_column(default=0)  # 0 = ground, -1 = basement
    # "Rooms of about 60 m², 12 of them", when the owner does not know the rooms one by one.
    divisible_room_m2: Mapped[float | None]
    divisible_rooms: Mapped[int | None]
    accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    amenities: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_uses: Mapped[list[str]] = mapped_column(JSON, default=list)  # activity codes; [] = any
    available_from: Mapped[date | None]
    available_to: Mapped[date | None]
    weekly_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    cost_kind: Mapped[str] = mapped_column(String(10), default="free")
    cost_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    condition_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    is_demo: Mapped[bool] = mapped_column(default=False)
    source_ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    # Catalogue version of the last change (see CatalogueState): in-memory indexes in every
    # process reload exactly the spaces whose row_version is newer than theirs.
    row_version: Mapped[int] = mapped_column(default=0, server_default="1", index=True)

    owner: Mapped[User] = relationship()
    city: Mapped[City] = relationship()
    area: Mapped[Area] = relationship()


class CatalogueState(Base):
    """One row: a counter bumped by every transaction that changes a space."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class Project(Timestamped, Base):
    """What a community group wants to do, and what it needs from a space."""

    __tablename__ = "project"
    __table_args__ = (Index("ix_project_status_city", "status", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    activity: Mapped[str] = mapped_column(String(40))
    participants: Mapped[int]
    area_min_m2: Mapped[float | None]
    area_max_m2: Mapped[float | None]
    required_accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_amenities: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_location: Mapped[Any | None] = point_column(nullable=True)
    max_distance_m: Mapped[float | None]
    preferred_area_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    weekly_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    budget_kind: Mapped[str] = mapped_column(String(10), default="monthly")
    budget_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    beneficiaries: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The project's own priorities among the soft criteria (domain.scoring.Weights names);
    # empty = the documented defaults.
    weights: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    is_demo: Mapped[bool] = mapped_column(default=False)
    source_ref: Mapped[str | None] = mapped_column(String(120), unique=True)

    group: Mapped[User] = relationship()
    city: Mapped[City] = relationship()
