"""What one exchange costs the worker, counted: a young person writes in the web chat,
the counsellor's screen (the console's live fragment, read as its script reads it)
shows the line, the counsellor replies from the console, the young person's live
stream shows the reply. Counted over a few exchanges once the screen and the stream
are open: the conversation workflow's tasks and history events (its history), the
queries, signals and updates the doors sent (every one goes through
:class:`ConversationCommands`). A change that adds a task or a query to every message
fails here (``bench.exchange_cost`` counts the same on separate processes, with the
worker's CPU)."""

import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from temporalio.api.enums.v1 import EventType

from application.conversations.commands import ConversationCommands
from bench.chat_people import YoungPerson, replies, screen_shows, signed_in
from domain import contract
from relais.db.repositories.conversation_messages import TranscriptRows
from tests.support.stack import Stack
from tests.support.waiting import eventually

COUNSELLOR = {"Authorization": "Bearer local-counsellor-token"}
EXCHANGES = 3


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Every query, signal and update the doors send, by kind and name."""
    counts: Counter[str] = Counter()

    def counting(kind: str, original: Any) -> Any:
        async def call(
            self: ConversationCommands, where: str, what: Any, *args: Any, **kw: Any
        ) -> Any:
            counts[f"{kind}:{what.name}"] += 1
            return await original(self, where, what, *args, **kw)

        return call

    for kind in ("query", "query_queue", "signal", "signal_queue", "update"):
        monkeypatch.setattr(
            ConversationCommands, kind, counting(kind, getattr(ConversationCommands, kind))
        )
    yield counts


async def tasks_and_events(stack: Stack, cid: str) -> Counter[str]:
    handle = stack.client.get_workflow_handle(contract.CONVERSATION.workflow_id(cid))
    history = await handle.fetch_history()
    counts: Counter[str] = Counter(events=len(history.events))
    for event in history.events:
        counts[EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")] += 1
    return counts


async def pending_activities(stack: Stack, cid: str) -> int:
    handle = stack.client.get_workflow_handle(contract.CONVERSATION.workflow_id(cid))
    return len((await handle.describe()).raw_description.pending_activities)


async def fetched(stack: Stack, cid: str) -> set[str]:
    """The counsellor's lines the young person's page fetched (their delivery)."""
    return await TranscriptRows(stack.database).fetched(cid)


async def taken(stack: Stack) -> str:
    async def desk() -> Any:
        return (await stack.api.get("/conversations/desk", headers=COUNSELLOR)).json()

    offers = (await eventually(desk, lambda d: bool(d["offers"]), what="the offer"))["offers"]
    cid, offer_id = offers[0]["conversation_id"], offers[0]["offer_id"]
    accepted = await stack.api.post(
        f"/conversations/{cid}/accept", json={"offer_id": offer_id}, headers=COUNSELLOR
    )
    assert accepted.status_code == 200, accepted.text
    return str(cid)


async def test_an_exchange_costs_two_workflow_tasks_and_one_screen_query(
    stack: Stack, sent: Counter[str]
) -> None:
    base = str(stack.api.base_url)
    counsellor = await signed_in(base, "local-counsellor-token", 1)
    young = YoungPerson(httpx.AsyncClient(base_url=base, timeout=30))
    try:
        await young.start()
        cid = await taken(stack)
        assert cid == young.conversation_id
        young.listen()

        replies_sent = 0

        async def exchange(tag: str) -> None:
            nonlocal replies_sent
            said, answer = f"{tag}-{uuid.uuid4().hex[:6]}", f"re-{tag}-{uuid.uuid4().hex[:6]}"
            await young.writes(said)
            await screen_shows(counsellor, cid, said, 0.05)
            await replies(counsellor, cid, answer)
            replies_sent += 1
            await young.reads(answer)
            await eventually(  # the page's read is recorded: nothing left in flight
                lambda: fetched(stack, cid),
                lambda marked: len(marked) == replies_sent,
                what="every reply delivered",
            )

        await exchange("warm")
        # Nothing of the opening left in flight: the directory row the accept wrote (an
        # activity; its new version wakes the page once, a read that is not an
        # exchange's) is in, and a second exchange lets the page's watch see it.
        await eventually(
            lambda: pending_activities(stack, cid), lambda n: n == 0, what="no activity pending"
        )
        await exchange("warm-again")
        before = await tasks_and_events(stack, cid)
        streams = young.streams
        sent.clear()
        for k in range(EXCHANGES):
            await exchange(f"m{k}")
        after = await tasks_and_events(stack, cid)
        # A stream ends after 30-60 s and the page opens the next one with a read of
        # its own: a slow run may see one.
        reconnects = young.streams - streams
    finally:
        await young.close()
        await counsellor.http.aclose()
    history = after - before
    per = {k: v / EXCHANGES for k, v in sorted(history.items())}
    calls = {k: v / EXCHANGES for k, v in sorted(sent.items())}
    print("per exchange, history:", per, "calls:", calls)
    # The two lines, each an update answered in one task; nothing published, no
    # activity, and the page's read of the reply (its delivery) is the store's.
    assert per["WORKFLOW_TASK_COMPLETED"] == 2, per
    assert per.get("ACTIVITY_TASK_SCHEDULED", 0) == 0, per
    assert per["events"] == 10, per
    assert calls["update:young_person_writes"] == calls["update:counsellor_replies"] == 1
    assert not any(k.startswith("signal") for k in sent), calls
    # The screen asks the workflow once per line it shows (its lines opened from that
    # same answer); the page once, for the reply (its own line it drew from its answer),
    # and once for each stream it opened again.
    assert calls["query:counsellor_view"] == 1, calls
    assert sent["query:young_person_view"] == EXCHANGES + reconnects, (calls, reconnects)
    assert not any(k.startswith(("query_queue", "signal_queue")) for k in sent), calls
