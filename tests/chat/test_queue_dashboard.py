"""The queue on the supervisor's dashboard, over HTTP on the whole system: a young
person waiting shows as waiting with nobody available; once a counsellor takes the
conversation it shows with a counsellor; each figure links to the Temporal UI list
of the same conversations (or the queue), with a query Temporal accepts and whose
count is the figure; French first."""

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from domain import contract
from tests.support.client import auth
from tests.support.console import console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
FIGURES = (
    "conversations-waiting",
    "longest-wait",
    "counsellors-available",
    "conversations-active",
    "wait-today",
    "abandoned-today",
)


def figures(html: str) -> dict[str, tuple[str, str]]:
    """id -> (the figure shown, the Temporal UI query it links to)."""
    found = {}
    for anchor in re.finditer(
        r'<a href="([^"]+)" id="([a-z-]+)"><span class="figure[^"]*">([^<]*)</span>', html
    ):
        href, name, shown = unescape(anchor[1]), anchor[2], unescape(anchor[3])
        if "/namespaces/default/workflows?query=" in href:
            found[name] = (shown, parse_qs(urlsplit(href).query)["query"][0])
    return found


async def answer(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


async def test_the_queue_on_the_dashboard_links_to_its_conversations(stack: Stack) -> None:
    api = stack.api
    boss = console_user(str(api.base_url))
    await boss.sign_in("local-supervisor-token")

    async def board() -> dict[str, tuple[str, str]]:
        page = await boss.page("/dashboard")
        assert page.status_code == 200, page.text[:500]
        return figures(page.text)

    empty = await board()  # nobody set a presence yet: no queue, zeros
    assert set(FIGURES) <= set(empty)
    assert empty["conversations-waiting"][0] == "0"

    busy = {"presence": "busy"}
    await answer(api.post("/conversations/desk/presence", json=busy, headers=auth("colleague")))
    async with httpx.AsyncClient(base_url=str(api.base_url), timeout=30) as young_person:
        await answer(young_person.post("/chat/api/conversations", json=START), 201)
        shown = await eventually(
            board, lambda f: f["conversations-waiting"][0] == "1", what="one waiting"
        )
        assert shown["counsellors-available"][0] == "0"
        assert shown["longest-wait"][0].endswith(" s")
        page = (await boss.page("/dashboard")).text
        assert "Conversations : la file d\u2019attente" in page and "en attente maintenant" in page
        waiting_query = shown["conversations-waiting"][1]
        # this helpline's alone: the dev server holds other stacks' (helplines') conversations
        helpline = stack.settings.helpline
        assert (
            waiting_query
            == f'Helpline = "{helpline}" AND ConversationStatus IN ("waiting", "offered")'
        )

        me = auth("counsellor")
        available = {"presence": "available"}
        await answer(api.post("/conversations/desk/presence", json=available, headers=me))
        desk = await eventually(
            lambda: answer(api.get("/conversations/desk", headers=me)),
            lambda d: bool(d["offers"]),
            what="the offer",
        )
        offer = desk["offers"][0]
        cid = offer["conversation_id"]
        workflow_id = contract.CONVERSATION.workflow_id(cid)

        async def listed(query: str) -> set[str]:
            """The workflows the link's list shows (the dev server is shared by the
            test modules: others' conversations may be listed too)."""
            return {w.id async for w in stack.client.list_workflows(query)}

        await eventually(
            lambda: listed(waiting_query),
            lambda ids: workflow_id in ids,
            what="the waiting (offered) conversation in the Temporal list",
        )
        await eventually(
            lambda: answer(api.get(f"/conversations/{cid}", headers=me)),
            lambda r: r["conversation"]["offer"] is not None,
            what="the offer on the conversation",
        )
        await answer(
            api.post(
                f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=me
            )
        )
        shown = await eventually(
            board,
            lambda f: f["conversations-active"][0] == "1" and f["conversations-waiting"][0] == "0",
            what="the conversation with a counsellor",
        )
        assert shown["counsellors-available"][0] == "1"
        assert shown["longest-wait"][0] == "—"
        for figure in ("conversations-active", "wait-today"):
            await eventually(
                lambda figure=figure: listed(shown[figure][1]),
                lambda ids: workflow_id in ids,
                what=f"the conversation in the Temporal list of {figure}",
            )
        await eventually(
            lambda: listed(waiting_query),
            lambda ids: workflow_id not in ids,
            what="the conversation out of the waiting list",
        )
        queue = shown["counsellors-available"][1]
        assert queue == f'WorkflowId = "queue-{stack.settings.helpline}"'
        assert (await stack.client.count_workflows(queue)).count == 1
        for _, query in shown.values():  # every link's query is one Temporal accepts
            await stack.client.count_workflows(query)
        assert cid not in str(shown)  # no conversation id in a link
