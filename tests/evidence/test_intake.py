"""Adding evidence to a case, on SQLite and PostgreSQL, into a folder and into an S3
bucket: what is kept, what is refused, and that a failure leaves nothing behind."""

import hashlib
import re
from datetime import UTC, datetime

import pytest

from domain.audit import AuditEntry
from domain.evidence import (
    EvidenceChannel,
    EvidenceKind,
    EvidenceRecord,
    EvidenceRefused,
    HashesOnly,
    Refusal,
)
from domain.policy import EvidencePolicy
from relais.crypto.key_store import KeyDestroyed
from relais.db.repositories.audit import AuditLog
from relais.db.repositories.evidence import EvidenceConflict
from relais.evidence.store import EvidenceStore
from relais.evidence.vault import EvidenceNotKept
from tests.evidence.conftest import Evidence, assemble
from tests.evidence.files import chunks_of, jpeg_with_gps, mp4_bytes, pdf_with_author, png
from tests.evidence.support import stored_bytes

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


async def receive(
    evidence: Evidence, data: bytes, case_id: str = "c1", **extra: object
) -> EvidenceRecord:
    options: dict[str, object] = {
        "intimate": False,
        "added_by": "counsellor-1",
        "channel": EvidenceChannel.CONSOLE,
        "at": NOW,
    } | extra
    got = await evidence.intake.receive(case_id, chunks_of(data), **options)  # type: ignore[arg-type]
    assert isinstance(got, EvidenceRecord)
    return got


async def test_a_photo_is_kept_whole_and_leaves_only_sanitised(evidence: Evidence) -> None:
    photo = jpeg_with_gps(marker="MarkerCamera-4242")
    audit = AuditEntry(
        at=NOW, actor="counsellor-1", role="counsellor", action="evidence.add", case_id="c1"
    )

    record = await receive(evidence, photo, item_id="c1-i1", audited=audit)

    assert record.hashes.kind is EvidenceKind.JPEG
    assert record.hashes.sha256 == hashlib.sha256(photo).hexdigest()
    assert record.hashes.size == len(photo)
    assert record.hashes.pdq is not None and record.hashes.pdq.quality >= 50
    assert record.hashes.embedded_metadata and record.sanitised
    assert (record.item_id, record.added_by, record.channel) == ("c1-i1", "counsellor-1", "console")
    assert await evidence.book.get(record.evidence_id) == record
    assert await evidence.vault.read_all(record.evidence_id) == photo  # chain of custody
    exported = await evidence.vault.read_all(record.evidence_id, export=True)
    assert b"MarkerCamera-4242" not in exported and b"MarkerCamera-4242" in photo
    # Encrypted at rest: neither the file nor its marker is in the store in clear.
    raw = await stored_bytes(evidence.store)
    assert b"MarkerCamera-4242" not in raw and photo[-4000:-3000] not in raw
    # Object keys are opaque ids: no evidence id, case id or file type in them.
    keys = sorted(info.key for info in await evidence.store.keys())
    assert keys == sorted(f"objects/{o}" for o in (record.object_id, record.export_object_id))
    assert all(re.fullmatch(r"objects/[0-9a-f]{32}", key) for key in keys)
    entries = await AuditLog(evidence.database).list(case_id="c1")
    assert [e.action for e in entries] == ["evidence.add"]


async def test_a_pdf_and_a_text_are_kept_with_their_export_copy(evidence: Evidence) -> None:
    pdf = await receive(evidence, pdf_with_author("MarkerAuthor-99"))
    assert pdf.hashes.kind is EvidenceKind.PDF and pdf.hashes.embedded_metadata
    assert b"MarkerAuthor-99" not in await evidence.vault.read_all(pdf.evidence_id, export=True)

    note = "Il m'a écrit : « envoie ou je publie » à 23 h 40\n".encode()
    text = await receive(evidence, note)
    assert text.hashes.kind is EvidenceKind.TEXT and text.hashes.pdq is None
    opened = await evidence.vault.open(text.evidence_id, export=True)
    assert opened.size == len(note) and opened.kind is EvidenceKind.TEXT


