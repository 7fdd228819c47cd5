"""Open a case: derive its id, triage it and start its SupportCaseWorkflow.

Idempotent when the counsellor's client sends an ``Idempotency-Key``: the case id is
derived from the caller and the key, and starting an existing workflow id (running
or closed) is refused by Temporal, which tells us the case already exists.

Every door that opens a case (a counsellor, a partner, a young person asking for a
callback) hands the case the audit trail's line of its opening (:class:`OpeningLine`),
and the case writes it once started: the trail holds it exactly when the case exists,
also when the answer to the request that opened it was lost on the way.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from application.acting import COUNSELLORS, Permit, service
from application.audit_trail import AuditTrail
from application.case_summary import static_details, static_summary
from application.errors import NotFound
from application.helpline import Helpline
from application.requests.opening import CaseCreate, InboundReferral
from domain import contract
from domain.audit import AuditEntry
from domain.audit_actions import AuditAction
from domain.case import CaseStatus
from domain.catalog import PartnerCatalog
from domain.intake import CaseOpening, Intake, Urgency
from domain.personal import ContactDetails
from domain.policy import CasePolicy
from domain.rules.triage import triage
from relais import search_attributes as sa
from relais.clock import utc_now
from relais.converter import key_store_of
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.key_store import KeyRecord
from relais.db.repositories.access import AccessReason, grant_in
from relais.settings import Settings

# Fixed forever: changing it would give a retried request a new case.
CASE_ID_NAMESPACE = uuid.UUID("6f1c3b7e-2d4a-5e8f-9a0b-3018c0ffee01")


def derive_case_id(subject: str, idempotency_key: str | None) -> str:
    """The same caller and key always give the same case id; no key, a fresh one."""
    if idempotency_key is None:
        return uuid.uuid4().hex
    return uuid.uuid5(CASE_ID_NAMESPACE, f"{subject}:{idempotency_key}").hex


@dataclass(frozen=True)
class OpenedCase:
    case_id: str
    workflow_id: str
    status: CaseStatus
    urgency: Urgency
    opened_at: datetime
    created: bool


def initial_search_attributes(
    case_id: str, intake: Intake, urgency: Urgency
) -> TypedSearchAttributes:
    """What a supervisor can filter on from the first second (the workflow upserts later)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.CASE_ID, case_id),
            SearchAttributePair(sa.CASE_STATUS, CaseStatus.OPEN.value),
            SearchAttributePair(sa.CASE_URGENCY, urgency.value),
            SearchAttributePair(sa.CASE_CATEGORIES, [c.value for c in intake.categories]),
            SearchAttributePair(sa.SLA_BREACHED, False),
        ]
    )


@dataclass(frozen=True)
class OpeningLine:
    """The audit trail's line of an opening: who opens the case (``trail``), the
    action, and what the line says given the urgency triage set (``detail``)."""

    trail: AuditTrail
    action: AuditAction
    detail: Callable[[Urgency], str]

    def entry(self, case_id: str, urgency: Urgency, key: str | None) -> AuditEntry:
        """Written by an activity, which may run again: the line always carries a
        key. A retry under the request's key finds its line written; without one, the
        case id stands for it (such a request opens a new case each time)."""
        return self.trail.entry(self.action, case_id, self.detail(urgency), key=key or case_id)


async def start_case(
    client: Client,
    settings: Settings,
    catalog: PartnerCatalog,
    *,
    opened_as: OpeningLine,
    intake: Intake,
    contact: ContactDetails,
    idempotency_key: str | None,
    now: datetime,
    referred_by: str | None = None,
    case_id: str | None = None,
    policy: CasePolicy | None = None,
) -> OpenedCase:
    """``opened_as``: who opens it, and the audit line the case writes of it;
    ``referred_by``: the partner slug, when a partner handed the case over;
    ``case_id``: derived from the caller and the key when not given; ``policy``: the
    settings' unless given (a callback a young person asked for is owed at once)."""
    opened_by = opened_as.trail.actor
    case_id = case_id or derive_case_id(opened_by, idempotency_key)
    workflow_id = contract.SUPPORT_CASE.workflow_id(case_id)
    urgency = triage(intake, referred_by=referred_by).urgency
    case_input = CaseOpening(
        case_id=case_id,
        opened_by=opened_by,
        intake=intake,
        referred_by=referred_by,
        contact=contact,
        policy=policy or settings.case_policy(),
        catalog=catalog,
        opening_line=opened_as.entry(case_id, urgency, idempotency_key),
    )
    try:
        await client.start_workflow(
            contract.SUPPORT_CASE.name,
            case_input,
            id=workflow_id,
            task_queue=settings.task_queue,
            # FAIL rather than USE_EXISTING: the error is the only public signal that
            # the case already existed (USE_EXISTING hides it), and REJECT_DUPLICATE
            # makes a closed case count as existing too.
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=initial_search_attributes(case_id, intake, urgency),
            static_summary=static_summary(case_id, intake, urgency),
            static_details=static_details(intake, urgency),
        )
    except WorkflowAlreadyStartedError:
        return await _existing_case(client, case_id, urgency)
    return OpenedCase(
        case_id=case_id,
        workflow_id=workflow_id,
        status=CaseStatus.OPEN,
        urgency=urgency,
        opened_at=now,
        created=True,
    )


