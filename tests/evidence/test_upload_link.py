"""The one-time upload link, through the real API, chat page, worker and evidence
folder, on SQLite and PostgreSQL: a counsellor makes a link (the same request again is
the same link; only the token's SHA-256 is kept), the young person sends files through
it (each on the case, door ``upload_link``, audited under the link), and the link stops:
used up or expired (410), too fast (429 with Retry-After); a file not taken is said in
French and gives its use back; the token never reaches a log. The young person's page
is tried in Chromium on a 360 px wide window."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import httpx
import pytest
from playwright.async_api import FilePayload, expect
from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from application.helpline import Helpline
from application.upload_links import LinkClosed, send_through_link, upload_link_state
from chat import web as chat_web
from chat.i18n import LANGUAGE_COOKIE
from relais.clock import utc_now
from relais.db.repositories.upload_links import Refused, UploadLinks
from tests.evidence.files import pdf_with_author, picture, png
from tests.support.browser import chromium
from tests.support.cases import open_case
from tests.support.client import auth
from tests.support.console import console_user
from tests.support.console_browser import SHOTS, accessible
from tests.support.databases import BACKENDS
from tests.support.policies import fast_policy
from tests.support.stack import Stack, stack_on

MB = 1_000_000  # as the evidence policy counts (domain.policy.MB)
LIMITS = {"max_bytes": 2 * MB, "upload_link_uses": 4, "upload_link_burst": 3}


@pytest.fixture(scope="module", params=BACKENDS)
async def stack(
    request: pytest.FixtureRequest,
    local_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("upload-link")
    async with stack_on(
        request.param,
        local_env.client,
        folder,
        policy=fast_policy(),
        extra_settings={"evidence_policy": LIMITS},
    ) as running:
        yield running


async def make_link(stack: Stack, case_id: str, key: str | None = None) -> dict[str, str]:
    made = await stack.api.post(
        f"/cases/{case_id}/upload-links",
        headers={**auth("counsellor"), "Idempotency-Key": key or uuid.uuid4().hex},
    )
    assert made.status_code == 201, made.text
    answer: dict[str, str] = made.json()
    return answer


def page_path(link: dict[str, str]) -> str:
    return "/chat/upload/" + link["url"].rsplit("/", 1)[1]


async def send(
    stack: Stack, link: dict[str, str], data: bytes, intimate: str | None = "no"
) -> httpx.Response:
    fields = {"intimate": intimate} if intimate is not None else {}
    return await stack.api.post(
        page_path(link),
        data=fields,
        files={"file": ("../../photo.png", data, "application/octet-stream")},
        headers={"Sec-Fetch-Site": "same-origin"},
    )


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def manifest(stack: Stack, case_id: str) -> list[dict[str, object]]:
    answer = await stack.api.get(f"/cases/{case_id}/evidence", headers=auth("counsellor"))
    assert answer.status_code == 200, answer.text
    lines: list[dict[str, object]] = answer.json()["evidence"]
    return lines


async def test_a_young_person_sends_files_until_the_link_is_used_up(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    case_id = await open_case(stack)
    key = uuid.uuid4().hex
    link = await make_link(stack, case_id, key)
    assert link["url"].startswith(f"{stack.settings.public_api_url.rstrip('/')}/chat/upload/")
    assert (await make_link(stack, case_id, key)) == link  # a retry: the same link
    token = link["url"].rsplit("/", 1)[1]

    opened = await stack.api.get(page_path(link))
    assert opened.status_code == 200
    assert opened.headers["cache-control"] == "no-store"
    assert "Envoyer des fichiers à la ligne d'écoute" in unescape(opened.text)
    assert "Fichiers que ce lien peut encore recevoir : 4." in unescape(opened.text)

    sent = await send(stack, link, png(picture(seed=31)))
    assert sent.status_code == 200, sent.text[:500]
    assert "Bien reçu, merci." in unescape(sent.text)
    sent = await send(stack, link, png(picture(seed=32)), intimate="yes")
    assert "Nous n'avons pas gardé l'image elle-même" in unescape(sent.text)
    sent = await send(stack, link, pdf_with_author())
    assert "Fichiers que ce lien peut encore recevoir : 1." in unescape(sent.text)

    too_fast = await send(stack, link, png(picture(seed=33)))  # a 4th within the minute
    assert too_fast.status_code == 429
    assert 1 <= int(too_fast.headers["retry-after"]) <= 60
    assert "Vous envoyez des fichiers très vite." in unescape(too_fast.text)
    helpline = Helpline(stack.client, stack.database, stack.registry, stack.settings)
    a_minute_on = utc_now() + timedelta(seconds=61)
    last = await send_through_link(
        helpline, token, chunks(png(picture(seed=34))), intimate=False, now=a_minute_on
    )
    assert last.uses_left == 0

    used_up = await send(stack, link, png(picture(seed=35)))
    assert used_up.status_code == 410
    assert "Ce lien a déjà reçu tous les fichiers" in unescape(used_up.text)
    assert (await stack.api.get(page_path(link))).status_code == 410

    lines = await manifest(stack, case_id)
    assert [(line["channel"], line["intimate"], line["kept"]) for line in lines] == [
        ("upload_link", False, True),
        ("upload_link", True, False),
        ("upload_link", False, True),
        ("upload_link", False, True),
    ]
    assert {line["added_by"] for line in lines} == {f"upload-link:{link['link_id']}"}
    async with stack.database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT actor, role, action FROM audit_log WHERE case_id = :c ORDER BY id"),
            {"c": case_id},
        )
        audited = [tuple(r) for r in rows]
        stored = await conn.execute(text("SELECT * FROM upload_links"))
        kept = repr([tuple(r) for r in stored])
    assert ("local-counsellor", "counsellor", "upload_link.create") in audited
    link_lines = [a for a in audited if a[0] == f"upload-link:{link['link_id']}"]
    assert link_lines == [(f"upload-link:{link['link_id']}", "young_person", "evidence.add")] * 4
    assert token not in kept  # only its SHA-256
    # Relais' own log lines (the test's HTTP client, the young person's browser here, logs
    # the addresses it calls: not Relais')
    relais_lines = [r for r in caplog.records if not r.name.startswith("httpx")]
    assert relais_lines and not [r for r in relais_lines if token in r.getMessage()]


async def test_a_file_not_taken_is_said_in_french_and_gives_its_use_back(stack: Stack) -> None:
    case_id = await open_case(stack)
    link = await make_link(stack, case_id)
    cases = [
        (b"x" * (2 * MB + 1), "no", 413, "Ce fichier est trop lourd : 2 Mo au plus"),
        (b"PK\x03\x04 a zip", "no", 415, "Ce type de fichier ne peut pas être envoyé ici."),
        (png(picture(seed=5))[:2000], "no", 422, "Ce fichier est arrivé incomplet."),
        (png(picture(seed=6)), None, 422, "Dites si c'est une image intime de vous."),
    ]
    for data, intimate, status, words in cases:
        answer = await send(stack, link, data, intimate)
        assert answer.status_code == status, (status, answer.text[:300])
        assert words in unescape(answer.text), answer.text[:3000]
        assert "Fichiers que ce lien peut encore recevoir : 4." in unescape(answer.text)
    assert await manifest(stack, case_id) == []


async def test_two_uploads_racing_on_the_last_use_take_it_once(stack: Stack) -> None:
    """The use is taken by compare-and-set: whichever replica each upload reaches."""
    case_id = await open_case(stack)
    link = await make_link(stack, case_id)
    links = UploadLinks(stack.database)
    now = utc_now()
    for _ in range(3):  # three used, over two minutes (the burst allows it)
        [found] = [x for x in await links.of_case(case_id) if x.link_id == link["link_id"]]
        assert await links.take_use(found, now, burst=3) is None
        now += timedelta(seconds=61)
    [found] = [x for x in await links.of_case(case_id) if x.link_id == link["link_id"]]
    taken = await asyncio.gather(*(links.take_use(found, now, burst=3) for _ in range(5)))
    assert sum(1 for t in taken if t is None) == 1
    assert {t.why for t in taken if t is not None} == {Refused.USED_UP}


async def test_an_expired_or_unknown_link_says_so(stack: Stack) -> None:
    case_id = await open_case(stack)
    link = await make_link(stack, case_id)
    token = page_path(link).rsplit("/", 1)[1]
    helpline = Helpline(stack.client, stack.database, stack.registry, stack.settings)
    later = utc_now() + timedelta(hours=24, seconds=1)
    with pytest.raises(LinkClosed) as closed:
        await upload_link_state(helpline, token, later)
    assert closed.value.why == "expired"
    unknown = await stack.api.get("/chat/upload/" + "A" * 43)
    assert unknown.status_code == 404
    assert "Ce lien ne fonctionne pas." in unescape(unknown.text)


async def test_an_expired_link_answers_410_over_http(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's clock (``chat.web.now``, read once per request) is set 24 h and a
    second on: the page and a file sent to it both answer 410 in plain words, and the
    file is not kept."""
    case_id = await open_case(stack)
    link = await make_link(stack, case_id)
    later = utc_now() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(chat_web, "now", lambda: later)
    opened = await stack.api.get(page_path(link))
    assert opened.status_code == 410
    assert "Ce lien a expiré. Demandez un nouveau lien" in unescape(opened.text)
    sent = await send(stack, link, png(picture(seed=41)))
    assert sent.status_code == 410
    assert "Ce lien a expiré." in unescape(sent.text)
    assert await manifest(stack, case_id) == []


