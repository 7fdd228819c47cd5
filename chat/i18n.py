"""The chat's languages: French first (the helpline's), English a click away.

Every string the page shows is a gettext message: the templates mark theirs with
``{% trans %}`` / ``_()``, Python modules with :func:`N_`. The catalogues are the
``.po`` files under ``chat/locale``, compiled in memory at start-up; ``python -m
chat.catalogues`` refreshes them from the sources (English is the source language:
its catalogue stays empty). The page's script gets its few sentences from the page
itself (``data-`` attributes), already in the page's language.
"""

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "fr"
LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "relais_chat_lang"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache
def translations(language: str) -> Translations:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def chosen(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT


class Times:
    """When the helpline opens, in its time zone and the page's language."""

    def __init__(self, language: str, timezone: str) -> None:
        self.locale = Locale.parse(language)
        self.zone = ZoneInfo(timezone)

    def day_and_time(self, at: datetime | None) -> str:
        """e.g. "dimanche 6 décembre, 09:00" / "Sunday 6 December, 09:00"."""
        if at is None:
            return ""
        local = at.astimezone(self.zone)
        day = format_date(local, "EEEE d MMMM", locale=self.locale)
        return f"{day}, {format_time(local, 'HH:mm', locale=self.locale)}"

    def time(self, at: datetime | None) -> str:
        if at is None:
            return ""
        return format_time(at.astimezone(self.zone), "HH:mm", locale=self.locale)
