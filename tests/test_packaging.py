"""A normal (non-editable) install is complete: its pages render, its extras are right.

The wheel is built from a copy of the source tree (so the work tree gets no build/ folder),
installed into a folder of its own, and run in a separate Python whose import path holds
that folder and the virtualenv's libraries, never the repository.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "dist", "instance",
                              "data", "tests", "notebooks", "screenshots")

# Runs in the fresh interpreter: argv = installed folder, repository, data folder, database.
PAGES = r"""
import json, os, sys
target, repo, data, db_file = sys.argv[1:5]
sys.path[:] = [target] + [p for p in sys.path if os.path.isabs(p) and os.path.realpath(p) != repo
                          and not p.startswith(repo + "/spacematch")]
sys.meta_path[:] = [f for f in sys.meta_path
                    if not getattr(f, "__module__", "").startswith("__editable__")]
import spacematch
assert spacematch.__file__.startswith(target), spacematch.__file__

from spacematch import create_app
from spacematch.extensions import db
from spacematch.services.database import upgrade_schema
from spacematch.services.projects import create_project
from spacematch.services.reference import load_reference
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

app = create_app({"SPACEMATCH_DATABASE_URL": f"sqlite:///{db_file}", "TESTING": True})
client = app.test_client()
status = {"/ (empty)": client.get("/").status_code,
          "/plan (empty)": client.get("/plan").status_code}
with app.app_context():
    upgrade_schema()
    status["/ (no city)"] = client.get("/").status_code
    status["/plan (no city)"] = client.get("/plan").status_code
    load_reference(os.path.join(data, "baltimore"))
    owner = create_user(email="o@example.org", password="a long passphrase", role="owner",
                        display_name="Owner", system=True)
    space = create_space(owner, {"title": "Church hall", "owner_kind": "nonprofit",
                                 "lon": -76.6122, "lat": 39.2904, "floor_area_m2": 120,
                                 "capacity": 60, "weekly_hours": "mon-fri 09:00-21:00",
                                 "status": "listed"}).id
    group = create_user(email="g@example.org", password="a long passphrase", role="group",
                        display_name="Group", system=True)
    project = create_project(group, "baltimore", {
        "title": "Homework club", "activity": "study_library", "participants": 15,
        "lon": -76.6100, "lat": 39.2910, "max_distance_m": 2000,
        "weekly_hours": "tue 16:00-18:00", "status": "open"}).id
    db.session.remove()
for path in ("/", "/?city=baltimore", "/projects", f"/projects/{project}", f"/spaces/{space}",
             "/plan", "/plan?priority=nan", "/spaces/999999", "/static/app.css",
             "/api/cities", f"/api/projects/{project}/suggestions"):
    resp = client.get(path)
    body = resp.get_data(as_text=True)
    status[path] = resp.status_code if "TemplateNotFound" not in body else "TemplateNotFound"
    resp.close()
print(json.dumps(status))
"""


def _pip(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                   cwd=cwd, check=True, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    _pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work / "dist"),
         str(source), cwd=work)
    return next((work / "dist").glob("spacematch-*.whl"))


def test_an_installed_wheel_serves_every_page(wheel, tmp_path):
    target = tmp_path / "site"
    _pip("install", "--no-deps", "-q", "--target", str(target), str(wheel), cwd=tmp_path)
    out = subprocess.run(
        [sys.executable, "-I", "-c", PAGES, str(target), str(ROOT), str(ROOT / "data"),
         str(tmp_path / "app.sqlite")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    status = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == {
        "/ (empty)": 503, "/plan (empty)": 503, "/ (no city)": 200, "/plan (no city)": 200,
        "/": 200, "/?city=baltimore": 200, "/projects": 200, "/projects/1": 200,
        "/spaces/1": 200, "/plan": 200, "/plan?priority=nan": 400, "/spaces/999999": 404,
        "/static/app.css": 200, "/api/cities": 200, "/api/projects/1/suggestions": 200,
    }


def test_the_wheel_ships_every_file_and_keeps_geopandas_for_the_benchmark(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode())
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "spacematch").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    source |= {f"spacematch/templates/{p.name}" for p in (ROOT / "templates").glob("*.html")}
    assert sorted(source - names) == []
    requires = meta.get_all("Requires-Dist")
    runtime = {r.split(";")[0].split(">")[0].split("[")[0].strip() for r in requires
               if "extra ==" not in r}
    bench = {r.split(">")[0].strip() for r in requires if "extra == \"bench\"" in r}
    assert {"geopandas", "pandas"} & runtime == set()
    assert {"geopandas", "pandas"} <= bench
    assert {"flask", "pyogrio", "numpy", "scipy"} <= runtime
