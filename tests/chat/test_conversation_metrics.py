"""The queue's metrics on ``GET /metrics`` over real HTTP, as a supervisor's Prometheus
scrapes them: a young person waiting shows (per channel, never per conversation), one
who leaves unanswered is counted abandoned, a passed offer is counted not accepted, the
wait before a counsellor accepts lands in the histogram, and a conversation written
while the helpline is closed is counted missed."""

from typing import Any

import httpx

from tests.chat.test_chat_http import another_app, browser_like, closed_today
from tests.ops.exposition import Sample, assert_no_label_holds, samples, value
from tests.support.client import auth
from tests.support.stack import Stack
from tests.support.waiting import eventually

START = {"writer": "young_person", "age_band": "11_14", "privacy_notice_accepted": True}
WEB = {"channel": "web_chat"}


async def answer(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


async def scrape(stack: Stack) -> list[Sample]:
    response = await stack.api.get("/metrics")
    assert response.status_code == 200, response.text
    return samples(response.text)


async def an_offer(api: httpx.AsyncClient, desks: list[dict[str, str]]) -> tuple[Any, Any]:
    async def look() -> tuple[Any, Any] | None:
        for who in desks:
            desk = await answer(api.get("/conversations/desk", headers=who))
            if desk["offers"]:
                return who, desk["offers"][0]
        return None

    found = await eventually(look, lambda f: f is not None, what="an offer on a desk")
    assert found is not None
    return found


async def test_the_queue_shows_in_the_metrics_without_anyone_in_a_label(stack: Stack) -> None:
    api = stack.api
    waiting_one = httpx.AsyncClient(base_url=str(api.base_url), timeout=30)
    leaving = httpx.AsyncClient(base_url=str(api.base_url), timeout=30)
    async with waiting_one, leaving:
        first = await answer(waiting_one.post("/chat/api/conversations", json=START), 201)
        await answer(leaving.post("/chat/api/conversations", json=START), 201)
        found = await eventually(
            lambda: scrape(stack),
            lambda s: value(s, "relais_conversations_waiting", **WEB) == 2,
            what="two young people waiting",
        )
        assert value(found, "relais_conversations_longest_wait_seconds", **WEB) >= 0
        await answer(leaving.post("/chat/api/leave"))
        found = await eventually(
            lambda: scrape(stack),
            lambda s: value(s, "relais_conversations_abandoned_total", **WEB) == 1,
            what="the one who left counted abandoned",
        )
        assert value(found, "relais_conversations_waiting", **WEB) == 1

        me, colleague = auth("counsellor"), auth("colleague")
        for who in (me, colleague):
            await answer(
                api.post(
                    "/conversations/desk/presence", json={"presence": "available"}, headers=who
                )
            )
        who, offer = await an_offer(api, [me, colleague])
        cid = offer["conversation_id"]
        await eventually(
            lambda: answer(api.get(f"/conversations/{cid}", headers=who)),
            lambda r: r["conversation"]["offer"] is not None,
            what="the offer on the conversation",
        )
        await answer(
            api.post(
                f"/conversations/{cid}/pass", json={"offer_id": offer["offer_id"]}, headers=who
            )
        )
        found = await eventually(
            lambda: scrape(stack),
            lambda s: value(s, "relais_conversation_offers_not_accepted_total", **WEB) >= 1,
            what="the passed offer counted",
        )
        who, offer = await an_offer(api, [me, colleague])
        await eventually(
            lambda: answer(api.get(f"/conversations/{cid}", headers=who)),
            lambda r: (r["conversation"]["offer"] or {}).get("offer_id") == offer["offer_id"],
            what="the second offer on the conversation",
        )
        await answer(
            api.post(
                f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=who
            )
        )
        found = await eventually(
            lambda: scrape(stack),
            lambda s: value(s, "relais_conversation_wait_seconds_count", **WEB) == 1,
            what="the accepted wait in the histogram",
        )
    assert value(found, "relais_conversations_waiting", **WEB) == 0
    assert value(found, "relais_conversations_longest_wait_seconds", **WEB) == 0
    assert value(found, "relais_conversation_wait_seconds_bucket", le="+Inf", **WEB) == 1
    assert value(found, "relais_conversation_wait_seconds_bucket", le="3600.0", **WEB) == 1
    assert value(found, "relais_conversations_missed_total", **WEB) == 0
    # written while the helpline is closed (an API replica whose hours say so): missed
    async with another_app(stack, policy=closed_today()) as url, browser_like(url) as closed:
        missed = await answer(closed.post("/chat/api/conversations", json=START), 201)
        assert missed["status"] == "missed"
    found = await eventually(
        lambda: scrape(stack),
        lambda s: value(s, "relais_conversations_missed_total", **WEB) == 1,
        what="the missed conversation counted",
    )
    assert value(found, "relais_conversations_waiting", **WEB) == 0  # never queued
    labels = {k for s in found if s.name.startswith("relais_conversation") for k in s.labels}
    assert labels <= {"channel", "le"}
    assert_no_label_holds(
        found, [cid, first.get("conversation_id", ""), "local-counsellor", "local-colleague"]
    )
