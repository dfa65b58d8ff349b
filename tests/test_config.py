"""The secret key: kept private on disk, and never a short one from the environment."""

import logging
import os
import stat

import pytest

from spacematch.config import from_environment, instance_secret_key

KEY = "k" * 64


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_made_private_with_a_warning(tmp_path, caplog, mode):
    key_file = tmp_path / "secret_key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(mode)
    with caplog.at_level(logging.WARNING, logger="spacematch"):
        assert instance_secret_key(tmp_path) == KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert any(str(key_file) in r.getMessage() and "0600" in r.getMessage()
               for r in caplog.records if r.levelno == logging.WARNING)


def test_a_private_key_file_is_read_without_a_word(tmp_path, caplog):
    key_file = tmp_path / "secret_key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="spacematch"):
        assert instance_secret_key(tmp_path) == KEY
    assert caplog.records == []


def test_a_dangling_link_is_an_error_naming_it(tmp_path):
    (tmp_path / "secret_key").symlink_to(tmp_path / "nowhere")
    with pytest.raises(RuntimeError) as err:
        instance_secret_key(tmp_path)
    message = str(err.value)
    assert str(tmp_path / "secret_key") in message and str(tmp_path / "nowhere") in message
    assert not (tmp_path / "nowhere").exists()  # nothing written through the link


def test_a_short_key_from_the_environment_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SPACEMATCH_SECRET_KEY", "secret")
    with pytest.raises(ValueError, match="SPACEMATCH_SECRET_KEY must have at least 32 "
                                         "characters"):
        from_environment(str(tmp_path))
    monkeypatch.setenv("SPACEMATCH_SECRET_KEY", "x" * 32)
    assert from_environment(str(tmp_path))["SECRET_KEY"] == "x" * 32
    monkeypatch.setenv("SPACEMATCH_SECRET_KEY", "")  # empty: unset, the instance file's key
    assert from_environment(str(tmp_path))["SECRET_KEY"] is None
    assert not os.listdir(tmp_path)


def test_the_basemap_is_openstreetmaps_with_its_attribution_unless_turned_off(
        tmp_path, monkeypatch):
    from spacematch import create_app
    from spacematch.web.maps import base_map

    def tiles(value):
        if value is None:
            monkeypatch.delenv("SPACEMATCH_TILE_URL", raising=False)
        else:
            monkeypatch.setenv("SPACEMATCH_TILE_URL", value)
        app = create_app({"SPACEMATCH_DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite",
                          "TESTING": True, "SECRET_KEY": "x" * 32})
        with app.test_request_context("/"):
            from spacematch.web import _tiles
            url, attribution = _tiles()
            html = base_map((37.5, 127.0), 12, url, attribution).get_root().render()
        return url, attribution, html

    url, attribution, html = tiles(None)
    assert url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert 'href="https://www.openstreetmap.org/copyright"' in attribution
    assert "tile.openstreetmap.org" in html and "openstreetmap.org/copyright" in html
    for off in ("none", "NONE", ""):
        url, attribution, html = tiles(off)
        assert (url, attribution) == ("", "") and "L.tileLayer" not in html
