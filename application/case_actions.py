"""The case's own actions, as ``workflows/case/workflow.py`` handles them: qualify
items (a takedown notice each), refer to a partner, review a refused notice,
withdraw a consent, close, reopen.

Each is an update of the case workflow (it validates the request against the case:
a refusal names the field; the slow work runs in the background), then its audit
line. ``key``: the request's idempotency key (an update id is derived from it, so a
retry runs once, and is audited once).
"""

from application.acting import CASE_WORKERS, COUNSELLORS, Permit, service
from application.helpline import Helpline
from application.requests.case_actions import (
    CaseClose,
    CaseReopen,
    ConsentWithdrawal,
    ItemsAccepted,
    ItemsCreate,
    NoticeReviewCreate,
    ReferralCreate,
)
from domain import contract
from domain.audit_actions import AuditAction
from domain.case import CaseView, NoticeReviewResult
from domain.referral import ReferralOutcome


@service(*COUNSELLORS, on_case=True)
async def add_items(
    helpline: Helpline, permit: Permit, body: ItemsCreate, key: str | None
) -> ItemsAccepted:
    """Qualify harmful items; one takedown notice per item goes out in the background."""
    return await qualify(helpline, permit, body, key)


async def qualify(
    helpline: Helpline, permit: Permit, body: ItemsCreate, key: str | None, detail: str = ""
) -> ItemsAccepted:
    """The update and its audit line, for a service that checked its own permit
    (``add_items``; ``application.item_evidence`` adds an item with its file)."""
    request = body.request(permit.actor.subject, helpline.catalog)
    result = await helpline.commands.update(permit.case, contract.ADD_ITEMS, request, key)
    platforms = ",".join(sorted({item.platform for item in body.items}))
    await helpline.audit(permit).record(
        AuditAction.CASE_ITEMS_ADD,
        permit.case,
        f"items={len(body.items)} platforms={platforms}{detail}",
        key=key,
    )
    return ItemsAccepted(case_id=permit.case, notice_ids=result.notice_ids)


@service(*COUNSELLORS, on_case=True)
async def request_referral(
    helpline: Helpline, permit: Permit, body: ReferralCreate, key: str | None
) -> ReferralOutcome:
    """Hand the case to a partner (with the victim's consent, or on a legal basis)."""
    request = body.request(permit.actor.subject, helpline.catalog)
    outcome = await helpline.commands.update(permit.case, contract.REQUEST_REFERRAL, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_REFERRAL_REQUEST,
        permit.case,
        f"partner={body.partner} referral={outcome.referral_id}",
        key=key,
    )
    return outcome


@service(*COUNSELLORS, on_case=True)
async def review_notice(
    helpline: Helpline, permit: Permit, notice_id: str, body: NoticeReviewCreate, key: str | None
) -> NoticeReviewResult:
    """Answer a refusal (or content still online, or a removal Relais could not
    check): appeal, refer the content to Pharos, or accept the platform's decision."""
    request = body.request(notice_id, permit.actor.subject)
    result = await helpline.commands.update(permit.case, contract.REVIEW_NOTICE, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_NOTICE_REVIEW,
        permit.case,
        f"notice={notice_id} choice={body.choice}",
        key=key,
    )
    return result


@service(*COUNSELLORS, on_case=True)
async def withdraw_consent(
    helpline: Helpline, permit: Permit, body: ConsentWithdrawal, key: str | None
) -> CaseView:
    """The young person withdraws a consent: what it allowed and is still under way
    stops (notices, that partner's referrals, the callback)."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(permit.case, contract.WITHDRAW_CONSENT, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_CONSENT_WITHDRAW,
        permit.case,
        f"scope={body.scope} partner={body.partner or '-'}",
        key=key,
    )
    return view


@service(*CASE_WORKERS, on_case=True)
async def close_case(
    helpline: Helpline, permit: Permit, body: CaseClose, key: str | None
) -> CaseView:
    """Close the case (``force`` cancels notices and referrals still outstanding)."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(permit.case, contract.CLOSE, request, key)
    await helpline.audit(permit).record(
        AuditAction.CASE_CLOSE, permit.case, f"force={body.force}", key=key
    )
    return view


@service(*CASE_WORKERS, on_case=True)
async def reopen_case(
    helpline: Helpline, permit: Permit, body: CaseReopen, key: str | None
) -> CaseView:
    """Reopen a closed case within its reopen window: same case, same history."""
    request = body.request(permit.actor.subject)
    view = await helpline.commands.update(permit.case, contract.REOPEN, request, key)
    await helpline.audit(permit).record(AuditAction.CASE_REOPEN, permit.case, None, key=key)
    return view
