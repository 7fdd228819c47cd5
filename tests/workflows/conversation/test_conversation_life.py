"""A conversation's other ways to end, and what a supervisor sees of it: abandoned,
missed out of hours, a callback asked for after a long wait, handed to a colleague,
a wrap-up never written, an unlinked transcript purged at the end of retention.
Bare worker, time skipping, production durations."""

from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain import contract
from domain.callback_window import OpeningHours
from domain.conversation import (
    CallbackRequest,
    CallbackWindow,
    ConversationStatus,
    LeaveReason,
    YoungPersonLeaves,
    YoungPersonView,
)
from domain.conversation_desk import (
    ConversationOutcome,
    CounsellorView,
    EndChatRequest,
    OfferKind,
    TransferRequest,
    TransferTo,
)
from domain.conversation_queue import Presence
from domain.conversation_records import ConversationRecord
from domain.intake import Channel
from domain.policy import ConversationPolicy
from relais import search_attributes as sa
from tests.support import builders
from tests.support.waiting import eventually
from tests.workflows.conversation.support import POLICY, ConversationFakes, Helpline


async def test_leaving_the_queue_is_counted_as_abandoned(
    helpline: Helpline, fakes: ConversationFakes
) -> None:
    chat = await helpline.open()
    await helpline.writes(chat, body="je sais pas quoi faire")
    await helpline.waiting(chat)
    view = await chat.execute_update(
        contract.YOUNG_PERSON_LEAVES.name,
        YoungPersonLeaves(reason=LeaveReason.QUICK_EXIT),
        result_type=YoungPersonView,
    )
    assert view.status is ConversationStatus.ABANDONED
    snapshot = await helpline.queue_shows("left", lambda s: s.today.abandoned == 1)
    assert snapshot.waiting == []
    record = await eventually(
        lambda: _record(fakes, chat.id),
        lambda r: r is not None and r.status is ConversationStatus.ABANDONED,
        what="directory row",
    )
    assert record is not None and record.waited_seconds is not None
    assert record.purge_after == view.ended_at + POLICY.unlinked_retention  # type: ignore[operator]


async def test_outside_opening_hours_it_is_missed_never_queued_and_kept_nowhere(
    helpline: Helpline, fakes: ConversationFakes
) -> None:
    closed_today = OpeningHours(holidays=[date.today() + timedelta(days=d) for d in (-1, 0, 1)])
    chat = await helpline.open(policy=ConversationPolicy(opening_hours=closed_today))
    result = await helpline.result(chat)
    assert (result.status, result.purged) == (ConversationStatus.MISSED, True)
    view = await helpline.young_person_view(chat)
    assert view.opens_at is not None and view.opens_at > view.ended_at  # type: ignore[operator]
    with pytest.raises(RPCError):  # the queue was never started
        await helpline.snapshot()
    conversation_id = chat.id.removeprefix("conversation-")
    assert fakes.records[conversation_id].status is ConversationStatus.MISSED
    assert [p.conversation_id for p in fakes.purged] == [conversation_id]


async def test_after_a_long_wait_a_callback_is_offered_and_asked_for(
    helpline: Helpline, fakes: ConversationFakes
) -> None:
    await helpline.presence("a", presence=Presence.BUSY)
    chat = await helpline.open()
    await helpline.waiting(chat)
    assert not (await helpline.young_person_view(chat)).callback_offered

    await helpline.forward(chat, POLICY.callback_offer_after + timedelta(seconds=1))
    await eventually(
        lambda: helpline.young_person_view(chat), lambda v: v.callback_offered, what="offered"
    )
    asked = await chat.execute_update(
        contract.REQUEST_CALLBACK.name,
        CallbackRequest(window=CallbackWindow(earliest_hour=17, latest_hour=20)),
        result_type=YoungPersonView,
    )
    assert asked.status is ConversationStatus.CALLBACK_REQUESTED
    await helpline.queue_shows(
        "asked", lambda s: s.today.callbacks_requested == 1 and not s.waiting
    )
    # What the application layer opens the case with:
    view = await helpline.counsellor_view(chat)
    assert view.callback_requested == CallbackWindow(earliest_hour=17, latest_hour=20)
    assert view.pre_chat == builders.pre_chat()
    assert view.channel is Channel.WEB_CHAT