async def test_a_video_is_streamed_in_and_out_in_chunks(evidence: Evidence) -> None:
    video = mp4_bytes(3 * 1024 * 1024 + 12_345, marker="MarkerVideo-31")

    record = await receive(evidence, video, channel=EvidenceChannel.UPLOAD_LINK)

    assert record.hashes.kind is EvidenceKind.MP4
    assert record.hashes.sha256 == hashlib.sha256(video).hexdigest()
    assert record.export_object_id is None and not record.sanitised
    opened = await evidence.vault.open(record.evidence_id)
    assert opened.size == len(video)
    pieces = [piece async for piece in opened.chunks]
    assert max(len(p) for p in pieces) == 64 * 1024 and b"".join(pieces) == video
    with pytest.raises(EvidenceNotKept, match="no sanitised copy"):
        await evidence.vault.open(record.evidence_id, export=True)
    assert [i.key.startswith("objects/") for i in await evidence.store.keys()] == [True]


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"", Refusal.EMPTY, "empty"),
        (b"PK\x03\x04" + bytes(100), Refusal.UNSUPPORTED_TYPE, "application/zip"),
        (jpeg_with_gps()[:5000], Refusal.TRUNCATED, "truncated"),
    ],
)
async def test_bad_files_are_refused_and_leave_nothing(
    evidence: Evidence, data: bytes, reason: Refusal, words: str
) -> None:
    with pytest.raises(EvidenceRefused, match=words) as refused:
        await receive(evidence, data)
    assert refused.value.reason is reason
    assert await evidence.store.keys() == []
    assert await evidence.book.of_case("c1") == []


async def test_files_over_the_policy_limit_are_refused_naming_it(evidence: Evidence) -> None:
    small = assemble(
        evidence.database,
        evidence.store,
        EvidencePolicy(max_bytes=50_000, max_video_bytes=1_000_000),
    )
    with pytest.raises(
        EvidenceRefused, match=r"larger than 0\.05 MB, the limit for images"
    ) as refused:
        await receive(small, png() + bytes(60_000))
    assert refused.value.reason is Refusal.TOO_LARGE
    with pytest.raises(EvidenceRefused, match=r"larger than 1 MB, the limit for videos"):
        await receive(small, mp4_bytes(1_500_000))
    assert await evidence.store.keys() == []  # the video's parts were dropped
    assert await evidence.book.of_case("c1") == []


class FailingStore(EvidenceStore):
    """The bucket goes away in the middle of an upload."""

    def __init__(self, real: EvidenceStore, fail_after: int) -> None:
        super().__init__(real._store, where=real.where)
        self.puts = 0
        self.fail_after = fail_after

    async def put(self, object_id: str, data: bytes) -> None:
        self.puts += 1
        if self.puts > self.fail_after:
            raise OSError("store unreachable")
        await super().put(object_id, data)


async def test_a_failed_upload_leaves_nothing_half_stored(evidence: Evidence) -> None:
    failing = assemble(evidence.database, FailingStore(evidence.store, fail_after=1))
    with pytest.raises(OSError, match="unreachable"):
        await receive(failing, png())
    assert await evidence.store.keys() == []
    assert await evidence.book.of_case("c1") == []

    async def broken_stream():  # type: ignore[no-untyped-def]
        yield mp4_bytes(200_000)
        raise ConnectionResetError("the phone lost its connection")

    with pytest.raises(ConnectionResetError):
        await evidence.intake.receive(
            "c1", broken_stream(), intimate=False, added_by="young-person",
            channel=EvidenceChannel.UPLOAD_LINK, at=NOW,
        )  # fmt: skip
    assert await evidence.store.keys() == []


async def test_a_retried_upload_is_the_same_record_and_a_reused_id_is_refused(
    evidence: Evidence,
) -> None:
    photo = png()
    first = await receive(evidence, photo, evidence_id="ev-retry-1")
    again = await receive(evidence, photo, evidence_id="ev-retry-1")
    assert again == first
    assert len(await evidence.store.keys()) == 2  # the original and its export copy, once

    with pytest.raises(EvidenceConflict):
        await receive(evidence, jpeg_with_gps(), evidence_id="ev-retry-1")


async def test_an_intimate_image_is_hashed_and_not_kept(evidence: Evidence) -> None:
    got = await evidence.intake.receive(
        "c1", chunks_of(png()), intimate=True, added_by="counsellor-1",
        channel=EvidenceChannel.CONSOLE, at=NOW,
    )  # fmt: skip
    assert isinstance(got, HashesOnly)
    assert got.hashes.pdq is not None
    assert await evidence.store.keys() == []
    with pytest.raises(EvidenceNotKept, match="only its hashes"):
        await evidence.vault.open(got.evidence_id)


async def test_the_book_records_once_and_refuses_an_id_reused_for_another_file(
    evidence: Evidence,
) -> None:
    record = await receive(evidence, png())
    assert await evidence.book.add(record) is False  # a retry: already there
    other = record.model_copy(
        update={"hashes": record.hashes.model_copy(update={"sha256": "f" * 64})}
    )
    with pytest.raises(EvidenceConflict):
        await evidence.book.add(other)
    assert await evidence.book.of_case("c1") == [record]


async def test_nothing_is_taken_into_a_purged_case(evidence: Evidence) -> None:
    await receive(evidence, png())
    await evidence.vault.purge_case("c1", NOW)
    with pytest.raises(KeyDestroyed):
        await receive(evidence, jpeg_with_gps())
    assert await evidence.store.keys() == []
    assert len(await evidence.book.of_case("c1")) == 1
