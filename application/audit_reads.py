"""Who did what: the audit trail, read by auditors and supervisors. Reading it is
itself an audit line (who looked at whose actions)."""

from datetime import datetime

from application.acting import FIGURE_READERS, Permit, service
from application.helpline import Helpline
from domain.audit import AuditEntry
from domain.audit_actions import AuditAction


@service(*FIGURE_READERS)
async def read_audit_trail(
    helpline: Helpline,
    permit: Permit,
    *,
    case_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Entries, oldest first, filtered by case, actor, action and time (``since``
    inclusive, ``until`` exclusive)."""
    entries = await helpline.audit_log.list(
        case_id=case_id, actor=actor, action=action, since=since, until=until, limit=limit
    )
    await helpline.audit(permit).record(AuditAction.AUDIT_READ, case_id, f"entries={len(entries)}")
    return entries
