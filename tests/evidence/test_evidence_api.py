"""A counsellor's evidence through the API, on a real stack (Temporal dev server,
worker, SQLite, the evidence folder under the test's directory): the file is streamed
in, sealed, listed in the manifest with its hashes, handed back without its GPS
position, refused to a colleague; an intimate image leaves no byte anywhere."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from temporalio.testing import WorkflowEnvironment

from tests.evidence.files import jpeg_with_gps, picture, png
from tests.evidence.support import database_bytes, folder_bytes
from tests.support.cases import open_case
from tests.support.stack import Stack, auth, running_stack


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    async with running_stack(local_env.client, tmp_path_factory.mktemp("evidence-api")) as s:
        yield s


def upload(data: bytes, *, intimate: bool = False) -> dict[str, object]:
    return {
        "data": {"intimate": "true" if intimate else "false"},
        "files": {"file": ("capture.jpg", data, "application/octet-stream")},
    }


def keyed(role: str = "counsellor", key: str | None = None) -> dict[str, str]:
    return {**auth(role), "Idempotency-Key": key or uuid.uuid4().hex}


async def test_a_screenshot_is_kept_listed_and_handed_back_without_its_gps_position(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    photo = jpeg_with_gps(marker="Phone-of-a-child")
    added = await stack.api.post(f"/cases/{case_id}/evidence", headers=keyed(), **upload(photo))
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["hashes"]["sha256"] == hashlib.sha256(photo).hexdigest()
    assert body["hashes"]["kind"] == "jpeg" and body["hashes"]["embedded_metadata"] is True
    assert body["kept"] is True and body["channel"] == "api"
    assert body["added_by"] == "local-counsellor"

    manifest = await stack.api.get(f"/cases/{case_id}/evidence", headers=auth("counsellor"))
    assert manifest.status_code == 200, manifest.text
    files = manifest.json()["files"]
    assert [f["evidence_id"] for f in files] == [body["evidence_id"]]

    copy = await stack.api.get(
        f"/cases/{case_id}/evidence/{body['evidence_id']}", headers=auth("counsellor")
    )
    assert copy.status_code == 200 and copy.headers["cache-control"] == "no-store"
    assert b"Phone-of-a-child" not in copy.content
    assert Image.open(__import__("io").BytesIO(copy.content)).getexif().get_ifd(0x8825) == {}
    original = await stack.api.get(
        f"/cases/{case_id}/evidence/{body['evidence_id']}",
        params={"original": "true"},
        headers=auth("counsellor"),
    )
    assert original.content == photo

    # Nothing of it in clear in the evidence folder: sealed with the case's key.
    assert b"Phone-of-a-child" not in folder_bytes(stack.settings.evidence_folder())
    trail = await stack.api.get("/audit", params={"case_id": case_id}, headers=auth("auditor"))
    actions = [e["action"] for e in trail.json()]
    assert actions.count("evidence.read") == 2 and actions.count("evidence.add") == 1


async def test_a_colleague_may_not_see_a_case_they_do_not_work_on(stack: Stack) -> None:
    case_id = await open_case(stack)
    added = await stack.api.post(f"/cases/{case_id}/evidence", headers=keyed(), **upload(png()))
    evidence_id = added.json()["evidence_id"]
    for path in (f"/cases/{case_id}/evidence", f"/cases/{case_id}/evidence/{evidence_id}"):
        refused = await stack.api.get(path, headers=auth("colleague"))
        assert refused.status_code in (403, 404), refused.text
    refused = await stack.api.post(
        f"/cases/{case_id}/evidence", headers=keyed("colleague"), **upload(png())
    )
    assert refused.status_code in (403, 404), refused.text


async def test_a_retry_is_the_same_file_and_the_key_with_another_file_is_refused(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    key = uuid.uuid4().hex
    first = await stack.api.post(
        f"/cases/{case_id}/evidence", headers=keyed(key=key), **upload(png(marker="a"))
    )
    again = await stack.api.post(
        f"/cases/{case_id}/evidence", headers=keyed(key=key), **upload(png(marker="a"))
    )
    assert first.status_code == 201 and again.status_code in (200, 201), again.text
    assert again.json()["evidence_id"] == first.json()["evidence_id"]
    other = await stack.api.post(
        f"/cases/{case_id}/evidence", headers=keyed(key=key), **upload(png(marker="b"))
    )
    assert other.status_code == 422, other.text
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    manifest = await stack.api.get(f"/cases/{case_id}/evidence", headers=auth("counsellor"))
    assert len(manifest.json()["files"]) == 1


async def test_an_intimate_image_leaves_only_its_hashes(stack: Stack) -> None:
    case_id = await open_case(stack)
    marker = f"intimate-{uuid.uuid4().hex}"
    image = png(picture(seed=7), marker=marker)
    added = await stack.api.post(
        f"/cases/{case_id}/evidence", headers=keyed(), **upload(image, intimate=True)
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["intimate"] is True and body["kept"] is False
    assert body["hashes"]["sha256"] == hashlib.sha256(image).hexdigest()
    assert marker.encode() not in folder_bytes(stack.settings.evidence_folder())
    assert marker.encode() not in await database_bytes(stack.database)
    assert image[-4096:] not in folder_bytes(Path(stack.settings.evidence_folder()).parent)
    opened = await stack.api.get(
        f"/cases/{case_id}/evidence/{body['evidence_id']}", headers=auth("counsellor")
    )
    assert opened.status_code == 410, opened.text


async def test_the_same_image_in_another_case_is_counted_there(stack: Stack) -> None:
    image = png(picture(seed=11), marker="shared")
    first_case, second_case = await open_case(stack), await open_case(stack)
    await stack.api.post(f"/cases/{first_case}/evidence", headers=keyed(), **upload(image))
    added = await stack.api.post(f"/cases/{second_case}/evidence", headers=keyed(), **upload(image))
    seen = added.json()["seen_elsewhere"]
    assert seen["cases"] == 1
    assert [m["case_id"] for m in seen["readable"]] == [first_case]


async def test_bad_uploads_name_what_to_fix(stack: Stack) -> None:
    case_id = await open_case(stack)
    not_multipart = await stack.api.post(
        f"/cases/{case_id}/evidence",
        headers=keyed(),
        content=b"\x89PNG",
    )
    assert not_multipart.status_code in (415, 422), not_multipart.text
    no_file = await stack.api.post(
        f"/cases/{case_id}/evidence",
        headers=keyed(),
        data={"intimate": "false"},
        files={"other": ("x", b"y")},
    )
    assert no_file.status_code == 422 and no_file.json()["detail"][0]["loc"] == ["body", "file"]
    zip_file = await stack.api.post(
        f"/cases/{case_id}/evidence",
        headers=keyed(),
        **upload(b"PK\x03\x04" + b"\0" * 200),
    )
    assert zip_file.status_code == 415, zip_file.text
    assert zip_file.json()["detail"][0]["loc"] == ["body", "file"]
    unknown_case = await stack.api.post(
        f"/cases/{'f' * 32}/evidence", headers=keyed(), **upload(png())
    )
    assert unknown_case.status_code == 404, unknown_case.text
    manifest = await stack.api.get(f"/cases/{case_id}/evidence", headers=auth("counsellor"))
    assert manifest.json()["files"] == []
