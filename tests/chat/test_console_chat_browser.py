"""Two browsers on the whole system: a young person writes from the web chat on a
360 px phone screen, a counsellor in the console sees the offer appear live,
accepts it, answers with Enter (Shift+Enter a new line), and the young person reads
the answer live; the young person's next message appears in the counsellor's
transcript without a reload. The counsellor hands the conversation over to a
colleague now available (with a note), then opens a case from it: the new case form
comes filled with the channel, who writes and the age band from the pre-chat form,
the case opens and the conversation shows it. The young person leaves by the quick
exit (Esc): no chat page left in the history. axe-core finds nothing serious or
critical on the counsellor's screens. Screenshots in ``docs/chat/``."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from tests.chat.support import helpline_of
from tests.chat.test_chat_browser import chat_app
from tests.support.browser import chromium, needs_chromium
from tests.support.client import auth
from tests.support.console_browser import accessible
from tests.support.stack import Stack

pytestmark = [needs_chromium, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "chat"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}


async def test_a_counsellor_answers_a_young_person_live_from_the_console(stack: Stack) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with chat_app(stack, helpline_of(stack)) as url, chromium() as browser:
        base = url.rstrip("/")
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
        opened = await young.evaluate("history.length")
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

        # a colleague comes to their desk: the conversation may be handed to them
        async with httpx.AsyncClient(base_url=base, timeout=30) as api:
            there = await api.post(
                "/conversations/desk/presence",
                json={"presence": "available"},
                headers=auth("colleague"),
            )
            assert there.status_code == 200, there.text
        await lea.reload()
        handing = lea.locator("#transfer")
        await handing.get_by_label("À (obligatoire)").select_option("local-colleague")
        await handing.get_by_label("Note pour lui ou elle").fill("Photo sur Instagram, à suivre")
        await lea.screenshot(path=SHOTS / "console-conversation-fr.png", full_page=True)
        await accessible(lea, "the conversation")
        await handing.get_by_role("button", name="Transmettre").click()
        await expect(
            lea.get_by_text(re.compile("^Transmise : elle reste avec vous"))
        ).to_be_visible()
        await expect(lea.get_by_text(re.compile("^Transmise à local-colleague"))).to_be_visible()
        await expect(lea.locator("#transcript").get_by_text("Photo sur Instagram")).to_be_visible()
        assert "Photo sur Instagram" not in await young.content()  # never for the young person

        # open a case from the conversation (still with her until the colleague takes it)
        await lea.get_by_role("link", name="Ouvrir un dossier").click()
        await expect(lea.get_by_role("heading", name="Nouveau dossier")).to_be_visible()
        await expect(lea.get_by_label("Canal (obligatoire)")).to_have_value("web_chat")
        await expect(lea.get_by_label("Qui appelle (obligatoire)")).to_have_value("victim")
        await expect(lea.get_by_label("Âge du jeune (obligatoire)")).to_have_value("15_17")
        await lea.screenshot(path=SHOTS / "console-case-from-conversation-fr.png", full_page=True)
        await accessible(lea, "the new case form from a conversation")
        await lea.get_by_label("cyberharcèlement").check()
        await lea.get_by_role("button", name="Ouvrir le dossier").click()
        await expect(lea).to_have_url(re.compile(r"/console/cases/[A-Za-z0-9_-]+"))
        case_id = lea.url.split("/console/cases/")[1].split("?")[0].split("#")[0]
        await expect(lea.locator("#conversations").get_by_text("Sur Instagram")).to_have_count(
            0
        )  # the transcript is read on demand (an audited read)
        await lea.goto(f"{base}/console/conversations")
        await lea.get_by_role("link", name=re.compile("Conversation 1")).click()
        await expect(lea.get_by_role("link", name=case_id[:6])).to_be_visible()

        # the young person leaves by the quick exit: no chat page left behind
        await young.get_by_label("Votre message").press("Escape")
        await expect(young).to_have_title("Météo")
        assert await young.evaluate("history.length") == opened
        await young.go_back()
        assert "/chat" not in young.url
        await phone.close()
        await desk.close()
