"""A young person who writes again on a messaging channel: the counsellor who takes
the conversation sees "already in contact: case X (open, or closed on D), N earlier
conversations" for a case they may read, only that a case exists and who owns it for
another, and attaches the conversation to the case in one action
(``case_link.attach_conversation``, the case's number given).

Recognised by the keyed hash of their identifier stored when they wrote
(``channel_conversations``); reading what it links to is a read of personal data,
audited (once per counsellor and window, as the screen is drawn again and again).

Joining a case also seals where to answer them under the case's key
(``case_link.seal_under_case``): purging the case makes it unreadable with the rest.
"""

from pydantic import BaseModel, Field

from application.acting import Permit, service
from application.conversations.case_link import with_me
from application.conversations.counsellor import ANSWERING
from application.helpline import Helpline
from application.returning_contacts import KnownCase, cases_seen_by
from domain.audit_actions import AuditAction
from relais.db.repositories.returning_contacts import ReturningContacts


class EarlierContact(BaseModel):
    """What the counsellor taking a conversation sees of the young person's past."""

    conversation_id: str
    recognised: bool = Field(description="They wrote before on this channel")
    earlier_conversations: int
    cases: list[KnownCase] = Field(description="Newest first")


@service(*ANSWERING)
async def earlier_contact(
    helpline: Helpline, permit: Permit, conversation_id: str
) -> EarlierContact:
    """The young person's earlier conversations and cases, for the counsellor the
    conversation is with (or a supervisor)."""
    view = await with_me(helpline, permit, conversation_id)
    book = ReturningContacts(helpline.database)
    sender = await book.sender_of(conversation_id)
    if sender is None:  # the web chat, a phone call: nobody to recognise
        return EarlierContact(
            conversation_id=conversation_id, recognised=False, earlier_conversations=0, cases=[]
        )
    history = await book.history(sender, excluding=conversation_id)
    cases, readable = await cases_seen_by(helpline, permit.actor, history)
    if history.conversations or cases:
        audit = helpline.audit(permit)
        detail = f"conversation={conversation_id} earlier={history.conversations}"
        await audit.record_read(
            AuditAction.CONVERSATION_EARLIER_CONTACT_READ,
            view.linked_case_id,
            f"{detail} cases={len(cases)} readable={len(readable)}",
        )
        for case_id in sorted(readable):
            await audit.record_read(AuditAction.CONVERSATION_EARLIER_CONTACT_READ, case_id, detail)
    return EarlierContact(
        conversation_id=conversation_id,
        recognised=history.conversations > 0,
        earlier_conversations=history.conversations,
        cases=cases,
    )
