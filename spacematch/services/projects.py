"""Groups describe their projects; the engine reads the needs from here."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import func, select

from ..db.models import Area, City, Match, Project, User
from ..domain.errors import N_, FieldProblem, NotFound, ValidationError
from ..domain.listing import clean_project
from ..domain.vocabulary import Text
from ..domain.workflow import HOLDING, UNDECIDED
from ..extensions import db
from .audit import record
from .users import require_record_owner, require_role

AUDITED = ("title", "activity", "participants", "status", "budget_amount", "weights")


@dataclass(frozen=True)
class ProjectView:
    """A project as pages and the API show it: plain values, nothing left to load."""

    id: int
    city: str  # slug
    title: str
    title_en: str | None
    description: str
    activity: str
    participants: int
    weekly_hours: dict
    budget_kind: str
    budget_amount: float
    currency: str
    beneficiaries: list[str]
    max_distance_m: float | None
    point: tuple[float, float] | None  # (lat, lon) of the preferred location
    areas: list[str]  # the preferred areas, by name (Texts: English, and the local name)
    group_id: int | None = None  # the group that describes it
    status: str = "open"  # vocabulary.PROJECT_STATUSES


def project_views(projects: list[Project]) -> list[ProjectView]:
    """Plain views of ``projects``, with one query for all their areas' names."""
    ids = {a for p in projects for a in (p.preferred_area_ids or [])}
    names = {}
    if ids:
        for i, local, en in db.session.execute(
                select(Area.id, Area.name, Area.name_en).where(Area.id.in_(ids))):
            names[i] = Text(en or local, local or en)
    slugs = dict(db.session.execute(select(City.id, City.slug)).all())
    out = []
    for p in projects:
        pt = to_shape(p.preferred_location) if p.preferred_location is not None else None
        out.append(ProjectView(
            id=p.id, city=slugs[p.city_id], title=p.title, title_en=p.title_en,
            description=p.description or "", activity=p.activity, participants=p.participants,
            weekly_hours=dict(p.weekly_hours or {}), budget_kind=p.budget_kind,
            budget_amount=float(p.budget_amount or 0), currency=p.currency,
            beneficiaries=list(p.beneficiaries or []), max_distance_m=p.max_distance_m,
            point=(pt.y, pt.x) if pt is not None else None,
            areas=[names[a] for a in p.preferred_area_ids or [] if a in names],
            group_id=p.group_id, status=p.status))
    return out


def require_visible(actor, project: ProjectView) -> ProjectView:
    """A draft is its group's (and admins') alone: to anyone else it is not found."""
    if project.status == "draft" and not (
            actor is not None and (actor.role == "admin" or actor.id == project.group_id)):
        raise NotFound(N_("No project %(id)s."), id=project.id)
    return project


def may_describe(actor: User | None) -> None:
    """PermissionDenied unless ``actor`` is a group (or an admin)."""
    require_role(actor, "group")


def my_projects(actor: User | None) -> list[ProjectView]:
    """The group's own projects, newest first (an admin's: every project)."""
    require_role(actor, "group")
    stmt = select(Project).order_by(Project.id.desc())
    if actor.role != "admin":
        stmt = stmt.where(Project.group_id == actor.id)
    return project_views(list(db.session.scalars(stmt.limit(500))))


def project_values(actor: User | None, project_id: int) -> dict:
    """A project as its edit form shows it, for its group (or an admin) only."""
    project = require_record_owner(actor, "group", Project, project_id, "group_id", "project")
    values = {c: getattr(project, c) for c in AUDITED + (
        "title_en", "description", "max_distance_m", "preferred_area_ids", "weekly_hours",
        "starts_on", "ends_on", "budget_kind", "beneficiaries")}
    values["budget_amount"] = float(project.budget_amount or 0)
    values["city"] = project.city.slug
    values["lon"] = values["lat"] = None
    if project.preferred_location is not None:
        pt = to_shape(project.preferred_location)
        values["lon"], values["lat"] = pt.x, pt.y
    return values


