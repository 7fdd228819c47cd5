"""What the helpline must not hold, and what the purge leaves: looked for byte by
byte in the folder, the bucket (and the S3 server's own disk) and the database."""

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.evidence import EvidenceChannel, EvidenceRecord, HashesOnly
from relais.crypto.key_store import KeyDestroyed
from relais.evidence.vault import EvidenceNotKept
from tests.evidence.conftest import Evidence
from tests.evidence.files import chunks_of, mp4_bytes, pdf_with_author, picture, png
from tests.evidence.support import database_bytes, folder_bytes, stored_bytes

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


async def every_byte(evidence: Evidence, tmp_path: Path, request: pytest.FixtureRequest) -> bytes:
    """The data dir's files, the database, the bucket as S3 serves it and, for the
    bucket, the S3 server's files on disk."""
    found = folder_bytes(tmp_path / "data") + await database_bytes(evidence.database)
    found += await stored_bytes(evidence.store)
    if "s3" in request.node.callspec.id:
        found += folder_bytes(request.getfixturevalue("s3_server").data_dir)
    return found


async def test_an_intimate_image_leaves_no_byte_anywhere(
    evidence: Evidence, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    marker = f"IntimateMarker-{secrets.token_hex(8)}"
    image = png(picture(int.from_bytes(os.urandom(4), "big")), marker=marker)
    slices = [image[i : i + 48] for i in range(100, len(image) - 48, len(image) // 7)]
    assert marker.encode() in image
    data_dir = tmp_path / "data"
    before = files_under(data_dir)

    got = await evidence.intake.receive(
        "case-a", chunks_of(image), intimate=True, added_by="young-person",
        channel=EvidenceChannel.UPLOAD_LINK, at=NOW,
    )  # fmt: skip

    assert isinstance(got, HashesOnly) and got.hashes.pdq is not None
    assert files_under(data_dir) == before
    assert await evidence.store.keys() == []
    everything = await every_byte(evidence, tmp_path, request)
    assert marker.encode() not in everything
    assert not any(piece in everything for piece in slices)
    record = await evidence.book.get(got.evidence_id)
    assert record is not None and record.intimate
    assert (record.object_id, record.export_object_id, record.key_id) == (None, None, None)


async def test_the_purge_leaves_no_readable_byte_of_the_case(
    evidence: Evidence, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    marker = f"PurgeMarker-{secrets.token_hex(8)}"
    added: list[EvidenceRecord] = []
    for data in (
        png(picture(31), marker=marker),
        pdf_with_author(marker),
        mp4_bytes(700_000, marker=marker),
    ):
        got = await evidence.intake.receive(
            "case-a", chunks_of(data), intimate=False, added_by="counsellor-1",
            channel=EvidenceChannel.CONSOLE, at=NOW,
        )  # fmt: skip
        assert isinstance(got, EvidenceRecord)
        added.append(got)
    kept = await evidence.intake.receive(
        "case-b", chunks_of(png(picture(32))), intimate=False, added_by="counsellor-2",
        channel=EvidenceChannel.CONSOLE, at=NOW,
    )  # fmt: skip
    assert isinstance(kept, EvidenceRecord)
    # Pieces of case A's ciphertext, as the store holds it, to look for afterwards.
    sealed = [
        await evidence.store.read(object_id, 200, 264)
        for record in added
        for object_id in (record.object_id, record.export_object_id)
        if object_id is not None
    ]
    assert len(sealed) == 5

    deleted = await evidence.vault.purge_case("case-a", NOW)

    assert deleted == 5
    assert {i.key for i in await evidence.store.keys()} == {
        f"objects/{kept.object_id}",
        f"objects/{kept.export_object_id}",
    }
    if "s3" in request.node.callspec.id:
        # SeaweedFS reclaims deleted blobs later (vacuum): its disk may still hold the
        # ciphertext; what the bucket serves is checked, and the key is gone below.
        found = folder_bytes(tmp_path / "data") + await stored_bytes(evidence.store)
    else:
        found = await every_byte(evidence, tmp_path, request)
    assert marker.encode() not in found
    assert not any(piece in found for piece in sealed)
    for record in added:
        with pytest.raises(EvidenceNotKept, match="purged"):
            await evidence.vault.open(record.evidence_id)
        stored = await evidence.book.get(record.evidence_id)
        assert stored is not None and stored.purged_at == NOW
        assert stored.hashes == record.hashes  # the chain of custody and hashes stay
    # Crypto-shredding: a copy of an object that outlived the deletion won't open.
    evidence.keys.forget()
    assert added[0].key_id is not None
    with pytest.raises(KeyDestroyed):
        await evidence.keys.key_by_id(added[0].key_id)
    # The other case is untouched, and a second purge has nothing left to do.
    assert await evidence.vault.read_all(kept.evidence_id) == png(picture(32))
    assert await evidence.vault.purge_case("case-a", NOW) == 0
