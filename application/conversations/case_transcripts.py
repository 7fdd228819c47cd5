"""A case's conversations, as its page shows them: the list (when, how, how many
messages: no word of them), and a transcript read only when the counsellor opens it
(an audited read). Whoever may work on the case reads the conversations linked to
it, the counsellor who held them or not: a colleague taking the case over reads what
the young person wrote."""

from application.acting import CASE_WORKERS, Permit, service
from application.conversations.commands import ConversationCommands
from application.conversations.counsellor import ConversationRead, transcript_lines
from application.conversations.deliveries import with_deliveries
from application.errors import NotFound
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.conversation import ViewRequest
from domain.conversation_records import ConversationRecord


@service(*CASE_WORKERS, on_case=True)
async def case_conversations(helpline: Helpline, permit: Permit) -> list[ConversationRecord]:
    """The conversations linked to the case, oldest first (no message in them)."""
    assert permit.case is not None
    return await helpline.conversation_directory.of_case(permit.case)


@service(*CASE_WORKERS, on_case=True)
async def read_case_conversation(
    helpline: Helpline, permit: Permit, conversation_id: str
) -> ConversationRead:
    """The transcript of a conversation linked to the case (audited, on the case)."""
    case_id = permit.case
    assert case_id is not None
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await calls.query(conversation_id, contract.COUNSELLOR_VIEW, ViewRequest(since_seq=0))
    if view.linked_case_id != case_id:
        raise NotFound(f"no conversation {conversation_id} on this case")
    view = await with_deliveries(helpline, view)
    lines = await transcript_lines(helpline, conversation_id, view)
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_TRANSCRIPT_READ,
        case_id,
        f"conversation={conversation_id} lines={len(lines)}",
    )
    return ConversationRead(conversation=view, lines=lines)
