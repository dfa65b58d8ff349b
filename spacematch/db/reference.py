"""Reference geography: cities, administrative areas and transit stops."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, multipolygon_column, point_column

CODE_MAX, NAME_MAX = 60, 200


class City(Timestamped, Base):
    """A city whose reference folder has been loaded (``spacematch load-reference``)."""

    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    metric_crs: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(40))
    centre_lon: Mapped[float]
    centre_lat: Mapped[float]
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)

    areas: Mapped[list[Area]] = relationship(back_populates="city")


class Area(Timestamped, Base):
    """An administrative area (district, neighbourhood, …) with its population figures."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("city_id", "level", "code", name="uq_area_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    level: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(CODE_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str | None] = mapped_column(String(NAME_MAX))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    population: Mapped[int | None]
    population_65plus: Mapped[int | None]
    population_under15: Mapped[int | None]
    population_year: Mapped[int | None]
    geom: Mapped[Any] = multipolygon_column()

    city: Mapped[City] = relationship(back_populates="areas")
    parent: Mapped[Area | None] = relationship(remote_side="Area.id")


class TransitStop(Base):
    """A subway station or bus stop, for walking-distance scores."""

    __tablename__ = "transit_stop"
    __table_args__ = (
        UniqueConstraint("city_id", "kind", "code", name="uq_transit_stop_code"),
        Index("ix_transit_stop_kind", "city_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    kind: Mapped[str] = mapped_column(String(10))  # subway | bus
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    geom: Mapped[Any] = point_column()

    city: Mapped[City] = relationship()
