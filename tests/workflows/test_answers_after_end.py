"""A partner's answer about a referral that had ended on our side (cancelled when the
case closed, or when the young person withdrew their consent) is recorded on the case
all the same, and a supervisor is told when the partner took over a case we had
closed. The case workflow on a bare worker, the answer signalled as the API's webhook
service does (``contract.ANSWER_AFTER_END``)."""

import asyncio
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.case import CaseStatus, CaseView, CloseRequest, ConsentScope, WithdrawConsentRequest
from domain.catalog import FRANCE_VICTIMES, POLICE
from domain.referral import HandoffStatus, LateAnswer, ReferralStatus
from domain.tasks import TaskKind, task_id
from tests.workflows.fakes import FakeActivities
from tests.workflows.support import open_case, seen, until, view


def answer(referral_id: str, partner: str, status: ReferralStatus, ref: str = "BN-7") -> LateAnswer:
    return LateAnswer(
        referral_id=referral_id,
        partner=partner,
        news=HandoffStatus(status=status, partner_reference=ref),
    )


def lines(case: CaseView, referral_id: str) -> list[str]:
    """The referral's lines in the case's timeline."""
    return [
        e.detail for e in case.timeline if e.kind == "referral" and e.detail.startswith(referral_id)
    ]


async def closed_with_the_police_under_way(
    env: WorkflowEnvironment, task_queue: str
) -> tuple[WorkflowHandle[Any, Any], str]:
    case = await open_case(env, task_queue, risk_flags=["suicidal_risk"])
    opened = await until(
        case,
        "the police acknowledged",
        lambda v: v.referrals and v.referrals[0].status is ReferralStatus.ACKNOWLEDGED,
    )
    closed = await case.execute_update(
        contract.CLOSE.name,
        CloseRequest(actor="counsellor-1", reason="young person safe", force=True),
        result_type=CaseView,
    )
    assert closed.referrals[0].status is ReferralStatus.CANCELLED
    return case, opened.referrals[0].referral_id


