"""The case page as a counsellor on a call reads it, over real HTTP and in a real
browser, on the whole system (open round the clock, so the web chat answers):
every form shows what is recorded, a refused form's summary names the field, the
timeline speaks French with partners' names (not ids), the case's conversations
are listed and a transcript is read only when asked (an audited read), and nothing
is wider than a 1280 px window or half of it."""

import html
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from relais.db import AuditLog
from tests.support.browser import chromium, needs_chromium
from tests.support.client import auth
from tests.support.console import ConsoleUser, console_user
from tests.support.console_browser import SHOTS, accessible
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

INTAKE: dict[str, str | list[str]] = {
    "channel": "phone",
    "caller_role": "parent",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": ["suicidal_risk"],
    "consents.report_to_platforms": "on",
    "contact.first_name": "Ondine-Perrine",
}


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("case-page")
    policy = fast_policy()
    async with running_stack(local_env.client, folder, policy=policy) as running:
        yield running


async def signed_in(stack: Stack, token: str = "local-counsellor-token") -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in(token)
    return user


async def open_case(user: ConsoleUser) -> str:
    opened = await user.send("/cases/new", "/cases", INTAKE, form_id="new-case")
    assert opened.status_code == 303, opened.text[:2000]
    return str(opened.headers["location"]).split("/")[3].split("?")[0]


def form(page: str, form_id: str) -> str:
    start = page.index(f'id="{form_id}"')
    return page[start : page.index("</form>", start)]


def selected(page: str, form_id: str, name: str) -> str | None:
    """The option a select of the form shows chosen."""
    drawn = form(page, form_id)
    start = drawn.index(f'name="{name}"')
    found = re.search(
        r'<option value="([^"]*)" selected>', drawn[start : drawn.index("</select>", start)]
    )
    return found[1] if found else None


async def test_the_forms_show_what_is_recorded(stack: Stack) -> None:
    lea = await signed_in(stack)
    case_id = await open_case(lea)
    page = (await lea.page(f"/cases/{case_id}")).text
    # "Corriger l'accueil": the recorded age band and first caller, not "Choisir…".
    assert selected(page, "intake", "age_band") == "15_17"
    assert selected(page, "intake", "caller_role") == "parent"
    assert 'value="cyberharassment" checked' in form(page, "intake")
    # A later contact starts from the case's caller; the supervisor's urgency from now.
    assert selected(page, "contact-add", "caller_role") == "parent"
    boss = await signed_in(stack, "local-supervisor-token")
    seen = (await boss.page(f"/cases/{case_id}")).text
    assert selected(seen, "urgency", "urgency") == "critical"


async def test_moving_the_callback_starts_from_its_planned_time(stack: Stack) -> None:
    lea = await signed_in(stack)
    wants_a_call: dict[str, str | list[str]] = {
        **INTAKE,
        "consents.callback.consented": "on",
        "consents.callback.earliest_hour": "0",
        "consents.callback.latest_hour": "24",
    }
    opened = await lea.send("/cases/new", "/cases", wants_a_call, form_id="new-case")
    case_id = str(opened.headers["location"]).split("/")[3].split("?")[0]

    async def planned() -> Any:
        return (await stack.api.get(f"/cases/{case_id}", headers=auth("counsellor"))).json()

    view = await eventually(planned, lambda v: v["callback"]["due_at"], what="the callback")
    due = datetime.fromisoformat(view["callback"]["due_at"]).astimezone(ZoneInfo("Europe/Paris"))
    page = (await lea.page(f"/cases/{case_id}")).text
    assert f'value="{due:%Y-%m-%dT%H:%M}"' in form(page, "reschedule")


async def test_a_refused_forms_summary_names_the_field(stack: Stack) -> None:
    lea = await signed_in(stack)
    case_id = await open_case(lea)
    refused = await lea.send(
        f"/cases/{case_id}", f"/cases/{case_id}/close", {"reason": ""}, form_id="close"
    )
    assert refused.status_code == 422, refused.text[:1000]
    summary = refused.text[refused.text.index('class="error-summary"') :]
    summary = html.unescape(summary[: summary.index("</div>")])
    assert '<a href="#close-reason">Pourquoi : obligatoire</a>' in summary
    # the group holding the refused form is open, the others stay closed
    assert '<details class="group" id="group-case" open>' in refused.text
    assert '<details class="group" id="group-items">' in refused.text


async def test_the_timeline_speaks_the_counsellors_language(stack: Stack) -> None:
    lea = await signed_in(stack)
    case_id = await open_case(lea)
    await lea.send(
        f"/cases/{case_id}", f"/cases/{case_id}/notes", {"text": "appel du père"}, form_id="note"
    )
    api = await stack.api.get(f"/cases/{case_id}", headers=auth("counsellor"))
    entries = api.json()["timeline"]
    # the API keeps its English sentence, and gives the code and its values beside it
    opened = next(e for e in entries if e["kind"] == "opened")
    assert (opened["detail"], opened["code"], opened["params"]) == (
        "case opened (phone)",
        "case.opened",
        {"channel": "phone"},
    )
    page = (await lea.page(f"/cases/{case_id}")).text
    start = page.index('id="timeline"')
    timeline = html.unescape(page[start : page.index("</table>", start)])
    for french in (
        "Dossier ouvert (téléphone).",
        "Urgence critique.",
        "Transmission à Police / gendarmerie lancée",
        "Note ajoutée par local-counsellor.",
    ):
        assert french in timeline, french
    for english in ("case opened", "urgency critical", "handoff to", "note added by"):
        assert english not in timeline, english
    shown = re.sub(r"<[^>]*>", "", page)  # what is read, not the forms' values
    assert f"{case_id}-r" not in shown  # a referral is named by its partner


