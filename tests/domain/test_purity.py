"""The domain must run without a web framework or a database layer."""

import ast
import subprocess
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "spacematch" / "domain"
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_migrate", "sqlalchemy", "geoalchemy2",
             "werkzeug", "folium")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            names.add("<outside the domain>")
    return names


def test_domain_modules_import_no_web_or_database_library():
    offenders = {
        p.name: sorted(_imports(p) & set(FORBIDDEN) | ({"<outside the domain>"} & _imports(p)))
        for p in DOMAIN.glob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_the_domain_loads_no_web_or_database_library():
    code = (
        "import sys, importlib, pkgutil, spacematch.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('spacematch.domain.' + m.name)\n"
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_purity_check_would_catch_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport sqlalchemy.orm\nfrom ..db import models\n")
    assert {"flask", "sqlalchemy", "<outside the domain>"} <= _imports(bad)
