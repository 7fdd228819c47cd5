"""The young person's side of the web chat in Debian's Chromium, on a 360 px phone
screen: the pre-chat form (refused, then sent), writing, a counsellor's answer
arriving live (sent through the conversation's contract directly), the "is writing"
hint, a reload that finds the conversation, the quick exit (Esc) leaving no chat page
in the history and no session behind; axe-core finds nothing serious or critical on
any screen. Screenshots in ``docs/chat/``."""

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser, BrowserContext, Page, expect

from api.app import create_app
from application.conversations.acting import YoungPerson
from application.helpline import Helpline
from domain.conversation import ConversationStatus
from domain.policy import ConversationPolicy
from relais.serving import free_port, serve_app
from tests.chat.support import Counsellor, helpline_of
from tests.chat.test_chat_http import closed_today
from tests.support.browser import chromium, needs_chromium
from tests.support.console_browser import accessible, nothing_personal_kept
from tests.support.stack import Stack
from tests.support.waiting import eventually

pytestmark = [needs_chromium, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "chat"
PHONE = {"width": 360, "height": 740}


def neutral_site() -> FastAPI:
    site = FastAPI()

    @site.get("/")
    async def weather() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>Météo</title><h1>Météo du jour</h1>")

    return site


@asynccontextmanager
async def chat_app(
    stack: Stack, helpline: Helpline, chat_changes: dict[str, Any] | None = None, **changes: Any
) -> AsyncIterator[str]:
    """The stack's system behind an API with its own queue (``helpline``) and a
    neutral site of our own for the quick exit (the machine is offline)."""
    async with serve_app(neutral_site(), port=free_port()) as neutral:
        chat = helpline.settings.chat.model_copy(
            update={"quick_exit_url": f"{neutral}/", **(chat_changes or {})}
        )
        settings = helpline.settings.model_copy(update={"chat": chat, **changes})
        app = create_app(
            settings,
            temporal_client=stack.client,
            database=stack.database,
            registry=stack.registry,
        )
        async with serve_app(app, port=free_port()) as url:
            yield url


async def phone(browser: Browser) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True)
    return context, await context.new_page()


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.evaluate("window.scrollTo(0, 0)")  # the sticky bar where it belongs
    await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    await accessible(page, name)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {width}px wide on a 360 px screen"


async def session_of(context: BrowserContext) -> YoungPerson:
    import jwt

    [cookie] = [c for c in await context.cookies() if c["name"] == "relais_chat"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    return YoungPerson(jwt.decode(cookie["value"], options={"verify_signature": False})["cid"])


async def test_a_young_person_writes_and_reads_the_answer_live_then_leaves_quickly(
    stack: Stack,
) -> None:
    helpline = helpline_of(stack)
    async with chat_app(stack, helpline) as url, chromium() as browser:
        context, page = await phone(browser)
        await page.goto(f"{url}/chat")
        await expect(page).to_have_title("Aide")
        opened = await page.evaluate("history.length")  # the chat's own entry, and before it
        await shot(page, "prechat-fr")

        # Sent empty: each question says what to answer, in French, beside it.
        await page.get_by_role("button", name="Commencer la conversation").click()
        await expect(page.get_by_text("Dites qui écrit.")).to_be_visible()
        await expect(page.get_by_text("Choisissez l'âge du jeune concerné.")).to_be_visible()
        await expect(page.get_by_text("Acceptez la note sur la vie privée")).to_be_visible()
        await expect(page.get_by_label("Moi : c'est à propos de moi")).to_be_focused()
        await shot(page, "prechat-refused-fr")

        await page.get_by_label("Moi : c'est à propos de moi").check()
        await page.get_by_label("Âge du jeune concerné").select_option("15_17")
        await page.get_by_label("J'ai lu et j'accepte").check()
        await page.get_by_role("button", name="Commencer la conversation").click()
        await expect(page.get_by_label("Votre message")).to_be_visible()
        await expect(
            page.get_by_text("Vous êtes le prochain dans la file d'attente.")
        ).to_be_visible()
        who = await session_of(context)
        await expect(page).to_have_url(f"{url}/chat")
        assert await page.evaluate("history.length") == opened  # every step replaced the page

        await page.get_by_label("Votre message").fill("Quelqu'un a publié une photo de moi")
        await page.get_by_label("Votre message").press("Enter")
        await expect(page.locator(".line.mine .body")).to_have_text(
            "Quelqu'un a publié une photo de moi"
        )
        await expect(page.get_by_label("Votre message")).to_have_value("")
        await shot(page, "waiting-fr")

        counsellor = Counsellor(helpline)
        await counsellor.at_desk()
        await counsellor.accepts(who.conversation_id)
        await expect(page.get_by_text("Un écoutant est avec vous.")).to_be_visible()
        await expect(page.get_by_role("button", name="Terminer la conversation")).to_be_visible()
        await counsellor.writes(who.conversation_id)
        await expect(page.get_by_text("L'écoutant écrit…")).to_be_visible()
        await shot(page, "writing-fr")
        sent = time.monotonic()
        await counsellor.replies(
            who.conversation_id, "Je suis là. Tu as bien fait d'écrire. Où est publiée la photo ?"
        )
        reply = page.locator(".line.theirs .body")
        await expect(reply).to_have_text(re.compile("Tu as bien fait d'écrire"), timeout=5_000)
        took = time.monotonic() - sent
        await expect(page.get_by_text("L'écoutant écrit…")).to_be_hidden()
        await shot(page, "chat-fr")
        assert took < 3.0, f"the reply took {took:.2f}s to show"

        # A reload finds the conversation where it was (nothing kept in the browser).
        await page.reload()
        await expect(page.locator(".line")).to_have_count(2)
        await nothing_personal_kept(
            page, context, ["photo", "Tu as bien fait", who.conversation_id]
        )
        assert await page.evaluate("history.length") == opened

        # English, a click away; then back, still one page in the history.
        await page.get_by_role("button", name="English").click()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.get_by_text("A counsellor is with you.")).to_be_visible()
        await shot(page, "chat-en")
        await page.get_by_role("button", name="Français").click()
        await expect(page.locator("html")).to_have_attribute("lang", "fr")
        assert await page.evaluate("history.length") == opened

        # Esc: the neutral site replaces the page; Back cannot return to the chat.
        await page.get_by_label("Votre message").press("Escape")
        await expect(page).to_have_title("Météo")
        assert await page.evaluate("history.length") == opened
        await page.go_back()  # to whatever came before the chat (here Chromium's blank page)
        assert "/chat" not in page.url
        # The beacon's answer ends the session in this browser (in its own time).
        await eventually(
            context.cookies,
            lambda cookies: all(c["name"] != "relais_chat" for c in cookies),
            what="the session cookie gone",
        )
        view = await eventually(
            lambda: counsellor.view(who.conversation_id),
            lambda v: v.young_person_left,
            what="the counsellor told the young person left",
        )
        assert view.status is ConversationStatus.WRAPPING_UP
        await context.close()


