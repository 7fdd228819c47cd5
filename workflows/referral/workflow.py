"""ReferralWorkflow: one handoff to one partner, followed until its outcome.

Hand over (idempotency key = referral id), retried with capped backoff while the
partner's profile allows. Past the handoff deadline (hours for 119 and the police,
days for the others) a counsellor is asked to hand over by phone while the automatic
handoff keeps trying. When the counsellor records the phone handoff (an update
carrying the partner's reference), the automatic handoff is cancelled, so a partner
coming back later never gets the referral twice. Then wait for the partner's
outcome, by webhook signal or by polling.
"""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ActivityCancellationType, ActivityHandle

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.catalog import DeliveryMode
    from domain.referral import (
        FetchHandoffStatusRequest,
        HandoffReceipt,
        HandoffRequest,
        HandoffStatus,
        ManualHandoffRequest,
        ReferralOutcome,
        ReferralProgress,
        ReferralStatus,
    )
    from domain.rules.referral_rules import further, handoff_deadline, moves_on
    from domain.tasks import CloseTasksRequest, CounsellorTask, TaskKind
    from workflows import patches
    from workflows.calls import call, partner_call, record_call, start
    from workflows.cancellation import raise_if_cancel_swallowed
    from workflows.referral.state import ReferralInput, ReferralState

# A referral is settled when the partner has said what it does with it.
SETTLED = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.CLOSED, ReferralStatus.DECLINED})
# Stages at which a counsellor may still record a phone handoff.
AWAITING_HANDOFF = frozenset({ReferralStatus.PENDING, ReferralStatus.FAILED})

# Patches: histories recorded before them replay the old behaviour.
PATCH_WAIT_FOR_PHONE_HANDOFF = "referral-wait-for-phone-handoff-after-failure"
PATCH_STATUS_ORDER = "referral-partner-status-order"
PATCH_HAND_OVER_FIRST = "referral-hand-over-before-reporting"

# How often a running handoff attempt heartbeats, so a cancellation reaches it.
HANDOFF_HEARTBEAT_TIMEOUT = timedelta(seconds=10)


def _rejected(problem: str) -> ApplicationError:
    return ApplicationError(problem, [problem], type="RequestRejected", non_retryable=True)


