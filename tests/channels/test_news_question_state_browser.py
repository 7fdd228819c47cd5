"""In Chromium, on the whole stack with the simulator playing WhatsApp: the
conversation screen's status line for the question about news (sent and waiting, then
their Yes, shown as it comes without a reload, after which the line is not asked for
again) is read as a status and the screen passes axe-core's check in French and
English."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from tests.channels.support import (
    ask,
    case_from,
    case_view,
    finish,
    meta_stack,
    received,
    take_offer,
    tap,
    write,
)
from tests.support.browser import chromium, needs_chromium
from tests.support.client import auth
from tests.support.console_browser import accessible, switch_language
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("news-question-browser")
    async with meta_stack(local_env.client, folder) as running:
        yield running


async def test_the_question_s_state_is_a_status_line_and_the_screen_is_accessible(
    stack: Stack,
) -> None:
    me, sender = auth("counsellor"), "33611128201"
    await write(stack, "whatsapp", sender, "bonjour")
    cid = await take_offer(stack, me, "whatsapp", sender)
    case_id = await case_from(stack, me, "whatsapp", cid)
    await ask(stack, me, cid, "browser-question")
    await received(stack, "whatsapp", sender, 1)
    base = str(stack.api.base_url)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(f"{base}/console/")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        screen = f"{base}/console/conversations?c={cid}"
        await page.goto(screen)
        state = page.get_by_role("status").filter(has_text="en attente de sa réponse")
        await expect(state).to_be_visible()
        send = page.get_by_role("button", name="Envoyer la question avec boutons")
        await expect(send).to_have_count(0)
        await accessible(page, "the news question waiting (fr)")
        asked: list[str] = []  # the page's requests: the question's line, the desk
        page.on("request", lambda request: asked.append(request.url))

        await tap(stack, "whatsapp", sender, "Oui, prévenez-moi")
        answered = page.get_by_role("status").filter(has_text="Réponse : Oui")
        await expect(answered).to_be_visible(timeout=15_000)  # live, no reload
        await eventually(
            lambda: case_view(stack, me, case_id),
            lambda v: v["consents"]["case_news"] is True,
            what="their yes recorded",
        )
        # Settled: the desk is redrawn twice more, the question's line is not asked again.
        lines, desks = _count(asked, "/news/state"), _count(asked, "/conversations/live")
        await eventually(
            lambda: _counted(asked, "/conversations/live"),
            lambda n: n >= desks + 2,
            what="two more rounds of the desk",
        )
        assert _count(asked, "/news/state") == lines
        await page.goto(screen)
        await expect(answered).to_be_visible()
        await accessible(page, "the news question answered (fr)")
        await switch_language(page)
        await page.goto(screen)
        await expect(page.get_by_role("status").filter(has_text="Answer: Yes")).to_be_visible()
        record = page.get_by_text("The case records: news asked for, on WhatsApp")
        await expect(record).to_be_visible()
        await accessible(page, "the news question answered (en)")
        await switch_language(page)
        await context.close()
    await finish(stack, cid, me)


def _count(urls: list[str], part: str) -> int:
    return sum(part in url for url in urls)


async def _counted(urls: list[str], part: str) -> int:
    return _count(urls, part)
