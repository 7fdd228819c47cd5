"""Notices carry the item's screenshots where the platform's channel takes files, as the
platform (the simulator, over real HTTP) received them: TikTok as a multipart upload,
Facebook as base64 in the JSON body; Snapchat takes none and gets the hashes only.
What goes out is the sanitised copy (no EXIF, no GPS position), never an intimate image,
and a retried submit sends the same files under the same key. On SQLite and PostgreSQL."""

import base64
import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from temporalio.testing import WorkflowEnvironment

from domain import contract
from tests.evidence.files import jpeg_with_gps, picture, png
from tests.evidence.support import add_evidence
from tests.support.cases import ITEM, open_case
from tests.support.client import auth
from tests.support.databases import BACKENDS
from tests.support.history_files import _payloads, decoded
from tests.support.stack import Stack, running_stack, stack_on
from tests.support.waiting import eventually

GPS_IFD = 0x8825


@pytest.fixture(scope="module", params=BACKENDS)
async def stack(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("notice-attachments")
    async with stack_on(request.param, local_env.client, folder) as running:
        yield running


async def qualify(stack: Stack, case_id: str, platform: str, *digests: str) -> str:
    """One item on ``platform`` naming the files ``digests`` (SHA-256): its notice id."""
    item = {
        **ITEM,
        "platform": platform,
        "location": {"url": f"https://{platform}.example/p/{uuid.uuid4().hex}"},
        "evidence": [{"digest": digest} for digest in digests],
    }
    response = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [item]}, headers=auth("counsellor")
    )
    assert response.status_code == 202, response.text
    [notice_id] = response.json()["notice_ids"]
    return str(notice_id)


async def received_notice(stack: Stack, platform: str, notice_id: str) -> dict[str, Any]:
    async def find() -> list[dict[str, Any]]:
        response = await stack.simulator.get("/_control/notices", params={"target": platform})
        response.raise_for_status()
        return [n for n in response.json() if n["body"].get("notice_id") == notice_id]

    [notice] = await eventually(find, bool, what=f"the notice at {platform}")
    return notice


async def file_received(stack: Stack, platform: str, reference: str, index: int) -> bytes:
    response = await stack.simulator.get(
        f"/_control/notices/{platform}/{reference}/attachments/{index}"
    )
    assert response.status_code == 200, response.text
    return response.content


async def sanitised_copy(stack: Stack, case_id: str, evidence_id: str) -> bytes:
    response = await stack.api.get(
        f"/cases/{case_id}/evidence/{evidence_id}", headers=auth("counsellor")
    )
    assert response.status_code == 200, response.text
    return response.content


async def history_payloads(stack: Stack, notice_id: str) -> bytes:
    """Every payload of the notice's workflow history, decrypted, end to end."""
    handle = stack.client.get_workflow_handle(contract.TAKEDOWN.workflow_id(notice_id))
    codec = stack.client.data_converter.payload_codec
    assert codec is not None
    history = await decoded(await handle.fetch_history(), codec)
    found: list[Any] = []
    for event in history.events:
        _payloads(event, found)
    return b"\n".join(payload.data for payload in found)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("platform", ["tiktok", "facebook"])  # multipart, base64 in JSON
async def test_the_platform_receives_the_screenshot_without_its_gps_position(
    stack: Stack, platform: str
) -> None:
    case_id = await open_case(stack)
    photo = jpeg_with_gps(picture(61), marker="Phone-Lea-61")
    line = await add_evidence(stack, case_id, photo, name="IMG_0061.jpg")
    notice_id = await qualify(stack, case_id, platform, sha256(photo))

    notice = await received_notice(stack, platform, notice_id)
    [attached] = notice["attachments"]
    data = await file_received(stack, platform, notice["reference"], 0)
    shown = Image.open(io.BytesIO(data))
    assert shown.format == "JPEG" and attached["media_type"] == "image/jpeg"
    assert not shown.getexif() and not shown.getexif().get_ifd(GPS_IFD)
    assert b"Phone-Lea-61" not in data and b"PhoneMaker" not in data
    copy = await sanitised_copy(stack, case_id, line["evidence_id"])
    assert attached["sha256"] == sha256(data) == sha256(copy) != sha256(photo)
    assert attached["size"] == len(data)
    assert attached["copy_of_sha256"] == sha256(photo)
    assert attached["file_name"] == f"{line['evidence_id']}.jpg"  # never the name it came with
    assert "IMG_0061" not in str(notice)
    assert sha256(photo) in [e["digest"] for e in notice["body"]["evidence"]]
    # Claim check: the notice's history holds the evidence id, never a byte of the file.
    history = await history_payloads(stack, notice_id)
    assert line["evidence_id"].encode() in history
    for sent in (data, photo):
        assert sent[100:164] not in history and base64.b64encode(sent[99:147]) not in history


