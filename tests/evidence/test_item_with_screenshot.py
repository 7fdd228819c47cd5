"""A counsellor qualifies an item and gives its screenshot in the same console form, over
real HTTP on the whole system (API, worker, Temporal, evidence folder, the simulator):
the first notice to the platform carries the screenshot, stripped of its EXIF and GPS
position (TikTok as multipart, Facebook as base64; Snapchat takes no files and gets the
hash). An intimate image: its hash listed, no file sent. A file refused, or an item
refused, leaves nothing behind; a double submit adds one file and one item. On SQLite
and PostgreSQL."""

import io
import uuid
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.async_api import expect
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from tests.evidence.files import jpeg_with_gps, picture, png
from tests.evidence.support import SMALL_LIMITS, refused_uploads
from tests.evidence.test_notice_attachments import (
    GPS_IFD,
    file_received,
    received_notice,
    sanitised_copy,
    sha256,
)
from tests.support.browser import chromium
from tests.support.cases import case_view, open_case
from tests.support.client import auth
from tests.support.console import ConsoleUser, console_user, hidden_fields
from tests.support.console_browser import accessible
from tests.support.databases import BACKENDS
from tests.support.stack import Stack, stack_on

FORM = "items"


@pytest.fixture(scope="module", params=BACKENDS)
async def stack(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("item-screenshot")
    limit = SMALL_LIMITS
    settings = {"evidence_policy": limit}
    async with stack_on(
        request.param, local_env.client, folder, extra_settings=settings
    ) as running:
        yield running


async def counsellor(stack: Stack) -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in("local-counsellor-token")
    return user


def item_fields(platform: str, url: str | None = None) -> dict[str, str]:
    return {
        "items.0.platform": platform,
        "items.0.content_type": "image",
        "items.0.legal_qualification": "cyberharassment",
        "items.0.location.url": url or f"https://{platform}.example/p/{uuid.uuid4().hex}",
    }


async def qualify(
    user: ConsoleUser,
    case_id: str,
    fields: dict[str, str],
    data: bytes | None,
    intimate: str | None = "no",
    hidden: dict[str, str] | None = None,
) -> tuple[int, str]:
    """The case page's item form sent as a browser sends it (multipart: the hidden
    fields, the item and the answer first, the file last, empty when none is chosen);
    the status and the page (after its redirect)."""
    if hidden is None:
        hidden = hidden_fields((await user.page(f"/cases/{case_id}")).text, FORM)
    sent = {**hidden, **fields}
    if intimate is not None:
        sent["intimate"] = intimate
    answer = await user.http.post(
        f"/console/cases/{case_id}/items",
        data=sent,
        files={"file": ("IMG_2044.jpg" if data else "", data or b"", "application/octet-stream")},
    )
    if answer.status_code == 303:
        followed = await user.http.get(answer.headers["location"])
        return 303, unescape(followed.text)
    return answer.status_code, unescape(answer.text)


async def manifest(stack: Stack, case_id: str) -> list[dict[str, Any]]:
    response = await stack.api.get(f"/cases/{case_id}/evidence", headers=auth("counsellor"))
    assert response.status_code == 200, response.text
    lines: list[dict[str, Any]] = response.json()["evidence"]
    return lines


async def notice_ids(stack: Stack, case_id: str) -> list[str]:
    return [n["notice_id"] for n in (await case_view(stack.api, case_id))["notices"]]


async def audit(stack: Stack, case_id: str, action: str) -> list[str]:
    async with stack.database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT detail FROM audit_log WHERE case_id = :case AND action = :action"),
            {"case": case_id, "action": action},
        )
        return [row[0] or "" for row in rows]


@pytest.mark.parametrize("platform", ["tiktok", "facebook"])  # multipart, base64 in JSON
async def test_the_screenshot_given_with_the_item_goes_with_its_first_notice(
    stack: Stack, platform: str
) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    photo = jpeg_with_gps(picture(71), marker="Phone-Lea-71")
    status, page = await qualify(lea, case_id, item_fields(platform), photo)
    assert status == 303, page[:2000]
    assert "Le signalement part vers la plateforme, avec le fichier." in page

    [notice_id] = await notice_ids(stack, case_id)
    [line] = await manifest(stack, case_id)
    assert line["sha256"] == sha256(photo) and line["channel"] == "console"
    assert line["item_id"] == notice_id  # filed under the item once it existed
    notice = await received_notice(stack, platform, notice_id)  # its first notice
    assert notice["body"].get("renotice_of") is None
    [attached] = notice["attachments"]
    data = await file_received(stack, platform, notice["reference"], 0)
    shown = Image.open(io.BytesIO(data))
    assert not shown.getexif() and not shown.getexif().get_ifd(GPS_IFD)
    assert b"Phone-Lea-71" not in data and b"PhoneMaker" not in data
    assert attached["copy_of_sha256"] == sha256(photo)
    assert (
        attached["sha256"]
        == sha256(data)
        == sha256(await sanitised_copy(stack, case_id, line["evidence_id"]))
    )
    assert "IMG_2044" not in str(notice)
    assert sha256(photo) in [e["digest"] for e in notice["body"]["evidence"]]
    [added] = await audit(stack, case_id, "evidence.add")
    assert added == "intimate=False channel=console"
    [items] = await audit(stack, case_id, "case.items.add")
    assert items == f"items=1 platforms={platform} evidence={line['evidence_id']}"


