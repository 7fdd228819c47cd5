"""A young person known before, on the console: the box the conversations screen draws
for a conversation whose sender wrote before (``earlier_contact``), and the search by a
phone number given on the phone (or a Messenger id), typed into a form sent by POST so
it never reaches a URL, a log line or the browser's history. Thin doors over
``application.returning_contacts`` and ``application.conversations.recognition``."""

from fastapi import APIRouter
from fastapi.responses import Response

from application.conversations import recognition
from application.conversations.counsellor import ConversationRead
from application.errors import DomainError, RequestRejected
from application.returning_contacts import (
    ContactFound,
    ContactSearch,
    find_cases_by_identifier,
)
from console.forms import Drawn, FieldErrors, first, refused
from console.i18n import N_
from console.refusal_words import FIELD_ERRORS
from console.web import Page, Posted, SignedIn
from console.web_rules import permit
from domain.contact_identifiers import IdentifierKind

router = APIRouter(prefix="/console/contacts")
NOT_A_NUMBER = N_("Not a phone number (06 12 34 56 78, or +33 6 12 34 56 78).")
KINDS = {IdentifierKind.PHONE: N_("Phone number"), IdentifierKind.MESSENGER_ID: N_("Messenger id")}


async def earlier_contact(
    p: Page, read: ConversationRead | None
) -> recognition.EarlierContact | None:
    """Whether the open conversation's young person wrote before (an audited read)."""
    if read is None or read.conversation.status.value not in ("active", "wrapping_up"):
        return None
    cid = read.conversation.conversation_id
    try:
        allowed = await permit(p, recognition.earlier_contact)
        return await recognition.earlier_contact(p.helpline, allowed, cid)
    except DomainError:
        return None


def _page(
    p: Page,
    found: ContactFound | None = None,
    failed: Drawn | None = None,
    status_code: int = 200,
) -> Response:
    return p.render(
        "contact_search.html",
        status_code=status_code,
        title=N_("Find a young person's cases"),
        failed=failed,
        found=found,
        kinds=[(k.value, p.gettext(label)) for k, label in KINDS.items()],
    )


@router.get("")
async def search_form(p: SignedIn) -> Response:
    await permit(p, find_cases_by_identifier)
    return _page(p)


@router.post("")
async def search(p: SignedIn, form: Posted) -> Response:
    allowed = await permit(p, find_cases_by_identifier)
    kind, typed = first(form, "kind"), first(form, "identifier").strip()
    errors = FieldErrors()
    if kind not in {k.value for k in IdentifierKind}:
        errors.by_field["kind"] = [FIELD_ERRORS["enum"]]
    if not typed:
        errors.by_field["identifier"] = [FIELD_ERRORS["missing"]]
    elif len(typed) > 64:
        errors.by_field["identifier"] = [FIELD_ERRORS["string_too_long"]]
    if errors:
        return _page(p, failed=refused("search", form, errors), status_code=422)
    try:
        found = await find_cases_by_identifier(
            p.helpline, allowed, ContactSearch(kind=IdentifierKind(kind), identifier=typed)
        )
    except RequestRejected:
        errors.by_field["identifier"] = [NOT_A_NUMBER]
        return _page(p, failed=refused("search", form, errors), status_code=422)
    return _page(p, found=found)
