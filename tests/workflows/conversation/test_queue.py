"""The helpline's queue on a bare worker with time skipping and production durations:
offers that lapse go to the next counsellor, a pass goes on at once, capacity and
presence are respected, the longest idle counsellor is offered first, a supervisor
moves a young person up, a console that died stops being offered anything."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.conversation import ConversationStatus
from domain.conversation_desk import (
    ConversationOutcome,
    CounsellorView,
    OfferPassed,
    PassRequest,
    WrapUpRequest,
)
from domain.conversation_queue import MoveUpRequest, Presence, WaitingPlace
from domain.conversation_wait import WaitBasis
from tests.support import builders
from tests.support.waiting import eventually
from tests.workflows.conversation.support import POLICY, Helpline

OFFER_LAPSES = timedelta(seconds=31)


def problem_code(error: pytest.ExceptionInfo[WorkflowUpdateFailedError]) -> str:
    code: str = error.value.cause.details[0][0]["code"]  # type: ignore[attr-defined]
    return code


async def test_an_offer_not_accepted_in_30_seconds_goes_to_the_next_counsellor(
    helpline: Helpline,
) -> None:
    await helpline.presence("longest-idle")
    await helpline.presence("next")
    chat = await helpline.open()
    first = await helpline.offer_to("longest-idle", chat)

    await helpline.forward_queue(OFFER_LAPSES)
    second = await helpline.offer_to("next", chat)
    assert second.offer_id != first.offer_id
    assert not (await helpline.desk("longest-idle")).offers
    with pytest.raises(WorkflowUpdateFailedError) as late:
        await helpline.accept("longest-idle", first)
    assert problem_code(late) == "offer_gone"

    view = await helpline.accept("next", second)
    assert (view.counsellor_id, view.offers_not_accepted) == ("next", 1)
    snapshot = await helpline.queue_shows("answered", lambda s: s.today.answered == 1)
    assert snapshot.today.offers_not_accepted == 1


async def test_a_pass_goes_to_the_next_at_once_and_not_back_for_a_while(
    helpline: Helpline,
) -> None:
    await helpline.presence("a")
    await helpline.presence("b")
    chat = await helpline.open()
    for counsellor in ("a", "b"):
        offer = await helpline.offer_to(counsellor, chat)
        passed = await chat.execute_update(
            contract.PASS_CONVERSATION.name,
            PassRequest(actor=counsellor, offer_id=offer.offer_id),
            result_type=OfferPassed,
        )
        assert passed.status is ConversationStatus.WAITING

    await helpline.queue_shows(
        "nobody left to offer it to", lambda s: s.waiting[0].offered_to is None
    )
    pause = helpline.policy.offer_again_after
    await helpline.forward_queue(pause / 2)
    await helpline.heartbeat("a")  # their consoles are alive all along
    await helpline.heartbeat("b")
    await helpline.forward_queue(pause / 2 + timedelta(seconds=1))
    again = await helpline.offer_to("a", chat)  # the longest idle of the two, after the pause
    assert (await helpline.accept("a", again)).status is ConversationStatus.ACTIVE


async def test_a_counsellor_is_never_offered_more_than_their_capacity(helpline: Helpline) -> None:
    # About capacity, not lapses: offers and presence that outlast a loaded machine (an
    # offer once lapsed in CI between being made and accepted).
    patient = POLICY.model_copy(
        update={"offer_timeout": timedelta(hours=1), "presence_ttl": timedelta(hours=2)}
    )
    helpline = Helpline(helpline.env, helpline.task_queue, policy=patient)
    await helpline.presence("a", capacity=2)
    # One at a time: each reaches the queue (through an activity) before the next opens,
    # so the third is the one left waiting (opened together, they may arrive in any order).
    chats = [await helpline.open()]
    first = await helpline.offer_to("a", chats[0])
    chats.append(await helpline.open())
    second = await helpline.offer_to("a", chats[1])
    chats.append(await helpline.open())
    await helpline.accept("a", first)
    await helpline.accept("a", second)
    snapshot = await helpline.waiting(chats[2])
    assert snapshot.waiting[0].offered_to is None
    assert (await helpline.desk("a")).room == 0

    await chats[0].execute_update(
        contract.WRAP_UP.name,
        WrapUpRequest(actor="a", outcome=ConversationOutcome.ADVICE_GIVEN),
        result_type=CounsellorView,
    )
    third = await helpline.offer_to("a", chats[2])
    assert third.conversation_id == chats[2].id.removeprefix("conversation-")


async def test_the_longest_idle_counsellor_is_offered_first_then_the_least_loaded(
    helpline: Helpline,
) -> None:
    await helpline.presence("since-morning")
    await helpline.presence("just-back")
    first = await helpline.open()
    await helpline.accept("since-morning", await helpline.offer_to("since-morning", first))
    second = await helpline.open()
    await helpline.accept("just-back", await helpline.offer_to("just-back", second))


async def test_a_supervisor_moves_a_young_person_up(helpline: Helpline) -> None:
    await helpline.presence("a", presence=Presence.BUSY)
    chats = []
    for _ in range(3):
        chats.append(await helpline.open())
        await helpline.waiting(*chats)
    place = await helpline.place(chats[2])
    assert (place.place, place.waiting) == (3, 3)
    assert place.expected_wait.basis is WaitBasis.NOT_ENOUGH_HISTORY

    moved = await helpline.queue.execute_update(
        contract.MOVE_UP.name,
        MoveUpRequest(
            actor="supervisor-1", conversation_id=chats[2].id.removeprefix("conversation-")
        ),
        result_type=WaitingPlace,
    )
    assert moved.place == 1
    snapshot = await helpline.waiting(chats[2], chats[0], chats[1])
    assert snapshot.waiting[0].moved_up_by == "supervisor-1"

    await helpline.presence("a", capacity=1)
    offer = await helpline.offer_to("a")
    assert offer.conversation_id == chats[2].id.removeprefix("conversation-")


async def test_moving_up_a_conversation_not_waiting_is_refused(helpline: Helpline) -> None:
    await helpline.presence("a", presence=Presence.BUSY)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await helpline.queue.execute_update(
            contract.MOVE_UP.name,
            MoveUpRequest(actor="supervisor-1", conversation_id="nobody"),
            result_type=WaitingPlace,
        )
    assert problem_code(refused) == "not_waiting"


async def test_a_console_that_stops_answering_is_offered_nothing(helpline: Helpline) -> None:
    ttl = helpline.policy.presence_ttl
    await helpline.presence("a")
    await helpline.forward_queue(ttl * 3 / 4)
    await helpline.heartbeat("a")  # alive: holds for another ttl from now
    await helpline.forward_queue(ttl * 3 / 4)
    assert (await helpline.desk("a")).presence is Presence.AVAILABLE

    await helpline.forward_queue(ttl)  # no heartbeat: the console died
    desk = await eventually(
        lambda: helpline.desk("a"), lambda d: d.presence_lapsed, what="presence lapsed"
    )
    assert desk.presence is Presence.AWAY
    chat = await helpline.open()
    snapshot = await helpline.waiting(chat)
    assert (snapshot.available, snapshot.waiting[0].offered_to) == (0, None)
    place = await helpline.place(chat)
    assert place.expected_wait.basis is WaitBasis.NOBODY_AT_THEIR_DESK

    await helpline.heartbeat("a")  # the console is back
    await helpline.accept("a", await helpline.offer_to("a", chat))


async def test_going_busy_withdraws_the_offer_on_screen(helpline: Helpline) -> None:
    await helpline.presence("a")
    chat = await helpline.open()
    offer = await helpline.offer_to("a", chat)
    await helpline.presence("a", presence=Presence.BUSY)
    await eventually(
        lambda: helpline.counsellor_view(chat),
        lambda v: v.offer is None and v.status is ConversationStatus.WAITING,
        what="offer withdrawn",
    )
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await helpline.accept("a", offer)
    assert problem_code(refused) == "offer_gone"
    view = await helpline.counsellor_view(chat)
    assert view.offers_not_accepted == 0  # not a lapse: they said they were busy


async def test_the_young_persons_language_is_preferred(helpline: Helpline) -> None:
    await helpline.presence("fr-only", languages=["fr"])
    await helpline.presence("speaks-english", languages=["fr", "en"])
    chat = await helpline.open(pre_chat=builders.pre_chat(language="en"))
    await helpline.accept("speaks-english", await helpline.offer_to("speaks-english", chat))


async def test_the_queue_continues_as_new_and_forgets_nobody(
    time_skipping_env: WorkflowEnvironment, task_queue: str
) -> None:
    small = POLICY.model_copy(update={"history_event_budget": 100})
    helpline = Helpline(time_skipping_env, task_queue, policy=small)
    await helpline.presence("a")
    await helpline.presence("b")
    chats = []
    for n in range(1, 21):  # one at a time: each is a workflow task of the queue's
        chats.append(await helpline.open())
        await helpline.queue_shows(f"{n} waiting", lambda s, n=n: len(s.waiting) == n)
    snapshot = await helpline.queue_shows(
        "over several runs", lambda s: s.runs > 1 and sum(1 for e in s.waiting if e.offered_to) == 4
    )
    assert [e.conversation_id for e in snapshot.waiting] == [
        c.id.removeprefix("conversation-") for c in chats
    ]
    for counsellor in ("a", "b"):
        for offer in (await helpline.desk(counsellor)).offers:
            await helpline.accept(counsellor, offer)
    after = await helpline.queue_shows(
        "four answered", lambda s: s.today.answered == 4 and len(s.waiting) == 16
    )
    assert [c.conversations for c in after.counsellors] == [2, 2]
