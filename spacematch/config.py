"""Configuration: defaults, overridden by ``SPACEMATCH_*`` environment variables, then by
the mapping passed to ``create_app``. Every variable is listed in README.md."""

from __future__ import annotations

import os
from pathlib import Path

# name -> (default, description). The README table is generated from the same facts.
SETTINGS: dict[str, tuple[str | None, str]] = {
    "DATABASE_URL": (
        None,
        "SQLAlchemy URL. Default: a SpatiaLite file instance/spacematch.sqlite. For PostGIS: "
        "postgresql+psycopg://user@host/dbname",
    ),
    "SECRET_KEY": (None, "Flask secret key; a random one is made per process if unset."),
    "SPATIALITE_LIBRARY": ("mod_spatialite", "Name or path of the SpatiaLite extension."),
    "TILE_URL": (
        "",
        "Map tile URL template ({z}/{x}/{y}); empty = no basemap, boundaries only (offline).",
    ),
    "TILE_ATTRIBUTION": ("", "Attribution shown for TILE_URL tiles."),
    "DEFAULT_CITY": ("", "Slug of the city the home page shows first (default: the first loaded)."),
}


def from_environment(instance_path: str) -> dict:
    """The app configuration built from defaults and the environment."""
    cfg: dict = {}
    for name, (default, _doc) in SETTINGS.items():
        cfg[f"SPACEMATCH_{name}"] = os.environ.get(f"SPACEMATCH_{name}", default)
    if not cfg["SPACEMATCH_DATABASE_URL"]:
        db_file = Path(instance_path) / "spacematch.sqlite"
        cfg["SPACEMATCH_DATABASE_URL"] = f"sqlite:///{db_file}"
    cfg["SECRET_KEY"] = cfg.pop("SPACEMATCH_SECRET_KEY") or os.urandom(32).hex()
    return cfg
