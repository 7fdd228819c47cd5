"""The young person's services on a real stack (Temporal dev server, worker, app
database): start, write, read, leave, a callback instead of waiting, the write limit,
the live feed and the pages gone; each with what the audit trail keeps (never a word
they wrote, never their number)."""

import asyncio
import time
import uuid
from datetime import timedelta
from functools import partial

import pytest

from application.conversations.absence import count_the_gone, page_closed, page_in_touch
from application.conversations.acting import YoungPerson
from application.conversations.callback_request import (
    CallbackNotOffered,
    ask_for_callback,
    callback_case_id,
)
from application.conversations.commands import ConversationOver
from application.conversations.deliveries import with_deliveries
from application.conversations.live import young_person_feed
from application.conversations.requests import CallbackCreate, MessageCreate, PreChatForm
from application.conversations.starting import start_conversation
from application.conversations.young_person import (
    young_person_is_writing,
    young_person_leaves,
    young_person_writes,
)
from application.conversations.young_person_reads import young_person_reads
from application.errors import RateLimited, RequestRejected
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.conversation import ConversationStatus, Delivery, LeaveReason, Writer
from domain.conversation_desk import CounsellorView
from domain.intake import AgeBand, CallerRole, Channel
from domain.policy import ConversationPolicy
from relais.clock import utc_now
from tests.chat.support import Counsellor, helpline_of
from tests.support.stack import Stack
from tests.support.waiting import eventually

FORM = PreChatForm(
    writer=Writer.YOUNG_PERSON, age_band=AgeBand.AGE_15_17, privacy_notice_accepted=True
)


async def started(helpline: Helpline) -> YoungPerson:
    conversation = await start_conversation(helpline, FORM, utc_now())
    assert conversation.status is ConversationStatus.WAITING
    return conversation.young_person


async def write(helpline: Helpline, who: YoungPerson, body: str, key: str | None = None) -> int:
    accepted = await young_person_writes(
        helpline, who, MessageCreate(body=body), key or uuid.uuid4().hex, utc_now()
    )
    return accepted.seq


async def listed(helpline: Helpline, *people: YoungPerson) -> None:
    """Their directory rows are written (by their workflows, a moment after the start):
    the absence check reads the queue from there."""
    for who in people:
        await eventually(
            partial(helpline.conversation_directory.get, who.conversation_id),
            lambda r: r is not None,
            what="its directory row",
        )


async def audit_of(helpline: Helpline, who: YoungPerson) -> list[tuple[str, str | None]]:
    entries = await helpline.audit_log.list(actor=who.subject)
    return [(e.action, e.detail) for e in entries]


async def test_a_young_person_starts_writes_and_reads_their_side(stack: Stack) -> None:
    helpline = helpline_of(stack)
    who = await started(helpline)
    key = uuid.uuid4().hex
    first = await write(helpline, who, "bonjour, on se moque de moi", key)
    assert first == 1
    again = await young_person_writes(
        helpline, who, MessageCreate(body="bonjour, on se moque de moi"), key, utc_now()
    )
    assert again.seq == 1  # a retry: the same message, answered as the first time
    with pytest.raises(RequestRejected) as reused:
        await young_person_writes(helpline, who, MessageCreate(body="autre"), key, utc_now())
    assert reused.value.problems[0].loc == ("header", "Idempotency-Key")
    assert reused.value.problems[0].code == "idempotency_key_reused"

    seen = await eventually(
        lambda: young_person_reads(helpline, who, 0, utc_now()),
        lambda u: u.queue is not None and u.queue.place == 1,
        what="their place in the queue",
    )
    assert seen.status is ConversationStatus.WAITING and not seen.over
    assert [(m.seq, m.author.value, m.body) for m in seen.messages] == [
        (1, "young_person", "bonjour, on se moque de moi")
    ]
    assert seen.queue is not None and seen.queue.waiting == 1
    assert (await young_person_reads(helpline, who, 1, utc_now())).messages == []

    trail = await audit_of(helpline, who)
    actions = [action for action, _ in trail]
    assert actions.count(AuditAction.CONVERSATION_START) == 1
    assert actions.count(AuditAction.CONVERSATION_WRITE) == 1  # the retry is not a second
    assert AuditAction.CONVERSATION_READ in actions
    assert all("moque" not in (detail or "") for _, detail in trail)
    entries = await helpline.audit_log.list(actor=who.subject)
    assert {e.role for e in entries} == {"young_person"}


