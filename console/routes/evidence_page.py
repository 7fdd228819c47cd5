"""The case page's evidence: a file added by a counsellor (a multipart form: its CSRF
token, key and answer come before the file, checked before a byte of it is read), an
image's blurred thumbnail, the image shown clear when asked, and a PDF, video or text
opened in the browser's own viewer. Thin doors onto ``application.evidence`` and
``application.evidence_views``; every answer ``Cache-Control: no-store``."""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path
from fastapi.responses import Response, StreamingResponse

from application import evidence, evidence_views, upload_links
from application.acting import Permit, Service
from application.errors import DomainError, Gone, NotFound, RequestRejected
from console.forms import FieldErrors, FormData, from_problems, refused
from console.i18n import N_
from console.routes.case_page import CaseId, draw_case
from console.web import CsrfRefused, Page, Posted, SignedIn, idempotency_key, now
from console.web_rules import CaseRefused, permit
from domain.evidence import EvidenceChannel, EvidenceRefused, Refusal
from relais.multipart_file import fields_then_file

T = TypeVar("T")
router = APIRouter(prefix="/console/cases/{case_id}/evidence")

EvidenceId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,64}$")]
FORM = "evidence-upload"
FIELDS = ("intimate", "item", "file")

# What the counsellor is told about a file not taken, beside the file field.
REFUSED_FILE: dict[Refusal, str] = {
    Refusal.TOO_LARGE: N_(
        "The file is too large: at most %(limit)s MB (%(video_limit)s MB for a video)."
    ),
    Refusal.UNSUPPORTED_TYPE: N_(
        "This kind of file is not taken: send an image (PNG, JPEG, WebP, GIF, HEIC), a PDF, "
        "an MP4 video or plain text."
    ),
    Refusal.EMPTY: N_("The file is empty."),
    Refusal.TRUNCATED: N_("The file is cut short: send it again."),
    Refusal.CORRUPT: N_("The file is damaged and cannot be read."),
    Refusal.TOO_MANY_PIXELS: N_("The image has too many pixels to be opened safely."),
}
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# A file opened in the browser's own viewer: the console's policy, but a video's page
# may load the video itself (Chromium's video page is a <video> whose source is the
# file, refused under ``default-src 'none'``); the PDF viewer needs nothing more.
VIEWER_CSP = (
    "default-src 'none'; media-src 'self'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def _failed(field: str, message: str) -> FieldErrors:
    errors = FieldErrors()
    errors.by_field[field] = [message]
    return errors


@router.post("")
async def add_evidence(p: SignedIn, case_id: CaseId) -> Response:
    """A counsellor's file: refused beside its field, in their language (413, 415, 422),
    nothing of it kept; taken, back to the case saying what was kept."""
    fields, chunks = await fields_then_file(p.request)
    if not p.sessions.same_token(p.session, fields.get("csrf") or None):
        raise CsrfRefused
    form: FormData = {name: [value] for name, value in fields.items() if name != "csrf"}
    answer = fields.get("intimate")
    errors, status = FieldErrors(), 422
    if answer not in ("yes", "no"):
        errors = _failed("intimate", N_("Say whether it is an intimate image."))
    else:
        try:
            allowed = await permit(p, evidence.add_evidence, case_id)
        except CaseRefused:
            return await draw_case(p, case_id)
        try:
            await evidence.add_evidence(
                p.helpline,
                allowed,
                chunks,
                intimate=answer == "yes",
                channel=EvidenceChannel.CONSOLE,
                at=now(),
                key=(fields.get("idempotency_key") or "").strip()[:200] or None,
                item_id=(fields.get("item") or "").strip()[:200] or None,
            )
        except EvidenceRefused as err:
            policy = p.settings.evidence_policy
            message = p.gettext(REFUSED_FILE[err.reason]) % policy.limits_in_mb()
            errors, status = _failed("file", message), err.reason.status
        except RequestRejected as rejection:
            # the service names a query parameter (``item``): the form's field of that name
            named = [replace(problem, loc=problem.loc[-1:]) for problem in rejection.problems]
            errors = from_problems(named, FIELDS)
        except NotFound:
            errors, status = _failed("file", N_("This case does not exist.")), 404
        except Gone:
            errors, status = _failed("file", N_("This case was purged.")), 410
        except DomainError:
            errors = _failed("file", N_("Not available just now: try again shortly."))
            status = 503
        else:
            done = "evidence_hashes" if answer == "yes" else "evidence"
            return p.redirect(f"/cases/{case_id}", done=done)
    failed = refused(FORM, form, errors)
    return await draw_case(p, case_id, failed=failed, status_code=status)


@router.post("/upload-links")
async def make_upload_link(p: SignedIn, case_id: CaseId, form: Posted) -> Response:
    """A one-time link for the young person, shown on the case page this once (the
    form's key: a double submit shows the same link)."""
    try:
        allowed = await permit(p, upload_links.create_upload_link, case_id)
    except CaseRefused:
        return await draw_case(p, case_id)
    try:
        made = await upload_links.create_upload_link(
            p.helpline, allowed, now(), key=idempotency_key(form)
        )
    except NotFound:
        return await draw_case(p, case_id, status_code=404)
    except DomainError:
        return await draw_case(p, case_id, status_code=503)
    return await draw_case(p, case_id, upload_link=made)


def _refusal(p: Page, status: int) -> Response:
    response = Response(status_code=status, headers=NO_STORE)
    p.finish(response)
    return response


async def _read(
    p: Page, case_id: str, service: Service[..., Any], read: Callable[[Permit], Awaitable[T]]
) -> T | Response:
    """``read`` with the service's permit on the case; refused, gone or unknown: the
    bare status (these answers are images and files, not pages)."""
    try:
        return await read(await permit(p, service, case_id))
    except CaseRefused:
        return _refusal(p, 403)
    except NotFound:
        return _refusal(p, 404)
    except Gone:
        return _refusal(p, 410)


def _served(p: Page, response: Response) -> Response:
    p.finish(response)
    return response


@router.get("/{evidence_id}/thumbnail.jpg")
async def thumbnail(p: SignedIn, case_id: CaseId, evidence_id: EvidenceId) -> Response:
    """An image blurred past recognition, made now and never kept."""
    service = evidence_views.evidence_thumbnail
    jpeg = await _read(p, case_id, service, lambda ok: service(p.helpline, ok, evidence_id))
    if isinstance(jpeg, Response):
        return jpeg
    return _served(p, Response(jpeg, media_type="image/jpeg", headers=NO_STORE))


@router.get("/{evidence_id}/image")
async def reveal(p: SignedIn, case_id: CaseId, evidence_id: EvidenceId) -> Response:
    """The image clear (its copy without EXIF or GPS), because the counsellor asked:
    every reveal an audit entry."""
    service = evidence_views.reveal_evidence
    shown = await _read(p, case_id, service, lambda ok: service(p.helpline, ok, evidence_id))
    if isinstance(shown, Response):
        return shown
    kind, data = shown
    headers = {**NO_STORE, "Content-Disposition": "inline"}
    return _served(p, Response(data, media_type=kind.media_type, headers=headers))


@router.get("/{evidence_id}/file")
async def open_file(p: SignedIn, case_id: CaseId, evidence_id: EvidenceId) -> Response:
    """A PDF, a video or a text in the browser's own viewer, never cached (audited as
    every open). A video has no copy made to leave the helpline: it opens as it came."""
    service = evidence.open_evidence
    opened = await _read(
        p, case_id, service, lambda ok: service(p.helpline, ok, evidence_id, in_helpline=True)
    )
    if isinstance(opened, Response):
        return opened
    described, chunks = opened
    headers = {**NO_STORE, "Content-Disposition": "inline", "Content-Length": str(described.size)}
    response = _served(
        p, StreamingResponse(chunks, media_type=described.media_type, headers=headers)
    )
    response.headers["Content-Security-Policy"] = VIEWER_CSP
    return response
