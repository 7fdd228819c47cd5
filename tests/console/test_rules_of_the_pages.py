"""The console's pure parts: forms as request bodies, refusals placed beside their
fields, the session cookie (tampering, expiry, inactivity, Secure outside local),
every message translated, every enum value and every problem code labelled."""

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import pytest
from fastapi import Response

from application.errors import Problem
from application.requests.opening import CaseCreate
from console import labels, refusal_words
from console.catalogues import missing
from console.forms import Kind, body, from_problems, parse, validated
from console.i18n import Formats
from console.session import COOKIE, ConsoleSessions, secure_cookies, signed_in
from relais.settings import Role, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_a_form_is_the_nested_body_its_field_names_describe() -> None:
    form = parse(
        b"consents.callback.consented=on&consents.callback.earliest_hour=17&categories=grooming"
        b"&categories=hacking&items.0.location.url=https%3A%2F%2Fx.fr%2Fa&contact.handles=%40a%0D%0A%40b"
        b"&summary=&unticked="
    )
    fields = {
        "consents.callback.consented": Kind.BOOL,
        "consents.callback.earliest_hour": Kind.INT,
        "consents.report_to_platforms": Kind.BOOL,
        "categories": Kind.LIST,
        "items.0.location.url": Kind.TEXT,
        "contact.handles": Kind.LINES,
        "summary": Kind.TEXT,
    }
    assert body(form, fields) == {
        "consents": {
            "callback": {"consented": True, "earliest_hour": 17},
            "report_to_platforms": False,
        },
        "categories": ["grooming", "hacking"],
        "items": [{"location": {"url": "https://x.fr/a"}}],
        "contact": {"handles": ["@a", "@b"]},
    }


def test_a_schema_refusal_names_the_form_fields_and_never_echoes_values() -> None:
    form = parse(b"channel=phone&caller_role=victim&age_band=old&consents.callback.latest_hour=x")
    fields = {
        "channel": Kind.TEXT,
        "caller_role": Kind.TEXT,
        "age_band": Kind.TEXT,
        "categories": Kind.LIST,
        "consents.callback.latest_hour": Kind.INT,
    }
    request, errors = validated(CaseCreate, form, fields)
    assert request is None
    assert errors.by_field == {
        "age_band": ["Choose one of the options."],
        "categories": ["Choose at least one."],
        "consents.callback.latest_hour": ["Give a whole number."],
    }
    assert "old" not in str(errors)


def test_a_problem_goes_beside_its_field_or_its_nearest_enclosing_one() -> None:
    problems = [
        Problem(("items", 0, "location", "url"), "bad url", code="url_invalid"),
        Problem(("items", 0, "location"), "no location", code="location_missing"),
        Problem(("consents", "report_to_platforms"), "no consent", code="no_platform_consent"),
        Problem((), "a bug", code="something_new"),
    ]
    known = ["items.0.location.url", "items.0.platform"]
    errors = from_problems(problems, known)
    assert errors.by_field == {"items.0.location.url": [refusal_words.PROBLEMS["url_invalid"]]}
    assert errors.general == [
        refusal_words.PROBLEMS["location_missing"],
        refusal_words.PROBLEMS["no_platform_consent"],
        refusal_words.INVALID,
    ]


def sessions(**changes: object) -> ConsoleSessions:
    return ConsoleSessions(Settings(**changes))  # type: ignore[arg-type]


def cookie_of(sessions_: ConsoleSessions, at: datetime) -> str:
    response = Response()
    sessions_.write(response, signed_in("lea", Role.COUNSELLOR, "token", at))
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/console" in header
    found = re.match(rf"{COOKIE}=([^;]+);", header)
    assert found
    return found[1]


def test_a_session_lasts_while_its_person_is_active_and_no_longer() -> None:
    keeper = sessions(console_idle_minutes=15, console_session_hours=12)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    cookie = cookie_of(keeper, start)
    assert keeper.read(cookie, start + timedelta(minutes=14)).subject == "lea"
    idle = keeper.read(cookie, start + timedelta(minutes=16))
    assert idle.subject is None and idle.idle_out
    assert keeper.read(cookie + "x", start).subject is None
    other = sessions(console_session_secret="another-secret-that-is-long-enough-for-hs256")
    assert other.read(cookie, start).subject is None
    # Active all day, the session still ends after its lifetime.
    late = start + timedelta(hours=12, minutes=1)
    assert keeper.read(cookie_of(keeper, start), late).subject is None


@pytest.mark.parametrize(
    ("public_url", "secure"),
    [
        ("http://127.0.0.1:8000", False),
        ("http://localhost:8000", False),
        ("https://relais.example.org", True),
        ("http://relais.internal:8000", True),
        ("http://10.1.2.3:8000", True),
    ],
)
def test_cookies_are_secure_outside_a_local_run(public_url: str, secure: bool) -> None:
    assert secure_cookies(Settings(public_api_url=public_url)) is secure
    assert secure_cookies(Settings(public_api_url=public_url, console_secure_cookies=True))


def test_every_message_has_its_french_translation() -> None:
    assert missing("fr") == []


def test_every_enum_value_shown_has_a_label() -> None:
    shown = {type(value) for value in labels.LABELS}
    for enum in shown:
        assert issubclass(enum, StrEnum)
        unlabelled = [v for v in enum if v not in labels.LABELS]
        assert unlabelled == [], enum.__name__


def test_every_problem_code_the_code_base_raises_is_translated() -> None:
    """Codes are found in the sources (workflows, domain, application, API, chat), not listed."""
    raised: set[str] = set()
    for folder in ("workflows", "domain", "application", "api", "chat"):
        for source in (ROOT / folder).rglob("*.py"):
            text = source.read_text()
            raised |= set(re.findall(r'problem\(\s*"([a-z_]+)"', text))
            raised |= set(re.findall(r'code="([a-z_]+)"', text))
    raised.discard("rejected")
    assert len(raised) > 30
    assert sorted(raised - set(refusal_words.PROBLEMS)) == []


def test_times_are_in_paris_and_formatted_per_language() -> None:
    winter = datetime(2026, 12, 1, 17, 5, tzinfo=UTC)  # 18:05 in Paris
    assert Formats("fr", "Europe/Paris").when(winter) == "mar. 1 déc., 18:05"
    assert Formats("en", "Europe/Paris").when(winter) == "Tue, Dec 1, 18:05"
    assert Formats("fr", "Europe/Paris").duration(5400) == "90 min"
    assert Formats("en", "Europe/Paris").duration(3 * 86400) == "3 d"
