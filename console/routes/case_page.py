"""The case page: what the case workflow says now (``GET /cases/{id}``'s view, read the
same way and audited the same way), its live part redrawn every second, and the
contact details shown only when "show" is pressed (an audited read, as
``GET /cases/{id}/contact``)."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.services.errors import DomainError, Gone, NotFound
from console.finding import case_numbered
from console.forms import Drawn, first
from console.i18n import N_
from console.labels import DONE, HASH_ROUTES, LABELS, REFUSALS, TIMELINE
from console.web import Page, Posted, SignedIn
from console.web_rules import CaseNotReadable, may_read
from domain import contract
from domain.case import CallbackResult, CaseStatus, CaseView, ConsentScope
from domain.casework import ContactCard
from domain.catalog import CHILD_PROTECTION_119, POLICE
from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag, Urgency
from domain.items import ContentType, LegalQualification
from domain.notice import NoticeOutcome, NoticeStatus, ReviewChoice
from domain.referral import LegalBasis, ReferralStatus
from domain.rules.legal import OFFENCES
from relais.db.repositories.retention import RetentionBook
from relais.settings import Role

router = APIRouter(prefix="/console/cases")

CaseId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
# Notices a counsellor answers: refused, still online after a removal, or unverifiable.
REVIEWABLE = {NoticeStatus.REFUSED, NoticeStatus.STILL_ONLINE, NoticeStatus.REMOVAL_UNVERIFIED}
OPEN_REFERRAL = {ReferralStatus.PENDING, ReferralStatus.SENT}
# The partners triage alerts at once (domain.rules.triage).
EMERGENCY_PARTNERS = {POLICE, CHILD_PROTECTION_119}


@router.post("/find")
async def find_case(p: SignedIn, form: Posted) -> Response:
    """A case by its number, whole or its first six characters (as lists show it).
    Posted, not a query string, and only a case's own id ever goes into the URL that
    follows: whatever else is typed here (a name, by mistake) lands nowhere."""
    wanted = first(form, "case").strip().lower()
    found = None
    if re.fullmatch(r"[0-9a-f]{6,32}", wanted):
        readable_by = p.actor.subject if p.actor.role is Role.COUNSELLOR else None
        found = await case_numbered(p.database, wanted, readable_by)
    if found is None:
        return p.redirect("/worklist", done="not_found")
    return p.redirect(f"/cases/{found}")


def removal_seconds(notice: NoticeOutcome) -> float | None:
    if notice.status is not NoticeStatus.VERIFIED_REMOVED:
        return None
    if notice.submitted_at is None or notice.resolved_at is None:
        return None
    return (notice.resolved_at - notice.submitted_at).total_seconds()


async def case_view(p: Page, case_id: str) -> CaseView:
    view = await p.commands.view(case_id)
    await p.audit.record_read("case.read", case_id)
    return view


def _articles(p: Page) -> list[tuple[str, str, str]]:
    """(qualification, option text, the article the notice will cite) per qualification."""
    gettext = p.gettext
    rows = []
    for q in LegalQualification:
        offence = OFFENCES[q]
        article = f"Code pénal, art. {offence.article}"
        label = gettext(labelled(q))
        cited = (
            f"{article} : {offence.label_fr}"
            if p.language == "fr"
            else f"{article}: {label} ({offence.label_fr})"
        )
        rows.append((q.value, f"{label} ({article})", cited))
    return rows


def labelled(value: object) -> str:
    return LABELS.get(value, str(value))  # type: ignore[call-overload, no-any-return]


async def draw_case(
    p: Page,
    case_id: str,
    *,
    failed: Drawn | None = None,
    card: ContactCard | None = None,
    card_problem: str | None = None,
    status_code: int = 200,
    live_only: bool = False,
) -> Response:
    try:
        await may_read(p, case_id)
        view = await case_view(p, case_id)
    except CaseNotReadable:
        return _refused(p, "forbidden", 403)
    except NotFound:
        return _refused(p, "not_found", 404)
    except DomainError:
        return _refused(p, "unavailable", 503)
    query = p.request.query_params
    catalog = p.catalog.catalog()
    context: dict[str, Any] = {
        "view": view,
        "case_id": case_id,
        "opened": query.get("opened") == "1",
        "done": DONE.get(query.get("done") or ""),
        "reviewable": REVIEWABLE,
        "removal_seconds": removal_seconds,
        "open_referrals": [r for r in view.referrals if r.status in OPEN_REFERRAL],
        "emergency": [r for r in view.referrals if r.partner in EMERGENCY_PARTNERS],
        "platforms": sorted(
            ((a.slug, a.display_name) for a in catalog.platforms.values()), key=lambda o: o[1]
        ),
        "partners": sorted(
            ((a.slug, a.display_name) for a in catalog.partners.values()), key=lambda o: o[1]
        ),
        "partner_names": {
            slug: info.display_name
            for slug, info in {**catalog.platforms, **catalog.partners}.items()
        },
        "closed": view.status is CaseStatus.CLOSED,
        "hash_why": HASH_ROUTES,
        "timeline_kinds": TIMELINE,
    }
    names: dict[str, str] = context["partner_names"]
    context["handoff_options"] = [
        (r.referral_id, f"{names.get(r.partner, r.partner)} ({r.referral_id})")
        for r in view.referrals
        if r.status in OPEN_REFERRAL
    ]
    if live_only:
        return p.render("case_live.html", **context)
    return p.render(
        "case.html",
        status_code=status_code,
        title=N_("Case"),
        failed=failed,
        card=card,
        card_problem=card_problem,
        articles=_articles(p),
        back=f"/console/cases/{case_id}",
        content_types=list(ContentType),
        channels=list(Channel),
        caller_roles=list(CallerRole),
        age_bands=list(AgeBand),
        categories=list(Category),
        risk_flags=list(RiskFlag),
        urgencies=list(Urgency),
        results=list(CallbackResult),
        scopes=list(ConsentScope),
        bases=list(LegalBasis),
        review_choices=list(ReviewChoice),
        **context,
    )


def _refused(p: Page, kind: str, status_code: int) -> Response:
    return p.render(
        "message.html", status_code=status_code, title=N_("Case"), message=REFUSALS[kind]
    )


@router.get("/{case_id}")
async def case_page(p: SignedIn, case_id: CaseId) -> Response:
    return await draw_case(p, case_id)


@router.get("/{case_id}/live")
async def case_page_now(p: SignedIn, case_id: CaseId, active: int = 0) -> Response:
    p.refresh_session = active == 1
    return await draw_case(p, case_id, live_only=True)


@router.post("/{case_id}/contact")
async def show_contact(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    """Whom to call and how: every press is an audit entry of its own."""
    try:
        await may_read(p, case_id)
    except CaseNotReadable:
        return _refused(p, "forbidden", 403)
    if await RetentionBook(p.database).purged_at(case_id):
        return await draw_case(p, case_id, card_problem=REFUSALS["gone"], status_code=410)
    try:
        card = await p.commands.query(case_id, contract.CASE_CONTACT)
    except (Gone, DomainError):
        return await draw_case(p, case_id, card_problem=REFUSALS["unavailable"], status_code=503)
    await p.audit.record("case.contact.read", case_id, "personal data read")
    return await draw_case(p, case_id, card=card)
