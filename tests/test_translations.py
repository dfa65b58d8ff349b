"""Every string a person reads has its Korean, and no page text escapes the catalogue.

The catalogue is spacematch/translations/ko/LC_MESSAGES/messages.po; after changing a page
run ``python -m spacematch.catalogues update`` and fill in the new strings' Korean.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from spacematch import catalogues

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").glob("*.html"))
# a named value with its conversion (%(n)d, %(x).1f, %(v)r): both must match
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([sdifgrxe])")
POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifgrxe]")


@pytest.fixture(scope="module")
def korean():
    return catalogues.read("ko")


def test_every_string_in_the_pages_and_code_has_a_korean_translation():
    missing = catalogues.missing("ko")
    assert not missing, (f"{len(missing)} strings have no Korean in "
                         f"{catalogues.po_path('ko')}: {missing[:20]}")


def test_every_translation_keeps_the_values_its_english_puts_in(korean):
    wrong = []
    for message in korean:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else \
            (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        positional = len(POSITIONAL.findall(PLACEHOLDER.sub("", ids[0])))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted or \
                    len(POSITIONAL.findall(PLACEHOLDER.sub("", s))) != positional:
                wrong.append((ids[0], s))
    assert not wrong, wrong[:10]


def test_the_catalogue_has_no_strings_that_nothing_uses(korean):
    used = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogues.extract() if m.id}
    unused = [m.id for m in korean if m.id and (m.id if isinstance(m.id, str) else m.id[0])
              not in used and not m.obsolete]
    assert not unused, f"run python -m spacematch.catalogues update: {unused[:10]}"


def test_the_compiled_catalogue_is_the_current_one(korean):
    """`make` compiles the .po at install; a stale .mo would show old Korean."""
    mo = catalogues.po_path("ko").with_suffix(".mo")
    assert mo.exists(), "run make (pybabel compile) to build the .mo"
    with mo.open("rb") as f:
        compiled = read_mo(f)
    def key(m):
        return m.id if isinstance(m.id, str) else tuple(m.id)

    def value(m):
        return m.string if isinstance(m.string, str) else tuple(m.string)

    strings = {key(m): value(m) for m in compiled if m.id}
    for message in korean:
        if message.id and message.string and not message.fuzzy:
            assert strings.get(key(message)) == value(message), message.id


# --- text in templates that is not passed through the catalogue --------------------------------

# what may stay as it is in any language: names, units, symbols
ALLOWED = {"spacematch", "UTC", "m²", "km", "m", "OSM", "OpenStreetMap", "Leaflet", "KRW", "USD",
           "CSRF", "ID", "nbsp", "amp", "middot", "times", "ndash", "mdash", "rarr", "larr"}
VISIBLE_ATTRS = re.compile(r'\s(?:title|aria-label|placeholder|alt)="([^"]*)"')


def _visible_literal_text(source: str) -> list[str]:
    text = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", text, flags=re.S)
    attrs = VISIBLE_ATTRS.findall(text)
    text = re.sub(r"{{.*?}}|{%.*?%}", " ", text, flags=re.S)
    attrs = [re.sub(r"{{.*?}}|{%.*?%}", " ", a) for a in attrs]
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    words = re.findall(r"[A-Za-z][A-Za-z'’-]+", " ".join([text, *attrs]))
    return [w for w in words if w not in ALLOWED]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_text_outside_the_catalogue(template):
    source = template.read_text("utf-8")
    # whole {% trans %} blocks are in the catalogue: their English is not literal text
    source = re.sub(r"{%-?\s*trans\b.*?endtrans\s*-?%}", " ", source, flags=re.S)
    left = _visible_literal_text(source)
    assert not left, f"{template.name}: words not passed through _(): {left[:15]}"


def test_the_template_check_finds_literal_text():
    assert _visible_literal_text('<p title="Open map">Hello {{ _("x") }}</p>') == \
        ["Hello", "Open", "map"]
    assert _visible_literal_text('<p>{{ _("Hello") }} <b>{{ n }}</b> m²</p>') == []
