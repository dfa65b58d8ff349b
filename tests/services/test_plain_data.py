"""Services hand out plain data, never ORM objects, so no page can set off a lazy query."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from spacematch.db.models import City, Project
from spacematch.extensions import db
from spacematch.services import catalogue, matching, plans


def orm_objects(value, path: str = "result") -> list[str]:
    """Where in ``value`` (dataclasses, mappings, sequences) an ORM instance hides."""
    if hasattr(value, "_sa_instance_state"):
        return [f"{path}: {type(value).__name__}"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [hit for f in dataclasses.fields(value)
                for hit in orm_objects(getattr(value, f.name), f"{path}.{f.name}")]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in
                orm_objects(k, f"{path} key") + orm_objects(v, f"{path}[{k!r}]")]
    if isinstance(value, list | tuple | set | frozenset):
        return [hit for i, v in enumerate(value) for hit in orm_objects(v, f"{path}[{i}]")]
    return []


def test_the_check_finds_an_orm_object(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        city = db.session.scalar(select(City))
        assert orm_objects({"x": [(1, city)]}) == ["result['x'][0][1]: City"]


def test_services_return_plain_data(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        seoul = catalogue.pick_city("seoul")
        pid = db.session.scalar(select(Project.id).where(Project.city_id == seoul.id))
        results = {
            "list_cities": catalogue.list_cities(),
            "list_projects": catalogue.list_projects(seoul),
            "summarise_city": catalogue.summarise_city(seoul),
            "suggest_spaces": matching.suggest_spaces(pid, 3),
            "plan_city": plans.plan_city(seoul),
        }
        for name, result in results.items():
            assert result, name
            assert orm_objects(result, name) == []


@pytest.mark.parametrize("path", ["/", "/projects", "/projects/1", "/plan", "/spaces/{space}"])
def test_views_hand_templates_plain_data(client, path):
    from flask import template_rendered

    space = client.get("/api/cities/seoul/plan").get_json()["pairings"][0]["space_id"]
    seen = []

    def record(_app, template, context, **_extra):
        passed = {k: v for k, v in context.items() if k not in ("g", "request", "session")}
        seen.append((template.name, orm_objects(passed, "context")))

    with template_rendered.connected_to(record, client.application):
        assert client.get(path.format(space=space)).status_code == 200
    assert seen and all(found == [] for _, found in seen), seen
