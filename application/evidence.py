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
from application.audit_trail import AuditTrail
from application.case_access import Access, CaseAccessPolicy
from application.errors import Gone, NotFound, Problem, RequestRejected, key_reused
from application.evidence_parts import EvidenceParts
from application.helpline import Helpline
from application.permits import Actor
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
    item_id: str | None = Field(
        default=None, description="The qualified item (its notice id) the file shows, if said"
    )
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
    other_cases_readable: list[str] = Field(
        default_factory=list,
        description="Of those other cases, the ones the reader may read (their ids, to "
        "open them); the rest are only counted, nothing of them shown",
    )


class EvidenceManifest(BaseModel):
    case_id: str
    evidence: list[EvidenceLine]


def evidence_id_for(case_id: str, subject: str, key: str) -> str:
    """A retried upload's evidence id: the same key, case and counsellor, the same id."""
    digest = hashlib.sha256(f"relais/evidence|{case_id}|{subject}|{key}".encode()).hexdigest()
    return "ev-" + digest[:24]


def intimate_unanswered(loc: tuple[str, ...]) -> RequestRejected:
    """The intimate question left unanswered (at ``loc``): nothing of the file is read."""
    return RequestRejected(
        [
            Problem(
                loc=loc,
                msg="intimate: say whether the file is an intimate image (true or false)",
                type="intimate_unanswered",
                code="intimate_unanswered",
            )
        ]
    )


async def evidence_line(
    parts: EvidenceParts,
    record: EvidenceRecord | HashesOnly,
    reader: tuple[Helpline, Actor] | None = None,
) -> EvidenceLine:
    """``reader``: who reads the line, to be given the other cases holding the same
    image that they may read (none for a line leaving the helpline)."""
    hashes = record.hashes
    intimate = isinstance(record, HashesOnly) or record.intimate
    kept = not intimate and isinstance(record, EvidenceRecord) and record.purged_at is None
    matches = await parts.matcher.matches(hashes, other_than_case=record.case_id)
    others = {match.case_id for match in matches}
    readable = [] if reader is None else await _readable(*reader, sorted(others))
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
        item_id=record.item_id if isinstance(record, EvidenceRecord) else None,
        intimate=intimate,
        kept=kept,
        hash_routes=list(HASH_ROUTES) if intimate else [],
        seen_in_other_cases=len(others),
        removed_elsewhere=await removals_in(parts, sorted(others)),
        other_cases_readable=readable,
    )


async def _readable(helpline: Helpline, actor: Actor, case_ids: list[str]) -> list[str]:
    """The cases of ``case_ids`` that ``actor`` may read (the read rule of
    ``application.case_access``: an unknown case is not theirs)."""
    policy = CaseAccessPolicy(helpline.access)
    return [
        case_id
        for case_id in case_ids
        if await policy.access(actor.subject, actor.role, case_id) is Access.ALLOWED
    ]


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
    item_id: str | None = None,
) -> EvidenceLine:
    """Take one file into the case, sealed with its key (an intimate image: its hashes
    only); :class:`~domain.evidence.EvidenceRefused` says why a file is not taken.
    ``intimate``: the counsellor must answer (None: refused, nothing read).
    ``item_id``: the qualified item the file shows (one of the case's notices), checked
    before a byte is read."""
    case_id = permit.case
    assert case_id is not None
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    if intimate is None:
        raise intimate_unanswered(("query", "intimate"))
    parts = helpline.evidence
    if item_id is not None and item_id not in {
        notice.notice_id for notice in (await helpline.commands.view(case_id)).notices
    }:
        raise RequestRejected(
            [
                Problem(
                    loc=("query", "item"),
                    msg="item: not a qualified item (notice) of this case",
                    type="item_unknown",
                    code="item_unknown",
                )
            ]
        )
    record = await take_in_as(
        helpline,
        permit,
        case_id,
        stream,
        key,
        intimate=intimate,
        channel=channel,
        at=at,
        item_id=item_id,
    )
    return await evidence_line(parts, record, (helpline, permit.actor))


async def take_in_as(
    helpline: Helpline,
    permit: Permit,
    case_id: str,
    stream: AsyncIterable[bytes],
    key: str | None,
    *,
    intimate: bool,
    channel: EvidenceChannel,
    at: datetime,
    item_id: str | None = None,
) -> EvidenceRecord | HashesOnly:
    """:func:`take_in` of a counsellor's file under their request's key: its evidence id
    derived from the case, them and the key (a retry is the same file); the key sent
    again with another file is refused, never merged."""
    evidence_id = evidence_id_for(case_id, permit.actor.subject, key) if key else None
    try:
        return await take_in(
            helpline,
            helpline.audit(permit),
            case_id,
            stream,
            intimate=intimate,
            channel=channel,
            at=at,
            evidence_id=evidence_id,
            item_id=item_id,
            key=key,
        )
    except EvidenceConflict:
        raise key_reused("file") from None


async def take_in(
    helpline: Helpline,
    trail: AuditTrail,
    case_id: str,
    stream: AsyncIterable[bytes],
    *,
    intimate: bool,
    channel: EvidenceChannel,
    at: datetime,
    evidence_id: str | None = None,
    item_id: str | None = None,
    key: str | None = None,
) -> EvidenceRecord | HashesOnly:
    """One file into a case's evidence, added by whoever ``trail`` writes as (a
    counsellor, an upload link, a conversation) through the door ``channel``: its
    ``evidence.add`` line in the same transaction as its record (never a byte, a hash or
    a name of the file). Every door takes files through here; a purged case: Gone."""
    audited = trail.entry(
        AuditAction.EVIDENCE_ADD, case_id, f"intimate={intimate} channel={channel.value}", key=key
    )
    try:
        return await helpline.evidence.intake.receive(
            case_id,
            stream,
            intimate=intimate,
            added_by=trail.actor,
            channel=channel,
            at=at,
            evidence_id=evidence_id,
            item_id=item_id,
            audited=audited,
        )
    except KeyDestroyed:
        raise Gone(f"case {case_id} was purged: it takes no evidence") from None


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
    lines = [await evidence_line(parts, record, (helpline, permit.actor)) for record in records]
    return EvidenceManifest(case_id=case_id, evidence=lines)


async def evidence_manifest_lines(helpline: Helpline, case_id: str) -> list[EvidenceLine]:
    """The manifest's lines, unaudited: for a service that audits its own read."""
    parts = helpline.evidence
    return [await evidence_line(parts, record) for record in await parts.book.of_case(case_id)]


class OpenedFile(BaseModel):
    evidence_id: str
    media_type: str
    size: int
    sanitised: bool


@service(*CASE_WORKERS, on_case=True)
async def open_evidence(
    helpline: Helpline,
    permit: Permit,
    evidence_id: str,
    *,
    original: bool = False,
    in_helpline: bool = False,
) -> tuple[OpenedFile, AsyncIterator[bytes]]:
    """One file's bytes, decrypted as they are read: by default the copy that may
    leave the helpline (EXIF, GPS and document info removed); ``original``: the file
    as it came (chain of custody); ``in_helpline``: to be seen in the console's viewer,
    where a video (no copy is made to leave the helpline) opens as it came. Audited at
    every open."""
    case_id = permit.case
    assert case_id is not None
    parts = helpline.evidence
    record = await parts.book.get(evidence_id)
    if record is None or record.case_id != case_id:
        raise NotFound(f"no evidence {evidence_id} on case {case_id}")
    original = original or (in_helpline and record.hashes.kind.is_video)
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
