"""Open a case: derive its id, triage it and start its SupportCaseWorkflow.

Idempotent when the counsellor's client sends an ``Idempotency-Key``: the case id is
derived from the caller and the key, and starting an existing workflow id (running
or closed) is refused by Temporal, which tells us the case already exists.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.services.audit_trail import AuditTrail
from api.services.case_summary import static_details, static_summary
from domain import contract
from domain.case import CaseStatus
from domain.catalog import PartnerCatalog
from domain.intake import CaseOpening, Intake, Urgency
from domain.personal import ContactDetails
from domain.rules.triage import triage
from relais import search_attributes as sa
from relais.clock import utc_now
from relais.db.repositories.access import AccessReason, CaseAccessBook
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


async def open_case(
    client: Client,
    settings: Settings,
    catalog: PartnerCatalog,
    *,
    opened_by: str,
    intake: Intake,
    contact: ContactDetails,
    idempotency_key: str | None,
    now: datetime,
    referred_by: str | None = None,
) -> OpenedCase:
    """``referred_by``: the partner slug, when a partner handed the case over."""
    case_id = derive_case_id(opened_by, idempotency_key)
    workflow_id = contract.SUPPORT_CASE.workflow_id(case_id)
    urgency = triage(intake, referred_by=referred_by).urgency
    case_input = CaseOpening(
        case_id=case_id,
        opened_by=opened_by,
        intake=intake,
        referred_by=referred_by,
        contact=contact,
        policy=settings.case_policy(),
        catalog=catalog,
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


async def open_case_as(
    counsellor: str,
    client: Client,
    settings: Settings,
    catalog: PartnerCatalog,
    access: CaseAccessBook,
    audit: AuditTrail,
    *,
    intake: Intake,
    contact: ContactDetails,
    idempotency_key: str | None,
) -> OpenedCase:
    """A counsellor opens a case: it starts, they may read it (docs/privacy.md), and
    the audit trail says so (a retry too). ``POST /cases`` and the console alike."""
    opened = await open_case(
        client,
        settings,
        catalog,
        opened_by=counsellor,
        intake=intake,
        contact=contact,
        idempotency_key=idempotency_key,
        now=utc_now(),
    )
    if opened.created:
        said = audit.entry("case.open", opened.case_id, f"urgency={opened.urgency.value}")
    else:
        said = audit.entry("case.open.retry", opened.case_id)
    await access.grant(
        opened.case_id, counsellor, AccessReason.OWNER, counsellor, opened.opened_at, audited=said
    )
    return opened
