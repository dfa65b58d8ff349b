"""Alembic environment for spacematch (Flask-Migrate), on SpatiaLite and PostGIS alike.

GeoAlchemy2's helpers turn spatial tables, columns and indexes into operations that each
backend understands (RecoverGeometryColumn/CreateSpatialIndex on SpatiaLite, GiST on PostGIS).
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

from spacematch.db import models  # noqa: F401  (registers every table)

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def _skip_empty(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def _writer(context_, revision, directives):
    _skip_empty(context_, revision, directives)
    if directives:
        alembic_helpers.writer(context_, revision, directives)


def _include_object(obj, name, obj_type, reflected, compare_to):
    # Never drop what the models do not know: SpatiaLite and PostGIS keep their own tables.
    if obj_type == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def _configure(**kw):
    context.configure(
        target_metadata=target_db.metadata,
        include_object=_include_object,
        render_item=alembic_helpers.render_item,
        process_revision_directives=_writer,
        render_as_batch=True,
        compare_type=True,
        **kw,
    )


if context.is_offline_mode():
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with target_db.engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
