"""Points gathered for one view of a map: where a view holds too many to draw one by one, a
count per screen cell; where few, each point.

Cells are squares of the screen (``cell_px`` pixels of 256-pixel web map tiles at the
view's zoom), so a cluster is as big on screen at every zoom. This is drawing arithmetic in
screen pixels, not a measure of the ground: distances and areas are never taken here.

>>> import numpy as np
>>> lon = np.array([126.97, 126.9701, 127.05, 126.90])
>>> lat = np.array([37.57, 37.5701, 37.52, 37.60])
>>> g = grid(lon, lat, zoom=11)
>>> sorted(g.counts.tolist()), int(g.counts.sum())
([1, 1, 2], 4)
>>> sorted(grid(lon, lat, zoom=18).counts.tolist())  # close up, each point alone
[1, 1, 1, 1]
>>> inside(lon, lat, (126.95, 37.55, 127.0, 37.6)).tolist()
[True, True, False, False]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TILE_PX = 256
MAX_LAT = 85.05112878  # where web map tiles stop


@dataclass(frozen=True)
class Grid:
    lon: np.ndarray  # per cell, the mean of its points
    lat: np.ndarray
    counts: np.ndarray
    first: np.ndarray  # per cell, the index of one of its points (its only one, for a count of 1)


def screen_xy(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates on the web map's world image at ``zoom``."""
    size = TILE_PX * 2.0 ** zoom
    phi = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    x = (np.asarray(lon) + 180.0) / 360.0 * size
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / np.pi) / 2.0 * size
    return x, y


def inside(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float]
           ) -> np.ndarray:
    """Which points lie in ``bbox`` (west, south, east, north), edges included."""
    west, south, east, north = bbox
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def grid(lon: np.ndarray, lat: np.ndarray, zoom: float, cell_px: float = 64) -> Grid:
    """The points counted per screen cell of ``cell_px`` pixels at ``zoom``."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if not len(lon):
        empty = np.zeros(0)
        return Grid(empty, empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    x, y = screen_xy(lon, lat, zoom)
    cx, cy = np.floor(x / cell_px).astype(np.int64), np.floor(y / cell_px).astype(np.int64)
    keys = cx * (int(cy.max()) + 1) + cy
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True,
                                              return_counts=True)
    return Grid(np.bincount(inverse, weights=lon) / counts,
                np.bincount(inverse, weights=lat) / counts, counts, first)
