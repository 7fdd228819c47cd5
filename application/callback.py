"""The callback, as ``workflows/case/callback_handlers.py`` handles it: a counsellor
takes a due callback, moves it, records how the call went; and the queue of the
callbacks due (``GET /callbacks``).

Taking a callback is the task first (one conditional update, so two counsellors
racing cannot both win), then the case, then the audit trail.
"""

from application.acting import CASE_WORKERS, COUNSELLORS, Permit, service
from application.errors import Conflict, NotFound
from application.helpline import Helpline
from application.requests.callback import CallbackOutcomeCreate, CallbackReschedule, DueCallback
from domain import contract
from domain.audit_actions import AuditAction
from domain.case import CaseView, ClaimCallbackRequest
from domain.tasks import TaskKind
from relais.clock import utc_now
from relais.db import TaskAlreadyClaimed


@service(*COUNSELLORS, on_case=True)
async def claim_callback(helpline: Helpline, permit: Permit, key: str | None) -> CaseView:
    """Take the due callback of a case: one counsellor calls, the others see it taken."""
    case_id, counsellor = permit.case, permit.actor.subject
    open_tasks = await helpline.tasks.list_open(case_id=case_id)
    due = [t for t in open_tasks if t.kind is TaskKind.CALLBACK_DUE]
    if not due:
        if not await helpline.commands.exists(case_id):
            raise NotFound(f"no case {case_id}")
        raise Conflict("no callback is due on this case")
    try:
        await helpline.tasks.claim(due[0].task_id, counsellor, utc_now())
    except TaskAlreadyClaimed as exc:
        raise Conflict(str(exc)) from exc
    request = ClaimCallbackRequest(actor=counsellor)
    view = await helpline.commands.update(case_id, contract.CLAIM_CALLBACK, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_CALLBACK_CLAIM, case_id, f"task={due[0].task_id}", key=key
    )
    return view


@service(*COUNSELLORS, on_case=True)
async def reschedule_callback(
    helpline: Helpline, permit: Permit, body: CallbackReschedule, key: str | None
) -> CaseView:
    """Move the callback; the time is kept inside opening hours and the safe window."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(permit.case, contract.RESCHEDULE_CALLBACK, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_CALLBACK_RESCHEDULE, permit.case, None, key=key
    )
    return view


@service(*COUNSELLORS, on_case=True)
async def record_callback_outcome(
    helpline: Helpline, permit: Permit, body: CallbackOutcomeCreate, key: str | None
) -> CaseView:
    """Record how a follow-up call went (reached and safe: the case may close with it)."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(
        permit.case, contract.RECORD_CALLBACK_OUTCOME, request, key
    )
    await helpline.audit(permit).record(
        AuditAction.CASE_CALLBACK_RECORD, permit.case, f"result={body.result.value}", key=key
    )
    return view


@service(*CASE_WORKERS)
async def due_callbacks(helpline: Helpline, permit: Permit) -> list[DueCallback]:
    """Callbacks due now, oldest first: claimed ones show who has them (summaries
    hold no personal data: not audited)."""
    open_tasks = await helpline.tasks.list_open(for_role="counsellor")
    return [
        DueCallback(
            case_id=t.case_id,
            task_id=t.task_id,
            summary=t.summary,
            due_at=t.due_at,
            claimed_by=t.claimed_by,
            claimed_at=t.claimed_at,
        )
        for t in open_tasks
        if t.kind is TaskKind.CALLBACK_DUE
    ]
