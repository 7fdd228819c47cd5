"""One referral of a case: record a handoff a counsellor made by phone
(``application.referral_commands``).

When a partner stays unreachable past the handoff deadline, a counsellor is asked
(a ``manual_handoff`` task) to hand the referral over by phone. Recording it here
stops the automatic handoff, so the partner never receives the referral twice,
closes the task and follows the partner's outcome from there.
"""

from typing import Annotated

from fastapi import APIRouter, Path

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from api.schemas.errors import CASE_UPDATE_ERRORS
from application import referral_commands
from application.acting import Permit
from application.requests.referral import ManualHandoffCreate
from domain.referral import ReferralOutcome

router = APIRouter(
    prefix="/cases/{case_id}/referrals/{referral_id}",
    tags=["referrals"],
    responses=CASE_UPDATE_ERRORS,
)

ReferralId = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9_-]{1,80}$", description="The referral id (<case id>-r<n>)")
]


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
    permit: Annotated[Permit, permitted(referral_commands.record_manual_handoff)],
    body: ManualHandoffCreate,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> ReferralOutcome:
    """The referral was handed over by phone under the partner's reference: the
    automatic handoff stops and the referral shows acknowledged (``manual: true``)."""
    return await referral_commands.record_manual_handoff(
        helpline, permit, referral_id, body, idempotency_key
    )
