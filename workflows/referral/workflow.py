"""ReferralWorkflow: one handoff to one partner, followed until its outcome.

Hand over (idempotency key = referral id), one attempt at a time: the workflow
retries itself with the partner's profile (capped backoff, or the wait the partner
asked for) for as long as the profile allows, so the referral says in words that the
partner is unreachable, since when, after how many attempts and when the next one is
(the case hears of every failed attempt; its timeline of the 1st, 2nd, 4th, 8th...).
A failed attempt costs about 19 events of this history and 4 of the case's (measured):
the police down through their whole 2-day profile (every 5 minutes) is some 580
attempts, 11,000 events, within Temporal's limit of 51,200.
Past the handoff deadline (hours for 119 and the police, days for the others) a
counsellor is asked to hand over by phone while the automatic handoff keeps trying.
When the counsellor records the phone handoff (an update carrying the partner's
reference), the automatic handoff is cancelled, so a partner coming back later never
gets the referral twice. Then wait for the partner's
outcome, by webhook signal or by polling.
"""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ActivityCancellationType, ActivityHandle

with workflow.unsafe.imports_passed_through():
    import workflows.referral.checks as checks
    import workflows.referral.state as referral_state
    from domain import contract
    from domain.catalog import DeliveryMode
    from domain.referral import (
        FetchHandoffStatusRequest,
        HandoffReceipt,
        HandoffRequest,
        HandoffStatus,
        ManualHandoffRequest,
        ReferralOutcome,
        ReferralStatus,
    )
    from domain.rules.referral_rules import further, handoff_deadline, moves_on
    from workflows.calls import call, partner_attempt, partner_call, permanent, start
    from workflows.referral.reporting import ReferralReporting
    from workflows.referral.state import SETTLED, ReferralInput, ReferralState
    from workflows.rejection import rejection

# How often a running handoff attempt heartbeats, so a cancellation reaches it.
HANDOFF_HEARTBEAT_TIMEOUT = timedelta(seconds=10)

# How an automatic handoff ended: the partner's receipt; the attempt a phone handoff
# cancelled (None: it came between attempts); or why it failed, in words.
Handed = HandoffReceipt | ActivityHandle[HandoffReceipt] | None | str


