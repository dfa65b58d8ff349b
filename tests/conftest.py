"""Test fixtures: isolated databases on both backends, built from cached templates.

Each test gets its own database, cloned from a template that was migrated (and, where asked,
loaded with reference or demo data) once per session: a file copy on SpatiaLite, CREATE
DATABASE ... TEMPLATE on PostGIS. PostGIS runs when SPACEMATCH_TEST_POSTGIS_URL is set;
with SPACEMATCH_REQUIRE_POSTGIS=1 its absence fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from spacematch import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POSTGIS_URL = os.environ.get("SPACEMATCH_TEST_POSTGIS_URL", "")
REQUIRE_POSTGIS = os.environ.get("SPACEMATCH_REQUIRE_POSTGIS") == "1"
BACKENDS = ["spatialite", "postgis"]
# no basemap: the tests stay offline (servers the tests start inherit it)
os.environ["SPACEMATCH_TILE_URL"] = "none"


def pytest_sessionstart(session):
    if REQUIRE_POSTGIS and not POSTGIS_URL:
        pytest.exit("SPACEMATCH_REQUIRE_POSTGIS=1 but SPACEMATCH_TEST_POSTGIS_URL is not set", 1)


# --- templates ---------------------------------------------------------------------------------

STAGES = ("migrated", "seoul", "demo")


def _build(app, stage: str) -> None:
    from spacematch.extensions import db
    from spacematch.services.database import upgrade_schema
    from spacematch.services.demo import load_demo
    from spacematch.services.reference import load_reference

    with app.app_context():
        upgrade_schema()
        if stage in ("seoul", "demo"):
            load_reference(DATA / "seoul")
        if stage == "demo":
            load_reference(DATA / "baltimore")
            load_demo(DATA)
        db.session.remove()
        db.engine.dispose()


class SpatialiteTemplates:
    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, Path] = {}

    def clone(self, stage: str) -> str:
        if stage not in self.files:
            path = self.root / f"template-{stage}.sqlite"
            _build(create_app({"SPACEMATCH_DATABASE_URL": f"sqlite:///{path}", "TESTING": True,
                               "SECRET_KEY": "test"}), stage)
            self.files[stage] = path
        target = self.root / f"test-{uuid.uuid4().hex[:10]}.sqlite"
        shutil.copyfile(self.files[stage], target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database).unlink(missing_ok=True)


class PostgisTemplates:
    def __init__(self, base_url: str):
        self.base = make_url(base_url)
        # Connected to the maintenance database, never to the base one: PostgreSQL copies a
        # template only while nobody is connected to it, and a second suite running beside
        # this one (tests/browser/stress.sh) copies the base database too.
        self.admin = create_engine(self.base.set(database="postgres"),
                                   isolation_level="AUTOCOMMIT")
        self.built: set[str] = set()
        self.prefix = f"smt_{os.getpid()}"

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def clone(self, stage: str) -> str:
        tpl = f"{self.prefix}_tpl_{stage}"
        if stage not in self.built:
            self._run(f'DROP DATABASE IF EXISTS "{tpl}"')
            self._run(f'CREATE DATABASE "{tpl}" TEMPLATE "{self.base.database}"')
            _build(create_app({"SPACEMATCH_DATABASE_URL": self._url(tpl), "TESTING": True,
                               "SECRET_KEY": "test"}), stage)
            self.built.add(stage)
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        self._run(f'CREATE DATABASE "{name}" TEMPLATE "{tpl}"')
        return self._url(name)

    def _url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        for stage in self.built:
            self._run(f'DROP DATABASE IF EXISTS "{self.prefix}_tpl_{stage}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def spatialite_templates(tmp_path_factory):
    return SpatialiteTemplates(tmp_path_factory.mktemp("spatialite"))


@pytest.fixture(scope="session")
def postgis_templates():
    if not POSTGIS_URL:
        if REQUIRE_POSTGIS:
            pytest.fail("PostGIS is required (SPACEMATCH_REQUIRE_POSTGIS=1) but not configured")
        pytest.skip("PostGIS not configured (set SPACEMATCH_TEST_POSTGIS_URL)")
    templates = PostgisTemplates(POSTGIS_URL)
    yield templates
    templates.close()


def _templates(request, backend: str):
    name = "postgis_templates" if backend == "postgis" else "spatialite_templates"
    return request.getfixturevalue(name)


class EnglishClient(FlaskClient):
    """A test client whose requests say they read English, as most tests assert English
    text; the language tests (tests/web/test_languages.py) say otherwise per request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


def _make_app(request, backend: str, stage: str):
    templates = _templates(request, backend)
    url = templates.clone(stage)
    app = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test"})
    app.test_client_class = EnglishClient
    request.addfinalizer(lambda: _dispose(app, templates, url))
    return app


def _dispose(app, templates, url):
    from spacematch.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    templates.drop(url)


# --- app fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def app(request):
    """An app on a fresh, migrated, empty SpatiaLite database."""
    return _make_app(request, "spatialite", "migrated")


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def backend_app(request):
    """The same test on SpatiaLite and on PostGIS: migrated, empty."""
    if request.param == "postgis":
        request.applymarker(pytest.mark.postgis)
    return _make_app(request, request.param, "migrated")


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def seoul_app(request):
    """Both backends, with Seoul's reference data loaded."""
    return _make_app(request, request.param, "seoul")


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def demo_app(request):
    """Both backends, with Seoul and Baltimore reference data and the demo catalogue."""
    return _make_app(request, request.param, "demo")


@pytest.fixture
def demo_sqlite_app(request):
    return _make_app(request, "spatialite", "demo")


@pytest.fixture
def client(demo_sqlite_app):
    return demo_sqlite_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
