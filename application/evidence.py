"""Evidence on a case: a counsellor adds a file, lists the case's evidence (its
manifest: the chain of custody) and opens one file. Each is one service: who may act
(the counsellors who may act on the case, and supervisors), what it does
(``relais.evidence``), its audit line (never a byte, a hash or a name of the file).

Where the index lives: the app database (``relais.db.repositories.evidence``), keyed
by case, not the case workflow. The workflow does not decide anything on evidence
yet, and a history is forever: an update carrying evidence would have to be
re-recorded in every replay history for no decision it takes. When a workflow needs
it (the report file, notices with attachments), the claim check is an update with
the evidence id, its hashes and metadata only (docs/evidence.md).

Retries: the upload's ``Idempotency-Key`` names the evidence id (per case and
counsellor), so the same key with the same file is the same evidence, and with
another file it is refused (``idempotency_key_reused``, 422). An intimate image
(``intimate=True``): only its hashes are kept, no byte is written anywhere.
"""

import hashlib
from collections.abc import AsyncIterable, AsyncIterator
from datetime import datetime

from pydantic import BaseModel, Field

from application.acting import CASE_WORKERS, Permit, service
from application.errors import Gone, NotFound, Problem, RequestRejected
from application.evidence_parts import EvidenceParts
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.evidence import (
    EvidenceChannel,
    EvidenceKind,
    EvidenceRecord,
    HashesOnly,
)
from domain.notice import Decision
from relais.crypto.key_store import KeyDestroyed
from relais.db.repositories.evidence import EvidenceConflict
from relais.evidence.vault import EvidenceNotFound, EvidenceNotKept

KEY_FIELD = ("header", "Idempotency-Key")
HASH_ROUTES = ("take_it_down", "stopncii")


class RemovedElsewhere(BaseModel):
    """Content matching this file was removed from a platform in another case: where
    and when only (nothing of that case)."""

    platform: str
    on: datetime


class EvidenceLine(BaseModel):
    """One file of a case's evidence manifest (what goes with a police handoff)."""

    evidence_id: str
    sha256: str
    pdq: str | None = Field(default=None, description="Images: Meta's PDQ, 64 hex digits")
    size: int = Field(description="Bytes")
    kind: EvidenceKind
    media_type: str
    added_by: str
    added_at: datetime
    channel: EvidenceChannel
    intimate: bool = Field(description="Declared intimate: only the hashes were kept")
    kept: bool = Field(description="Its bytes can be opened (not intimate, not purged)")
    hash_routes: list[str] = Field(
        default_factory=list,
        description="An intimate image: the services that take its hash to have it removed "
        "everywhere (Take It Down under 18, StopNCII), to offer the young person",
    )
    seen_in_other_cases: int = Field(
        default=0, description="Other cases holding the same or a near-identical image"
    )
    removed_elsewhere: list[RemovedElsewhere] = Field(
        default_factory=list,
        description="Removals of it in those other cases: the platform and the date only",
    )


class EvidenceManifest(BaseModel):
    case_id: str
    evidence: list[EvidenceLine]


def evidence_id_for(case_id: str, subject: str, key: str) -> str:
    """A retried upload's evidence id: the same key, case and counsellor, the same id."""
    digest = hashlib.sha256(f"relais/evidence|{case_id}|{subject}|{key}".encode()).hexdigest()
    return "ev-" + digest[:24]


def _key_reused() -> RequestRejected:
    return RequestRejected(
        [
            Problem(
                loc=KEY_FIELD,
                msg="Idempotency-Key: already used for another file",
                type="idempotency_key_reused",
                code="idempotency_key_reused",
            )
        ]
    )


async def _line(parts: EvidenceParts, record: EvidenceRecord | HashesOnly) -> EvidenceLine:
    hashes = record.hashes
    intimate = isinstance(record, HashesOnly) or record.intimate
    kept = not intimate and isinstance(record, EvidenceRecord) and record.purged_at is None
    matches = await parts.matcher.matches(hashes, other_than_case=record.case_id)
    others = {match.case_id for match in matches}
    return EvidenceLine(
        evidence_id=record.evidence_id,
        sha256=hashes.sha256,
        pdq=hashes.pdq.hex if hashes.pdq else None,
        size=hashes.size,
        kind=hashes.kind,
        media_type=hashes.kind.media_type,
        added_by=record.added_by,
        added_at=record.added_at,
        channel=record.channel,
        intimate=intimate,
        kept=kept,
        hash_routes=list(HASH_ROUTES) if intimate else [],
        seen_in_other_cases=len(others),
        removed_elsewhere=await removals_in(parts, sorted(others)),
    )


