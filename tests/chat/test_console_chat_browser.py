"""Two browsers on the whole system: a young person writes from the web chat on a
360 px phone screen, a counsellor in the console sees the offer appear live,
accepts it, answers with Enter (Shift+Enter a new line), and the young person reads
the answer live; the young person's next message appears in the counsellor's
transcript without a reload. axe-core finds nothing serious or critical on the
counsellor's screen. Screenshots in ``docs/chat/``."""

import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.support.browser import chromium, needs_chromium
from tests.support.console_browser import accessible
from tests.support.stack import Stack

pytestmark = [needs_chromium, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "chat"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}


async def test_a_counsellor_answers_a_young_person_live_from_the_console(stack: Stack) -> None:
    base = str(stack.api.base_url).rstrip("/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with chromium() as browser:
        desk = await browser.new_context(viewport=DESK, locale="fr-FR")
        lea = await desk.new_page()
        await lea.goto(f"{base}/console/sign-in")
        await lea.get_by_label("Votre jeton").fill("local-counsellor-token")
        await lea.get_by_label("Votre jeton").press("Enter")
        await lea.get_by_role("link", name="Conversations").click()
        await lea.get_by_label("Présence (obligatoire)").select_option("available")
        await lea.get_by_role("button", name="Enregistrer ma présence").click()
        await expect(lea.get_by_text("Présence enregistrée.")).to_be_visible()
        await expect(lea.get_by_text("Aucune conversation ne vous attend.")).to_be_visible()

        phone = await browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True)
        young = await phone.new_page()
        await young.goto(f"{base}/chat")
        await young.get_by_label("Moi : c'est à propos de moi").check()
        await young.get_by_label("Âge du jeune concerné").select_option("15_17")
        await young.get_by_label("J'ai lu et j'accepte").check()
        await young.get_by_role("button", name="Commencer la conversation").click()
        await young.get_by_label("Votre message").fill("On me menace de publier une photo")
        await young.get_by_label("Votre message").press("Enter")

        # the offer appears on the counsellor's screen without a reload
        accept = lea.get_by_role("button", name="Accepter")
        await expect(accept).to_be_visible(timeout=20_000)
        await expect(
            lea.get_by_text(re.compile("Nouvelle conversation : un ou une jeune"))
        ).to_be_visible()
        await lea.screenshot(path=SHOTS / "console-offer-fr.png", full_page=True)
        await accessible(lea, "the offer")
        await accept.click()
        await expect(lea.get_by_text("On me menace de publier une photo")).to_be_visible()
        await expect(young.get_by_text("Un écoutant est avec vous.")).to_be_visible()

        box = lea.get_by_label("Votre réponse")
        await box.fill("Je suis là.")
        await box.press("Shift+Enter")
        await box.type("Où est-elle publiée ?")
        await expect(box).to_have_value("Je suis là.\nOù est-elle publiée ?")
        await box.press("Enter")
        reply = young.locator(".line.theirs .body")
        await expect(reply).to_have_text(re.compile("Je suis là.\\s+Où est-elle publiée"))
        await young.screenshot(path=SHOTS / "answered-from-console-fr.png", full_page=True)
        width = await young.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]

        await young.get_by_label("Votre message").fill("Sur Instagram")
        await young.get_by_label("Votre message").press("Enter")
        await expect(lea.locator("#transcript").get_by_text("Sur Instagram")).to_be_visible()
        await lea.screenshot(path=SHOTS / "console-conversation-fr.png", full_page=True)
        await accessible(lea, "the conversation")
        await phone.close()
        await desk.close()
