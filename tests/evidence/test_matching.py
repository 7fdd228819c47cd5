"""Seen in another case: the same file (SHA-256) or the same picture resized or
recompressed (PDQ within 31 bits, quality 50 or more); never the case itself."""

from datetime import UTC, datetime

from PIL import Image

from domain.evidence import EvidenceChannel, MatchedBy
from tests.evidence.conftest import Evidence
from tests.evidence.files import chunks_of, encoded, picture, png

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


async def add(evidence: Evidence, case_id: str, data: bytes, *, intimate: bool = False):  # type: ignore[no-untyped-def]
    return await evidence.intake.receive(
        case_id, chunks_of(data), intimate=intimate, added_by="counsellor-1",
        channel=EvidenceChannel.API, at=NOW,
    )  # fmt: skip


async def test_the_same_screenshot_and_a_resent_copy_are_found_in_other_cases(
    evidence: Evidence,
) -> None:
    matcher = evidence.matcher
    await matcher.refresh()  # loaded before the files arrive: it catches up by itself
    screenshot = png(picture(11))
    first = await add(evidence, "case-a", screenshot)
    same = await add(evidence, "case-b", screenshot)
    resent = await add(
        evidence, "case-c", encoded(picture(11).resize((480, 360)), "JPEG", quality=55)
    )
    other = await add(evidence, "case-d", png(picture(12)))

    seen = await matcher.matches(same.hashes, other_than_case="case-b")
    assert [(m.case_id, m.matched_by) for m in seen] == [
        ("case-a", MatchedBy.SHA256),
        ("case-c", MatchedBy.PDQ),
    ]
    assert seen[0].evidence_id == first.evidence_id and 0 < seen[1].distance <= 31

    near = await matcher.matches(resent.hashes, other_than_case="case-c")
    assert {m.case_id for m in near} == {"case-a", "case-b"}
    assert all(m.matched_by is MatchedBy.PDQ for m in near)
    assert await matcher.matches(other.hashes, other_than_case="case-d") == []


async def test_weak_hashes_do_not_match(evidence: Evidence) -> None:
    """A flat image has a PDQ of quality 0: any other flat image would be "near"."""
    grey = await add(evidence, "case-a", png(Image.new("RGB", (300, 300), (120, 120, 120))))
    other_grey = await add(evidence, "case-b", png(Image.new("RGB", (320, 200), (121, 121, 121))))
    assert grey.hashes.pdq is not None and grey.hashes.pdq.quality < 50
    assert await evidence.matcher.matches(other_grey.hashes, other_than_case="case-b") == []


async def test_an_intimate_image_kept_as_hashes_is_recognised_when_sent_again(
    evidence: Evidence,
) -> None:
    declared = await add(evidence, "case-a", png(picture(21)), intimate=True)
    later = await add(evidence, "case-b", encoded(picture(21), "JPEG", quality=70))
    seen = await evidence.matcher.matches(later.hashes, other_than_case="case-b")
    assert [(m.evidence_id, m.matched_by) for m in seen] == [(declared.evidence_id, MatchedBy.PDQ)]
