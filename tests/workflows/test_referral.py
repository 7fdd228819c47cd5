"""The referral workflow at its own level: a bare worker with fake activities, on a
time-skipping dev server, with the production policy (2 h to a phone handoff for the
police, 2 days for the others, 30 min between polls) and the built-in adapters'
retry profiles (the police every 5 minutes at most, the others every 2 hours), so a
partner down for days takes seconds and each attempt is counted to the second."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.catalog import FRANCE_VICTIMES, PHAROS, POLICE, RetryProfile
from domain.intake import AgeBand, Category, Urgency
from domain.local_time import local_label
from domain.referral import (
    HandoffPackage,
    HandoffStatus,
    LegalBasis,
    ManualHandoffRequest,
    ReferralOutcome,
    ReferralStatus,
)
from domain.tasks import TaskKind, task_id
from tests.support.waiting import eventually
from tests.workflows.fakes import CATALOG, FakeActivities
from tests.workflows.support import PRODUCTION, move_to, open_case, seen, task_ids, until
from workflows.referral.state import ReferralInput

ZONE = PRODUCTION.opening_hours.timezone


async def refer(
    env: WorkflowEnvironment, task_queue: str, partner: str, *, emergency: bool = False
) -> WorkflowHandle[Any, ReferralOutcome]:
    """A referral on its own, as a case starts it (without the case): ``<case>-r1``,
    its case named after the partner."""
    case_id = f"{partner}-{uuid.uuid4().hex[:8]}"
    referral_id = f"{case_id}-r1"
    return await env.client.start_workflow(
        contract.REFERRAL.name,
        ReferralInput(
            case_id=case_id,
            referral_id=referral_id,
            partner=CATALOG.partners[partner],
            package=HandoffPackage(
                case_id=case_id,
                referral_id=referral_id,
                categories=[Category.CYBERHARASSMENT],
                age_band=AgeBand.AGE_15_17,
                urgency=Urgency.CRITICAL if emergency else Urgency.NORMAL,
                legal_basis=LegalBasis.LIFE_AT_RISK if emergency else LegalBasis.CONSENT,
            ),
            emergency=emergency,
            policy=PRODUCTION,
        ),
        id=contract.REFERRAL.workflow_id(referral_id),
        task_queue=task_queue,
        result_type=ReferralOutcome,
    )


async def referral(handle: WorkflowHandle[Any, Any]) -> ReferralOutcome:
    outcome: ReferralOutcome = await handle.query(
        contract.REFERRAL_VIEW.name, result_type=ReferralOutcome
    )
    return outcome


async def referral_until(handle: WorkflowHandle[Any, Any], what: str, test: Any) -> ReferralOutcome:
    return await eventually(lambda: referral(handle), test, what=what)


async def started_at(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> datetime | None:
    """The workflow's own clock, once it exists (None before)."""
    try:
        return await env.get_current_time(handle)
    except RPCError:
        return None


def attempts_by(profile: RetryProfile, elapsed: timedelta) -> tuple[int, timedelta]:
    """How many attempts the profile makes in ``elapsed`` from the first, and when the
    next one is (from the first)."""
    started, at = 1, timedelta(0)
    while at + profile.wait_after(started) <= elapsed:
        at += profile.wait_after(started)
        started += 1
    return started, at + profile.wait_after(started)


def about(at: datetime, expected: datetime) -> bool:
    """The same moment but for the real time each step takes, which the virtual clock
    counts too (a fraction of a second per attempt)."""
    return abs(at - expected) < timedelta(minutes=1)


def unreachable(attempts: int, since: datetime, next_at: datetime) -> str:
    return (
        f"the partner is unreachable: {attempts} failed attempts since "
        f"{local_label(since, ZONE)}; next attempt {local_label(next_at, ZONE)}"
    )


