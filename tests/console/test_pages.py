"""The console's pages over real HTTP, on the whole system: sign-in with a local token,
CSRF on every form, the headers of pages showing personal data, a case opened from the
intake form with its triage, refusals shown beside their fields with what was typed,
a double submit done once, roles as in the API, inactivity ending the session."""

import re
from collections.abc import AsyncIterator

import pytest

from api.app import create_app
from relais.db import AuditLog, CaseDirectory
from relais.serving import free_port, serve_app
from tests.support.cases import case_view
from tests.support.console import ConsoleUser, console_user, hidden_fields
from tests.support.stack import Stack
from tests.support.waiting import eventually

FIRST_NAME = "Maelys-Quintessa"
PHONE = "+33655501234"
INTAKE = {
    "channel": "phone",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": ["suicidal_risk"],
    "consents.report_to_platforms": "on",
    "consents.callback.consented": "on",
    "consents.callback.earliest_hour": "0",
    "consents.callback.latest_hour": "24",
    "contact.first_name": FIRST_NAME,
    "contact.phone": PHONE,
}


async def signed_in(stack: Stack, token: str = "local-counsellor-token") -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in(token)
    return user


async def open_case(user: ConsoleUser) -> str:
    opened = await user.send("/cases/new", "/cases", INTAKE, form_id="new-case")
    assert opened.status_code == 303, opened.text[:2000]
    found = re.fullmatch(r"/console/cases/([0-9a-f]{32})\?opened=1", opened.headers["location"])
    assert found, opened.headers["location"]
    return found[1]


async def test_a_case_opened_from_the_form_shows_its_triage_and_hides_the_contact(
    stack: Stack,
) -> None:
    user = await signed_in(stack)
    case_id = await open_case(user)
    page = await user.page(f"/cases/{case_id}?opened=1")
    assert page.status_code == 200
    assert "Triage : urgence critique" in page.text
    assert page.headers["cache-control"] == "no-store"
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert FIRST_NAME not in page.text and PHONE not in page.text  # hidden until "show"
    title = re.search(r"<title>(.*)</title>", page.text)
    assert title and FIRST_NAME not in title[1]


async def test_a_double_submit_opens_one_case_and_adds_one_note(stack: Stack) -> None:
    user = await signed_in(stack)
    drawn = await user.page("/cases/new")
    fields = {**hidden_fields(drawn.text, "new-case"), **INTAKE}
    first = await user.http.post("/console/cases", data=fields)
    again = await user.http.post("/console/cases", data=fields)
    assert first.headers["location"] == again.headers["location"]
    case_id = first.headers["location"].split("/")[3].split("?")[0]
    page = await user.page(f"/cases/{case_id}")
    note = {**hidden_fields(page.text, "note"), "text": "a note sent twice"}
    for _ in range(2):
        sent = await user.http.post(f"/console/cases/{case_id}/notes", data=note)
        assert sent.status_code == 303, sent.text[:1000]
    view = await case_view(stack.api, case_id)
    assert [n["text"] for n in view["notes"]] == ["a note sent twice"]


async def test_a_refused_form_comes_back_with_the_problem_beside_its_field(stack: Stack) -> None:
    user = await signed_in(stack)
    refused = await user.send(
        "/cases/new",
        "/cases",
        {**INTAKE, "categories": [], "consents.callback.earliest_hour": "soon"},
        form_id="new-case",
    )
    assert refused.status_code == 422
    html = refused.text
    # Each message beside its field, in French, and the field says it is invalid.
    assert 'id="new-case-categories-error">Choisissez-en au moins un.' in html
    assert 'id="new-case-consents-callback-earliest_hour-error">Indiquez un nombre entier.' in html
    assert 'aria-describedby="new-case-categories-error"' in html
    # Nothing typed is lost.
    assert f'value="{FIRST_NAME}"' in html and f'value="{PHONE}"' in html
    assert 'value="soon"' in html
    assert 'value="suicidal_risk" checked' in html