async def test_a_platform_that_takes_no_files_gets_the_screenshots_hash(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    photo = png(picture(72))
    status, _ = await qualify(lea, case_id, item_fields("snapchat"), photo)
    assert status == 303
    [notice_id] = await notice_ids(stack, case_id)
    notice = await received_notice(stack, "snapchat", notice_id)
    assert notice["attachments"] == []
    assert sha256(photo) in [e["digest"] for e in notice["body"]["evidence"]]


async def test_an_intimate_image_is_listed_by_its_hash_and_never_sent(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    image = png(picture(73))
    status, page = await qualify(lea, case_id, item_fields("tiktok"), image, intimate="yes")
    assert status == 303, page[:2000]
    assert "avec les seules empreintes de l'image" in page
    [notice_id] = await notice_ids(stack, case_id)
    notice = await received_notice(stack, "tiktok", notice_id)
    assert notice["attachments"] == []
    assert sha256(image) in [e["digest"] for e in notice["body"]["evidence"]]
    [line] = await manifest(stack, case_id)
    assert line["intimate"] and not line["kept"] and line["sha256"] == sha256(image)
    missing = await stack.simulator.get(
        f"/_control/notices/tiktok/{notice['reference']}/attachments/0"
    )
    assert missing.status_code == 404


async def test_a_double_submit_adds_one_file_and_one_item(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    hidden = hidden_fields((await lea.page(f"/cases/{case_id}")).text, FORM)
    fields, photo = item_fields("tiktok"), png(picture(74))
    first = await qualify(lea, case_id, fields, photo, hidden=hidden)
    again = await qualify(lea, case_id, fields, photo, hidden=hidden)
    assert first[0] == again[0] == 303
    assert len(await notice_ids(stack, case_id)) == 1
    assert len(await manifest(stack, case_id)) == 1
    assert len(await audit(stack, case_id, "evidence.add")) == 1
    assert len(await audit(stack, case_id, "case.items.add")) == 1


@pytest.mark.parametrize(("data", "intimate", "status", "field", "words"), refused_uploads(seed=5))
async def test_a_file_refused_qualifies_no_item(
    stack: Stack, data: bytes, intimate: str | None, status: int, field: str, words: str
) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    fields = item_fields("tiktok")
    answered, page = await qualify(lea, case_id, fields, data, intimate=intimate)
    assert answered == status, page[:2000]
    assert f'id="{FORM}-{field}-error"' in page and words in page
    assert fields["items.0.location.url"] in page  # what was typed is still there
    assert await notice_ids(stack, case_id) == []
    assert await manifest(stack, case_id) == []
    assert await audit(stack, case_id, "evidence.add") == []


async def test_a_refusal_is_said_in_english_for_an_english_speaking_counsellor(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    sam = await counsellor(stack)
    switched = await sam.send(f"/cases/{case_id}", "/language", {"language": "en"})
    assert switched.status_code == 303
    status, page = await qualify(sam, case_id, item_fields("tiktok"), b"PK\x03\x04 a zip")
    assert status == 415
    assert f'id="{FORM}-file-error"' in page
    assert "This kind of file is not taken: send an image (PNG, JPEG" in page
    status, page = await qualify(
        sam, case_id, item_fields("tiktok"), png(picture(77)), intimate=None
    )
    assert status == 422 and "Say whether the file is an intimate image." in page
    status, page = await qualify(sam, case_id, item_fields("tiktok"), png(picture(77)))
    assert status == 303 and "The notice is on its way to the platform, with the file." in page


async def test_an_item_refused_reads_no_file(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    fields = item_fields("myspace")  # no such platform: the case's own rule refuses it
    answered, page = await qualify(lea, case_id, fields, png(picture(75)))
    assert answered == 422, page[:2000]
    assert f'id="{FORM}-items-0-platform-error"' in page
    assert await notice_ids(stack, case_id) == []
    assert await manifest(stack, case_id) == []


async def test_an_item_without_a_file_is_qualified_as_before(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    status, page = await qualify(lea, case_id, item_fields("tiktok"), None, intimate=None)
    assert status == 303, page[:2000]
    assert "Les signalements partent vers les plateformes." in page
    assert len(await notice_ids(stack, case_id)) == 1
    assert await manifest(stack, case_id) == []


async def test_in_a_browser_the_item_and_its_screenshot_go_in_one_form(stack: Stack) -> None:
    case_id = await open_case(stack)
    photo = jpeg_with_gps(picture(76), marker="Phone-Lea-76")
    base = str(stack.api.base_url)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(f"{base}/console/")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        await page.goto(f"{base}/console/cases/{case_id}")
        form = page.locator(f"#{FORM}")
        await page.locator("#group-items summary").click()
        await form.get_by_label("Plateforme").select_option("tiktok")
        await form.locator("#items-items-0-content_type").select_option("image")
        await form.locator("#items-items-0-legal_qualification").select_option("cyberharassment")
        await form.locator("#items-items-0-location-url").fill(
            "https://www.tiktok.com/@someone/photo/76"
        )
        await form.get_by_label("Capture d'écran du contenu").set_input_files(
            files=[{"name": "IMG_0076.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
        await form.get_by_label("Non", exact=True).check()
        await form.get_by_role("button", name="Envoyer le signalement").click()
        await expect(
            page.get_by_text("Le signalement part vers la plateforme, avec le fichier.")
        ).to_be_visible()
        await accessible(page, "case page after an item with its screenshot")
        await context.close()
    [notice_id] = await notice_ids(stack, case_id)
    notice = await received_notice(stack, "tiktok", notice_id)
    [attached] = notice["attachments"]
    assert attached["copy_of_sha256"] == sha256(photo)
