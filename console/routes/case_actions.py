"""The case page's actions on notices, referrals and the case itself: qualify an item,
refer, review a refused notice, withdraw a consent, record a phone handoff, close,
reopen. Each parses the JSON route's schema, makes the route's service call (with
the form's idempotency key) and writes the route's audit entry."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.schemas.callbacks import CaseReopen
from api.schemas.case_actions import CaseClose, ItemsCreate, ReferralCreate
from api.schemas.notice_reviews import ConsentWithdrawal, NoticeReviewCreate
from api.schemas.referrals import ManualHandoffCreate
from api.services.referral_commands import ReferralCommands
from console.forms import Kind, first
from console.routes.acting import CASE_WORKERS, COUNSELLOR, Refused, act, parsed, required
from console.routes.case_page import CaseId
from console.web import Posted, SignedIn, idempotency_key
from domain import contract

router = APIRouter(prefix="/console/cases/{case_id}")


ITEM = {
    "items.0.platform": Kind.TEXT,
    "items.0.content_type": Kind.TEXT,
    "items.0.legal_qualification": Kind.TEXT,
    "items.0.location.url": Kind.TEXT,
    "items.0.location.account": Kind.TEXT,
    "items.0.location.message_id": Kind.TEXT,
}


@router.post("/items")
async def add_item(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(ItemsCreate, form, ITEM)
        request = body.request(p.actor.subject, p.catalog.catalog())
        await p.commands.update(case_id, contract.ADD_ITEMS, request, idempotency_key(form))
        platforms = ",".join(sorted({item.platform for item in body.items}))
        await p.audit.record(
            "case.items.add", case_id, f"items={len(body.items)} platforms={platforms}"
        )

    return await act(p, case_id, "items", form, ITEM, COUNSELLOR, run, "items")


REFERRAL = {
    "partner": Kind.TEXT,
    "reason": Kind.TEXT,
    "victim_consented": Kind.BOOL,
    "legal_basis": Kind.TEXT,
}


@router.post("/referrals")
async def refer(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(ReferralCreate, form, REFERRAL)
        request = body.request(p.actor.subject, p.catalog.catalog())
        outcome = await p.commands.update(
            case_id, contract.REQUEST_REFERRAL, request, idempotency_key(form)
        )
        await p.audit.record(
            "case.referral.request",
            case_id,
            f"partner={body.partner} referral={outcome.referral_id}",
        )

    return await act(p, case_id, "referral", form, REFERRAL, COUNSELLOR, run, "referral")


WITHDRAW = {"scope": Kind.TEXT, "partner": Kind.TEXT}


@router.post("/consents/withdraw")
async def withdraw_consent(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(ConsentWithdrawal, form, WITHDRAW)
        await p.commands.update(
            case_id, contract.WITHDRAW_CONSENT, body.request(p.actor.subject), idempotency_key(form)
        )
        await p.audit.record(
            "case.consent.withdraw", case_id, f"scope={body.scope} partner={body.partner or '-'}"
        )

    return await act(p, case_id, "withdraw", form, WITHDRAW, COUNSELLOR, run, "withdraw")


REVIEW = {"choice": Kind.TEXT}


@router.post("/notices/{notice_id}/review")
async def review_notice(p: SignedIn, case_id: CaseId, notice_id: str, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(NoticeReviewCreate, form, REVIEW)
        await p.commands.update(
            case_id,
            contract.REVIEW_NOTICE,
            body.request(notice_id[:100], p.actor.subject),
            idempotency_key(form),
        )
        await p.audit.record(
            "case.notice.review", case_id, f"notice={notice_id} choice={body.choice}"
        )

    return await act(p, case_id, f"review-{notice_id}", form, REVIEW, COUNSELLOR, run, "review")


MANUAL = {"referral_id": Kind.TEXT, "partner_reference": Kind.TEXT}


@router.post("/manual-handoff")
async def manual_handoff(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        referral_id = first(form, "referral_id")
        if not referral_id.startswith(f"{case_id}-r"):
            raise Refused(required("referral_id"))
        body = parsed(ManualHandoffCreate, form, {"partner_reference": Kind.TEXT})
        await ReferralCommands(p.client).record_manual_handoff(
            referral_id, body.request(case_id, p.actor.subject), idempotency_key(form)
        )
        await p.audit.record("referral.manual_handoff", case_id, f"referral={referral_id}")

    return await act(
        p, case_id, "manual-handoff", form, MANUAL, CASE_WORKERS, run, "manual_handoff"
    )


CLOSE = {"reason": Kind.TEXT, "force": Kind.BOOL}


@router.post("/close")
async def close(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(CaseClose, form, CLOSE)
        await p.commands.update(
            case_id, contract.CLOSE, body.request(p.actor.subject), idempotency_key(form)
        )
        await p.audit.record("case.close", case_id, f"force={body.force}")

    return await act(p, case_id, "close", form, CLOSE, CASE_WORKERS, run, "close")


REOPEN = {"reason": Kind.TEXT}


@router.post("/reopen")
async def reopen(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run() -> None:
        body = parsed(CaseReopen, form, REOPEN)
        await p.commands.update(
            case_id, contract.REOPEN, body.request(p.actor.subject), idempotency_key(form)
        )
        await p.audit.record("case.reopen", case_id, None)

    return await act(p, case_id, "reopen", form, REOPEN, CASE_WORKERS, run, "reopen")
