"""The message catalogues: which files hold translatable strings, and how the Korean
catalogue is brought up to date with them.

    python -m spacematch.catalogues update    # new strings into every .po (untranslated)
    python -m spacematch.catalogues check     # list the strings with no translation yet
    pybabel compile -d spacematch/translations  # what `make` does at install

English strings are the message ids; ``spacematch/translations/ko/LC_MESSAGES/messages.po``
holds their Korean. ``tests/test_translations.py`` fails while any string lacks one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"
LANGUAGES = ("ko",)  # English is the source language: its strings are the ids

# _ and gettext in views, lazy_gettext / _l in form classes (read when a page is drawn),
# N_ in the domain and services (marks a string without translating it: they import no Flask)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
            "_l": None, "N_": None, "pgettext": ((1, "c"), 2)}
SOURCES = [  # folder, what to read in it, how
    (PACKAGE, "**.py", "python", {}),
    (ROOT / "templates", "**.html", "jinja2.ext:babel_extract", {"trimmed": "true"}),
]


def extract():
    """Every translatable string of the package and its templates, as a Babel catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="spacematch", msgid_bugs_address="", charset="utf-8")
    for folder, pattern, method, options in SOURCES:
        prefix = folder.relative_to(ROOT).as_posix()
        for filename, lineno, message, comments, context in extract_from_dir(
                str(folder), [(pattern, method)], {pattern: options}, KEYWORDS,
                comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
            catalog.add(message, None, [(f"{prefix}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def read(lang: str):
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def update(add: dict[str, dict[str, str]] | None = None) -> None:
    """Bring each language's catalogue up to date: new strings in (untranslated), strings no
    page uses any more out; translations of the others kept. ``add`` gives translations to
    put in (``{"ko": {english: korean}}``), for strings in use only."""
    from babel.messages.pofile import write_po

    template = extract()
    for lang in LANGUAGES:
        path = po_path(lang)
        catalog = read(lang) if path.exists() else None
        if catalog is None:
            from babel.messages.catalog import Catalog
            catalog = Catalog(locale=lang, project="spacematch")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # a fuzzy header would stop pybabel compiling it
        for english, translated in ((add or {}).get(lang) or {}).items():
            message = catalog.get(english)
            if message is not None and translated:
                # Korean has one plural form: the ngettext strings get one translation
                message.string = (translated,) if message.pluralizable else translated
                message.flags.discard("fuzzy")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True,
                     sort_output=False)


def missing(lang: str) -> list[str]:
    """Strings used somewhere that ``lang`` has no (or only a fuzzy) translation for."""
    catalog = read(lang)
    out = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        ok = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not ok or (found and found.fuzzy):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        # update [--add ko=FILE.json ...]: FILE holds {english: korean}
        add: dict[str, dict[str, str]] = {}
        for spec in argv[1:]:
            if spec == "--add":
                continue
            lang, _, filename = spec.partition("=")
            add.setdefault(lang, {}).update(json.loads(Path(filename).read_text("utf-8")))
        update(add)
        return 0
    if command == "check":
        status = 0
        for lang in LANGUAGES:
            for text in missing(lang):
                print(f"{lang}: {text}")
                status = 1
        return status
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
