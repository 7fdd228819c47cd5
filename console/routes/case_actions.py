"""The case page's forms for the case's own actions (``application.case_actions``):
qualify an item (with its screenshot: ``application.item_evidence``), refer, review a
refused notice, withdraw a consent, the young person's answer about news of the case
(``application.case_news``), close, reopen; and a phone handoff
(``application.referral_commands``). Each parses the form into the service's request
and calls the service with the form's idempotency key."""

from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import Response

from application import case_actions, case_news, item_evidence, referral_commands
from application.acting import Permit
from application.case_news import NewsConsent
from application.item_evidence import ItemRefusedFileKept
from application.requests.case_actions import (
    CaseClose,
    CaseReopen,
    ConsentWithdrawal,
    ItemsCreate,
    NoticeReviewCreate,
    ReferralCreate,
)
from application.requests.referral import ManualHandoffCreate
from console.forms import FieldErrors, FormData, Kind, first, from_problems
from console.i18n import N_
from console.routes.acting import Refused, act, parsed, required
from console.routes.case_page import CaseId
from console.routes.evidence_page import REFUSED_FILE
from console.web import CsrfRefused, Page, Posted, SignedIn, idempotency_key, now, posted
from domain.evidence import EvidenceRefused
from relais.multipart_file import chosen_file, fields_then_file

router = APIRouter(prefix="/console/cases/{case_id}")


ITEM = {
    "items.0.platform": Kind.TEXT,
    "items.0.content_type": Kind.TEXT,
    "items.0.legal_qualification": Kind.TEXT,
    "items.0.location.url": Kind.TEXT,
    "items.0.location.account": Kind.TEXT,
    "items.0.location.message_id": Kind.TEXT,
}


# The file was taken, then the case refused the item (it moved on in between).
FILE_KEPT = N_(
    "The file was added to the case's evidence, but the item was not reported: correct it "
    "and choose the file again (it will not be added twice)."
)
ITEM_FORM = {**ITEM, "intimate": Kind.TEXT, "file": Kind.TEXT}


async def _item_form(p: Page) -> tuple[FormData, AsyncIterator[bytes] | None]:
    """The item's fields, then its optional file as it arrives (a multipart form: its
    CSRF token checked before a byte of the file is read); a form without a file input
    (urlencoded) has none."""
    if not p.request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await posted(p.request, p), None
    fields, chunks = await fields_then_file(p.request)
    if not p.sessions.same_token(p.session, fields.get("csrf") or None):
        raise CsrfRefused
    form: FormData = {name: [value] for name, value in fields.items() if name != "csrf"}
    return form, await chosen_file(chunks)


def _beside(field: str, message: str) -> FieldErrors:
    errors = FieldErrors()
    errors.by_field[field] = [message]
    return errors


@router.post("/items")
async def add_item(p: SignedIn, case_id: CaseId) -> Response:
    """An item, and the screenshot that shows it if one was chosen: the first notice
    to the platform carries it (``application.item_evidence``)."""
    form, upload = await _item_form(p)
    answer = first(form, "intimate")
    done = "items"

    async def run(permit: Permit) -> None:
        nonlocal done
        body = parsed(ItemsCreate, form, ITEM)
        try:
            added = await item_evidence.add_item_with_file(
                p.helpline,
                permit,
                body,
                upload,
                intimate={"yes": True, "no": False}.get(answer),
                at=now(),
                key=idempotency_key(form),
            )
        except EvidenceRefused as err:
            message = (
                p.gettext(REFUSED_FILE[err.reason]) % p.settings.evidence_policy.limits_in_mb()
            )
            raise Refused(_beside("file", message), err.reason.status) from None
        except ItemRefusedFileKept as err:
            errors = from_problems(err.problems, ITEM_FORM)
            errors.general.insert(0, FILE_KEPT)
            raise Refused(errors) from None
        if added.file is not None:
            done = "items_hashes" if added.file.intimate else "items_file"

    service = item_evidence.add_item_with_file
    return await act(p, case_id, "items", form, ITEM_FORM, service, run, lambda: done)


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


NEWS = {"wanted": Kind.BOOL}


@router.post("/news")
async def record_news_consent(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    """Told on the phone (or anywhere but a conversation): the news go to the case's
    latest WhatsApp or Messenger conversation."""

    async def run(permit: Permit) -> None:
        body = parsed(NewsConsent, form, NEWS)
        await case_news.record_news_consent(p.helpline, permit, body, idempotency_key(form))

    service = case_news.record_news_consent
    return await act(p, case_id, "news", form, NEWS, service, run, "news")


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
