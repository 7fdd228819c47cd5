"""A young person known before (``application.returning_contacts``): what the counsellor
taking a conversation sees of their earlier cases, and finding those cases by an
identifier typed (a phone number given on the phone: in the POST body, never in a
URL). Thin doors: the read rule and the audit lines are the services'."""

from typing import Annotated

from fastapi import APIRouter

from api.doors import HelplineDep, permitted
from api.idempotency import ActionKey
from api.routes.conversations import LATE, NOT_YOURS, ConversationId
from application.acting import Permit
from application.conversations import recognition
from application.returning_contacts import ContactFound, ContactSearch, find_cases_by_identifier

router = APIRouter(tags=["conversations"])


@router.get("/conversations/{conversation_id}/earlier-contact", responses={**NOT_YOURS, **LATE})
async def earlier_contact(
    conversation_id: ConversationId,
    permit: Annotated[Permit, permitted(recognition.earlier_contact)],
    helpline: HelplineDep,
) -> recognition.EarlierContact:
    """Whether the young person wrote before on this channel: their earlier
    conversations and the cases those joined (a case you may read with its number and
    whether it is open or when it closed; any other only that it exists and who owns
    it). Attach the conversation to a case with ``POST /cases/{case_id}/conversations``.
    An audited read."""
    return await recognition.earlier_contact(helpline, permit, conversation_id)


@router.post("/contacts/search")
async def search_contacts(
    permit: Annotated[Permit, permitted(find_cases_by_identifier)],
    body: ContactSearch,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> ContactFound:
    """The cases of the young person who wrote from this phone number (WhatsApp) or
    Messenger user id (422 naming ``identifier`` when it is not one). Audited, without
    the identifier."""
    return await find_cases_by_identifier(helpline, permit, body)
