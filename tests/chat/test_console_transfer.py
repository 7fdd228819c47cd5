"""Handing a conversation over from the console's Conversations screen, over real HTTP
beside a young person writing through the web chat: the form offers only colleagues
and supervisors available now (never the counsellor themself), a refusal is said
beside its field, the transfer goes through the same service as the API's (its audit
line, its idempotency key), it stays with the counsellor until the colleague takes it
from their desk, the note is read by the colleague and never by the young person."""

import httpx

from tests.chat.test_console_conversations import SCREEN, offer_of, screen, starts, writes
from tests.support.client import auth
from tests.support.console import ConsoleUser, console_user, hidden_fields
from tests.support.stack import Stack
from tests.support.waiting import eventually

NOTE = "Elle parle de son beau-père, prends le temps"


async def at_desk(user: ConsoleUser) -> None:
    set_ = await user.send(
        SCREEN,
        "/conversations/presence",
        {"presence": "available", "capacity": "2"},
        form_id="presence",
    )
    assert set_.status_code == 303, set_.text[:2000]


async def takes_offer(user: ConsoleUser, *besides: str) -> str:
    live = await eventually(
        lambda: user.page("/conversations/live"),
        lambda r: offer_of(r.text, *besides) is not None,
        what="an offer on the desk",
    )
    offered = offer_of(live.text, *besides)
    assert offered is not None
    cid, offer_id = offered
    csrf = hidden_fields(await screen(user), "presence")["csrf"]
    await eventually(
        lambda: user.http.post(
            f"/console/conversations/{cid}/accept", data={"csrf": csrf, "offer_id": offer_id}
        ),
        lambda r: r.status_code == 303,
        what="the offer accepted",
    )
    return cid


def transfer_form(html: str) -> str:
    start = html.index('id="transfer"')
    return html[start : html.index("</form>", start)]


async def test_a_counsellor_hands_a_conversation_over_from_the_console(stack: Stack) -> None:
    base = str(stack.api.base_url)
    lea, sam = console_user(base), console_user(base)
    await lea.sign_in("local-counsellor-token")
    await at_desk(lea)

    async with httpx.AsyncClient(base_url=base, timeout=30) as young_person:
        await starts(young_person)
        await writes(young_person, "je n'ose pas rentrer chez moi")
        cid = await takes_offer(lea)
        page = f"{SCREEN}?c={cid}"

        # nobody else at their desk: nobody to hand it to, and the screen says so
        alone = await screen(lea, cid)
        assert "Aucun collègue ni superviseur n'est disponible en ce moment." in alone
        assert 'id="transfer"' not in alone

        await sam.sign_in("local-colleague-token")
        await at_desk(sam)
        drawn = await eventually(
            lambda: screen(lea, cid),
            lambda html: 'id="transfer"' in html,
            what="the colleague in the transfer form",
        )
        form = transfer_form(drawn)
        assert '<option value="local-colleague">local-colleague (0 conversations sur 2)' in form
        assert 'value="local-counsellor"' not in form  # never to oneself
        assert '<option value="colleague" selected>un collègue</option>' in form
        assert "Le jeune ne la voit jamais." in form

        # refused: nobody chosen, said beside the field and named in the summary
        nobody = await lea.send(
            page,
            f"/conversations/{cid}/transfer",
            {"to": "", "to_role": "colleague"},
            form_id="transfer",
        )
        assert nobody.status_code == 422, nobody.text[:2000]
        assert 'id="transfer-to-error"' in nobody.text and "À :" in nobody.text
        to_self = await lea.send(
            page,
            f"/conversations/{cid}/transfer",
            {"to": "local-counsellor", "to_role": "colleague"},
            form_id="transfer",
        )
        assert to_self.status_code == 422 and "La conversation est déjà avec vous" in to_self.text

        # handed over with a note; sent twice (a double click): one transfer
        drawn = await screen(lea, cid)
        fields = {
            **hidden_fields(drawn, "transfer"),
            "to": "local-colleague",
            "to_role": "colleague",
            "note": NOTE,
        }
        handed = await lea.http.post(f"/console/conversations/{cid}/transfer", data=fields)
        assert handed.status_code == 303, handed.text[:2000]
        assert "done=transferred" in handed.headers["location"]
        again = await lea.http.post(f"/console/conversations/{cid}/transfer", data=fields)
        assert again.status_code == 303, again.text[:2000]
        mine = await screen(lea, cid)
        assert "Transmise à local-colleague" in mine
        assert 'id="transfer"' not in mine  # one transfer at a time
        assert 'id="reply"' in mine  # still with her until taken

        # the colleague sees it on their desk, reads the note, takes it
        live = await eventually(
            lambda: sam.page("/conversations/live"),
            lambda r: "transférée par local-counsellor" in r.text,
            what="the transfer on the colleague's desk",
        )
        assert f'action="/console/conversations/{cid}/accept"' in live.text
        theirs = await screen(sam, cid)
        assert NOTE in theirs and "Note entre écoutants" in theirs
        assert "je n&#39;ose pas rentrer chez moi" in theirs
        took = await takes_offer(sam)
        assert took == cid
        answered = await sam.send(
            f"{SCREEN}?c={cid}",
            f"/conversations/{cid}/replies",
            {"body": "Bonjour, je prends le relais."},
            form_id="reply",
        )
        assert answered.status_code == 303, answered.text[:2000]
        gone = await eventually(
            lambda: screen(lea, cid),
            lambda html: "n'est pas avec vous" in html,
            what="the conversation gone from her screen",
        )
        assert NOTE not in gone

        seen = await eventually(
            lambda: young_person.get("/chat/api/updates"),
            lambda r: any(m["author"] == "counsellor" for m in r.json()["messages"]),
            what="the colleague's reply on the young person's page",
        )
        assert NOTE not in seen.text

    trail = await stack.api.get(
        "/audit", params={"action": "conversation.transfer"}, headers=auth("auditor")
    )
    assert trail.status_code == 200, trail.text
    assert [(e["actor"], e["detail"]) for e in trail.json()] == [
        ("local-counsellor", f"conversation={cid} to=local-colleague role=colleague note=yes"),
    ]
    assert NOTE not in str((await stack.api.get("/audit", headers=auth("auditor"))).json())
