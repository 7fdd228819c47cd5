"""The case page: what the case workflow says now (``application.case_reads``, as
``GET /cases/{id}``), its live part redrawn every second, and the contact details
shown only when "show" is pressed (``application.casework.read_contact``, as
``GET /cases/{id}/contact``)."""

import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from fastapi.responses import Response

from application import case_reads, casework, evidence
from application.conversations import case_transcripts
from application.conversations.counsellor import ConversationRead
from application.errors import DomainError, Gone, NotFound
from application.evidence_dossier import evidence_dossier
from application.finding import find_case as find_numbered
from application.upload_links import UploadLinkCreated
from application.worklist_lines import NEXT_ACTION, NextAction
from console.forms import Drawn, first
from console.i18n import N_
from console.labels import DONE, HASH_ROUTES, LABELS, TIMELINE
from console.refusal_words import REFUSALS
from console.timeline_words import Wording
from console.web import Page, Posted, SignedIn, now
from console.web_rules import CaseRefused, permit
from domain.case import CallbackResult, CaseStatus, ConsentScope
from domain.casework import ContactCard
from domain.catalog import CHILD_PROTECTION_119, POLICE
from domain.intake import AgeBand, CallerRole, Category, Channel, RiskFlag, Urgency
from domain.items import ContentType, LegalQualification
from domain.notice import NoticeOutcome, NoticeStatus, ReviewChoice
from domain.referral import LegalBasis, ReferralStatus
from domain.rules.hash_routes import STOP_NCII, TAKE_IT_DOWN
from domain.rules.legal import OFFENCES

router = APIRouter(prefix="/console/cases")

CaseId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
ConversationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")]
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
    allowed = await permit(p, find_numbered)
    found = None
    if re.fullmatch(r"[0-9a-f]{6,32}", wanted):
        found = await find_numbered(p.helpline, allowed, wanted)
    if found is None:
        return p.redirect("/worklist", done="not_found")
    return p.redirect(f"/cases/{found}")


def removal_seconds(notice: NoticeOutcome) -> float | None:
    if notice.status is not NoticeStatus.VERIFIED_REMOVED:
        return None
    if notice.submitted_at is None or notice.resolved_at is None:
        return None
    return (notice.resolved_at - notice.submitted_at).total_seconds()


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


# The action groups of the case page, and the forms each holds: a group opens by
# itself when the page comes back with one of its forms refused (or its answer).
GROUPS: dict[str, tuple[str, ...]] = {
    "callback": ("callback-outcome", "reschedule"),
    "contact": ("contact-add",),
    "items": ("items", "evidence"),
    "referrals": ("referral", "manual-handoff", "withdraw"),
    "case": ("note", "risk", "urgency", "intake", "handover", "assignment", "close", "reopen"),
}


def labelled(value: object) -> str:
    return LABELS.get(value, str(value))  # type: ignore[call-overload, no-any-return]


