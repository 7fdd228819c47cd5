"""Hand a platform's decision or a partner's status to the workflow waiting for it.

The webhook only signals: the TakedownWorkflow / ReferralWorkflow decides what the
news means (and ignores a duplicate). A partner's status about a referral that has
ended (cancelled when its case closed, given up, settled) is not refused: what a
partner says about a child is never lost. It goes to the case, closed or not (its
timeline, and a supervisor's task when the partner took over a closed case); once the
case itself has ended, to a supervisor's task in the app database. Either way the
partner gets its 2xx and stops retrying.
"""

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from application.errors import Conflict, NotFound, Unavailable, temporal_unavailable
from domain import contract
from domain.notice import NoticeDecision
from domain.records import TaskRecord
from domain.referral import HandoffStatus, LateAnswer
from domain.rules.referral_rules import answer_after_closing_task
from domain.tasks import TaskKind, task_id
from relais.clock import utc_now
from relais.db import Database, ReferralLedger, TaskBoard


async def deliver_decision(client: Client, notice_id: str, decision: NoticeDecision) -> None:
    await _signal(
        client, contract.TAKEDOWN.workflow_id(notice_id), contract.DECISION.name, decision, "notice"
    )


async def deliver_partner_status(
    client: Client, db: Database, partner: str, referral_id: str, status: HandoffStatus
) -> None:
    try:
        await _signal(
            client,
            contract.REFERRAL.workflow_id(referral_id),
            contract.PARTNER_STATUS.name,
            status,
            "referral",
        )
    except (Conflict, NotFound):  # ended (or ended long ago: its history is gone)
        answer = LateAnswer(referral_id=referral_id, partner=partner, news=status)
        await _answer_after_end(client, db, answer)


async def _answer_after_end(client: Client, db: Database, answer: LateAnswer) -> None:
    """The referral has ended: its case records the answer, or, once the case itself
    has ended, a supervisor is given it as a task (the same answer again: the same task)."""
    referral = await ReferralLedger(db).get(answer.referral_id)
    if referral is None or referral.partner != answer.partner:
        raise NotFound(f"no referral {answer.referral_id} to partner '{answer.partner}'")
    try:
        await _signal(
            client,
            contract.SUPPORT_CASE.workflow_id(referral.case_id),
            contract.ANSWER_AFTER_END.name,
            answer,
            "case",
        )
        return
    except (Conflict, NotFound):  # the case has ended too
        pass
    occasion, summary = answer_after_closing_task(answer, referral.case_id)
    now = utc_now()
    await TaskBoard(db).create(
        TaskRecord(
            task_id=task_id(referral.case_id, TaskKind.SUPERVISOR_ESCALATION, occasion),
            case_id=referral.case_id,
            kind=TaskKind.SUPERVISOR_ESCALATION,
            for_role="supervisor",
            summary=summary,
            due_at=now,
            created_at=now,
        )
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
