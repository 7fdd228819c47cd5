"""SupportCaseWorkflow: one durable workflow per case, from first contact to closure.

The journey, as it reads below:

1. **Opening** (``__init__``, pure): triage sets the urgency and allocates the
   emergency referrals; the timeline says the case is open; a callback is owed when
   the young person consented. Updates that arrive with the first task already see
   the opened case. ``run`` then starts the emergency referrals before anything else;
   the case's first directory row carries the audit line of its opening.
2. **Work**: counsellors add qualified items (a TakedownWorkflow per notice), ask
   for referrals (a ReferralWorkflow per handoff), review refused notices, withdraw
   consents. Children report their progress by signal.
3. **Callback**: once the pending work settles, the owed callback is planned; it
   falls due, is claimed, escalated when unclaimed or overdue, and its outcome closes
   the case or plans the next attempt (:mod:`workflows.case.callback`).
4. **Closure**: closed by a counsellor (or a reached callback), the case waits out
   its reopen window, then ends with its non-personal statistics.

The callback's updates are in :mod:`workflows.case.callback_handlers`, the
counsellor's later work (notes, contacts, risk, corrections, handovers) in
:mod:`workflows.case.casework_handlers`. Every handler that awaits holds the one
lock, validates against the state as it is then, changes the state through a
named transition (:mod:`workflows.case.state`) and carries out what that
transition asks (tasks, children). Signals (children's news, a partner's answer
about a referral that had ended) change the state without awaiting; the tasks such a
change asks for are owed, and carried out under the lock before the case next answers
or by the main loop. The main loop only sleeps until the next deadline, acts on it,
carries out what is owed, publishes what the outside sees when it changed, and
continues as new when the history grows long.
"""

import asyncio
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import workflows.case.checks as checks
    import workflows.case.projections as project
    from domain import contract
    from domain.case import (
        CaseResult,
        CaseView,
        CloseRequest,
        NoticeReviewRequest,
        NoticeReviewResult,
        ReopenRequest,
        WithdrawConsentRequest,
    )
    from domain.case_news import NewsConsentRequest, NewsEvent, StopCaseNews
    from domain.catalog import PHAROS
    from domain.items import AddItemsRequest, AddItemsResult
    from domain.notice import NoticeProgress, NoticeStatus, ReviewChoice
    from domain.referral import (
        LateAnswer,
        LegalBasis,
        ReferralOutcome,
        ReferralProgress,
        ReferralRequest,
        ReferralStatus,
    )
    from domain.tasks import TaskKind, task_id
    from workflows.case.callback_handlers import CallbackHandlers
    from workflows.case.casework_handlers import CaseworkHandlers
    from workflows.case.children import CaseChildren
    from workflows.case.effects import CaseEffects
    from workflows.case.news_courier import NewsCourier
    from workflows.case.state import CaseInput, CaseState
    from workflows.rejection import rejection

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")


