"""The benchmark runs and every method it times returns the same ranked lists of places.

Speed is not asserted here (see README for the figures); agreement is.
"""

import contextlib
import io
import json
import sys

import pytest
from sqlalchemy.engine import make_url

from spacematch.bench import main, same_ranking


def _run(args) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return json.loads(out.getvalue())


@pytest.fixture(params=["no-postgis", "postgis"])
def bench_db(request):
    """A PostGIS database of its own for the benchmark's table, or none."""
    if request.param == "no-postgis":
        yield ""
        return
    templates = request.getfixturevalue("postgis_templates")
    url = templates.clone("migrated")
    yield make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    templates.drop(url)


def test_quick_benchmark_methods_agree(bench_db):
    args = ["--quick"] + (["--postgis-url", bench_db] if bench_db else [])
    result = _run(args)
    compare = result["compare"]["5000"]
    assert compare["brute_force_agrees"] == compare["queries"] == 20
    assert compare["geopandas"]["agrees"] == 20
    if bench_db:
        assert compare["postgis"]["agrees"] == 20, compare["postgis"]
        assert compare["postgis"]["uses_gist"]
    else:
        assert "skipped" in compare["postgis"]
    assert result["targets"]["all_methods_same_ranked_lists"] is True
    assert result["pairing"]["status"] == "optimal" and result["pairing"]["pairs"] > 0
    index = result["index"]["5000"]
    assert index["empty_results"] < 40
    # rows are rooms grouped into places, and some listed places have several fitting
    # rooms, so the agreement above checks that every method ranks a place once
    assert index["rows"] == 5000 and index["places"] < index["rows"]
    assert index["hits_with_rooms_fit_gt_1"] > 0


def test_ties_within_tolerance_count_as_the_same_ranking():
    assert same_ranking([(1, 0.5), (2, 0.5)], [(2, 0.5), (1, 0.5 + 1e-12)])
    assert not same_ranking([(1, 0.6), (2, 0.5)], [(2, 0.6), (1, 0.5)])


def test_without_geopandas_the_benchmark_names_the_extra(monkeypatch, capsys):
    """GeoPandas comes with ``spacematch[bench]`` only; without it the benchmark says so."""
    monkeypatch.setitem(sys.modules, "geopandas", None)  # as if not installed
    assert main(["--quick"]) == 2
    err = capsys.readouterr().err
    assert "geopandas" in err and "spacematch[bench]" in err
