"""Seeing evidence, carefully: an image's blurred thumbnail for the case page, and the
image shown clear when a counsellor asks (each its own audit action: ``evidence.thumbnail``
once per reader and window, ``evidence.reveal`` at every click). Who may: as for
opening a file (``application.evidence.open_evidence``). Nothing decrypted is stored:
the thumbnail is made from the sanitised copy as it is read, in memory."""

import asyncio

from application.acting import CASE_WORKERS, Permit, service
from application.errors import Gone, NotFound
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.evidence import EvidenceKind
from relais.crypto.key_store import KeyDestroyed
from relais.evidence.thumbnails import blurred_thumbnail
from relais.evidence.vault import EvidenceNotFound, EvidenceNotKept, OpenedEvidence


async def _opened_image(helpline: Helpline, case_id: str, evidence_id: str) -> OpenedEvidence:
    parts = helpline.evidence
    record = await parts.book.get(evidence_id)
    if record is None or record.case_id != case_id:
        raise NotFound(f"no evidence {evidence_id} on case {case_id}")
    try:
        opened = await parts.vault.open(evidence_id, export=True)
    except EvidenceNotFound:
        raise NotFound(f"no evidence {evidence_id} on case {case_id}") from None
    except (EvidenceNotKept, KeyDestroyed) as err:
        raise Gone(str(err) if isinstance(err, EvidenceNotKept) else "purged") from None
    if not opened.kind.is_image:
        raise NotFound(f"evidence {evidence_id} is not an image")
    return opened


async def _read(opened: OpenedEvidence) -> bytes:
    return b"".join([chunk async for chunk in opened.chunks])


@service(*CASE_WORKERS, on_case=True)
async def evidence_thumbnail(helpline: Helpline, permit: Permit, evidence_id: str) -> bytes:
    """The image's blurred thumbnail (JPEG); 404 when it is not an image on this case,
    410 when its bytes are not kept (an intimate image, a purged case)."""
    case_id = permit.case
    assert case_id is not None
    opened = await _opened_image(helpline, case_id, evidence_id)
    thumbnail = await asyncio.to_thread(blurred_thumbnail, await _read(opened))
    await helpline.audit(permit).record_read(
        AuditAction.EVIDENCE_THUMBNAIL, case_id, f"evidence={evidence_id}"
    )
    return thumbnail


@service(*CASE_WORKERS, on_case=True)
async def reveal_evidence(
    helpline: Helpline, permit: Permit, evidence_id: str
) -> tuple[EvidenceKind, bytes]:
    """The image shown clear (its sanitised copy: no EXIF, no GPS), when the counsellor
    asked: every reveal an audit entry."""
    case_id = permit.case
    assert case_id is not None
    opened = await _opened_image(helpline, case_id, evidence_id)
    data = await _read(opened)
    await helpline.audit(permit).record(
        AuditAction.EVIDENCE_REVEAL, case_id, f"evidence={evidence_id}"
    )
    return opened.kind, data


__all__ = ["evidence_thumbnail", "reveal_evidence"]