async def test_a_workflow_refusal_is_translated_by_its_code(stack: Stack) -> None:
    user = await signed_in(stack)
    case_id = await open_case(user)
    item = {
        "items.0.platform": "tiktok",
        "items.0.content_type": "video",
        "items.0.legal_qualification": "cyberharassment",
        "items.0.location.url": "ftp://www.tiktok.com/x",
    }
    refused = await user.send(f"/cases/{case_id}", f"/cases/{case_id}/items", item, form_id="items")
    assert refused.status_code == 422
    assert 'id="items-items-0-location-url-error">Indiquez un lien complet' in refused.text
    assert 'value="ftp://www.tiktok.com/x"' in refused.text
    english = console_user(str(stack.api.base_url))
    english.http.cookies.set("relais_console_lang", "en", path="/console")
    await english.sign_in("local-counsellor-token")
    again = await english.send(
        f"/cases/{case_id}", f"/cases/{case_id}/items", item, form_id="items"
    )
    assert 'id="items-items-0-location-url-error">Give a full link' in again.text


async def test_every_form_needs_the_sessions_csrf_token(stack: Stack) -> None:
    user = await signed_in(stack)
    case_id = await open_case(user)
    page = await user.page(f"/cases/{case_id}")
    fields = {**hidden_fields(page.text, "note"), "text": "forged"}
    for token in ("", "not-the-token"):
        forged = await user.http.post(
            f"/console/cases/{case_id}/notes", data={**fields, "csrf": token}
        )
        assert forged.status_code == 403 and "Formulaire expiré" in forged.text
    # Another person's token does not pass either.
    other = await signed_in(stack, "local-colleague-token")
    theirs = hidden_fields((await other.page("/worklist")).text)["csrf"]
    crossed = await user.http.post(
        f"/console/cases/{case_id}/notes", data={**fields, "csrf": theirs}
    )
    assert crossed.status_code == 403
    assert (await case_view(stack.api, case_id))["notes"] == []


async def test_showing_the_contact_is_an_audited_read(stack: Stack) -> None:
    user = await signed_in(stack)
    case_id = await open_case(user)
    shown = await user.send(f"/cases/{case_id}", f"/cases/{case_id}/contact", {})
    assert shown.status_code == 200 and FIRST_NAME in shown.text and PHONE in shown.text
    assert shown.headers["cache-control"] == "no-store"
    reads = await AuditLog(stack.database).list(case_id=case_id, action="case.contact.read")
    assert [(e.actor, e.role) for e in reads] == [("local-counsellor", "counsellor")]


async def test_a_case_that_is_not_yours_stays_closed_to_you(stack: Stack) -> None:
    user = await signed_in(stack)
    case_id = await open_case(user)
    colleague = await signed_in(stack, "local-colleague-token")
    page = await colleague.page(f"/cases/{case_id}")
    assert page.status_code == 403 and FIRST_NAME not in page.text
    shown = await colleague.send("/worklist", f"/cases/{case_id}/contact", {})
    assert shown.status_code == 403 and FIRST_NAME not in shown.text


async def test_roles_as_in_the_api(stack: Stack) -> None:
    supervisor = await signed_in(stack, "local-supervisor-token")
    assert (await supervisor.page("/dashboard")).status_code == 200
    assert (await supervisor.page("/cases/new")).status_code == 403
    counsellor = await signed_in(stack)
    assert (await counsellor.page("/dashboard")).status_code == 403
    auditor = await signed_in(stack, "local-auditor-token")
    assert (await auditor.page("/worklist")).status_code == 403
    nobody = console_user(str(stack.api.base_url))
    assert (await nobody.page("/worklist")).headers["location"] == "/console/sign-in"
    assert (await nobody.page("/worklist/live")).status_code == 401
    wrong = await nobody.send("/sign-in", "/sign-in", {"token": "not-a-token"})
    assert wrong.status_code == 401 and "Ce jeton n'est pas valide" in wrong.text


@pytest.fixture
async def restless_console(stack: Stack) -> AsyncIterator[str]:
    """The same system, its console signing people out after 1.5 s without activity."""
    port = free_port()
    settings = stack.settings.model_copy(update={"console_idle_minutes": 0.025})
    app = create_app(
        settings, temporal_client=stack.client, database=stack.database, registry=stack.registry
    )
    async with serve_app(app, port=port) as url:
        yield url


