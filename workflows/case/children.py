"""The children of a case: one TakedownWorkflow per notice and one ReferralWorkflow
per handoff. Starts them, follows each to its outcome, and cancels them when the
case closes or a consent is withdrawn. Workflow code: runs inside the case."""

import asyncio
from collections.abc import Callable

from temporalio import workflow
from temporalio.exceptions import CancelledError, ChildWorkflowError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.catalog import AdapterInfo
    from domain.items import QualifiedItem
    from domain.notice import NoticeOutcome, NoticeStatus
    from domain.personal import ContactDetails
    from domain.referral import LegalBasis, ReferralOutcome, ReferralStatus
    from domain.rules.handoff_package import build_handoff_package
    from workflows import patches
    from workflows.case.state import CaseState
    from workflows.referral.state import ReferralInput
    from workflows.referral.workflow import ReferralWorkflow
    from workflows.takedown.state import NoticeInput
    from workflows.takedown.workflow import TakedownWorkflow


class CaseChildren:
    def __init__(
        self, state: CaseState, contact: ContactDetails, on_settled: Callable[[str], None]
    ) -> None:
        self._state = state
        self._contact = contact
        self._on_settled = on_settled
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # Children that close with this run (started before ABANDON_CHILDREN existed).
        self._bound: set[str] = set()
        # Personal data stays here, behind the payload codec, never in CaseState's views.
        self.items: dict[str, QualifiedItem] = {}
        self.legal_basis: dict[str, LegalBasis] = {}

    async def start_notice(
        self, item: QualifiedItem, actor: str, appeal_of: NoticeOutcome | None = None
    ) -> str:
        state = self._state
        notice_id = f"{state.case_id}-n{len(state.notices) + 1}"
        platform = state.catalog.platforms[item.platform]
        state.notices[notice_id] = NoticeOutcome(
            notice_id=notice_id,
            platform=platform.slug,
            status=NoticeStatus.PENDING,
            appeal_of=appeal_of.notice_id if appeal_of else None,
        )
        self.items[notice_id] = item
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
                appeal_of=appeal_of.notice_id if appeal_of else None,
                appeal_of_reference=appeal_of.platform_reference if appeal_of else None,
            ),
            id=contract.TAKEDOWN.workflow_id(notice_id),
            static_summary=f"{'Appeal' if appeal_of else 'Notice'} {notice_id} to "
            f"{platform.display_name} ({item.legal_qualification.value})",
            parent_close_policy=self._close_policy(notice_id),
        )
        state.note(
            workflow.now(), "notice", f"{notice_id}: notice to {platform.slug} started", actor
        )
        self._tasks[notice_id] = asyncio.create_task(self._follow_notice(notice_id, handle))
        return notice_id

    def new_referral(self, partner_slug: str, basis: LegalBasis) -> str:
        """Allocate the referral's id and show it pending on the case."""
        state = self._state
        referral_id = f"{state.case_id}-r{len(state.referrals) + 1}"
        self.legal_basis[referral_id] = basis
        state.referrals[referral_id] = ReferralOutcome(
            referral_id=referral_id, partner=partner_slug, status=ReferralStatus.PENDING
        )
        return referral_id

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
        state = self._state
        basis = self.legal_basis[referral_id]
        package = build_handoff_package(
            partner=partner,
            case_id=state.case_id,
            referral_id=referral_id,
            intake=state.input.intake,
            urgency=state.urgency,
            legal_basis=basis,
            reason=reason,
            contact=self._contact,
            items=items if items is not None else list(self.items.values()),
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
            id=contract.REFERRAL.workflow_id(referral_id),
            static_summary=f"Referral {referral_id} to {partner.display_name}"
            + (" (emergency)" if emergency else ""),
            parent_close_policy=self._close_policy(referral_id),
        )
        state.note(
            workflow.now(),
            "referral",
            f"{referral_id}: handoff to {partner.slug} started ({basis.value})",
            actor,
        )
        self._tasks[referral_id] = asyncio.create_task(self._follow_referral(referral_id, handle))

    def _close_policy(self, child_id: str) -> ParentClosePolicy:
        """Children outlive a run, so the case can continue as new with notices still
        open; closing the case cancels them explicitly (``cancel``)."""
        if workflow.patched(patches.ABANDON_CHILDREN):
            return ParentClosePolicy.ABANDON
        self._bound.add(child_id)
        return ParentClosePolicy.REQUEST_CANCEL

    def can_carry_over(self) -> bool:
        """Whether the open children can follow the case into its next run: they
        report their end by signal (referrals since REFERRALS_CARRY_OVER)."""
        if self._bound & self._state.open_children:
            return False
        return not self._state.open_referrals() or workflow.patched(patches.REFERRALS_CARRY_OVER)

    async def cancel(self, child_ids: list[str]) -> None:
        """Ask children to stop and wait until each has reported its last state."""
        state = self._state
        for child_id in child_ids:
            await workflow.get_external_workflow_handle(
                contract.TAKEDOWN.workflow_id(child_id)
                if child_id in state.notices
                else contract.REFERRAL.workflow_id(child_id)
            ).cancel()
        await workflow.wait_condition(lambda: state.open_children.isdisjoint(child_ids))

    async def _follow_notice(self, notice_id: str, handle: asyncio.Task[NoticeOutcome]) -> None:
        notices = self._state.notices
        try:
            outcome = await handle
            known = notices[notice_id]  # what the case added: the link and the review
            notices[notice_id] = outcome.model_copy(
                update={"appeal_of": known.appeal_of, "review": known.review}
            )
        except ChildWorkflowError as error:
            notices[notice_id].status = (
                NoticeStatus.CANCELLED if _cancelled(error) else NoticeStatus.FAILED
            )
        self._on_settled(notice_id)

    async def _follow_referral(
        self, referral_id: str, handle: asyncio.Task[ReferralOutcome]
    ) -> None:
        referrals = self._state.referrals
        try:
            referrals[referral_id] = await handle
        except ChildWorkflowError as error:
            referrals[referral_id].status = (
                ReferralStatus.CANCELLED if _cancelled(error) else ReferralStatus.FAILED
            )
        self._on_settled(referral_id)


def _cancelled(error: ChildWorkflowError) -> bool:
    """A child cancelled before its code ran (a close or a withdrawal right after it
    was started) ends as cancelled without a word: it did nothing, it did not fail."""
    return isinstance(error.cause, CancelledError)
