"""The counsellor's routes over real HTTP (``/conversations``), beside a young person
writing through the web chat's: at the desk, the offer, the transcript, a reply the
young person reads, refusals naming what is wrong, the chat closed and wrapped up."""

import uuid
from typing import Any

import httpx

from tests.support.client import auth
from tests.support.stack import Stack
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

        # a colleague may not open a case from a conversation that is not theirs
        intake = {
            "channel": "phone",  # the conversation's channel wins: it is web chat
            "caller_role": "parent",
            "age_band": "11_14",
            "categories": ["cyberharassment"],
        }
        refused = await api.post(
            f"/conversations/{cid}/case", json=intake, headers=auth("colleague")
        )
        assert refused.status_code == 422 and "not_with_you" in refused.text
        opening = {**me, "Idempotency-Key": uuid.uuid4().hex}
        case = await answer(
            api.post(f"/conversations/{cid}/case", json=intake, headers=opening), 201
        )
        retried = await api.post(f"/conversations/{cid}/case", json=intake, headers=opening)
        assert retried.json()["case_id"] == case["case_id"]
        view = await answer(api.get(f"/cases/{case['case_id']}", headers=me))
        assert (view["contacts"][0]["channel"], view["age_band"]) == ("web_chat", "11_14")
        linked = await answer(api.get(f"/conversations/{cid}", headers=me))
        assert linked["conversation"]["linked_case_id"] == case["case_id"]
        assert linked["conversation"]["link_kind"] == "opened_from"
        # its transcript, now under the case's key, still reads
        assert [line["body"] for line in linked["lines"]][:1] == ["mon fils reçoit des menaces"]
        # attaching it to a case the colleague may not read: refused by the case's rule
        other = await api.post(
            f"/cases/{case['case_id']}/conversations",
            json={"conversation_id": cid},
            headers=auth("colleague"),
        )
        assert other.status_code == 403, other.text

        # the same young person writes again: the new conversation joins the same case
        async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as again:
            await answer(again.post("/chat/api/conversations", json=START), 201)
            second = await eventually(
                lambda: answer(api.get("/conversations/desk", headers=me)),
                lambda d: any(o["conversation_id"] != cid for o in d["offers"]),
                what="a second offer",
            )
            offer = next(o for o in second["offers"] if o["conversation_id"] != cid)
            cid2 = offer["conversation_id"]
            await eventually(
                lambda: answer(api.get(f"/conversations/{cid2}", headers=me)),
                lambda r: r["conversation"]["offer"] is not None,
                what="the offer on the second conversation",
            )
            await answer(
                api.post(
                    f"/conversations/{cid2}/accept",
                    json={"offer_id": offer["offer_id"]},
                    headers=me,
                )
            )
            attach = {**me, "Idempotency-Key": uuid.uuid4().hex}
            body = {"conversation_id": cid2}
            path = f"/cases/{case['case_id']}/conversations"
            joined = await answer(api.post(path, json=body, headers=attach))
            await answer(api.post(path, json=body, headers=attach))  # a retry
            assert (joined["linked_case_id"], joined["link_kind"]) == (case["case_id"], "attached")
            contacts = (await answer(api.get(f"/cases/{case['case_id']}", headers=me)))["contacts"]
            assert [c["channel"] for c in contacts] == ["web_chat", "web_chat"]

        await answer(api.post(f"/conversations/{cid}/end", headers=me))
        ended = await answer(
            api.post(f"/conversations/{cid}/wrap-up", json={"outcome": "advice_given"}, headers=me)
        )
        assert ended["outcome"] == "advice_given"
        late = await api.post(f"/conversations/{cid}/replies", json=text, headers=me)
        assert late.status_code == 409, late.text
