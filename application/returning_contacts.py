"""A young person known before: the cases their earlier conversations on the same
channel joined, as one counsellor may see them, and finding those cases by an
identifier a counsellor types (a phone number given on the phone).

What a counsellor sees of a case follows the read rule (``application.case_access``):
a case they may read with its number, whether it is open or when it closed, and how
many of the young person's conversations joined it; any other case only that it
exists and who owns it (to ask them). Who writes is known only as a keyed hash of
their identifier (``relais.crypto.identifiers``): the typed identifier is hashed the
same way and never stored, logged or put in an audit line.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from application.acting import COUNSELLORS, Actor, Permit, service
from application.case_access import Access, CaseAccessPolicy
from application.errors import Problem, RequestRejected
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.case import CaseStatus
from domain.contact_identifiers import IdentifierKind, channel_identifier
from relais.converter import key_store_of
from relais.crypto.identifiers import IdentifierHasher
from relais.db.repositories.returning_contacts import (
    ContactHistory,
    ReturningContacts,
    Sender,
)


class KnownCase(BaseModel):
    """One case of theirs, as this counsellor may see it."""

    readable: bool = Field(description="False: only that it exists and who owns it")
    owner: str = Field(description="The counsellor the case is with")
    case_id: str | None = Field(default=None, description="Only when readable")
    status: str | None = Field(default=None, description="open or closed (readable only)")
    closed_at: datetime | None = None
    conversations: int | None = Field(
        default=None, description="Their conversations joined to it (readable only)"
    )


def _known(history: ContactHistory, readable: set[str]) -> list[KnownCase]:
    known: list[KnownCase] = []
    for case in history.cases:
        if case.case_id not in readable:
            known.append(KnownCase(readable=False, owner=case.owner))
            continue
        closed = case.status == CaseStatus.CLOSED.value
        known.append(
            KnownCase(
                readable=True,
                owner=case.owner,
                case_id=case.case_id,
                status="closed" if closed else "open",
                closed_at=case.closed_at if closed else None,
                conversations=case.conversations,
            )
        )
    return known


async def cases_seen_by(
    helpline: Helpline, actor: Actor, history: ContactHistory
) -> tuple[list[KnownCase], set[str]]:
    """The history's cases as ``actor`` may see them, and the ids they may read."""
    policy = CaseAccessPolicy(helpline.access)
    readable = {
        case.case_id
        for case in history.cases
        if await policy.access(actor.subject, actor.role, case.case_id) is Access.ALLOWED
    }
    return _known(history, readable), readable


class ContactSearch(BaseModel):
    """An identifier a counsellor types; sent in a POST body, never in a URL."""

    model_config = ConfigDict(extra="forbid")

    kind: IdentifierKind = IdentifierKind.PHONE
    identifier: str = Field(
        min_length=1,
        max_length=64,
        description="A phone number (06 12 34 56 78, +33 6 12 34 56 78) or a Messenger user id",
    )


class ContactFound(BaseModel):
    conversations: int = Field(description="Their conversations on that channel")
    cases: list[KnownCase]


@service(*COUNSELLORS)
async def find_cases_by_identifier(
    helpline: Helpline, permit: Permit, search: ContactSearch
) -> ContactFound:
    """The cases of the young person who wrote from this number (or Messenger id),
    audited: one line for the search (the channel and counts, never the identifier),
    one per case shown to the counsellor."""
    try:
        channel, identifier = channel_identifier(search.kind, search.identifier)
    except ValueError as bad:
        raise RequestRejected(
            [Problem(("body", "identifier"), str(bad), "value_error", "identifier_invalid")]
        ) from None
    hasher = IdentifierHasher(key_store_of(helpline.client.data_converter))
    sender = Sender(channel.value, await hasher.digest(channel.value, identifier))
    history = await ReturningContacts(helpline.database).history(sender)
    cases, readable = await cases_seen_by(helpline, permit.actor, history)
    audit = helpline.audit(permit)
    await audit.record(
        AuditAction.CONTACT_SEARCH,
        None,
        f"channel={channel.value} conversations={history.conversations}"
        f" cases={len(cases)} readable={len(readable)}",
    )
    for case_id in sorted(readable):
        await audit.record(AuditAction.CONTACT_SEARCH, case_id, f"channel={channel.value}")
    return ContactFound(conversations=history.conversations, cases=cases)