@workflow.defn(name=contract.SUPPORT_CASE.name)
class SupportCaseWorkflow(CallbackHandlers, CaseworkHandlers):
    @workflow.init
    def __init__(self, input: CaseInput) -> None:
        self._input = input
        if input.carried is not None:
            self.state = input.carried.model_copy(update={"runs": input.carried.runs + 1})
        else:
            self.state = CaseState.opened(input, workflow.now())
        self._children = CaseChildren(input, self.state, self._settle)
        self._lock = asyncio.Lock()
        self._owed = []
        self._news = NewsCourier(input, self.state, self._owe)
        self._effects = CaseEffects(input, self.state, self._news.send)

    @workflow.query(name=contract.CASE_VIEW.name)
    def view(self) -> CaseView:
        return project.view(self.state, self._input)

    # ---- the journey ---------------------------------------------------------------------

    @workflow.run
    async def run(self, input: CaseInput) -> CaseResult:
        self._news.resume()
        async with self._lock:
            await self._start_emergency_referrals()
        while not self._closed_for_good():
            await self._sleep_until_needed()
            async with self._lock:
                await self._act_on_deadline()
                await self._carry_out_owed()
                await self._effects.publish()
            if self._history_too_long():
                await self._continue_as_new()
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and self._news.idle()
        )
        async with self._lock:
            await self._carry_out_owed()
        return project.result(self.state, input)

    async def _start_emergency_referrals(self) -> None:
        """Immediate danger: the handoffs triage allocated go before anything else."""
        for referral_id in self.state.emergencies:
            if referral_id in self.state.open_children and not self._children.started(referral_id):
                await self._start_referral(
                    referral_id,
                    emergency=True,
                    reason="immediate danger identified at triage",
                    actor="triage",
                )

    async def _sleep_until_needed(self) -> None:
        """Until the next deadline, or until it moves, the outside view changes or the
        history grows too long."""
        deadline = self._next_deadline()
        try:
            await workflow.wait_condition(
                lambda: (
                    self._next_deadline() != deadline
                    or bool(self._owed)
                    or self._effects.unpublished()
                    or self._history_too_long()
                ),
                timeout=_until(deadline),
            )
        except TimeoutError:
            pass

    def _next_deadline(self) -> datetime | None:
        """The callback's next step, or the end of the reopen window once closed."""
        if self.state.closed_at is not None:
            return self.state.closed_at + self._input.policy.reopen_window
        return project.next_action_at(self.state, self._input)

    def _closed_for_good(self) -> bool:
        deadline = self._next_deadline()
        return (
            self.state.closed_at is not None and deadline is not None and workflow.now() >= deadline
        )

    async def _act_on_deadline(self) -> None:
        if self.state.closed_at is None:
            await self._do(self.state.callback.on_deadline(workflow.now(), self._rules()))

    def _history_too_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._input.policy.history_event_budget
        )

    async def _continue_as_new(self) -> None:
        """Carry the whole state into a fresh history; open children report to the
        case's workflow id, so they reach the next run."""
        while True:
            await workflow.wait_condition(
                lambda: (
                    workflow.all_handlers_finished()
                    and not self._lock.locked()
                    and self._news.idle()
                )
            )
            if not self._owed:
                break
            async with self._lock:
                await self._carry_out_owed()
        workflow.continue_as_new(self._input.model_copy(update={"carried": self.state}))

    # ---- counsellors' requests -------------------------------------------------------------

    @workflow.update(name=contract.ADD_ITEMS.name)
    async def add_items(self, request: AddItemsRequest) -> AddItemsResult:
        async with self._acting():
            self._validate_add_items(request)
            if request.catalog is not None:
                self.state.catalog = request.catalog
            notice_ids = [
                self.state.allocate_notice(item, self._input.case_id) for item in request.items
            ]
            await self._do(self.state.work_added())
            # One workflow task starts them all: 200 items do not take 200 round trips.
            await asyncio.gather(
                *(self._children.start_notice(notice_id, request.actor) for notice_id in notice_ids)
            )
            return AddItemsResult(notice_ids=notice_ids)

    @add_items.validator
    def _validate_add_items(self, request: AddItemsRequest) -> None:
        self._check(checks.add_items_problems(self.state, request))

    @workflow.update(name=contract.REQUEST_REFERRAL.name)
    async def request_referral(self, request: ReferralRequest) -> ReferralOutcome:
        async with self._acting():
            self._validate_request_referral(request)
            state = self.state
            if request.catalog is not None:
                state.catalog = request.catalog
            if request.victim_consented and request.partner not in state.consents.referral_partners:
                state.consents.referral_partners.append(request.partner)
            referral_id = state.allocate_referral(
                request.partner, request.legal_basis, self._input.case_id
            )
            await self._do(state.work_added())
            await self._start_referral(
                referral_id, emergency=False, reason=request.reason, actor=request.actor
            )
            return state.referrals[referral_id]

    @request_referral.validator
    def _validate_request_referral(self, request: ReferralRequest) -> None:
        self._check(checks.referral_request_problems(self.state, request))

    @workflow.update(name=contract.REVIEW_NOTICE.name)
    async def review_notice(self, request: NoticeReviewRequest) -> NoticeReviewResult:
        """A counsellor's answer to a refusal: appeal, refer to Pharos, or accept."""
        async with self._acting():
            self._validate_review_notice(request)
            state, now = self.state, workflow.now()
            notice = state.notices[request.notice_id]
            notice.review = request.choice
            result = NoticeReviewResult(notice_id=request.notice_id, choice=request.choice)
            await self._effects.close_tasks(
                TaskKind.NOTICE_REVIEW, task_id(request.notice_id, TaskKind.NOTICE_REVIEW)
            )
            item = state.items[request.notice_id]
            if request.choice is ReviewChoice.APPEAL:
                appeal_id = state.allocate_notice(item, self._input.case_id, appeal_of=notice)
                await self._children.start_notice(appeal_id, request.actor, appeal_of=notice)
                result.appeal_notice_id = appeal_id
            elif request.choice is ReviewChoice.REFER_TO_PHAROS:
                referral_id = state.allocate_referral(
                    PHAROS, LegalBasis.ILLEGAL_CONTENT_REPORT, self._input.case_id
                )
                await self._start_referral(
                    referral_id,
                    emergency=False,
                    # refused, still online after removal, or removal unverified
                    reason=f"{notice.platform} notice {notice.notice_id}: "
                    f"{notice.status.value.replace('_', ' ')}",
                    actor=request.actor,
                    items=[item],
                )
                result.referral_id = referral_id
            state.note(
                now,
                "review",
                f"{request.notice_id} reviewed: {request.choice.value}",
                request.actor,
                "notice.reviewed",
                {"notice": request.notice_id, "choice": request.choice.value},
            )
            if request.choice is not ReviewChoice.ACCEPT:
                await self._do(state.work_added())
            return result

    @review_notice.validator
    def _validate_review_notice(self, request: NoticeReviewRequest) -> None:
        self._check(checks.review_problems(self.state, request))

    @workflow.update(name=contract.WITHDRAW_CONSENT.name)
    async def withdraw_consent(self, request: WithdrawConsentRequest) -> CaseView:
        """The victim withdraws a consent: what depended on it stops, cleanly."""
        async with self._acting():
            self._validate_withdraw_consent(request)
            to_cancel, effects = self.state.withdraw_consent(request, workflow.now())
            await self._do(effects)
            await self._children.cancel(to_cancel)
            return project.view(self.state, self._input)

    @withdraw_consent.validator
    def _validate_withdraw_consent(self, request: WithdrawConsentRequest) -> None:
        self._check(checks.withdraw_problems(self.state, request))

    # ---- closure -------------------------------------------------------------------------

    @workflow.update(name=contract.CLOSE.name)
    async def close(self, request: CloseRequest) -> CaseView:
        async with self._acting():
            self._validate_close(request)
            if request.force:
                await self._children.cancel(sorted(self.state.open_children))
            await self._close(request.actor, request.reason)
            return project.view(self.state, self._input)

    @close.validator
    def _validate_close(self, request: CloseRequest) -> None:
        self._check(checks.close_problems(self.state, request))

    @workflow.update(name=contract.REOPEN.name)
    async def reopen(self, request: ReopenRequest) -> CaseView:
        """Within the reopen window a closed case continues, history and all."""
        async with self._acting():
            self._validate_reopen(request)
            await self._reopen(request.actor, request.reason)
            return project.view(self.state, self._input)

    @reopen.validator
    def _validate_reopen(self, request: ReopenRequest) -> None:
        if problems := checks.reopen_problems(self.state, self._input, workflow.now()):
            raise rejection(problems)

    # ---- children's news -----------------------------------------------------------------

    @workflow.signal(name=contract.NOTICE_PROGRESS.name)
    def notice_progress(self, progress: NoticeProgress) -> None:
        if not self.state.notice_progressed(progress):
            return
        if progress.status is NoticeStatus.VERIFIED_REMOVED:  # their news, if they asked
            self._owe(
                self.state.news.due(self._news_wanted(), NewsEvent.REMOVED, progress.notice_id)
            )
        if progress.final:
            self._settle(progress.notice_id)  # a child of an earlier run has no handle here

    @workflow.signal(name=contract.REFERRAL_PROGRESS.name)
    def referral_progress(self, progress: ReferralProgress) -> None:
        if not self.state.referral_progressed(progress):
            return
        rid = progress.referral_id
        consented = self.state.legal_basis.get(rid) is LegalBasis.CONSENT
        if progress.status is ReferralStatus.ACCEPTED and consented:
            self._owe(self.state.news.due(self._news_wanted(), NewsEvent.REFERRAL_ACCEPTED, rid))
        if progress.final:
            self._settle(rid)

    @workflow.signal(name=contract.STOP_CASE_NEWS.name)
    def stop_case_news(self, request: StopCaseNews) -> None:
        """The young person answered STOP on their channel: no more news."""
        self._owe(self.state.news.stop(workflow.now(), request.channel, self._news_wanted()))

    @workflow.update(name=contract.RECORD_NEWS_CONSENT.name)
    async def record_news_consent(self, request: NewsConsentRequest) -> CaseView:
        """The young person's yes (here, in this conversation) or no to news, after
        the opening: what is decided from now on follows it."""
        async with self._acting():
            self._validate_record_news_consent(request)
            self.state.consents.case_news = request.wanted
            await self._do(self.state.news.answered(request))
            return project.view(self.state, self._input)

    @record_news_consent.validator
    def _validate_record_news_consent(self, request: NewsConsentRequest) -> None:
        self._check(checks.news_consent_problems(self.state, request))

    def _news_wanted(self) -> bool:
        return self.state.consents.case_news

    @workflow.signal(name=contract.ANSWER_AFTER_END.name)
    def answer_after_end(self, answer: LateAnswer) -> None:
        """A partner answered about a referral that had ended: recorded, never lost
        (open or closed case); a supervisor's task when it took over a closed case."""
        self._owe(self.state.answered_after_end(answer, workflow.now(), self._input.case_id))


def _until(deadline: datetime | None) -> timedelta | None:
    return max(deadline - workflow.now(), timedelta(0)) if deadline else None
