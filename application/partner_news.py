"""What platforms and partners tell us about our notices and handoffs: a platform's
decision, a partner's status, handed to the workflow waiting for it and written in
the audit trail under the platform or partner, with the case of the notice or
referral it is about (so ``GET /audit?case_id=`` shows it next to what people did).

They are machine callers: their door (a signed webhook) checks who they are; these
services check that the platform or partner is registered. The service only signals:
the TakedownWorkflow / ReferralWorkflow decides what the news means (and ignores a
duplicate).
"""

from application.audit_trail import AuditTrail
from application.case_ids import case_of_notice, case_of_referral
from application.errors import NotFound
from application.helpline import Helpline
from application.webhook_delivery import deliver_decision, deliver_partner_status
from domain import contract
from domain.audit_actions import AuditAction
from domain.notice import NoticeDecision
from domain.referral import HandoffStatus


async def platform_decided(
    helpline: Helpline, platform: str, notice_id: str, decision: NoticeDecision
) -> str:
    """A platform's decision on one of our notices; the id of the workflow told."""
    if helpline.catalog.platform(platform) is None:
        raise NotFound(f"no platform '{platform}' is registered")
    await deliver_decision(helpline.client, notice_id, decision)
    await AuditTrail(helpline.audit_log, actor=f"platform:{platform}", role="platform").record(
        AuditAction.NOTICE_DECISION,
        case_of_notice(notice_id),
        f"notice={notice_id} decision={decision.decision.value}",
    )
    return contract.TAKEDOWN.workflow_id(notice_id)


async def partner_said(
    helpline: Helpline, partner: str, referral_id: str, status: HandoffStatus
) -> str:
    """A partner's news on one of our handoffs; the id of the workflow told."""
    if helpline.catalog.partner(partner) is None:
        raise NotFound(f"no partner '{partner}' is registered")
    await deliver_partner_status(helpline.client, helpline.database, partner, referral_id, status)
    await AuditTrail(helpline.audit_log, actor=f"partner:{partner}", role="partner").record(
        AuditAction.REFERRAL_STATUS,
        case_of_referral(referral_id),
        f"referral={referral_id} status={status.status.value}",
    )
    return contract.REFERRAL.workflow_id(referral_id)
