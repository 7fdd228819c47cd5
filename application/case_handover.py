"""A case passes to another counsellor: a supervisor's assignment, or a counsellor's
handover to a colleague (Primero's transfer), as ``workflows/case/casework_handlers.py``
takes it (``assign``). The case workflow records it first (it refuses a handover of a
closed case, to the current owner, or by someone else than the case's counsellor);
then access and the open tasks follow the new owner. Both steps are idempotent, so a
retry with the same idempotency key finishes a handover interrupted between them."""

from application.acting import COUNSELLORS, SUPERVISORS, Permit, service
from application.helpline import Helpline
from application.requests.casework import CaseHandover
from domain import contract
from domain.audit_actions import AuditAction
from domain.casework import Assigned, Handover
from relais.clock import utc_now


@service(*SUPERVISORS, on_case=True)
async def assign_case(
    helpline: Helpline, permit: Permit, body: CaseHandover, key: str | None
) -> Assigned:
    """A supervisor gives the case to a counsellor."""
    return await _hand_over(helpline, permit, body, Handover.ASSIGNED, key)


@service(*COUNSELLORS, on_case=True)
async def hand_over_case(
    helpline: Helpline, permit: Permit, body: CaseHandover, key: str | None
) -> Assigned:
    """The case's counsellor hands it over to a colleague, with a note: the colleague
    gets access, the case's tasks and its claimed callback; the counsellor keeps
    access only if the case is also shared with them."""
    return await _hand_over(helpline, permit, body, Handover.HANDED_OVER, key)


async def _hand_over(
    helpline: Helpline, permit: Permit, body: CaseHandover, kind: Handover, key: str | None
) -> Assigned:
    case_id, now = permit.case, utc_now()
    request = body.request(permit.actor.subject, kind)
    assigned = await helpline.commands.update(case_id, contract.ASSIGN, request, key)
    await helpline.access.transfer(
        case_id, assigned.previous_owner, assigned.owner, permit.actor.subject, now
    )
    await helpline.tasks.reassign(case_id, assigned.previous_owner, assigned.owner, now)
    action = AuditAction.CASE_ASSIGN if kind is Handover.ASSIGNED else AuditAction.CASE_HANDOVER
    await helpline.audit(permit).record(
        action, case_id, f"from={assigned.previous_owner} to={assigned.owner}", key=key
    )
    return assigned
