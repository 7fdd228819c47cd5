"""SupportCaseWorkflow: one durable workflow per case, from first contact to closure.

Triage starts emergency referrals before anything else; counsellors add qualified
items (one TakedownWorkflow child each) and referrals (one ReferralWorkflow child
each) through updates; once the pending work settles, a follow-up callback falls due
(with consent), is escalated when overdue, and its outcome closes the case or keeps
it going. State and its projections live in :mod:`workflows.case.state`, the checks
of each update in :mod:`workflows.case.checks`, the children in
:mod:`workflows.case.children`.
"""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.callback_window import NoCallbackSlot, next_callback_slot
    from domain.case import (
        CallbackOutcomeRequest,
        CallbackResult,
        CaseResult,
        CaseView,
        ClaimCallbackRequest,
        CloseRequest,
        ConsentScope,
        NoticeReviewRequest,
        NoticeReviewResult,
        ReopenRequest,
        RescheduleCallbackRequest,
        WithdrawConsentRequest,
    )
    from domain.catalog import PHAROS
    from domain.contract import Activity
    from domain.items import AddItemsRequest, AddItemsResult, QualifiedItem
    from domain.notice import NoticeProgress, ReviewChoice
    from domain.referral import (
        LegalBasis,
        ReferralOutcome,
        ReferralProgress,
        ReferralRequest,
        ReferralStatus,
    )
    from domain.retention import SchedulePurgeRequest
    from domain.rules.triage import triage
    from domain.tasks import CloseTasksRequest, CounsellorTask, TaskKind
    from workflows import patches
    from workflows.calls import call, record_call
    from workflows.case import checks as checks
    from workflows.case.children import CaseChildren
    from workflows.case.snapshot import CaseInput
    from workflows.case.state import CaseState

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")


