"""Who did what: the audit trail, for auditors and supervisors (``application.audit_reads``)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.doors import HelplineDep, permitted
from api.schemas.audit import AuditQuery
from application.acting import Permit
from application.audit_reads import read_audit_trail
from domain.audit import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("")
async def list_audit_entries(
    permit: Annotated[Permit, permitted(read_audit_trail)],
    query: Annotated[AuditQuery, Query()],
    helpline: HelplineDep,
) -> list[AuditEntry]:
    """Entries, oldest first, filtered by case, actor, action and time
    (``since`` inclusive, ``until`` exclusive)."""
    return await read_audit_trail(helpline, permit, **query.model_dump())
