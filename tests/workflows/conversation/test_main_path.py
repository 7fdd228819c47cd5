"""A conversation from the pre-chat form to its transcript joining a case: waiting in
the queue, offered to the counsellor at their desk, accepted, messages both ways
(idempotent under their keys), wrapped up, linked; on a bare worker with the real
queue, time skipping, production durations."""

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain import contract
from domain.conversation import ConversationStatus, Delivery
from domain.conversation_desk import (
    ConversationOutcome,
    CounsellorView,
    LinkCaseRequest,
    LinkKind,
    WrapUpRequest,
)
from domain.intake import Channel
from tests.workflows.conversation.support import ConversationFakes, Helpline


async def test_a_young_person_is_answered_and_the_conversation_joins_a_case(
    helpline: Helpline, fakes: ConversationFakes
) -> None:
    chat = await helpline.open()
    first = await helpline.writes(chat, key="k1", body="on m'a piraté mon compte")
    assert first.seq == 1
    await helpline.waiting(chat)

    await helpline.presence("counsellor-a")
    offer = await helpline.offer_to("counsellor-a", chat)
    answered = await helpline.accept("counsellor-a", offer)
    assert answered.status is ConversationStatus.ACTIVE
    assert answered.counsellor_id == "counsellor-a"
    await helpline.queue_shows("answered", lambda s: not s.waiting and s.today.answered == 1)

    reply = await helpline.replies(chat, "counsellor-a")
    assert reply.seq == 2
    again = await helpline.writes(chat, key="k1", body="on m'a piraté mon compte")
    assert (again.seq, again.already_recorded) == (1, True)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await helpline.writes(chat, key="k1", body="autre chose")
    assert refused.value.cause.details[0][0]["code"] == "idempotency_key_reused"  # type: ignore[attr-defined]

    seen = await helpline.young_person_view(chat, since_seq=1)
    assert [m.seq for m in seen.messages] == [2]
    assert seen.counsellor_joined
    assert seen.messages[0].author is None  # the young person never learns who answers
    # Web chat: delivered once their page fetched it, which the door records in the
    # store (application.conversations.deliveries); the workflow's line stays pending.
    assert (await helpline.counsellor_view(chat)).messages[1].delivery is Delivery.PENDING

    await chat.execute_update(
        contract.WRAP_UP.name,
        WrapUpRequest(actor="counsellor-a", outcome=ConversationOutcome.CASE_OPENED),
        result_type=CounsellorView,
    )
    await chat.execute_update(
        contract.LINK_CASE.name,
        LinkCaseRequest(actor="counsellor-a", case_id="case-42", how=LinkKind.OPENED_FROM),
        result_type=CounsellorView,
    )
    result = await helpline.result(chat)
    assert result.status is ConversationStatus.ENDED
    assert result.linked_case_id == "case-42"
    assert result.messages == 2
    filed = fakes.filed[result.conversation_id]
    assert [line.seq for line in filed.lines] == [1, 2]
    record = fakes.records[result.conversation_id]
    assert (record.status, record.case_id, record.channel) == (
        ConversationStatus.ENDED,
        "case-42",
        Channel.WEB_CHAT,
    )
