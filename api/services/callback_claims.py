"""A counsellor takes a due callback: the task first (one conditional update, so two
counsellors racing cannot both win), then the case, then the audit trail. Used by
``POST /cases/{id}/callback/claim`` and the console's button alike."""

from api.services.audit_trail import AuditTrail
from api.services.case_commands import CaseCommands
from api.services.errors import Conflict
from domain import contract
from domain.case import CaseView, ClaimCallbackRequest
from domain.tasks import TaskKind
from relais.clock import utc_now
from relais.db import TaskAlreadyClaimed, TaskBoard


async def claim_callback(
    case_id: str, counsellor: str, tasks: TaskBoard, commands: CaseCommands, audit: AuditTrail
) -> CaseView:
    due = [t for t in await tasks.list_open(case_id=case_id) if t.kind is TaskKind.CALLBACK_DUE]
    if not due:
        raise Conflict("no callback is due on this case")
    try:
        await tasks.claim(due[0].task_id, counsellor, utc_now())
    except TaskAlreadyClaimed as exc:
        raise Conflict(str(exc)) from exc
    view = await commands.update(
        case_id, contract.CLAIM_CALLBACK, ClaimCallbackRequest(actor=counsellor)
    )
    await audit.record("case.callback.claim", case_id, f"task={due[0].task_id}")
    return view
