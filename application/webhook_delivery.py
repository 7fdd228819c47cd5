"""Hand a platform's decision or a partner's status to the workflow waiting for it.

The webhook only signals: the TakedownWorkflow / ReferralWorkflow decides what the
news means (and ignores a duplicate).
"""

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from application.errors import Conflict, NotFound, Unavailable, temporal_unavailable
from domain import contract
from domain.notice import NoticeDecision
from domain.referral import HandoffStatus


async def deliver_decision(client: Client, notice_id: str, decision: NoticeDecision) -> None:
    await _signal(
        client, contract.TAKEDOWN.workflow_id(notice_id), contract.DECISION.name, decision, "notice"
    )


async def deliver_partner_status(client: Client, referral_id: str, status: HandoffStatus) -> None:
    await _signal(
        client,
        contract.REFERRAL.workflow_id(referral_id),
        contract.PARTNER_STATUS.name,
        status,
        "referral",
    )


async def _signal(client: Client, workflow_id: str, name: str, arg: object, what: str) -> None:
    try:
        await client.get_workflow_handle(workflow_id).signal(name, arg)
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            if "completed" in err.message:
                raise Conflict(f"{what} {workflow_id} is already finished") from err
            raise NotFound(f"no {what} {workflow_id}") from err
        if temporal_unavailable(err):
            raise Unavailable(f"could not reach the {what} workflow; retry later") from err
        raise
