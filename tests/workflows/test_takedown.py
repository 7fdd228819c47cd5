"""The takedown workflow at its own level: a bare worker with fake activities, on a
time-skipping dev server, with the production policy (a re-notice every 24 h, up
to 7; the platform's SLA, 24 h by default; three checks of a removal an hour apart)
and the built-in platforms' retry profile, so days pass in seconds."""

import operator
import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.case import NoticeReviewRequest, NoticeReviewResult
from domain.items import AddItemsRequest, AddItemsResult, EvidenceHash
from domain.notice import Decision, NoticeDecision, NoticeOutcome, NoticeStatus, ReviewChoice
from domain.tasks import TaskKind, task_id
from tests.support import builders
from tests.support.waiting import eventually
from tests.workflows.fakes import CATALOG, FakeActivities
from tests.workflows.support import PRODUCTION, move_to, open_case, seen, task_ids, until
from workflows.takedown.state import NoticeInput


async def notify(env: WorkflowEnvironment, task_queue: str) -> WorkflowHandle[Any, NoticeOutcome]:
    """A notice on its own, as a case starts it (without the case)."""
    case_id = uuid.uuid4().hex[:8]
    notice_id = f"{case_id}-n1"
    return await env.client.start_workflow(
        contract.TAKEDOWN.name,
        NoticeInput(
            case_id=case_id,
            notice_id=notice_id,
            item=builders.item(),
            platform=CATALOG.platforms["tiktok"],
            policy=PRODUCTION,
        ),
        id=contract.TAKEDOWN.workflow_id(notice_id),
        task_queue=task_queue,
        result_type=NoticeOutcome,
    )


async def notice(handle: WorkflowHandle[Any, Any]) -> NoticeOutcome:
    outcome: NoticeOutcome = await handle.query(
        contract.NOTICE_VIEW.name, result_type=NoticeOutcome
    )
    return outcome


async def notice_until(handle: WorkflowHandle[Any, Any], what: str, test: Any) -> NoticeOutcome:
    return await eventually(lambda: notice(handle), test, what=what)


async def acknowledged(handle: WorkflowHandle[Any, Any]) -> NoticeOutcome:
    return await notice_until(
        handle, "acknowledged", lambda n: n.status is NoticeStatus.ACKNOWLEDGED
    )


async def test_a_removal_the_platform_decides_is_verified(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    handle = await notify(time_skipping_env, task_queue)
    sent = await acknowledged(handle)
    assert sent.platform_reference == f"ref-{sent.notice_id}"
    await handle.signal(contract.DECISION.name, NoticeDecision(decision=Decision.REMOVED))
    done = await handle.result()
    assert (done.status, done.decision) == (NoticeStatus.VERIFIED_REMOVED, Decision.REMOVED)
    record = fakes.notices[done.notice_id]
    assert record.verified_at == record.checked_at == done.resolved_at is not None
    assert [s.idempotency_key for s in fakes.submitted] == [done.notice_id]
    assert fakes.tasks == {}


async def test_a_refusal_goes_to_review_and_the_appeal_is_a_new_notice(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """DSA Art. 20: the counsellor appeals a refusal; the case closes the review task
    under the id the notice opened it with, and the appeal cites the refused notice."""
    env = time_skipping_env
    case = await open_case(env, task_queue)
    added = await case.execute_update(
        contract.ADD_ITEMS.name,
        AddItemsRequest(items=[builders.item()], actor="counsellor-1"),
        result_type=AddItemsResult,
    )
    [notice_id] = added.notice_ids
    first = env.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(notice_id))
    await acknowledged(first)
    await first.signal(
        contract.DECISION.name, NoticeDecision(decision=Decision.REFUSED, reason="not illegal")
    )
    refused = await until(case, "refused", lambda v: v.notices[0].status is NoticeStatus.REFUSED)
    assert refused.notices[0].reason == "not illegal"
    review = task_id(notice_id, TaskKind.NOTICE_REVIEW)
    # Tasks are opened and closed by activities the workflows run after their state
    # changed: a moment after the view shows it.
    await seen(lambda: task_ids(fakes, TaskKind.NOTICE_REVIEW), lambda t: t == [review], "opened")
    assert [t.task_id for t in fakes.open_tasks(TaskKind.NOTICE_REVIEW)] == [review]

    result = await case.execute_update(
        contract.REVIEW_NOTICE.name,
        NoticeReviewRequest(notice_id=notice_id, choice=ReviewChoice.APPEAL, actor="counsellor-1"),
        result_type=NoticeReviewResult,
    )
    await seen(lambda: fakes.open_tasks(TaskKind.NOTICE_REVIEW), lambda t: t == [], "closed")
    appeal_id = result.appeal_notice_id
    assert appeal_id is not None
    appeal = env.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(appeal_id))
    await acknowledged(appeal)
    assert [(s.notice_id, s.appeal_of) for s in fakes.submitted] == [
        (notice_id, None),
        (appeal_id, f"ref-{notice_id}"),
    ]
    await appeal.signal(contract.DECISION.name, NoticeDecision(decision=Decision.REMOVED))
    settled = await until(
        case, "appeal verified", lambda v: v.notices[1].status is NoticeStatus.VERIFIED_REMOVED
    )
    assert [(n.status, n.appeal_of, n.review) for n in settled.notices] == [
        (NoticeStatus.REFUSED, None, ReviewChoice.APPEAL),
        (NoticeStatus.VERIFIED_REMOVED, notice_id, None),
    ]


