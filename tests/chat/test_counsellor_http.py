"""The counsellor's routes over real HTTP (``/conversations``), beside a young person
writing through the web chat's: at the desk, the offer, the transcript, a reply the
young person reads, refusals naming what is wrong, the chat closed and wrapped up."""

import uuid
from typing import Any

import httpx

from tests.support.stack import Stack, auth
from tests.support.waiting import eventually

START = {"writer": "parent", "age_band": "11_14", "privacy_notice_accepted": True}


async def answer(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


async def test_a_counsellor_answers_a_young_person_through_the_api(stack: Stack) -> None:
    api, me = stack.api, auth("counsellor")
    async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as young_person:
        await answer(young_person.post("/chat/api/conversations", json=START), 201)
        await answer(
            young_person.post(
                "/chat/api/messages",
                json={"body": "mon fils reçoit des menaces"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            ),
            201,
        )
        desk = await answer(
            api.post("/conversations/desk/presence", json={"presence": "available"}, headers=me)
        )
        assert (desk["presence"], desk["capacity"]) == ("available", 2)
        await answer(api.post("/conversations/desk/heartbeat", headers=me), 204)

        desk = await eventually(
            lambda: answer(api.get("/conversations/desk", headers=me)),
            lambda d: bool(d["offers"]),
            what="an offer on the desk",
        )
        offer = desk["offers"][0]
        cid = offer["conversation_id"]
        assert offer["channel"] == "web_chat"
        await eventually(  # the conversation has heard of its offer too
            lambda: answer(api.get(f"/conversations/{cid}", headers=me)),
            lambda r: r["conversation"]["offer"] is not None,
            what="the offer on the conversation",
        )
        taken = await answer(
            api.post(
                f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=me
            )
        )
        assert taken["status"] == "active"
        assert taken["pre_chat"]["writer"] == "parent"

        key = {**me, "Idempotency-Key": uuid.uuid4().hex}
        text = {"body": "Merci de nous écrire. Depuis quand ?"}
        first = await answer(api.post(f"/conversations/{cid}/replies", json=text, headers=key), 201)
        again = await answer(api.post(f"/conversations/{cid}/replies", json=text, headers=key), 201)
        assert again["seq"] == first["seq"]
        reused = await api.post(
            f"/conversations/{cid}/replies", json={"body": "autre chose"}, headers=key
        )
        assert reused.status_code == 422, reused.text
        too_long = await api.post(
            f"/conversations/{cid}/replies", json={"body": "x" * 4097}, headers=me
        )
        assert too_long.status_code == 422 and "body" in too_long.text

        seen = await eventually(
            lambda: answer(young_person.get("/chat/api/updates")),
            lambda u: any(m["author"] == "counsellor" for m in u["messages"]),
            what="the reply on the young person's page",
        )
        assert [m["body"] for m in seen["messages"]] == [
            "mon fils reçoit des menaces",
            "Merci de nous écrire. Depuis quand ?",
        ]

        read = await answer(api.get(f"/conversations/{cid}", headers=me))
        assert [line["body"] for line in read["lines"]] == [
            "mon fils reçoit des menaces",
            "Merci de nous écrire. Depuis quand ?",
        ]
        colleague = await api.get(f"/conversations/{cid}", headers=auth("colleague"))
        assert colleague.status_code == 422 and "not_with_you" in colleague.text
        nobody = await api.get(f"/conversations/{cid}")
        assert nobody.status_code == 401

        await answer(api.post(f"/conversations/{cid}/end", headers=me))
        ended = await answer(
            api.post(f"/conversations/{cid}/wrap-up", json={"outcome": "advice_given"}, headers=me)
        )
        assert ended["outcome"] == "advice_given"
        late = await api.post(f"/conversations/{cid}/replies", json=text, headers=me)
        assert late.status_code == 409, late.text
