"""Decisions on notices and outcomes of handoffs: timed, or forced by a human.

The decision a submission will get is fixed when it is received (the target's
config at that moment); ``POST /_control/decide`` can override it at any time.
"""

import asyncio
from datetime import datetime, timedelta

from simulator.basics import now_utc
from simulator.config import Delivery, PartnerOutcome, PlatformDecision
from simulator.state import SimulatorState, Submission, SubmissionKind
from simulator.webhooks import send_decision

NOTICE_STATUSES = frozenset(d.value for d in PlatformDecision if d is not PlatformDecision.NONE)
HANDOFF_STATUSES = frozenset(o.value for o in PartnerOutcome if o is not PartnerOutcome.NONE)

_DEFAULT_REASONS = {
    PlatformDecision.REMOVED.value: "content removed under the platform's policy",
    PlatformDecision.RESTRICTED.value: "content restricted in the notifier's country",
    PlatformDecision.REFUSED.value: "no violation of the platform's terms found",
}


def schedule(state: SimulatorState, submission: Submission) -> None:
    """Plan the configured decision/outcome after ``decision_delay_seconds``."""
    cfg = state.target(submission.target).config
    if submission.kind is SubmissionKind.NOTICE:
        if cfg.decision is PlatformDecision.NONE:
            return
        status, detail = cfg.decision.value, cfg.decision_reason
    else:
        if cfg.outcome is PartnerOutcome.NONE:
            return
        status, detail = cfg.outcome.value, cfg.outcome_detail
    if state.journal is not None:
        at = now_utc() + timedelta(seconds=cfg.decision_delay_seconds)
        state.journal.planned(submission, status, detail, at)
    timer = _later(state, submission, cfg.decision_delay_seconds, status, detail)
    state.timers[submission.reference] = state.spawn(timer)


def resume(
    state: SimulatorState, submission: Submission, status: str, detail: str | None, at: datetime
) -> None:
    """A decision planned before a restart: taken at the time planned (now if past)."""
    delay = max((at - now_utc()).total_seconds(), 0.0)
    state.timers[submission.reference] = state.spawn(
        _later(state, submission, delay, status, detail)
    )


def cancel_planned(state: SimulatorState, submission: Submission) -> None:
    """Drop the timed decision: a forced one replaces it."""
    timer = state.timers.pop(submission.reference, None)
    if timer is not None:
        timer.cancel()


async def _later(
    state: SimulatorState, submission: Submission, delay: float, status: str, detail: str | None
) -> None:
    await asyncio.sleep(delay)
    state.timers.pop(submission.reference, None)
    decide(state, submission, status, detail)


def decide(state: SimulatorState, submission: Submission, status: str, detail: str | None) -> None:
    """Set the decision now; tell Relais by webhook when the target delivers that way."""
    if detail is None and submission.kind is SubmissionKind.NOTICE:
        detail = _DEFAULT_REASONS.get(status)
    submission.status = status
    submission.detail = detail
    submission.decided_at = now_utc()
    if state.journal is not None:
        state.journal.decided(submission)
    if state.target(submission.target).config.delivery is Delivery.WEBHOOK:
        send_decision(state, submission)
