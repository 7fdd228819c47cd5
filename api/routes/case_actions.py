"""Act on an open case: qualify items, request referrals, record callbacks, close.

Each action is a workflow update: the workflow validates it against the case (a
rejection is a 422 naming the field) and accepts it at once; the slow work
(notices, handoffs) runs in the background. An ``Idempotency-Key`` makes a retry safe.
"""

from typing import Annotated

from fastapi import APIRouter, Header, status

from api.auth import AuditTrailDep, CaseWorker, Counsellor
from api.deps import CaseCommandsDep, CatalogDep
from api.idempotency import DESCRIPTION as KEY_DESCRIPTION
from api.idempotency import HEADER as KEY_HEADER
from api.idempotency import MAX_KEY_LENGTH
from api.routes.cases import CaseId
from api.schemas.case_actions import (
    CallbackOutcomeCreate,
    CaseClose,
    ItemsAccepted,
    ItemsCreate,
    ReferralCreate,
)
from api.schemas.errors import CASE_UPDATE_ERRORS
from domain import contract
from domain.case import CaseView
from domain.referral import ReferralOutcome

router = APIRouter(prefix="/cases/{case_id}", tags=["case actions"], responses=CASE_UPDATE_ERRORS)

ActionKey = Annotated[
    str | None,
    Header(
        alias=KEY_HEADER,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description=f"A retry under the same key runs the action once. {KEY_DESCRIPTION}",
    ),
]


@router.post("/items", status_code=status.HTTP_202_ACCEPTED)
async def add_items(
    case_id: CaseId,
    body: ItemsCreate,
    actor: Counsellor,
    commands: CaseCommandsDep,
    catalog: CatalogDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> ItemsAccepted:
    """Qualify harmful items; one takedown notice per item goes out in the background."""
    request = body.request(actor.subject, catalog.catalog())
    result = await commands.update(case_id, contract.ADD_ITEMS, request, idempotency_key)
    platforms = ",".join(sorted({item.platform for item in body.items}))
    await audit.record("case.items.add", case_id, f"items={len(body.items)} platforms={platforms}")
    return ItemsAccepted(case_id=case_id, notice_ids=result.notice_ids)


@router.post("/referrals", status_code=status.HTTP_202_ACCEPTED)
async def request_referral(
    case_id: CaseId,
    body: ReferralCreate,
    actor: Counsellor,
    commands: CaseCommandsDep,
    catalog: CatalogDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> ReferralOutcome:
    """Hand the case to a partner (with the victim's consent); the handoff runs in the
    background and its status shows on the case."""
    request = body.request(actor.subject, catalog.catalog())
    outcome = await commands.update(case_id, contract.REQUEST_REFERRAL, request, idempotency_key)
    await audit.record(
        "case.referral.request", case_id, f"partner={body.partner} referral={outcome.referral_id}"
    )
    return outcome


@router.post("/callback-outcome")
async def record_callback_outcome(
    case_id: CaseId,
    body: CallbackOutcomeCreate,
    actor: Counsellor,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Record how a follow-up call went."""
    view = await commands.update(
        case_id, contract.RECORD_CALLBACK_OUTCOME, body.request(actor.subject), idempotency_key
    )
    await audit.record("case.callback.record", case_id, f"result={body.result.value}")
    return view


@router.post("/close")
async def close_case(
    case_id: CaseId,
    body: CaseClose,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> CaseView:
    """Close the case (``force`` cancels notices and referrals still outstanding)."""
    view = await commands.update(
        case_id, contract.CLOSE, body.request(actor.subject), idempotency_key
    )
    await audit.record("case.close", case_id, f"force={body.force}")
    return view
