"""A young person sends a file from the web chat, over real HTTP on the whole system:
refused in plain words before the counsellor has recorded the situation (nothing kept),
then taken into the linked case's evidence (door ``web_chat``, added by the
conversation), a line in the transcript saying so (never the file), a file not taken
named beside its field, an intimate picture kept as fingerprints only."""

import uuid
from html import unescape
from typing import Any

import httpx

from tests.evidence.files import picture, png
from tests.support.client import TOKENS, auth
from tests.support.console import console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
INTAKE = {
    "channel": "web_chat",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
}


async def answer(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


async def send(young_person: httpx.AsyncClient, data: bytes, intimate: str | None = "no") -> Any:
    return await young_person.post(
        "/chat/files",
        data={"intimate": intimate} if intimate else {},
        files={"file": ("../x.png", data, "application/octet-stream")},
    )


async def taken_by_a_counsellor(stack: Stack, young_person: httpx.AsyncClient) -> str:
    api, me = stack.api, auth("counsellor")
    await answer(young_person.post("/chat/api/conversations", json=START), 201)
    await answer(
        api.post("/conversations/desk/presence", json={"presence": "available"}, headers=me)
    )
    desk = await eventually(
        lambda: answer(api.get("/conversations/desk", headers=me)),
        lambda d: bool(d["offers"]),
        what="an offer on the desk",
    )
    offer = desk["offers"][0]
    cid: str = offer["conversation_id"]
    await eventually(
        lambda: answer(api.get(f"/conversations/{cid}", headers=me)),
        lambda r: r["conversation"]["offer"] is not None,
        what="the offer on the conversation",
    )
    accept = {"offer_id": offer["offer_id"]}
    await answer(api.post(f"/conversations/{cid}/accept", json=accept, headers=me))
    return cid


async def test_a_file_from_the_chat_lands_on_the_case_and_in_the_transcript(stack: Stack) -> None:
    api, me = stack.api, auth("counsellor")
    async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as young_person:
        cid = await taken_by_a_counsellor(stack, young_person)
        page = unescape((await young_person.get("/chat")).text)
        assert "Envoyer un fichier (une capture d'écran, une photo, un PDF)" in page

        early = await send(young_person, png(picture(seed=61)))
        assert early.status_code == 409
        assert "une fois que l'écoutant a enregistré votre situation" in unescape(early.text)

        opening = {**me, "Idempotency-Key": uuid.uuid4().hex}
        case = await answer(
            api.post(f"/conversations/{cid}/case", json=INTAKE, headers=opening), 201
        )
        case_id = case["case_id"]
        sent = await eventually(
            lambda: send(young_person, png(picture(seed=62))),
            lambda r: r.status_code != 409,
            what="the file taken once the case is linked",
        )
        assert sent.status_code == 303 and sent.headers["location"] == "/chat"
        not_taken = await send(young_person, b"PK\x03\x04 a zip")
        assert not_taken.status_code == 415
        assert "Ce type de fichier ne peut pas être envoyé ici." in unescape(not_taken.text)
        unanswered = await send(young_person, png(picture(seed=63)), intimate=None)
        assert unanswered.status_code == 422
        assert "Dites si c'est une image intime de vous." in unescape(unanswered.text)
        intimate = await send(young_person, png(picture(seed=64)), intimate="yes")
        assert intimate.status_code == 303

        lines = (await answer(api.get(f"/cases/{case_id}/evidence", headers=me)))["evidence"]
        assert [(x["channel"], x["added_by"], x["kept"]) for x in lines] == [
            ("web_chat", f"conversation:{cid}", True),
            ("web_chat", f"conversation:{cid}", False),
        ]
        read = await answer(api.get(f"/conversations/{cid}", headers=me))
        said = [line["body"] for line in read["lines"] if line["body"].startswith("[fichier")]
        assert (
            said[0].startswith("[fichier image/png, ") and "dans les preuves du dossier" in said[0]
        )
        assert said[1] == "[fichier image/png, image intime : empreintes seulement]"
        files = [line["body"] for line in read["lines"] if line["file_sent"]]
        assert files == said

        # The counsellor's transcript: a line linking to the case's evidence, no image
        lea = console_user(str(api.base_url))
        await lea.sign_in(TOKENS["counsellor"])
        desk = await lea.page(f"/conversations?c={cid}")
        assert desk.status_code == 200, desk.text[:500]
        links = desk.text.count(f'href="/console/cases/{case_id}#evidence"')
        assert links == 2, desk.text
        assert "Un fichier a été envoyé : voir les preuves du dossier" in unescape(desk.text)
        assert "<img" not in desk.text.split('class="transcript"', 1)[1].split("</ol>", 1)[0]
