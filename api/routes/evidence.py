"""A case's evidence (``application.evidence``): a file added (multipart, streamed,
never spooled to disk), the manifest, one file read, the dossier de signalement (PDF)
(all audited). Thin doors.

This router is outside the app-wide ``Idempotency-Key`` check (``api.idempotency``):
a multipart body's boundary changes at every send, so a retry would never be the
same body byte for byte. The service takes the key itself: the same key with the
same file is the same evidence, with another file a 422 naming the header.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.responses import Response, StreamingResponse

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from application import evidence, evidence_views
from application.acting import Permit
from application.evidence import EvidenceLine, EvidenceManifest
from application.evidence_dossier import evidence_dossier as evidence_dossier_service
from domain.evidence import EvidenceChannel, EvidenceRefused
from relais.clock import utc_now
from relais.multipart_file import file_part

router = APIRouter(prefix="/cases/{case_id}/evidence", tags=["evidence"])

EvidenceId = Annotated[
    str, Path(pattern=r"^[a-z0-9-]{1,64}$", description="The evidence's id (from the manifest)")
]

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PNG, JPEG, WebP, GIF, HEIC, PDF, MP4 or plain "
                            "text (sniffed from the content; the name is ignored)",
                        }
                    },
                }
            }
        },
    }
}


def _answer(description: str) -> dict[str, Any]:
    return {"description": description}


LATE: dict[int | str, dict[str, Any]] = {
    503: _answer("Temporal did not answer in time (the case is looked up there); retry")
}


def refused(err: EvidenceRefused) -> HTTPException:
    code = f"evidence_{err.reason.value}"
    problem = {"loc": ["body", "file"], "msg": f"file: {err.message}", "type": code, "code": code}
    return HTTPException(err.reason.status, detail=[problem])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_BODY,
    responses={
        404: _answer("No such case"),
        410: _answer("The case was purged: it takes no evidence"),
        413: _answer("The file is over the policy's limit (`evidence_too_large`, names it)"),
        415: _answer(
            "Not multipart (names `Content-Type`), or a file type not taken "
            "(`evidence_unsupported_type`, names `file`)"
        ),
        422: _answer(
            "No `file` part, an empty, truncated or corrupt file, an image with too many "
            "pixels, `intimate` unanswered (`intimate_unanswered`), `item` not one of the "
            "case's notices (`item_unknown`), or the Idempotency-Key already used for "
            "another file (`idempotency_key_reused`)"
        ),
        **LATE,
    },
)
async def add_evidence(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(evidence.add_evidence)],
    request: Request,
    helpline: HelplineDep,
    intimate: Annotated[
        bool | None,
        Query(
            description="Required: is it an intimate image? If so only its hashes are kept, "
            "its bytes are never written anywhere (unanswered: 422 `intimate_unanswered`)"
        ),
    ] = None,
    item: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9._:-]{1,200}$",
            description="The qualified item the file shows: one of the case's notice ids "
            "(otherwise 422 `item_unknown`)",
        ),
    ] = None,
    idempotency_key: ActionKey = None,
) -> EvidenceLine:
    """Add a file to the case: hashed, its type sniffed, sealed with the case's key (its
    sanitised copy too). A retry under the same Idempotency-Key is the same evidence."""
    try:
        return await evidence.add_evidence(
            helpline,
            permit,
            file_part(request),
            intimate=intimate,
            channel=EvidenceChannel.API,
            at=utc_now(),
            key=idempotency_key,
            item_id=item,
        )
    except EvidenceRefused as err:
        raise refused(err) from None


@router.get("", responses={404: _answer("No such case"), **LATE})
async def evidence_manifest(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(evidence.evidence_manifest)],
    helpline: HelplineDep,
) -> EvidenceManifest:
    """The case's evidence manifest (audited): each file's hashes, size, type, who
    added it, when and through which door; how many other cases hold the same image."""
    return await evidence.evidence_manifest(helpline, permit)


@router.get(
    "/dossier.pdf",
    response_class=Response,
    responses={
        200: {
            "description": "The dossier de signalement (PDF); never cached",
            "content": {"application/pdf": {"schema": {"type": "string"}}},
        },
        404: _answer("No such case"),
        **LATE,
    },
)
async def evidence_dossier(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(evidence_dossier_service)],
    helpline: HelplineDep,
    with_contact: Annotated[
        bool,
        Query(
            description="Include the young person's contact details (for the police): "
            "first name, phone, e-mail, how to call back; audited as a contact read"
        ),
    ] = False,
) -> Response:
    """The case's dossier de signalement (audited): qualified items with their Code
    pénal articles, what each platform answered, the evidence manifest and the
    sanitised screenshots; no contact details unless ``with_contact``."""
    pdf = await evidence_dossier_service(helpline, permit, at=utc_now(), with_contact=with_contact)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'attachment; filename="dossier-{case_id}.pdf"',
        },
    )


@router.get(
    "/{evidence_id}/thumbnail.jpg",
    response_class=Response,
    responses={
        200: {
            "description": "A small JPEG blurred past recognition, made now, never kept or "
            "cached (audited `evidence.thumbnail`, once per reader and 15 minutes)",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        },
        404: _answer("No such case, no such evidence on it, or not an image"),
        410: _answer("Its bytes are not kept (an intimate image: hashes only; a purged case)"),
        **LATE,
    },
)
async def evidence_thumbnail(
    case_id: CaseId,
    evidence_id: EvidenceId,
    permit: Annotated[Permit, permitted(evidence_views.evidence_thumbnail)],
    helpline: HelplineDep,
) -> Response:
    """An image's blurred thumbnail, to show evidence without showing it: the clear
    image is the file itself (`GET .../{evidence_id}`, audited at every read)."""
    jpeg = await evidence_views.evidence_thumbnail(helpline, permit, evidence_id)
    return Response(
        jpeg,
        media_type="image/jpeg",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.get(
    "/{evidence_id}",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file's bytes (its media type); never cached",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        },
        404: _answer("No such case, or no such evidence on it"),
        410: _answer(
            "Its bytes are not kept (an intimate image: hashes only; a purged case), or a "
            "video asked without `original=true` (a video has no copy that leaves the helpline)"
        ),
        **LATE,
    },
)
async def read_evidence(
    case_id: CaseId,
    evidence_id: EvidenceId,
    permit: Annotated[Permit, permitted(evidence.open_evidence)],
    helpline: HelplineDep,
    original: Annotated[
        bool,
        Query(description="The file as it came (chain of custody), its metadata included"),
    ] = False,
) -> StreamingResponse:
    """One file, decrypted as it is sent (audited at every read). By default the copy
    that may leave the helpline: EXIF, GPS and document info removed."""
    opened, chunks = await evidence.open_evidence(helpline, permit, evidence_id, original=original)
    return StreamingResponse(
        chunks,
        media_type=opened.media_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Length": str(opened.size),
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'attachment; filename="{evidence_id}"',
        },
    )
