"""What each update of a ConversationWorkflow refuses, as pure functions of the state
and the request. Each problem names its field (``loc``) and carries a stable code,
so the door answers a 422 (or a sentence on the young person's page) as it is."""

from domain.conversation import ConversationStatus, MessageRef
from domain.conversation_desk import (
    AcceptRequest,
    CounsellorReplies,
    EndChatRequest,
    LinkCaseRequest,
    PassRequest,
    TransferRequest,
    WrapUpRequest,
)
from domain.problems import Problem, problem
from workflows.conversation.state import ConversationState


def _a_retry(state: ConversationState, ref: MessageRef) -> bool:
    """The same key and body again: the same message, whatever happened since."""
    return state.ledger.same_key(ref) is not None and not state.ledger.problems(ref)


def over_problems(state: ConversationState) -> list[Problem]:
    if not state.final:
        return []
    return [
        problem(
            "conversation_over",
            ("conversation_id",),
            f"conversation_id: the conversation is over ({state.status.value})",
        )
    ]


def young_person_message_problems(state: ConversationState, ref: MessageRef) -> list[Problem]:
    """They write while waiting and while the chat is open; not once it is over."""
    if _a_retry(state, ref):
        return []  # a message already recorded answers as it did, even once it is over
    if problems := over_problems(state):
        return problems
    if state.status is ConversationStatus.WRAPPING_UP:
        return [
            problem(
                "chat_closed", ("conversation_id",), "conversation_id: the chat has been closed"
            )
        ]
    return state.ledger.problems(ref)


def _offer_problems(state: ConversationState, actor: str, offer_id: str) -> list[Problem]:
    transfer = state.transfer
    if transfer is not None and transfer.transfer_id == offer_id:
        if transfer.to != actor:
            return [_not_yours()]
        return []
    if problems := over_problems(state):
        return problems
    offer = state.offer
    if offer is None or offer.offer_id != offer_id:
        taken = state.status in (ConversationStatus.ACTIVE, ConversationStatus.WRAPPING_UP)
        return [
            problem(
                "offer_taken" if taken else "offer_gone",
                ("offer_id",),
                "offer_id: another counsellor took this conversation"
                if taken
                else "offer_id: this offer is no longer open (it lapsed or went to someone else)",
            )
        ]
    if offer.counsellor_id != actor:
        return [_not_yours()]
    return []


def _not_yours() -> Problem:
    return problem("not_your_offer", ("actor",), "actor: this offer was made to someone else")


def accept_problems(state: ConversationState, request: AcceptRequest) -> list[Problem]:
    return _offer_problems(state, request.actor, request.offer_id)


def pass_problems(state: ConversationState, request: PassRequest) -> list[Problem]:
    return _offer_problems(state, request.actor, request.offer_id)


def _with_actor(state: ConversationState, actor: str) -> list[Problem]:
    if state.counsellor_id != actor:
        return [
            problem(
                "not_with_you",
                ("actor",),
                "actor: this conversation is not with you",
            )
        ]
    return []


def _chat_open(state: ConversationState, actor: str) -> list[Problem]:
    if problems := over_problems(state):
        return problems
    if state.status is not ConversationStatus.ACTIVE:
        code, msg = (
            ("chat_closed", "the chat has been closed")
            if state.status is ConversationStatus.WRAPPING_UP
            else ("not_answered", "nobody has taken this conversation yet")
        )
        return [problem(code, ("conversation_id",), f"conversation_id: {msg}")]
    return _with_actor(state, actor)


def reply_problems(state: ConversationState, request: CounsellorReplies) -> list[Problem]:
    if _a_retry(state, request.message):
        return []  # a retry answers as the first did
    return _chat_open(state, request.actor) or state.ledger.problems(request.message)


def end_chat_problems(state: ConversationState, request: EndChatRequest) -> list[Problem]:
    return _chat_open(state, request.actor)


def wrap_up_problems(state: ConversationState, request: WrapUpRequest) -> list[Problem]:
    if problems := over_problems(state):
        return problems
    if state.status not in (ConversationStatus.ACTIVE, ConversationStatus.WRAPPING_UP):
        return [
            problem(
                "not_answered",
                ("conversation_id",),
                "conversation_id: nobody has taken this conversation yet",
            )
        ]
    return _with_actor(state, request.actor)


def transfer_problems(state: ConversationState, request: TransferRequest) -> list[Problem]:
    holder = request.holder or request.actor
    if problems := _chat_open(state, holder):
        return problems
    if request.to == holder:
        return [problem("transfer_to_self", ("to",), "to: the conversation is already with you")]
    if state.transfer is not None:
        return [
            problem(
                "transfer_pending",
                ("to",),
                f"to: a transfer to {state.transfer.to} is waiting for an answer",
            )
        ]
    if request.note is not None:
        return state.ledger.problems(request.note, field="note")
    return []


def link_problems(state: ConversationState, request: LinkCaseRequest) -> list[Problem]:
    if state.purged_at is not None:
        return [
            problem(
                "conversation_purged",
                ("conversation_id",),
                "conversation_id: this conversation's transcript was purged",
            )
        ]
    if state.status is ConversationStatus.MISSED:
        return [
            problem(
                "conversation_missed",
                ("conversation_id",),
                "conversation_id: a missed conversation has nothing to link",
            )
        ]
    if state.linked_case_id is not None and state.linked_case_id != request.case_id:
        return [
            problem(
                "already_linked",
                ("case_id",),
                f"case_id: this conversation already belongs to case {state.linked_case_id}",
            )
        ]
    return []


def callback_problems(state: ConversationState) -> list[Problem]:
    if problems := over_problems(state):
        return problems
    if not state.status.queued:
        return [
            problem(
                "not_waiting",
                ("conversation_id",),
                "conversation_id: a callback is asked for while waiting; a counsellor is "
                "already with you",
            )
        ]
    return []
