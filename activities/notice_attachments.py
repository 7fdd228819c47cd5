"""The files a notice attaches, where the platform's channel takes attachments
(``NoticeChannel.accepts_attachments``): the sanitised copies of the screenshots (and
PDFs, if the channel takes them) linked to the notice's item.

Linked: filed with the notice's id as their item (``item_id``), or named by the item
itself (its SHA-256 among the hashes the counsellor qualified it with). Never an
intimate image (its bytes were never kept: its hash is listed, as the counsellor
gave it), never a file of a purged case, never a video or a text, never the original
(it keeps its EXIF, a phone's GPS position): the copy made on arrival without them.

Claim check: :meth:`NoticeFiles.choose` runs in the ``notice_evidence`` activity and
returns evidence ids, which the workflow carries; :meth:`NoticeFiles.read` runs in
``submit_notice`` and decrypts the copies there, in memory, for the one call. The same
ids give the same bytes (the copy is made once, on arrival), so a retried or repeated
submit sends the same files under the same key. A file that can no longer be read when
the notice goes (its case purged meanwhile) is left out, never sent from elsewhere.
"""

from domain.evidence import EvidenceRecord
from domain.notice import (
    ATTACHABLE_MEDIA_TYPES,
    AttachmentLimits,
    NoticeAttachment,
    NoticeEvidenceRequest,
    SubmitNoticeRequest,
)
from partners.notice_files import NoticeFile
from relais.crypto.key_store import KeyDestroyed
from relais.evidence.vault import EvidenceNotFound, EvidenceNotKept, EvidenceVault, OpenedEvidence

UNREADABLE = (EvidenceNotFound, EvidenceNotKept, KeyDestroyed)


def linked(record: EvidenceRecord, request: NoticeEvidenceRequest) -> bool:
    named = {e.digest.lower() for e in request.item.evidence if e.algorithm == "sha256"}
    return record.item_id == request.notice_id or record.hashes.sha256 in named


def _may_leave(record: EvidenceRecord, limits: AttachmentLimits) -> bool:
    kind = record.export_kind
    return (
        not record.intimate
        and record.purged_at is None
        and record.export_object_id is not None
        and kind is not None
        and kind.media_type in ATTACHABLE_MEDIA_TYPES
        and kind.media_type in limits.media_types
    )


class NoticeFiles:
    def __init__(self, vault: EvidenceVault) -> None:
        self._vault = vault

    async def choose(
        self,
        request: NoticeEvidenceRequest,
        records: list[EvidenceRecord],
        limits: AttachmentLimits | None,
    ) -> list[NoticeAttachment]:
        """The ids of the files the notice attaches, in the order they were added."""
        if limits is None:
            return []
        chosen: list[NoticeAttachment] = []
        for record in sorted(records, key=lambda r: (r.added_at, r.evidence_id)):
            if len(chosen) == limits.max_files:
                break
            if not (linked(record, request) and _may_leave(record, limits)):
                continue
            opened = await self._open(record.evidence_id, request.case_id)
            if opened is not None and limits.takes(opened.kind.media_type, opened.size):
                chosen.append(NoticeAttachment(evidence_id=record.evidence_id))
        return chosen

    async def read(
        self, request: SubmitNoticeRequest, limits: AttachmentLimits | None
    ) -> list[NoticeFile]:
        """The sanitised copies of the files the workflow chose, decrypted in memory."""
        if limits is None:
            return []
        files: list[NoticeFile] = []
        for attachment in request.attachments[: limits.max_files]:
            opened = await self._open(attachment.evidence_id, request.case_id)
            if opened is None or not limits.takes(opened.kind.media_type, opened.size):
                continue
            data = b"".join([chunk async for chunk in opened.chunks])
            files.append(
                NoticeFile(
                    evidence_id=attachment.evidence_id,
                    media_type=opened.kind.media_type,
                    data=data,
                    copy_of=opened.record.hashes.sha256,
                )
            )
        return files

    async def _open(self, evidence_id: str, case_id: str) -> OpenedEvidence | None:
        """The sanitised copy, opened (header checked, nothing decrypted yet), if it
        still may leave: of this case, not intimate, not purged."""
        try:
            opened = await self._vault.open(evidence_id, export=True)
        except UNREADABLE:
            return None
        record = opened.record
        if record.case_id != case_id or record.intimate or record.purged_at is not None:
            return None
        return opened