async def test_a_platform_that_takes_no_files_gets_the_hashes_only(stack: Stack) -> None:
    case_id = await open_case(stack)
    photo = jpeg_with_gps(picture(62))
    await add_evidence(stack, case_id, photo)
    notice_id = await qualify(stack, case_id, "snapchat", sha256(photo))

    notice = await received_notice(stack, "snapchat", notice_id)
    assert notice["attachments"] == []
    assert sha256(photo) in [e["digest"] for e in notice["body"]["evidence"]]
    missing = await stack.simulator.get(
        f"/_control/notices/snapchat/{notice['reference']}/attachments/0"
    )
    assert missing.status_code == 404


async def test_an_intimate_image_is_listed_by_its_hash_and_never_attached(stack: Stack) -> None:
    case_id = await open_case(stack)
    screenshot, intimate = png(picture(63)), png(picture(64))
    await add_evidence(stack, case_id, intimate, intimate=True)
    line = await add_evidence(stack, case_id, screenshot)
    notice_id = await qualify(stack, case_id, "tiktok", sha256(intimate), sha256(screenshot))

    notice = await received_notice(stack, "tiktok", notice_id)
    digests = [e["digest"] for e in notice["body"]["evidence"]]
    assert sha256(intimate) in digests and sha256(screenshot) in digests
    [attached] = notice["attachments"]
    assert attached["copy_of_sha256"] == sha256(screenshot)
    assert attached["sha256"] == sha256(await sanitised_copy(stack, case_id, line["evidence_id"]))


async def test_a_retried_submit_sends_the_same_files_under_the_same_key(stack: Stack) -> None:
    stack.compress_retries("instagram")
    await stack.configure_target("instagram", lose_next_responses=1)
    case_id = await open_case(stack)
    photo = jpeg_with_gps(picture(65))
    await add_evidence(stack, case_id, photo)
    notice_id = await qualify(stack, case_id, "instagram", sha256(photo))

    notice = await received_notice(stack, "instagram", notice_id)
    await eventually(
        lambda: stack.deliveries(),
        lambda d: d["targets"]["instagram"]["posts"] >= 2,
        what="the retry after the lost answer",
    )
    summary = (await stack.deliveries())["targets"]["instagram"]
    assert summary["duplicates"] == 1 and summary["conflicting_bodies"] == 0
    assert len(notice["attachments"]) == 1


DECLARED = """
[[adapter]]
slug = "nord-photos"
display_name = "Nord Photos"
kind = "platform"
channel = "http_json"
base_url = "{url}"

[adapter.submit]
path = "/platforms/nord-photos/notices"

[adapter.attachments]
encoding = "json_base64"
max_files = 2
max_bytes = 4_000_000
media_types = ["image/jpeg", "image/png"]
"""


async def test_a_declared_http_json_platform_takes_them_as_its_configuration_says(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    def declared(simulator_url: str) -> Path:
        path = tmp_path / "adapters.toml"
        path.write_text(DECLARED.format(url=simulator_url))
        return path

    async with running_stack(local_env.client, tmp_path, adapters_config=declared) as stack:
        await stack.configure_target(
            "nord-photos", delivery="poll", attachments={"encoding": "json_base64"}
        )
        case_id = await open_case(stack)
        photo = jpeg_with_gps(picture(66), marker="Phone-Lea-66")
        line = await add_evidence(stack, case_id, photo)
        notice_id = await qualify(stack, case_id, "nord-photos", sha256(photo))

        notice = await received_notice(stack, "nord-photos", notice_id)
        [attached] = notice["attachments"]
        data = await file_received(stack, "nord-photos", notice["reference"], 0)
        assert b"Phone-Lea-66" not in data and not Image.open(io.BytesIO(data)).getexif()
        assert attached["sha256"] == sha256(
            await sanitised_copy(stack, case_id, line["evidence_id"])
        )
