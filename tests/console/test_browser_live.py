"""The console's live parts in a real browser: the worklist redraws itself within 2 s
of a change of the directory, keeping what the counsellor is typing; a page left
untouched signs its person out by itself (desks are shared)."""

import re
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect

from api.app import create_app
from relais.serving import free_port, serve_app
from tests.support.browser import chromium, needs_chromium
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = [needs_chromium, pytest.mark.slow]


async def my_worklist(stack: Stack) -> list[str]:
    answer = await stack.api.get("/me/worklist", headers=auth("counsellor"))
    return [c["case_id"] for c in answer.json()["cases"]]


async def test_the_worklist_redraws_itself_and_keeps_what_is_typed(stack: Stack) -> None:
    base = str(stack.api.base_url)
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(f"{base}/console/sign-in")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page).to_have_url(re.compile(r"/console/worklist$"))
        await page.evaluate("window.stillTheSamePage = true")
        await page.get_by_label("Aller à un dossier par son numéro").fill("3f2a")

        opened = await stack.api.post(
            "/cases",
            json=intake_body(),
            headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
        )
        case_id = opened.json()["case_id"]
        await eventually(lambda: my_worklist(stack), lambda ids: case_id in ids, what="directory")
        changed = time.monotonic()
        link = page.locator("#worklist-live").get_by_role("link", name=case_id[:6])
        await expect(link).to_be_visible(timeout=2_000)
        assert time.monotonic() - changed < 2.0
        assert await page.evaluate("window.stillTheSamePage === true")
        await expect(page.get_by_label("Aller à un dossier par son numéro")).to_have_value("3f2a")
        await browser.close()


@pytest.fixture
async def restless_console(stack: Stack) -> AsyncIterator[str]:
    """The same system, its console signing people out after 3 s without activity."""
    settings = stack.settings.model_copy(update={"console_idle_minutes": 0.05})
    app = create_app(
        settings, temporal_client=stack.client, database=stack.database, registry=stack.registry
    )
    async with serve_app(app, port=free_port()) as url:
        yield url


async def test_a_page_left_alone_signs_its_person_out(restless_console: str) -> None:
    async with chromium() as browser:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(f"{restless_console}/console/sign-in")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page).to_have_url(re.compile(r"/console/worklist$"))
        # Nobody touches the desk: the page signs out by itself, and says why.
        await expect(page).to_have_url(
            re.compile(r"/console/sign-in\?reason=idle$"), timeout=15_000
        )
        await expect(page.get_by_text("déconnecté après un moment d'inactivité")).to_be_visible()
        await page.goto(f"{restless_console}/console/worklist")
        await expect(page).to_have_url(re.compile(r"/console/sign-in"))
        await browser.close()
