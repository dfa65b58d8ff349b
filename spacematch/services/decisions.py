"""The decision history officials read: every step of every pairing (who, when, from → to,
the message or reason), newest first, filtered by district, person and dates.

A pairing belongs to the district of its place: the area above the place's own (the level
above the finest, as in district plans).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..db.models import Area, City, Match, MatchEvent, Project, Space, User
from ..domain.days import local, zone
from ..domain.errors import N_, FieldProblem, NotFound, ValidationError
from ..domain.vocabulary import Text
from ..extensions import db
from .users import require_role

MAX_ROWS = 500
SYSTEM = Text("system", "시스템")  # who took a step no person took


@dataclass(frozen=True)
class Decision:
    at: datetime
    actor: str
    pairing_id: int
    project_title: str
    place_title: str
    district: str | None
    from_status: str | None
    to_status: str
    message: str | None


@dataclass(frozen=True)
class DecisionFilter:
    city: str
    district_id: int | None = None
    person: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class DecisionHistory:
    filter: DecisionFilter
    districts: dict[int, str]  # the city's districts: id → name
    decisions: list[Decision]
    more: bool  # more steps match than are shown


def may_read(actor) -> None:
    """PermissionDenied unless ``actor`` is an official (or an admin)."""
    require_role(actor, "official")


def parse_filter(args, default_city: str) -> DecisionFilter:
    """Read ``district``, ``person``, ``from`` and ``to``; raise naming every bad one."""
    problems: list[FieldProblem] = []

    def day(name: str) -> date | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            problems.append(FieldProblem(name, N_("must be a date (YYYY-MM-DD)")))
            return None

    raw = (args.get("district") or "").strip()
    district = None
    if raw:
        if raw.isdigit() and 0 < int(raw) < 2**31:
            district = int(raw)
        else:
            problems.append(FieldProblem("district", N_("must be the id of a district")))
    person = (args.get("person") or "").strip()
    if len(person) > 120 or any(ord(c) < 32 for c in person):
        problems.append(FieldProblem("person", N_("must be a name or e-mail of at most 120 "
                                                  "characters")))
    since, until = day("from"), day("to")
    if since and until and until < since:
        problems.append(FieldProblem.of("to", N_("is before the start (%(start)s)"),
                                        start=since.isoformat()))
    if problems:
        raise ValidationError(problems)
    return DecisionFilter(args.get("city") or default_city, district, person, since, until)


def decision_history(actor, wanted: DecisionFilter) -> DecisionHistory:
    """The steps of the city's pairings that ``wanted`` selects, newest first."""
    may_read(actor)
    city = db.session.scalar(select(City).where(City.slug == wanted.city))
    if city is None:
        raise NotFound(N_("No such city is loaded."))
    # districts are the level above the finest, as in district plans
    levels = list(city.levels or [])
    level = levels[-2] if len(levels) > 1 else (levels[-1] if levels else None)
    name = func.coalesce(Area.name_en, Area.name)
    districts = {i: Text(en, local or en) for i, en, local in db.session.execute(
        select(Area.id, name, Area.name).where(Area.city_id == city.id, Area.level == level)
        .order_by(name)).all()}
    if wanted.district_id is not None and wanted.district_id not in districts:
        raise NotFound(N_("No district %(id)s in %(city)s."), id=wanted.district_id,
                       city=Text(city.name_en or city.name, city.name or city.name_en))
    area, parent = aliased(Area), aliased(Area)
    district = func.coalesce(parent.id, area.id)  # a city of one level: the area itself
    stmt = (select(MatchEvent, Match.id, Project.title, Space.title, district,
                   User.display_name)
            .join(Match, Match.id == MatchEvent.match_id)
            .join(Project, Project.id == Match.project_id)
            .join(Space, Space.id == Match.space_id)
            .join(area, area.id == Space.area_id)
            .outerjoin(parent, parent.id == area.parent_id)
            .outerjoin(User, User.id == MatchEvent.actor_id)
            .where(Space.city_id == city.id))
    if wanted.district_id is not None:
        stmt = stmt.where(or_(area.id == wanted.district_id, parent.id == wanted.district_id))
    if wanted.person:
        pattern = f"%{escape_like(wanted.person.lower())}%"
        stmt = stmt.where(or_(func.lower(User.display_name).like(pattern, escape="\\"),
                              func.lower(User.email).like(pattern, escape="\\")))
    here = zone(city.timezone)  # "from" and "to" are days as the city's people count them

    def midnight(day: date) -> datetime:  # in UTC, as stored: SQLite compares the text
        return datetime.combine(day, time(), here).astimezone(UTC)

    if wanted.since:
        stmt = stmt.where(MatchEvent.at >= midnight(wanted.since))
    if wanted.until:
        stmt = stmt.where(MatchEvent.at < midnight(wanted.until + timedelta(days=1)))
    rows = db.session.execute(stmt.order_by(MatchEvent.at.desc(), MatchEvent.id.desc())
                              .limit(MAX_ROWS + 1)).all()
    decisions = [Decision(local(e.at, city.timezone), who or SYSTEM, match, project, place,
                          districts.get(d), e.from_status, e.to_status, e.reason)
                 for e, match, project, place, d, who in rows[:MAX_ROWS]]
    return DecisionHistory(wanted, districts, decisions, len(rows) > MAX_ROWS)


def escape_like(text: str) -> str:
    """``text`` matched literally by LIKE ... ESCAPE '\\' (its %, _ and \\ are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
