"""What the outside sees of a conversation, derived from its state: the young
person's view, the counsellor's view, where it stands for its queue, the directory
row, the search attributes and current details a supervisor reads in the Temporal
UI, and its result. Pure; no message text ever (the state holds none)."""

from datetime import datetime
from typing import Any

from temporalio.common import SearchAttributeUpdate

from domain import search_attributes as sa
from domain.conversation import ConversationOpening, ConversationStatus, YoungPersonView
from domain.conversation_desk import CounsellorView, OfferKind, OfferView
from domain.conversation_queue import ConversationStanding, QueueStage
from domain.conversation_records import ConversationRecord, ConversationResult
from workflows.conversation.state import ConversationState
from workflows.search_attributes import key


def young_person_view(
    state: ConversationState, opening: ConversationOpening, since_seq: int
) -> YoungPersonView:
    return YoungPersonView(
        conversation_id=opening.conversation_id,
        status=state.status,
        waiting_since=state.waiting_since,
        counsellor_joined=state.answered_at is not None,
        callback_offered=state.callback_offered_at is not None and state.status.queued,
        opens_at=state.opens_at,
        messages=[  # never who the counsellor is
            message.model_copy(update={"author": None})
            for message in state.ledger.since(since_seq, internal=False)
        ],
        last_seq=state.ledger.last_seq,
        ended_at=state.ended_at,
    )


def offer_view(state: ConversationState) -> OfferView | None:
    if state.transfer is not None:
        transfer = state.transfer
        return OfferView(
            offer_id=transfer.transfer_id,
            kind=OfferKind.TRANSFER,
            counsellor_id=transfer.to,
            made_at=transfer.made_at,
            expires_at=transfer.expires_at,
            from_counsellor=transfer.by,
        )
    if state.offer is not None:
        offer = state.offer
        return OfferView(
            offer_id=offer.offer_id,
            kind=OfferKind.QUEUE,
            counsellor_id=offer.counsellor_id,
            made_at=offer.made_at,
            expires_at=offer.expires_at,
        )
    return None


def counsellor_view(
    state: ConversationState, opening: ConversationOpening, since_seq: int
) -> CounsellorView:
    policy = opening.policy
    return CounsellorView(
        conversation_id=opening.conversation_id,
        helpline=opening.helpline,
        status=state.status,
        channel=opening.channel,
        pre_chat=opening.pre_chat,
        opened_at=state.opened_at,
        waiting_since=state.waiting_since,
        answered_at=state.answered_at,
        counsellor_id=state.counsellor_id,
        handled_by=list(state.handled_by),
        offer=offer_view(state),
        young_person_left=state.young_person_left,
        callback_requested=state.callback.window if state.callback else None,
        wrap_up_due_at=(
            state.wrapping_since + policy.wrap_up_within
            if state.status is ConversationStatus.WRAPPING_UP and state.wrapping_since
            else None
        ),
        outcome=state.outcome,
        linked_case_id=state.linked_case_id,
        link_kind=state.link_kind,
        ended_at=state.ended_at,
        messages=state.ledger.since(since_seq, internal=True),
        last_seq=state.ledger.last_seq,
        deliveries=state.ledger.deliveries(),
        offers_not_accepted=state.offers_not_accepted,
        runs=state.runs,
    )


def stage(state: ConversationState) -> QueueStage:
    if state.status.queued:
        return QueueStage.QUEUED
    if state.final:
        return QueueStage.FINISHED
    return QueueStage.WITH_COUNSELLOR


def standing(state: ConversationState, opening: ConversationOpening) -> ConversationStanding | None:
    """What the queue needs to know, or None for a conversation that never queued
    (missed). Offers made by the queue itself are not echoed back to it."""
    if state.status is ConversationStatus.MISSED:
        return None
    transfer = state.transfer
    return ConversationStanding(
        conversation_id=opening.conversation_id,
        version=state.version,
        stage=stage(state),
        status=ConversationStatus.WAITING if state.status.queued else state.status,
        channel=opening.channel,
        language=opening.pre_chat.language,
        writer=opening.pre_chat.writer,
        age_band=opening.pre_chat.age_band,
        waiting_since=state.waiting_since,
        counsellor_id=None if state.final else state.counsellor_id,
        transfer_id=transfer.transfer_id if transfer else None,
        transfer_to=transfer.to if transfer else None,
        last_declined=state.last_declined,
    )


