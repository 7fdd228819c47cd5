"""A counsellor's worklist (``GET /me/worklist``, the console's home), built from the
directory and the task board; the contact details of a callback they claimed come
from its case (a personal-data read: audited once per case and window, as the
worklist refreshes by itself)."""

from datetime import datetime, timedelta

from application.acting import CASE_WORKERS, Permit, service
from application.audit_trail import AuditTrail
from application.case_commands import CaseCommands
from application.helpline import Helpline
from application.worklist_lines import (
    NEXT_ACTION,
    CallbackWhen,
    NextAction,
    Worklist,
    WorklistCallback,
    WorklistCase,
    WorklistTask,
)
from domain import contract
from domain.audit_actions import AuditAction
from domain.casework import ContactCard
from domain.intake import Urgency
from domain.local_time import local_label
from domain.tasks import TaskKind
from relais.db.repositories.worklist import WorklistBook

# A callback planned within this long is "soon due".
SOON = timedelta(hours=4)
_RANK = {Urgency.CRITICAL: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2, Urgency.LOW: 3}


class Worklists:
    def __init__(
        self, book: WorklistBook, commands: CaseCommands, audit: AuditTrail, timezone: str
    ) -> None:
        self._book = book
        self._commands = commands
        self._audit = audit
        self._zone = timezone

    def _local(self, at: datetime | None) -> str | None:
        return local_label(at, self._zone) if at else None

    async def of(self, subject: str, limit: int, offset: int, now: datetime) -> Worklist:
        records, total = await self._book.cases(subject, limit, offset)
        cases = [
            WorklistCase(
                case_id=r.case_id,
                status=r.status,
                urgency=r.urgency,
                next_action=NEXT_ACTION.get(r.status, NextAction.NONE),
                next_action_at=r.next_action_at,
                next_action_local=self._local(r.next_action_at),
                sla_breached=r.sla_breached,
                owner=r.owner or r.opened_by,
            )
            for r in records
        ]
        open_tasks = await self._book.tasks(subject)
        tasks = [
            WorklistTask(
                task_id=t.task_id,
                case_id=t.case_id,
                kind=t.kind,
                urgency=Urgency(urgency),
                summary=t.summary,
                due_at=t.due_at,
                claimed_by=t.claimed_by,
            )
            for t, urgency in open_tasks
            if t.kind is not TaskKind.CALLBACK_DUE
        ]
        callbacks = [
            WorklistCallback(
                case_id=t.case_id,
                urgency=Urgency(urgency),
                when=CallbackWhen.DUE,
                due_at=t.due_at,
                due_local=self._local(t.due_at),
                claimed_by=t.claimed_by,
                whom_to_call=await self._whom_to_call(t.case_id)
                if t.claimed_by == subject
                else None,
            )
            for t, urgency in open_tasks
            if t.kind is TaskKind.CALLBACK_DUE
        ]
        due = {c.case_id for c in callbacks}  # the directory may not say "due" yet
        callbacks += [
            WorklistCallback(
                case_id=r.case_id,
                urgency=r.urgency,
                when=CallbackWhen.SOON,
                due_at=r.next_action_at,
                due_local=self._local(r.next_action_at),
            )
            for r in await self._book.callbacks_soon(subject, now + SOON)
            if r.case_id not in due
        ]
        callbacks.sort(key=lambda c: (_RANK[c.urgency], c.due_at or now + SOON * 10))
        return Worklist(
            cases=cases, total=total, limit=limit, offset=offset, callbacks=callbacks, tasks=tasks
        )

    async def _whom_to_call(self, case_id: str) -> ContactCard:
        card = await self._commands.query(case_id, contract.CASE_CONTACT)
        await self._audit.record_read(
            AuditAction.CASE_CONTACT_READ, case_id, "personal data read (worklist)"
        )
        return card


@service(*CASE_WORKERS)
async def my_worklist(
    helpline: Helpline, permit: Permit, limit: int, offset: int, now: datetime
) -> Worklist:
    """My open cases (mine, shared with me, or reached through a task I claimed), most
    urgent first then soonest due; the callbacks due or due within 4 hours; my open
    tasks. A due callback I claimed says whom to call and how."""
    book = WorklistBook(helpline.database)
    lists = Worklists(book, helpline.commands, helpline.audit(permit), helpline.timezone)
    return await lists.of(permit.actor.subject, limit, offset, now)
