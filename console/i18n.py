"""Languages of the console: French by default (the helpline's), English on request.

Every string a page shows is a gettext message: templates mark theirs with
``{% trans %}`` / ``_()``, Python modules with :func:`N_` (read at render time). The
catalogues are the ``.po`` files under ``console/locale``, compiled in memory at
start-up (no build step, no binary file in the repository); ``python -m
console.catalogues`` refreshes them from the sources. Times are shown in the
helpline's time zone, formatted per locale by Babel.
"""

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from relais.clock import utc_now

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "fr"
LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "relais_console_lang"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache
def translations(language: str) -> Translations:
    """The language's catalogue, compiled in memory from its ``.po`` file."""
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def chosen(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT


class Formats:
    """Dates, times and numbers for one language, in the helpline's time zone."""

    def __init__(self, language: str, timezone: str) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self.zone = ZoneInfo(timezone)

    def when(self, at: datetime | None) -> str:
        """e.g. "mar. 1 déc., 18:05" / "Tue, Dec 1, 18:05" (Paris time)."""
        if at is None:
            return ""
        local = at.astimezone(self.zone)
        day = format_skeleton("MMMEd", local, locale=self.locale)
        return f"{day}, {format_time(local, 'HH:mm', locale=self.locale)}"

    def hour(self, at: datetime | None) -> str:
        """e.g. "18:05" on the day it is (Paris time), else as :meth:`when`."""
        if at is None:
            return ""
        local = at.astimezone(self.zone)
        if local.date() != utc_now().astimezone(self.zone).date():
            return self.when(at)
        return format_time(local, "HH:mm", locale=self.locale)

    def day(self, at: datetime | None) -> str:
        return "" if at is None else format_date(at.astimezone(self.zone), "long", self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, format="#,##0.#", locale=self.locale)

    def duration(self, seconds: float) -> str:
        """A time to removal: seconds under two minutes, minutes under two hours, hours
        under two days, else days."""
        gettext = translations(self.language).gettext
        if seconds < 120:
            return gettext("%(n)s s") % {"n": self.number(round(seconds))}
        if seconds < 7200:
            return gettext("%(n)s min") % {"n": self.number(round(seconds / 60, 1))}
        if seconds < 172800:
            return gettext("%(n)s h") % {"n": self.number(round(seconds / 3600, 1))}
        return gettext("%(n)s d") % {"n": self.number(round(seconds / 86400, 1))}