async def draw_case(
    p: Page,
    case_id: str,
    *,
    failed: Drawn | None = None,
    card: ContactCard | None = None,
    card_problem: str | None = None,
    transcript: ConversationRead | None = None,
    transcript_problem: str | None = None,
    upload_link: UploadLinkCreated | None = None,
    status_code: int = 200,
    live_only: bool = False,
) -> Response:
    try:
        allowed = await permit(p, case_reads.read_case, case_id)
        view = await case_reads.read_case(p.helpline, allowed)
    except CaseRefused:
        return _refused(p, "forbidden", 403)
    except NotFound:
        return _refused(p, "not_found", 404)
    except DomainError:
        return _refused(p, "unavailable", 503)
    query = p.request.query_params
    catalog = p.helpline.catalog
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
        "next_action": NEXT_ACTION.get(view.status, NextAction.NONE),
    }
    names: dict[str, str] = context["partner_names"]
    context["handoff_options"] = [
        (r.referral_id, f"{names.get(r.partner, r.partner)} ({r.referral_id.rsplit('-', 1)[-1]})")
        for r in view.referrals
        if r.status in OPEN_REFERRAL
    ]
    context["item_labels"] = {
        n.notice_id: f"{names.get(n.platform, n.platform)} ({n.notice_id.rsplit('-', 1)[-1]})"
        for n in view.notices
        if n.appeal_of is None
    }
    context["item_options"] = (
        [("", p.gettext("None")), *context["item_labels"].items()] if context["item_labels"] else []
    )
    # an intimate file's hash routes: the ones fitting the case, or both when none was said
    context["evidence_hash_routes"] = view.hash_routes or [TAKE_IT_DOWN, STOP_NCII]
    wording = Wording(p.gettext, lambda v: p.gettext(labelled(v)), names, p.formats)
    context["timeline_line"] = wording.line
    context["conversation_state"] = wording.conversation_state
    if live_only:
        return p.render("case_live.html", **context)
    refused = failed.id if failed else None

    def open_group(group: str) -> bool:
        if group == "contact" and (card is not None or card_problem):
            return True
        return refused in GROUPS[group]

    try:
        listing = await permit(p, case_transcripts.case_conversations, case_id)
        conversations = await case_transcripts.case_conversations(p.helpline, listing)
    except (CaseRefused, DomainError):
        conversations = []
    try:
        listing = await permit(p, evidence.evidence_manifest, case_id)
        evidence_lines = (await evidence.evidence_manifest(p.helpline, listing)).evidence
    except (CaseRefused, DomainError):
        evidence_lines = []
    due = view.callback.due_at
    due_input = due.astimezone(ZoneInfo(p.timezone)).strftime("%Y-%m-%dT%H:%M") if due else ""
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
        open_group=open_group,
        conversations=conversations,
        evidence_lines=evidence_lines,
        upload_link=upload_link,
        transcript=transcript,
        transcript_problem=transcript_problem,
        due_input=due_input,
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


@router.get("/{case_id}/dossier.pdf")
async def dossier(p: SignedIn, case_id: CaseId, with_contact: bool = False) -> Response:
    """The dossier de signalement (``application.evidence_dossier``), never cached;
    every download an audit entry (and a contact read when the details are in it)."""
    try:
        allowed = await permit(p, evidence_dossier, case_id)
    except CaseRefused:
        return _refused(p, "forbidden", 403)
    try:
        pdf = await evidence_dossier(p.helpline, allowed, at=now(), with_contact=with_contact)
    except NotFound:
        return _refused(p, "not_found", 404)
    except Gone:
        return _refused(p, "gone", 410)
    response = Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="dossier-{case_id}.pdf"'},
    )
    p.finish(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{case_id}/contact")
async def show_contact(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    """Whom to call and how: every press is an audit entry of its own."""
    try:
        allowed = await permit(p, casework.read_contact, case_id)
    except CaseRefused:
        return _refused(p, "forbidden", 403)
    try:
        card = await casework.read_contact(p.helpline, allowed)
    except Gone:
        return await draw_case(p, case_id, card_problem=REFUSALS["gone"], status_code=410)
    except DomainError:
        return await draw_case(p, case_id, card_problem=REFUSALS["unavailable"], status_code=503)
    return await draw_case(p, case_id, card=card)


@router.post("/{case_id}/conversations/{conversation_id}/transcript")
async def read_transcript(
    p: SignedIn, case_id: CaseId, conversation_id: ConversationId, form: Posted
) -> Response:
    """A conversation of the case, read when asked: every press is an audit entry."""
    try:
        allowed = await permit(p, case_transcripts.read_case_conversation, case_id)
    except CaseRefused:
        return _refused(p, "forbidden", 403)
    try:
        read = await case_transcripts.read_case_conversation(p.helpline, allowed, conversation_id)
    except NotFound:
        return await draw_case(
            p, case_id, transcript_problem=REFUSALS["not_found"], status_code=404
        )
    except DomainError:
        return await draw_case(
            p, case_id, transcript_problem=REFUSALS["unavailable"], status_code=503
        )
    return await draw_case(p, case_id, transcript=read)
