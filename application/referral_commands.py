"""Act on one referral's own workflow (``referral-<id>``): record a phone handoff.

When a partner stays unreachable past the handoff deadline, a counsellor is asked (a
``manual_handoff`` task) to hand the referral over by phone. The case workflow is not
involved: the ReferralWorkflow takes the update, stops its automatic handoff (the
partner never receives the referral twice), closes the task and tells the case
through its usual progress signal.
"""

from datetime import timedelta

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from application.acting import CASE_WORKERS, Permit, service
from application.case_commands import UPDATE_TIMEOUT, run_update, update_id
from application.case_ids import case_of_referral
from application.errors import (
    Conflict,
    NotFound,
    Unavailable,
    temporal_unavailable,
)
from application.helpline import Helpline
from application.requests.referral import ManualHandoffCreate
from domain import contract
from domain.audit_actions import AuditAction
from domain.referral import ManualHandoffRequest, ReferralOutcome


def referral_belongs_to(case_id: str, referral_id: str) -> bool:
    """Referral ids are ``<case id>-r<n>``: a referral of another case is not found."""
    return case_of_referral(referral_id) == case_id


class ReferralCommands:
    def __init__(self, client: Client, *, update_timeout: timedelta = UPDATE_TIMEOUT) -> None:
        self._client = client
        self._update_timeout = update_timeout

    async def record_manual_handoff(
        self, referral_id: str, request: ManualHandoffRequest, key: str | None
    ) -> ReferralOutcome:
        if not referral_belongs_to(request.case_id, referral_id):
            raise NotFound(f"no referral {referral_id} on case {request.case_id}")
        handle = self._client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
        update = contract.RECORD_MANUAL_HANDOFF
        call = handle.execute_update(
            update.name,
            request,
            id=update_id(update.name, request.actor, key),
            result_type=update.result,
        )
        return await run_update(
            call,
            self._update_timeout,
            timed_out=f"referral {referral_id} did not answer in time; retry with the same "
            "Idempotency-Key to record the phone handoff once",
            translate=lambda err: _translate(err, referral_id, request.case_id),
        )


@service(*CASE_WORKERS, on_case=True)
async def record_manual_handoff(
    helpline: Helpline,
    permit: Permit,
    referral_id: str,
    body: ManualHandoffCreate,
    key: str | None,
) -> ReferralOutcome:
    """The referral was handed over by phone under the partner's reference: the
    automatic handoff stops and the referral shows acknowledged (``manual: true``)."""
    request = body.request(permit.case, permit.actor.subject)
    outcome = await ReferralCommands(helpline.client).record_manual_handoff(
        referral_id, request, key
    )
    await helpline.audit(permit).record(
        AuditAction.REFERRAL_MANUAL_HANDOFF, permit.case, f"referral={referral_id}", key=key
    )
    return outcome


def _translate(err: RPCError, referral_id: str, case_id: str) -> Exception:
    if err.status == RPCStatusCode.NOT_FOUND:
        if "completed" in err.message:
            return Conflict(f"referral {referral_id} is already finished: nothing to hand over")
        return NotFound(f"no referral {referral_id} on case {case_id}")
    if temporal_unavailable(err):
        return Unavailable(f"referral {referral_id} did not answer; retry later")
    return err