async def test_content_still_online_after_a_removal_goes_back_to_a_counsellor(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    fakes.content_online = True
    handle = await notify(env, task_queue)
    await acknowledged(handle)
    await handle.signal(contract.DECISION.name, NoticeDecision(decision=Decision.REMOVED))
    checked = await notice_until(handle, "decided", lambda n: n.decision is Decision.REMOVED)
    assert checked.status is NoticeStatus.DECIDED  # checked once, online: again in an hour
    decided_at = await env.get_current_time(handle)
    await move_to(env, handle, decided_at + 2 * PRODUCTION.verification_retry_interval)
    online = await handle.result()
    assert online.status is NoticeStatus.STILL_ONLINE
    [task] = fakes.open_tasks(TaskKind.NOTICE_REVIEW)
    assert task.task_id == task_id(online.notice_id, TaskKind.NOTICE_REVIEW)
    assert "still online" in task.summary
    assert fakes.notices[online.notice_id].verified_at is None


async def test_a_silent_platform_is_renoticed_daily_escalated_at_its_sla_up_to_seven_times(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    handle = await notify(env, task_queue)
    sent = await acknowledged(handle)
    assert sent.submitted_at is not None
    notice_id = sent.notice_id

    await move_to(env, handle, sent.submitted_at + PRODUCTION.renotice_interval)
    # the SLA and the first re-notice fall due at the same instant: wait for both
    breached = await notice_until(
        handle, "SLA breach and a re-notice", lambda n: n.sla_breached and n.renotices >= 1
    )
    assert breached.renotices == 1
    [escalation] = fakes.open_tasks(TaskKind.SUPERVISOR_ESCALATION)
    assert escalation.task_id == task_id(notice_id, TaskKind.SUPERVISOR_ESCALATION)
    assert escalation.for_role == "supervisor"

    # A re-notice every 24 h, each under its own idempotency key, up to seven. The clock
    # moves a day at a time, each re-notice seen before the next day: moved nine days in
    # one go, the workflow (slow under load) could set its next timer after the clock had
    # passed it.
    for day in range(2, PRODUCTION.max_renotices + 1):
        await move_to(env, handle, sent.submitted_at + day * PRODUCTION.renotice_interval)
        await seen(lambda: len(fakes.submitted), partial(operator.eq, day + 1), f"re-notice {day}")
    await move_to(env, handle, sent.submitted_at + 9 * PRODUCTION.renotice_interval)
    await seen(lambda: len(fakes.submitted), lambda n: n == 8, "seven re-notices")
    assert [s.idempotency_key for s in fakes.submitted] == [notice_id] + [
        f"{notice_id}-renotice-{k}" for k in range(1, PRODUCTION.max_renotices + 1)
    ]
    record = fakes.notices[notice_id]
    assert record.submitted_at is not None
    late = [
        at - record.submitted_at - k * PRODUCTION.renotice_interval
        for k, at in enumerate(record.renoticed_at, 1)
    ]
    assert len(late) == PRODUCTION.max_renotices
    assert all(abs(delay) < timedelta(minutes=1) for delay in late)
    assert len(fakes.open_tasks(TaskKind.SUPERVISOR_ESCALATION)) == 1
    assert (await notice(handle)).status is NoticeStatus.ACKNOWLEDGED


async def test_a_platform_down_for_two_days_gets_the_notice_once_when_back(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """Its maintenance page asks to come back in 12 hours; after two days it is back:
    the notice goes once, and its SLA runs from then, not from the first attempt."""
    env = time_skipping_env
    fakes.platform_down, fakes.platform_retry_after = True, timedelta(hours=12)
    handle = await notify(env, task_queue)
    await seen(lambda: fakes.submit_attempts, bool, "first attempt")
    started = await env.get_current_time(handle)
    await move_to(env, handle, started + timedelta(days=2) - timedelta(minutes=1))
    assert fakes.submit_attempts == 4  # 0, 12 h, 24 h, 36 h
    assert (await notice(handle)).status is NoticeStatus.PENDING

    fakes.platform_down = False
    await move_to(env, handle, started + timedelta(days=2))
    sent = await acknowledged(handle)
    assert fakes.submit_attempts == 5 and len(fakes.submitted) == 1
    assert sent.submitted_at is not None
    assert abs(sent.submitted_at - started - timedelta(days=2)) < timedelta(minutes=1)
    assert not sent.sla_breached and fakes.open_tasks(TaskKind.NOTICE_REJECTED) == []


async def test_a_retried_notice_sends_its_first_body_and_a_renotice_reads_the_evidence_again(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The evidence hashes are read once, before the first attempt, and carried: a
    file added to the case while the platform is down does not change the body sent
    under the notice's key when it is back. A re-notice (its own key) reads them again
    and carries the file added since."""
    env = time_skipping_env
    first = EvidenceHash(digest="a" * 64, media_type="image/png")
    fakes.case_evidence = [first]
    fakes.platform_down, fakes.platform_retry_after = True, timedelta(hours=12)
    handle = await notify(env, task_queue)
    await seen(lambda: fakes.submit_attempts, bool, "first attempt")
    fakes.case_evidence.append(EvidenceHash(digest="b" * 64, media_type="image/png"))
    started = await env.get_current_time(handle)
    fakes.platform_down = False
    await move_to(env, handle, started + timedelta(hours=13))
    sent = await acknowledged(handle)
    assert sent.submitted_at is not None
    await move_to(env, handle, sent.submitted_at + PRODUCTION.renotice_interval)
    await seen(lambda: len(fakes.submitted), lambda n: n == 2, "a re-notice")
    assert fakes.evidence_reads == 2
    notice, renotice = fakes.submitted
    assert [e.digest for e in notice.item.evidence][-1:] == [first.digest]
    assert "b" * 64 not in [e.digest for e in notice.item.evidence]
    assert renotice.renotice_of is not None
    assert [e.digest for e in renotice.item.evidence][-2:] == [first.digest, "b" * 64]
