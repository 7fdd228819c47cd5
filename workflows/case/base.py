"""What every handler group of the case workflow shares: its state, its lock, its
children and effects, and the steps several handlers take (refusing, settling a
child, starting a referral, closing, reopening, recording new risk). Workflow code:
the handler groups (:mod:`workflows.case.callback_handlers`,
:mod:`workflows.case.casework_handlers`) and :class:`SupportCaseWorkflow` build on it."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.intake import RiskFlag
    from domain.items import QualifiedItem
    from domain.problems import Problem
    from domain.referral import ReferralStatus
    from domain.tasks import TaskKind
    from workflows.case import casework, checks
    from workflows.case.callback import CallbackRules, Effect, OpenTask
    from workflows.case.children import CaseChildren
    from workflows.case.effects import CaseEffects
    from workflows.case.state import CaseInput, CaseState
    from workflows.rejection import rejection


class CaseHandlers:
    _input: CaseInput
    state: CaseState
    _lock: asyncio.Lock
    _children: CaseChildren
    _effects: CaseEffects
    # What a change made without the lock asks (a child settling, news from a signal):
    # tasks to open or close, carried out under the lock before the case next answers
    # or publishes (the timeline notes were written at once).
    _owed: list[Effect]

    @asynccontextmanager
    async def _acting(self) -> AsyncIterator[None]:
        """A counsellor's request, one at a time under the case's lock; what it changed
        is published (search attributes, the directory row the worklist reads) before
        it answers, so the counsellor's next read sees it: a case just closed is off
        their worklist. A refused request publishes nothing (it changed nothing)."""
        async with self._lock:
            yield
            await self._carry_out_owed()
            await self._effects.publish()

    async def _do(self, effects: list[Effect]) -> None:
        await self._effects.carry_out(effects)

    def _owe(self, effects: list[Effect]) -> None:
        """Effects of a change made where the case cannot await (a signal handler, a
        child's end): carried out by :meth:`_carry_out_owed`."""
        self._owed += effects

    async def _carry_out_owed(self) -> None:
        """Carry out what earlier changes owe, under the lock (in order, including what
        changes made meanwhile add)."""
        while self._owed:
            effects, self._owed = self._owed, []
            await self._do(effects)

    def _rules(self) -> CallbackRules:
        return self.state.rules(self._input)

    def _check(self, problems: list[Problem]) -> None:
        """Refuse a request on a closed case, or with problems. Validators call it,
        and handlers again under the lock (the case may have moved on meanwhile)."""
        if problems := checks.closed_problems(self.state) or problems:
            raise rejection(problems)

    def _refuse(self, problems: list[Problem]) -> None:
        """Refuse a request with problems (one a closed case may take)."""
        if problems:
            raise rejection(problems)

    def _settle(self, child_id: str) -> None:
        """A child's end is in (by its result or its final progress signal): what
        settling asks is carried out once the lock is free."""
        self._owe(self.state.child_settled(child_id, workflow.now(), self._rules()))

    async def _start_referral(
        self,
        referral_id: str,
        *,
        emergency: bool,
        reason: str | None,
        actor: str,
        items: list[QualifiedItem] | None = None,
    ) -> None:
        state = self.state
        partner_slug = state.referrals[referral_id].partner
        partner = state.catalog.partner(partner_slug)
        if partner is None:  # only for triage: counsellors' requests were validated
            state.referral_stopped(referral_id, ReferralStatus.FAILED)
            self._settle(referral_id)
            await self._effects.open_task(
                OpenTask(
                    TaskKind.MANUAL_HANDOFF,
                    f"No adapter for emergency partner '{partner_slug}': hand over by phone now",
                    suffix=referral_id,
                )
            )
            return
        await self._children.start_referral(
            referral_id, partner, emergency=emergency, reason=reason, actor=actor, items=items
        )

    async def _record_risk(self, flags: list[RiskFlag], actor: str) -> None:
        """New risk: urgency follows at once, emergency referrals start at once."""
        to_start = casework.record_risk(
            self.state, flags, workflow.now(), actor, self._input.case_id
        )
        if to_start:
            await self._do(self.state.work_added())
        for referral_id in to_start:
            await self._start_referral(
                referral_id,
                emergency=True,
                reason="immediate danger recorded during the case",
                actor=actor,
            )

    async def _close(self, actor: str, reason: str) -> None:
        now = workflow.now()
        await self._do(self.state.close(now, reason, actor))
        await self._effects.schedule_purge(now + self._input.policy.retention)

    async def _reopen(self, actor: str, reason: str) -> None:
        await self._do(self.state.reopen(workflow.now(), reason, actor, self._rules()))
        await self._effects.schedule_purge(None)  # an open case is never purged
