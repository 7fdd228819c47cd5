"""Refresh the chat's message catalogues from its sources.

    .venv/bin/python -m chat.catalogues          # update chat/locale/*/messages.po
    .venv/bin/python -m chat.catalogues --check  # exit 1 if a French message is missing

Messages are extracted from the templates (``{% trans %}``, ``_()``) and the Python
modules (``N_()``); translations already written are kept, messages no longer used
are dropped. English is the source language: its catalogue stays empty.
"""

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from chat.i18n import LANGUAGES, catalogue_path

ROOT = Path(__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Iterator[tuple[str, str, int]]:
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, options_map=OPTIONS, strip_comment_tags=True
    ):
        if isinstance(message, str) and message:
            yield message, filename, lineno


def template() -> Catalog:
    catalog = Catalog(project="Relais chat", version="1", charset="utf-8")
    for message, filename, lineno in extracted():
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


def read(language: str) -> Catalog:
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=language)
    with path.open("rb") as file:
        return read_po(file, locale=language)


def update() -> None:
    source = template()
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(source, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalog, width=100, omit_header=False, sort_output=True)


def missing(language: str = "fr") -> list[str]:
    """Messages used in the sources that the language's catalogue does not translate."""
    catalog = read(language)
    return sorted(
        {
            message
            for message, _, _ in extracted()
            if not (found := catalog.get(message)) or not found.string or found.fuzzy
        }
    )


def main(argv: list[str]) -> int:
    if "--check" in argv:
        gaps = missing()
        for message in gaps:
            print(f"untranslated: {message!r}")
        return 1 if gaps else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