async def test_the_counsellors_reply_reaches_their_page_live(stack: Stack) -> None:
    helpline = helpline_of(stack)
    who = await started(helpline)
    counsellor = Counsellor(helpline)
    await counsellor.at_desk()
    await counsellor.accepts(who.conversation_id)

    feed = young_person_feed(helpline, who, 0, lasting=30)
    first = await anext(feed)
    assert first.counsellor_joined and first.status is ConversationStatus.ACTIVE
    await counsellor.writes(who.conversation_id)
    writing = await asyncio.wait_for(anext(feed), 5)
    assert writing.counsellor_writing
    sent = time.monotonic()
    await counsellor.replies(who.conversation_id, "Je suis là. Que se passe-t-il ?")
    while True:
        update = await asyncio.wait_for(anext(feed), 5)
        if update.messages:
            break
    took = time.monotonic() - sent
    assert [(m.author.value, m.body) for m in update.messages] == [
        ("counsellor", "Je suis là. Que se passe-t-il ?")
    ]
    assert took < 2.0, f"the reply took {took:.2f}s to reach the page"
    await feed.aclose()

    # Fetched by the page: delivered, for the counsellor's screen (from the store).
    async def screen() -> CounsellorView:
        return await with_deliveries(helpline, await counsellor.view(who.conversation_id))

    view = await eventually(
        screen,
        lambda v: v.messages and v.messages[-1].delivery is Delivery.DELIVERED,
        what="the reply delivered",
    )
    assert view.messages[-1].author == counsellor.name
    # The young person never learns who the counsellor is.
    read = await young_person_reads(helpline, who, 0, utc_now())
    assert counsellor.name not in read.model_dump_json()


async def test_their_own_writing_shows_on_the_counsellors_side(stack: Stack) -> None:
    helpline = helpline_of(stack)
    who = await started(helpline)
    await young_person_is_writing(helpline, who, utc_now())
    writers = await helpline.typing.who_is_writing(who.conversation_id, utc_now())
    assert [w.value for w in writers] == ["young_person"]
    await write(helpline, who, "voilà")  # sent: no longer writing it
    assert await helpline.typing.who_is_writing(who.conversation_id, utc_now()) == []


async def test_leaving_the_queue_is_counted_and_nothing_more_is_taken(stack: Stack) -> None:
    helpline = helpline_of(stack)
    who = await started(helpline)
    await write(helpline, who, "je préfère partir")
    assert await young_person_leaves(helpline, who, LeaveReason.LEFT, utc_now()) is (
        ConversationStatus.ABANDONED
    )
    assert await young_person_leaves(helpline, who, LeaveReason.QUICK_EXIT, utc_now()) is (
        ConversationStatus.ABANDONED
    )
    with pytest.raises(ConversationOver):
        await write(helpline, who, "encore un mot")
    read = await young_person_reads(helpline, who, 0, utc_now())
    assert read.over and read.status is ConversationStatus.ABANDONED
    record = await eventually(
        lambda: helpline.conversation_directory.get(who.conversation_id),
        lambda r: r is not None and r.status is ConversationStatus.ABANDONED,
        what="counted as abandoned",
    )
    assert record is not None and record.waited_seconds is not None
    trail = await audit_of(helpline, who)
    assert [d for a, d in trail if a == AuditAction.CONVERSATION_LEAVE] == ["reason=left"]


async def test_a_flood_is_held_back_and_nothing_is_lost(stack: Stack) -> None:
    helpline = helpline_of(
        stack,
        chat=stack.settings.chat.model_copy(
            update={"message_burst": 3, "message_interval_seconds": 60.0}
        ),
    )
    who = await started(helpline)
    for n in range(3):
        await write(helpline, who, f"message {n}")
    with pytest.raises(RateLimited) as limited:
        await write(helpline, who, "message 3")
    assert 50 <= limited.value.retry_after_seconds <= 60
    read = await young_person_reads(helpline, who, 0, utc_now())
    assert [m.body for m in read.messages] == ["message 0", "message 1", "message 2"]
    assert read.status is ConversationStatus.WAITING
    # Another conversation has its own allowance.
    other = await started(helpline)
    assert await write(helpline, other, "bonjour") == 1


