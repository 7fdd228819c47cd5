"""Activities of the retention purge: schedule a closed case's purge, find the cases
due, and mark them purged (the key itself is destroyed by ``destroy_case_key``)."""

from datetime import datetime

from pydantic import BaseModel, Field
from temporalio import activity

from relais.db import AuditLog, Database
from relais.db.records import AuditEntry
from relais.db.repositories.retention import RetentionBook

RETENTION_ACTOR = "retention-purge"


class SchedulePurgeRequest(BaseModel):
    case_id: str
    purge_after: datetime | None = Field(description="None: the case was reopened")


class DuePurgesRequest(BaseModel):
    now: datetime
    limit: int = Field(default=100, ge=1, le=1000)


class PurgedCase(BaseModel):
    case_id: str
    at: datetime


class RetentionActivities:
    def __init__(self, database: Database) -> None:
        self._book = RetentionBook(database)
        self._audit = AuditLog(database)

    @activity.defn
    async def schedule_purge(self, request: SchedulePurgeRequest) -> None:
        await self._book.schedule(request.case_id, request.purge_after)

    @activity.defn
    async def find_due_purges(self, request: DuePurgesRequest) -> list[str]:
        return await self._book.due(request.now, request.limit)

    @activity.defn
    async def mark_purged(self, purged: PurgedCase) -> None:
        await self._book.mark_purged(purged.case_id, purged.at)
        await self._audit.record(
            AuditEntry(
                at=purged.at,
                actor=RETENTION_ACTOR,
                role="system",
                action="case.purge",
                case_id=purged.case_id,
                detail="personal data purged at the end of retention (case key destroyed)",
                idempotency_key=f"purge:{purged.case_id}",
            )
        )
