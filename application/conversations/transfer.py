"""Handing a conversation over to a colleague or a supervisor, with a note for them.

Only the counsellor the conversation is with, or a supervisor, hands it over. It stays
with that counsellor (the young person is never left alone) until the colleague takes
the transfer as an offer on their desk (``accept_offer`` with its id); declined or not
answered in time, it simply stays (``workflows/conversation/counsellor.py``).

The note is free text about a young person: it is stored sealed in the transcript
vault as an internal line (never sent to the young person), like a reply, and the
workflow is told only its reference. The audit line says to whom and whether there
was a note, never a word of it. A supervisor handing over a colleague's conversation
names them as its ``holder`` (the conversation checks it is with them); the transfer,
the note, and the audit line are the supervisor's.
"""

import uuid
from datetime import datetime

from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from application.acting import Permit, service
from application.conversations.case_link import with_me
from application.conversations.commands import (
    QUERY_TIMEOUT,
    ConversationCommands,
    ConversationOver,
)
from application.conversations.counsellor import ANSWERING
from application.errors import Unavailable, key_reused
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.conversation import AuthorKind
from domain.conversation_desk import CounsellorView, TransferRequest, TransferTo
from domain.conversation_queue import CounsellorPresenceView, Presence, QueueSnapshot
from relais.crypto.transcripts import ConversationClosed, KeyReused


@service(*ANSWERING)
async def who_can_take(helpline: Helpline, permit: Permit) -> list[CounsellorPresenceView]:
    """The colleagues and supervisors available now (at their desk, their presence not
    lapsed), the asker aside, fewest conversations first: whom a conversation may be
    handed to. Ids and counts only, from the helpline's queue (not audited: nothing
    of a young person). Nobody while no one has set a presence today."""
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    try:
        snapshot: QueueSnapshot = await calls.queue(helpline.settings.helpline).query(
            contract.QUEUE_SNAPSHOT.name, result_type=QueueSnapshot, rpc_timeout=QUERY_TIMEOUT
        )
    except WorkflowQueryFailedError as err:
        raise Unavailable(f"the helpline's queue could not answer: {err.message}") from err
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return []
        raise Unavailable("the helpline's queue did not answer in time; retry") from err
    there = [
        c
        for c in snapshot.counsellors
        if c.presence is Presence.AVAILABLE
        and not c.presence_lapsed
        and c.counsellor_id != permit.actor.subject
    ]
    return sorted(there, key=lambda c: (c.conversations, c.counsellor_id))


@service(*ANSWERING)
async def transfer_conversation(
    helpline: Helpline,
    permit: Permit,
    conversation_id: str,
    to: str,
    to_role: TransferTo,
    note: str | None,
    key: str | None,
    now: datetime,
) -> CounsellorView:
    """Offer the conversation to ``to`` (a colleague or a supervisor), with a note
    for them; a retry under the same key is the same transfer."""
    view = await with_me(helpline, permit, conversation_id)
    me = permit.actor.subject
    holder = view.counsellor_id if view.counsellor_id not in (None, me) else None
    key = key or uuid.uuid4().hex
    ref = None
    if note is not None:
        try:
            stored = await helpline.transcripts.store_message(
                conversation_id,
                f"transfer-note:{key}",
                note,
                AuthorKind.COUNSELLOR,
                now,
                author=me,
                internal=True,
            )
        except KeyReused:
            raise key_reused("note") from None
        except ConversationClosed:
            raise ConversationOver(f"conversation {conversation_id} is over") from None
        ref = stored.ref
    request = TransferRequest(actor=me, holder=holder, to=to, to_role=to_role, note=ref)
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    handed = await calls.update(
        conversation_id,
        contract.TRANSFER_CONVERSATION,
        request,
        update_id=f"{contract.TRANSFER_CONVERSATION.name}:{conversation_id}:{key}",
    )
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_TRANSFER,
        handed.linked_case_id,
        f"conversation={conversation_id} to={to} role={to_role.value} "
        f"note={'yes' if ref else 'no'}",
        key=key,
    )
    return handed