async def test_after_a_long_wait_a_callback_opens_a_case_with_the_callback_owed(
    stack: Stack,
) -> None:
    policy = ConversationPolicy(callback_offer_after=timedelta(seconds=2))
    helpline = helpline_of(stack, conversations=policy)
    who = await started(helpline)
    await write(helpline, who, "j'ai besoin d'aide pour une photo")
    callback = CallbackCreate(
        phone="+33 6 12 34 56 78",
        first_name="Sam",
        earliest_hour=0,
        latest_hour=24,
        instructions="pas sur le fixe",
    )
    with pytest.raises(CallbackNotOffered):
        await ask_for_callback(helpline, who, callback, utc_now())

    offered = await eventually(
        lambda: young_person_reads(helpline, who, 0, utc_now()),
        lambda u: u.callback_offered,
        what="the callback offered",
    )
    assert offered.status.queued
    arranged = await ask_for_callback(helpline, who, callback, utc_now())
    assert arranged.case_id == callback_case_id(who)
    again = await ask_for_callback(helpline, who, callback, utc_now())  # a lost answer
    assert again.case_id == arranged.case_id

    case = await helpline.commands.view(arranged.case_id)
    assert case.contacts[0].channel is Channel.WEB_CHAT
    assert case.caller_role is CallerRole.VICTIM
    assert case.age_band is AgeBand.AGE_15_17
    assert case.opened_by == who.subject
    assert case.consents is not None and case.consents.callback.consented
    assert case.callback.due_at is not None  # owed at the first slot, not in 48 hours
    assert case.callback.due_at - utc_now() < timedelta(minutes=5)
    card = await helpline.commands.query(arranged.case_id, contract.CASE_CONTACT)
    assert (card.phone, card.first_name, card.callback_instructions) == (
        "+33 6 12 34 56 78",
        "Sam",
        "pas sur le fixe",
    )

    read = await young_person_reads(helpline, who, 0, utc_now())
    assert read.status is ConversationStatus.CALLBACK_REQUESTED and read.over
    counsellor = Counsellor(helpline)
    view = await eventually(
        lambda: counsellor.view(who.conversation_id),
        lambda v: v.linked_case_id == arranged.case_id,
        what="the conversation linked to its case",
    )
    assert view.callback_requested is not None
    # The transcript went with the case: sealed with the case's key.
    filed = await eventually(
        lambda: helpline.transcripts.read_filed(who.conversation_id),
        lambda lines: len(lines) == 1,
        what="the transcript filed with its case",
    )
    assert filed[0].body == "j'ai besoin d'aide pour une photo"

    trail = await eventually(
        lambda: audit_of(helpline, who),
        lambda lines: AuditAction.CASE_OPEN in [a for a, _ in lines],
        what="the case's line of its opening",
    )
    assert (AuditAction.CONVERSATION_CALLBACK_REQUEST, None) in trail
    assert [a for a, _ in trail].count(AuditAction.CASE_OPEN) == 1
    assert all("12 34" not in (d or "") and "Sam" not in (d or "") for _, d in trail)


async def test_a_page_closed_while_waiting_leaves_the_queue_a_reload_does_not(
    stack: Stack,
) -> None:
    chat = stack.settings.chat.model_copy(update={"away_grace_seconds": 1.0})
    helpline = helpline_of(stack, chat=chat)
    with_counsellor = await started(helpline)
    counsellor = Counsellor(helpline)
    await counsellor.at_desk()
    await counsellor.accepts(with_counsellor.conversation_id)
    closed, reloaded = [await started(helpline) for _ in range(2)]
    await listed(helpline, closed, reloaded)
    now = utc_now()
    for who in (closed, reloaded, with_counsellor):
        await page_closed(helpline, who, now)
    await page_in_touch(helpline, reloaded, now + timedelta(milliseconds=300))  # back at once

    assert closed.conversation_id not in await count_the_gone(helpline, now)  # not yet
    gone = await count_the_gone(helpline, now + timedelta(seconds=2))
    assert closed.conversation_id in gone
    assert reloaded.conversation_id not in gone
    assert with_counsellor.conversation_id not in gone  # the counsellor decides
    assert (await young_person_reads(helpline, closed, 0, utc_now())).status is (
        ConversationStatus.ABANDONED
    )
    assert (await young_person_reads(helpline, reloaded, 0, utc_now())).status.queued
    trail = await audit_of(helpline, closed)
    assert [d for a, d in trail if a == AuditAction.CONVERSATION_LEAVE] == ["reason=channel_closed"]


async def test_a_page_silent_for_long_leaves_the_queue(stack: Stack) -> None:
    chat = stack.settings.chat.model_copy(update={"silent_after_seconds": 60.0})
    helpline = helpline_of(stack, chat=chat)
    silent = await started(helpline)
    await listed(helpline, silent)
    now = utc_now()
    assert silent.conversation_id not in await count_the_gone(helpline, now)
    later = now + timedelta(seconds=61)
    assert silent.conversation_id in await count_the_gone(helpline, later)
    read = await young_person_reads(helpline, silent, 0, utc_now())
    assert read.status is ConversationStatus.ABANDONED