async def removals_in(parts: EvidenceParts, case_ids: list[str]) -> list[RemovedElsewhere]:
    """The removals decided in ``case_ids``, oldest first: platform and date only."""
    found = []
    for other in case_ids:
        for notice in await parts.notices.list_for_case(other):
            if notice.decision is Decision.REMOVED and notice.decided_at is not None:
                found.append(RemovedElsewhere(platform=notice.platform, on=notice.decided_at))
    return sorted(found, key=lambda r: r.on)


@service(*CASE_WORKERS, on_case=True)
async def add_evidence(
    helpline: Helpline,
    permit: Permit,
    stream: AsyncIterable[bytes],
    *,
    intimate: bool | None,
    channel: EvidenceChannel,
    at: datetime,
    key: str | None = None,
) -> EvidenceLine:
    """Take one file into the case, sealed with its key (an intimate image: its hashes
    only); :class:`~domain.evidence.EvidenceRefused` says why a file is not taken.
    ``intimate``: the counsellor must answer (None: refused, nothing read)."""
    case_id = permit.case
    assert case_id is not None
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    if intimate is None:
        raise RequestRejected(
            [
                Problem(
                    loc=("query", "intimate"),
                    msg="intimate: say whether the file is an intimate image (true or false)",
                    type="intimate_unanswered",
                    code="intimate_unanswered",
                )
            ]
        )
    parts = helpline.evidence
    me = permit.actor.subject
    evidence_id = evidence_id_for(case_id, me, key) if key else None
    audited = helpline.audit(permit).entry(
        AuditAction.EVIDENCE_ADD, case_id, f"intimate={intimate} channel={channel.value}", key=key
    )
    try:
        record = await parts.intake.receive(
            case_id,
            stream,
            intimate=intimate,
            added_by=me,
            channel=channel,
            at=at,
            evidence_id=evidence_id,
            audited=audited,
        )
    except EvidenceConflict:
        raise _key_reused() from None
    except KeyDestroyed:
        raise Gone(f"case {case_id} was purged: it takes no evidence") from None
    return await _line(parts, record)


@service(*CASE_WORKERS, on_case=True)
async def evidence_manifest(helpline: Helpline, permit: Permit) -> EvidenceManifest:
    """The case's files: hashes, sizes, types, who added each, when, through which door."""
    case_id = permit.case
    assert case_id is not None
    parts = helpline.evidence
    records = await parts.book.of_case(case_id)
    if not records and not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    await helpline.audit(permit).record_read(AuditAction.EVIDENCE_LIST, case_id)
    lines = [await _line(parts, record) for record in records]
    return EvidenceManifest(case_id=case_id, evidence=lines)


async def evidence_manifest_lines(helpline: Helpline, case_id: str) -> list[EvidenceLine]:
    """The manifest's lines, unaudited: for a service that audits its own read."""
    parts = helpline.evidence
    return [await _line(parts, record) for record in await parts.book.of_case(case_id)]


class OpenedFile(BaseModel):
    evidence_id: str
    media_type: str
    size: int
    sanitised: bool


@service(*CASE_WORKERS, on_case=True)
async def open_evidence(
    helpline: Helpline, permit: Permit, evidence_id: str, *, original: bool = False
) -> tuple[OpenedFile, AsyncIterator[bytes]]:
    """One file's bytes, decrypted as they are read: by default the copy that may
    leave the helpline (EXIF, GPS and document info removed); ``original``: the file
    as it came (chain of custody). Audited at every open."""
    case_id = permit.case
    assert case_id is not None
    parts = helpline.evidence
    record = await parts.book.get(evidence_id)
    if record is None or record.case_id != case_id:
        raise NotFound(f"no evidence {evidence_id} on case {case_id}")
    try:
        opened = await parts.vault.open(evidence_id, export=not original)
    except EvidenceNotFound:
        raise NotFound(f"no evidence {evidence_id} on case {case_id}") from None
    except (EvidenceNotKept, KeyDestroyed) as err:
        raise Gone(str(err) if isinstance(err, EvidenceNotKept) else "purged") from None
    copy = "original" if original else "export"
    await helpline.audit(permit).record(
        AuditAction.EVIDENCE_READ, case_id, f"evidence={evidence_id} copy={copy}"
    )
    described = OpenedFile(
        evidence_id=evidence_id,
        media_type=opened.kind.media_type,
        size=opened.size,
        sanitised=not original,
    )
    return described, opened.chunks


__all__ = [
    "EvidenceLine",
    "EvidenceManifest",
    "OpenedFile",
    "add_evidence",
    "evidence_manifest",
    "evidence_manifest_lines",
    "open_evidence",
]
