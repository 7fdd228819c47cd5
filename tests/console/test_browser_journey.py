"""The console in a real browser (Playwright driving Debian's Chromium) on the whole
system: a Temporal dev server with its Web UI, the worker, the simulator's platforms
and partners, the API serving the console.

Léa signs in, opens a case with a risk flag from the keyboard alone and sees the
emergency referral at once; a refused item shows its problem beside the field with
what she typed; she adds an item and watches the removal arrive without a reload and
without losing the note she is typing; she adds the note, shows the contact (an audit
entry), takes and records the callback and hands the case over; her colleague closes
it. The supervisor sees the SLA breach of another case on the dashboard and its link
opens the Temporal UI's list filtered on it. Every screen is checked by axe-core and
photographed in French and English (``data/console-screenshots/``)."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect
from temporalio.testing import WorkflowEnvironment

from relais import search_attributes as sa
from relais.converter import data_converter
from relais.crypto.key_store import InMemoryKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import AuditLog
from relais.serving import free_port
from relais.settings import Settings
from tests.support.browser import chromium, needs_chromium
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.console_browser import check_screen, nothing_personal_kept
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.temporal import temporal_cli
from tests.support.waiting import eventually

pytestmark = [needs_chromium, pytest.mark.slow]

POLICY = fast_policy(callback_delay=timedelta(seconds=2), default_decision_sla=timedelta(seconds=4))
FIRST_NAME = "Ysolde-Marjolaine"
PHONE = "+33677889900"
NOTE = "Elle a peur d'aller au collège"


@pytest.fixture(scope="module")
async def ui_env() -> AsyncIterator[tuple[WorkflowEnvironment, str]]:
    """A dev server of its own with the Temporal Web UI the dashboard links to."""
    ui_port = free_port()
    keys = InMemoryKeyStore(MasterKeyring.from_settings(Settings()))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=list(sa.ALL),
        data_converter=data_converter(keys),
        ui=True,
        ui_port=ui_port,
    )
    yield env, f"http://127.0.0.1:{ui_port}"
    await env.shutdown()


async def sign_in(browser: Browser, base: str, token: str) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{base}/console/")
    await page.get_by_label("Votre jeton").fill(token)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page).to_have_url(re.compile(r"/console/(worklist|dashboard)$"))
    return page


async def open_group(page: Page, group: str) -> None:
    """Open one of the case page's action groups from the keyboard (its summary)."""
    details = page.locator(f"#group-{group}")
    if await details.get_attribute("open") is None:
        await details.locator("summary").focus()
        await page.keyboard.press("Enter")
    await expect(details).to_have_attribute("open", "")


async def type_into(page: Page, selector: str, text: str, *, replace: bool = False) -> None:
    await page.focus(selector)
    if replace:
        await page.keyboard.press("Control+A")
    await page.keyboard.type(text)


async def tick(page: Page, selector: str) -> None:
    await page.focus(selector)
    await page.keyboard.press("Space")


async def open_case_from_the_keyboard(page: Page) -> str:
    """The intake form, without the mouse: focus, type, Space, Enter."""
    await page.focus("#new-case-age_band")
    await page.keyboard.type("15")  # a select's type-ahead: "15 à 17 ans"
    await tick(page, "#new-case-categories-cyberharassment")
    await tick(page, "#new-case-risk_flags-suicidal_risk")
    await tick(page, "#new-case-consents-report_to_platforms")
    await tick(page, "#new-case-consents-callback-consented")
    await type_into(page, "#new-case-consents-callback-earliest_hour", "0", replace=True)
    await type_into(page, "#new-case-consents-callback-latest_hour", "24", replace=True)
    await type_into(page, "#new-case-contact-first_name", FIRST_NAME)
    await type_into(page, "#new-case-contact-phone", PHONE)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/console/cases/[0-9a-f]{32}\?opened=1$"))
    found = re.search(r"/cases/([0-9a-f]{32})", page.url)
    assert found
    return found[1]


async def open_stuck_case(stack: Stack) -> str:
    """A case whose notice Instagram never decides: its SLA is missed."""
    opened = await stack.api.post(
        "/cases",
        json=intake_body(),
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    item = {
        "platform": "instagram",
        "content_type": "post",
        "legal_qualification": "cyberharassment",
        "location": {"url": "https://www.instagram.com/p/stuck"},
    }
    added = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [item]}, headers=auth("counsellor")
    )
    assert added.status_code == 202, added.text
    return case_id


async def breached(stack: Stack) -> list[str]:
    listed = await stack.api.get(
        "/cases", params={"sla_breached": "true"}, headers=auth("supervisor")
    )
    return [c["case_id"] for c in listed.json()["items"]]


