"""The case page's forms for the case's own actions (``application.case_actions``):
qualify an item, refer, review a refused notice, withdraw a consent, close, reopen;
and a phone handoff (``application.referral_commands``). Each parses the form into
the service's request and calls the service with the form's idempotency key."""

from fastapi import APIRouter
from fastapi.responses import Response

from application import case_actions, referral_commands
from application.acting import Permit
from application.requests.case_actions import (
    CaseClose,
    CaseReopen,
    ConsentWithdrawal,
    ItemsCreate,
    NoticeReviewCreate,
    ReferralCreate,
)
from application.requests.referral import ManualHandoffCreate
from console.forms import Kind, first
from console.routes.acting import Refused, act, parsed, required
from console.routes.case_page import CaseId
from console.web import Posted, SignedIn, idempotency_key

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
    async def run(permit: Permit) -> None:
        body = parsed(ItemsCreate, form, ITEM)
        await case_actions.add_items(p.helpline, permit, body, idempotency_key(form))

    return await act(p, case_id, "items", form, ITEM, case_actions.add_items, run, "items")


REFERRAL = {
    "partner": Kind.TEXT,
    "reason": Kind.TEXT,
    "victim_consented": Kind.BOOL,
    "legal_basis": Kind.TEXT,
}


@router.post("/referrals")
async def refer(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(ReferralCreate, form, REFERRAL)
        await case_actions.request_referral(p.helpline, permit, body, idempotency_key(form))

    service = case_actions.request_referral
    return await act(p, case_id, "referral", form, REFERRAL, service, run, "referral")


WITHDRAW = {"scope": Kind.TEXT, "partner": Kind.TEXT}


@router.post("/consents/withdraw")
async def withdraw_consent(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(ConsentWithdrawal, form, WITHDRAW)
        await case_actions.withdraw_consent(p.helpline, permit, body, idempotency_key(form))

    service = case_actions.withdraw_consent
    return await act(p, case_id, "withdraw", form, WITHDRAW, service, run, "withdraw")


REVIEW = {"choice": Kind.TEXT}


@router.post("/notices/{notice_id}/review")
async def review_notice(p: SignedIn, case_id: CaseId, notice_id: str, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(NoticeReviewCreate, form, REVIEW)
        await case_actions.review_notice(
            p.helpline, permit, notice_id[:100], body, idempotency_key(form)
        )

    service = case_actions.review_notice
    return await act(p, case_id, f"review-{notice_id}", form, REVIEW, service, run, "review")


MANUAL = {"referral_id": Kind.TEXT, "partner_reference": Kind.TEXT}


@router.post("/manual-handoff")
async def manual_handoff(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        referral_id = first(form, "referral_id")
        if not referral_id.startswith(f"{case_id}-r"):  # the form lists the case's own
            raise Refused(required("referral_id"))
        body = parsed(ManualHandoffCreate, form, {"partner_reference": Kind.TEXT})
        await referral_commands.record_manual_handoff(
            p.helpline, permit, referral_id, body, idempotency_key(form)
        )

    service = referral_commands.record_manual_handoff
    return await act(p, case_id, "manual-handoff", form, MANUAL, service, run, "manual_handoff")


CLOSE = {"reason": Kind.TEXT, "force": Kind.BOOL}


@router.post("/close")
async def close(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(CaseClose, form, CLOSE)
        await case_actions.close_case(p.helpline, permit, body, idempotency_key(form))

    return await act(p, case_id, "close", form, CLOSE, case_actions.close_case, run, "close")


REOPEN = {"reason": Kind.TEXT}


@router.post("/reopen")
async def reopen(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    async def run(permit: Permit) -> None:
        body = parsed(CaseReopen, form, REOPEN)
        await case_actions.reopen_case(p.helpline, permit, body, idempotency_key(form))

    return await act(p, case_id, "reopen", form, REOPEN, case_actions.reopen_case, run, "reopen")