async def test_inactivity_ends_the_session(stack: Stack, restless_console: str) -> None:
    user = console_user(restless_console)
    await user.sign_in("local-counsellor-token")
    assert (await user.page("/worklist")).status_code == 200
    # Live refreshes without activity do not keep the session alive.
    await eventually(
        lambda: user.page("/worklist/live?active=0"),
        lambda r: r.status_code == 401,
        what="the session to end",
        within=10,
    )
    back = await user.page("/worklist")
    assert back.headers["location"] == "/console/sign-in?reason=idle"
    again = await user.http.get(back.headers["location"])
    assert "déconnecté après un moment d'inactivité" in again.text


async def test_signing_out_needs_the_token_but_an_ended_session_just_lands_on_sign_in(
    stack: Stack, restless_console: str
) -> None:
    user = await signed_in(stack)
    forged = await user.http.post("/console/sign-out", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert (await user.page("/worklist")).status_code == 200  # still signed in
    out = await user.send("/worklist", "/sign-out", {})
    assert out.headers["location"] == "/console/sign-in?reason=signed_out"
    assert (await user.page("/worklist")).status_code == 303
    # The page's idle timer may fire after the server ended the session: no error page.
    restless = console_user(restless_console)
    await restless.sign_in("local-counsellor-token")
    await eventually(
        lambda: restless.page("/worklist/live"),
        lambda r: r.status_code == 401,
        what="the session to end",
        within=10,
    )
    late = await restless.http.post("/console/sign-out", data={"csrf": "stale", "reason": "idle"})
    assert late.headers["location"] == "/console/sign-in?reason=idle"


async def test_a_case_is_found_by_its_number_and_a_name_typed_there_goes_nowhere(
    stack: Stack,
) -> None:
    user = await signed_in(stack)
    case_id = await open_case(user)
    directory = CaseDirectory(stack.database)
    await eventually(
        lambda: directory.get(case_id), lambda row: row is not None, what="the directory's row"
    )
    found = await user.send("/worklist", "/cases/find", {"case": case_id[:6].upper()})
    assert found.headers["location"] == f"/console/cases/{case_id}"
    for typed in (FIRST_NAME, "Lea", ""):
        missed = await user.send("/worklist", "/cases/find", {"case": typed})
        assert missed.headers["location"] == "/console/worklist?done=not_found"
    colleague = await signed_in(stack, "local-colleague-token")
    theirs = await colleague.send("/worklist", "/cases/find", {"case": case_id[:6]})
    assert theirs.headers["location"] == "/console/worklist?done=not_found"


def referrals_table(html: str) -> str:
    start = html.index('<table id="referrals">')
    return html[start : html.index("</table>", start)]


async def test_a_partner_that_cannot_be_reached_is_said_on_the_case_page(stack: Stack) -> None:
    """The police are down: the case page says since when and how many attempts failed,
    and when the next one is, in the counsellor's language."""
    stack.compress_retries("police")
    await stack.configure_target("police", outage={"active": True})
    try:
        user = await signed_in(stack)
        case_id = await open_case(user)  # immediate danger: the police are alerted at once
        view = await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: any((r["delivery"] or {}).get("attempts", 0) >= 2 for r in v["referrals"]),
            what="the police handoff failing twice",
        )
        [police] = [r for r in view["referrals"] if r["partner"] == "police"]
        assert police["status"] == "pending"
        assert police["detail"].startswith("the partner is unreachable: ")
        live = f"/cases/{case_id}/live"
        french = referrals_table((await user.page(live)).text)
        assert "Le partenaire est injoignable depuis" in french
        assert "tentatives échouées" in french and "Prochaine tentative" in french
        user.http.cookies.set("relais_console_lang", "en")
        english = referrals_table((await user.page(live)).text)
        assert "The partner is unreachable since" in english
        assert "failed attempts:" in english and "Next attempt" in english
        # Said once, in the page's language, not again in the workflow's English words
        # (those are the timeline's).
        assert "the partner is unreachable: " not in english
    finally:
        await stack.configure_target("police", outage={"active": False})