async def test_a_counsellors_day_in_the_console_and_the_supervisors_dashboard(
    ui_env: tuple[WorkflowEnvironment, str], tmp_path: Path
) -> None:
    env, ui_url = ui_env
    settings: dict[str, Any] = {"temporal_ui_url": ui_url}
    async with running_stack(env.client, tmp_path, policy=POLICY, extra_settings=settings) as stack:
        await stack.configure_target("tiktok", decision="removed", decision_delay_seconds=2)
        await stack.configure_target("instagram", decision="none")
        stuck = await open_stuck_case(stack)
        base = str(stack.api.base_url)
        async with chromium() as browser:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await page.goto(f"{base}/console/")
            await check_screen(page, "sign-in")
            await page.get_by_label("Votre jeton").fill("local-counsellor-token")
            await page.get_by_role("button", name="Se connecter").click()
            await expect(page).to_have_url(re.compile(r"/console/worklist$"))
            await check_screen(page, "worklist")

            # A call: the case opens from the keyboard, triage shows at once.
            await page.get_by_role("link", name="Nouveau dossier").click()
            await check_screen(page, "new-case")
            case_id = await open_case_from_the_keyboard(page)
            triage = page.locator(".triage")
            await expect(triage).to_contain_text("urgence critique")
            await expect(triage).to_contain_text("Police / gendarmerie")
            await expect(page.locator("#case-urgency")).to_have_text("critique")

            # A link without its scheme is refused beside its field; nothing typed is lost.
            case_page = f"{base}/console/cases/{case_id}"

            async def refused_item() -> None:
                if not page.url.startswith(case_page):
                    await page.goto(case_page)
                await open_group(page, "items")
                await page.select_option("#items-items-0-platform", "tiktok")
                await page.select_option("#items-items-0-content_type", "video")
                await page.select_option("#items-items-0-legal_qualification", "cyberharassment")
                await expect(page.locator("#items-article")).to_contain_text("222-33-2-2")
                await page.fill("#items-items-0-location-url", "www.tiktok.com/@x/video/1")
                await page.locator("#items button").click()
                error = page.locator("#items-items-0-location-url-error")
                await expect(error).to_contain_text("https://")
                url_field = page.locator("#items-items-0-location-url")
                await expect(url_field).to_have_value("www.tiktok.com/@x/video/1")
                await expect(url_field).to_have_attribute("aria-invalid", "true")
                qualification = page.locator("#items-items-0-legal_qualification")
                await expect(qualification).to_have_value("cyberharassment")

            await refused_item()
            await check_screen(page, "case-refusal", redo=refused_item)

            # The item goes out; the removal arrives live, the note being typed stays.
            await page.fill("#items-items-0-location-url", "https://www.tiktok.com/@x/video/1")
            await page.get_by_role("button", name="Envoyer le signalement").click()
            await expect(page.locator("p.notice[role=status]")).to_contain_text(
                "Les signalements partent"
            )
            await page.evaluate("window.stillTheSamePage = true")
            await open_group(page, "case")
            await page.fill("#note-text", NOTE)
            await expect(page.locator("#notices .notice-status")).to_have_text(
                "retiré (vérifié)", timeout=60_000
            )
            assert await page.evaluate("window.stillTheSamePage === true")  # no reload
            await expect(page.locator("#note-text")).to_have_value(NOTE)

            # The note.
            await page.get_by_role("button", name="Ajouter la note").click()
            await expect(page.locator("article.note")).to_contain_text(NOTE)

            # Whom to call: hidden until shown, and the reading is audited.
            await expect(page.get_by_text(FIRST_NAME)).to_have_count(0)
            await open_group(page, "contact")
            await page.get_by_role("button", name="Afficher les coordonnées").click()
            await expect(page.locator("#contact-card")).to_contain_text(FIRST_NAME)
            await expect(page.locator("#contact-card")).to_contain_text(PHONE)
            reads = await AuditLog(stack.database).list(case_id=case_id, action="case.contact.read")
            assert [(e.actor, e.detail) for e in reads] == [
                ("local-counsellor", "personal data read")
            ]
            await check_screen(page, "case")

            # The callback falls due: Léa takes it and records the call.
            await page.goto(f"{base}/console/cases/{case_id}")
            take = page.get_by_role("button", name="Prendre ce rappel")
            await expect(take).to_be_visible(timeout=60_000)
            await take.click()
            await expect(page.locator("#callback-due")).to_contain_text("local-counsellor")
            await open_group(page, "callback")
            await page.select_option("#callback-outcome-result", "reached")
            await page.get_by_role("button", name="Enregistrer l'appel").click()
            await expect(page.locator("p.notice[role=status]")).to_contain_text("Rappel enregistré")

            # End of shift: she hands the case over.
            await open_group(page, "case")
            await page.fill("#handover-to", "local-colleague")
            await page.fill("#handover-note", "rappeler après les cours")
            await page.get_by_role("button", name="Transmettre", exact=True).click()
            await expect(page).to_have_url(re.compile(r"/console/worklist\?done=handover$"))
            await nothing_personal_kept(page, context, [FIRST_NAME, PHONE, NOTE])
            await context.close()

            # Her colleague closes it.
            sam = await sign_in(browser, base, "local-colleague-token")
            await sam.get_by_role("link", name=case_id[:6]).first.click()
            await open_group(sam, "case")
            await sam.fill("#close-reason", "jeune en sécurité")
            await sam.get_by_role("button", name="Clore", exact=True).click()
            await expect(sam.locator("#case-status")).to_contain_text("clos")
            await sam.context.close()

            # The supervisor: the stuck case's SLA breach, then its list in the Temporal UI.
            await eventually(lambda: breached(stack), lambda ids: stuck in ids, what="breach")
            boss = await sign_in(browser, base, "local-supervisor-token")
            await expect(boss).to_have_url(re.compile(r"/console/dashboard$"))  # their home
            breaches = boss.locator("#sla-breaches .figure")
            await expect(breaches).not_to_have_text("0")
            await check_screen(boss, "dashboard")
            await boss.locator("#sla-breaches").click()
            await expect(boss).to_have_url(re.compile(r"SlaBreached"))
            row = boss.get_by_role("row").filter(has_text=f"case-{stuck}")
            await expect(row).to_contain_text("SupportCaseWorkflow")
            # The supervisor's own case page (urgency, assignment) passes the same checks.
            await boss.goto(f"{base}/console/cases/{stuck}")
            await open_group(boss, "case")
            await expect(boss.locator("#urgency-urgency")).to_be_visible()
            await check_screen(boss, "case-supervisor")
            await boss.context.close()