async def test_the_police_taking_over_a_closed_case_is_recorded_and_a_supervisor_told(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    case, referral_id = await closed_with_the_police_under_way(time_skipping_env, task_queue)
    await case.signal(
        contract.ANSWER_AFTER_END.name, answer(referral_id, POLICE, ReferralStatus.ACCEPTED)
    )
    [alert] = await seen(
        lambda: fakes.open_tasks(TaskKind.SUPERVISOR_ESCALATION), bool, "the supervisor's task"
    )
    recorded = await view(case)
    case_id = recorded.case_id
    assert recorded.status is CaseStatus.CLOSED
    words = "the partner answered 'accepted' (reference 'BN-7') after the referral had ended"
    assert lines(recorded, referral_id)[-1] == f"{referral_id} (police): {words} (cancelled)"
    [referral] = recorded.referrals
    # Cancelled on our side it stays; the reference it was acknowledged under stays too.
    assert (referral.status, referral.partner_reference) == (
        ReferralStatus.CANCELLED,
        f"ref-{referral_id}",
    )
    assert referral.detail == f"{words} (cancelled)"
    assert (recorded.timeline[-1].kind, recorded.timeline[-1].detail) == (
        "escalation",
        f"{referral_id}: the partner took over a referral of the closed case: supervisor alerted",
    )
    assert alert.task_id == task_id(
        case_id, TaskKind.SUPERVISOR_ESCALATION, f"{referral_id}-accepted-after-closing"
    )
    assert (alert.for_role, alert.case_id) == ("supervisor", case_id)
    assert alert.summary.startswith(f"police took over referral {referral_id} after case ")

    # The partner's retry: recorded once, told once.
    tasks = sorted(fakes.tasks)
    await case.signal(
        contract.ANSWER_AFTER_END.name, answer(referral_id, POLICE, ReferralStatus.ACCEPTED)
    )
    again = await view(case)
    assert again.timeline == recorded.timeline
    assert sorted(fakes.tasks) == tasks


async def test_a_later_word_of_the_same_partner_is_recorded_too(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """Declined after the closing: on the case's timeline, no one to alert (the
    partner did not take the young person on)."""
    case, referral_id = await closed_with_the_police_under_way(time_skipping_env, task_queue)
    await case.signal(
        contract.ANSWER_AFTER_END.name, answer(referral_id, POLICE, ReferralStatus.DECLINED)
    )
    recorded = await until(
        case, "the answer recorded", lambda v: "declined" in lines(v, referral_id)[-1]
    )
    assert recorded.referrals[0].status is ReferralStatus.CANCELLED
    assert fakes.open_tasks(TaskKind.SUPERVISOR_ESCALATION) == []


async def test_an_answer_on_an_open_case_is_recorded_without_alerting_anyone(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The young person withdrew their consent to France Victimes: the referral was
    cancelled; France Victimes answers anyway. The counsellor reads it on the case."""
    env = time_skipping_env
    case = await open_case(env, task_queue)
    await until(case, "callback planned", lambda v: v.callback.due_at is not None)
    requested = await case.execute_update(
        contract.REQUEST_REFERRAL.name,
        {"partner": FRANCE_VICTIMES, "actor": "counsellor-1"},
    )
    referral_id = requested["referral_id"]
    await case.execute_update(
        contract.WITHDRAW_CONSENT.name,
        WithdrawConsentRequest(
            scope=ConsentScope.PARTNER, partner=FRANCE_VICTIMES, actor="counsellor-1"
        ),
        result_type=CaseView,
    )
    await until(case, "cancelled", lambda v: v.referrals[0].status is ReferralStatus.CANCELLED)
    # Another partner speaking of it is not taken for France Victimes.
    await case.signal(
        contract.ANSWER_AFTER_END.name, answer(referral_id, POLICE, ReferralStatus.ACCEPTED)
    )
    await case.signal(
        contract.ANSWER_AFTER_END.name,
        answer(referral_id, FRANCE_VICTIMES, ReferralStatus.ACCEPTED, ref="FV-3"),
    )
    recorded = await until(
        case, "the answer recorded", lambda v: "FV-3" in lines(v, referral_id)[-1]
    )
    assert [line for line in lines(recorded, referral_id) if "answered" in line] == [
        f"{referral_id} (france-victimes): the partner answered 'accepted' (reference 'FV-3') "
        "after the referral had ended (cancelled)"
    ]
    assert recorded.status is not CaseStatus.CLOSED
    assert fakes.open_tasks(TaskKind.SUPERVISOR_ESCALATION) == []


async def test_an_answer_crossing_the_cancellation_is_passed_on_to_the_case(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The police accept while their referral is being cancelled (its last words to the
    ledger held by the fake): the referral no longer acts on it, but hands it to the
    case as an answer after the end, so it is recorded and a supervisor told."""
    env = time_skipping_env
    case = await open_case(env, task_queue, risk_flags=["suicidal_risk"])
    opened = await until(
        case,
        "the police acknowledged",
        lambda v: v.referrals and v.referrals[0].status is ReferralStatus.ACKNOWLEDGED,
    )
    referral_id = opened.referrals[0].referral_id
    fakes.hold_referral = ReferralStatus.CANCELLED
    closing = asyncio.create_task(
        case.execute_update(
            contract.CLOSE.name,
            CloseRequest(actor="counsellor-1", reason="young person safe", force=True),
            result_type=CaseView,
        )
    )
    await fakes.referral_held.wait()
    referral = env.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
    await referral.signal(
        contract.PARTNER_STATUS.name,
        HandoffStatus(status=ReferralStatus.ACCEPTED, partner_reference="BN-8"),
    )
    fakes.let_record.set()
    closed = await closing
    assert closed.referrals[0].status is ReferralStatus.CANCELLED
    await seen(
        lambda: fakes.open_tasks(TaskKind.SUPERVISOR_ESCALATION), bool, "the supervisor's task"
    )
    recorded = await view(case)
    assert lines(recorded, referral_id)[-1] == (
        f"{referral_id} (police): the partner answered 'accepted' (reference 'BN-8') after "
        "the referral had ended (cancelled)"
    )
