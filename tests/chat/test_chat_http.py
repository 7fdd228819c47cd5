"""The web chat's routes over real HTTP: the page in each state, its headers, bad
input (each refusal naming its field, on the page in the young person's language),
sessions missing, forged or expired, a conversation over, the write limit, the
helpline closed, a reload that finds the conversation again, the live stream."""

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import jwt

from api.app import create_app
from domain.callback_window import OpeningHours
from domain.conversation import ConversationStatus
from domain.policy import CasePolicy
from relais.clock import utc_now
from relais.serving import free_port, serve_app
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@asynccontextmanager
async def browser_like(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A young person's browser: its own cookies."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        yield client


@asynccontextmanager
async def another_app(stack: Stack, **changes: Any) -> AsyncIterator[str]:
    """The same system served by an API with other settings."""
    settings = stack.settings.model_copy(update=changes)
    app = create_app(
        settings, temporal_client=stack.client, database=stack.database, registry=stack.registry
    )
    async with serve_app(app, port=free_port()) as url:
        yield url


async def started(client: httpx.AsyncClient) -> httpx.Response:
    answer = await client.post("/chat/api/conversations", json=START)
    assert answer.status_code == 201, answer.text
    return answer


def message(client: httpx.AsyncClient, body: str, key: str | None = None) -> Any:
    return client.post(
        "/chat/api/messages",
        json={"body": body},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def base(stack: Stack) -> str:
    return str(stack.api.base_url)


async def test_the_page_is_the_pre_chat_form_with_the_chats_headers(stack: Stack) -> None:
    async with browser_like(base(stack)) as client:
        page = await client.get("/chat")
    assert page.status_code == 200
    assert "<title>Aide</title>" in page.text  # neutral, whatever happens
    assert 'lang="fr"' in page.text
    for field in ('name="writer"', 'name="age_band"', 'name="privacy_notice_accepted"'):
        assert field in page.text
    assert "Quitter vite" in page.text and "tel:119" in page.text
    assert page.headers["content-security-policy"] == CSP
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in page.headers
    assert "<script>" not in page.text and "style=" not in page.text  # nothing inline


async def test_a_pre_chat_form_missing_a_field_says_which(stack: Stack) -> None:
    async with browser_like(base(stack)) as client:
        empty = await client.post("/chat/api/conversations", json={})
        refused = await client.post(
            "/chat/api/conversations", json={**START, "privacy_notice_accepted": False}
        )
        page = await client.post(
            "/chat/start",
            content="writer=parent",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert empty.status_code == 422
    named = {tuple(p["loc"]) for p in empty.json()["detail"]}
    assert named == {
        ("body", "writer"),
        ("body", "age_band"),
        ("body", "privacy_notice_accepted"),
    }
    assert refused.status_code == 422
    assert [p["loc"] for p in refused.json()["detail"]] == [["body", "privacy_notice_accepted"]]
    # The page: the sentence beside the field, in French; what was chosen kept; no session.
    assert page.status_code == 422
    assert "Choisissez l'âge du jeune concerné." in page.text
    assert "Acceptez la note sur la vie privée pour commencer." in page.text
    assert 'value="parent" checked' in page.text
    assert (
        'id="age_band" name="age_band" aria-describedby="age_band-error" aria-invalid="true"'
        in page.text
    )
    assert "relais_chat=" not in page.headers.get("set-cookie", "")


async def test_a_conversation_continues_after_a_reload(stack: Stack) -> None:
    async with browser_like(base(stack)) as client:
        answer = await started(client)
        assert answer.json() == {"status": "waiting", "opens_at": None}
        cookie = answer.headers["set-cookie"]
        assert "relais_chat=" in cookie and "HttpOnly" in cookie and "Path=/chat" in cookie
        assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
        assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # gone with the browser
        sent = await message(client, "Quelqu'un publie mes photos")
        assert sent.status_code == 201, sent.text
        assert sent.json()["seq"] == 1
        page = await client.get("/chat")
    assert page.status_code == 200
    assert "Quelqu&#39;un publie mes photos" in page.text
    assert 'data-last-seq="1"' in page.text
    token = client.cookies["relais_chat"]
    conversation_id = jwt.decode(token, options={"verify_signature": False})["cid"]
    assert conversation_id not in page.text  # never shown, never in a URL
    assert str(page.url).endswith("/chat")


async def test_bad_messages_are_refused_naming_the_field_and_nothing_is_lost(
    stack: Stack,
) -> None:
    async with browser_like(base(stack)) as client:
        await started(client)
        kept = await message(client, "premier message")
        assert kept.status_code == 201
        for body in ("", "   \n "):
            empty = await message(client, body)
            assert empty.status_code == 422
            assert empty.json()["detail"][0]["loc"] == ["body", "body"]
        too_long = await message(client, "x" * 4097)
        assert too_long.status_code == 422
        assert too_long.json()["detail"][0]["type"] == "string_too_long"
        assert (await message(client, "y" * 4096)).status_code == 201
        no_key = await client.post("/chat/api/messages", json={"body": "sans clé"})
        assert no_key.status_code == 422
        assert no_key.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
        key = uuid.uuid4().hex
        assert (await message(client, "une fois", key)).status_code == 201
        again = await message(client, "une fois", key)
        assert again.status_code == 201 and again.json()["seq"] == 3
        reused = await message(client, "autre chose", key)
        assert reused.status_code == 422
        assert reused.json()["detail"][0]["code"] == "idempotency_key_reused"
        updates = await client.get("/chat/api/updates", params={"after": 0})
        # The page, posted without its script: the sentence beside the textarea, kept.
        page = await client.post(
            "/chat/write",
            content="body=" + "z" * 4097 + "&key=k1",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert updates.status_code == 200
    assert [m["body"][:10] for m in updates.json()["messages"]] == [
        "premier me",
        "y" * 10,
        "une fois",
    ]
    assert page.status_code == 422
    assert "Ce message est trop long : 4 096 caractères au plus." in page.text
    assert "z" * 4097 in page.text


def forged(conversation_id: str, secret: str = "someone-elses-secret-of-32-characters!") -> str:
    claims = {
        "cid": conversation_id,
        "aud": "relais-chat-session",
        "exp": utc_now() + timedelta(hours=1),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


async def test_a_missing_forged_or_expired_session_is_refused_naming_the_cookie(
    stack: Stack,
) -> None:
    secret = stack.settings.chat.session_secret.get_secret_value()
    expired = jwt.encode(
        {"cid": "abc", "aud": "relais-chat-session", "exp": utc_now() - timedelta(minutes=1)},
        secret,
        algorithm="HS256",
    )
    cases = {
        None: "no chat session",
        forged("abc"): "not valid",
        forged("abc", secret) + "x": "not valid",
        expired: "has expired",
    }
    async with browser_like(base(stack)) as client:
        for cookie, says in cases.items():
            client.cookies.clear()
            if cookie is not None:
                client.cookies.set("relais_chat", cookie, path="/chat")
            for answer in (
                await message(client, "bonjour"),
                await client.get("/chat/api/updates"),
                await client.get("/chat/api/events"),
                await client.post("/chat/api/leave", json={"reason": "left"}),
            ):
                assert answer.status_code == 401, answer.text
                assert "cookie relais_chat" in answer.json()["detail"]
                assert says in answer.json()["detail"]
        client.cookies.set("relais_chat", expired, path="/chat")
        page = await client.get("/chat")
    assert page.status_code == 200
    assert "Votre conversation précédente est terminée." in page.text
    assert (
        'relais_chat=""' in page.headers["set-cookie"] or "Max-Age=0" in page.headers["set-cookie"]
    )


async def test_an_ended_conversation_takes_no_more_and_shows_nothing_of_it(
    stack: Stack,
) -> None:
    async with browser_like(base(stack)) as client:
        await started(client)
        assert (await message(client, "mon secret")).status_code == 201
        session = client.cookies["relais_chat"]
        left = await client.post("/chat/api/leave", json={"reason": "left"})
        assert left.status_code == 200 and left.json() == {"status": "abandoned"}
        refused = await message(client, "encore")
        assert refused.status_code == 409
        page = await client.get("/chat")  # the page says so, and ends the session
        assert "relais_chat" not in client.cookies
        client.cookies.set("relais_chat", session, path="/chat")  # kept by someone else
        again = await client.get("/chat")
        client.cookies.clear()
        quick = await started(client)
        assert quick.status_code == 201
        exited = await client.post("/chat/api/leave", json={"reason": "quick_exit"})
        assert exited.status_code == 200
        assert "relais_chat" not in client.cookies  # a quick exit ends the session at once
    assert "Vous avez quitté la file d'attente" in page.text
    for shown in (page, again):
        assert "mon secret" not in shown.text


async def test_a_form_from_another_site_is_refused(stack: Stack) -> None:
    async with browser_like(base(stack)) as client:
        answer = await client.post(
            "/chat/start",
            content="writer=parent&age_band=15_17&privacy_notice_accepted=1",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "cross-site",
            },
        )
    assert answer.status_code == 403
    assert "relais_chat=" not in answer.headers.get("set-cookie", "")


async def test_the_page_speaks_english_on_request(stack: Stack) -> None:
    async with browser_like(base(stack)) as client:
        switched = await client.post(
            "/chat/language",
            content="language=en",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert switched.status_code == 303
        page = await client.get("/chat")
    assert 'lang="en"' in page.text and "<title>Help</title>" in page.text
    assert "Leave quickly" in page.text and "Who is writing?" in page.text


async def test_a_flood_gets_429_with_retry_after_and_the_same_message_goes_later(
    stack: Stack,
) -> None:
    chat = stack.settings.chat.model_copy(
        update={"message_burst": 2, "message_interval_seconds": 1.0}
    )
    async with another_app(stack, chat=chat) as url, browser_like(url) as client:
        await started(client)
        for n in range(2):
            assert (await message(client, f"vite {n}")).status_code == 201
        key = uuid.uuid4().hex
        limited = await message(client, "vite 2", key)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "1"
        assert "too many messages" in limited.json()["detail"]
        later = await eventually(
            lambda: message(client, "vite 2", key),
            lambda answer: answer.status_code == 201,
            what="the same message accepted once the allowance is back",
            interval=0.5,
        )
        assert later.json()["seq"] == 3
        updates = await client.get("/chat/api/updates")
    assert [m["body"] for m in updates.json()["messages"]] == ["vite 0", "vite 1", "vite 2"]


def closed_today() -> CasePolicy:
    """The helpline closed all day today (a holiday), whatever the hour of the test."""
    today = utc_now().astimezone(ZoneInfo("Europe/Paris")).date()
    return CasePolicy(opening_hours=OpeningHours(holidays=[today]))


async def test_outside_opening_hours_the_page_says_when_and_nothing_queues(
    stack: Stack,
) -> None:
    async with another_app(stack, policy=closed_today()) as url, browser_like(url) as client:
        page = await client.get("/chat")
        assert page.status_code == 200
        assert "Le chat est fermé pour le moment" in page.text
        assert "Les écoutants répondront à nouveau le" in page.text and "09:00" in page.text
        assert "tel:112" in page.text and "tel:119" in page.text
        assert 'name="writer"' not in page.text  # no form, nothing queues
        answer = await client.post("/chat/api/conversations", json=START)
        assert answer.status_code == 201
        assert answer.json()["status"] == "missed"
        assert answer.json()["opens_at"] is not None
        updates = await eventually(
            lambda: client.get("/chat/api/updates"),
            lambda r: r.status_code == 200 and r.json()["status"] == "missed",
            what="the conversation missed",
        )
    assert updates.json()["over"] and updates.json()["queue"] is None


async def test_the_live_stream_sends_where_it_stands_then_ends_for_the_page_to_reconnect(
    stack: Stack,
) -> None:
    chat = stack.settings.chat.model_copy(update={"stream_seconds": 1.0})
    async with another_app(stack, chat=chat) as url, browser_like(url) as client:
        await started(client)
        assert (await message(client, "en direct")).status_code == 201
        events: list[dict[str, Any]] = []
        ids: list[str] = []
        async with client.stream("GET", "/chat/api/events", params={"after": 0}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            assert stream.headers["cache-control"] == "no-store"
            async for line in stream.aiter_lines():  # ends by itself after ~1 s
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                if line.startswith("id: "):
                    ids.append(line[4:])
        resumed = await client.get("/chat/api/events", headers={"Last-Event-ID": "1"})
    assert events[0]["status"] == ConversationStatus.WAITING.value
    assert [m["body"] for m in events[0]["messages"]] == ["en direct"]
    assert ids[0] == "1"
    assert resumed.status_code == 200
    assert '"messages":[]' in resumed.text  # resumed after the line it had


async def test_a_callback_before_it_is_offered_is_refused(stack: Stack) -> None:
    async with browser_like(base(stack)) as client:
        await started(client)
        answer = await client.post("/chat/api/callback", json={"phone": "+33612345678"})
        bad = await client.post("/chat/api/callback", json={"phone": "appelle-moi"})
    assert answer.status_code == 409
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "phone"]


async def test_the_json_endpoints_declare_their_answers(stack: Stack) -> None:
    spec = (await stack.api.get("/openapi.json")).json()
    messages = spec["paths"]["/chat/api/messages"]["post"]["responses"]
    assert {"201", "401", "404", "409", "415", "422", "429", "503"} <= set(messages)
    assert "idempotency_key_reused" in messages["422"]["description"]
    assert {"201", "422", "503"} <= set(
        spec["paths"]["/chat/api/conversations"]["post"]["responses"]
    )
    assert (
        "text/event-stream"
        in spec["paths"]["/chat/api/events"]["get"]["responses"]["200"]["content"]
    )
    assert not any(path.startswith("/chat/api") and "{" in path for path in spec["paths"])
