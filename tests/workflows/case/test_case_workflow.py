"""The case workflow at its own level: a bare worker with fake activities, on a
time-skipping dev server, with the production durations (48 h to the callback,
24 h between attempts and re-notices, the platform's SLA, 2 h to a phone handoff),
so days pass in seconds and every deadline is checked to the minute."""

from datetime import UTC, datetime, timedelta

from temporalio.client import WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.audit import AuditEntry
from domain.callback_window import OpeningHours, SafeWindow, next_callback_slot
from domain.case import (
    CallbackOutcomeRequest,
    CallbackResult,
    CaseStatus,
    CaseView,
    ClaimCallbackRequest,
    CloseRequest,
    RescheduleCallbackRequest,
)
from domain.casework import RecordRiskRequest
from domain.intake import RiskFlag, Urgency
from domain.items import AddItemsRequest, AddItemsResult
from domain.notice import Decision, NoticeDecision, NoticeStatus
from domain.tasks import TaskKind
from tests.support import builders
from tests.workflows.fakes import FakeActivities
from tests.workflows.support import PRODUCTION, move_to, open_case, seen, task_ids, until, view

ANY_HOUR = SafeWindow(earliest=datetime.min.time(), latest=datetime.max.time())


async def test_the_callback_falls_due_48_hours_on_and_escalates_unclaimed_then_overdue(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    case = await open_case(env, task_queue)
    opened = await until(case, "callback planned", lambda v: v.callback.due_at is not None)
    expected = next_callback_slot(opened.opened_at + timedelta(hours=48), OpeningHours(), ANY_HOUR)
    assert opened.callback.due_at == expected
    assert opened.status is CaseStatus.CALLBACK_SCHEDULED
    case_id = opened.case_id

    await move_to(env, case, expected)
    await until(case, "callback due", lambda v: v.status is CaseStatus.CALLBACK_DUE)
    # The task is opened by an activity after the status turns: waited for, not raced.
    due = [f"{case_id}:callback_due:callback-1"]
    await seen(lambda: task_ids(fakes, TaskKind.CALLBACK_DUE), lambda ids: ids == due, "due task")

    await move_to(env, case, expected + PRODUCTION.callback_claim_within)
    await until(case, "unclaimed escalation", lambda v: v.callback.overdue)
    unclaimed = [f"{case_id}:supervisor_escalation:callback-unclaimed-1"]
    await seen(
        lambda: task_ids(fakes, TaskKind.SUPERVISOR_ESCALATION),
        lambda ids: ids == unclaimed,
        "unclaimed escalation task",
    )

    await move_to(env, case, expected + PRODUCTION.callback_overdue_after)
    await seen(
        lambda: task_ids(fakes, TaskKind.SUPERVISOR_ESCALATION),
        lambda ids: len(ids) == 2,
        "overdue escalation",
    )
    assert f"{case_id}:supervisor_escalation:callback-overdue-1" in task_ids(
        fakes, TaskKind.SUPERVISOR_ESCALATION
    )


async def test_three_unanswered_attempts_a_day_apart_alert_a_supervisor(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    case = await open_case(env, task_queue)
    planned = await until(case, "callback planned", lambda v: v.callback.due_at is not None)
    for attempt in range(1, 4):
        assert planned.callback.due_at is not None
        await move_to(env, case, planned.callback.due_at)
        await until(case, f"attempt {attempt} due", lambda v: v.status is CaseStatus.CALLBACK_DUE)
        await case.execute_update(
            contract.CLAIM_CALLBACK.name, ClaimCallbackRequest(actor="counsellor-1")
        )
        now = await env.get_current_time(case)
        planned = await case.execute_update(
            contract.RECORD_CALLBACK_OUTCOME.name,
            CallbackOutcomeRequest(result=CallbackResult.NOT_REACHED, actor="counsellor-1"),
            result_type=CaseView,
        )
        assert planned.callback.attempts == attempt
        if attempt < 3:
            spacing = next_callback_slot(now + timedelta(hours=24), OpeningHours(), ANY_HOUR)
            assert planned.callback.due_at is not None
            assert abs(planned.callback.due_at - spacing) < timedelta(seconds=5)
    assert planned.callback.due_at is None
    assert planned.status is CaseStatus.AWAITING_CLOSURE
    exhausted = [f"{planned.case_id}:supervisor_escalation:callbacks-exhausted-3"]
    await seen(
        lambda: task_ids(fakes, TaskKind.SUPERVISOR_ESCALATION),
        lambda ids: ids == exhausted,
        "exhausted escalation task",
    )


async def test_a_silent_platform_is_renoticed_daily_and_escalated_at_its_sla(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    case = await open_case(env, task_queue)
    added = await case.execute_update(
        contract.ADD_ITEMS.name,
        AddItemsRequest(items=[builders.item()], actor="counsellor-1"),
        result_type=AddItemsResult,
    )
    [notice_id] = added.notice_ids
    notice = env.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(notice_id))
    await until(case, "acknowledged", lambda v: v.notices[0].status is NoticeStatus.ACKNOWLEDGED)
    submitted_at = await env.get_current_time(notice)

    await move_to(env, notice, submitted_at + PRODUCTION.renotice_interval)
    viewed = await until(case, "SLA breach", lambda v: v.sla_breached)
    # The re-notice and the escalation are activities that run beside the breach.
    sent = await seen(
        lambda: [s.idempotency_key for s in fakes.submitted],
        lambda keys: len(keys) >= 2,
        "the first re-notice",
    )
    assert sent == [notice_id, f"{notice_id}-renotice-1"]
    escalated = await seen(
        lambda: task_ids(fakes, TaskKind.SUPERVISOR_ESCALATION),
        bool,
        "the supervisor's escalation task",
    )
    assert escalated == [f"{notice_id}:supervisor_escalation"]
    assert viewed.status is CaseStatus.AWAITING_PLATFORM

    await move_to(env, notice, submitted_at + 2 * PRODUCTION.renotice_interval)
    await seen(lambda: len(fakes.submitted), lambda n: n == 3, "second re-notice")
    await notice.signal(contract.DECISION.name, NoticeDecision(decision=Decision.REMOVED))
    done = await until(
        case, "removal verified", lambda v: v.notices[0].status is NoticeStatus.VERIFIED_REMOVED
    )
    assert done.notices[0].renotices == 2
    # The ledger has each step as the DSA reporting needs it.
    record = await seen(
        lambda: fakes.notices[notice_id],
        lambda r: r.verified_at is not None,
        "the verified notice in the ledger",
    )
    assert record.acknowledged_at == record.submitted_at is not None
    day = PRODUCTION.renotice_interval
    assert [
        close(t - record.submitted_at, n * day) for n, t in enumerate(record.renoticed_at, 1)
    ] == [
        True,
        True,
    ]
    assert record.sla_breached_at is not None
    assert close(record.sla_breached_at - record.submitted_at, PRODUCTION.default_decision_sla)
    assert record.checked_at == record.verified_at


async def test_an_emergency_handoff_stuck_for_two_hours_asks_for_a_phone_handoff(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    # Down, asking to come back in half an hour (every attempt of the police's 5-minute
    # profile is counted in tests/workflows/test_referral.py).
    fakes.partner_down, fakes.partner_retry_after = True, timedelta(minutes=30)
    case = await open_case(env, task_queue, risk_flags=["suicidal_risk"])
    opened = await until(
        case, "police referral started", lambda v: any("started" in e.detail for e in v.timeline)
    )
    [referral] = opened.referrals
    handle = env.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral.referral_id))
    started = await env.get_current_time(handle)

    await move_to(
        env, handle, started + PRODUCTION.emergency_handoff_deadline - timedelta(minutes=2)
    )
    assert task_ids(fakes, TaskKind.MANUAL_HANDOFF) == []
    await move_to(env, handle, started + PRODUCTION.emergency_handoff_deadline)
    await seen(
        lambda: task_ids(fakes, TaskKind.MANUAL_HANDOFF),
        lambda ids: ids == [f"{referral.referral_id}:manual_handoff"],
        "phone handoff task",
    )
    assert (await view(case)).referrals[0].status.value == "pending"


async def test_reached_while_the_last_notice_settles_plans_no_new_callback(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The race of the old core: recording "reached" awaited its bookkeeping before
    saying the callback was done, and a notice settling meanwhile planned a new
    callback for a young person already reached. The fake holds that bookkeeping
    (closing the callback tasks) until the notice has settled."""
    env = time_skipping_env
    case = await open_case(env, task_queue)
    added = await case.execute_update(
        contract.ADD_ITEMS.name,
        AddItemsRequest(items=[builders.item()], actor="counsellor-1"),
        result_type=AddItemsResult,
    )
    [notice_id] = added.notice_ids
    await until(case, "acknowledged", lambda v: v.notices[0].status is NoticeStatus.ACKNOWLEDGED)
    fakes.hold_closing = TaskKind.CALLBACK_DUE
    reached = CallbackOutcomeRequest(result=CallbackResult.REACHED, actor="counsellor-1")
    recording = await case.start_update(
        contract.RECORD_CALLBACK_OUTCOME.name,
        reached,
        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        result_type=CaseView,
    )
    await fakes.closing_held.wait()
    notice = env.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(notice_id))
    await notice.signal(contract.DECISION.name, NoticeDecision(decision=Decision.REMOVED))
    await notice.result()
    await until(case, "notice settled", lambda v: v.status is not CaseStatus.AWAITING_PLATFORM)
    fakes.let_close.set()
    answered = await recording.result()

    final = await view(case)
    assert answered.callback.last_result is CallbackResult.REACHED
    assert (final.status, final.callback.due_at) == (CaseStatus.AWAITING_CLOSURE, None)
    await move_to(env, case, final.opened_at + timedelta(days=4))
    later = await view(case)
    assert (later.status, later.callback.due_at) == (CaseStatus.AWAITING_CLOSURE, None)
    assert task_ids(fakes, TaskKind.CALLBACK_DUE) == []


async def test_the_directory_row_follows_a_request_before_it_answers(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The worklist reads the directory row: once a counsellor's request has answered,
    their next read sees what it changed (a case just closed is off their worklist,
    a risk raised shows), without waiting for the workflow's next turn."""
    env = time_skipping_env
    case = await open_case(env, task_queue)
    opened = await until(case, "callback planned", lambda v: v.callback.due_at is not None)
    case_id = opened.case_id

    await case.execute_update(
        contract.RECORD_RISK.name,
        RecordRiskRequest(risk_flags=[RiskFlag.SUICIDAL_RISK], actor="counsellor-1"),
        result_type=CaseView,
    )
    assert fakes.cases[case_id].urgency is Urgency.CRITICAL

    await case.execute_update(
        contract.CLOSE.name,
        CloseRequest(actor="counsellor-1", reason="young person safe", force=True),
        result_type=CaseView,
    )
    assert fakes.cases[case_id].status is CaseStatus.CLOSED


async def test_a_case_continues_as_new_with_its_whole_state(
    time_skipping_env: WorkflowEnvironment, task_queue: str
) -> None:
    env = time_skipping_env
    policy = PRODUCTION.model_copy(update={"history_event_budget": 100})
    case = await open_case(env, task_queue, policy=policy)
    await until(case, "callback planned", lambda v: v.callback.due_at is not None)
    start = await env.get_current_time(case)
    for day in range(1, 13):
        await case.execute_update(
            contract.RESCHEDULE_CALLBACK.name,
            RescheduleCallbackRequest(at=start + timedelta(days=day), actor="counsellor-1"),
        )
    after = await until(case, "next run", lambda v: v.runs >= 2)
    assert len([e for e in after.timeline if "rescheduled" in e.detail]) == 12
    assert after.timeline[0].kind == "opened"
    assert after.callback.due_at is not None and after.callback.due_at > start + timedelta(days=11)


async def test_a_case_writes_the_line_of_its_opening_once_in_all_its_runs(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The door hands the case the audit line of its opening; the case writes it once
    started (the trail holds it exactly when the case exists), and not again when it
    continues as new."""
    env = time_skipping_env
    line = AuditEntry(
        at=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
        actor="counsellor-1",
        role="counsellor",
        action="case.open",
        case_id="the-case",
        detail="urgency=high",
        idempotency_key="act:the-request",
    )
    policy = PRODUCTION.model_copy(update={"history_event_budget": 100})
    case = await open_case(env, task_queue, policy=policy, opening_line=line)
    await seen(lambda: fakes.audit, lambda a: "act:the-request" in a, what="the opening's line")
    assert fakes.audit == {"act:the-request": line}

    start = await env.get_current_time(case)
    for day in range(1, 13):
        await case.execute_update(
            contract.RESCHEDULE_CALLBACK.name,
            RescheduleCallbackRequest(at=start + timedelta(days=day), actor="counsellor-1"),
        )
    await until(case, "next run", lambda v: v.runs >= 2)
    assert fakes.audit_writes == 1


def close(took: timedelta, expected: timedelta) -> bool:
    """Equal to the second (the virtual clock moves by the test's steps)."""
    return abs(took - expected) < timedelta(seconds=5)
