"""SupportCaseWorkflow: one durable workflow per case, from first contact to closure.

Triage starts emergency referrals before anything else; counsellors add qualified
items (one TakedownWorkflow child each) and referrals (one ReferralWorkflow child
each) through updates; once the pending work settles, a follow-up callback falls due
(with consent), is escalated when overdue, and its outcome closes the case or keeps
it going. State and its projections live in :mod:`workflows.case_state`.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError, ChildWorkflowError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.case_records import CaseRecordActivities, CloseTasksRequest
    from workflows import names
    from workflows.activity_options import record_call
    from workflows.case_state import CaseState
    from workflows.models.case import (
        CallbackOutcomeRequest,
        CaseResult,
        CaseView,
        CloseRequest,
    )
    from workflows.models.enums import (
        CallbackResult,
        LegalBasis,
        NoticeStatus,
        ReferralStatus,
        TaskKind,
    )
    from workflows.models.intake import CaseInput
    from workflows.models.items import AddItemsRequest, AddItemsResult, QualifiedItem
    from workflows.models.notice import NoticeInput, NoticeOutcome, NoticeProgress
    from workflows.models.personal import ContactDetails
    from workflows.models.referral import (
        HandoffPackage,
        ReferralInput,
        ReferralOutcome,
        ReferralProgress,
        ReferralRequest,
    )
    from workflows.models.tasks import CounsellorTask
    from workflows.referral import ReferralWorkflow
    from workflows.rules.triage import triage
    from workflows.rules.validation import item_problems, referral_problems
    from workflows.takedown import TakedownWorkflow

# Partners that must be able to call the young person back get their contact details.
_KINDS_THAT_CALL = frozenset({"police", "child_protection", "victim_support"})


def _rejected(problems: list[str]) -> ApplicationError:
    return ApplicationError(
        "; ".join(problems), problems, type="RequestRejected", non_retryable=True
    )


@workflow.defn(name=names.SUPPORT_CASE_WORKFLOW)
class SupportCaseWorkflow:
    @workflow.init
    def __init__(self, input: CaseInput) -> None:
        self._state = CaseState(
            input=input,
            opened_at=workflow.now(),
            catalog=input.catalog,
            consents=input.intake.consents.model_copy(deep=True),
        )
        self._contact: ContactDetails = input.contact
        self._changes = 0
        self._close_request: CloseRequest | None = None
        self._children: dict[str, asyncio.Task[None]] = {}

    # ---- queries -------------------------------------------------------------------------

    @workflow.query(name=names.QUERY_VIEW)
    def view(self) -> CaseView:
        return self._state.view()

    # ---- run -----------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: CaseInput) -> CaseResult:
        state = self._state
        decision = triage(input.intake)
        state.urgency = decision.urgency
        # Immediate danger: the emergency handoffs go before anything else.
        for emergency in decision.emergency_referrals:
            await self._start_referral(
                emergency.partner,
                emergency.legal_basis,
                emergency=True,
                reason="immediate danger identified at triage",
                actor="triage",
            )
        state.note(
            state.opened_at,
            "opened",
            f"case opened ({input.intake.channel.value})",
            input.opened_by,
        )
        state.note(state.opened_at, "triage", f"urgency {state.urgency.value}")
        state.last_outcome_at = state.opened_at
        state.callback.owed = state.consents.callback.consented
        self._schedule_callback()
        await self._publish()

        handled = self._changes
        while state.closed_at is None:
            deadline = state.next_action_at()
            timeout = max(deadline - workflow.now(), timedelta(0)) if deadline else None
            try:
                await workflow.wait_condition(self._woken_since(handled), timeout=timeout)
            except TimeoutError:
                await self._on_deadline()
            # Changes that land while we act below wake the next round at once.
            handled = self._changes
            if self._close_request is not None:
                await self._close(self._close_request)
            else:
                self._schedule_callback()
            await self._publish()

        await workflow.wait_condition(workflow.all_handlers_finished)
        return state.result()

    def _woken_since(self, handled: int) -> Callable[[], bool]:
        return lambda: self._changes != handled or self._close_request is not None

    # ---- updates -------------------------------------------------------------------------

    @workflow.update(name=names.UPDATE_ADD_ITEMS)
    async def add_items(self, request: AddItemsRequest) -> AddItemsResult:
        if request.catalog is not None:
            self._state.catalog = request.catalog
        notice_ids = [
            await self._start_notice(item, request.requested_by) for item in request.items
        ]
        self._work_added()
        return AddItemsResult(notice_ids=notice_ids)

    @add_items.validator
    def _validate_add_items(self, request: AddItemsRequest) -> None:
        self._reject_if_closed()
        catalog = request.catalog or self._state.catalog
        if problems := item_problems(request.items, catalog, self._state.consents):
            raise _rejected(problems)

    @workflow.update(name=names.UPDATE_REQUEST_REFERRAL)
    async def request_referral(self, request: ReferralRequest) -> ReferralOutcome:
        state = self._state
        if request.catalog is not None:
            state.catalog = request.catalog
        if request.victim_consented and request.partner not in state.consents.referral_partners:
            state.consents.referral_partners.append(request.partner)
        referral_id = await self._start_referral(
            request.partner,
            LegalBasis.CONSENT,
            emergency=False,
            reason=request.reason,
            actor=request.requested_by,
        )
        self._work_added()
        return state.referrals[referral_id]

    @request_referral.validator
    def _validate_request_referral(self, request: ReferralRequest) -> None:
        self._reject_if_closed()
        consents = self._state.consents.model_copy(deep=True)
        if request.victim_consented:
            consents.referral_partners.append(request.partner)
        catalog = request.catalog or self._state.catalog
        if problems := referral_problems(request.partner, catalog, consents):
            raise _rejected(problems)
        for referral_id in self._state.open_referrals():
            if self._state.referrals[referral_id].partner == request.partner:
                raise _rejected(
                    [
                        f"partner: a referral to '{request.partner}' is already under way "
                        f"({referral_id})"
                    ]
                )

    @workflow.update(name=names.UPDATE_RECORD_CALLBACK_OUTCOME)
    async def record_callback_outcome(self, request: CallbackOutcomeRequest) -> CaseView:
        state, cb = self._state, self._state.callback
        now = workflow.now()
        cb.attempts += 1
        cb.last_result = request.result
        cb.is_due = cb.overdue = False
        cb.due_at = None
        await self._record(
            CaseRecordActivities.close_tasks,
            CloseTasksRequest(case_id=state.case_id, kind=TaskKind.CALLBACK_DUE),
        )
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
                cb.due_at = now + state.input.policy.callback_attempt_spacing
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
        self._reject_if_closed()
        state, cb = self._state, self._state.callback
        if not state.consents.callback.consented:
            raise _rejected(["result: the young person did not consent to a callback"])
        if not (cb.owed or cb.is_due or cb.due_at):
            raise _rejected(["result: no callback is scheduled for this case"])
        if request.close_case and request.result is not CallbackResult.REACHED:
            raise _rejected(["close_case: only a reached callback can close the case"])
        if request.close_case and state.open_children:
            raise _rejected(self._outstanding_problems("close_case"))

    @workflow.update(name=names.UPDATE_CLOSE)
    async def close(self, request: CloseRequest) -> CaseView:
        self._close_request = request
        await workflow.wait_condition(lambda: self._state.closed_at is not None)
        return self._state.view()

    @close.validator
    def _validate_close(self, request: CloseRequest) -> None:
        self._reject_if_closed()
        if self._state.open_children and not request.force:
            raise _rejected(self._outstanding_problems("force"))

    # ---- signals from children -----------------------------------------------------------

    @workflow.signal(name=names.SIGNAL_NOTICE_PROGRESS)
    def notice_progress(self, progress: NoticeProgress) -> None:
        notice = self._state.notices.get(progress.notice_id)
        if notice is None or progress.notice_id not in self._state.open_children:
            return  # unknown, or already settled by the child's result
        notice.status = progress.status
        notice.sla_breached = progress.sla_breached
        self._state.note(
            progress.at, "notice", f"{progress.notice_id} ({progress.platform}): {progress.detail}"
        )
        self._changes += 1

    @workflow.signal(name=names.SIGNAL_REFERRAL_PROGRESS)
    def referral_progress(self, progress: ReferralProgress) -> None:
        referral = self._state.referrals.get(progress.referral_id)
        if referral is None or progress.referral_id not in self._state.open_children:
            return
        referral.status = progress.status
        referral.partner_reference = progress.partner_reference or referral.partner_reference
        self._state.note(
            progress.at,
            "referral",
            f"{progress.referral_id} ({progress.partner}): {progress.detail}",
        )
        self._changes += 1

    # ---- children ------------------------------------------------------------------------

    async def _start_notice(self, item: QualifiedItem, actor: str) -> str:
        state = self._state
        notice_id = f"{state.case_id}-n{len(state.notices) + 1}"
        platform = state.catalog.platforms[item.platform]
        state.notices[notice_id] = NoticeOutcome(
            notice_id=notice_id, platform=platform.slug, status=NoticeStatus.PENDING
        )
        state.open_children.add(notice_id)
        handle = await workflow.start_child_workflow(
            TakedownWorkflow.run,
            NoticeInput(
                case_id=state.case_id,
                notice_id=notice_id,
                item=item,
                platform=platform,
                policy=state.input.policy,
                parent_workflow_id=workflow.info().workflow_id,
            ),
            id=names.notice_workflow_id(notice_id),
            static_summary=f"Notice {notice_id} to {platform.display_name} "
            f"({item.legal_qualification.value})",
            parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
        )
        state.note(
            workflow.now(), "notice", f"{notice_id}: notice to {platform.slug} started", actor
        )
        self._children[notice_id] = asyncio.create_task(self._follow_notice(notice_id, handle))
        return notice_id

    async def _follow_notice(self, notice_id: str, handle: asyncio.Task[NoticeOutcome]) -> None:
        state = self._state
        try:
            state.notices[notice_id] = await handle
        except ChildWorkflowError:
            state.notices[notice_id].status = NoticeStatus.FAILED
        self._child_settled(notice_id)

    async def _start_referral(
        self,
        partner_slug: str,
        basis: LegalBasis,
        *,
        emergency: bool,
        reason: str | None,
        actor: str,
    ) -> str:
        state = self._state
        referral_id = f"{state.case_id}-r{len(state.referrals) + 1}"
        partner = state.catalog.partner(partner_slug)
        state.referrals[referral_id] = ReferralOutcome(
            referral_id=referral_id, partner=partner_slug, status=ReferralStatus.PENDING
        )
        if partner is None:  # only for triage: the API validated counsellor requests
            state.referrals[referral_id].status = ReferralStatus.FAILED
            await self._open_task(
                TaskKind.MANUAL_HANDOFF,
                f"No adapter for emergency partner '{partner_slug}': hand over by phone now",
                suffix=referral_id,
            )
            return referral_id
        package = HandoffPackage(
            case_id=state.case_id,
            referral_id=referral_id,
            categories=list(state.input.intake.categories),
            age_band=state.input.intake.age_band,
            urgency=state.urgency,
            legal_basis=basis,
            reason=reason,
            contact=self._contact if partner.kind.value in _KINDS_THAT_CALL else None,
        )
        state.open_children.add(referral_id)
        handle = await workflow.start_child_workflow(
            ReferralWorkflow.run,
            ReferralInput(
                case_id=state.case_id,
                referral_id=referral_id,
                partner=partner,
                package=package,
                emergency=emergency,
                policy=state.input.policy,
                parent_workflow_id=workflow.info().workflow_id,
            ),
            id=names.referral_workflow_id(referral_id),
            static_summary=f"Referral {referral_id} to {partner.display_name}"
            + (" (emergency)" if emergency else ""),
            parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
        )
        state.note(
            workflow.now(),
            "referral",
            f"{referral_id}: handoff to {partner_slug} started ({basis.value})",
            actor,
        )
        self._children[referral_id] = asyncio.create_task(
            self._follow_referral(referral_id, handle)
        )
        return referral_id

    async def _follow_referral(
        self, referral_id: str, handle: asyncio.Task[ReferralOutcome]
    ) -> None:
        state = self._state
        try:
            state.referrals[referral_id] = await handle
        except ChildWorkflowError:
            state.referrals[referral_id].status = ReferralStatus.FAILED
        self._child_settled(referral_id)

    def _child_settled(self, child_id: str) -> None:
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

    # ---- callback and closure ------------------------------------------------------------

    def _schedule_callback(self) -> None:
        state, cb = self._state, self._state.callback
        if state.closed_at or not cb.owed or cb.due_at or state.open_children:
            return
        assert state.last_outcome_at is not None
        cb.due_at = state.last_outcome_at + state.input.policy.callback_delay

    async def _on_deadline(self) -> None:
        state, cb = self._state, self._state.callback
        now = workflow.now()
        if cb.due_at is None or now < cb.due_at:
            return
        if not cb.is_due:
            cb.is_due = True
            state.note(now, "callback", f"callback attempt {cb.attempts + 1} is due")
            await self._open_task(
                TaskKind.CALLBACK_DUE,
                f"Call back the young person of case {state.case_id} (attempt {cb.attempts + 1})",
                suffix=f"callback-{cb.attempts + 1}",
            )
        elif not cb.overdue:
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
            for child_id in sorted(state.open_children):
                await workflow.get_external_workflow_handle(
                    names.notice_workflow_id(child_id)
                    if child_id in state.notices
                    else names.referral_workflow_id(child_id)
                ).cancel()
            await workflow.wait_condition(lambda: not state.open_children)
        now = workflow.now()
        state.closed_at = now
        state.close_reason = request.reason
        state.callback.due_at = None
        state.callback.is_due = False
        state.note(now, "closed", f"case closed: {request.reason}", request.closed_by)
        await self._record(
            CaseRecordActivities.close_tasks,
            CloseTasksRequest(case_id=state.case_id, kind=TaskKind.CALLBACK_DUE),
        )

    # ---- helpers -------------------------------------------------------------------------

    def _reject_if_closed(self) -> None:
        if self._state.closed_at is not None or self._close_request is not None:
            raise _rejected(["case_id: the case is closed"])

    def _outstanding_problems(self, field: str) -> list[str]:
        outstanding = ", ".join(sorted(self._state.open_children))
        return [
            f"{field}: notices or referrals still outstanding ({outstanding}); "
            "close with force=true to cancel them"
        ]

    async def _open_task(
        self, kind: TaskKind, summary: str, *, suffix: str, for_role: str = "counsellor"
    ) -> None:
        await self._record(
            CaseRecordActivities.open_task,
            CounsellorTask(
                task_id=f"{self._state.case_id}:{kind.value}:{suffix}",
                case_id=self._state.case_id,
                kind=kind,
                for_role=for_role,
                summary=summary,
                due_at=workflow.now(),
            ),
        )

    async def _record(self, activity: object, argument: object) -> None:
        await workflow.execute_activity_method(
            activity,  # type: ignore[arg-type]
            argument,
            summary=getattr(activity, "__name__", "record").replace("_", " "),
            **record_call(self._state.input.policy),
        )

    async def _publish(self) -> None:
        """Search attributes, current details and the directory projection."""
        state = self._state
        state.version += 1
        workflow.upsert_search_attributes(state.search_attributes())
        workflow.set_current_details(state.details_markdown())
        await self._record(CaseRecordActivities.record_case, state.record(workflow.now()))
