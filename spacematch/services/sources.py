"""Reading source files for the loaders: encoding, columns, rows, geometry.

Structural problems (a missing file or column, text that is not UTF-8, a broken manifest)
raise ``DataLoadError`` and nothing is stored. Problems with single rows are collected as
``RowProblem``s so a load can store every good row and list every bad one.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from ..domain.days import check_timezone
from ..domain.errors import DataLoadError, ValidationError
from ..domain.geometry import check_lonlat, repair, to_multipolygon


@dataclass(frozen=True)
class RowProblem:
    source: str
    row: int  # 1-based data row (CSV: header is row 0) or feature number
    field: str
    problem: str

    def describe(self) -> str:
        return f"{self.source} row {self.row}: {self.field}: {self.problem}"


@dataclass
class LoadReport:
    """What one load did: rows stored per kind, and every rejected row with its reason."""

    title: str
    stored: dict[str, int] = field(default_factory=dict)
    rejected: list[RowProblem] = field(default_factory=list)
    committed: bool = False
    note: str = ""

    def count(self, kind: str, n: int = 1) -> None:
        self.stored[kind] = self.stored.get(kind, 0) + n

    def reject(self, problem: RowProblem) -> None:
        self.rejected.append(problem)

    def lines(self, limit: int | None = None) -> list[str]:
        """A summary line, then the rejected rows grouped by source, field and reason."""
        stored = ", ".join(f"{n:,} {kind}" for kind, n in self.stored.items()) or "nothing"
        verb = "stored" if self.committed else "would have stored (nothing was saved)"
        out = [f"{self.title}: {verb} {stored}; rejected {len(self.rejected):,} rows."]
        if self.note:
            out.append(self.note)
        groups: dict[tuple[str, str, str], list[int]] = {}
        for p in self.rejected:
            groups.setdefault((p.source, p.field, p.problem), []).append(p.row)
        for i, ((source, fld, problem), rows) in enumerate(groups.items()):
            if limit is not None and i >= limit:
                out.append(f"  … and {len(groups) - limit:,} more kinds of problem")
                break
            if len(rows) == 1:
                where = f"row {rows[0]}"
            else:
                where = f"{len(rows):,} rows ({', '.join(map(str, rows[:8]))}"
                where += ", …)" if len(rows) > 8 else ")"
            out.append(f"  - {source} {where}: {fld}: {problem}")
        return out


def read_text(path: Path) -> str:
    """The file's text; it must exist and be UTF-8 (a BOM is allowed)."""
    if not path.is_file():
        raise DataLoadError(f"{path}: file not found")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            raw.decode("cp949")
            hint = " It decodes as CP949/EUC-KR: convert it to UTF-8 first."
        except UnicodeDecodeError:
            pass
        raise DataLoadError(
            f"{path.name}: not UTF-8 text "
            f"(byte 0x{raw[exc.start]:02x} at offset {exc.start}).{hint}"
        ) from None


def read_manifest(folder: Path) -> dict:
    path = folder / "city.toml"
    try:
        manifest = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise DataLoadError(f"{path}: not valid TOML: {exc}") from None
    missing = [k for k in ("slug", "name", "country", "currency", "areas") if k not in manifest]
    if missing:
        raise DataLoadError(f"{path}: missing key(s) {', '.join(missing)}")
    for i, layer in enumerate(manifest["areas"]):
        for key in ("level", "file"):
            if key not in layer:
                raise DataLoadError(f"{path}: [[areas]] entry {i + 1} has no {key!r}")
    try:
        check_timezone(manifest.get("timezone", "UTC"))
    except ValidationError as exc:
        raise DataLoadError(f"{path}: {exc.problems[0].describe()}") from None
    return manifest


def read_csv(path: Path, required: list[str]) -> list[tuple[int, dict]]:
    """(row number, row) pairs; every column in ``required`` must be in the header."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise DataLoadError(
            f"{path.name}: missing column(s) {', '.join(missing)} (found: {', '.join(header)})"
        )
    return list(enumerate(reader, start=1))


def read_features(path: Path, required: list[str]) -> list[tuple[int, dict, object]]:
    """(feature number, properties, geometry-or-exception) from a GeoJSON FeatureCollection."""
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataLoadError(f"{path.name}: not valid JSON: {exc}") from None
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise DataLoadError(f"{path.name}: not a GeoJSON FeatureCollection")
    crs = (doc.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and not crs.endswith(("CRS84", "4326")):
        raise DataLoadError(f"{path.name}: coordinates must be lon/lat (EPSG:4326), not {crs}")
    out = []
    for i, feat in enumerate(doc["features"], start=1):
        props = feat.get("properties") or {}
        if i == 1:
            missing = [c for c in required if c not in props]
            if missing:
                raise DataLoadError(f"{path.name}: missing property(ies) {', '.join(missing)}")
        try:
            geom = shapely.from_geojson(json.dumps(feat.get("geometry")))
        except Exception as exc:  # shapely raises GEOSException or ValueError
            geom = exc
        out.append((i, props, geom))
    return out


class RowError(ValueError):
    """One field of one row cannot be accepted."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def clean_polygon(geom):
    """A valid MultiPolygon within lon/lat range, or raise ``RowError`` saying why."""
    if isinstance(geom, Exception):
        raise RowError("geometry", f"unreadable ({geom})")
    if geom is None or geom.is_empty:
        raise RowError("geometry", "empty")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise RowError("geometry", f"{geom.geom_type} is not a polygon")
    x0, y0, x1, y1 = geom.bounds
    try:
        check_lonlat(x0, y0)
        check_lonlat(x1, y1)
    except ValidationError as exc:
        raise RowError("geometry", exc.problems[0].problem) from None
    fixed = repair(geom)
    if fixed.is_empty or fixed.area == 0:
        raise RowError("geometry", "has no area after repair")
    return to_multipolygon(fixed)


def optional_int(value, field: str) -> int | None:
    if value in (None, "", "-"):
        return None
    try:
        n = int(float(str(value).replace(",", "")))
    except ValueError:
        raise RowError(field, f"{value!r} is not a number") from None
    if n < 0:
        raise RowError(field, f"{value!r} is negative")
    return n
