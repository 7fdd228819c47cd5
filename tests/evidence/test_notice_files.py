"""Which files a notice attaches, and what is read of them, on the real evidence store
(folder and S3 bucket) and book (SQLite and PostgreSQL): the sanitised copies of the
images and PDFs filed under the notice or named by its item, within the channel's
limits; never a text, a video, an intimate image, another item's file, another case's
file or a purged one."""

import hashlib
import io
import itertools
from datetime import UTC, datetime, timedelta

from PIL import Image

from activities.notice_attachments import NoticeFiles
from activities.notices import NoticeActivities
from domain.evidence import EvidenceChannel, EvidenceRecord, HashesOnly
from domain.items import EvidenceHash
from domain.notice import (
    AttachmentLimits,
    NoticeAttachment,
    NoticeEvidenceRequest,
    SubmitNoticeRequest,
)
from partners.builtin import builtin_specs
from partners.registry import AdapterRegistry
from relais.settings import Settings
from tests.evidence.conftest import Evidence
from tests.evidence.files import chunks_of, jpeg_with_gps, mp4_bytes, pdf_with_author, picture, png
from tests.support.builders import item

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
SECONDS = itertools.count()  # each file added after the one before
LIMITS = AttachmentLimits(media_types=["image/png", "image/jpeg", "application/pdf"])


async def keep(
    evidence: Evidence, data: bytes, *, intimate: bool = False, **extra: object
) -> EvidenceRecord | HashesOnly:
    return await evidence.intake.receive(
        str(extra.pop("case_id", "c1")),
        chunks_of(data),
        intimate=intimate,
        added_by="counsellor-1",
        channel=EvidenceChannel.CONSOLE,
        at=NOW + timedelta(seconds=next(SECONDS)),
        **extra,  # type: ignore[arg-type]
    )


def wanted(notice_id: str = "n-1", *named: bytes, case_id: str = "c1") -> NoticeEvidenceRequest:
    digests = [EvidenceHash(digest=hashlib.sha256(d).hexdigest()) for d in named]
    return NoticeEvidenceRequest(
        case_id=case_id, notice_id=notice_id, item=item(evidence=[e.model_dump() for e in digests])
    )


def submitted(attachments: list[NoticeAttachment], case_id: str = "c1") -> SubmitNoticeRequest:
    return SubmitNoticeRequest(
        case_id=case_id,
        notice_id="n-1",
        idempotency_key="n-1",
        item=item(),
        attachments=attachments,
    )


async def test_the_files_filed_under_the_notice_or_named_by_its_item(evidence: Evidence) -> None:
    photo, named = jpeg_with_gps(picture(71), marker="Phone-71"), png(picture(73))
    under = await keep(evidence, photo, item_id="n-1")
    await keep(evidence, png(picture(72)), item_id="n-2")  # another item's
    by_name = await keep(evidence, named)
    pdf = await keep(evidence, pdf_with_author("Author-74"), item_id="n-1")
    await keep(evidence, b"a note of what was said", item_id="n-1")  # text: never
    await keep(evidence, mp4_bytes(200_000), item_id="n-1")  # video: never
    await keep(evidence, png(picture(75)), intimate=True, item_id="n-1")  # never kept
    await keep(evidence, png(picture(76)), case_id="c2", item_id="n-1")  # another case
    files = NoticeFiles(evidence.vault)
    records = await evidence.book.of_case("c1")

    chosen = await files.choose(wanted("n-1", named), records, LIMITS)
    assert [a.evidence_id for a in chosen] == [
        under.evidence_id,
        by_name.evidence_id,
        pdf.evidence_id,
    ]
    images_only = LIMITS.model_copy(update={"media_types": ["image/jpeg", "image/png"]})
    assert len(await files.choose(wanted("n-1", named), records, images_only)) == 2
    one = LIMITS.model_copy(update={"max_files": 1})
    assert [a.evidence_id for a in await files.choose(wanted(), records, one)] == [
        under.evidence_id
    ]
    assert await files.choose(wanted(), records, LIMITS.model_copy(update={"max_bytes": 100})) == []
    assert await files.choose(wanted(), records, None) == []

    read = await files.read(submitted(chosen), LIMITS)
    assert [f.evidence_id for f in read] == [a.evidence_id for a in chosen]
    for file in read:
        copy = await evidence.vault.read_all(file.evidence_id, export=True)
        assert file.data == copy
    jpeg, _, document = read
    assert not Image.open(io.BytesIO(jpeg.data)).getexif()
    assert b"Phone-71" not in jpeg.data and jpeg.copy_of == hashlib.sha256(photo).hexdigest()
    assert b"Author-74" not in document.data and document.media_type == "application/pdf"
    # Ids of this case's files under another case's notice: nothing is read.
    assert await files.read(submitted(chosen, case_id="c2"), LIMITS) == []


async def test_nothing_is_attached_from_a_purged_case(evidence: Evidence) -> None:
    await keep(evidence, jpeg_with_gps(picture(77)), item_id="n-1")
    files = NoticeFiles(evidence.vault)
    chosen = await files.choose(wanted(), await evidence.book.of_case("c1"), LIMITS)
    assert len(chosen) == 1

    await evidence.vault.purge_case("c1", NOW)
    assert await files.read(submitted(chosen), LIMITS) == []
    assert await files.choose(wanted(), await evidence.book.of_case("c1"), LIMITS) == []


async def test_the_channel_says_whether_files_go(evidence: Evidence) -> None:
    """The ``notice_evidence`` activity asks the platform's adapter: TikTok takes files,
    Snapchat none (its notice lists the hashes)."""
    photo = jpeg_with_gps(picture(78))
    await keep(evidence, photo, item_id="n-1")
    specs = builtin_specs(Settings())
    registry = AdapterRegistry(
        [s.configure({}) for s in specs if s.info.slug in ("tiktok", "snapchat")]
    )
    activities = NoticeActivities(registry, None, evidence.book, evidence.vault)
    request = wanted()
    for platform, count in (("tiktok", 1), ("snapchat", 0)):
        on = request.model_copy(
            update={"item": request.item.model_copy(update={"platform": platform})}
        )
        found = await activities.notice_evidence(on)
        assert len(found.attachments) == count
        assert [e.digest for e in found.evidence] == [hashlib.sha256(photo).hexdigest()]


async def test_a_file_filed_under_its_item_after_the_fact_goes_with_that_items_notices(
    evidence: Evidence,
) -> None:
    """``EvidenceBook.link_item``: a file of the case not filed under an item yet is
    filed once its item exists (the console's item form with its screenshot); a link is
    never moved, and another case's file is never filed."""
    photo = await keep(evidence, png(picture(78)))
    other_case = await keep(evidence, png(picture(79)), case_id="c2")
    book = evidence.book
    assert await book.link_item(photo.evidence_id, "c1", "n-1")
    assert await book.link_item(photo.evidence_id, "c1", "n-1")  # again: still filed there
    assert not await book.link_item(photo.evidence_id, "c1", "n-2")  # never moved
    assert not await book.link_item(other_case.evidence_id, "c1", "n-1")
    filed = await book.get(photo.evidence_id)
    assert filed is not None and filed.item_id == "n-1"
    chosen = await NoticeFiles(evidence.vault).choose(
        wanted("n-1"), await book.of_case("c1"), LIMITS
    )
    assert [a.evidence_id for a in chosen] == [photo.evidence_id]
