"""Configuration: defaults, overridden by ``SPACEMATCH_*`` environment variables, then by
the mapping passed to ``create_app``. Every variable is listed in README.md."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# what the OpenStreetMap Foundation's tile usage policy asks to be shown with its tiles
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap'
                   '</a> contributors')

# name -> (default, description). The README table is generated from the same facts.
SETTINGS: dict[str, tuple[str | None, str]] = {
    "DATABASE_URL": (
        None,
        "SQLAlchemy URL. Default: a SpatiaLite file instance/spacematch.sqlite. For PostGIS: "
        "postgresql+psycopg://user@host/dbname",
    ),
    "SECRET_KEY": (
        None,
        "Flask secret key (signs the session cookie), at least 32 characters. If unset, one "
        "is made once and kept in the instance folder's file secret_key (mode 0600), so every "
        "worker shares it.",
    ),
    "SPATIALITE_LIBRARY": ("mod_spatialite", "Name or path of the SpatiaLite extension."),
    "TILE_URL": (
        OSM_TILES,
        "Map tile URL template ({z}/{x}/{y}); default OpenStreetMap's standard tiles, with "
        "their attribution; none = no basemap: outlines, names and stations only (offline).",
    ),
    "TILE_ATTRIBUTION": ("", "Attribution shown for TILE_URL tiles (HTML; OpenStreetMap's "
                             "is given for its tiles)."),
    "DEFAULT_CITY": ("", "Slug of the city the home page shows first (default: the first loaded)."),
    "REDIS_URL": (
        "",
        "Redis for the sign-in rate limits (redis://127.0.0.1:6379/0), shared by every worker; "
        "empty = counted in each process's memory.",
    ),
    "SECURE_COOKIES": (
        "auto",
        "auto: cookies are Secure when the request came over HTTPS; always: always Secure, and "
        "links made outside a request use https.",
    ),
    "PROXY_COUNT": (
        "0",
        "How many reverse proxies stand in front of the app; their X-Forwarded-For, -Proto and "
        "-Host headers are then trusted (client address for rate limits, HTTPS for cookies).",
    ),
}

SECURE_COOKIE_MODES = ("auto", "always")
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY = 32  # characters; the key made here has 64


def from_environment(instance_path: str) -> dict:
    """The app configuration built from defaults and the environment."""
    cfg: dict = {}
    for name, (default, _doc) in SETTINGS.items():
        cfg[f"SPACEMATCH_{name}"] = os.environ.get(f"SPACEMATCH_{name}", default)
    if not cfg["SPACEMATCH_DATABASE_URL"]:
        db_file = Path(instance_path) / "spacematch.sqlite"
        cfg["SPACEMATCH_DATABASE_URL"] = f"sqlite:///{db_file}"
    # None: create_app reads (or makes) the instance folder's key, unless a caller gives one
    key = cfg.pop("SPACEMATCH_SECRET_KEY") or None
    if key is not None and len(key.strip()) < MIN_SECRET_KEY:
        # a short key can be guessed offline from one session cookie, then any forged
        raise ValueError(
            f"SPACEMATCH_SECRET_KEY must have at least {MIN_SECRET_KEY} characters (it has "
            f"{len(key.strip())}); make one with: python -c \"import secrets; "
            f"print(secrets.token_hex(32))\", or unset it to use the instance folder's key")
    cfg["SECRET_KEY"] = key
    return cfg


def instance_secret_key(instance_path: str | os.PathLike) -> str:
    """The key in ``<instance_path>/secret_key``, made on first use.

    Several workers may start at once: each writes a key to a private temporary file and
    hard-links it to ``secret_key``, which succeeds for the first only (a link never replaces
    a file), and then all of them read the one that won. Nobody reads a half-written file.

    A key file that group or others may read (copied in, or made with a loose umask) is made
    private (0600), with a warning: the key may have been read already, so replace it if
    others share the machine.
    """
    folder = Path(instance_path)
    path = folder / SECRET_KEY_FILE
    if path.is_symlink() and not path.exists():
        raise RuntimeError(f"{path} is a symbolic link to {os.readlink(path)}, which does not "
                           "exist: point it at the key file, or delete it to have a new key "
                           "made there")
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):  # another worker was first: use its key
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    _make_private(path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_SECRET_KEY:
        raise RuntimeError(f"{path} holds no usable secret key (at least 32 characters); "
                           "delete it to have a new one made, or set SPACEMATCH_SECRET_KEY")
    return key


def _make_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return
    try:
        path.chmod(0o600)
    except OSError as error:
        raise RuntimeError(f"{path} may be read by others (mode {mode:04o}) and could not be "
                           f"made private ({error.strerror}): chmod 600 it") from error
    log.warning("%s could be read by others (mode %04o): made private (0600). Replace the key "
                "(delete the file; everyone is signed out) if others may have read it.",
                path, mode)


def secure_cookie_mode(value: str | None) -> str:
    mode = (value or "auto").strip().lower()
    if mode not in SECURE_COOKIE_MODES:
        raise ValueError(f"SPACEMATCH_SECURE_COOKIES must be one of "
                         f"{', '.join(SECURE_COOKIE_MODES)}, not {value!r}")
    return mode


def proxy_count(value: str | int | None) -> int:
    try:
        count = int(value or 0)
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(f"SPACEMATCH_PROXY_COUNT must be a whole number ≥ 0, not {value!r}")
    return count
