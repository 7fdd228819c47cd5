"""The web chat's returning token on a whole stack (Temporal dev server, worker, the
API over loopback HTTP, SQLite): a young person who ticks "recognise me next time"
keeps a random token in an HttpOnly cookie of the chat (never in the page, a URL or
the database: only its keyed hash); when they come back with it, the counsellor who
takes the conversation sees the case opened from the first; starting without the
choice removes the cookie and nobody is recognised."""

import uuid
from typing import Any

import httpx

from tests.support.client import auth
from tests.support.databases import database_dump
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
ME = "counsellor"


async def ok(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


def keyed() -> dict[str, str]:
    return {**auth(ME), "Idempotency-Key": uuid.uuid4().hex}


async def starts_and_is_taken(stack: Stack, young_person: httpx.AsyncClient, keep: bool) -> str:
    """They start a conversation and write; the counsellor takes it."""
    api = stack.api
    started = await young_person.post("/chat/api/conversations", json={**START, "keep_me": keep})
    assert started.status_code == 201, started.text
    await ok(
        young_person.post(
            "/chat/api/messages",
            json={"body": "on me harcèle"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ),
        201,
    )
    await ok(
        api.post("/conversations/desk/presence", json={"presence": "available"}, headers=keyed())
    )
    desk = await eventually(
        lambda: ok(api.get("/conversations/desk", headers=auth(ME))),
        lambda d: bool(d["offers"]),
        what="an offer on the desk",
    )
    offer = desk["offers"][0]
    cid: str = offer["conversation_id"]
    await eventually(
        lambda: api.get(f"/conversations/{cid}", headers=auth(ME)),
        # 422 not_with_you until the conversation itself heard of the offer
        lambda r: r.status_code == 200 and r.json()["conversation"]["offer"] is not None,
        what="the offer on the conversation",
    )
    await ok(
        api.post(
            f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=keyed()
        )
    )
    return cid


async def ends(stack: Stack, cid: str) -> None:
    await ok(stack.api.post(f"/conversations/{cid}/end", headers=keyed()))
    await ok(
        stack.api.post(
            f"/conversations/{cid}/wrap-up", json={"outcome": "case_opened"}, headers=keyed()
        )
    )


async def test_a_young_person_who_kept_the_token_is_recognised(stack: Stack) -> None:
    api = stack.api
    async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as young_person:
        first = await starts_and_is_taken(stack, young_person, keep=True)
        token = young_person.cookies.get("relais_chat_return", path="/chat")
        assert token and len(token) == 43
        intake = {
            "channel": "web_chat",
            "caller_role": "victim",
            "age_band": "15_17",
            "categories": ["cyberharassment"],
        }
        case = await ok(api.post(f"/conversations/{first}/case", json=intake, headers=keyed()), 201)
        await ends(stack, first)

        # They come back with the cookie they kept.
        second = await starts_and_is_taken(stack, young_person, keep=True)
        assert young_person.cookies.get("relais_chat_return", path="/chat") == token
        seen = await eventually(
            lambda: ok(api.get(f"/conversations/{second}/earlier-contact", headers=auth(ME))),
            lambda e: bool(e["cases"]),
            what="the earlier case",
        )
        assert seen["earlier_conversations"] == 1
        assert [(c["case_id"], c["status"]) for c in seen["cases"]] == [(case["case_id"], "open")]
        assert token not in await database_dump(stack.database)
        await ends(stack, second)

        # Without the choice the cookie goes, and nothing recognises them.
        third_start = await young_person.post("/chat/api/conversations", json=START)
        assert third_start.status_code == 201
        set_cookies = third_start.headers.get_list("set-cookie")
        cleared = [c for c in set_cookies if c.startswith("relais_chat_return=")]
        assert cleared and ("Max-Age=0" in cleared[0] or "expires=" in cleared[0].lower())
        assert young_person.cookies.get("relais_chat_return", path="/chat") is None


async def test_the_cookie_is_httponly_and_never_in_the_page(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=str(stack.api.base_url), timeout=30) as young_person:
        started = await young_person.post(
            "/chat/api/conversations", json={**START, "keep_me": True}
        )
        assert started.status_code == 201, started.text
        [cookie] = [
            c for c in started.headers.get_list("set-cookie") if c.startswith("relais_chat_return=")
        ]
        token = cookie.split(";")[0].split("=", 1)[1]
        attributes = cookie.lower()
        assert "httponly" in attributes and "samesite=strict" in attributes
        assert "path=/chat" in attributes and "max-age=" in attributes
        assert token not in started.text
        page = await young_person.get("/chat")
        assert token not in page.text and token not in str(page.url)
        await young_person.post("/chat/api/leave", json={"reason": "left"})


async def test_the_page_without_script_keeps_it_too(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=str(stack.api.base_url), timeout=30) as young_person:
        form = {
            "writer": "young_person",
            "age_band": "15_17",
            "privacy_notice_accepted": "1",
            "keep_me": "1",
        }
        started = await young_person.post("/chat/start", data=form)
        assert started.status_code == 303, started.text
        kept = young_person.cookies.get("relais_chat_return", path="/chat")
        assert kept and len(kept) == 43
        again = await young_person.post("/chat/start", data={**form, "keep_me": ""})
        assert again.status_code == 303, again.text
        assert young_person.cookies.get("relais_chat_return", path="/chat") is None
