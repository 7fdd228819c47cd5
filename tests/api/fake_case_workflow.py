"""Stand-ins for the real workflows, so the API routes can be tested alone.

``FakeCaseWorkflow`` registers under the real name ``SupportCaseWorkflow`` with the
real update and query names; it only records what it receives and answers with
plausible views. Its ``add_items`` validator uses the real validation rule
(``workflows.rules.validation.item_problems``), so an unknown platform or a bad URL
is rejected exactly as the real workflow rejects it. ``FakeTakedownWorkflow`` and
``FakeReferralWorkflow`` stand in for the children a webhook signals.
"""

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflows import names
    from workflows.models.case import (
        CallbackOutcomeRequest,
        CallbackView,
        CaseView,
        CloseRequest,
    )
    from workflows.models.enums import CaseStatus, LegalBasis, NoticeStatus, ReferralStatus
    from workflows.models.intake import CaseInput
    from workflows.models.items import AddItemsRequest, AddItemsResult
    from workflows.models.notice import NoticeDecision, NoticeOutcome
    from workflows.models.referral import HandoffStatus, ReferralOutcome, ReferralRequest
    from workflows.rules.referral_rules import referral_basis_problems
    from workflows.rules.triage import triage
    from workflows.rules.validation import item_problems


@workflow.defn(name=names.SUPPORT_CASE_WORKFLOW)
class FakeCaseWorkflow:
    @workflow.init
    def __init__(self, case_input: CaseInput) -> None:
        self.input = case_input
        self.opened_at = workflow.now()
        self.add_items_requests: list[AddItemsRequest] = []
        self.referral_requests: list[ReferralRequest] = []
        self.callback_outcomes: list[CallbackOutcomeRequest] = []
        self.close_request: CloseRequest | None = None
        self.notice_ids: list[str] = []

    @workflow.run
    async def run(self, case_input: CaseInput) -> None:
        await workflow.wait_condition(lambda: self.close_request is not None)
        await workflow.wait_condition(workflow.all_handlers_finished)

    @workflow.query(name=names.QUERY_VIEW)
    def view(self) -> CaseView:
        closed = self.close_request is not None
        return CaseView(
            case_id=self.input.case_id,
            status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
            urgency=triage(self.input.intake).urgency,
            categories=self.input.intake.categories,
            opened_at=self.opened_at,
            opened_by=self.input.opened_by,
            close_reason=self.close_request.reason if self.close_request else None,
            notices=[
                NoticeOutcome(notice_id=n, platform="?", status=NoticeStatus.PENDING)
                for n in self.notice_ids
            ],
            callback=CallbackView(attempts=len(self.callback_outcomes)),
        )

    @workflow.query
    def received(self) -> dict[str, object]:
        """What the API sent, for the tests to check (stand-in only)."""
        return {
            "input": self.input,
            "add_items": self.add_items_requests,
            "referrals": self.referral_requests,
            "callbacks": self.callback_outcomes,
            "close": self.close_request,
        }

    @workflow.update(name=names.UPDATE_ADD_ITEMS)
    async def add_items(self, request: AddItemsRequest) -> AddItemsResult:
        self.add_items_requests.append(request)
        new = [
            f"{self.input.case_id}-n{len(self.notice_ids) + i}" for i in range(len(request.items))
        ]
        self.notice_ids += new
        return AddItemsResult(notice_ids=new)

    @add_items.validator
    def validate_add_items(self, request: AddItemsRequest) -> None:
        catalog = request.catalog or self.input.catalog
        problems = item_problems(request.items, catalog, self.input.intake.consents)
        if problems:
            raise ApplicationError("; ".join(problems), problems, type="InvalidItems")

    @workflow.update(name=names.UPDATE_REQUEST_REFERRAL)
    async def request_referral(self, request: ReferralRequest) -> ReferralOutcome:
        self.referral_requests.append(request)
        return ReferralOutcome(
            referral_id=f"{self.input.case_id}-r{len(self.referral_requests)}",
            partner=request.partner,
            status=ReferralStatus.PENDING,
        )

    @request_referral.validator
    def validate_referral(self, request: ReferralRequest) -> None:
        consents = self.input.intake.consents
        if request.victim_consented:
            consents = consents.model_copy(
                update={"referral_partners": [*consents.referral_partners, request.partner]}
            )
        catalog = request.catalog or self.input.catalog
        if problems := referral_basis_problems(
            request.partner, LegalBasis.CONSENT, catalog, consents
        ):
            raise ApplicationError("; ".join(problems), problems, type="InvalidReferral")

    @workflow.update(name=names.UPDATE_RECORD_CALLBACK_OUTCOME)
    async def record_callback_outcome(self, request: CallbackOutcomeRequest) -> CaseView:
        self.callback_outcomes.append(request)
        return self.view()

    @workflow.update(name=names.UPDATE_CLOSE)
    async def close(self, request: CloseRequest) -> CaseView:
        self.close_request = request
        return self.view()


@workflow.defn(name=names.TAKEDOWN_WORKFLOW)
class FakeTakedownWorkflow:
    """Waits for a platform decision and keeps it."""

    def __init__(self) -> None:
        self.decisions: list[NoticeDecision] = []

    @workflow.run
    async def run(self, notice_id: str) -> None:
        await workflow.wait_condition(lambda: bool(self.decisions))

    @workflow.signal(name=names.SIGNAL_DECISION)
    def decision(self, decision: NoticeDecision) -> None:
        self.decisions.append(decision)

    @workflow.query
    def received(self) -> list[NoticeDecision]:
        return self.decisions


@workflow.defn(name=names.REFERRAL_WORKFLOW)
class FakeReferralWorkflow:
    """Waits for partner statuses and keeps them (until told the handoff is closed)."""

    def __init__(self) -> None:
        self.statuses: list[HandoffStatus] = []

    @workflow.run
    async def run(self, referral_id: str) -> None:
        await workflow.wait_condition(
            lambda: any(s.status is ReferralStatus.CLOSED for s in self.statuses)
        )

    @workflow.signal(name=names.SIGNAL_PARTNER_STATUS)
    def partner_status(self, status: HandoffStatus) -> None:
        self.statuses.append(status)

    @workflow.query
    def received(self) -> list[HandoffStatus]:
        return self.statuses


FAKE_WORKFLOWS = [FakeCaseWorkflow, FakeTakedownWorkflow, FakeReferralWorkflow]