async def _existing_case(client: Client, case_id: str, triaged: Urgency) -> OpenedCase:
    """The case a retried request refers to, as its search attributes show it now."""
    workflow_id = contract.SUPPORT_CASE.workflow_id(case_id)
    description = await client.get_workflow_handle(workflow_id).describe()
    attributes = description.typed_search_attributes
    status = attributes.get(sa.CASE_STATUS)
    urgency = attributes.get(sa.CASE_URGENCY)
    return OpenedCase(
        case_id=case_id,
        workflow_id=workflow_id,
        status=CaseStatus(status) if status else CaseStatus.OPEN,
        urgency=Urgency(urgency) if urgency else triaged,
        opened_at=description.start_time,
        created=False,
    )


class KeyTaken(Protocol):
    """A door's record that this request's idempotency key is now taken (the API keeps
    one per caller and key): the service writes it with its own first writes."""

    async def take_in(self, session: AsyncSession) -> None: ...


@service(*COUNSELLORS)
async def open_case(
    helpline: Helpline,
    permit: Permit,
    body: CaseCreate,
    key: str | None,
    taken: KeyTaken | None = None,
) -> OpenedCase:
    """A counsellor opens a case during a call: it starts (triaged at once), they may
    read it (docs/privacy.md), and the audit trail says so, once however often the
    request is retried under its key.

    At the speed of the engine under it: one transaction of the app database, then
    the one call to Temporal that starts the case.

    1. Before the start, together or not at all: the request's idempotency key (when
       its door keeps one: ``taken``; another request under it rolls everything
       back), the case's data key (the workflow's input is sealed with it: it must be
       stored before any history holds a payload it seals; the codec then finds it in
       its cache, not in the database) and the counsellor's access as owner (their
       case id is theirs alone: derived from them and their key).
    2. The audit line goes with the start, in the case's input: the case writes it
       once started (``workflows.case.effects``). A start that failed never leaves a
       "case.open" for a case that did not open, and a start whose answer was lost
       (a timeout, the API stopped) still leaves the line of the case it opened.

    Nothing is read back (the case key is used as made, the inserts say whether they
    wrote from their row counts): on SQLite 4 trips to the driver's thread (one a
    statement, ``relais.db.sqlite_driver``, and the commit); on PostgreSQL 8 round
    trips, 3 of them the pool's pre-ping (docs/benchmarks.md, "Opening a case: the
    round trips that remain").
    """
    counsellor = permit.actor.subject
    case_id = derive_case_id(counsellor, key)
    store = key_store_of(helpline.client.data_converter)
    ours = isinstance(store, DatabaseKeyStore) and store.stores_in(helpline.database)
    created: KeyRecord | None = None
    async with helpline.database.session_factory.begin() as session:
        if taken is not None:
            await taken.take_in(session)
        if ours:
            assert isinstance(store, DatabaseKeyStore)
            created = await store.new_case_key_in(session, case_id)
        await grant_in(session, case_id, counsellor, AccessReason.OWNER, counsellor, utc_now())
    if created is not None:
        store.remember(created)
    return await start_case(
        helpline.client,
        helpline.settings,
        helpline.catalog,
        opened_as=OpeningLine(
            helpline.audit(permit), AuditAction.CASE_OPEN, lambda u: f"urgency={u.value}"
        ),
        intake=body.intake(),
        contact=body.contact,
        idempotency_key=key,
        now=utc_now(),
        case_id=case_id,
    )


def inbound_subject(slug: str) -> str:
    """Who opened an inbound case: the partner, as a machine caller."""
    return f"partner:{slug}"


async def open_inbound_case(helpline: Helpline, partner: str, body: InboundReferral) -> OpenedCase:
    """A partner (France Victimes, 119, ...) hands a young person over to the helpline:
    the case opens, or the one opened already for the partner's reference is found
    (its id is derived from the partner and the reference). Who the partner is, its
    door checked (a signature); here, that it is registered."""
    partners = helpline.catalog
    if partners.partner(partner) is None:
        raise NotFound(f"no partner '{partner}' is registered")
    trail = AuditTrail(helpline.audit_log, actor=inbound_subject(partner), role="partner")
    return await start_case(
        helpline.client,
        helpline.settings,
        partners,
        opened_as=OpeningLine(trail, AuditAction.CASE_OPEN_INBOUND, lambda _: f"partner={partner}"),
        intake=body.intake(),
        contact=body.contact,
        idempotency_key=body.inbound_reference,
        now=utc_now(),
        referred_by=partner,
    )
