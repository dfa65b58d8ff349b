"""The browser benchmark runs and measures what it says (the figures themselves are in the
README, not asserted: speed targets live in benchmarks)."""

import contextlib
import io
import json
import os

import pytest

from spacematch.bench_ui import CHROMIUM, main

pytestmark = pytest.mark.browser


def test_the_browser_benchmark_measures_a_small_city():
    if not os.path.exists(CHROMIUM):  # as the browser fixture does; it drives its own
        if os.environ.get("SPACEMATCH_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required but not installed (Debian package chromium)")
        pytest.skip("Chromium not installed (Debian package chromium)")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--sizes", "300"]) == 0
    row = json.loads(out.getvalue())
    assert row["spaces"] == 300
    # the page itself and its scripts, styles and map files, every one counted
    assert row["requests"] >= 8 and row["bytes"] > row["html_bytes"] > 10_000
    assert 0 < row["first_marker_ms"] <= row["all_placed_ms"]
