"""In Chromium, on the whole stack with the simulator playing WhatsApp: the counsellor
sees the photo a young person sent as a line of the transcript with "Add to the case's
evidence" and its question, answers it, and the line then links to the case's evidence;
the screen passes axe-core's check in French and English."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from tests.channels.support import (
    answer,
    finish,
    keyed,
    media_lines,
    meta_stack,
    sends_a_picture,
    take_offer,
)
from tests.evidence.files import picture, png
from tests.support.browser import chromium, needs_chromium
from tests.support.client import auth
from tests.support.console_browser import SHOTS, accessible, switch_language
from tests.support.stack import Stack

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("channel-media-browser")
    async with meta_stack(local_env.client, folder) as running:
        yield running


async def test_the_counsellor_answers_the_question_and_the_line_links_to_the_evidence(
    stack: Stack,
) -> None:
    me, api, sender = auth("counsellor"), stack.api, "33611118009"
    await sends_a_picture(stack, "whatsapp", sender, png(picture(seed=79)))
    cid = await take_offer(stack, me, "whatsapp", sender)
    [line] = await media_lines(stack, cid, 1)
    intake = {
        "channel": "whatsapp",
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await answer(api.post(f"/conversations/{cid}/case", json=intake, headers=keyed(me)), 201)
    base = str(api.base_url)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(f"{base}/console/")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        screen = f"{base}/console/conversations?c={cid}"
        await page.goto(screen)
        form = page.locator(f"#media-{line['seq']}")
        await expect(form.get_by_text("Est-ce une image intime ?")).to_be_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.locator("#transcript").screenshot(path=SHOTS / "channel-media-fr.png")
        await accessible(page, "a channel's photo to add (fr)")
        await switch_language(page)  # the switch comes back to the screen without its tab
        await page.goto(screen)
        await expect(form.get_by_text("Is it an intimate image?")).to_be_visible()
        await accessible(page, "a channel's photo to add (en)")
        await switch_language(page)
        await page.goto(screen)

        await form.get_by_label("Non", exact=True).check()
        await form.get_by_role("button", name="Ajouter aux preuves du dossier").click()
        await expect(page.get_by_text("Fichier ajouté aux preuves du dossier.")).to_be_visible()
        link = page.get_by_role("link", name="Ajouté aux preuves du dossier : voir")
        await expect(link).to_have_attribute("href", f"/console/cases/{case['case_id']}#evidence")
        await expect(page.locator(f"#media-{line['seq']}")).to_have_count(0)
        await page.locator("#transcript").screenshot(path=SHOTS / "channel-media-added-fr.png")
        await context.close()
    manifest = await answer(api.get(f"/cases/{case['case_id']}/evidence", headers=me))
    assert [x["channel"] for x in manifest["evidence"]] == ["whatsapp"]
    await finish(stack, cid, me)
