"""One referral of a case: record a handoff a counsellor made by phone.

When a partner stays unreachable past the handoff deadline, a counsellor is asked
(a ``manual_handoff`` task) to hand the referral over by phone. Recording it here
stops the automatic handoff, so the partner never receives the referral twice,
closes the task and follows the partner's outcome from there.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.auth import AuditTrailDep, CaseWorker
from api.deps import TemporalClientDep
from api.routes.case_actions import ActionKey
from api.routes.cases import CaseId
from api.schemas.errors import CASE_UPDATE_ERRORS
from api.schemas.referrals import ManualHandoffCreate
from api.services.referral_commands import ReferralCommands
from domain.referral import ReferralOutcome

router = APIRouter(
    prefix="/cases/{case_id}/referrals/{referral_id}",
    tags=["referrals"],
    responses=CASE_UPDATE_ERRORS,
)

ReferralId = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,80}$", description="The referral id (<case id>-r<n>)")
]


def get_referral_commands(client: TemporalClientDep) -> ReferralCommands:
    return ReferralCommands(client)


ReferralCommandsDep = Annotated[ReferralCommands, Depends(get_referral_commands)]


@router.post(
    "/manual-handoff",
    responses={
        404: {"description": "No such referral on this case"},
        409: {"description": "The referral is already finished"},
        422: {"description": "Refused: e.g. the partner already acknowledged the handoff"},
    },
)
async def record_manual_handoff(
    case_id: CaseId,
    referral_id: ReferralId,
    body: ManualHandoffCreate,
    actor: CaseWorker,
    commands: ReferralCommandsDep,
    audit: AuditTrailDep,
    idempotency_key: ActionKey = None,
) -> ReferralOutcome:
    """The referral was handed over by phone under the partner's reference: the
    automatic handoff stops and the referral shows acknowledged (``manual: true``)."""
    outcome = await commands.record_manual_handoff(
        referral_id, body.request(case_id, actor.subject), idempotency_key
    )
    await audit.record("referral.manual_handoff", case_id, f"referral={referral_id}")
    return outcome
