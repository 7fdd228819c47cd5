"""ReferralWorkflow: one handoff to one partner, followed until its outcome.

Hand over (idempotency key = referral id), retried while the partner's profile
allows; past the handoff deadline a counsellor is asked to hand over by phone while
the automatic handoff keeps trying. Then wait for the partner's outcome, by webhook
signal or by polling.
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.case_records import CaseRecordActivities, CloseTasksRequest
    from activities.handoffs import HandoffActivities
    from relais.db.records import ReferralRecord
    from workflows import names
    from workflows import search_attributes as sa
    from workflows.activity_options import partner_call, record_call
    from workflows.models.enums import DeliveryMode, ReferralStatus, TaskKind
    from workflows.models.referral import (
        FetchHandoffStatusRequest,
        HandoffReceipt,
        HandoffRequest,
        HandoffStatus,
        ReferralInput,
        ReferralOutcome,
        ReferralProgress,
    )
    from workflows.models.tasks import CounsellorTask

# A referral is settled when the partner has said what it does with it.
SETTLED = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.CLOSED, ReferralStatus.DECLINED})


@workflow.defn(name=names.REFERRAL_WORKFLOW)
class ReferralWorkflow:
    @workflow.init
    def __init__(self, input: ReferralInput) -> None:
        self._input = input
        self._status = ReferralStatus.PENDING
        self._reference: str | None = None
        self._detail: str | None = None
        self._sent_at: datetime | None = None
        self._acknowledged_at: datetime | None = None
        self._resolved_at: datetime | None = None
        self._partner_status: HandoffStatus | None = None
        self._manual_task_opened = False
        self._version = 0

    @workflow.signal(name=names.SIGNAL_PARTNER_STATUS)
    def partner_status(self, status: HandoffStatus) -> None:
        """The partner's news about the referral, from our webhook."""
        self._partner_status = status

    @workflow.query(name=names.QUERY_REFERRAL)
    def referral(self) -> ReferralOutcome:
        return self._outcome()

    @workflow.run
    async def run(self, input: ReferralInput) -> ReferralOutcome:
        try:
            await self._follow()
        except asyncio.CancelledError:
            self._status = ReferralStatus.CANCELLED
            self._resolved_at = workflow.now()
            await self._report("referral cancelled")
        return self._outcome()

    async def _follow(self) -> None:
        policy = self._input.policy
        self._sent_at = workflow.now()
        await self._report(f"handing over to {self._input.partner.display_name}")
        deadline = (
            policy.emergency_handoff_deadline
            if self._input.emergency
            else (policy.handoff_deadline)
        )
        try:
            receipt = await self._hand_over(deadline)
        except ActivityError as error:
            cause = error.cause
            self._detail = (
                cause.message if isinstance(cause, ApplicationError) else "partner unreachable"
            )[:300]
            self._status = ReferralStatus.FAILED
            self._resolved_at = workflow.now()
            await self._open_manual_handoff_task("automatic handoff failed")
            await self._report("automatic handoff failed: counsellor asked to hand over by phone")
            return
        self._reference = receipt.partner_reference
        self._acknowledged_at = workflow.now()
        self._status = ReferralStatus.ACKNOWLEDGED
        if self._manual_task_opened:
            await workflow.execute_activity_method(
                CaseRecordActivities.close_tasks,
                CloseTasksRequest(
                    case_id=self._input.case_id,
                    kind=TaskKind.MANUAL_HANDOFF,
                    task_id=self._manual_task_id(),
                ),
                summary="close manual handoff task",
                **record_call(policy),
            )
        await self._report(f"acknowledged by {self._input.partner.display_name}")
        await self._wait_for_outcome()

    async def _hand_over(self, deadline: timedelta) -> HandoffReceipt:
        """Keeps the automatic handoff going; opens a phone-handoff task if it is
        still not through when the deadline passes."""
        handoff = workflow.start_activity_method(
            HandoffActivities.hand_over,
            HandoffRequest(
                partner=self._input.partner.slug,
                idempotency_key=self._input.referral_id,
                package=self._input.package,
            ),
            summary=f"hand over to {self._input.partner.slug}",
            **partner_call(self._input.partner.retry),
        )
        try:
            await workflow.wait_condition(handoff.done, timeout=deadline)
        except TimeoutError:
            await self._open_manual_handoff_task("the partner has not received the handoff")
            await self._report("handoff deadline passed: counsellor asked to hand over by phone")
        receipt: HandoffReceipt = await handoff
        return receipt

    async def _wait_for_outcome(self) -> None:
        policy = self._input.policy
        polled = self._input.partner.delivery is DeliveryMode.POLL
        assert self._acknowledged_at is not None
        give_up_at = self._acknowledged_at + policy.referral_outcome_wait
        while self._status not in SETTLED:
            now = workflow.now()
            if now >= give_up_at:
                await self._report("no outcome from the partner: follow-up stopped")
                return
            wait = (
                min(policy.referral_poll_interval, give_up_at - now)
                if polled
                else (give_up_at - now)
            )
            try:
                await workflow.wait_condition(
                    lambda: self._partner_status is not None, timeout=wait
                )
            except TimeoutError:
                if polled:
                    await self._poll()
            news, self._partner_status = self._partner_status, None
            if news is not None and news.status != self._status:
                self._apply(news)
                await self._report(f"partner status: {news.status.value}")

    async def _poll(self) -> None:
        assert self._reference is not None
        try:
            news = await workflow.execute_activity_method(
                HandoffActivities.fetch_handoff_status,
                FetchHandoffStatusRequest(
                    partner=self._input.partner.slug, partner_reference=self._reference
                ),
                summary=f"poll {self._input.partner.slug} for the outcome",
                **partner_call(
                    self._input.partner.retry, self._input.policy.referral_poll_interval
                ),
            )
        except ActivityError:
            return
        if self._partner_status is None:
            self._partner_status = news

    def _apply(self, news: HandoffStatus) -> None:
        self._status = news.status
        self._reference = news.partner_reference or self._reference
        self._detail = (news.detail or "")[:300] or self._detail
        if news.status in SETTLED:
            self._resolved_at = workflow.now()

    def _manual_task_id(self) -> str:
        return f"{self._input.referral_id}:{TaskKind.MANUAL_HANDOFF.value}"

    async def _open_manual_handoff_task(self, why: str) -> None:
        self._manual_task_opened = True
        await workflow.execute_activity_method(
            CaseRecordActivities.open_task,
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

    async def _report(self, detail: str) -> None:
        self._version += 1
        now = workflow.now()
        workflow.upsert_search_attributes(
            [
                sa.CASE_ID.value_set(self._input.case_id),
                sa.REFERRAL_STATUS.value_set(self._status.value),
                sa.CASE_PARTNERS.value_set([self._input.partner.slug]),
            ]
        )
        workflow.set_current_details(
            "\n".join(
                [
                    f"**Referral** `{self._input.referral_id}` to "
                    f"**{self._input.partner.display_name}**"
                    + (" (emergency)" if self._input.emergency else ""),
                    "",
                    f"- Status: **{self._status.value}**: {detail}",
                    f"- Legal basis: {self._input.package.legal_basis.value}",
                    f"- Partner reference: {self._reference or 'not yet'}",
                ]
            )
        )
        await workflow.execute_activity_method(
            CaseRecordActivities.record_referral,
            ReferralRecord(
                referral_id=self._input.referral_id,
                case_id=self._input.case_id,
                version=self._version,
                partner=self._input.partner.slug,
                idempotency_key=self._input.referral_id,
                legal_basis=self._input.package.legal_basis,
                emergency=self._input.emergency,
                status=self._status,
                partner_reference=self._reference,
                sent_at=self._sent_at,
                acknowledged_at=self._acknowledged_at,
                outcome_at=self._resolved_at,
                detail=self._detail,
                updated_at=now,
            ),
            summary="record referral in the ledger",
            **record_call(self._input.policy),
        )
        parent = self._input.parent_workflow_id
        if parent:
            progress = ReferralProgress(
                referral_id=self._input.referral_id,
                partner=self._input.partner.slug,
                status=self._status,
                at=now,
                partner_reference=self._reference,
                detail=detail,
            )
            try:
                await workflow.get_external_workflow_handle(parent).signal(
                    names.SIGNAL_REFERRAL_PROGRESS, progress
                )
            except Exception:  # the case may be closed already; the ledger has it
                workflow.logger.info("case workflow no longer accepts referral progress")

    def _outcome(self) -> ReferralOutcome:
        return ReferralOutcome(
            referral_id=self._input.referral_id,
            partner=self._input.partner.slug,
            status=self._status,
            partner_reference=self._reference,
            detail=self._detail,
            sent_at=self._sent_at,
            resolved_at=self._resolved_at,
        )
