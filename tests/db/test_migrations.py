"""The migrations build exactly the schema the models describe, with spatial indexes."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from spacematch.db.models import Base
from spacematch.extensions import db

SPATIAL = {("area", "geom"), ("transit_stop", "geom"), ("space", "location"),
           ("space", "footprint"), ("project", "preferred_location")}


def _include(obj, name, type_, reflected, compare_to):
    from geoalchemy2 import alembic_helpers

    if type_ == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def test_migrated_schema_matches_models(backend_app):
    with backend_app.app_context(), db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _include,
                                                     "compare_type": False})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_spatial_columns_have_spatial_indexes(backend_app):
    with backend_app.app_context(), db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = conn.execute(text(
                "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns "
                "WHERE spatial_index_enabled = 1")).all()
            found = {(t, c) for t, c, srid in rows if srid == 4326}
        else:
            rows = conn.execute(text(
                "SELECT t.relname, a.attname FROM pg_index ix "
                "JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
                "JOIN pg_am am ON am.oid = i.relam "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) "
                "WHERE am.amname = 'gist'")).all()
            found = {(t, c) for t, c in rows}
    assert found >= SPATIAL


def test_every_model_table_exists(backend_app):
    with backend_app.app_context():
        names = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= names