async def test_a_file_not_taken_is_said_in_english_when_chosen(stack: Stack) -> None:
    """The page's language switch (the chat's language cookie): the limit and the type
    are named in English."""
    case_id = await open_case(stack)
    link = await make_link(stack, case_id)
    english = {LANGUAGE_COOKIE: "en"}
    async with httpx.AsyncClient(base_url=str(stack.api.base_url), cookies=english) as phone:
        opened = await phone.get(page_path(link))
        assert opened.status_code == 200 and 'lang="en"' in opened.text
        cases = [
            (b"x" * (2 * MB + 1), 413, "This file is too big: 2 MB at most"),
            (b"PK\x03\x04 a zip", 415, "This kind of file cannot be sent here."),
            (png(picture(seed=7))[:2000], 422, "This file arrived cut short."),
        ]
        for data, status, words in cases:
            answer = await phone.post(
                page_path(link),
                data={"intimate": "no"},
                files={"file": ("photo.png", data, "application/octet-stream")},
                headers={"Sec-Fetch-Site": "same-origin"},
            )
            assert answer.status_code == status, (status, answer.text[:300])
            assert words in unescape(answer.text), answer.text[:3000]
    assert await manifest(stack, case_id) == []


async def test_a_young_person_sends_a_screenshot_from_a_phone(stack: Stack) -> None:
    """The counsellor makes the link on the case page; the young person opens it on a
    360 px wide phone, answers, sends; the counsellor sees the file arrive."""
    if not stack.database.is_sqlite:
        pytest.skip("the browser journey runs once (SQLite); the database paths are above")
    case_id = await open_case(stack)
    lea = console_user(str(stack.api.base_url))
    await lea.sign_in("local-counsellor-token")
    made = await lea.send(
        f"/cases/{case_id}",
        f"/cases/{case_id}/evidence/upload-links",
        {},
        form_id="upload-link-form",
    )
    assert made.status_code == 200, made.text[:500]
    page = unescape(made.text)
    assert "Le lien à envoyer au jeune (affiché seulement maintenant" in page
    url = page.split('<code class="hash">', 1)[1].split("<", 1)[0]
    path = url.removeprefix(stack.settings.public_api_url.rstrip("/"))
    screenshot = tmp_screenshot()
    base = str(stack.api.base_url)
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 360, "height": 740})
        phone = await context.new_page()
        await phone.goto(f"{base}{path}")
        await expect(phone.get_by_role("heading", name="Envoyer des fichiers")).to_be_visible()
        await accessible(phone, "upload link page at 360 px")
        await phone.screenshot(path=SHOTS / "upload-link-360-fr.png", full_page=True)
        await phone.get_by_label("Non", exact=True).check()
        await phone.get_by_label("Le fichier").set_input_files(screenshot)
        await phone.get_by_role("button", name="Envoyer").click()
        await expect(phone.get_by_text("Bien reçu, merci.")).to_be_visible()
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        await accessible(phone, "upload link page, file sent")
        await phone.screenshot(path=SHOTS / "upload-link-sent-360-fr.png", full_page=True)
        assert (
            await phone.evaluate("window.localStorage.length + window.sessionStorage.length") == 0
        )
        await context.close()
    case_page = unescape((await lea.page(f"/cases/{case_id}")).text)
    assert "via un lien de dépôt" in case_page
    assert "/thumbnail.jpg" in case_page


def tmp_screenshot() -> FilePayload:
    return {"name": "capture.png", "mimeType": "image/png", "buffer": png(picture(seed=51))}