@workflow.defn(name=contract.SUPPORT_CASE.name)
class SupportCaseWorkflow:
    @workflow.init
    def __init__(self, input: CaseInput) -> None:
        if input.carried is not None:
            self._state = CaseState.restore(input, input.carried)
        else:
            self._state = CaseState(
                input=input,
                opened_at=workflow.now(),
                catalog=input.catalog,
                consents=input.intake.consents.model_copy(deep=True),
            )
        self._children = CaseChildren(self._state, input.contact, self._child_settled)
        if input.carried is not None:
            self._children.items = dict(input.carried.items)
            self._children.legal_basis = dict(input.carried.legal_basis)
        self._changes = 0
        self._close_request: CloseRequest | None = None
        # Validators of updates that arrive with the case's first workflow task run
        # before the opening: they see the callback the opening will plan.
        self._opened = input.carried is not None
        if input.carried is None:
            self._state.callback.owed = self._state.consents.callback.consented

    @workflow.query(name=contract.CASE_VIEW.name)
    def view(self) -> CaseView:
        return self._state.view()

    # ---- run -----------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: CaseInput) -> CaseResult:
        if input.carried is None:
            await self._open(input)
        await self._live()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state.result()

    async def _open(self, input: CaseInput) -> None:
        """Triage, emergency referrals first, then the case is visible."""
        state = self._state
        decision = triage(input.intake, referred_by=input.referred_by)
        state.urgency = decision.urgency
        # Immediate danger: the emergency handoffs go before anything else.
        starts = [
            self._start_referral(
                emergency.partner,
                emergency.legal_basis,
                emergency=True,
                reason="immediate danger identified at triage",
                actor="triage",
            )
            for emergency in decision.emergency_referrals
        ]
        if len(starts) > 1 and workflow.patched(patches.EMERGENCY_TOGETHER):
            await asyncio.gather(*starts)  # police and 119 in the same first workflow task
        else:
            for start in starts:
                await start
        channel = input.intake.channel.value
        state.note(state.opened_at, "opened", f"case opened ({channel})", input.opened_by)
        state.note(state.opened_at, "triage", f"urgency {state.urgency.value}")
        for partner in decision.already_informed:
            state.note(
                state.opened_at,
                "triage",
                f"{partner} not alerted again: it referred this young person itself",
            )
        state.last_outcome_at = state.opened_at
        state.callback.owed = state.consents.callback.consented
        self._schedule_callback()
        await self._publish()
        self._opened = True

    async def _live(self) -> None:
        """React to changes and deadlines until the case is closed for good: closed
        and not reopened within the reopen window. Continues as new when the run's
        history grows past its budget."""
        state = self._state
        handled = self._changes
        while True:
            if state.closed_at is not None:
                # Histories recorded before reopening existed end at closure.
                if not workflow.patched(patches.REOPEN_WINDOW):
                    return
                reopen_until = state.closed_at + state.input.policy.reopen_window
                if workflow.now() >= reopen_until:
                    return
                deadline: datetime | None = reopen_until
            else:
                deadline = state.next_action_at()
            timeout = max(deadline - workflow.now(), timedelta(0)) if deadline else None
            try:
                await workflow.wait_condition(self._woken_since(handled), timeout=timeout)
            except TimeoutError:
                await self._on_deadline()
            # Changes that land while we act below wake the next round at once.
            handled = self._changes
            if self._close_request is not None and state.closed_at is None:
                await self._close(self._close_request)
            else:
                self._schedule_callback()
            await self._publish()
            if self._history_too_long():
                await self._continue_as_new()

    async def _until_open(self, validate: Callable[[], None]) -> None:
        """An update that arrived with the case's first workflow task acts once the
        opening (triage, emergency referrals, the callback plan) is done, as it
        would a moment later, and is checked again against the opened case (its
        validator ran before the opening: an emergency referral it duplicates, say)."""
        if not self._opened and workflow.patched(patches.UPDATES_AFTER_OPENING):
            await workflow.wait_condition(lambda: self._opened)
            validate()

    def _woken_since(self, handled: int) -> Callable[[], bool]:
        return lambda: (
            self._changes != handled
            or (self._close_request is not None and self._state.closed_at is None)
        )

    def _history_too_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._state.input.policy.history_event_budget
        ) and self._children.can_carry_over()

    async def _continue_as_new(self) -> None:
        """Carry the whole state (open children included: they report by signal to
        the case's workflow id, whichever run it is in) into a fresh history."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        snapshot = self._state.snapshot().model_copy(
            update={"items": self._children.items, "legal_basis": self._children.legal_basis}
        )
        workflow.continue_as_new(self._state.input.model_copy(update={"carried": snapshot}))

    # ---- updates -------------------------------------------------------------------------

    @workflow.update(name=contract.ADD_ITEMS.name)
    async def add_items(self, request: AddItemsRequest) -> AddItemsResult:
        await self._until_open(lambda: self._validate_add_items(request))
        if request.catalog is not None:
            self._state.catalog = request.catalog
        starts = [self._children.start_notice(item, request.requested_by) for item in request.items]
        if workflow.patched(patches.CONCURRENT_CHILD_STARTS):
            # One workflow task starts them all: 200 items do not take 200 round trips.
            notice_ids = list(await asyncio.gather(*starts))
        else:
            notice_ids = [await start for start in starts]
        self._work_added()
        return AddItemsResult(notice_ids=notice_ids)

    @add_items.validator
    def _validate_add_items(self, request: AddItemsRequest) -> None:
        self._check(checks.add_items_problems(self._state, request))

    @workflow.update(name=contract.REQUEST_REFERRAL.name)
    async def request_referral(self, request: ReferralRequest) -> ReferralOutcome:
        await self._until_open(lambda: self._validate_request_referral(request))
        state = self._state
        if request.catalog is not None:
            state.catalog = request.catalog
        if request.victim_consented and request.partner not in state.consents.referral_partners:
            state.consents.referral_partners.append(request.partner)
        referral_id = await self._start_referral(
            request.partner,
            request.legal_basis,
            emergency=False,
            reason=request.reason,
            actor=request.requested_by,
        )
        self._work_added()
        return state.referrals[referral_id]

    @request_referral.validator
    def _validate_request_referral(self, request: ReferralRequest) -> None:
        self._check(checks.referral_request_problems(self._state, request))

    @workflow.update(name=contract.RECORD_CALLBACK_OUTCOME.name)
    async def record_callback_outcome(self, request: CallbackOutcomeRequest) -> CaseView:
        await self._until_open(lambda: self._validate_callback_outcome(request))
        state, cb = self._state, self._state.callback
        now = workflow.now()
        cb.attempts += 1
        cb.last_result = request.result
        cb.is_due = cb.overdue = cb.unclaimed_escalated = False
        cb.claimed_by = None
        cb.due_at = None
        await self._close_tasks(TaskKind.CALLBACK_DUE)
        state.note(
            now,
            "callback",
            f"callback attempt {cb.attempts}: {request.result.value}",
            request.recorded_by,
        )
        if request.result is CallbackResult.NOT_REACHED:
            if cb.attempts >= state.input.policy.callback_max_attempts:
                cb.owed = False
                await self._open_task(
                    TaskKind.SUPERVISOR_ESCALATION,
                    f"case {state.case_id}: young person not reached after {cb.attempts} "
                    "callback attempts",
                    for_role="supervisor",
                    suffix=f"callbacks-exhausted-{cb.attempts}",
                )
                state.note(now, "escalation", "callback attempts exhausted: supervisor alerted")
            else:
                cb.due_at = self._callback_slot(now + state.input.policy.callback_attempt_spacing)
        else:
            cb.owed = False
        if request.close_case and request.result is CallbackResult.REACHED:
            self._close_request = CloseRequest(
                closed_by=request.recorded_by, reason="young person reached: case resolved"
            )
            await workflow.wait_condition(lambda: state.closed_at is not None)
        self._changes += 1
        return state.view()

    @record_callback_outcome.validator
    def _validate_callback_outcome(self, request: CallbackOutcomeRequest) -> None:
        self._check(checks.callback_outcome_problems(self._state, request))

    @workflow.update(name=contract.CLAIM_CALLBACK.name)
    async def claim_callback(self, request: ClaimCallbackRequest) -> CaseView:
        """One counsellor takes the callback; the others see it is taken."""
        await self._until_open(lambda: self._validate_claim_callback(request))
        cb = self._state.callback
        cb.claimed_by = request.claimed_by
        self._state.note(workflow.now(), "callback", "callback claimed", request.claimed_by)
        self._changes += 1
        return self._state.view()

    @claim_callback.validator
    def _validate_claim_callback(self, request: ClaimCallbackRequest) -> None:
        self._check(checks.claim_problems(self._state, request))

    @workflow.update(name=contract.RESCHEDULE_CALLBACK.name)
    async def reschedule_callback(self, request: RescheduleCallbackRequest) -> CaseView:
        """Move the callback (the young person asked for another time); the new time
        is kept inside opening hours and the safe window."""
        await self._until_open(lambda: self._validate_reschedule_callback(request))
        state, cb = self._state, self._state.callback
        was_due = cb.is_due
        cb.due_at = self._callback_slot(request.at)
        cb.is_due = cb.overdue = cb.unclaimed_escalated = False
        cb.claimed_by = None
        cb.owed = True
        if was_due:
            await self._close_tasks(TaskKind.CALLBACK_DUE)
        state.note(
            workflow.now(),
            "callback",
            f"callback rescheduled to {cb.due_at.isoformat(timespec='minutes')}",
            request.rescheduled_by,
        )
        self._changes += 1
        return state.view()

    @reschedule_callback.validator
    def _validate_reschedule_callback(self, request: RescheduleCallbackRequest) -> None:
        self._check(checks.reschedule_problems(self._state, request, workflow.now()))

    @workflow.update(name=contract.REOPEN.name)
    async def reopen(self, request: ReopenRequest) -> CaseView:
        """Within the reopen window a closed case continues, history and all."""
        await self._until_open(lambda: self._validate_reopen(request))
        state = self._state
        state.closed_at = None
        state.close_reason = None
        state.reopened += 1
        self._close_request = None
        state.last_outcome_at = workflow.now()
        state.callback = state.callback.model_copy(
            update={"owed": state.consents.callback.consented, "due_at": None}
        )
        state.note(
            workflow.now(), "reopened", f"case reopened: {request.reason}", request.reopened_by
        )
        await self._schedule_purge(None)  # an open case is never purged
        self._schedule_callback()
        self._changes += 1
        return state.view()

    @reopen.validator
    def _validate_reopen(self, request: ReopenRequest) -> None:
        if problems := checks.reopen_problems(self._state, workflow.now()):
            raise checks.rejection(problems)

    @workflow.update(name=contract.CLOSE.name)
    async def close(self, request: CloseRequest) -> CaseView:
        await self._until_open(lambda: self._validate_close(request))
        self._close_request = request
        await workflow.wait_condition(lambda: self._state.closed_at is not None)
        return self._state.view()

    @close.validator
    def _validate_close(self, request: CloseRequest) -> None:
        self._check(checks.close_problems(self._state, request))

    @workflow.update(name=contract.REVIEW_NOTICE.name)
    async def review_notice(self, request: NoticeReviewRequest) -> NoticeReviewResult:
        """A counsellor's answer to a refusal: appeal, refer to Pharos, or accept."""
        await self._until_open(lambda: self._validate_review_notice(request))
        state = self._state
        notice = state.notices[request.notice_id]
        notice.review = request.choice
        result = NoticeReviewResult(notice_id=request.notice_id, choice=request.choice)
        await self._close_tasks(
            TaskKind.NOTICE_REVIEW, f"{request.notice_id}:{TaskKind.NOTICE_REVIEW.value}"
        )
        item = self._children.items[request.notice_id]
        if request.choice is ReviewChoice.APPEAL:
            result.appeal_notice_id = await self._children.start_notice(
                item, request.reviewed_by, appeal_of=notice
            )
        elif request.choice is ReviewChoice.REFER_TO_PHAROS:
            result.referral_id = await self._start_referral(
                PHAROS,
                LegalBasis.ILLEGAL_CONTENT_REPORT,
                emergency=False,
                # refused, still online after removal, or removal unverified
                reason=f"{notice.platform} notice {notice.notice_id}: "
                f"{notice.status.value.replace('_', ' ')}",
                actor=request.reviewed_by,
                items=[item],
            )
        state.note(
            workflow.now(),
            "review",
            f"{request.notice_id} reviewed: {request.choice.value}",
            request.reviewed_by,
        )
        if request.choice is ReviewChoice.ACCEPT:
            self._changes += 1
        else:
            self._work_added()
        return result

    @review_notice.validator
    def _validate_review_notice(self, request: NoticeReviewRequest) -> None:
        self._check(checks.review_problems(self._state, request))

    @workflow.update(name=contract.WITHDRAW_CONSENT.name)
    async def withdraw_consent(self, request: WithdrawConsentRequest) -> CaseView:
        """The victim withdraws a consent: what depended on it stops, cleanly."""
        await self._until_open(lambda: self._validate_withdraw_consent(request))
        state = self._state
        consents = state.consents
        to_cancel: list[str] = []
        if request.scope is ConsentScope.PLATFORMS:
            consents.report_to_platforms = False
            to_cancel = state.open_notices()
        elif request.scope is ConsentScope.PARTNER:
            consents.referral_partners.remove(str(request.partner))
            to_cancel = [
                referral_id
                for referral_id in state.open_referrals()
                if state.referrals[referral_id].partner == request.partner
                and self._children.legal_basis.get(referral_id) is LegalBasis.CONSENT
            ]
        else:
            consents.callback.consented = False
            cb = state.callback
            cb.owed = cb.is_due = cb.overdue = False
            cb.due_at = None
            await self._close_tasks(TaskKind.CALLBACK_DUE)
        partner = f": {request.partner}" if request.partner else ""
        state.note(
            workflow.now(),
            "consent",
            f"consent withdrawn ({request.scope.value}{partner}); "
            f"{len(to_cancel)} outstanding cancelled",
            request.withdrawn_by,
        )
        await self._children.cancel(to_cancel)
        self._changes += 1
        return state.view()

    @withdraw_consent.validator
    def _validate_withdraw_consent(self, request: WithdrawConsentRequest) -> None:
        self._check(checks.withdraw_problems(self._state, request))

    # ---- signals from children -----------------------------------------------------------

    @workflow.signal(name=contract.NOTICE_PROGRESS.name)
    def notice_progress(self, progress: NoticeProgress) -> None:
        notice = self._state.notices.get(progress.notice_id)
        if notice is None or progress.notice_id not in self._state.open_children:
            return  # unknown, or already settled by the child's result
        if progress.outcome is not None:
            kept = {"appeal_of": notice.appeal_of, "review": notice.review}
            notice = self._state.notices[progress.notice_id] = progress.outcome.model_copy(
                update=kept
            )
        notice.status = progress.status
        notice.sla_breached = progress.sla_breached
        if progress.final:  # a child started in an earlier run has no handle here
            self._child_settled(progress.notice_id)  # its news is in the timeline already
        else:
            detail = f"{progress.notice_id} ({progress.platform}): {progress.detail}"
            self._state.note(progress.at, "notice", detail)
        self._changes += 1

    @workflow.signal(name=contract.REFERRAL_PROGRESS.name)
    def referral_progress(self, progress: ReferralProgress) -> None:
        referral = self._state.referrals.get(progress.referral_id)
        if referral is None or progress.referral_id not in self._state.open_children:
            return
        if progress.outcome is not None:
            referral = self._state.referrals[progress.referral_id] = progress.outcome
        referral.status = progress.status
        referral.partner_reference = progress.partner_reference or referral.partner_reference
        referral.manual = progress.manual
        if progress.final:  # a child started in an earlier run has no handle here
            self._child_settled(progress.referral_id)  # its news is in the timeline already
        else:
            detail = f"{progress.referral_id} ({progress.partner}): {progress.detail}"
            self._state.note(progress.at, "referral", detail)
        self._changes += 1

    # ---- children, callback and closure --------------------------------------------------

    async def _start_referral(
        self,
        partner_slug: str,
        basis: LegalBasis,
        *,
        emergency: bool,
        reason: str | None,
        actor: str,
        items: list[QualifiedItem] | None = None,
    ) -> str:
        referral_id = self._children.new_referral(partner_slug, basis)
        partner = self._state.catalog.partner(partner_slug)
        if partner is None:  # only for triage: the API validated counsellor requests
            self._state.referrals[referral_id].status = ReferralStatus.FAILED
            await self._open_task(
                TaskKind.MANUAL_HANDOFF,
                f"No adapter for emergency partner '{partner_slug}': hand over by phone now",
                suffix=referral_id,
            )
            return referral_id
        await self._children.start_referral(
            referral_id, partner, emergency=emergency, reason=reason, actor=actor, items=items
        )
        return referral_id

    def _child_settled(self, child_id: str) -> None:
        """A child's outcome is in (by its result, or by its final progress signal)."""
        if child_id not in self._state.open_children:
            return
        self._state.open_children.discard(child_id)
        self._state.last_outcome_at = workflow.now()
        self._changes += 1

    def _work_added(self) -> None:
        """New work postpones a callback that is not due yet, and owes a new one."""
        cb = self._state.callback
        if not cb.is_due:
            cb.due_at = None
        cb.owed = self._state.consents.callback.consented
        self._changes += 1

    def _schedule_callback(self) -> None:
        state, cb = self._state, self._state.callback
        if state.closed_at or not cb.owed or cb.due_at or state.open_children:
            return
        assert state.last_outcome_at is not None
        cb.due_at = self._callback_slot(state.last_outcome_at + state.input.policy.callback_delay)

    def _callback_slot(self, not_before: datetime) -> datetime:
        """The first moment inside opening hours and the young person's safe window."""
        state = self._state
        try:
            return next_callback_slot(
                not_before,
                state.input.policy.opening_hours,
                state.consents.callback.safe_window(),
            )
        except NoCallbackSlot as exc:
            state.note(workflow.now(), "callback", f"no callback slot: {exc}; kept as asked")
            return not_before

    async def _on_deadline(self) -> None:
        state, cb = self._state, self._state.callback
        now = workflow.now()
        if cb.due_at is None or now < cb.due_at:
            return
        if not cb.is_due:
            # The task first: when the case says "due", the queue lists it.
            await self._open_task(
                TaskKind.CALLBACK_DUE,
                f"Call back the young person of case {state.case_id} (attempt {cb.attempts + 1})",
                suffix=f"callback-{cb.attempts + 1}",
            )
            cb.is_due = True
            state.note(now, "callback", f"callback attempt {cb.attempts + 1} is due")
            return
        policy = state.input.policy
        if (
            cb.claimed_by is None
            and not cb.unclaimed_escalated
            and now >= cb.due_at + policy.callback_claim_within
        ):
            cb.unclaimed_escalated = True
            state.note(now, "escalation", "callback unclaimed: supervisor alerted")
            await self._open_task(
                TaskKind.SUPERVISOR_ESCALATION,
                f"Callback of case {state.case_id} is due and nobody has claimed it",
                for_role="supervisor",
                suffix=f"callback-unclaimed-{cb.attempts + 1}",
            )
        if not cb.overdue and now >= cb.due_at + policy.callback_overdue_after:
            cb.overdue = True
            state.note(now, "escalation", "callback overdue: supervisor alerted")
            await self._open_task(
                TaskKind.SUPERVISOR_ESCALATION,
                f"Callback of case {state.case_id} is overdue",
                for_role="supervisor",
                suffix=f"callback-overdue-{cb.attempts + 1}",
            )

    async def _close(self, request: CloseRequest) -> None:
        state = self._state
        if request.force and state.open_children:
            await self._children.cancel(sorted(state.open_children))
        now = workflow.now()
        state.closed_at = now
        state.close_reason = request.reason
        state.callback.due_at = None
        state.callback.is_due = False
        state.note(now, "closed", f"case closed: {request.reason}", request.closed_by)
        await self._close_tasks(TaskKind.CALLBACK_DUE)
        if workflow.patched(patches.RETENTION_SCHEDULE):
            await self._schedule_purge(now + state.input.policy.retention)

    async def _schedule_purge(self, purge_after: datetime | None) -> None:
        await self._record(
            contract.SCHEDULE_PURGE,
            SchedulePurgeRequest(case_id=self._state.case_id, purge_after=purge_after),
        )

    # ---- effects -------------------------------------------------------------------------

    def _check(self, problems: list[str]) -> None:
        """Validators: refuse a request on a closed case or with problems."""
        problems = checks.closed_problems(self._state, self._close_request is not None) or problems
        if problems:
            raise checks.rejection(problems)

    async def _open_task(
        self, kind: TaskKind, summary: str, *, suffix: str, for_role: str = "counsellor"
    ) -> None:
        await self._record(
            contract.OPEN_TASK,
            CounsellorTask(
                task_id=f"{self._state.case_id}:{kind.value}:{suffix}",
                case_id=self._state.case_id,
                kind=kind,
                for_role=for_role,
                summary=summary,
                due_at=workflow.now(),
            ),
        )

    async def _close_tasks(self, kind: TaskKind, task_id: str | None = None) -> None:
        await self._record(
            contract.CLOSE_TASKS,
            CloseTasksRequest(case_id=self._state.case_id, kind=kind, task_id=task_id),
        )

    async def _record(self, activity: Activity[RequestT, ResultT], argument: RequestT) -> None:
        await call(
            activity,
            argument,
            summary=activity.name.replace("_", " "),
            **record_call(self._state.input.policy),
        )

    async def _publish(self) -> None:
        """Search attributes, current details and the directory projection."""
        state = self._state
        state.version += 1
        workflow.upsert_search_attributes(state.search_attributes())
        workflow.set_current_details(state.details_markdown())
        await self._record(contract.RECORD_CASE, state.record(workflow.now()))