async def test_a_transfer_waits_for_the_colleague_and_otherwise_stays(helpline: Helpline) -> None:
    await helpline.presence("a")
    await helpline.presence("supervisor-1", presence=Presence.BUSY)
    chat = await helpline.open()
    await helpline.accept("a", await helpline.offer_to("a", chat))

    note = builders.message_ref(chat.id.removeprefix("conversation-"), body="elle a 13 ans")
    asked = await chat.execute_update(
        contract.TRANSFER_CONVERSATION.name,
        TransferRequest(actor="a", to="supervisor-1", to_role=TransferTo.SUPERVISOR, note=note),
        result_type=CounsellorView,
    )
    assert asked.offer is not None and asked.offer.kind is OfferKind.TRANSFER
    assert asked.messages[-1].internal  # the note: never shown to the young person
    assert (await helpline.young_person_view(chat)).messages == []
    transfer = await helpline.offer_to("supervisor-1", chat)
    assert (transfer.kind, transfer.from_counsellor) == (OfferKind.TRANSFER, "a")

    await helpline.forward(chat, POLICY.transfer_timeout + timedelta(seconds=1))
    still = await eventually(
        lambda: helpline.counsellor_view(chat), lambda v: v.offer is None, what="lapsed"
    )
    assert still.counsellor_id == "a"
    with pytest.raises(WorkflowUpdateFailedError):
        await helpline.accept("supervisor-1", transfer)

    await chat.execute_update(
        contract.TRANSFER_CONVERSATION.name,
        TransferRequest(actor="a", to="supervisor-1", to_role=TransferTo.SUPERVISOR),
        result_type=CounsellorView,
    )
    taken = await helpline.accept("supervisor-1", await helpline.offer_to("supervisor-1", chat))
    assert (taken.counsellor_id, [h.counsellor_id for h in taken.handled_by]) == (
        "supervisor-1",
        ["a", "supervisor-1"],
    )
    await eventually(
        lambda: helpline.desk("supervisor-1"),
        lambda d: d.conversations == [chat.id.removeprefix("conversation-")] and not d.offers,
        what="with the supervisor",
    )
    assert (await helpline.desk("a")).conversations == []


async def test_a_wrap_up_not_written_in_time_ends_as_not_recorded_then_is_purged(
    helpline: Helpline, fakes: ConversationFakes
) -> None:
    await helpline.presence("a")
    chat = await helpline.open()
    await helpline.accept("a", await helpline.offer_to("a", chat))
    await helpline.writes(chat)
    await chat.execute_update(
        contract.END_CHAT.name, EndChatRequest(actor="a"), result_type=CounsellorView
    )
    await helpline.forward(chat, POLICY.wrap_up_within + timedelta(seconds=1))
    ended = await helpline.status_is(chat, ConversationStatus.ENDED)
    assert ended.outcome is ConversationOutcome.NOT_RECORDED
    await helpline.queue_shows("a is free", lambda s: s.counsellors[0].conversations == 0)

    conversation_id = chat.id.removeprefix("conversation-")
    await eventually(lambda: _async(conversation_id in fakes.filed), bool, what="transcript filed")
    assert not fakes.purged
    await helpline.forward(chat, POLICY.unlinked_retention)
    result = await helpline.result(chat)
    assert result.purged and result.linked_case_id is None
    assert [p.conversation_id for p in fakes.purged] == [conversation_id]


async def test_supervisors_find_it_by_status_channel_counsellor_and_case(
    helpline: Helpline,
) -> None:
    await helpline.presence("a")
    chat = await helpline.open(channel=Channel.WEB_CHAT)
    await helpline.accept("a", await helpline.offer_to("a", chat))

    async def attributes() -> dict[str, object]:
        described = await chat.describe()
        found = described.typed_search_attributes
        return {
            "status": found.get(sa.CONVERSATION_STATUS),
            "channel": found.get(sa.CONVERSATION_CHANNEL),
            "counsellor": found.get(sa.COUNSELLOR_ID),
            "waiting_since": found.get(sa.WAITING_SINCE) is not None,
        }

    await eventually(
        attributes,
        lambda a: (
            a
            == {"status": "active", "channel": "web_chat", "counsellor": "a", "waiting_since": True}
        ),
        what="search attributes",
    )


async def _record(fakes: ConversationFakes, workflow_id: str) -> ConversationRecord | None:
    return fakes.records.get(workflow_id.removeprefix("conversation-"))


async def _async(value: bool) -> bool:
    return value
