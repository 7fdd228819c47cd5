"""Who did what: the audit trail, for auditors and supervisors."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import AuditReader, AuditTrailDep
from api.deps import AuditLogDep
from api.schemas.audit import AuditQuery
from domain.records import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("")
async def list_audit_entries(
    query: Annotated[AuditQuery, Query()],
    actor: AuditReader,
    log: AuditLogDep,
    audit: AuditTrailDep,
) -> list[AuditEntry]:
    """Entries, oldest first, filtered by case, actor, action and time
    (``since`` inclusive, ``until`` exclusive)."""
    entries = await log.list(**query.model_dump())
    # Reading the trail is itself recorded: who looked at whose actions.
    await audit.record("audit.read", query.case_id, f"entries={len(entries)}")
    return entries
