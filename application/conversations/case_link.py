"""A conversation joins a case, from the counsellor's screen: a case opened from it
(its channel is the conversation's; the console fills the caller and the age band
from the pre-chat form), or an existing case the counsellor may read, which it joins
as one more contact. Either way the workflow's ``link_case`` moves the transcript
under the case's key (``workflows/conversation/counsellor.py``) and purging the case
makes it unreadable with the rest.

Only the counsellor the conversation is with (or a supervisor) links it.
"""

from application.acting import COUNSELLORS, Permit, service
from application.case_opening import OpenedCase, open_case
from application.casework import add_contact
from application.conversations.commands import ConversationCommands
from application.conversations.counsellor import not_with_you
from application.errors import NotFound
from application.helpline import Helpline
from application.requests.casework import ContactCreate
from application.requests.opening import CaseCreate
from domain import contract
from domain.audit_actions import AuditAction
from domain.conversation import ViewRequest
from domain.conversation_desk import CounsellorView, LinkCaseRequest, LinkKind
from domain.intake import AgeBand, CallerRole, Channel
from relais.converter import key_store_of
from relais.crypto.identifiers import open_address, seal_address
from relais.db.repositories.channel_contacts import ChannelContacts
from relais.db.repositories.returning_contacts import ReturningContacts
from relais.settings import Role

NO_MESSAGES = ViewRequest(since_seq=2**31)


def prefilled(view: CounsellorView) -> tuple[Channel, CallerRole, AgeBand]:
    """What the pre-chat form already says for a case's intake."""
    return view.channel, view.pre_chat.writer.caller_role, view.pre_chat.age_band


async def with_me(helpline: Helpline, permit: Permit, conversation_id: str) -> CounsellorView:
    """The conversation, if it is with the permit's counsellor (a supervisor: any)."""
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await calls.query(conversation_id, contract.COUNSELLOR_VIEW, NO_MESSAGES)
    if permit.actor.role is not Role.SUPERVISOR and view.counsellor_id != permit.actor.subject:
        raise not_with_you()
    return view


async def _link(
    helpline: Helpline, permit: Permit, conversation_id: str, case_id: str, how: LinkKind
) -> CounsellorView:
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await calls.update(
        conversation_id,
        contract.LINK_CASE,
        LinkCaseRequest(actor=permit.actor.subject, case_id=case_id, how=how),
        update_id=f"{contract.LINK_CASE.name}:{conversation_id}:{case_id}",
    )
    await seal_under_case(helpline, conversation_id, case_id)
    await helpline.audit(permit).record(
        AuditAction.CONVERSATION_LINK, case_id, f"conversation={conversation_id} how={how.value}"
    )
    return view


async def seal_under_case(helpline: Helpline, conversation_id: str, case_id: str) -> bool:
    """Where to answer a young person who wrote on a messaging channel, sealed again
    under the case's key now that their conversation joined it, so purging the case
    makes it unreadable (their current conversation only: a later one has an address
    of its own). Idempotent; False when there is none to move."""
    found = await ChannelContacts(helpline.database).address_of(conversation_id)
    if found is None:
        return False
    channel, sealed = found
    keys = key_store_of(helpline.client.data_converter)
    address = await open_address(keys, channel, sealed)
    resealed = await seal_address(keys, channel, address, scope=case_id)
    return await ReturningContacts(helpline.database).reseal(conversation_id, resealed)


@service(*COUNSELLORS)
async def open_case_from_conversation(
    helpline: Helpline, permit: Permit, conversation_id: str, body: CaseCreate, key: str | None
) -> OpenedCase:
    """Open a case for the young person in the conversation (its channel is the
    conversation's), then link the conversation to it; a retry under the same key is
    the same case."""
    view = await with_me(helpline, permit, conversation_id)
    body = body.model_copy(update={"channel": view.channel})
    opened = await open_case(helpline, await open_case.permit(helpline, permit.actor), body, key)
    await _link(helpline, permit, conversation_id, opened.case_id, LinkKind.OPENED_FROM)
    return opened


@service(*COUNSELLORS, on_case=True)
async def attach_conversation(
    helpline: Helpline, permit: Permit, conversation_id: str
) -> CounsellorView:
    """The conversation joins a case the counsellor may read (the same young person
    writing again, say), as one more contact of it (its channel, who wrote)."""
    case_id = permit.case
    assert case_id is not None
    seen = await with_me(helpline, permit, conversation_id)
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    view = await _link(helpline, permit, conversation_id, case_id, LinkKind.ATTACHED)
    channel, caller_role, _ = prefilled(seen)
    contact = ContactCreate(channel=channel, caller_role=caller_role)
    # one contact per conversation, however often this is retried
    adding = await add_contact.permit(helpline, permit.actor, case_id)
    await add_contact(helpline, adding, contact, f"conversation-contact:{conversation_id}")
    return view