@workflow.defn(name=contract.REFERRAL.name)
class ReferralWorkflow:
    @workflow.init
    def __init__(self, input: ReferralInput) -> None:
        self._input = input
        self._state = ReferralState(input=input)
        self._news: list[HandoffStatus] = []
        self._manual_request: ManualHandoffRequest | None = None
        self._manual_recorded = False
        self._manual_task_opened = False
        self._stop_polling = False
        self._finished = False

    @workflow.signal(name=contract.PARTNER_STATUS.name)
    def partner_status(self, status: HandoffStatus) -> None:
        """The partner's news about the referral, from our webhook."""
        self._news.append(status)

    @workflow.query(name=contract.REFERRAL_VIEW.name)
    def referral(self) -> ReferralOutcome:
        return self._state.outcome()

    @workflow.update(name=contract.RECORD_MANUAL_HANDOFF.name)
    async def record_manual_handoff(self, request: ManualHandoffRequest) -> ReferralOutcome:
        """A counsellor handed the referral over by phone: stop the automatic handoff."""
        if self._manual_request is None:
            self._manual_request = request
        await workflow.wait_condition(lambda: self._manual_recorded or self._finished)
        return self._state.outcome()

    @record_manual_handoff.validator
    def _validate_manual_handoff(self, request: ManualHandoffRequest) -> None:
        state = self._state
        if request.case_id != self._input.case_id:
            raise _rejected(f"referral_id: referral {state.referral_id} is not part of this case")
        if self._manual_request is not None:
            if self._manual_request.partner_reference == request.partner_reference:
                return  # the same phone handoff again: answered with the outcome
            raise _rejected(
                "partner_reference: a phone handoff was already recorded under reference "
                f"'{self._manual_request.partner_reference}'"
            )
        if state.status is ReferralStatus.CANCELLED or self._finished:
            raise _rejected(f"referral_id: referral {state.referral_id} is {state.status.value}")
        if state.status not in AWAITING_HANDOFF:
            raise _rejected(
                "partner_reference: the partner already received the automatic handoff "
                f"(reference '{state.reference}'); no phone handoff is needed"
            )

    @workflow.run
    async def run(self, input: ReferralInput) -> ReferralOutcome:
        try:
            await self._follow()
        except asyncio.CancelledError:
            self._state.status = ReferralStatus.CANCELLED
            self._state.resolved_at = workflow.now()
            await self._report("referral cancelled")
        self._finished = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        if workflow.patched(patches.REFERRAL_FINAL_PROGRESS):
            # The case may have continued as new since it started us: the result
            # would reach a run that is gone, the signal reaches the current one.
            final = self._state.progress("referral settled", workflow.now())
            await self._tell_case(
                final.model_copy(update={"outcome": self._state.outcome(), "final": True})
            )
        return self._state.outcome()

    async def _follow(self) -> None:
        state = self._state
        state.sent_at = workflow.now()
        # Since this patch the handoff starts first: an emergency does not wait for
        # our own bookkeeping (ledger, case timeline) to reach the partner.
        handoff = self._start_handoff() if workflow.patched(PATCH_HAND_OVER_FIRST) else None
        await self._report(f"handing over to {self._input.partner.display_name}")
        if handoff is None and self._manual_request is None:
            handoff = self._start_handoff()
        deadline = handoff_deadline(self._input.policy, self._input.partner, self._input.emergency)
        receipt: HandoffReceipt | None = None
        cancelled: ActivityHandle[HandoffReceipt] | None = None
        if handoff is not None:
            try:
                receipt, cancelled = await self._until_handed_over(handoff, deadline)
            except ActivityError as error:
                await self._handoff_failed(error)
                if not await self._wait_for_phone_handoff():
                    return
        if receipt is not None:
            await self._acknowledged(receipt)
        else:
            await self._record_phone_handoff(cancelled)
        await self._wait_for_outcome()

    def _start_handoff(self) -> ActivityHandle[HandoffReceipt]:
        return start(
            contract.HAND_OVER,
            HandoffRequest(
                partner=self._input.partner.slug,
                idempotency_key=self._input.referral_id,
                package=self._input.package,
            ),
            summary=f"hand over to {self._input.partner.slug}",
            heartbeat_timeout=HANDOFF_HEARTBEAT_TIMEOUT,
            # A cancelled handoff is over only when its worker says so: nothing is
            # sent after the phone handoff is recorded, or we learn that it was.
            cancellation_type=ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            **partner_call(self._input.partner.retry),
        )

    async def _until_handed_over(
        self, handoff: ActivityHandle[HandoffReceipt], deadline: timedelta
    ) -> tuple[HandoffReceipt | None, ActivityHandle[HandoffReceipt] | None]:
        """Keeps the automatic handoff going; opens a phone-handoff task if it is
        still not through when the deadline passes. Returns the partner's receipt,
        or the cancelled handoff when a counsellor recorded a phone handoff first."""

        def through_or_phoned() -> bool:
            return handoff.done() or self._manual_request is not None

        try:
            await workflow.wait_condition(through_or_phoned, timeout=deadline)
        except TimeoutError:
            self._state.phone_handoff_due = workflow.now()
            await self._open_manual_handoff_task("the partner has not received the handoff")
            await self._report("handoff deadline passed: counsellor asked to hand over by phone")
            await workflow.wait_condition(through_or_phoned)
        if handoff.done() or self._manual_request is None:
            return await handoff, None
        handoff.cancel()
        return None, handoff

    async def _handoff_failed(self, error: ActivityError) -> None:
        state = self._state
        cause = error.cause
        reason = cause.message if isinstance(cause, ApplicationError) else "partner unreachable"
        state.detail = reason[:300]
        state.status = ReferralStatus.FAILED
        state.resolved_at = workflow.now()
        await self._open_manual_handoff_task("automatic handoff failed")
        await self._report(
            f"automatic handoff failed ({reason[:150]}): counsellor asked to hand over by phone"
        )

    async def _wait_for_phone_handoff(self) -> bool:
        """After a failed automatic handoff, wait for the counsellor's phone handoff."""
        if self._manual_request is None and not workflow.patched(PATCH_WAIT_FOR_PHONE_HANDOFF):
            return False  # recorded before phone handoffs existed: the referral ends here
        try:
            await workflow.wait_condition(
                lambda: self._manual_request is not None,
                timeout=self._input.policy.referral_outcome_wait,
            )
        except TimeoutError:
            await self._report("no phone handoff was recorded: follow-up stopped")
            return False
        return True

    async def _acknowledged(self, receipt: HandoffReceipt) -> None:
        state = self._state
        state.reference = receipt.partner_reference
        state.acknowledged_at = workflow.now()
        state.status = ReferralStatus.ACKNOWLEDGED
        news = f"acknowledged by {self._input.partner.display_name}"
        if self._manual_request is not None:  # the phone call and the partner crossed
            news += (
                f"; the phone handoff recorded meanwhile (reference "
                f"'{self._manual_request.partner_reference}') is the same referral"
            )
        await self._close_manual_handoff_task()
        await self._report(news)
        self._manual_recorded = self._manual_request is not None

    async def _record_phone_handoff(self, cancelled: ActivityHandle[HandoffReceipt] | None) -> None:
        state, request = self._state, self._manual_request
        assert request is not None
        state.reference = request.partner_reference
        state.acknowledged_at = workflow.now()
        state.resolved_at = None
        state.status = ReferralStatus.ACKNOWLEDGED
        state.manual, state.manual_by = True, request.recorded_by
        state.detail = "handed over by phone"
        await self._close_manual_handoff_task()
        await self._report(f"handed over by phone (reference '{request.partner_reference}')")
        self._manual_recorded = True
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
        state, policy = self._state, self._input.policy
        assert state.acknowledged_at is not None
        give_up_at = state.acknowledged_at + policy.referral_outcome_wait
        while state.status not in SETTLED:
            now = workflow.now()
            if now >= give_up_at:
                await self._report("no outcome from the partner: follow-up stopped")
                return
            polled = self._input.partner.delivery is DeliveryMode.POLL and not self._stop_polling
            wait = give_up_at - now
            if polled:
                wait = min(policy.referral_poll_interval, wait)
            try:
                await workflow.wait_condition(lambda: bool(self._news), timeout=wait)
            except TimeoutError:
                if polled:
                    await self._poll()
            news = self._take_news()
            if news is not None and self._moves_on(news):
                self._apply(news)
                await self._report(f"partner status: {news.status.value}")

    def _take_news(self) -> HandoffStatus | None:
        """The news to act on: the latest, or (since the order patch) the furthest,
        since a partner's webhooks may arrive out of order."""
        received, self._news = self._news, []
        if not received:
            return None
        latest = received[-1]
        furthest = latest
        for news in received:
            if further(news.status, furthest.status) is not furthest.status:
                furthest = news
        if furthest is latest or not workflow.patched(PATCH_STATUS_ORDER):
            return latest
        return furthest

    def _moves_on(self, news: HandoffStatus) -> bool:
        changed = news.status != self._state.status
        forward = moves_on(self._state.status, news.status)
        if changed == forward:
            return changed
        return forward if workflow.patched(PATCH_STATUS_ORDER) else changed

    async def _poll(self) -> None:
        assert self._state.reference is not None
        try:
            news = await call(
                contract.FETCH_HANDOFF_STATUS,
                FetchHandoffStatusRequest(
                    partner=self._input.partner.slug, partner_reference=self._state.reference
                ),
                summary=f"poll {self._input.partner.slug} for the outcome",
                **partner_call(
                    self._input.partner.retry, self._input.policy.referral_poll_interval
                ),
            )
        except ActivityError as error:
            cause = error.cause
            if self._state.manual and isinstance(cause, ApplicationError) and cause.non_retryable:
                # A reference given on the phone the partner's API does not know:
                # the outcome can only come by webhook.
                self._stop_polling = True
            return
        if not self._news:
            self._news.append(news)

    def _apply(self, news: HandoffStatus) -> None:
        state = self._state
        state.status = news.status
        state.reference = news.partner_reference or state.reference
        state.detail = (news.detail or "")[:300] or state.detail
        if news.status in SETTLED:
            state.resolved_at = workflow.now()

    def _manual_task_id(self) -> str:
        return f"{self._input.referral_id}:{TaskKind.MANUAL_HANDOFF.value}"

    async def _open_manual_handoff_task(self, why: str) -> None:
        self._manual_task_opened = True
        await call(
            contract.OPEN_TASK,
            CounsellorTask(
                task_id=self._manual_task_id(),
                case_id=self._input.case_id,
                kind=TaskKind.MANUAL_HANDOFF,
                summary=f"Hand referral {self._input.referral_id} to "
                f"{self._input.partner.display_name} by phone: {why}",
                due_at=workflow.now(),
            ),
            summary="open manual handoff task",
            **record_call(self._input.policy),
        )

    async def _close_manual_handoff_task(self) -> None:
        if not self._manual_task_opened:
            return
        await call(
            contract.CLOSE_TASKS,
            CloseTasksRequest(
                case_id=self._input.case_id,
                kind=TaskKind.MANUAL_HANDOFF,
                task_id=self._manual_task_id(),
            ),
            summary="close manual handoff task",
            **record_call(self._input.policy),
        )

    async def _report(self, news: str) -> None:
        """Search attributes, current details, the ledger and the case's timeline."""
        state = self._state
        state.version += 1
        now = workflow.now()
        workflow.upsert_search_attributes(state.search_attributes())
        workflow.set_current_details(state.details_markdown(news))
        await call(
            contract.RECORD_REFERRAL,
            state.record(news, now),
            summary="record referral in the ledger",
            **record_call(self._input.policy),
        )
        await self._tell_case(state.progress(news, now))

    async def _tell_case(self, progress: ReferralProgress) -> None:
        """Progress to the case, by workflow id: whichever run of it is current."""
        parent = self._input.parent_workflow_id
        if parent:
            try:
                await workflow.get_external_workflow_handle(parent).signal(
                    contract.REFERRAL_PROGRESS.name, progress
                )
            except Exception:  # the case may be closed already; the ledger has it
                workflow.logger.info("case workflow no longer accepts referral progress")
            if not self._finished and self._state.status is not ReferralStatus.CANCELLED:
                raise_if_cancel_swallowed()