async def a_linked_conversation(stack: Stack) -> tuple[str, str]:
    """A parent writes in the web chat; the counsellor takes it and opens a case
    from it. Returns the case and the conversation."""
    api, me = stack.api, auth("counsellor")
    async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as parent:
        start = {"writer": "parent", "age_band": "11_14", "privacy_notice_accepted": True}
        assert (await parent.post("/chat/api/conversations", json=start)).status_code == 201
        sent = await parent.post(
            "/chat/api/messages",
            json={"body": "ma fille reçoit des menaces"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert sent.status_code == 201, sent.text
    await api.post("/conversations/desk/presence", json={"presence": "available"}, headers=me)

    async def desk() -> Any:
        return (await api.get("/conversations/desk", headers=me)).json()

    offer = (await eventually(desk, lambda d: bool(d["offers"]), what="an offer"))["offers"][0]
    cid = offer["conversation_id"]

    async def conversation() -> Any:
        return (await api.get(f"/conversations/{cid}", headers=me)).json()

    await eventually(
        conversation,
        lambda r: "conversation" in r and r["conversation"]["offer"] is not None,
        what="the offer on the conversation",
    )
    taken = await api.post(
        f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=me
    )
    assert taken.status_code == 200, taken.text
    intake = {
        "channel": "web_chat",
        "caller_role": "parent",
        "age_band": "11_14",
        "categories": ["cyberharassment"],
    }
    case = await api.post(
        f"/conversations/{cid}/case",
        json=intake,
        headers={**me, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert case.status_code == 201, case.text
    return case.json()["case_id"], cid


async def test_the_case_shows_its_conversations_and_reads_one_when_asked(stack: Stack) -> None:
    case_id, cid = await a_linked_conversation(stack)
    lea = await signed_in(stack)

    async def listed() -> str:
        return (await lea.page(f"/cases/{case_id}")).text

    page = await eventually(listed, lambda p: "Lire la conversation" in p, what="listed")
    assert "ma fille reçoit des menaces" not in page  # not read until asked
    audit = AuditLog(stack.database)
    assert await audit.list(case_id=case_id, action="conversation.transcript.read") == []
    read = await lea.send(
        f"/cases/{case_id}",
        f"/cases/{case_id}/conversations/{cid}/transcript",
        {},
        form_id="conversations",
    )
    assert read.status_code == 200, read.text[:1000]
    assert "ma fille reçoit des menaces" in html.unescape(read.text)
    entries = await audit.list(case_id=case_id, action="conversation.transcript.read")
    assert [e.actor for e in entries] == ["local-counsellor"]
    # a conversation of another case is not read through this one
    other = await open_case(lea)
    refused = await lea.send(
        f"/cases/{other}",
        f"/cases/{other}/conversations/{cid}/transcript",
        {},
        form_id="conversations",
    )
    assert refused.status_code == 404
    assert "ma fille reçoit des menaces" not in html.unescape(refused.text)


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.scroll'))
    .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""

BROKEN_WORDS = """() => [...document.querySelectorAll('#notices td, #notices th')]
  .filter(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    const words = cell.innerText.split(/\\s+/).filter(Boolean).length;
    return lines.size > words;
  }).map(cell => cell.innerText)"""


@needs_chromium
async def test_nothing_is_wider_than_the_window_at_1280_and_640_pixels(stack: Stack) -> None:
    await stack.configure_target("tiktok", decision="removed", decision_delay_seconds=0)
    lea = await signed_in(stack)
    case_id = await open_case(lea)
    item: dict[str, str | list[str]] = {
        "items.0.platform": "tiktok",
        "items.0.content_type": "video",
        "items.0.legal_qualification": "cyberharassment",
        "items.0.location.url": "https://www.tiktok.com/@x/video/1",
    }
    sent = await lea.send(f"/cases/{case_id}", f"/cases/{case_id}/items", item, form_id="items")
    assert sent.status_code == 303, sent.text[:1000]
    base = str(stack.api.base_url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with chromium() as browser:
        for width in (1280, 640):
            context = await browser.new_context(viewport={"width": width, "height": 900})
            page = await context.new_page()
            await page.goto(f"{base}/console/")
            await page.get_by_label("Votre jeton").fill("local-counsellor-token")
            await page.get_by_role("button", name="Se connecter").click()
            await page.goto(f"{base}/console/cases/{case_id}")
            await expect(page.locator("#notices .notice-status")).to_have_text(
                "retiré (vérifié)", timeout=60_000
            )
            # the status, what is due and the next action come first
            assert await page.locator("#case-status").is_visible()
            await page.screenshot(path=SHOTS / f"case-at-{width}px-fr.png")  # as first seen
            # every group opened from the keyboard, then measured
            for group in ("callback", "contact", "items", "referrals", "case"):
                await page.locator(f"#group-{group} summary").focus()
                await page.keyboard.press("Enter")
                await expect(page.locator(f"#group-{group}")).to_have_attribute("open", "")
            measured = await page.evaluate(OVERFLOW)
            assert measured["scroll"] <= width and not measured["wide"], (width, measured)
            assert await page.evaluate(BROKEN_WORDS) == [], width
            await accessible(page, f"case page at {width} px, every group open")
            await page.screenshot(path=SHOTS / f"case-open-{width}px-fr.png", full_page=True)
            await context.close()