@workflow.defn(name=contract.REFERRAL.name)
class ReferralWorkflow(ReferralReporting):
    @workflow.init
    def __init__(self, input: ReferralInput) -> None:
        self._input = input
        self.state = input.carried or ReferralState()

    @workflow.signal(name=contract.PARTNER_STATUS.name)
    def partner_status(self, status: HandoffStatus) -> None:
        """The partner's news about the referral, from our webhook."""
        self.state.news.append(status)

    @workflow.query(name=contract.REFERRAL_VIEW.name)
    def referral(self) -> ReferralOutcome:
        return referral_state.outcome(self.state, self._input)

    @workflow.update(name=contract.RECORD_MANUAL_HANDOFF.name)
    async def record_manual_handoff(self, request: ManualHandoffRequest) -> ReferralOutcome:
        """A counsellor handed the referral over by phone: stop the automatic handoff."""
        if self.state.phone_handoff is None:
            self.state.phone_handoff = request
        await workflow.wait_condition(self._phone_handoff_settled)
        return referral_state.outcome(self.state, self._input)

    def _phone_handoff_settled(self) -> bool:
        return self.state.phone_handoff_recorded or self.state.finished

    @record_manual_handoff.validator
    def _validate_manual_handoff(self, request: ManualHandoffRequest) -> None:
        if problems := checks.phone_handoff_problems(self.state, self._input, request):
            raise rejection(problems)

    @workflow.run
    async def run(self, input: ReferralInput) -> ReferralOutcome:
        try:
            await self._follow()
        except asyncio.CancelledError:
            self.state.status = ReferralStatus.CANCELLED
            self.state.resolved_at = workflow.now()
            await self._report("referral cancelled")
        self.state.finished = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        # The case may have continued as new since it started us: the result would
        # reach a run that is gone, the signal reaches the current one.
        await self._tell_case(
            referral_state.progress(
                self.state, self._input, "referral settled", workflow.now(), final=True
            )
        )
        await self._pass_on_late_news()
        return referral_state.outcome(self.state, self._input)

    async def _follow(self) -> None:
        state = self.state
        state.sent_at = workflow.now()
        # The handoff starts first: an emergency does not wait for our own
        # bookkeeping (ledger, case timeline) to reach the partner.
        attempt = self._attempt_handoff()
        await self._report(f"handing over to {self._input.partner.display_name}")
        handed = await self._until_handed_over(attempt)
        if isinstance(handed, str):
            await self._handoff_failed(handed)
            if not await self._wait_for_phone_handoff():
                return
            handed = None
        if isinstance(handed, HandoffReceipt):
            await self._acknowledged(handed)
        else:
            await self._record_phone_handoff(handed)
        await self._wait_for_outcome()

    def _attempt_handoff(self) -> ActivityHandle[HandoffReceipt]:
        """One attempt at the partner: the workflow retries itself (``_until_handed_over``),
        so it knows how many attempts failed, since when, and when the next one is."""
        return start(
            contract.HAND_OVER,
            HandoffRequest(
                partner=self._input.partner.slug,
                idempotency_key=self._input.referral_id,
                package=self._input.package,
            ),
            summary=f"hand over to {self._input.partner.slug} "
            f"(attempt {self.state.failed_attempts + 1})",
            heartbeat_timeout=HANDOFF_HEARTBEAT_TIMEOUT,
            # A cancelled handoff is over only when its worker says so: nothing is
            # sent after the phone handoff is recorded, or we learn that it was.
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            **partner_attempt(self._input.partner.retry),
        )

    async def _until_handed_over(self, attempt: ActivityHandle[HandoffReceipt]) -> Handed:
        """Attempts the handoff with the partner's retry profile (capped exponential
        backoff, or the wait the partner asked for) until it reaches the partner, a
        counsellor records a phone handoff, or the profile gives up; past the handoff
        deadline a counsellor is asked to phone while the attempts go on.

        Returns the partner's receipt; the attempt a phone handoff cancelled (None when
        it came between attempts); or, as words, why the automatic handoff failed."""
        state, partner = self.state, self._input.partner
        assert state.sent_at is not None
        deadline = state.sent_at + handoff_deadline(
            self._input.policy, partner, self._input.emergency
        )
        give_up_at = state.sent_at + partner.retry.give_up_after
        while True:
            await self._wait(partial(self._through_or_phoned, attempt), deadline)
            if not attempt.done():
                attempt.cancel()
                return attempt
            try:
                return await attempt
            except ActivityError as error:
                if self._phoned():
                    return None
                if permanent(error):
                    cause = error.cause
                    return cause.message if isinstance(cause, ApplicationError) else str(error)
                self._attempt_failed(error)
            assert state.next_attempt_at is not None
            if state.next_attempt_at >= give_up_at:
                state.next_attempt_at = None
                return referral_state.unreachable(state, self._input)
            await self._report_attempt()
            if await self._wait(self._phoned, deadline, at=state.next_attempt_at):
                return None
            attempt = self._attempt_handoff()

    def _phoned(self) -> bool:
        return self.state.phone_handoff is not None

    def _through_or_phoned(self, attempt: ActivityHandle[HandoffReceipt]) -> bool:
        return attempt.done() or self._phoned()

    async def _wait(
        self, condition: Callable[[], bool], deadline: datetime, at: datetime | None = None
    ) -> bool:
        """Wait for ``condition`` until ``at`` (None: as long as it takes); at the
        handoff ``deadline`` ask a counsellor to phone, once, and wait on. False when
        ``at`` came first."""
        while not condition():
            asked = self.state.phone_handoff_due is not None
            until = min((t for t in (at, None if asked else deadline) if t), default=None)
            if until is not None and until > workflow.now():
                try:
                    await workflow.wait_condition(condition, timeout=until - workflow.now())
                    continue
                except TimeoutError:
                    pass
            elif until is None:
                await workflow.wait_condition(condition)
                continue
            if not asked and workflow.now() >= deadline:
                await self._deadline_passed()
                continue
            return False
        return True

    def _attempt_failed(self, error: ActivityError) -> None:
        """Count a failed attempt and plan the next one: the wait the partner asked
        for (``Retry-After``), else the profile's backoff."""
        state, now = self.state, workflow.now()
        state.failed_attempts += 1
        state.unreachable_since = state.unreachable_since or now
        cause = error.cause
        asked = cause.next_retry_delay if isinstance(cause, ApplicationError) else None
        state.next_attempt_at = now + (
            asked or self._input.partner.retry.wait_after(state.failed_attempts)
        )
        state.detail = referral_state.unreachable(state, self._input)

    async def _deadline_passed(self) -> None:
        self.state.phone_handoff_due = workflow.now()
        await self._open_manual_handoff_task("the partner has not received the handoff")
        await self._report("handoff deadline passed: counsellor asked to hand over by phone")

    async def _handoff_failed(self, reason: str) -> None:
        state = self.state
        state.detail = reason[:300]
        state.status = ReferralStatus.FAILED
        state.resolved_at = workflow.now()
        state.next_attempt_at = None
        await self._open_manual_handoff_task("automatic handoff failed")
        await self._report(
            f"automatic handoff failed ({reason[:150]}): counsellor asked to hand over by phone"
        )

    async def _wait_for_phone_handoff(self) -> bool:
        """After a failed automatic handoff, wait for the counsellor's phone handoff."""
        try:
            await workflow.wait_condition(
                lambda: self.state.phone_handoff is not None,
                timeout=self._input.policy.referral_outcome_wait,
            )
        except TimeoutError:
            await self._report("no phone handoff was recorded: follow-up stopped")
            return False
        return True

    async def _acknowledged(self, receipt: HandoffReceipt) -> None:
        state = self.state
        state.reference = receipt.partner_reference
        state.acknowledged_at = workflow.now()
        state.status = ReferralStatus.ACKNOWLEDGED
        state.next_attempt_at, state.detail = None, None
        news = f"acknowledged by {self._input.partner.display_name}"
        if state.failed_attempts:
            s = "s" if state.failed_attempts != 1 else ""
            news += f" after {state.failed_attempts} failed attempt{s}"
        if self.state.phone_handoff is not None:  # the phone call and the partner crossed
            news += (
                f"; the phone handoff recorded meanwhile (reference "
                f"'{self.state.phone_handoff.partner_reference}') is the same referral"
            )
        await self._close_manual_handoff_task()
        await self._report(news)
        self.state.phone_handoff_recorded = self.state.phone_handoff is not None

    async def _record_phone_handoff(self, cancelled: ActivityHandle[HandoffReceipt] | None) -> None:
        state, request = self.state, self.state.phone_handoff
        assert request is not None
        state.reference = request.partner_reference
        state.acknowledged_at = workflow.now()
        state.resolved_at = None
        state.status = ReferralStatus.ACKNOWLEDGED
        state.manual, state.manual_by = True, request.actor
        state.detail, state.next_attempt_at = "handed over by phone", None
        await self._close_manual_handoff_task()
        await self._report(f"handed over by phone (reference '{request.partner_reference}')")
        self.state.phone_handoff_recorded = True
        if cancelled is None:
            return
        try:
            late = await cancelled
        except ActivityError:
            return  # cancelled before it reached the partner
        state.detail = f"the automatic handoff also reached the partner ({late.partner_reference})"
        await self._report(
            f"the automatic handoff reached the partner ({late.partner_reference}) before it "
            "could be stopped: tell the partner both references are one referral"
        )

    async def _wait_for_outcome(self) -> None:
        state, policy = self.state, self._input.policy
        assert state.acknowledged_at is not None
        give_up_at = state.acknowledged_at + policy.referral_outcome_wait
        while state.status not in SETTLED:
            now = workflow.now()
            if now >= give_up_at:
                await self._report("no outcome from the partner: follow-up stopped")
                return
            polled = (
                self._input.partner.delivery is DeliveryMode.POLL and not self.state.stop_polling
            )
            wait = give_up_at - now
            if polled:
                wait = min(policy.referral_poll_interval, wait)
            try:
                await workflow.wait_condition(lambda: bool(self.state.news), timeout=wait)
            except TimeoutError:
                if polled:
                    await self._poll()
            news = self._take_news()
            if news is not None and self._moves_on(news):
                self._apply(news)
                await self._report(f"partner status: {news.status.value}")

    def _take_news(self) -> HandoffStatus | None:
        """The news to act on: the furthest along, since a partner's webhooks may
        arrive out of order (the latest on a tie)."""
        received, self.state.news = self.state.news, []
        if not received:
            return None
        furthest = received[-1]
        for news in received:
            if further(news.status, furthest.status) is not furthest.status:
                furthest = news
        return furthest

    def _moves_on(self, news: HandoffStatus) -> bool:
        """Stale news (a status the referral is already past) is ignored."""
        return moves_on(self.state.status, news.status)

    async def _poll(self) -> None:
        assert self.state.reference is not None
        try:
            news = await call(
                contract.FETCH_HANDOFF_STATUS,
                FetchHandoffStatusRequest(
                    partner=self._input.partner.slug, partner_reference=self.state.reference
                ),
                summary=f"poll {self._input.partner.slug} for the outcome",
                **partner_call(
                    self._input.partner.retry, self._input.policy.referral_poll_interval
                ),
            )
        except ActivityError as error:
            cause = error.cause
            if self.state.manual and isinstance(cause, ApplicationError) and cause.non_retryable:
                # A reference given on the phone the partner's API does not know:
                # the outcome can only come by webhook.
                self.state.stop_polling = True
            return
        if not self.state.news:
            self.state.news.append(news)

    def _apply(self, news: HandoffStatus) -> None:
        state = self.state
        state.status = news.status
        state.reference = news.partner_reference or state.reference
        state.detail = (news.detail or "")[:300] or state.detail
        if news.status in SETTLED:
            state.resolved_at = workflow.now()