async def test_a_referral_the_partner_accepts(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    handle = await refer(time_skipping_env, task_queue, FRANCE_VICTIMES)
    acknowledged = await referral_until(
        handle, "acknowledged", lambda r: r.status is ReferralStatus.ACKNOWLEDGED
    )
    referral_id = acknowledged.referral_id
    assert acknowledged.partner_reference == f"ref-{referral_id}"
    assert (acknowledged.detail, acknowledged.delivery) == (None, None)

    await handle.signal(
        contract.PARTNER_STATUS.name,
        HandoffStatus(status=ReferralStatus.ACCEPTED, partner_reference="FV-12"),
    )
    accepted = await handle.result()
    assert (accepted.status, accepted.partner_reference) == (ReferralStatus.ACCEPTED, "FV-12")
    assert accepted.resolved_at is not None and accepted.manual is False
    assert [h.idempotency_key for h in fakes.handoffs] == [referral_id]
    ledger = fakes.referrals[referral_id]
    assert (ledger.status, ledger.outcome_at) == (ReferralStatus.ACCEPTED, accepted.resolved_at)
    assert task_ids(fakes, TaskKind.MANUAL_HANDOFF) == []


async def test_a_referral_the_partner_declines(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    handle = await refer(time_skipping_env, task_queue, FRANCE_VICTIMES)
    await referral_until(handle, "acknowledged", lambda r: r.status is ReferralStatus.ACKNOWLEDGED)
    # News out of order: the decline counts, an older "acknowledged" after it does not.
    await handle.signal(
        contract.PARTNER_STATUS.name,
        HandoffStatus(status=ReferralStatus.DECLINED, detail="outside our remit"),
    )
    await handle.signal(
        contract.PARTNER_STATUS.name, HandoffStatus(status=ReferralStatus.ACKNOWLEDGED)
    )
    declined = await handle.result()
    assert (declined.status, declined.detail) == (ReferralStatus.DECLINED, "outside our remit")
    assert fakes.referrals[declined.referral_id].status is ReferralStatus.DECLINED


async def test_the_police_down_past_the_deadline_get_a_phone_handoff_then_answer_later(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    env = time_skipping_env
    fakes.partner_down = True
    handle = await refer(env, task_queue, POLICE, emergency=True)
    first = await referral_until(handle, "first failed attempt", lambda r: r.delivery)
    assert first.status is ReferralStatus.PENDING and first.sent_at is not None
    started = first.sent_at

    # 20 minutes on: every attempt of the police's profile made and counted.
    elapsed = timedelta(minutes=20)
    await move_to(env, handle, started + elapsed)
    attempts, next_at = attempts_by(CATALOG.partners[POLICE].retry, elapsed)
    assert attempts == 11  # 0, 2 s, 6 s, 14 s, 30 s, ... 8 min 30 s, then every 5 minutes
    pending = await referral_until(
        handle, f"{attempts} attempts", lambda r: r.delivery and r.delivery.attempts == attempts
    )
    assert fakes.handoff_attempts == attempts
    delivery = pending.delivery
    assert delivery is not None
    assert delivery.unreachable_since is not None and delivery.next_attempt_at is not None
    assert about(delivery.unreachable_since, started)
    assert about(delivery.next_attempt_at, started + next_at)
    assert pending.detail == delivery.detail
    assert delivery.detail == unreachable(
        attempts, delivery.unreachable_since, delivery.next_attempt_at
    )
    assert task_ids(fakes, TaskKind.MANUAL_HANDOFF) == []

    # Their gateway now asks to come back in an hour; the 2-hour deadline passes
    # meanwhile: a counsellor is asked to phone while the attempts go on.
    fakes.partner_retry_after = timedelta(hours=1)
    await move_to(env, handle, started + PRODUCTION.emergency_handoff_deadline)
    [task] = await seen(
        lambda: fakes.open_tasks(TaskKind.MANUAL_HANDOFF), bool, "the phone handoff task"
    )
    assert task.task_id == task_id(first.referral_id, TaskKind.MANUAL_HANDOFF)
    assert "by phone" in task.summary
    late = await referral(handle)
    assert late.delivery is not None and late.delivery.attempts == attempts + 2

    # The counsellor phones and records it: no attempt after that, the task closes.
    phoned = await handle.execute_update(
        contract.RECORD_MANUAL_HANDOFF.name,
        ManualHandoffRequest(case_id=task.case_id, partner_reference="BN-42", actor="counsellor-1"),
        result_type=ReferralOutcome,
    )
    assert (phoned.status, phoned.manual, phoned.delivery) == (
        ReferralStatus.ACKNOWLEDGED,
        True,
        None,
    )
    await seen(lambda: fakes.open_tasks(TaskKind.MANUAL_HANDOFF), lambda t: t == [], "closed")
    tried = fakes.handoff_attempts
    fakes.partner_down = False
    await move_to(env, handle, started + timedelta(days=1))
    assert fakes.handoff_attempts == tried and fakes.handoffs == []

    # The outcome, a day later, by the police's webhook.
    await handle.signal(
        contract.PARTNER_STATUS.name,
        HandoffStatus(status=ReferralStatus.ACCEPTED, partner_reference="BN-42"),
    )
    accepted = await handle.result()
    assert (accepted.status, accepted.manual) == (ReferralStatus.ACCEPTED, True)


async def test_a_partner_back_after_its_deadline_gets_the_handoff_once_and_is_polled(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """Pharos is in maintenance for two and a half days, asking each time to come back
    20 hours later: past its 2-day deadline a counsellor is asked to phone; then the
    automatic handoff reaches it, the phone task closes, and its outcome comes by
    polling, half an hour later."""
    env = time_skipping_env
    fakes.partner_down, fakes.partner_retry_after = True, timedelta(hours=20)
    handle = await refer(env, task_queue, PHAROS)
    first = await referral_until(handle, "first failed attempt", lambda r: r.delivery)
    assert first.sent_at is not None
    started = first.sent_at
    await move_to(env, handle, started + PRODUCTION.handoff_deadline)
    await seen(lambda: fakes.open_tasks(TaskKind.MANUAL_HANDOFF), bool, "the phone task")
    down = await referral(handle)
    assert down.delivery is not None and down.delivery.next_attempt_at is not None
    assert (down.delivery.attempts, fakes.handoff_attempts) == (3, 3)  # 0, 20 h, 40 h
    assert about(down.delivery.next_attempt_at, started + timedelta(hours=60))

    fakes.partner_down = False
    await move_to(env, handle, down.delivery.next_attempt_at)
    acknowledged = await referral_until(
        handle, "handed over", lambda r: r.status is ReferralStatus.ACKNOWLEDGED
    )
    assert (acknowledged.delivery, acknowledged.detail, acknowledged.manual) == (None, None, False)
    assert len(fakes.handoffs) == 1
    # Closed by an activity the workflow runs after its state changed: a moment later.
    await seen(lambda: fakes.open_tasks(TaskKind.MANUAL_HANDOFF), lambda t: t == [], "closed")

    fakes.partner_status = HandoffStatus(status=ReferralStatus.ACCEPTED, partner_reference="PH-7")
    now = await env.get_current_time(handle)
    await move_to(env, handle, now + PRODUCTION.referral_poll_interval)
    accepted = await handle.result()
    assert (accepted.status, accepted.partner_reference) == (ReferralStatus.ACCEPTED, "PH-7")


async def test_a_partner_that_asks_to_wait_is_tried_again_when_it_said(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    fakes.partner_down, fakes.partner_retry_after = True, timedelta(minutes=45)
    handle = await refer(time_skipping_env, task_queue, FRANCE_VICTIMES)
    first = await referral_until(handle, "first failed attempt", lambda r: r.delivery)
    delivery = first.delivery
    assert delivery is not None and delivery.unreachable_since is not None
    assert delivery.next_attempt_at == delivery.unreachable_since + timedelta(minutes=45)
    assert first.detail == (
        "the partner is unreachable: 1 failed attempt since "
        f"{local_label(delivery.unreachable_since, ZONE)}"
        f"; next attempt {local_label(delivery.next_attempt_at, ZONE)}"
    )


async def test_a_partner_down_past_its_retry_profile_fails_to_a_phone_handoff(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """France Victimes keeps asking to come back 30 hours later: its profile gives up
    after 5 days, so once the next attempt would come after that, the automatic handoff
    fails for good and the counsellor's task stays open."""
    env = time_skipping_env
    fakes.partner_down, fakes.partner_retry_after = True, timedelta(hours=30)
    handle = await refer(env, task_queue, FRANCE_VICTIMES)
    first = await referral_until(handle, "first failed attempt", lambda r: r.delivery)
    assert first.sent_at is not None
    profile = CATALOG.partners[FRANCE_VICTIMES].retry
    await move_to(env, handle, first.sent_at + profile.give_up_after)
    failed = await referral_until(handle, "failed", lambda r: r.status is ReferralStatus.FAILED)
    assert fakes.handoff_attempts == 4  # 0, 30 h, 60 h, 90 h; 120 h is the 5 days
    assert first.delivery is not None and first.delivery.unreachable_since is not None
    assert failed.detail == (
        "the partner is unreachable: 4 failed attempts since "
        f"{local_label(first.delivery.unreachable_since, ZONE)}"
    )
    assert failed.delivery is None
    # Asked to phone at its 2-day deadline already: the same task, not a second one.
    assert task_ids(fakes, TaskKind.MANUAL_HANDOFF) == [
        task_id(failed.referral_id, TaskKind.MANUAL_HANDOFF)
    ]


async def test_the_case_says_in_words_that_its_partner_is_unreachable(
    time_skipping_env: WorkflowEnvironment, task_queue: str, fakes: FakeActivities
) -> None:
    """The case's referral says where the handoff stands after every failed attempt;
    its timeline says so on the 1st, 2nd, 4th, 8th... attempt, not on each."""
    env = time_skipping_env
    fakes.partner_down = True
    case = await open_case(env, task_queue, risk_flags=["suicidal_risk"])
    opened = await until(case, "police referral pending", lambda v: v.referrals)
    referral_id = opened.referrals[0].referral_id
    handle = env.client.get_workflow_handle(contract.REFERRAL.workflow_id(referral_id))
    # the case lists the referral as it starts its workflow: wait for the workflow
    started = await eventually(
        lambda: started_at(env, handle), lambda t: t is not None, what="the referral started"
    )
    assert started is not None
    await move_to(env, handle, started + timedelta(minutes=20))
    attempts, _ = attempts_by(CATALOG.partners[POLICE].retry, timedelta(minutes=20))
    assert attempts == 11  # 0, 2 s, 6 s, 14 s, 30 s, ... then every 5 minutes
    stuck = await until(
        case,
        f"{attempts} attempts",
        lambda v: v.referrals[0].delivery and v.referrals[0].delivery.attempts == attempts,
    )
    [pending] = stuck.referrals
    live = await referral(handle)
    assert (pending.status, pending.detail, pending.delivery) == (
        ReferralStatus.PENDING,
        live.detail,
        live.delivery,
    )
    assert pending.detail is not None and pending.detail.startswith(
        f"the partner is unreachable: {attempts} failed attempts since "
    )
    lines = [e.detail for e in stuck.timeline if e.kind == "referral"]
    counted = [line.split(": ")[2].split(" failed")[0] for line in lines if "unreachable" in line]
    assert counted == ["1", "2", "4", "8"]
