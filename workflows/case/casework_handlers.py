"""A counsellor's work on the case beyond its opening, as updates of the case
workflow: notes, later contacts, new risk, urgency, intake corrections, handovers;
and the contact details, read on demand."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.case import CaseView
    from domain.casework import (
        AddContactRequest,
        AddNoteRequest,
        Assigned,
        AssignRequest,
        CaseContact,
        CaseNote,
        ChangeUrgencyRequest,
        ContactCard,
        CorrectIntakeRequest,
        IntakeCorrected,
        RecordRiskRequest,
    )
    from workflows.case import casework, checks
    from workflows.case import projections as project
    from workflows.case.base import CaseHandlers


class CaseworkHandlers(CaseHandlers):
    @workflow.query(name=contract.CASE_CONTACT.name)
    def contact(self) -> ContactCard:
        """Personal data: the API audits every read."""
        return project.contact_card(self.state)

    @workflow.update(name=contract.ADD_NOTE.name)
    async def add_note(self, request: AddNoteRequest) -> CaseNote:
        """A note is written on an open or a closed case (never in the timeline)."""
        async with self._acting():
            return casework.add_note(self.state, request, workflow.now(), self._input.case_id)

    @add_note.validator
    def _validate_add_note(self, request: AddNoteRequest) -> None:
        pass  # any text within its limits; the model checked them

    @workflow.update(name=contract.ADD_CONTACT.name)
    async def add_contact(self, request: AddContactRequest) -> CaseContact:
        """The young person calls again, or a parent does: a closed case inside its
        reopen window is reopened; new risk flags are triaged at once."""
        async with self._acting():
            self._validate_add_contact(request)
            if self.state.closed_at is not None:
                await self._reopen(request.actor, f"new contact ({request.channel.value})")
            contact = casework.add_contact(self.state, request, workflow.now(), self._input.case_id)
            if request.risk_flags:
                await self._record_risk(request.risk_flags, request.actor)
            return contact

    @add_contact.validator
    def _validate_add_contact(self, request: AddContactRequest) -> None:
        self._refuse(checks.contact_problems(self.state, self._input, workflow.now()))

    @workflow.update(name=contract.RECORD_RISK.name)
    async def record_risk(self, request: RecordRiskRequest) -> CaseView:
        async with self._acting():
            self._validate_record_risk(request)
            await self._record_risk(request.risk_flags, request.actor)
            return project.view(self.state, self._input)

    @record_risk.validator
    def _validate_record_risk(self, request: RecordRiskRequest) -> None:
        self._check(checks.risk_problems(self.state, request))

    @workflow.update(name=contract.CHANGE_URGENCY.name)
    async def change_urgency(self, request: ChangeUrgencyRequest) -> CaseView:
        """A supervisor sets the urgency (the API lets only supervisors ask)."""
        async with self._acting():
            self._validate_change_urgency(request)
            casework.change_urgency(self.state, request, workflow.now())
            return project.view(self.state, self._input)

    @change_urgency.validator
    def _validate_change_urgency(self, request: ChangeUrgencyRequest) -> None:
        self._check(checks.urgency_problems(self.state, request))

    @workflow.update(name=contract.CORRECT_INTAKE.name)
    async def correct_intake(self, request: CorrectIntakeRequest) -> IntakeCorrected:
        async with self._acting():
            self._validate_correct_intake(request)
            return casework.correct_intake(self.state, request, workflow.now())

    @correct_intake.validator
    def _validate_correct_intake(self, request: CorrectIntakeRequest) -> None:
        self._check(checks.correction_problems(self.state, request))

    @workflow.update(name=contract.ASSIGN.name)
    async def assign(self, request: AssignRequest) -> Assigned:
        async with self._acting():
            self._validate_assign(request)
            assigned, effects = casework.assign(
                self.state, request, workflow.now(), self._input.case_id
            )
            await self._do(effects)
            return assigned

    @assign.validator
    def _validate_assign(self, request: AssignRequest) -> None:
        self._check(checks.assign_problems(self.state, request))