async def test_a_page_cut_off_from_its_stream_keeps_up_then_listens_live_again(
    stack: Stack,
) -> None:
    """A server restarting, or a proxy cutting the stream: the page keeps up by polling,
    then goes back to the live stream once it opens again (streams last 1 s here)."""
    helpline = helpline_of(stack)
    stream = "**/chat/api/events*"
    async with (
        chat_app(stack, helpline, chat_changes={"stream_seconds": 1.0}) as url,
        chromium() as browser,
    ):
        context, page = await phone(browser)
        polls: list[str] = []
        streams: list[int] = []  # the status of each stream that answered

        def seen(response: Any) -> None:
            if "/chat/api/updates" in response.url:
                polls.append(response.url)
            elif "/chat/api/events" in response.url:
                streams.append(response.status)

        page.on("response", seen)
        await page.goto(f"{url}/chat")
        await page.get_by_label("Moi : c'est à propos de moi").check()
        await page.get_by_label("Âge du jeune concerné").select_option("15_17")
        await page.get_by_label("J'ai lu et j'accepte").check()
        await page.get_by_role("button", name="Commencer la conversation").click()
        await expect(page.get_by_label("Votre message")).to_be_visible()
        who = await session_of(context)
        polls.clear()  # the pre-chat page's look for a conversation going on
        await eventually(lambda: _now(streams), lambda s: 200 in s, what="a stream")
        assert not polls  # live from the start

        await page.route(stream, lambda route: route.abort())
        await eventually(lambda: _now(polls), bool, what="the page polling", within=20)
        counsellor = Counsellor(helpline)
        await counsellor.at_desk()
        await counsellor.accepts(who.conversation_id)
        await expect(page.get_by_text("Un écoutant est avec vous.")).to_be_visible()

        streams.clear()
        await page.unroute(stream)
        await eventually(lambda: _now(streams), lambda s: 200 in s, what="a stream again")
        polled = len(polls)
        await counsellor.replies(who.conversation_id, "Je suis là, je t'écoute.")
        await expect(page.locator(".line.theirs .body")).to_have_text("Je suis là, je t'écoute.")
        assert len(polls) == polled, "the reply came by a poll: the page did not listen again"
        await context.close()


async def _now(seen: list[Any]) -> list[Any]:
    return list(seen)


async def test_after_a_long_wait_the_page_offers_a_callback(stack: Stack) -> None:
    helpline = helpline_of(stack)
    policy = ConversationPolicy(callback_offer_after=timedelta(seconds=2))
    async with chat_app(stack, helpline, conversations=policy) as url, chromium() as browser:
        context, page = await phone(browser)
        await page.goto(f"{url}/chat")
        await page.get_by_label("Un parent").check()
        await page.get_by_label("Âge du jeune concerné").select_option("11_14")
        await page.get_by_label("J'ai lu et j'accepte").check()
        await page.get_by_role("button", name="Commencer la conversation").click()
        offer = page.get_by_role("heading", name="Plutôt être rappelé ?")
        await expect(offer).to_be_visible(timeout=15_000)
        await page.get_by_role("button", name="Être rappelé").click()
        await expect(page.get_by_text("Donnez un numéro de téléphone")).to_be_visible()
        await shot(page, "callback-fr")
        await page.get_by_label("Numéro de téléphone").fill("06 12 34 56 78")
        await page.get_by_label("Appel possible dès").select_option("17")
        await page.get_by_role("button", name="Être rappelé").click()
        await expect(page.get_by_role("heading", name="Nous allons vous rappeler")).to_be_visible()
        await shot(page, "callback-arranged-fr")
        await nothing_personal_kept(page, context, ["06 12 34 56 78", "0612345678"])
        await context.close()


async def test_outside_opening_hours_the_page_gives_the_emergency_numbers(stack: Stack) -> None:
    helpline = helpline_of(stack)
    async with chat_app(stack, helpline, policy=closed_today()) as url, chromium() as browser:
        context, page = await phone(browser)
        await page.goto(f"{url}/chat")
        await expect(
            page.get_by_role("heading", name="Le chat est fermé pour le moment")
        ).to_be_visible()
        await expect(page.get_by_role("link", name="119")).to_have_attribute("href", "tel:119")
        await expect(page.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
        await shot(page, "closed-fr")
        await context.close()
