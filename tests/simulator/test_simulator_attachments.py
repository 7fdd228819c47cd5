"""Platforms that take files beside a notice: TikTok a multipart upload, Facebook and
Instagram base64 in JSON; the rest none. What each received is recorded (name, type,
size, SHA-256 computed by the simulator) and its bytes read back from memory; a file
the platform would not take is refused, and nothing is stored."""

import base64
import hashlib
import json
from typing import Any

import httpx
from sim_support import Sim

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n" + b"0" * 500


def described(data: bytes, name: str = "ev-1.png", media_type: str = "image/png") -> dict[str, Any]:
    return {
        "file_name": name,
        "media_type": media_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "copy_of_sha256": "ab" * 32,
    }


async def multipart(
    sim: Sim, slug: str, key: str, files: list[tuple[str, bytes, str]], **body: Any
) -> httpx.Response:
    notice = {"notice_id": key, **body, "attachments": [described(d, n, t) for n, d, t in files]}
    parts: list[tuple[str, tuple[str | None, bytes, str]]] = [
        ("notice", (None, json.dumps(notice).encode(), "application/json"))
    ]
    parts += [("attachments", (name, data, kind)) for name, data, kind in files]
    return await sim.http.post(
        f"/platforms/{slug}/notices", files=parts, headers={"Idempotency-Key": key}
    )


async def in_json(sim: Sim, slug: str, key: str, files: list[dict[str, Any]]) -> httpx.Response:
    body = {"notice_id": key, "attachments": files}
    return await sim.http.post(
        f"/platforms/{slug}/notices", json=body, headers={"Idempotency-Key": key}
    )


def encoded(data: bytes, **changes: Any) -> dict[str, Any]:
    return {**described(data), "content_base64": base64.b64encode(data).decode(), **changes}


async def test_tiktok_takes_files_as_a_multipart_upload(sim: Sim) -> None:
    files = [("ev-1.png", PNG, "image/png"), ("ev-2.pdf", PDF, "application/pdf")]
    first = await multipart(sim, "tiktok", "k-1", files, legal_qualification="blackmail")
    again = await multipart(sim, "tiktok", "k-1", files, legal_qualification="blackmail")
    assert (first.status_code, again.status_code) == (201, 200)

    [notice] = await sim.get_json("/_control/notices", target="tiktok")
    assert notice["body"]["legal_qualification"] == "blackmail"
    assert [(f["file_name"], f["media_type"], f["size"]) for f in notice["attachments"]] == [
        ("ev-1.png", "image/png", len(PNG)),
        ("ev-2.pdf", "application/pdf", len(PDF)),
    ]
    assert notice["attachments"][0]["sha256"] == hashlib.sha256(PNG).hexdigest()
    got = await sim.http.get(f"/_control/notices/tiktok/{notice['reference']}/attachments/1")
    assert got.content == PDF and got.headers["content-type"] == "application/pdf"
    assert (await sim.deliveries("tiktok"))["conflicting_bodies"] == 0


async def test_facebook_takes_files_as_base64_in_json(sim: Sim) -> None:
    assert (await in_json(sim, "facebook", "k-1", [encoded(PNG)])).status_code == 201
    [notice] = await sim.get_json("/_control/notices", target="facebook")
    assert notice["attachments"][0]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert "content_base64" not in json.dumps(notice)  # the record holds no bytes
    got = await sim.http.get(f"/_control/notices/facebook/{notice['reference']}/attachments/0")
    assert got.content == PNG
    # The same key with another file: one notice, a conflicting body counted.
    other = PNG + b"\x00"
    assert (await in_json(sim, "facebook", "k-1", [encoded(other)])).status_code == 200
    assert (await sim.deliveries("facebook"))["conflicting_bodies"] == 1


async def test_files_a_platform_would_not_take_are_refused(sim: Sim) -> None:
    too_many = [encoded(PNG, file_name=f"ev-{n}.png") for n in range(4)]
    refusals = {
        "snapchat takes none": (await in_json(sim, "snapchat", "a", [encoded(PNG)]), 422),
        "snapchat multipart": (
            await multipart(sim, "snapchat", "b", [("ev.png", PNG, "image/png")]),
            422,
        ),
        "facebook multipart": (
            await multipart(sim, "facebook", "c", [("ev.png", PNG, "image/png")]),
            415,
        ),
        "tiktok base64": (await in_json(sim, "tiktok", "d", [encoded(PNG)]), 415),
        "facebook too many": (await in_json(sim, "facebook", "e", too_many), 422),
        "facebook pdf": (
            await in_json(sim, "facebook", "f", [encoded(PDF, media_type="application/pdf")]),
            415,
        ),
        "declared png, bytes pdf": (
            await in_json(sim, "facebook", "g", [encoded(PDF)]),
            415,
        ),
        "wrong hash": (await in_json(sim, "facebook", "h", [encoded(PNG, sha256="0" * 64)]), 422),
        "bad base64": (
            await in_json(sim, "facebook", "i", [encoded(PNG, content_base64="%%")]),
            422,
        ),
    }
    await sim.configure("instagram", attachments={"max_bytes": 100})
    refusals["instagram over max_bytes"] = (
        await in_json(sim, "instagram", "j", [encoded(PNG)]),
        413,
    )
    for what, (response, status) in refusals.items():
        assert response.status_code == status, (what, response.text)
    for slug in ("snapchat", "facebook", "tiktok", "instagram"):
        assert (await sim.deliveries(slug))["notices"] == 0


async def test_a_notice_without_files_is_taken_everywhere(sim: Sim) -> None:
    for slug in ("tiktok", "facebook", "snapchat"):
        response = await sim.notice(slug, "k-1", legal_qualification="cyberharassment")
        assert response.status_code == 201
        [notice] = await sim.get_json("/_control/notices", target=slug)
        assert notice["attachments"] == []
