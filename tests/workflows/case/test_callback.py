"""The callback state machine on its own: every transition, with the production
policy (48 h after the last outcome, 24 h between attempts, three attempts, 2 h to
claim, 24 h to answer) and the helpline's opening hours; no server."""

from datetime import UTC, datetime, time, timedelta

import pytest

from domain.callback_window import SafeWindow
from domain.case import CallbackResult
from domain.policy import CasePolicy
from domain.tasks import TaskKind
from workflows.case.callback import (
    Callback,
    CallbackPhase,
    CallbackPlanned,
    CallbackRules,
    CloseTasks,
    Note,
    OpenTask,
)

POLICY = CasePolicy()
RULES = CallbackRules(case_id="c1", policy=POLICY, window=SafeWindow())
# Tuesday 1 December 2026, 10:00 in Paris (UTC+1).
TUESDAY_10H = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def planned(at: datetime = TUESDAY_10H) -> Callback:
    callback = Callback()
    callback.owe(consented=True)
    callback.plan(at, RULES)
    return callback


def due() -> Callback:
    callback = planned()
    assert callback.due_at is not None
    callback.on_deadline(callback.due_at, RULES)
    return callback


def tasks(effects: list[object]) -> list[tuple[TaskKind, str]]:
    return [(e.kind, e.suffix) for e in effects if isinstance(e, OpenTask)]


def notes(effects: list[object]) -> list[str]:
    return [e.detail for e in effects if isinstance(e, Note)]


def test_nothing_is_owed_without_consent() -> None:
    callback = Callback()
    callback.owe(consented=False)
    assert callback.plan(TUESDAY_10H, RULES) == []
    assert (callback.phase, callback.due_at) == (CallbackPhase.NOT_OWED, None)


def test_an_owed_callback_is_planned_48_hours_after_the_last_outcome() -> None:
    callback = Callback()
    callback.owe(consented=True)
    effects = callback.plan(TUESDAY_10H, RULES)
    assert notes(effects) == ["callback planned for Thu 3 Dec 10:00 (Paris)"]
    assert effects[-1] == CallbackPlanned()  # the young person's news, if they asked
    assert callback.phase is CallbackPhase.PLANNED
    assert callback.due_at == TUESDAY_10H + timedelta(hours=48)
    assert callback.next_deadline(POLICY) == callback.due_at


def test_a_plan_that_lands_at_night_moves_to_the_next_opening() -> None:
    callback = planned(datetime(2026, 12, 1, 22, 30, tzinfo=UTC))  # 23:30 in Paris
    assert callback.due_at == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # Friday 09:00 Paris


def test_a_safe_window_outside_opening_hours_keeps_the_time_and_says_why() -> None:
    rules = CallbackRules("c1", POLICY, SafeWindow(earliest=time(5), latest=time(7)))
    callback = Callback()
    callback.owe(consented=True)
    effects = callback.plan(TUESDAY_10H, rules)
    assert callback.due_at == TUESDAY_10H + timedelta(hours=48)
    assert notes(effects)[0].startswith("no callback slot: the safe window 05:00:00-07:00:00")


def test_falling_due_opens_the_task_first_then_says_so() -> None:
    callback = planned()
    assert callback.due_at is not None
    assert callback.on_deadline(callback.due_at - timedelta(seconds=1), RULES) == []
    effects = callback.on_deadline(callback.due_at, RULES)
    assert isinstance(effects[0], OpenTask)
    assert tasks(effects) == [(TaskKind.CALLBACK_DUE, "callback-1")]
    assert notes(effects) == ["callback attempt 1 is due"]
    assert callback.phase is CallbackPhase.DUE
    assert callback.next_deadline(POLICY) == callback.due_at + timedelta(hours=2)


def test_a_due_callback_nobody_claims_is_escalated_then_overdue() -> None:
    callback = due()
    assert callback.due_at is not None
    unclaimed = callback.on_deadline(callback.due_at + timedelta(hours=2), RULES)
    assert tasks(unclaimed) == [(TaskKind.SUPERVISOR_ESCALATION, "callback-unclaimed-1")]
    assert callback.escalated() and not callback.overdue
    assert callback.next_deadline(POLICY) == callback.due_at + timedelta(hours=24)
    overdue = callback.on_deadline(callback.due_at + timedelta(hours=24), RULES)
    assert tasks(overdue) == [(TaskKind.SUPERVISOR_ESCALATION, "callback-overdue-1")]
    assert callback.overdue and callback.next_deadline(POLICY) is None


