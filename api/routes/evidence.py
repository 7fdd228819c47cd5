"""A case's evidence (``application.evidence``): upload a file (multipart, streamed:
never spooled to disk), the manifest, one file's bytes (an audited read)."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from api.multipart_stream import read_upload
from api.schemas.errors import CASE_READ_ERRORS, ErrorMessage
from api.schemas.evidence import EvidenceManifest, EvidenceRead, SeenElsewhereRead
from application import evidence
from application.acting import Permit
from application.errors import Problem, RequestRejected
from application.evidence import EvidenceUpload, SeenElsewhere
from domain.evidence import (
    EvidenceChannel,
    EvidenceRecord,
    EvidenceRefused,
    HashesOnly,
    Refusal,
)
from relais.clock import utc_now

router = APIRouter(prefix="/cases/{case_id}/evidence", tags=["evidence"])

NO_STORE = {"Cache-Control": "no-store"}
REFUSAL_STATUS = {
    Refusal.TOO_LARGE: status.HTTP_413_CONTENT_TOO_LARGE,
    Refusal.UNSUPPORTED_TYPE: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
}
GONE: dict[str, Any] = {
    "model": ErrorMessage,
    "description": "The case's personal data was purged, or this file's bytes were never "
    "kept (an intimate image: hashes only)",
}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "intimate": {
                            "type": "string",
                            "enum": ["true", "false"],
                            "description": "An intimate image of a minor: only its hashes "
                            "are kept, its bytes never written (send before the file)",
                        },
                        "item_id": {
                            "type": "string",
                            "description": "The qualified item it shows (send before the file)",
                        },
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PNG, JPEG, WebP, GIF, HEIC, PDF, MP4 or plain text; "
                            "the type is read from the content, not the name",
                        },
                    },
                },
                "encoding": {"file": {"contentType": "application/octet-stream"}},
            }
        },
    }
}


def _seen(seen: SeenElsewhere) -> SeenElsewhereRead:
    return SeenElsewhereRead(cases=seen.cases, readable=seen.readable)


def _read(record: EvidenceRecord | HashesOnly, seen: SeenElsewhere) -> EvidenceRead:
    intimate = isinstance(record, HashesOnly) or record.intimate
    kept = isinstance(record, EvidenceRecord) and record.object_id is not None
    if isinstance(record, EvidenceRecord) and record.purged_at is not None:
        kept = False
    return EvidenceRead(
        evidence_id=record.evidence_id,
        case_id=record.case_id,
        item_id=record.item_id if isinstance(record, EvidenceRecord) else None,
        added_by=record.added_by,
        added_at=record.added_at,
        channel=record.channel,
        hashes=record.hashes,
        intimate=intimate,
        kept=kept,
        seen_elsewhere=_seen(seen),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_BODY,
    responses={
        **CASE_READ_ERRORS,
        410: GONE,
        413: {"description": "The file is larger than the policy allows (names the field)"},
        415: {"description": "Not a type the helpline keeps (names the field)"},
    },
)
async def add_evidence(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(evidence.add_evidence)],
    request: Request,
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> EvidenceRead:
    """Add a file to the case: sniffed, hashed (SHA-256; PDQ for an image), its
    metadata (a phone's GPS position) removed from the copy that may leave the
    helpline, sealed with the case's key outside Temporal. ``intimate=true``: only
    the hashes are kept. Answers where the same image was seen in other cases."""
    upload = await read_upload(request)
    intimate = upload.fields.get("intimate", "false").strip().lower()
    if intimate not in ("true", "false"):
        raise RequestRejected(
            [
                Problem(
                    loc=("body", "intimate"),
                    msg="intimate: true or false",
                    type="invalid_choice",
                    code="invalid_choice",
                )
            ]
        )
    item_id = upload.fields.get("item_id") or None
    try:
        added = await evidence.add_evidence(
            helpline,
            permit,
            EvidenceUpload(
                chunks=upload.chunks,
                intimate=intimate == "true",
                channel=EvidenceChannel.API,
                item_id=item_id,
            ),
            idempotency_key,
            utc_now(),
        )
    except EvidenceRefused as refused:
        raise HTTPException(
            REFUSAL_STATUS.get(refused.reason, status.HTTP_422_UNPROCESSABLE_CONTENT),
            detail=[
                {
                    "loc": ["body", "file"],
                    "msg": f"file: {refused.message}",
                    "type": refused.reason.value,
                    "code": f"evidence_{refused.reason.value}",
                }
            ],
        ) from None
    return _read(added.record, added.seen)


@router.get("", responses=CASE_READ_ERRORS)
async def evidence_manifest(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(evidence.evidence_manifest)],
    helpline: HelplineDep,
) -> EvidenceManifest:
    """The evidence manifest: every file with its hashes, type, size, who added it,
    when and through which door (no bytes, no names)."""
    lines = await evidence.evidence_manifest(helpline, permit)
    return EvidenceManifest(
        case_id=case_id, files=[_read(line.record, line.seen) for line in lines]
    )


@router.get(
    "/{evidence_id}",
    response_class=StreamingResponse,
    responses={
        **CASE_READ_ERRORS,
        200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes"},
        404: {"model": ErrorMessage, "description": "No such file in this case"},
        410: GONE,
    },
)
async def open_evidence(
    case_id: CaseId,
    evidence_id: str,
    permit: Annotated[Permit, permitted(evidence.open_evidence)],
    helpline: HelplineDep,
    original: Annotated[
        bool, Query(description="The original as received (chain of custody), with its metadata")
    ] = False,
) -> StreamingResponse:
    """One file: by default the copy without embedded metadata. Every opening is an
    audit line; never cached."""
    opened = await evidence.open_evidence(helpline, permit, evidence_id, original=original)
    return StreamingResponse(
        opened.chunks,
        media_type=opened.kind.media_type,
        headers={
            **NO_STORE,
            "Content-Length": str(opened.size),
            "Content-Disposition": f'attachment; filename="{evidence_id}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
