"""Who besides supervisors may read a case, and sharing it with another counsellor
(a colleague taking over, a second opinion): the read rule of docs/privacy.md."""

from application.acting import CASE_WORKERS, Permit, service
from application.errors import NotFound
from application.helpline import Helpline
from application.requests.shares import CaseShare, CaseShareCreate
from domain.audit_actions import AuditAction
from relais.clock import utc_now
from relais.db.repositories.access import AccessReason
from relais.db.tables import CaseAccessRow


def _share(grant: CaseAccessRow) -> CaseShare:
    return CaseShare(
        case_id=grant.case_id,
        counsellor=grant.subject,
        reason=grant.reason,
        granted_by=grant.granted_by,
        granted_at=grant.granted_at,
    )


async def _must_exist(helpline: Helpline, case_id: str) -> None:
    """A case someone has access to exists; one nobody has (opened by a partner, or
    never opened) is looked for in Temporal."""
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")


@service(*CASE_WORKERS, on_case=True)
async def list_shares(helpline: Helpline, permit: Permit) -> list[CaseShare]:
    """Who besides supervisors may read the case, and why (owner, shared, task)."""
    grants = await helpline.access.grants(permit.case)
    if not grants:
        await _must_exist(helpline, permit.case)
    await helpline.audit(permit).record(
        AuditAction.CASE_SHARES_READ, permit.case, f"shares={len(grants)}"
    )
    return [_share(g) for g in grants]


@service(*CASE_WORKERS, on_case=True)
async def share_case(
    helpline: Helpline, permit: Permit, body: CaseShareCreate, key: str | None = None
) -> CaseShare:
    """Let another counsellor read and act on the case. Sharing twice keeps the first
    grant (and says so once in the audit trail)."""
    if not await helpline.access.subjects(permit.case):
        await _must_exist(helpline, permit.case)
    granted = await helpline.access.grant(
        permit.case, body.counsellor, AccessReason.SHARED, permit.actor.subject, utc_now()
    )
    if granted:
        await helpline.audit(permit).record(
            AuditAction.CASE_SHARE, permit.case, f"with={body.counsellor}", key=key
        )
    grant = next(
        g for g in await helpline.access.grants(permit.case) if g.subject == body.counsellor
    )
    return _share(grant)
