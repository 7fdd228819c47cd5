"""The counsellor's door for evidence, over real HTTP on a whole stack (a Temporal dev
server, the worker, the API on loopback, SQLite, the store as a folder): a phone's
screenshot with its GPS position added to a case, listed in the manifest with its
SHA-256, downloaded without its EXIF; a colleague kept out; an intimate image leaving
no byte anywhere; a retried upload one file; the same image in another case seen."""

import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from tests.evidence.files import jpeg_with_gps, mp4_bytes, picture, png
from tests.evidence.support import database_bytes, folder_bytes
from tests.support.cases import INTAKE, intake_body, open_case
from tests.support.client import auth
from tests.support.databases import BACKENDS
from tests.support.stack import Stack, stack_on


@pytest.fixture(scope="module", params=BACKENDS)
async def stack(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    """The app database on SQLite and on PostgreSQL (where "no byte in the database"
    reads every row of the tables evidence touches)."""
    folder: Path = tmp_path_factory.mktemp("evidence-doors")
    async with stack_on(request.param, local_env.client, folder) as running:
        yield running


def evidence_folder(stack: Stack) -> Path:
    return stack.settings.evidence_folder()


def objects(stack: Stack) -> set[Path]:
    folder = evidence_folder(stack)
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


async def upload(
    stack: Stack,
    case_id: str,
    data: bytes,
    *,
    intimate: bool = False,
    who: str = "counsellor",
    key: str | None = None,
) -> httpx.Response:
    return await stack.api.post(
        f"/cases/{case_id}/evidence",
        params={"intimate": str(intimate).lower()},
        files={"file": ("IMG_0042.jpg", data, "application/octet-stream")},
        headers={**auth(who), "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def manifest(stack: Stack, case_id: str, who: str = "counsellor") -> httpx.Response:
    return await stack.api.get(f"/cases/{case_id}/evidence", headers=auth(who))


async def audit_actions(stack: Stack, case_id: str) -> list[str]:
    async with stack.database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT action FROM audit_log WHERE case_id = :case ORDER BY id"),
            {"case": case_id},
        )
        return [row[0] for row in rows]


async def test_a_screenshot_is_listed_with_its_hash_and_leaves_without_its_gps(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    photo = jpeg_with_gps(picture(seed=7), marker="Phone-Camille")
    added = await upload(stack, case_id, photo)
    assert added.status_code == 201, added.text
    line = added.json()
    assert line["sha256"] == hashlib.sha256(photo).hexdigest()
    assert (line["kind"], line["size"], line["channel"]) == ("jpeg", len(photo), "api")

    listed = await manifest(stack, case_id)
    assert listed.status_code == 200, listed.text
    [entry] = listed.json()["evidence"]
    assert entry["evidence_id"] == line["evidence_id"]
    assert entry["sha256"] == hashlib.sha256(photo).hexdigest()
    assert entry["added_by"] and entry["kept"] is True

    got = await stack.api.get(
        f"/cases/{case_id}/evidence/{line['evidence_id']}", headers=auth("counsellor")
    )
    assert got.status_code == 200, got.text
    assert got.headers["cache-control"] == "no-store"
    assert got.headers["content-type"] == "image/jpeg"
    exported = Image.open(io.BytesIO(got.content))
    assert not exported.getexif(), "the copy that leaves the helpline carries no EXIF"
    assert b"Phone-Camille" not in got.content
    # The original (chain of custody) is the file as it came, byte for byte.
    original = await stack.api.get(
        f"/cases/{case_id}/evidence/{line['evidence_id']}",
        params={"original": "true"},
        headers=auth("counsellor"),
    )
    assert original.content == photo
    # Nothing readable of it at rest.
    assert b"Phone-Camille" not in folder_bytes(evidence_folder(stack))
    actions = await audit_actions(stack, case_id)
    assert {"evidence.add", "evidence.list"} <= set(actions)
    assert actions.count("evidence.read") == 2


async def test_a_colleague_without_access_sees_nothing(stack: Stack) -> None:
    case_id = await open_case(stack)
    added = await upload(stack, case_id, png(picture(seed=3)))
    assert added.status_code == 201, added.text
    evidence_id = added.json()["evidence_id"]
    for response in (
        await manifest(stack, case_id, who="colleague"),
        await stack.api.get(f"/cases/{case_id}/evidence/{evidence_id}", headers=auth("colleague")),
        await upload(stack, case_id, png(picture(seed=4)), who="colleague"),
    ):
        assert response.status_code in (403, 404), response.text
        assert "sha256" not in response.text
    assert (await manifest(stack, case_id, who="supervisor")).status_code == 200


async def test_an_intimate_image_leaves_no_byte_anywhere(stack: Stack) -> None:
    case_id = await open_case(stack)
    marker = f"intimate-{uuid.uuid4().hex}"
    image = png(picture(seed=11), marker=marker)
    before = folder_bytes(evidence_folder(stack))
    added = await upload(stack, case_id, image, intimate=True)
    assert added.status_code == 201, added.text
    line = added.json()
    assert line["intimate"] is True and line["kept"] is False
    assert line["hash_routes"] == ["take_it_down", "stopncii"]
    assert line["sha256"] == hashlib.sha256(image).hexdigest()
    assert folder_bytes(evidence_folder(stack)) == before, "nothing written to the store"
    at_rest = folder_bytes(evidence_folder(stack)) + await database_bytes(stack.database)
    assert marker.encode() not in at_rest
    assert image[100:164] not in at_rest
    got = await stack.api.get(
        f"/cases/{case_id}/evidence/{line['evidence_id']}", headers=auth("counsellor")
    )
    assert got.status_code == 410, got.text


async def test_the_same_key_is_one_file_and_another_file_under_it_is_refused(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    key = uuid.uuid4().hex
    image = png(picture(seed=21))
    first = await upload(stack, case_id, image, key=key)
    stored = objects(stack)
    again = await upload(stack, case_id, image, key=key)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json()["evidence_id"] == again.json()["evidence_id"]
    assert len((await manifest(stack, case_id)).json()["evidence"]) == 1
    assert objects(stack) == stored, "a retry writes nothing more"
    assert (await audit_actions(stack, case_id)).count("evidence.add") == 1

    other = await upload(stack, case_id, png(picture(seed=22)), key=key)
    assert other.status_code == 422, other.text
    [problem] = other.json()["detail"]
    assert problem["loc"] == ["header", "Idempotency-Key"]
    assert len((await manifest(stack, case_id)).json()["evidence"]) == 1
    assert objects(stack) == stored, "the refused file left nothing behind"


async def test_the_same_image_in_another_case_is_seen(stack: Stack) -> None:
    image = png(picture(seed=31))
    first, second = await open_case(stack), await open_case(stack)
    assert (await upload(stack, first, image)).status_code == 201
    added = await upload(stack, second, image)
    assert added.json()["seen_in_other_cases"] == 1
    [entry] = (await manifest(stack, first)).json()["evidence"]
    assert entry["seen_in_other_cases"] == 1


async def test_another_case_holding_the_image_is_named_only_to_who_may_read_it(
    stack: Stack,
) -> None:
    """The counsellor who holds both cases is given the other case to open; a colleague
    whose case holds the same image learns only that other cases hold it."""
    image = png(picture(seed=32))
    mine = await open_case(stack)
    assert (await upload(stack, mine, image)).status_code == 201
    theirs = await stack.api.post(
        "/cases",
        json=intake_body(INTAKE),
        headers={**auth("colleague"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert theirs.status_code == 201, theirs.text
    their_case = theirs.json()["case_id"]
    seen_by_them = await upload(stack, their_case, image, who="colleague")
    assert seen_by_them.status_code == 201, seen_by_them.text
    line = seen_by_them.json()
    assert line["seen_in_other_cases"] == 1
    assert line["other_cases_readable"] == []
    assert mine not in seen_by_them.text

    [entry] = (await manifest(stack, mine)).json()["evidence"]
    assert entry["other_cases_readable"] == []  # not shared with me either
    shared = await stack.api.post(
        f"/cases/{their_case}/shares",
        json={"counsellor": "local-counsellor"},
        headers=auth("colleague"),
    )
    assert shared.status_code == 201, shared.text
    [entry] = (await manifest(stack, mine)).json()["evidence"]
    assert entry["other_cases_readable"] == [their_case]
    [entry] = (await manifest(stack, their_case, who="supervisor")).json()["evidence"]
    assert entry["other_cases_readable"] == [mine]


@pytest.mark.parametrize(
    ("body", "status", "loc"),
    [
        (b"MZ\x90\x00 an executable, not evidence" * 4, 415, ["body", "file"]),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, 422, ["body", "file"]),
    ],
)
async def test_a_file_not_taken_names_the_field(
    stack: Stack, body: bytes, status: int, loc: list[str]
) -> None:
    case_id = await open_case(stack)
    refused = await upload(stack, case_id, body)
    assert refused.status_code == status, refused.text
    assert refused.json()["detail"][0]["loc"] == loc
    assert (await manifest(stack, case_id)).json()["evidence"] == []


async def test_a_file_over_the_limit_is_413_and_not_multipart_is_415(stack: Stack) -> None:
    case_id = await open_case(stack)
    limit = stack.settings.evidence_policy.max_bytes
    big = png(picture(seed=5)) + b"\x00" * limit
    stored = objects(stack)
    refused = await upload(stack, case_id, big)
    assert refused.status_code == 413, refused.text
    assert objects(stack) == stored, "nothing half-stored"
    assert refused.json()["detail"][0]["loc"] == ["body", "file"]
    raw: Any = await stack.api.post(
        f"/cases/{case_id}/evidence",
        params={"intimate": "false"},
        content=png(),
        headers={**auth("counsellor"), "Content-Type": "image/png"},
    )
    assert raw.status_code == 415, raw.text
    assert raw.json()["detail"][0]["loc"] == ["header", "Content-Type"]


async def test_a_video_streams_in_and_out_as_it_came(stack: Stack) -> None:
    """A video is sealed chunk by chunk; it has no sanitised copy (it does not leave
    the helpline), so only the original is read, and only when asked for."""
    case_id = await open_case(stack)
    video = mp4_bytes(3_000_000, marker="clip")
    added = await upload(stack, case_id, video)
    assert added.status_code == 201, added.text
    line = added.json()
    assert (line["kind"], line["size"]) == ("mp4", len(video))
    url = f"/cases/{case_id}/evidence/{line['evidence_id']}"
    assert (await stack.api.get(url, headers=auth("counsellor"))).status_code == 410
    got = await stack.api.get(url, params={"original": "true"}, headers=auth("counsellor"))
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "video/mp4"
    assert got.content == video
