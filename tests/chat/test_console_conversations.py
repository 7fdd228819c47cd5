"""The counsellor's conversations screen in the console, over real HTTP beside a young
person writing through the web chat: presence set from the screen, the offer shown
and accepted, the transcript read and answered by a plain form post (the young person
reads it), a refusal beside its field, the live fragments, a case opened from the
conversation with the pre-chat form filled in, a second conversation attached to it
as a tab of its own, the chat closed and wrapped up."""

import asyncio
import re
import time
import uuid
from typing import Any

import httpx

from console.routes.conversation_live import HOLD_SECONDS
from tests.support.console import ConsoleUser, console_user, hidden_fields
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "parent", "age_band": "11_14", "privacy_notice_accepted": True}
SCREEN = "/conversations"


async def writes(young_person: httpx.AsyncClient, text: str) -> None:
    sent = await young_person.post(
        "/chat/api/messages", json={"body": text}, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert sent.status_code == 201, sent.text


async def starts(young_person: httpx.AsyncClient) -> None:
    started = await young_person.post("/chat/api/conversations", json=START)
    assert started.status_code == 201, started.text


def offer_of(html: str, *besides: str) -> tuple[str, str] | None:
    """The first offer on the desk for a conversation other than ``besides`` (the queue
    hears of an accepted offer in its own time)."""
    for found in re.finditer(r'action="/console/conversations/([^/"]+)/accept"', html):
        if found[1] not in besides:
            return found[1], hidden_fields(html[found.start() :])["offer_id"]
    return None


async def screen(user: ConsoleUser, chosen: str | None = None) -> str:
    page = await user.page(SCREEN + (f"?c={chosen}" if chosen else ""))
    assert page.status_code == 200, page.text[:2000]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    return page.text


async def post(
    user: ConsoleUser, page: str, action: str, form_id: str | None, **fields: Any
) -> Any:
    return await user.send(page, action, fields, form_id=form_id)


async def test_a_counsellor_answers_from_the_console(stack: Stack) -> None:
    base = str(stack.api.base_url)
    lea = console_user(base)
    await lea.sign_in("local-counsellor-token")
    first_page = await screen(lea)
    assert 'href="/console/conversations" aria-current="page"' in first_page
    assert 'data-heartbeat="/console/conversations/heartbeat"' in first_page

    bad = await post(lea, SCREEN, "/conversations/presence", "presence", presence="asleep")
    assert bad.status_code == 422 and "Choisissez une des options" in bad.text
    set_ = await post(
        lea, SCREEN, "/conversations/presence", "presence", presence="available", capacity="2"
    )
    assert set_.status_code == 303, set_.text[:2000]
    beat = await lea.http.post(
        "/console/conversations/heartbeat", data=hidden_fields(await screen(lea), "presence")
    )
    assert beat.status_code == 204
    forged = await lea.http.post("/console/conversations/heartbeat", data={"csrf": "x"})
    assert forged.status_code == 403

    async with httpx.AsyncClient(base_url=base, timeout=30) as young_person:
        await starts(young_person)
        await writes(young_person, "mon fils reçoit des menaces")
        live = await eventually(
            lambda: lea.page("/conversations/live"),
            lambda r: offer_of(r.text) is not None,
            what="the offer in the live fragment",
        )
        assert "Nouvelle conversation : un parent, 11 à 14 ans" in live.text
        offered = offer_of(live.text)
        assert offered is not None
        cid, offer_id = offered
        page = await screen(lea)
        assert 'aria-live="polite"' in page and "Accepter" in page and "Passer" in page
        taken = await eventually(
            lambda: lea.http.post(
                f"/console/conversations/{cid}/accept",
                data={
                    **hidden_fields(page[page.index(f"/{cid}/accept") - 100 :]),
                    "offer_id": offer_id,
                },
            ),
            lambda r: r.status_code == 303,
            what="the offer accepted",
        )
        assert taken.headers["location"].startswith(f"/console/conversations?c={cid}")

        # Its tab comes from the queue, told by the conversation a moment after the
        # accept (the desk's fragment redraws every second): there on a screen soon after.
        tab = f'href="/console/conversations?c={cid}" aria-current="page"'
        page = await eventually(lambda: screen(lea, cid), lambda p: tab in p, what="its tab")
        assert "Conversation avec un parent (11 à 14 ans) par tchat" in page
        assert "mon fils reçoit des menaces" in page
        assert "data-enter-sends" in page

        empty = await post(
            lea, f"{SCREEN}?c={cid}", f"/conversations/{cid}/replies", "reply", body=" "
        )
        assert empty.status_code == 422 and 'id="reply-body-error"' in empty.text
        answered = await post(
            lea,
            f"{SCREEN}?c={cid}",
            f"/conversations/{cid}/replies",
            "reply",
            body="Merci de nous écrire.\nDepuis quand ?",
        )
        assert answered.status_code == 303, answered.text[:2000]
        seen = await eventually(
            lambda: young_person.get("/chat/api/updates"),
            lambda r: any(m["author"] == "counsellor" for m in r.json()["messages"]),
            what="the reply on the young person's page",
        )
        assert seen.json()["messages"][-1]["body"] == "Merci de nous écrire.\nDepuis quand ?"

        # the live transcript: held while nothing changed (then 204), answered with the
        # new line as soon as it comes
        page = await screen(lea, cid)
        live_url = re.search(r'id="transcript" data-status="active" data-live="([^"]+)"', page)
        assert live_url is not None
        url = live_url[1].replace("&amp;", "&").removeprefix("/console")
        held = asyncio.create_task(lea.page(url))
        await writes(young_person, "depuis lundi")
        fresh = await held
        assert fresh.status_code == 200 and "depuis lundi" in fresh.text
        following = re.search(r'data-live-next="([^"]+)"', fresh.text)
        assert following is not None
        next_url = following[1].replace("&amp;", "&").removeprefix("/console")
        began = time.monotonic()
        assert (await lea.page(next_url)).status_code == 204  # nothing new: held, then 204
        assert time.monotonic() - began >= HOLD_SECONDS - 1

        # a colleague sees neither the transcript nor its live part
        colleague = console_user(base)
        await colleague.sign_in("local-colleague-token")
        theirs = await screen(colleague, cid)
        assert "n'est pas avec vous" in theirs and "depuis lundi" not in theirs
        assert (await colleague.page(url)).status_code == 404

        # attach: an unknown case is said beside the field, in French
        unknown = await post(
            lea, f"{SCREEN}?c={cid}", f"/conversations/{cid}/attach", "attach", case_id="nope"
        )
        assert unknown.status_code in (403, 404), unknown.text[:2000]
        assert 'id="attach-case_id-error"' in unknown.text

        # open a case: the new case form, prefilled from the pre-chat form
        form = await lea.page(f"/cases/new?conversation={cid}")
        assert f'name="conversation_id" value="{cid}"' in form.text
        assert '<option value="parent" selected>' in form.text
        assert '<option value="11_14" selected>' in form.text
        opened = await post(
            lea,
            f"/cases/new?conversation={cid}",
            "/cases",
            "new-case",
            conversation_id=cid,
            caller_role="parent",
            age_band="11_14",
            categories=["cyberharassment"],
            channel="phone",
        )
        assert opened.status_code == 303, opened.text[:3000]
        case_id = opened.headers["location"].split("/")[3].split("?")[0]
        page = await screen(lea, cid)
        assert f'href="/console/cases/{case_id}"' in page

        # a second conversation, attached to that case, is a second tab
        async with httpx.AsyncClient(base_url=base, timeout=30) as again:
            await starts(again)
            live = await eventually(
                lambda: lea.page("/conversations/live"),
                lambda r: offer_of(r.text, cid) is not None,
                what="a second offer",
            )
            offered = offer_of(live.text, cid)
            assert offered is not None
            cid2, offer2 = offered
            page = await screen(lea)
            taken = await eventually(
                lambda: lea.http.post(
                    f"/console/conversations/{cid2}/accept",
                    data={"csrf": hidden_fields(page, "presence")["csrf"], "offer_id": offer2},
                ),
                lambda r: r.status_code == 303,
                what="the second offer accepted",
            )
            page = await eventually(  # the queue hears of the accept in its own time
                lambda: screen(lea, cid2),
                lambda html: html.count('href="/console/conversations?c=') == 2,
                what="two tabs",
            )
            joined = await post(
                lea,
                f"{SCREEN}?c={cid2}",
                f"/conversations/{cid2}/attach",
                "attach",
                case_id=case_id,
            )
            assert joined.status_code == 303, joined.text[:3000]
            assert "done=attached" in joined.headers["location"]

        ended = await post(lea, f"{SCREEN}?c={cid}", f"/conversations/{cid}/end", "end")
        assert ended.status_code == 303, ended.text[:2000]
        no_choice = await post(
            lea, f"{SCREEN}?c={cid}", f"/conversations/{cid}/wrap-up", "wrap-up", outcome=""
        )
        assert no_choice.status_code == 422 and 'id="wrap-up-outcome-error"' in no_choice.text
        wrapped = await post(
            lea,
            f"{SCREEN}?c={cid}",
            f"/conversations/{cid}/wrap-up",
            "wrap-up",
            outcome="case_opened",
        )
        assert wrapped.status_code == 303, wrapped.text[:2000]
        late = await lea.http.post(
            f"/console/conversations/{cid}/replies",
            data={"csrf": hidden_fields(page, "presence")["csrf"], "body": "encore là ?"},
        )
        assert late.status_code == 409, late.text[:2000]
        assert "Cette conversation est terminée" in late.text  # said at the top: no reply box
        twice = await lea.http.post(  # an offer that is no longer (the same one: the same answer)
            f"/console/conversations/{cid}/accept",
            data={"csrf": hidden_fields(page, "presence")["csrf"], "offer_id": "gone"},
        )
        assert twice.status_code in (409, 422), twice.text[:2000]
        assert 'class="error-summary"' in twice.text

    # not now: a third conversation's offer passed on
    async with httpx.AsyncClient(base_url=base, timeout=30) as third:
        await starts(third)
        live = await eventually(
            lambda: lea.page("/conversations/live"),
            lambda r: offer_of(r.text, cid, cid2) is not None,
            what="a third offer",
        )
        offered = offer_of(live.text, cid, cid2)
        assert offered is not None
        cid3, offer3 = offered
        page = await screen(lea)
        passed = await eventually(
            lambda: lea.http.post(
                f"/console/conversations/{cid3}/pass",
                data={"csrf": hidden_fields(page, "presence")["csrf"], "offer_id": offer3},
            ),
            lambda r: r.status_code == 303,
            what="the offer passed",
        )
        assert "done=passed" in passed.headers["location"]
        told = await lea.http.get(passed.headers["location"])
        assert "Proposition passée à un collègue." in told.text
