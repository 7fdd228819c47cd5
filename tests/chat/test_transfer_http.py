"""A conversation handed over over real HTTP (``POST /conversations/{id}/transfer``):
the counsellor it is with hands it to a colleague with a note; the colleague sees
the transfer on their desk and the note in the transcript (never the young person),
takes it and answers; a supervisor may hand it on; nobody else may; the audit trail
says who handed it to whom, never a word of the note."""

import uuid
from typing import Any

import httpx

from tests.support.client import auth
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
SUPERVISOR_NOTE = "Reprends-la : elle t'a déjà parlé"
NOTE = "Elle a peur que les photos circulent au lycée, à rassurer"


async def answer(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


async def take_offer(api: httpx.AsyncClient, who: dict[str, str]) -> str:
    await answer(
        api.post("/conversations/desk/presence", json={"presence": "available"}, headers=who)
    )
    desk = await eventually(
        lambda: answer(api.get("/conversations/desk", headers=who)),
        lambda d: bool(d["offers"]),
        what="an offer on the desk",
    )
    offer = desk["offers"][0]
    cid: str = offer["conversation_id"]
    await eventually(
        lambda: answer(api.get(f"/conversations/{cid}", headers=who)),
        lambda r: r["conversation"]["offer"] is not None,
        what="the offer on the conversation",
    )
    await answer(
        api.post(f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=who)
    )
    return cid


async def test_a_counsellor_hands_a_conversation_to_a_colleague_with_a_note(
    stack: Stack,
) -> None:
    api, me, colleague = stack.api, auth("counsellor"), auth("colleague")
    async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as young_person:
        await answer(young_person.post("/chat/api/conversations", json=START), 201)
        await answer(
            young_person.post(
                "/chat/api/messages",
                json={"body": "quelqu'un menace de publier mes photos"},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            ),
            201,
        )
        cid = await take_offer(api, me)
        path = f"/conversations/{cid}/transfer"

        # not with them: a colleague may not hand it over
        refused = await api.post(path, json={"to": "local-colleague"}, headers=colleague)
        assert refused.status_code == 422 and "not_with_you" in refused.text
        to_self = await api.post(path, json={"to": "local-counsellor"}, headers=me)
        assert to_self.status_code == 422 and "transfer_to_self" in to_self.text
        empty = await api.post(path, json={"to": "local-colleague", "note": " "}, headers=me)
        assert empty.status_code == 422 and "note" in empty.text

        key = {**me, "Idempotency-Key": uuid.uuid4().hex}
        body = {"to": "local-colleague", "note": NOTE}
        handed = await answer(api.post(path, json=body, headers=key))
        again = await answer(api.post(path, json=body, headers=key))  # a retry: the same
        assert handed["offer"]["kind"] == "transfer"
        assert handed["offer"]["counsellor_id"] == "local-colleague"
        assert again["offer"]["offer_id"] == handed["offer"]["offer_id"]
        assert handed["counsellor_id"] == "local-counsellor"  # with me until taken

        # the colleague finds it on their desk, reads the note, takes it
        await answer(
            api.post("/conversations/desk/presence", json={"presence": "busy"}, headers=colleague)
        )
        desk = await eventually(
            lambda: answer(api.get("/conversations/desk", headers=colleague)),
            lambda d: any(o["kind"] == "transfer" for o in d["offers"]),
            what="the transfer on the colleague's desk",
        )
        offer = next(o for o in desk["offers"] if o["kind"] == "transfer")
        assert offer["conversation_id"] == cid
        read = await answer(api.get(f"/conversations/{cid}", headers=colleague))
        notes = [line for line in read["lines"] if line["internal"]]
        assert [n["body"] for n in notes] == [NOTE]
        taken = await answer(
            api.post(
                f"/conversations/{cid}/accept",
                json={"offer_id": offer["offer_id"]},
                headers=colleague,
            )
        )
        assert (taken["status"], taken["counsellor_id"]) == ("active", "local-colleague")
        await answer(
            api.post(
                f"/conversations/{cid}/replies",
                json={"body": "Bonjour, je prends le relais."},
                headers=colleague,
            ),
            201,
        )
        mine = await api.post(f"/conversations/{cid}/replies", json={"body": "?"}, headers=me)
        assert mine.status_code == 422 and "not_with_you" in mine.text

        # the young person never sees the note
        seen = await eventually(
            lambda: answer(young_person.get("/chat/api/updates")),
            lambda u: any(m["author"] == "counsellor" for m in u["messages"]),
            what="the colleague's reply on the young person's page",
        )
        assert NOTE not in str(seen)

        # a supervisor hands it on (back), with a note of their own
        back = await answer(
            api.post(
                path,
                json={"to": "local-counsellor", "to_role": "colleague", "note": SUPERVISOR_NOTE},
                headers=auth("supervisor"),
            )
        )
        assert back["offer"]["counsellor_id"] == "local-counsellor"
        assert back["offer"]["from_counsellor"] == "local-supervisor"
        assert back["counsellor_id"] == "local-colleague"  # with them until taken
        read = await answer(api.get(f"/conversations/{cid}", headers=me))  # offered to me
        notes = [line["body"] for line in read["lines"] if line["internal"]]
        assert notes == [NOTE, SUPERVISOR_NOTE]
        nobody = await api.post(path, json={"to": "local-counsellor"})
        assert nobody.status_code == 401

    trail = await answer(
        api.get("/audit", params={"action": "conversation.transfer"}, headers=auth("auditor"))
    )
    assert [(e["actor"], e["detail"]) for e in trail] == [
        ("local-counsellor", f"conversation={cid} to=local-colleague role=colleague note=yes"),
        ("local-supervisor", f"conversation={cid} to=local-counsellor role=colleague note=yes"),
    ]
    everything = await answer(api.get("/audit", headers=auth("auditor")))
    assert NOTE not in str(everything) and SUPERVISOR_NOTE not in str(everything)
