"""TakedownWorkflow: one notice to one platform, followed until the content is gone.

Submit (idempotency key = notice id) -> acknowledged -> wait for the decision (by
webhook signal, or by polling with backoff) while re-noticing every
``renotice_interval`` and flagging the SLA breach -> verify the content is really
offline. Every change is reported to the ledger, to the search attributes and to
the parent case.
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    import workflows.takedown.state as notice_state
    from domain import contract
    from domain.catalog import DeliveryMode
    from domain.notice import (
        ContentCheckRequest,
        Decision,
        FetchDecisionRequest,
        NoticeDecision,
        NoticeEvidenceRequest,
        NoticeOutcome,
        NoticeReceipt,
        NoticeStatus,
        SubmitNoticeRequest,
    )
    from domain.tasks import CounsellorTask, TaskKind, task_id
    from workflows.calls import call, partner_call, permanent, record_call
    from workflows.cancellation import raise_if_cancel_swallowed
    from workflows.takedown.state import NoticeInput, NoticeState


def _failure_reason(error: ActivityError) -> str:
    cause = error.cause
    if isinstance(cause, ApplicationError):
        return cause.message
    return f"the platform could not be reached ({type(cause).__name__})"


@workflow.defn(name=contract.TAKEDOWN.name)
class TakedownWorkflow:
    @workflow.init
    def __init__(self, input: NoticeInput) -> None:
        self._input = input
        self.state = input.carried or NoticeState()

    @workflow.signal(name=contract.DECISION.name)
    def decision(self, decision: NoticeDecision) -> None:
        """The platform's decision, from our webhook. The first one counts."""
        if self.state.decision is None:
            self.state.decision = decision

    def _decided(self) -> bool:
        return self.state.decision is not None

    @workflow.query(name=contract.NOTICE_VIEW.name)
    def notice(self) -> NoticeOutcome:
        return self._outcome()

    @workflow.run
    async def run(self, input: NoticeInput) -> NoticeOutcome:
        try:
            await self._follow()
        except asyncio.CancelledError:
            self.state.status = NoticeStatus.CANCELLED
            self.state.resolved_at = workflow.now()
            await self._report("notice cancelled")
        await self._tell_case("notice settled", final=True)
        return self._outcome()

    async def _follow(self) -> None:
        policy = self._input.policy
        await self._report("notice prepared")
        try:
            receipt = await self._submit(self._input.notice_id, renotice_of=None)
        except ActivityError as error:
            await self._fail(_failure_reason(error))
            return
        self.state.reference = receipt.platform_reference
        self.state.submitted_at = workflow.now()
        # DSA Art. 16(4): the receipt time the platform stated, else its acknowledging
        # answer; a channel that only accepted the message (e-mail) confirms nothing.
        self.state.acknowledged_at = receipt.received_at or (
            self.state.submitted_at if receipt.acknowledged else None
        )
        self.state.status = NoticeStatus.ACKNOWLEDGED
        await self._report(f"acknowledged by {self._input.platform.display_name}")

        sla = self._input.platform.decision_sla or policy.default_decision_sla
        await self._wait_for_decision(sla_deadline=self.state.submitted_at + sla)
        assert self.state.decision is not None
        self.state.decided_at = workflow.now()
        self.state.status = NoticeStatus.DECIDED
        self.state.next_action_at = None
        await self._report(f"platform decision: {self.state.decision.decision.value}")

        if self.state.decision.decision in (Decision.REMOVED, Decision.RESTRICTED):
            await self._verify_removal()
        else:
            self.state.status = NoticeStatus.REFUSED
            self.state.reason = (self.state.decision.reason or "")[:300] or None
            self.state.resolved_at = workflow.now()
            await self._open_task(
                TaskKind.NOTICE_REVIEW,
                f"{self._input.platform.display_name} refused notice {self._input.notice_id}: "
                "review (appeal, refer to Pharos, or accept)",
            )
            await self._report("refused by the platform: counsellor review requested")

    async def _wait_for_decision(self, sla_deadline: datetime) -> None:
        policy = self._input.policy
        polled = self._input.platform.delivery is DeliveryMode.POLL
        poll_delay = policy.decision_poll_interval
        assert self.state.submitted_at is not None
        next_poll = self.state.submitted_at + poll_delay if polled else None
        next_renotice = self.state.submitted_at + policy.renotice_interval
        while self.state.decision is None:
            wake_times = [t for t in (next_poll, next_renotice) if t is not None]
            if self.state.renotices >= policy.max_renotices:
                wake_times.remove(next_renotice)
            if not self.state.sla_breached:
                wake_times.append(sla_deadline)
            wake = min(wake_times) if wake_times else None
            if wake != self.state.next_action_at:
                self.state.next_action_at = wake
                self._upsert_search_attributes()
            try:
                timeout = max(wake - workflow.now(), timedelta(0)) if wake else None
                await workflow.wait_condition(
                    lambda: self.state.decision is not None, timeout=timeout
                )
                return
            except TimeoutError:
                pass
            now = workflow.now()
            if next_poll is not None and now >= next_poll:
                decision = await self._poll()
                if decision is not None and self.state.decision is None:
                    self.state.decision = decision
                    return
                poll_delay = min(poll_delay * 2, policy.decision_poll_max_interval)
                next_poll = now + poll_delay
            if not self.state.sla_breached and now >= sla_deadline:
                await self._breach_sla()
            if self.state.renotices < policy.max_renotices and now >= next_renotice:
                await self._renotice()
                next_renotice = now + policy.renotice_interval

    async def _submit(self, key: str, renotice_of: str | None) -> NoticeReceipt:
        """Read the evidence before the first notice and again before each re-notice
        (its own key: a file filed under the item since goes with it); a retried
        submit under one key sends what was read for it."""
        if self.state.evidence is None or renotice_of is not None:
            found = await call(
                contract.NOTICE_EVIDENCE,
                NoticeEvidenceRequest(
                    case_id=self._input.case_id,
                    notice_id=self._input.notice_id,
                    item=self._input.item,
                ),
                summary="the evidence hashes the notice lists",
                **record_call(self._input.policy),
            )
            self.state.evidence = found.evidence
            self.state.attachments = found.attachments
        item = self._input.item.model_copy(update={"evidence": self.state.evidence})
        return await call(
            contract.SUBMIT_NOTICE,
            SubmitNoticeRequest(
                case_id=self._input.case_id,
                notice_id=self._input.notice_id,
                idempotency_key=key,
                item=item,
                renotice_of=renotice_of,
                appeal_of=self._input.appeal_of_reference,
                attachments=self.state.attachments,
            ),
            summary=f"{'re-notice' if renotice_of else 'notice'} to {self._input.platform.slug}",
            **partner_call(self._input.platform.retry),
        )

    async def _poll(self) -> NoticeDecision | None:
        assert self.state.reference is not None
        try:
            polled = await call(
                contract.FETCH_NOTICE_DECISION,
                FetchDecisionRequest(
                    platform=self._input.platform.slug, platform_reference=self.state.reference
                ),
                summary=f"poll {self._input.platform.slug} for a decision",
                **partner_call(self._input.platform.retry, self._input.policy.renotice_interval),
            )
        except ActivityError:
            return None  # the next poll tries again; the SLA timer keeps running
        return polled.decision

    async def _renotice(self) -> None:
        self.state.renotices += 1
        key = f"{self._input.notice_id}-renotice-{self.state.renotices}"
        try:
            await self._submit(key, renotice_of=self._input.notice_id)
            self.state.renoticed_at.append(workflow.now())
            await self._report(f"re-notice {self.state.renotices} sent: no decision yet")
        except ActivityError as error:
            await self._report(f"re-notice {self.state.renotices} failed: {_failure_reason(error)}")

    async def _breach_sla(self) -> None:
        self.state.sla_breached = True
        self.state.sla_breached_at = workflow.now()
        await self._open_task(
            TaskKind.SUPERVISOR_ESCALATION,
            f"{self._input.platform.display_name} has not decided on notice "
            f"{self._input.notice_id} within its SLA",
            for_role="supervisor",
        )
        await self._report("SLA breached: escalated to a supervisor")

    async def _verify_removal(self) -> None:
        policy = self._input.policy
        for attempt in range(policy.verification_attempts):
            if attempt:
                await workflow.sleep(policy.verification_retry_interval)
            try:
                online = await call(
                    contract.CHECK_CONTENT_ONLINE,
                    ContentCheckRequest(platform=self._input.platform.slug, item=self._input.item),
                    summary=f"check content is gone from {self._input.platform.slug}",
                    **partner_call(self._input.platform.retry, policy.verification_retry_interval),
                )
                self.state.checked_at = workflow.now()
            except ActivityError as error:
                if permanent(error):
                    # Not proof that it is online: a counsellor looks by hand.
                    await self._removal_unverified(_failure_reason(error))
                    return
                continue
            if not online:
                self.state.status = NoticeStatus.VERIFIED_REMOVED
                self.state.resolved_at = workflow.now()
                await self._report("removal verified: the content is offline")
                return
        self.state.status = NoticeStatus.STILL_ONLINE
        self.state.resolved_at = workflow.now()
        await self._open_task(
            TaskKind.NOTICE_REVIEW,
            f"{self._input.platform.display_name} reported notice {self._input.notice_id} "
            "removed but the content is still online",
        )
        await self._report("content still online after the platform's decision")

    async def _removal_unverified(self, reason: str) -> None:
        self.state.status = NoticeStatus.REMOVAL_UNVERIFIED
        self.state.reason = reason[:300]
        self.state.resolved_at = workflow.now()
        await self._open_task(
            TaskKind.NOTICE_REVIEW,
            f"{self._input.platform.display_name} reported notice {self._input.notice_id} "
            f"removed; Relais cannot check the content itself ({self.state.reason}): "
            "check it by hand",
        )
        await self._report("removal reported but not verifiable by Relais: counsellor to check")

    async def _fail(self, reason: str) -> None:
        self.state.status = NoticeStatus.FAILED
        self.state.reason = reason[:300]
        self.state.resolved_at = workflow.now()
        await self._open_task(
            TaskKind.NOTICE_REJECTED,
            f"Notice {self._input.notice_id} to {self._input.platform.display_name} failed: "
            f"{self.state.reason}",
        )
        await self._report("notice could not be delivered: counsellor task opened")

    async def _open_task(self, kind: TaskKind, summary: str, for_role: str = "counsellor") -> None:
        await call(
            contract.OPEN_TASK,
            CounsellorTask(
                task_id=task_id(self._input.notice_id, kind),
                case_id=self._input.case_id,
                kind=kind,
                for_role=for_role,
                summary=summary,
                due_at=workflow.now(),
            ),
            summary=f"open {kind.value} task",
            **record_call(self._input.policy),
        )

    async def _report(self, detail: str) -> None:
        """Ledger, search attributes, current details, and the parent case."""
        self.state.version += 1
        now = workflow.now()
        self._upsert_search_attributes()
        workflow.set_current_details(notice_state.details_markdown(self.state, self._input, detail))
        await call(
            contract.RECORD_NOTICE,
            notice_state.record(self.state, self._input, now),
            summary="record notice in the ledger",
            **record_call(self._input.policy),
        )
        await self._tell_case(detail)

    async def _tell_case(self, detail: str, final: bool = False) -> None:
        """Progress to the case, by workflow id: whichever run of it is current."""
        parent = self._input.parent_workflow_id
        if parent:
            progress = notice_state.progress(self.state, self._input, detail, workflow.now(), final)
            try:
                await workflow.get_external_workflow_handle(parent).signal(
                    contract.NOTICE_PROGRESS.name, progress
                )
            except Exception:  # the case may be closed already; the ledger has it
                workflow.logger.info("case workflow no longer accepts notice progress")
            if not final and self.state.status is not NoticeStatus.CANCELLED:
                raise_if_cancel_swallowed()

    def _upsert_search_attributes(self) -> None:
        workflow.upsert_search_attributes(notice_state.search_attributes(self.state, self._input))

    def _outcome(self) -> NoticeOutcome:
        return notice_state.outcome(self.state, self._input)
