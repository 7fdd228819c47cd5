"""Activities of the retention purge: schedule a closed case's purge, find the cases
due, and mark them purged (the key itself is destroyed by ``destroy_case_key``). Marking
a case purged also forgets which messaging-channel sender its conversations came from
(``ReturningContacts.forget_case``): a young person writing again is no longer linked
to it, and where to answer them (sealed under the case's key) is deleted. It deletes the
case's evidence files too (``EvidenceVault.purge_case``: both stored objects, the rows
marked purged, the key destroyed again, idempotently); their hashes stay."""

from temporalio import activity

from domain import contract
from domain.audit import AuditEntry
from domain.audit_actions import AuditAction
from domain.retention import DuePurges, DuePurgesRequest, PurgedCase, SchedulePurgeRequest
from relais.db import AuditLog, Database
from relais.db.repositories.retention import RetentionBook
from relais.db.repositories.returning_contacts import ReturningContacts
from relais.evidence.vault import EvidenceVault

RETENTION_ACTOR = "retention-purge"


class RetentionActivities:
    def __init__(self, database: Database, evidence: EvidenceVault | None = None) -> None:
        self._evidence = evidence
        self._book = RetentionBook(database)
        self._audit = AuditLog(database)
        self._contacts = ReturningContacts(database)

    @activity.defn(name=contract.SCHEDULE_PURGE.name)
    async def schedule_purge(self, request: SchedulePurgeRequest) -> None:
        await self._book.schedule(request.case_id, request.purge_after)

    @activity.defn(name=contract.FIND_DUE_PURGES.name)
    async def find_due_purges(self, request: DuePurgesRequest) -> DuePurges:
        return DuePurges(case_ids=await self._book.due(request.now, request.limit))

    @activity.defn(name=contract.MARK_PURGED.name)
    async def mark_purged(self, purged: PurgedCase) -> None:
        await self._contacts.forget_case(purged.case_id)  # idempotent, as the rest
        if self._evidence is not None:
            await self._evidence.purge_case(purged.case_id, purged.at)
        await self._book.mark_purged(purged.case_id, purged.at)
        await self._audit.record(
            AuditEntry(
                at=purged.at,
                actor=RETENTION_ACTOR,
                role="system",
                action=AuditAction.CASE_PURGE,
                case_id=purged.case_id,
                detail="personal data purged at the end of retention (case key destroyed)",
                idempotency_key=f"purge:{purged.case_id}",
            )
        )
