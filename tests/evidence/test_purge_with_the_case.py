"""A case's evidence goes with the case at the end of its retention: the retention
purge (the Temporal workflow, on a whole stack over HTTP) deletes the files from the
store, marks them purged and destroys the key, so a marker written into an uploaded
file is found nowhere afterwards: not in the folder, not in the bucket as S3 serves
it, and (folder) not in the data dir; the download answers 410, the hashes stay."""

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.retention import PurgeReport, PurgeRunInput
from relais.clock import utc_now
from relais.converter import key_store_of
from relais.crypto.key_store import KeyDestroyed
from relais.db.repositories.evidence import EvidenceBook
from relais.db.repositories.retention import RetentionBook
from relais.evidence.store import EvidenceStore
from tests.evidence.conftest import s3_store
from tests.evidence.files import pdf_with_author, picture, png
from tests.evidence.s3_server import S3Server
from tests.evidence.support import add_evidence, folder_bytes, stored_bytes
from tests.support.cases import open_case
from tests.support.client import auth
from tests.support.stack import Stack, running_stack


def s3_settings(server: S3Server) -> dict[str, Any]:
    return {
        "evidence_store": "s3",
        "evidence_s3_bucket": server.bucket,
        "evidence_s3_endpoint": server.endpoint,
        "evidence_s3_access_key_id": server.access_key,
        "evidence_s3_secret_access_key": server.secret_key,
        "evidence_s3_allow_http": True,
    }


@pytest.fixture(scope="module", params=["folder", "s3"])
async def stack(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("evidence-purge")
    extra = s3_settings(request.getfixturevalue("s3_server")) if request.param == "s3" else {}
    async with running_stack(local_env.client, folder, extra_settings=extra) as running:
        yield running


def store_of(stack: Stack, request: pytest.FixtureRequest) -> EvidenceStore:
    if stack.settings.evidence_store.value == "s3":
        return s3_store(request.getfixturevalue("s3_server"))
    return EvidenceStore.local(stack.settings.evidence_folder())


async def purge(stack: Stack, case_id: str) -> None:
    closed = await stack.api.post(
        f"/cases/{case_id}/close",
        json={"reason": "done"},
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert closed.status_code == 200, closed.text
    await RetentionBook(stack.database).schedule(case_id, utc_now() - timedelta(seconds=1))
    report = await stack.client.execute_workflow(
        contract.RETENTION_PURGE.name,
        PurgeRunInput(),
        id=f"purge-{uuid.uuid4().hex[:8]}",
        task_queue=stack.settings.task_queue,
        result_type=PurgeReport,
    )
    assert case_id in report.purged


async def test_the_retention_purge_leaves_no_readable_byte_of_the_evidence(
    stack: Stack, request: pytest.FixtureRequest
) -> None:
    marker = f"PurgeMarker-{secrets.token_hex(8)}"
    store = store_of(stack, request)
    purged_case = await open_case(stack)
    kept_case = await open_case(stack)
    lines = [
        await add_evidence(stack, purged_case, png(picture(41), marker=marker)),
        await add_evidence(stack, purged_case, pdf_with_author(marker)),
    ]
    kept = await add_evidence(stack, kept_case, png(picture(42)))
    book = EvidenceBook(stack.database)
    records = [await book.get(line["evidence_id"]) for line in lines]
    object_ids = {
        o for r in records if r is not None for o in (r.object_id, r.export_object_id) if o
    }
    assert len(object_ids) == 4
    sealed = [await store.read(o, 200, 264) for o in object_ids]

    await purge(stack, purged_case)

    left = {info.key for info in await store.keys()}
    assert not left & {f"objects/{o}" for o in object_ids}
    found = await stored_bytes(store) + folder_bytes(stack.settings.evidence_folder())
    assert marker.encode() not in found
    assert not any(piece in found for piece in sealed)
    for line, record in zip(lines, records, strict=True):
        got = await stack.api.get(
            f"/cases/{purged_case}/evidence/{line['evidence_id']}", headers=auth("supervisor")
        )
        assert got.status_code in (404, 410), got.text
        after = await book.get(line["evidence_id"])
        assert after is not None and after.purged_at is not None
        assert record is not None and after.hashes == record.hashes  # hashes stay
        assert record.key_id is not None
    # Crypto-shredding: a copy of an object that outlived the deletion won't open.
    keys = key_store_of(stack.client.data_converter)
    assert records[0] is not None and records[0].key_id is not None
    with pytest.raises(KeyDestroyed):
        await keys.key_by_id(records[0].key_id)
    # The other case is untouched.
    other = await stack.api.get(
        f"/cases/{kept_case}/evidence/{kept['evidence_id']}", headers=auth("counsellor")
    )
    assert other.status_code == 200, other.text
