"""A new case during the call: the intake form, keyboard only; on submit the case
opens (``application.case_opening.open_case``, as ``POST /cases``) and its page shows
the triage at once: urgency, and the emergency referrals already started."""

import re

from fastapi import APIRouter
from fastapi.responses import Response

from application import case_opening
from application.conversations import case_link
from application.errors import DomainError, RequestRejected
from application.requests.opening import CaseCreate
from console.forms import (
    Drawn,
    FieldErrors,
    FormData,
    Kind,
    first,
    fresh,
    from_problems,
    refused,
    validated,
)
from console.i18n import N_
from console.refusal_words import REFUSALS
from console.routes.conversations import prefill
from console.web import Page, Posted, SignedIn, idempotency_key
from console.web_rules import permit
from domain.conversation import CONVERSATION_ID_PATTERN
from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag

router = APIRouter(prefix="/console/cases")

FIELDS = {
    "channel": Kind.TEXT,
    "caller_role": Kind.TEXT,
    "age_band": Kind.TEXT,
    "categories": Kind.LIST,
    "risk_flags": Kind.LIST,
    "summary": Kind.TEXT,
    "consents.report_to_platforms": Kind.BOOL,
    "consents.referral_partners": Kind.LIST,
    "consents.callback.consented": Kind.BOOL,
    "consents.callback.earliest_hour": Kind.INT,
    "consents.callback.latest_hour": Kind.INT,
    "consents.callback.weekdays_only": Kind.BOOL,
    "consents.case_news": Kind.BOOL,
    "contact.first_name": Kind.TEXT,
    "contact.phone": Kind.TEXT,
    "contact.email": Kind.TEXT,
    "contact.handles": Kind.LINES,
    "contact.callback_instructions": Kind.TEXT,
}


def _form(
    p: Page, failed: object = None, status_code: int = 200, conversation: str = ""
) -> Response:
    catalog = p.helpline.catalog
    return p.render(
        "new_case.html",
        status_code=status_code,
        title=N_("New case"),
        back="/console/cases/new",
        failed=failed,
        conversation=conversation,
        channels=list(Channel),
        caller_roles=list(CallerRole),
        age_bands=list(AgeBand),
        categories=list(Category),
        risk_flags=list(RiskFlag),
        partners=sorted(
            ((a.slug, a.display_name) for a in catalog.partners.values()), key=lambda o: o[1]
        ),
    )


@router.get("/new")
async def new_case_form(p: SignedIn) -> Response:
    """The intake form; from a conversation (``?conversation=``) with what its pre-chat
    form says already filled in (channel, who writes, the age band)."""
    await permit(p, case_opening.open_case)
    conversation = p.request.query_params.get("conversation") or ""
    if not re.fullmatch(CONVERSATION_ID_PATTERN, conversation):
        return _form(p)
    drawn = fresh("new-case")
    drawn.values = await prefill(p, conversation)
    return _form(p, drawn, conversation=conversation)


@router.post("")
async def open_new_case(p: SignedIn, form: Posted) -> Response:
    conversation = first(form, "conversation_id")
    if conversation and re.fullmatch(CONVERSATION_ID_PATTERN, conversation):
        return await _open_from_conversation(p, form, conversation)
    allowed = await permit(p, case_opening.open_case)
    body, errors = validated(CaseCreate, form, FIELDS)
    if body is None:
        return _form(p, refused("new-case", form, errors), 422)
    opened = await case_opening.open_case(p.helpline, allowed, body, idempotency_key(form))
    return p.redirect(f"/cases/{opened.case_id}", opened="1")


async def _open_from_conversation(p: Page, form: FormData, conversation: str) -> Response:
    """The case opened from a conversation, which is linked to it (a retry: the same)."""
    allowed = await permit(p, case_link.open_case_from_conversation)
    body, errors = validated(CaseCreate, form, FIELDS)
    if body is None:
        return _form(p, refused("new-case", form, errors), 422, conversation)
    try:
        opened = await case_link.open_case_from_conversation(
            p.helpline, allowed, conversation, body, idempotency_key(form)
        )
    except RequestRejected as rejection:
        failed: Drawn = refused("new-case", form, from_problems(rejection.problems, FIELDS))
        return _form(p, failed, 422, conversation)
    except DomainError:
        general = FieldErrors(general=[REFUSALS["unavailable"]])
        return _form(p, refused("new-case", form, general), 503, conversation)
    return p.redirect(f"/cases/{opened.case_id}", opened="1")
