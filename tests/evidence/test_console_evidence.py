"""Evidence on the console's case page, over real HTTP and in a real browser, on the
whole system (real API, worker, Temporal and evidence folder): a counsellor adds a
file (its form's token and answer read before the file), sees images only blurred
(a small thumbnail made on the fly, never cached), shows one clear when they choose
(an audit entry each time), opens a PDF in the browser's viewer; a file not taken is
named beside the field in French, with the limit or the types, nothing kept."""

import io
import re
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path

import pytest
from PIL import Image, ImageFilter, ImageStat
from playwright.async_api import expect
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from domain.policy import MB
from tests.evidence.files import jpeg_with_gps, mp4_bytes, pdf_with_author, picture, png
from tests.evidence.support import SMALL_LIMITS, add_evidence, refused_uploads
from tests.support.browser import chromium
from tests.support.cases import add_items, open_case
from tests.support.client import auth
from tests.support.console import ConsoleUser, console_user, hidden_fields
from tests.support.console_browser import SHOTS, accessible
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack

FORM = "evidence-upload"


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("console-evidence")
    limit = SMALL_LIMITS
    async with running_stack(
        local_env.client, folder, policy=fast_policy(), extra_settings={"evidence_policy": limit}
    ) as running:
        yield running


async def counsellor(stack: Stack) -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in("local-counsellor-token")
    return user


async def upload(
    user: ConsoleUser,
    case_id: str,
    data: bytes,
    intimate: str | None = "no",
    item: str | None = None,
) -> tuple[int, str]:
    """The case page's form sent as a browser sends it: its hidden fields and the answer
    first, the file last; the status and the page (after its redirect)."""
    page = await user.page(f"/cases/{case_id}")
    fields = hidden_fields(page.text, FORM)
    if intimate is not None:
        fields["intimate"] = intimate
    if item is not None:
        fields["item"] = item
    answer = await user.http.post(
        f"/console/cases/{case_id}/evidence",
        data=fields,
        files={"file": ("../../capture.png", data, "application/octet-stream")},
    )
    if answer.status_code == 303:
        followed = await user.http.get(answer.headers["location"])
        return 303, followed.text
    return answer.status_code, answer.text


def evidence_ids(page: str) -> list[str]:
    return re.findall(r"/evidence/(ev-[a-z0-9-]+|[a-z0-9-]{8,64})/(?:thumbnail\.jpg|file)", page)


async def audit(stack: Stack, case_id: str, action: str) -> list[str]:
    async with stack.database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT detail FROM audit_log WHERE case_id = :case AND action = :action"),
            {"case": case_id, "action": action},
        )
        return [row[0] or "" for row in rows]


