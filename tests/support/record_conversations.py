"""Record the conversation and queue histories the replay test pins, one folder per
main path. Run through ``python -m tests.support.record_histories`` (all scenarios)
or ``python -m tests.support.record_histories conversation_answered``.

Recorded from a bare worker (the real workflows, the real queue, fake activities for
the store and channels) on a time-skipping dev server, not from the API like the
case scenarios: the conversation's doors (the application layer, the chat page, the
console screen) do not exist yet, and what a replay checks is the workflow code's
path through its history, which the doors do not change. Re-record from the API once
they exist if a door ever sends something these scenarios do not.
"""

import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.callback_window import OpeningHours
from domain.conversation import CallbackRequest, CallbackWindow, YoungPersonLeaves, YoungPersonView
from domain.conversation_desk import (
    ConversationOutcome,
    CounsellorView,
    LinkCaseRequest,
    LinkKind,
    TransferRequest,
    WrapUpRequest,
)
from domain.conversation_queue import Presence
from domain.policy import ConversationPolicy
from tests.support.history_files import decoded
from tests.support.record_histories import HISTORIES
from tests.support.temporal import start_time_skipping_server
from tests.workflows.conversation.support import (
    POLICY,
    ConversationFakes,
    Handle,
    Helpline,
    bare_conversation_worker,
)

HELPLINE = "replay"


async def answered(helpline: Helpline) -> list[Handle]:
    """Offered, lapsed to the next counsellor, accepted; messages both ways; handed to a
    colleague; wrapped up; linked to the case opened from it."""
    await helpline.presence("counsellor-a")
    await helpline.presence("counsellor-b")
    chat = await helpline.open(conversation_id="answered")
    await helpline.writes(chat, body="bonjour")
    await helpline.offer_to("counsellor-a", chat)
    await helpline.forward_queue(timedelta(seconds=31))
    await helpline.accept("counsellor-b", await helpline.offer_to("counsellor-b", chat))
    await helpline.replies(chat, "counsellor-b")
    await helpline.writes(chat, body="merci")
    await chat.execute_update(
        contract.TRANSFER_CONVERSATION.name,
        TransferRequest(actor="counsellor-b", to="counsellor-a"),
        result_type=CounsellorView,
    )
    await helpline.accept("counsellor-a", await helpline.offer_to("counsellor-a", chat))
    await chat.execute_update(
        contract.WRAP_UP.name,
        WrapUpRequest(actor="counsellor-a", outcome=ConversationOutcome.CASE_OPENED),
        result_type=CounsellorView,
    )
    await _link(chat, "counsellor-a")
    await helpline.result(chat)
    return [chat, helpline.queue]


async def callback_requested(helpline: Helpline) -> list[Handle]:
    """Nobody free for 10 minutes: a callback asked for; the case opened from it links it."""
    await helpline.presence("counsellor-a", presence=Presence.BUSY)
    chat = await helpline.open(conversation_id="callback")
    await helpline.waiting(chat)
    await helpline.forward(chat, POLICY.callback_offer_after + timedelta(seconds=1))
    await helpline.young_person_view(chat)
    await chat.execute_update(
        contract.REQUEST_CALLBACK.name,
        CallbackRequest(window=CallbackWindow(earliest_hour=17)),
        result_type=YoungPersonView,
    )
    await _link(chat, "counsellor-a")
    await helpline.result(chat)
    return [chat, helpline.queue]


async def abandoned_then_purged(helpline: Helpline) -> list[Handle]:
    """The young person leaves the queue; never linked, purged after 30 days."""
    await helpline.presence("counsellor-a", presence=Presence.BUSY)
    chat = await helpline.open(conversation_id="abandoned")
    await helpline.writes(chat, body="allô ?")
    await helpline.waiting(chat)
    await chat.execute_update(
        contract.YOUNG_PERSON_LEAVES.name, YoungPersonLeaves(), result_type=YoungPersonView
    )
    await helpline.forward(chat, POLICY.unlinked_retention + timedelta(minutes=1))
    await helpline.result(chat)
    return [chat, helpline.queue]


async def missed(helpline: Helpline) -> list[Handle]:
    """Written outside opening hours: never queued, nothing kept."""
    closed = OpeningHours(weekdays=[])  # never open
    chat = await helpline.open(
        conversation_id="missed", policy=ConversationPolicy(opening_hours=closed)
    )
    await helpline.result(chat)
    return [chat]


SCENARIOS: dict[str, Callable[[Helpline], Awaitable[list[Handle]]]] = {
    "conversation_answered": answered,
    "conversation_callback_requested": callback_requested,
    "conversation_abandoned_then_purged": abandoned_then_purged,
    "conversation_missed": missed,
}


async def _link(chat: Handle, actor: str) -> None:
    await chat.execute_update(
        contract.LINK_CASE.name,
        LinkCaseRequest(actor=actor, case_id="case-replay", how=LinkKind.OPENED_FROM),
        result_type=CounsellorView,
    )


async def save(client: Client, scenario: str, handles: list[Handle]) -> None:
    folder = HISTORIES / scenario
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.json"):
        stale.unlink()
    codec = client.data_converter.payload_codec
    assert codec is not None
    for handle in handles:
        history = await decoded(await client.get_workflow_handle(handle.id).fetch_history(), codec)
        kind, _, subject = handle.id.partition("-")
        (folder / f"{kind}-{subject.removeprefix('helpline-')}.json").write_text(history.to_json())
    print(f"{scenario}: {', '.join(h.id for h in handles)}", file=sys.stderr)


async def record(scenarios: list[str]) -> None:
    if not scenarios:
        return
    env: WorkflowEnvironment = await start_time_skipping_server()
    try:
        for scenario in scenarios:
            async with bare_conversation_worker(env.client, ConversationFakes()) as task_queue:
                helpline = Helpline(env, task_queue)
                helpline.name = f"{HELPLINE}-{scenario.replace('_', '-')}"
                handles = await SCENARIOS[scenario](helpline)
                await save(env.client, scenario, handles)
    finally:
        await env.shutdown()
