"""Classes for a choropleth: break values that share areas out evenly (quantiles), so a few
large areas do not paint every other one the same colour."""

from __future__ import annotations

import numpy as np


def quantile_breaks(values, n: int = 5, whole: bool = False) -> list[float]:
    """Upper bounds of up to ``n`` classes of ``values`` (None and NaN left out); the last is
    the maximum. Ties fold into one class, so fewer classes come back where values repeat.
    ``whole`` rounds bounds up to whole numbers, for counts.

    >>> quantile_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)
    [2.8, 4.6, 6.4, 8.2, 10.0]
    >>> quantile_breaks([0, 0, 0, 3], 4), quantile_breaks([0, 0, 0, 3], 4, whole=True)
    ([0.0, 0.75, 3.0], [0.0, 1.0, 3.0])
    >>> quantile_breaks([None, float("nan")])
    []
    """
    clean = np.array([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if clean.size == 0:
        return []
    qs = np.quantile(clean, np.linspace(0, 1, n + 1)[1:])
    if whole:
        qs = np.ceil(qs)
    return sorted({round(float(q), 6) for q in qs})


def class_of(value, breaks: list[float]) -> int | None:
    """The class (0 = lowest) ``value`` falls in; None for a missing value.

    >>> [class_of(v, [2.8, 4.6, 10.0]) for v in (1, 2.8, 3, 10, 11, None)]
    [0, 0, 1, 2, 2, None]
    """
    if value is None or not np.isfinite(value) or not breaks:
        return None
    for i, upper in enumerate(breaks):
        if value <= upper:
            return i
    return len(breaks) - 1
