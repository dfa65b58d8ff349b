"""The README documents every configuration variable and the two commands."""

from pathlib import Path

from spacematch.config import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [name for name in SETTINGS if f"`SPACEMATCH_{name}`" not in README]
    assert missing == []


def test_the_two_commands_are_there():
    assert "make run" in README and "make test" in README
