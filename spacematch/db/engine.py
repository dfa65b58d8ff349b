"""Engine set-up for the two supported backends: SpatiaLite (embedded) and PostGIS.

The machine's ``sqlite3`` module usually cannot load extensions, so SQLite connections use
``pysqlite3`` (same API, extension loading enabled) and load ``mod_spatialite`` on connect.
"""

from __future__ import annotations

import importlib

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from ..domain.errors import N_, SpacematchError


class DatabaseSetupError(SpacematchError):
    code = "database_setup"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_dbapi():
    """The DB-API module to use for SQLite: one that can load extensions."""
    for name in ("pysqlite3.dbapi2", "sqlite3"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module.connect(":memory:"), "enable_load_extension"):
            return module
    raise DatabaseSetupError(N_(
        "This Python's sqlite3 cannot load extensions. Install pysqlite3-binary "
        "(pip install pysqlite3-binary) or use PostGIS (SPACEMATCH_DATABASE_URL)."
    ))


def engine_options(url: str) -> dict:
    """Extra ``create_engine`` options for ``url``."""
    if is_sqlite(url):
        return {"module": sqlite_dbapi(), "connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def install_spatialite(engine: Engine, library: str) -> None:
    """Load SpatiaLite into every new connection and create its metadata once."""

    @event.listens_for(engine, "connect")
    def _load(dbapi_conn, _record):
        dbapi_conn.enable_load_extension(True)
        try:
            dbapi_conn.load_extension(library)
        except Exception as exc:  # the driver raises its own OperationalError class
            raise DatabaseSetupError(
                N_("Could not load SpatiaLite (%(library)s): %(error)s. On Debian or Ubuntu "
                   "install the package libsqlite3-mod-spatialite; elsewhere set "
                   "SPACEMATCH_SPATIALITE_LIBRARY to the path of mod_spatialite."),
                library=repr(library), error=str(exc),
            ) from exc
        finally:
            dbapi_conn.enable_load_extension(False)
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        if dbapi_conn.execute("SELECT CheckSpatialMetaData()").fetchone()[0] < 1:
            dbapi_conn.execute("SELECT InitSpatialMetaData(1, 'WGS84')")
            dbapi_conn.commit()
