"""Reading cases: one case as its workflow sees it now (a handoff that has not
reached its partner says so in its own words), and the list of the cases a person
may read. Reads a screen repeats are audited once per caller, subject and window."""

from application.acting import CASE_WORKERS, Permit, service
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.case import CaseView
from domain.records import CaseFilter, CaseRecord
from relais.settings import Role


@service(*CASE_WORKERS, on_case=True)
async def read_case(helpline: Helpline, permit: Permit) -> CaseView:
    """The case as its workflow sees it now: notices, referrals (a handoff that has
    not reached its partner says since when and how often it tried), callback,
    contacts, notes, timeline."""
    view = await helpline.commands.view(permit.case)
    await helpline.audit(permit).record_read(AuditAction.CASE_READ, permit.case)
    return view


@service(*CASE_WORKERS)
async def list_cases(
    helpline: Helpline, permit: Permit, wanted: CaseFilter, filters: str | None
) -> tuple[list[CaseRecord], int]:
    """The cases matching ``wanted`` that the person may read (a counsellor: theirs,
    shared with them, reached by a task; a supervisor: every case), and how many
    there are; ``filters``: the filters as the audit line names them."""
    readable_by = permit.actor.subject if permit.actor.role is Role.COUNSELLOR else None
    case_filter = wanted.model_copy(update={"readable_by": readable_by})
    items = await helpline.directory.list(case_filter)
    total = await helpline.directory.count(case_filter)
    await helpline.audit(permit).record_read(AuditAction.CASE_LIST, detail=filters)
    return items, total
