"""Evidence of a case: adding a file, its manifest, opening it (application layer).

Where things live (docs/evidence.md): the bytes outside Temporal, sealed with the
case's data key in the evidence store (a folder, or an S3 bucket); the chain of
custody (who, when, from which door, the hashes) in the app database's ``evidence``
table, keyed by case. The case workflow's history carries none of it: a file is
not a decision the workflow takes, and the manifest is read from the table, so no
evidence id needs to travel through the history either (the claim check would be
the id; here even the id stays out).

Every door (the JSON API, the console, the chat, an upload link) calls these
services; each writes its audit line, in the same transaction as the record for an
upload. A retried upload under the same ``Idempotency-Key`` is the same evidence
(its id is derived from the case, the person and the key); another file under
that key is refused, never merged.
"""

import hashlib
from collections.abc import AsyncIterable
from dataclasses import dataclass
from datetime import datetime

from application.acting import COUNSELLORS, Permit, service
from application.errors import Gone, NotFound, Problem, RequestRejected
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.evidence import (
    EvidenceChannel,
    EvidenceHashes,
    EvidenceMatch,
    EvidenceRecord,
    HashesOnly,
)
from relais.db.repositories.evidence import EvidenceConflict
from relais.db.repositories.retention import RetentionBook
from relais.evidence.intake import new_evidence_id
from relais.evidence.vault import EvidenceNotFound, EvidenceNotKept, OpenedEvidence

KEY_FIELD = ("header", "Idempotency-Key")


@dataclass(frozen=True)
class EvidenceUpload:
    """One file as a door received it: its bytes as they arrive, and what the person
    said of it (an intimate image: only its hashes are kept)."""

    chunks: AsyncIterable[bytes]
    intimate: bool
    channel: EvidenceChannel
    item_id: str | None = None


@dataclass(frozen=True)
class SeenElsewhere:
    """The same image in other cases: how many, and those this person may read (the
    others are counted, never named)."""

    cases: int
    readable: list[EvidenceMatch]


@dataclass(frozen=True)
class EvidenceAdded:
    record: EvidenceRecord | HashesOnly
    seen: SeenElsewhere


@dataclass(frozen=True)
class EvidenceLine:
    record: EvidenceRecord
    seen: SeenElsewhere


async def _seen_elsewhere(
    helpline: Helpline, permit: Permit, hashes: EvidenceHashes, case_id: str
) -> SeenElsewhere:
    matches = await helpline.evidence_matcher.matches(hashes, other_than_case=case_id)
    readable = [m for m in matches if await helpline.may_read(permit.actor, m.case_id)]
    return SeenElsewhere(cases=len({m.case_id for m in matches}), readable=readable)


def evidence_id_for(case_id: str, subject: str, key: str) -> str:
    """The evidence a retry under ``key`` lands on: the person's key is theirs."""
    digest = hashlib.sha256(f"{case_id}\0{subject}\0{key}".encode()).hexdigest()
    return f"ev-{digest[:24]}"


async def _case_holds_data(helpline: Helpline, case_id: str) -> None:
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    if purged := await RetentionBook(helpline.database).purged_at(case_id):
        raise Gone(
            f"the personal data of case {case_id} was purged on {purged:%Y-%m-%d} "
            "(end of retention): it takes no evidence and shows none"
        )


@service(*COUNSELLORS, on_case=True)
async def add_evidence(
    helpline: Helpline, permit: Permit, upload: EvidenceUpload, key: str | None, now: datetime
) -> EvidenceAdded:
    """Take a file into the case: sniffed, hashed, its metadata stripped from the copy
    that may leave the helpline, sealed with the case's key; an intimate image only
    hashed, in memory. :class:`~domain.evidence.EvidenceRefused` names why not."""
    case_id = permit.case
    assert case_id is not None
    await _case_holds_data(helpline, case_id)
    evidence_id = (
        new_evidence_id() if key is None else evidence_id_for(case_id, permit.actor.subject, key)
    )
    # The audit line is stored with the record, in one transaction: a retry that finds
    # the record adds neither.
    audited = helpline.audit(permit).entry(
        AuditAction.EVIDENCE_ADD,
        case_id,
        f"evidence={evidence_id} intimate={upload.intimate} channel={upload.channel.value}",
        key=key,
    )
    try:
        record = await helpline.evidence_intake.receive(
            case_id,
            upload.chunks,
            intimate=upload.intimate,
            added_by=permit.actor.subject,
            channel=upload.channel,
            at=now,
            item_id=upload.item_id,
            evidence_id=evidence_id,
            audited=audited,
        )
    except EvidenceConflict:
        raise RequestRejected(
            [
                Problem(
                    loc=KEY_FIELD,
                    msg="Idempotency-Key: already used for another file",
                    type="idempotency_key_reused",
                    code="idempotency_key_reused",
                )
            ]
        ) from None
    return EvidenceAdded(record, await _seen_elsewhere(helpline, permit, record.hashes, case_id))


@service(*COUNSELLORS, on_case=True)
async def evidence_manifest(helpline: Helpline, permit: Permit) -> list[EvidenceLine]:
    """The case's evidence, oldest first: hashes, type, size, who added it, when, from
    which door, and where the same image was seen in other cases (ids only)."""
    case_id = permit.case
    assert case_id is not None
    if not await helpline.commands.exists(case_id):
        raise NotFound(f"no case {case_id}")
    records = await helpline.evidence_book.of_case(case_id)
    lines = [
        EvidenceLine(record, await _seen_elsewhere(helpline, permit, record.hashes, case_id))
        for record in sorted(records, key=lambda r: (r.added_at, r.evidence_id))
    ]
    await helpline.audit(permit).record_read(
        AuditAction.EVIDENCE_LIST, case_id, f"files={len(lines)}"
    )
    return lines


@service(*COUNSELLORS, on_case=True)
async def open_evidence(
    helpline: Helpline, permit: Permit, evidence_id: str, *, original: bool = False
) -> OpenedEvidence:
    """One file's bytes: the sanitised copy (no GPS position, no author) unless the
    original is asked for (the chain of custody). Every opening is an audit line."""
    case_id = permit.case
    assert case_id is not None
    await _case_holds_data(helpline, case_id)
    record = await helpline.evidence_book.get(evidence_id)
    if record is None or record.case_id != case_id:
        raise NotFound(f"no evidence {evidence_id} in case {case_id}")
    try:
        opened = await helpline.evidence_vault.open(evidence_id, export=not original)
    except EvidenceNotFound:
        raise NotFound(f"no evidence {evidence_id} in case {case_id}") from None
    except EvidenceNotKept as err:
        raise Gone(str(err)) from None
    await helpline.audit(permit).record(
        AuditAction.EVIDENCE_READ,
        case_id,
        f"evidence={evidence_id} copy={'original' if original else 'sanitised'}",
    )
    return opened
