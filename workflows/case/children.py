"""The children of a case: one TakedownWorkflow per notice and one ReferralWorkflow
per handoff. Starts them, follows each to its end, and cancels them when the case
closes or a consent is withdrawn. Workflow code: runs inside the case.

Children outlive a run of the case (parent close policy ABANDON), so the case can
continue as new with notices and referrals still open: each child reports its end to
the case's workflow id by a final progress signal, which reaches whichever run is
current. Within the run that started a child, its handle also tells how it ended when
it could not say so itself (cancelled before its code ran, or failed).
"""

import asyncio
from collections.abc import Callable

from temporalio import workflow
from temporalio.exceptions import CancelledError, ChildWorkflowError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.catalog import AdapterInfo
    from domain.intake import CaseOpening
    from domain.items import QualifiedItem
    from domain.notice import NoticeOutcome, NoticeStatus
    from domain.referral import ReferralOutcome, ReferralStatus
    from domain.rules.handoff_package import build_handoff_package
    from workflows.case.state import CaseState
    from workflows.referral.state import ReferralInput
    from workflows.takedown.state import NoticeInput


class CaseChildren:
    def __init__(
        self, opening: CaseOpening, state: CaseState, settled: Callable[[str], None]
    ) -> None:
        self._opening = opening
        self._state = state
        self._settled = settled
        # Children of earlier runs were all started; this run's are once started here.
        self._started: set[str] = set(state.open_children) if state.runs > 1 else set()
        self._following: dict[str, asyncio.Task[None]] = {}

    def started(self, child_id: str) -> bool:
        return child_id in self._started

    async def start_notice(
        self, notice_id: str, actor: str, appeal_of: NoticeOutcome | None = None
    ) -> None:
        state, opening = self._state, self._opening
        item = state.items[notice_id]
        platform = state.catalog.platforms[item.platform]
        self._started.add(notice_id)
        asked_at = workflow.now()  # the line comes before the child's own news
        handle = await workflow.start_child_workflow(
            contract.TAKEDOWN.name,
            NoticeInput(
                case_id=opening.case_id,
                notice_id=notice_id,
                item=item,
                platform=platform,
                policy=opening.policy,
                parent_workflow_id=workflow.info().workflow_id,
                appeal_of=appeal_of.notice_id if appeal_of else None,
                appeal_of_reference=appeal_of.platform_reference if appeal_of else None,
            ),
            id=contract.TAKEDOWN.workflow_id(notice_id),
            result_type=NoticeOutcome,
            static_summary=f"{'Appeal' if appeal_of else 'Notice'} {notice_id} to "
            f"{platform.display_name} ({item.legal_qualification.value})",
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        state.note(
            asked_at,
            "notice",
            f"{notice_id}: notice to {platform.slug} started",
            actor,
            "notice.started",
            {"notice": notice_id, "platform": platform.slug},
        )
        self._following[notice_id] = asyncio.create_task(self._follow_notice(notice_id, handle))

    async def start_referral(
        self,
        referral_id: str,
        partner: AdapterInfo,
        *,
        emergency: bool,
        reason: str | None,
        actor: str,
        items: list[QualifiedItem] | None = None,
    ) -> None:
        state, opening = self._state, self._opening
        basis = state.legal_basis[referral_id]
        package = build_handoff_package(
            partner=partner,
            case_id=opening.case_id,
            referral_id=referral_id,
            intake=state.intake,
            urgency=state.urgency,
            legal_basis=basis,
            reason=reason,
            contact=state.contact,
            items=items if items is not None else list(state.items.values()),
        )
        self._started.add(referral_id)
        asked_at = workflow.now()  # the line comes before the child's own news
        handle = await workflow.start_child_workflow(
            contract.REFERRAL.name,
            ReferralInput(
                case_id=opening.case_id,
                referral_id=referral_id,
                partner=partner,
                package=package,
                emergency=emergency,
                policy=opening.policy,
                parent_workflow_id=workflow.info().workflow_id,
            ),
            id=contract.REFERRAL.workflow_id(referral_id),
            result_type=ReferralOutcome,
            static_summary=f"Referral {referral_id} to {partner.display_name}"
            + (" (emergency)" if emergency else ""),
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        state.note(
            asked_at,
            "referral",
            f"{referral_id}: handoff to {partner.slug} started ({basis.value})",
            actor,
            "referral.started",
            {"referral": referral_id, "partner": partner.slug, "basis": basis.value},
        )
        self._following[referral_id] = asyncio.create_task(
            self._follow_referral(referral_id, handle)
        )

    async def cancel(self, child_ids: list[str]) -> None:
        """Ask children to stop and wait until each has reported its last state; one
        never started (the case closed before its start) is cancelled at once."""
        state = self._state
        for child_id in child_ids:
            if not self.started(child_id):
                self._end_unstarted(child_id)
                continue
            workflow_type = contract.TAKEDOWN if child_id in state.notices else contract.REFERRAL
            await workflow.get_external_workflow_handle(
                workflow_type.workflow_id(child_id)
            ).cancel()
        await workflow.wait_condition(lambda: state.open_children.isdisjoint(child_ids))

    def _end_unstarted(self, child_id: str) -> None:
        if child_id in self._state.notices:
            self._state.notice_stopped(child_id, NoticeStatus.CANCELLED)
        else:
            self._state.referral_stopped(child_id, ReferralStatus.CANCELLED)
        self._settled(child_id)

    async def _follow_notice(self, notice_id: str, handle: asyncio.Task[NoticeOutcome]) -> None:
        try:
            self._state.notice_finished(notice_id, await handle)
        except ChildWorkflowError as error:
            ended = NoticeStatus.CANCELLED if _cancelled(error) else NoticeStatus.FAILED
            self._state.notice_stopped(notice_id, ended)
        self._settled(notice_id)

    async def _follow_referral(
        self, referral_id: str, handle: asyncio.Task[ReferralOutcome]
    ) -> None:
        try:
            self._state.referral_finished(referral_id, await handle)
        except ChildWorkflowError as error:
            ended = ReferralStatus.CANCELLED if _cancelled(error) else ReferralStatus.FAILED
            self._state.referral_stopped(referral_id, ended)
        self._settled(referral_id)


def _cancelled(error: ChildWorkflowError) -> bool:
    """A child cancelled before its code ran (a close or a withdrawal right after it
    was started) ends as cancelled without a word: it did nothing, it did not fail."""
    return isinstance(error.cause, CancelledError)
