"""What the referral workflow tells others: the counsellor's phone-handoff task, its
ledger row, search attributes and current details, and the case (its progress, and a
partner's news that came as the referral ended). Workflow code: :class:`ReferralWorkflow`
builds on it."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import workflows.referral.state as referral_state
    from domain import contract
    from domain.referral import LateAnswer, ReferralProgress, ReferralStatus
    from domain.rules.referral_rules import moves_on
    from domain.tasks import CloseTasksRequest, CounsellorTask, TaskKind, task_id
    from workflows.calls import call, record_call
    from workflows.cancellation import raise_if_cancel_swallowed
    from workflows.referral.state import SETTLED, ReferralInput, ReferralState


class ReferralReporting:
    _input: ReferralInput
    state: ReferralState

    async def _report_attempt(self) -> None:
        """The case always learns of a failed attempt (its referral says it in words);
        the timeline and the ledger on the 1st, 2nd, 4th, 8th... (a partner down for
        two days is some 600 attempts for the police)."""
        failed = self.state.failed_attempts
        if failed & (failed - 1) == 0:
            await self._report(self.state.detail or "")
            return
        news = self.state.detail or ""
        workflow.set_current_details(referral_state.details_markdown(self.state, self._input, news))
        await self._tell_case(
            referral_state.progress(self.state, self._input, news, workflow.now(), timeline=False)
        )

    def _manual_task_id(self) -> str:
        return task_id(self._input.referral_id, TaskKind.MANUAL_HANDOFF)

    async def _open_manual_handoff_task(self, why: str) -> None:
        self.state.phone_task_opened = True
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
        if not self.state.phone_task_opened:
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
        state = self.state
        state.version += 1
        now = workflow.now()
        workflow.upsert_search_attributes(referral_state.search_attributes(state, self._input))
        workflow.set_current_details(referral_state.details_markdown(state, self._input, news))
        await call(
            contract.RECORD_REFERRAL,
            referral_state.record(state, self._input, news, now),
            summary="record referral in the ledger",
            **record_call(self._input.policy),
        )
        await self._tell_case(referral_state.progress(state, self._input, news, now))

    async def _pass_on_late_news(self) -> None:
        """The partner's news that came while the referral was ending, after its last
        look at them (a cancellation crossing an answer): handed to the case as answers
        after the end, so none is lost. Stale news about a settled referral is not."""
        late, self.state.news = self.state.news, []
        parent = self._input.parent_workflow_id
        for news in late:
            if not parent or (
                self.state.status in SETTLED and not moves_on(self.state.status, news.status)
            ):
                continue
            answer = LateAnswer(
                referral_id=self._input.referral_id, partner=self._input.partner.slug, news=news
            )
            try:
                await workflow.get_external_workflow_handle(parent).signal(
                    contract.ANSWER_AFTER_END.name, answer
                )
            except Exception:  # the case has ended too: the webhook audited the answer
                workflow.logger.info("case workflow no longer accepts answers")

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
            if not self.state.finished and self.state.status is not ReferralStatus.CANCELLED:
                raise_if_cancel_swallowed()
