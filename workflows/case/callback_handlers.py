"""The callback's updates of the case workflow: a counsellor claims it, moves it,
records how it went (and may close the case with it)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.case import (
        CallbackOutcomeRequest,
        CaseView,
        ClaimCallbackRequest,
        RescheduleCallbackRequest,
    )
    from workflows.case import checks
    from workflows.case import projections as project
    from workflows.case.base import CaseHandlers


class CallbackHandlers(CaseHandlers):
    @workflow.update(name=contract.CLAIM_CALLBACK.name)
    async def claim_callback(self, request: ClaimCallbackRequest) -> CaseView:
        """One counsellor takes the callback; the others see it is taken."""
        async with self._acting():
            self._validate_claim_callback(request)
            await self._do(self.state.callback.claim(request.actor))
            return project.view(self.state, self._input)

    @claim_callback.validator
    def _validate_claim_callback(self, request: ClaimCallbackRequest) -> None:
        self._check(checks.claim_problems(self.state, request))

    @workflow.update(name=contract.RESCHEDULE_CALLBACK.name)
    async def reschedule_callback(self, request: RescheduleCallbackRequest) -> CaseView:
        """Move the callback (the young person asked for another time); the new time
        is kept inside opening hours and the safe window."""
        async with self._acting():
            self._validate_reschedule_callback(request)
            await self._do(self.state.callback.reschedule(request.at, request.actor, self._rules()))
            return project.view(self.state, self._input)

    @reschedule_callback.validator
    def _validate_reschedule_callback(self, request: RescheduleCallbackRequest) -> None:
        self._check(checks.reschedule_problems(self.state, request, workflow.now()))

    @workflow.update(name=contract.RECORD_CALLBACK_OUTCOME.name)
    async def record_callback_outcome(self, request: CallbackOutcomeRequest) -> CaseView:
        async with self._acting():
            self._validate_callback_outcome(request)
            now = workflow.now()
            attempt = self.state.callback.record_attempt(
                request.result, now, request.actor, self._rules()
            )
            await self._do(attempt)
            if request.close_case:
                await self._close(request.actor, "young person reached: case resolved")
            return project.view(self.state, self._input)

    @record_callback_outcome.validator
    def _validate_callback_outcome(self, request: CallbackOutcomeRequest) -> None:
        self._check(checks.callback_outcome_problems(self.state, request))