def test_a_claimed_callback_escalates_only_when_overdue() -> None:
    callback = due()
    assert callback.due_at is not None
    assert notes(callback.claim("counsellor-2")) == ["callback claimed"]
    assert callback.next_deadline(POLICY) == callback.due_at + timedelta(hours=24)
    assert callback.on_deadline(callback.due_at + timedelta(hours=3), RULES) == []


def test_not_reached_plans_the_next_attempt_a_day_later() -> None:
    callback = due()
    callback.claim("counsellor-2")
    now = TUESDAY_10H + timedelta(hours=49)
    effects = callback.record_attempt(CallbackResult.NOT_REACHED, now, "counsellor-2", RULES)
    assert effects[0] == CloseTasks(TaskKind.CALLBACK_DUE)
    assert notes(effects) == [
        "callback attempt 1: not_reached",
        "next attempt planned for Fri 4 Dec 11:00 (Paris)",
    ]
    assert callback.phase is CallbackPhase.PLANNED
    assert callback.due_at == now + timedelta(hours=24)
    assert (callback.claimed_by, callback.attempts) == (None, 1)


def test_the_third_unanswered_attempt_ends_it_and_alerts_a_supervisor() -> None:
    callback = due()
    now = TUESDAY_10H
    for _ in range(2):
        callback.record_attempt(CallbackResult.NOT_REACHED, now, "c", RULES)
    effects = callback.record_attempt(CallbackResult.NOT_REACHED, now, "c", RULES)
    assert callback.phase is CallbackPhase.DONE and callback.due_at is None
    assert tasks(effects) == [(TaskKind.SUPERVISOR_ESCALATION, "callbacks-exhausted-3")]
    assert notes(effects)[-1] == "callback attempts exhausted: supervisor alerted"
    assert not callback.outcome_expected


@pytest.mark.parametrize("result", [CallbackResult.REACHED, CallbackResult.DECLINED])
def test_reached_or_declined_is_done(result: CallbackResult) -> None:
    callback = planned()
    callback.record_attempt(result, TUESDAY_10H, "c", RULES)
    assert (callback.phase, callback.due_at, callback.last_result) == (
        CallbackPhase.DONE,
        None,
        result,
    )
    assert callback.plan(TUESDAY_10H, RULES) == []  # settling work plans nothing more


def test_rescheduling_a_due_callback_closes_its_task_and_clears_escalations() -> None:
    callback = due()
    assert callback.due_at is not None
    callback.on_deadline(callback.due_at + timedelta(hours=24), RULES)
    at = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)  # Tuesday 18:00 Paris
    effects = callback.reschedule(at, "counsellor-1", RULES)
    assert effects[0] == CloseTasks(TaskKind.CALLBACK_DUE)
    assert notes(effects) == [
        "callback rescheduled to 2026-12-08T17:00+00:00: Tue 8 Dec 18:00 (Paris)"
    ]
    assert (callback.phase, callback.due_at, callback.escalated()) == (
        CallbackPhase.PLANNED,
        at,
        False,
    )


def test_new_work_postpones_a_planned_callback_but_not_a_due_one() -> None:
    callback = planned()
    effects = callback.owe(consented=True)
    assert (callback.phase, callback.due_at) == (CallbackPhase.OWED, None)
    assert notes(effects) == ["callback postponed: planned again once the new work settles"]
    due_one = due()
    due_one.owe(consented=True)
    assert due_one.phase is CallbackPhase.DUE


def test_withdrawal_stops_it_for_good() -> None:
    callback = due()
    assert callback.withdraw() == [CloseTasks(TaskKind.CALLBACK_DUE)]
    callback.owe(consented=False)
    assert (callback.phase, callback.due_at, callback.next_deadline(POLICY)) == (
        CallbackPhase.WITHDRAWN,
        None,
        None,
    )


def test_closing_the_case_drops_the_plan_and_keeps_the_escalation_on_record() -> None:
    callback = due()
    assert callback.due_at is not None
    callback.on_deadline(callback.due_at + timedelta(hours=24), RULES)
    assert callback.case_closed() == [CloseTasks(TaskKind.CALLBACK_DUE)]
    assert (callback.phase, callback.due_at) == (CallbackPhase.NOT_OWED, None)
    assert callback.escalated()
    callback.owe(consented=True)  # reopened
    assert callback.phase is CallbackPhase.OWED


def test_a_claimed_callback_goes_with_the_case_to_its_new_owner() -> None:
    callback = due()
    callback.claim("counsellor-1")
    assert callback.hand_over("counsellor-1", "counsellor-2") == []
    assert callback.claimed_by == "counsellor-2"
    # Claimed by someone else than the case's owner: it stays theirs.
    assert callback.hand_over("counsellor-1", "counsellor-3") == []
    assert callback.claimed_by == "counsellor-2"
