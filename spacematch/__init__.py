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


def create_app(config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the Flask application.

    Flask and the database layer are imported here, so that ``spacematch.domain`` can be used
    without them. ``config`` overrides the environment (``SPACEMATCH_*`` variables, see
    README.md); tests
    pass ``{"SPACEMATCH_DATABASE_URL": ..., "TESTING": True}``. ``instance_path`` is the
    folder of the default database and of the secret key file (Flask's default otherwise).
    """
    from flask import Flask
    from sqlalchemy.engine import make_url

    from .config import from_environment, instance_secret_key
    from .db.engine import engine_options, install_spatialite, is_sqlite
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    app = Flask(__name__, template_folder=str(templates_folder()), instance_relative_config=True,
                instance_path=instance_path)
    app.config.update(from_environment(app.instance_path))
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    _secure(app)
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
    # the limiter's hook first, so that every sign-in attempt counts, with or without a token
    limiter.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    from .web import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, default_locale="en")
    i18n.register(app)
    from .web import assets

    assets.init_app(app)

    from .api import bp as api_bp
    from .web import bp as web_bp
    from .web.admin import bp as admin_bp
    from .web.auth import bp as auth_bp
    from .web.errors import register_error_handlers
    from .web.overview import bp as overview_bp
    from .web.pairings import bp as pairings_bp
    from .web.projects import bp as project_forms_bp
    from .web.rooms import bp as rooms_bp
    from .web.spaces import bp as space_forms_bp

    _check_schema_once(app)
    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(rooms_bp)
    app.register_blueprint(pairings_bp)
    app.register_blueprint(project_forms_bp)
    app.register_blueprint(space_forms_bp)
    app.register_blueprint(overview_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    register_error_handlers(app)
    return app


def _secure(app: Flask) -> None:
    """Cookies, proxies and rate-limit storage from the SPACEMATCH_* settings."""
    from flask import has_request_context, request
    from flask.sessions import SecureCookieSessionInterface
    from werkzeug.middleware.proxy_fix import ProxyFix

    from .config import proxy_count, secure_cookie_mode

    always = secure_cookie_mode(app.config.get("SPACEMATCH_SECURE_COOKIES")) == "always"
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=always,
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=always, PREFERRED_URL_SCHEME="https" if always else "http")
    # One Limiter object serves every app of a process, and most of its settings stick from
    # the first app it meets; ENABLED and the storage are read afresh for each app.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # a form stays valid as long as the session, not one hour (Flask-WTF's default)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("RATELIMIT_STORAGE_URI",
                          app.config.get("SPACEMATCH_REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "spacematch")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Redis down: count in memory meanwhile rather than refuse every sign-in
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)

    class SessionInterface(SecureCookieSessionInterface):
        # "auto": Secure exactly when this request came over HTTPS
        def get_cookie_secure(self, app: Flask) -> bool:
            return super().get_cookie_secure(app) or (has_request_context()
                                                       and request.is_secure)

    app.session_interface = SessionInterface()
    proxies = proxy_count(app.config.get("SPACEMATCH_PROXY_COUNT"))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


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
