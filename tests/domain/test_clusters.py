"""Screen-cell clustering: every point counted once, each cell's centre among its points,
finer cells as the map zooms in."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.clusters import grid, screen_xy

coords = st.lists(st.tuples(st.floats(126.7, 127.3), st.floats(37.4, 37.7)), min_size=1,
                  max_size=300)


@settings(max_examples=60, deadline=None)
@given(coords, st.integers(5, 19))
def test_every_point_is_in_one_cell_whose_centre_is_among_its_points(points, zoom):
    lon, lat = np.array(points).T
    cells = grid(lon, lat, zoom)
    assert cells.counts.sum() == len(lon) and (cells.counts >= 1).all()
    x, y = screen_xy(lon, lat, zoom)
    cx, cy = screen_xy(cells.lon, cells.lat, zoom)
    # a cell's centre lies in its own 64-pixel square, as its points do
    for mine, centre in ((x[cells.first], cx), (y[cells.first], cy)):
        assert (np.abs(np.floor(mine / 64) * 64 + 32 - centre) <= 32 + 1e-6).all()
    assert len(cells.counts) <= len(grid(lon, lat, zoom + 1).counts)


def test_a_zoom_level_doubles_the_screen():
    x1, y1 = screen_xy(np.array([127.0]), np.array([37.5]), 10)
    x2, y2 = screen_xy(np.array([127.0]), np.array([37.5]), 11)
    assert np.allclose([x2[0], y2[0]], [2 * x1[0], 2 * y1[0]])