def record(
    state: ConversationState, opening: ConversationOpening, now: datetime
) -> ConversationRecord:
    pre_chat = opening.pre_chat
    return ConversationRecord(
        conversation_id=opening.conversation_id,
        version=state.version,
        helpline=opening.helpline,
        channel=opening.channel,
        writer=pre_chat.writer,
        age_band=pre_chat.age_band,
        language=pre_chat.language,
        status=state.status,
        counsellor_id=state.counsellor_id,
        case_id=state.linked_case_id,
        opened_at=state.opened_at,
        waiting_since=state.waiting_since,
        answered_at=state.answered_at,
        ended_at=state.ended_at,
        waited_seconds=state.waited_seconds(),
        outcome=state.outcome,
        messages=len(state.ledger.lines),
        offers_not_accepted=state.offers_not_accepted,
        purge_after=state.purge_after(opening.policy),
        updated_at=now,
    )


def search_attributes(
    state: ConversationState, opening: ConversationOpening
) -> list[SearchAttributeUpdate[Any]]:
    return [
        key(sa.CONVERSATION_STATUS).value_set(state.status.value),
        key(sa.CONVERSATION_CHANNEL).value_set(opening.channel.value),
        key(sa.HELPLINE).value_set(opening.helpline),
        (
            key(sa.WAITING_SINCE).value_set(state.waiting_since)
            if state.waiting_since
            else key(sa.WAITING_SINCE).value_unset()
        ),
        (
            key(sa.COUNSELLOR_ID).value_set(state.counsellor_id)
            if state.counsellor_id
            else key(sa.COUNSELLOR_ID).value_unset()
        ),
        (
            key(sa.CASE_ID).value_set(state.linked_case_id)
            if state.linked_case_id
            else key(sa.CASE_ID).value_unset()
        ),
    ]


def details_markdown(state: ConversationState, opening: ConversationOpening) -> str:
    """What a supervisor reads in the Temporal UI: categories, ids and times only."""
    pre_chat = opening.pre_chat
    lines = [
        f"**Status:** {state.status.value} · **channel:** {opening.channel.value} · "
        f"**helpline:** {opening.helpline}",
        f"**Writer:** {pre_chat.writer.value} · **age band:** {pre_chat.age_band.value} · "
        f"**language:** {pre_chat.language}",
    ]
    if state.waiting_since is not None:
        lines.append(f"**Waiting since:** {state.waiting_since.isoformat(timespec='seconds')}")
    if state.counsellor_id:
        lines.append(f"**With:** {state.counsellor_id}")
    if state.transfer is not None:
        lines.append(f"**Transfer to:** {state.transfer.to} ({state.transfer.to_role.value})")
    lines.append(
        f"**Messages:** {len(state.ledger.lines)} · **offers not accepted:** "
        f"{state.offers_not_accepted}"
    )
    if state.linked_case_id:
        lines.append(f"**Case:** {state.linked_case_id}")
    if state.outcome is not None:
        lines.append(f"**Outcome:** {state.outcome.value}")
    return "\n".join(lines)


def published_record(state: ConversationState, opening: ConversationOpening) -> object:
    """The directory row but its stamps and its message count: when it changes, the
    row is written again (a message alone does not write it: the count follows with
    the next change, the last one included)."""
    row = record(state, opening, state.opened_at)
    return row.model_dump(exclude={"version", "updated_at", "messages"})


def published_standing(state: ConversationState, opening: ConversationOpening) -> object:
    found = standing(state, opening)
    return None if found is None else found.model_dump(exclude={"version"})


def result(state: ConversationState, opening: ConversationOpening) -> ConversationResult:
    return ConversationResult(
        conversation_id=opening.conversation_id,
        status=state.status,
        outcome=state.outcome,
        linked_case_id=state.linked_case_id,
        purged=state.purged_at is not None,
        messages=len(state.ledger.lines),
        waited_seconds=state.waited_seconds(),
    )
