"""A case passes to another counsellor: a supervisor's assignment, or a counsellor's
handover to a colleague (Primero's transfer). The case workflow records it first (it
refuses a handover of a closed case, to the current owner, or by someone else than
the case's counsellor); then access and the open tasks follow the new owner. Both
steps are idempotent, so a retry with the same ``Idempotency-Key`` finishes a
handover interrupted between them."""

from datetime import datetime

from api.services.case_commands import CaseCommands
from domain import contract
from domain.casework import Assigned, AssignRequest
from relais.db import TaskBoard
from relais.db.repositories.access import CaseAccessBook


class CaseHandovers:
    def __init__(self, commands: CaseCommands, access: CaseAccessBook, tasks: TaskBoard) -> None:
        self._commands = commands
        self._access = access
        self._tasks = tasks

    async def hand_over(
        self, case_id: str, request: AssignRequest, key: str | None, now: datetime
    ) -> Assigned:
        assigned = await self._commands.update(case_id, contract.ASSIGN, request, key)
        await self._access.transfer(
            case_id, assigned.previous_owner, assigned.owner, request.actor, now
        )
        await self._tasks.reassign(case_id, assigned.previous_owner, assigned.owner, now)
        return assigned
