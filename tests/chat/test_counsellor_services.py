"""The counsellor's services on a real stack (Temporal dev server, worker, app
database): at their desk, an offer accepted or passed, the transcript read (audited),
a reply the young person reads, the chat closed and wrapped up; what the audit trail
keeps (ids and categories, never a word of the conversation)."""

import uuid

import pytest

from application.acting import Actor
from application.conversations.acting import YoungPerson
from application.conversations.counsellor import (
    accept_offer,
    end_chat,
    my_desk,
    pass_offer,
    read_conversation,
    reply,
    set_presence,
    wrap_up,
)
from application.conversations.requests import MessageCreate, PreChatForm
from application.conversations.starting import start_conversation
from application.conversations.young_person import young_person_writes
from application.conversations.young_person_reads import young_person_reads
from application.errors import RequestRejected
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.conversation import AuthorKind, ConversationStatus, Delivery, Writer
from domain.conversation_desk import ConversationOutcome
from domain.conversation_queue import CounsellorDesk, Presence
from domain.intake import AgeBand
from relais.clock import utc_now
from relais.settings import Role
from tests.chat.support import Counsellor, helpline_of
from tests.support.stack import Stack
from tests.support.waiting import eventually

FORM = PreChatForm(
    writer=Writer.YOUNG_PERSON, age_band=AgeBand.AGE_15_17, privacy_notice_accepted=True
)


def counsellor() -> Actor:
    return Actor(f"counsellor-{uuid.uuid4().hex[:6]}", Role.COUNSELLOR)


async def acts(helpline: Helpline, actor: Actor, service, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Through the service's door: its permit first, then the act."""
    permit = await service.permit(helpline, actor)
    return await service(helpline, permit, *args, **kwargs)


async def offered(helpline: Helpline, actor: Actor, conversation_id: str) -> str:
    """The offer on their desk, once the conversation has it too (both are told)."""

    def has_it(desk: CounsellorDesk) -> bool:
        return any(o.conversation_id == conversation_id for o in desk.offers)

    desk = await eventually(
        lambda: acts(helpline, actor, my_desk), has_it, what=f"an offer of {conversation_id}"
    )
    offer_id = next(o.offer_id for o in desk.offers if o.conversation_id == conversation_id)
    await eventually(
        lambda: Counsellor(helpline, actor.subject).view(conversation_id),
        lambda v: v.offer is not None and v.offer.offer_id == offer_id,
        what="the offer received by the conversation",
    )
    return offer_id


async def test_a_counsellor_takes_the_conversation_reads_answers_and_wraps_up(
    stack: Stack,
) -> None:
    helpline = helpline_of(stack)
    me = counsellor()
    desk = await acts(helpline, me, set_presence, Presence.AVAILABLE, capacity=2)
    assert (desk.presence, desk.capacity) == (Presence.AVAILABLE, 2)
    started = await start_conversation(helpline, FORM, utc_now())
    who: YoungPerson = started.young_person
    cid = who.conversation_id
    await young_person_writes(
        helpline, who, MessageCreate(body="on publie mes photos"), uuid.uuid4().hex, utc_now()
    )

    offer_id = await offered(helpline, me, cid)
    view = await acts(helpline, me, accept_offer, cid, offer_id)
    assert (view.status, view.counsellor_id) == (ConversationStatus.ACTIVE, me.subject)

    key = uuid.uuid4().hex
    sent = await acts(
        helpline, me, reply, cid, "Je suis là, tu as bien fait d'écrire.", key, utc_now()
    )
    again = await acts(
        helpline, me, reply, cid, "Je suis là, tu as bien fait d'écrire.", key, utc_now()
    )
    assert again.seq == sent.seq  # a retry is the same reply
    with pytest.raises(RequestRejected) as reused:
        await acts(helpline, me, reply, cid, "un autre texte", key, utc_now())
    assert reused.value.problems[0].code == "idempotency_key_reused"

    theirs = await young_person_reads(helpline, who, 0, utc_now())
    assert [(line.author, line.body) for line in theirs.messages] == [
        (AuthorKind.YOUNG_PERSON, "on publie mes photos"),
        (AuthorKind.COUNSELLOR, "Je suis là, tu as bien fait d'écrire."),
    ]

    read = await acts(helpline, me, read_conversation, cid)
    assert [line.body for line in read.lines] == [
        "on publie mes photos",
        "Je suis là, tu as bien fait d'écrire.",
    ]
    # Their page fetched the reply: delivered (the store's mark, not the workflow's).
    assert read.lines[-1].delivery is Delivery.DELIVERED
    assert read.conversation.deliveries == "0.1.0.0"
    colleague = counsellor()
    with pytest.raises(RequestRejected) as not_theirs:
        await acts(helpline, colleague, read_conversation, cid)
    assert not_theirs.value.problems[0].code == "not_with_you"

    await acts(helpline, me, end_chat, cid)
    ended = await acts(helpline, me, wrap_up, cid, ConversationOutcome.ADVICE_GIVEN)
    assert ended.outcome is ConversationOutcome.ADVICE_GIVEN

    trail = [(e.action, e.detail) for e in await helpline.audit_log.list(actor=me.subject)]
    actions = [action for action, _ in trail]
    for action in (
        AuditAction.COUNSELLOR_PRESENCE,
        AuditAction.CONVERSATION_ACCEPT,
        AuditAction.CONVERSATION_REPLY,
        AuditAction.CONVERSATION_TRANSCRIPT_READ,
        AuditAction.CONVERSATION_END,
        AuditAction.CONVERSATION_WRAP_UP,
    ):
        assert action in actions, (action, trail)
    assert actions.count(AuditAction.CONVERSATION_REPLY) == 1  # the retry audited once
    assert not any("photos" in (detail or "") or "écrire" in (detail or "") for _, detail in trail)


async def test_a_passed_offer_goes_to_the_next_counsellor(stack: Stack) -> None:
    helpline = helpline_of(stack)
    first, second = counsellor(), counsellor()
    await acts(helpline, first, set_presence, Presence.AVAILABLE)
    started = await start_conversation(helpline, FORM, utc_now())
    cid = started.young_person.conversation_id
    offer_id = await offered(helpline, first, cid)
    await acts(helpline, second, set_presence, Presence.AVAILABLE)

    passed = await acts(helpline, first, pass_offer, cid, offer_id)
    assert passed.offer_id == offer_id

    await offered(helpline, second, cid)
    with pytest.raises(RequestRejected):  # the lapsed offer cannot be taken any more
        await acts(helpline, first, accept_offer, cid, offer_id)
