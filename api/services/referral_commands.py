"""Act on one referral's own workflow (``referral-<id>``): record a phone handoff.

The case workflow is not involved: the ReferralWorkflow takes the update, stops its
automatic handoff and tells the case through its usual progress signal.
"""

import asyncio
from datetime import timedelta

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.services.case_commands import UPDATE_TIMEOUT, update_id
from api.services.errors import (
    Conflict,
    NotFound,
    RequestRejected,
    Unavailable,
    temporal_unavailable,
)
from api.services.rejections import problems_from
from workflows.models.referral import ManualHandoffRequest, ReferralOutcome
from workflows.names import UPDATE_RECORD_MANUAL_HANDOFF, referral_workflow_id


def referral_belongs_to(case_id: str, referral_id: str) -> bool:
    """Referral ids are ``<case id>-r<n>``: a referral of another case is not found."""
    prefix = f"{case_id}-r"
    return referral_id.startswith(prefix) and referral_id[len(prefix) :].isdigit()


class ReferralCommands:
    def __init__(self, client: Client, *, update_timeout: timedelta = UPDATE_TIMEOUT) -> None:
        self._client = client
        self._update_timeout = update_timeout

    async def record_manual_handoff(
        self, referral_id: str, request: ManualHandoffRequest, key: str | None
    ) -> ReferralOutcome:
        if not referral_belongs_to(request.case_id, referral_id):
            raise NotFound(f"no referral {referral_id} on case {request.case_id}")
        handle = self._client.get_workflow_handle(referral_workflow_id(referral_id))
        try:
            async with asyncio.timeout(self._update_timeout.total_seconds()):
                outcome: ReferralOutcome = await handle.execute_update(
                    UPDATE_RECORD_MANUAL_HANDOFF,
                    request,
                    id=update_id("manual-handoff", request.recorded_by, key),
                    result_type=ReferralOutcome,
                )
        except WorkflowUpdateFailedError as err:
            raise RequestRejected(problems_from(err.cause)) from err
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
            raise Unavailable(
                f"referral {referral_id} did not answer in time; retry with the same "
                "Idempotency-Key to record the phone handoff once"
            ) from err
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                if "completed" in err.message:
                    raise Conflict(
                        f"referral {referral_id} is already finished: nothing to hand over"
                    ) from err
                raise NotFound(f"no referral {referral_id} on case {request.case_id}") from err
            if temporal_unavailable(err):
                raise Unavailable(f"referral {referral_id} did not answer; retry later") from err
            raise
        return outcome
