"""spacematch: match empty spaces to citizen-led community projects.

``create_app`` is the only entry point; importing the package does nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

HERE = Path(__file__).resolve().parent
MIGRATIONS = HERE / "migrations"


def templates_folder() -> Path:
    """The Jinja templates: the package ``spacematch.templates`` of an installed wheel, else
    the top-level ``templates/`` folder it is built from (editable installs, checkouts)."""
    for folder in (HERE / "templates", HERE.parent / "templates"):
        if (folder / "base.html").is_file():
            return folder
    raise FileNotFoundError(f"spacematch's templates are missing: neither {HERE / 'templates'} "
                            f"nor {HERE.parent / 'templates'} holds base.html")


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask application.

    Flask and the database layer are imported here, so that ``spacematch.domain`` can be used
    without them. ``config`` overrides the environment (``SPACEMATCH_*`` variables, see
    README.md); tests
    pass ``{"SPACEMATCH_DATABASE_URL": ..., "TESTING": True}``.
    """
    from flask import Flask
    from sqlalchemy.engine import make_url

    from .config import from_environment
    from .db.engine import engine_options, install_spatialite, is_sqlite
    from .extensions import db, migrate

    app = Flask(__name__, template_folder=str(templates_folder()), instance_relative_config=True)
    app.config.update(from_environment(app.instance_path))
    if config:
        app.config.update(config)
    url = app.config["SPACEMATCH_DATABASE_URL"]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url)
    if is_sqlite(url) and make_url(url).database not in (None, "", ":memory:"):
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    if is_sqlite(url):
        with app.app_context():
            install_spatialite(db.engine, app.config["SPACEMATCH_SPATIALITE_LIBRARY"])
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)

    from .api import bp as api_bp
    from .web import bp as web_bp
    from .web.errors import register_error_handlers

    _check_schema_once(app)
    app.register_blueprint(web_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    register_error_handlers(app)
    return app


def _check_schema_once(app: Flask) -> None:
    """Answer 503 with the fix ("run spacematch init-db") until the schema exists."""
    from flask import request

    from .services.database import require_schema

    state = {"ready": False}

    @app.before_request
    def _require_schema():
        if not state["ready"] and request.endpoint != "static":
            require_schema()
            state["ready"] = True