def areas_to_choose(city_slug: str, lang: str = "en") -> list[dict]:
    """Every area of the city by name, each district followed by its neighbourhoods, in the
    order of their names as read in ``lang`` (local names for "ko")."""
    city = db.session.scalar(select(City).where(City.slug == city_slug))
    if city is None:
        raise ValidationError(FieldProblem.of("city", N_("no city %(slug)s is loaded"),
                                              slug=repr(city_slug)))
    rows = db.session.execute(select(Area.id, Area.parent_id, Area.level, Area.name,
                                     Area.name_en).where(Area.city_id == city.id)
                              .order_by(Area.name if lang == "ko" else
                                        func.coalesce(Area.name_en, Area.name), Area.id)).all()
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    known = {r.id for r in rows}
    out: list[dict] = []

    def walk(parent, depth):
        for r in children.get(parent, []):
            label = Text(r.name_en or r.name, r.name or r.name_en)  # |l10n, pick()
            out.append({"id": r.id, "label": label, "depth": depth, "level": r.level})
            walk(r.id, depth + 1)

    for top in [None, *sorted({r.parent_id for r in rows} - known - {None})]:
        walk(top, 0)
    return out


def create_project(actor: User | None, city_slug: str, data: dict) -> Project:
    """A community group describes a project (a draft unless ``status`` says otherwise)."""
    require_role(actor, "group")
    city = db.session.scalar(select(City).where(City.slug == city_slug))
    if city is None:
        raise ValidationError(FieldProblem.of("city", N_("no city %(slug)s is loaded"),
                                              slug=repr(city_slug)))
    cleaned = clean_project(data, default_currency=city.currency)
    project = Project(group_id=actor.id, city_id=city.id)
    _apply(project, city, cleaned, data)
    db.session.add(project)
    db.session.flush()
    record(actor, "create", project, after=_snapshot(project))
    db.session.commit()
    return project


def update_project(actor: User | None, project_id: int, changes: dict) -> Project:
    """The group that owns a project (or an admin) changes it; all of it is valid or none."""
    project = require_record_owner(actor, "group", Project, project_id, "group_id", "project")
    before = _snapshot(project)
    current = {c.name: getattr(project, c.name) for c in Project.__table__.columns
               if c.name not in ("id", "group_id", "city_id", "preferred_location")}
    if project.preferred_location is not None:
        pt = to_shape(project.preferred_location)
        current["lon"], current["lat"] = pt.x, pt.y
    merged = current | changes
    problems = []
    if changes.get("status") == "draft" and project.status != "draft" and db.session.scalar(
            select(Match.id).where(Match.project_id == project.id,
                                   Match.status.in_(UNDECIDED + HOLDING)).limit(1)):
        # the place's owner and officials follow its pairings: it cannot go out of sight
        problems.append(FieldProblem(
            "status", N_("has pairings under way: withdraw or cancel them first")))
    try:
        cleaned = clean_project(merged, default_currency=project.city.currency)
    except ValidationError as exc:
        problems = exc.problems + problems
    if problems:
        raise ValidationError(problems)
    _apply(project, project.city, cleaned, merged)
    db.session.flush()
    record(actor, "update", project, before=before, after=_snapshot(project))
    db.session.commit()
    return project


def _apply(project: Project, city: City, cleaned: dict, raw: dict) -> None:
    """Set the checked values; every check runs before the first attribute changes."""
    ids = raw.get("preferred_area_ids")
    if ids is not None:
        try:
            ids = [int(i) for i in ids]
        except (TypeError, ValueError):
            ids = None
        if ids is None or any(not 0 < i < 2**31 for i in ids):
            raise ValidationError(FieldProblem("preferred_area_ids",
                                               N_("must be a list of area ids")))
        known = set(db.session.scalars(select(Area.id).where(Area.city_id == city.id,
                                                            Area.id.in_(ids))))
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValidationError(FieldProblem.of(
                "preferred_area_ids", N_("no area %(id)s in %(city)s"), id=unknown[0],
                city=Text(city.name_en or city.name, city.name or city.name_en)))
        project.preferred_area_ids = ids
    lon, lat = cleaned.pop("lon", None), cleaned.pop("lat", None)
    for key, value in cleaned.items():
        setattr(project, key, value)
    if lon is not None:
        project.preferred_location = from_shape(shapely.Point(lon, lat), srid=4326)
    elif "lon" in raw and raw["lon"] in (None, "") and raw.get("lat") in (None, ""):
        project.preferred_location = None  # the group took its location away


def _snapshot(project: Project) -> dict:
    return {k: (str(v) if k == "budget_amount" else v) for k in AUDITED
            if (v := getattr(project, k)) is not None}