async def test_an_image_added_is_shown_blurred_and_clear_only_when_asked(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    photo = jpeg_with_gps(picture(seed=11), marker="Phone-Ines")
    status, page = await upload(lea, case_id, photo)
    assert status == 303
    assert "Fichier ajouté aux preuves." in page
    assert "Preuves <span" in page
    [evidence_id] = evidence_ids(page)

    thumb = await lea.http.get(f"/console/cases/{case_id}/evidence/{evidence_id}/thumbnail.jpg")
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["cache-control"] == "no-store"
    small = Image.open(io.BytesIO(thumb.content))
    assert max(small.size) <= 240 and len(thumb.content) < len(photo) / 4
    # blurred past recognition: next to no edges left (the original is full of them)
    assert edge_energy(small) < edge_energy(Image.open(io.BytesIO(photo))) / 4
    assert await audit(stack, case_id, "evidence.reveal") == []

    clear = await lea.http.get(f"/console/cases/{case_id}/evidence/{evidence_id}/image")
    assert clear.status_code == 200 and clear.headers["cache-control"] == "no-store"
    assert clear.headers["content-disposition"] == "inline"
    assert b"Phone-Ines" not in clear.content  # the copy without EXIF or GPS
    assert Image.open(io.BytesIO(clear.content)).size == (640, 480)
    await lea.http.get(f"/console/cases/{case_id}/evidence/{evidence_id}/image")
    assert await audit(stack, case_id, "evidence.reveal") == [f"evidence={evidence_id}"] * 2
    assert await audit(stack, case_id, "evidence.thumbnail") == [f"evidence={evidence_id}"]


def edge_energy(image: Image.Image) -> float:
    """How much edge there is in ``image`` seen at thumbnail size (its border left out)."""
    seen = image.convert("L")
    seen.thumbnail((240, 240))
    inner = seen.filter(ImageFilter.FIND_EDGES).crop((4, 4, seen.size[0] - 4, seen.size[1] - 4))
    return float(ImageStat.Stat(inner).mean[0])


async def test_an_intimate_image_keeps_only_its_fingerprints(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    status, page = await upload(lea, case_id, png(picture(seed=12)), intimate="yes")
    assert status == 303
    assert "seules ses empreintes ont été gardées" in page
    assert "Image intime : seules ses empreintes (hachages) ont été gardées" in page
    assert "/thumbnail.jpg" not in page
    # the hash routes the young person can use, from their own device
    assert "envoyer son empreinte depuis son propre appareil" in page
    assert 'href="https://takeitdown.ncmec.org"' in page


async def test_a_pdf_opens_in_the_browsers_viewer_never_cached(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    status, page = await upload(lea, case_id, pdf_with_author("Jane Author"))
    assert status == 303
    [evidence_id] = evidence_ids(page)
    opened = await lea.http.get(f"/console/cases/{case_id}/evidence/{evidence_id}/file")
    assert opened.status_code == 200
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"] == "inline"
    assert opened.headers["cache-control"] == "no-store"
    assert b"Jane Author" not in opened.content
    assert (
        await lea.http.get(f"/console/cases/{case_id}/evidence/{evidence_id}/image")
    ).status_code == 404


@pytest.mark.parametrize(("data", "intimate", "status", "field", "words"), refused_uploads(seed=3))
async def test_a_file_not_taken_is_named_beside_its_field_and_nothing_is_kept(
    stack: Stack,
    data: bytes,
    intimate: str | None,
    status: int,
    field: str,
    words: str,
) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    answered, drawn = await upload(lea, case_id, data, intimate=intimate)
    page = unescape(drawn)
    assert answered == status, page[:2000]
    assert f'id="{FORM}-{field}-error"' in page and words in page
    assert 'aria-invalid="true"' in page
    assert "Aucune preuve sur ce dossier pour l'instant." in page
    assert await audit(stack, case_id, "evidence.add") == []


async def test_a_form_without_its_token_reads_no_file(stack: Stack) -> None:
    case_id = await open_case(stack)
    lea = await counsellor(stack)
    answer = await lea.http.post(
        f"/console/cases/{case_id}/evidence",
        data={"csrf": "forged", "intimate": "no"},
        files={"file": ("a.png", png(), "application/octet-stream")},
    )
    assert answer.status_code in (400, 403), answer.text[:300]
    page = await lea.page(f"/cases/{case_id}")
    assert "Aucune preuve sur ce dossier" in unescape(page.text)


async def test_a_counsellor_drops_a_screenshot_sees_it_blurred_and_reveals_it(
    stack: Stack, tmp_path: Path
) -> None:
    case_id = await open_case(stack)
    elsewhere = await open_case(stack)
    screenshot = png(picture(seed=21), marker="Screenshot-Noa")
    await add_evidence(stack, elsewhere, screenshot)  # the same image in another case
    base = str(stack.api.base_url)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(f"{base}/console/")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        await page.goto(f"{base}/console/cases/{case_id}")
        zone = page.locator("[data-dropzone]")
        # a file dropped on the zone, as the browser's drag and drop delivers it
        handle = await page.evaluate_handle(
            """([bytes]) => {
                const dt = new DataTransfer();
                dt.items.add(new File([new Uint8Array(bytes)], "capture.png", {type: "image/png"}));
                return dt;
            }""",
            [list(screenshot)],
        )
        await zone.dispatch_event("drop", {"dataTransfer": handle})
        assert await page.locator(f"#{FORM}-file").evaluate("i => i.files.length") == 1
        await page.locator(f"#{FORM}").get_by_label("Non", exact=True).check()
        await page.get_by_role("button", name="Ajouter aux preuves").click()
        await expect(page.get_by_text("Fichier ajouté aux preuves.")).to_be_visible()
        await expect(page.get_by_text("Vu dans d'autres dossiers : 1")).to_be_visible()
        other = page.get_by_role("link", name=elsewhere[:6], exact=True)  # hers: to open
        assert await other.get_attribute("href") == f"/console/cases/{elsewhere}"
        image = page.get_by_role("img", name="Image 1, floutée")
        await expect(image).to_be_visible()
        assert "/thumbnail.jpg" in (await image.get_attribute("src") or "")
        await accessible(page, "case page with blurred evidence")
        await page.locator("#evidence").screenshot(path=SHOTS / "evidence-blurred-fr.png")

        await page.get_by_role("link", name="Afficher l'image 1").click()
        shown = page.get_by_role("img", name="Image 1, affichée")
        await expect(shown).to_be_visible()
        assert (await shown.get_attribute("src") or "").endswith("/image")
        # the clear image replaces the thumbnail in place: wait until it has loaded
        loaded = "i => i.complete && i.naturalWidth > 0"
        await page.wait_for_function(loaded, arg=await shown.element_handle())
        assert await shown.evaluate("i => i.naturalWidth") == 640
        await page.locator("#evidence").screenshot(path=SHOTS / "evidence-shown-fr.png")
        assert page.url.endswith(f"/console/cases/{case_id}?done=evidence")  # shown in place
        await context.close()
    assert len(await audit(stack, case_id, "evidence.reveal")) == 1


async def test_a_file_says_which_reported_item_it_shows(stack: Stack) -> None:
    case_id = await open_case(stack)
    [notice_id] = await add_items(stack, case_id, 1)
    lea = await counsellor(stack)
    drawn = (await lea.page(f"/cases/{case_id}")).text
    assert f'<option value="{notice_id}">TikTok (n1)</option>' in drawn
    status, page = await upload(lea, case_id, png(picture(seed=31)), item=notice_id)
    assert status == 303
    assert "<dt>Montre</dt><dd>TikTok (n1)</dd>" in page
    manifest = await stack.api.get(f"/cases/{case_id}/evidence", headers=auth("counsellor"))
    assert [line["item_id"] for line in manifest.json()["evidence"]] == [notice_id]

    status, page = await upload(lea, case_id, png(picture(seed=32)), item=f"{case_id}-n9")
    assert status == 422
    assert f'id="{FORM}-item-error"' in page
    assert "Choisissez l'un des contenus signalés de ce dossier, ou aucun." in unescape(page)
    assert len(await audit(stack, case_id, "evidence.add")) == 1


async def test_a_file_not_taken_is_named_in_english_for_an_english_speaking_counsellor(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    sam = await counsellor(stack)
    switched = await sam.send(f"/cases/{case_id}", "/language", {"language": "en"})
    assert switched.status_code == 303
    status, page = await upload(sam, case_id, b"PK\x03\x04 a zip file")
    assert status == 415
    assert "This kind of file is not taken: send an image (PNG, JPEG" in unescape(page)
    status, page = await upload(sam, case_id, b"x" * (2 * MB + 1))
    assert status == 413 and "The file is too large: at most 2 MB (3 MB for a video)." in page


async def test_the_apis_thumbnail_is_blurred_small_audited_and_never_cached(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    photo = png(picture(seed=41))
    line = await add_evidence(stack, case_id, photo)
    base = f"/cases/{case_id}/evidence/{line['evidence_id']}"
    thumb = await stack.api.get(f"{base}/thumbnail.jpg", headers=auth("counsellor"))
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["cache-control"] == "no-store"
    small = Image.open(io.BytesIO(thumb.content))
    assert max(small.size) <= 240 and len(thumb.content) < len(photo) / 4
    assert edge_energy(small) < edge_energy(Image.open(io.BytesIO(photo))) / 4
    assert await audit(stack, case_id, "evidence.thumbnail") == [f"evidence={line['evidence_id']}"]
    pdf = await add_evidence(stack, case_id, pdf_with_author("Jane Author"))
    not_image = f"/cases/{case_id}/evidence/{pdf['evidence_id']}/thumbnail.jpg"
    assert (await stack.api.get(not_image, headers=auth("counsellor"))).status_code == 404


async def test_a_video_opens_in_the_browsers_own_player_under_the_consoles_policy(
    stack: Stack,
) -> None:
    """Chromium shows a video as a page whose <video> loads the file itself: the answer's
    policy lets it (media from this origin), where the console's ``default-src 'none'``
    was refused."""
    case_id = await open_case(stack)
    video = await add_evidence(stack, case_id, mp4_bytes(200_000))
    base = str(stack.api.base_url)
    async with chromium() as browser:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(f"{base}/console/")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.get_by_role("button", name="Se connecter")).to_have_count(0)
        said: list[str] = []
        page.on("console", lambda message: said.append(message.text))
        answer = await page.goto(
            f"{base}/console/cases/{case_id}/evidence/{video['evidence_id']}/file"
        )
        assert answer is not None and answer.status == 200
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["content-disposition"] == "inline"
        await expect(page.locator("video source")).to_have_count(1)
        await page.wait_for_load_state("load")
        await context.close()
    assert not [line for line in said if "Content Security Policy" in line], said


async def test_a_counsellor_picks_an_intimate_image_for_a_reported_item_and_sees_only_its_routes(
    stack: Stack,
) -> None:
    case_id = await open_case(stack)
    await add_items(stack, case_id, 1)
    base = str(stack.api.base_url)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await page.goto(f"{base}/console/")
        await page.get_by_label("Votre jeton").fill("local-counsellor-token")
        await page.get_by_role("button", name="Se connecter").click()
        await page.goto(f"{base}/console/cases/{case_id}")
        # the file picker, without any drop
        await page.get_by_label("Fichier").set_input_files(
            files=[{"name": "capture.png", "mimeType": "image/png", "buffer": png(picture(51))}]
        )
        await page.locator(f"#{FORM}").get_by_label("Oui : ne garder que ses empreintes").check()
        await page.get_by_label("Le contenu signalé qu'il montre").select_option(
            label="TikTok (n1)"
        )
        await page.get_by_role("button", name="Ajouter aux preuves").click()
        await expect(page.get_by_text("Montre", exact=True)).to_be_visible()
        line = page.locator("#evidence-1")
        await expect(line.get_by_text("Image intime : seules ses empreintes")).to_be_visible()
        await expect(line.get_by_role("link", name="https://takeitdown.ncmec.org")).to_be_visible()
        await expect(line.get_by_role("img")).to_have_count(0)
        await accessible(page, "case page with an intimate image's fingerprints")
        await page.locator("#evidence").screenshot(path=SHOTS / "evidence-intimate-fr.png")
        await context.close()
