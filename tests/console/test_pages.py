"""The console's pages over real HTTP, on the whole system: sign-in with a local token,
CSRF on every form, the headers of pages showing personal data, a case opened from the
intake form with its triage, refusals shown beside their fields with what was typed."""

import re

from tests.support.console import ConsoleUser, console_user
from tests.support.stack import Stack

INTAKE = {
    "channel": "phone",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": ["suicidal_risk"],
    "consents.report_to_platforms": "on",
    "consents.callback.consented": "on",
    "consents.callback.earliest_hour": "9",
    "consents.callback.latest_hour": "23",
    "contact.first_name": "Maelys-Quintessa",
    "contact.phone": "+33655501234",
}


async def signed_in(stack: Stack, token: str = "local-counsellor-token") -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in(token)
    return user


async def test_a_counsellor_signs_in_and_opens_a_case_whose_triage_shows_at_once(
    stack: Stack,
) -> None:
    user = await signed_in(stack)
    opened = await user.send("/cases/new", "/cases", INTAKE, form_id="new-case")
    assert opened.status_code == 303, opened.text[:2000]
    location = opened.headers["location"]
    assert "Maelys" not in location and "+336" not in location
    case_id = re.fullmatch(r"/console/cases/([0-9a-f]+)\?opened=1", location)
    assert case_id, location
    page = await user.http.get(location)
    assert page.status_code == 200, page.text[:2000]
    assert "Triage" in page.text or "triage" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Maelys" not in page.text  # hidden until "show"
