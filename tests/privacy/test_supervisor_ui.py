"""The supervisor's view, for real: a Temporal dev server with its Web UI and
``--ui-codec-endpoint`` pointing at our API, headless Chromium signed in as a
supervisor (codec session cookie, UI set to include credentials), a case listed by a
search-attribute filter, its summary and input (contact details included) shown
decoded on the case's page and kept nowhere in the browser; the same page once the
supervisor signed out shows neither. Playwright drives the machine's
Chromium (``tests.support.browser``): skipped locally without it, never in CI."""

import re
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, FrameLocator, Locator, Page, expect
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.codec_sessions import COOKIE
from relais import search_attributes as sa
from relais.converter import data_converter
from relais.crypto.key_store import InMemoryKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import AuditLog
from relais.serving import free_port, serve_app
from relais.settings import Settings
from tests.support.browser import chromium, needs_chromium
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.temporal import temporal_cli
from tests.support.waiting import eventually

pytestmark = [needs_chromium, pytest.mark.slow]

INTAKE: dict[str, Any] = intake_body(
    caller_role="parent",
    age_band="11_14",
    categories=["sextortion"],
    consents={"report_to_platforms": True, "callback": {"consented": False}},
    contact={"first_name": "Ondine-Kerguelen", "phone": "+33611223344"},
)
CONTACT: dict[str, str] = INTAKE["contact"]


@pytest.fixture(scope="module")
async def ui_env() -> AsyncIterator[tuple[WorkflowEnvironment, str, int]]:
    """A dev server of its own, with the UI and our codec endpoint (the API port is
    chosen first, the API served on it later)."""
    api_port, ui_port = free_port(), free_port()
    keys = InMemoryKeyStore(MasterKeyring.from_settings(Settings()))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=list(sa.ALL),
        data_converter=data_converter(keys),
        ui=True,
        ui_port=ui_port,
        dev_server_extra_args=["--ui-codec-endpoint", f"http://127.0.0.1:{api_port}/codec"],
    )
    yield env, f"http://127.0.0.1:{ui_port}", api_port
    await env.shutdown()


async def test_supervisor_finds_the_case_by_filter_and_reads_its_decoded_summary(
    ui_env: tuple[WorkflowEnvironment, str, int], tmp_path: Path
) -> None:
    env, ui_url, api_port = ui_env
    async with running_stack(env.client, tmp_path) as stack:
        opened = await stack.api.post("/cases", json=INTAKE, headers=auth("counsellor"))
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        summary = f"Case {case_id[:6]} · sextortion · high urgency · parent via phone"
        # The UI's list does not refresh by itself: open it once visibility has the case.
        await eventually(
            lambda: listed(env, urgent_and_open(case_id)),
            lambda ids: f"case-{case_id}" in ids,
            what="the case in the visibility store",
        )

        codec_settings = stack.settings.model_copy(update={"ui_origins": [ui_url]})
        codec_api = create_app(
            codec_settings,
            temporal_client=env.client,
            database=stack.database,
            registry=stack.registry,
        )
        api_url = f"http://127.0.0.1:{api_port}"
        async with serve_app(codec_api, port=api_port), chromium() as browser:
            context = await browser.new_context()
            signed_in = await context.new_page()
            await sign_in(signed_in, api_url, "local-supervisor-token")
            page = await context.new_page()
            await use_codec_with_credentials(page, ui_url, api_url)
            await show_case(page, ui_url, case_id, summary)
            await no_personal_data_kept(page, context)
            await sign_out(signed_in, context, api_url)
            await without_session_no_summary(page, ui_url, case_id, summary)
            await context.close()

        decodes = await AuditLog(stack.database).list(case_id=case_id, action="codec.decode")
        assert {(e.actor, e.role) for e in decodes} == {("local-supervisor", "supervisor")}


def urgent_and_open(case_id: str) -> str:
    return (
        f'CaseUrgency IN ("high", "critical") AND CaseStatus != "closed" AND CaseId = "{case_id}"'
    )


async def listed(env: WorkflowEnvironment, query: str) -> list[str]:
    return [execution.id async for execution in env.client.list_workflows(query)]


async def sign_in(page: Page, api_url: str, token: str) -> None:
    """The supervisor signs in once on the API's codec login form."""
    await page.goto(f"{api_url}/codec/login")
    await page.get_by_label("Your token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Signed in as local-supervisor (supervisor)")).to_be_visible()


async def use_codec_with_credentials(page: Page, ui_url: str, api_url: str) -> None:
    """What a supervisor does once in the UI (docs/supervisor-ui.md): Codec Server (top
    bar) -> "Use my browser setting", our endpoint, "Include cross-origin credentials",
    Apply."""
    await page.goto(f"{ui_url}/namespaces/default/workflows")
    await page.get_by_role("button", name="Codec Server").first.click()
    dialog = page.get_by_role("dialog", name="Codec Server")
    await dialog.get_by_role("radio", name="Use my browser setting").check()
    await dialog.get_by_role("textbox", name="Codec Server browser endpoint").fill(
        f"{api_url}/codec"
    )
    await dialog.get_by_text("Include cross-origin credentials").click()
    credentials = dialog.get_by_role("switch", name="Include cross-origin credentials")
    await expect(credentials).to_be_checked()
    await dialog.get_by_role("button", name="Apply").click()
    await expect(dialog).to_be_hidden()


async def show_case(page: Page, ui_url: str, case_id: str, summary: str) -> None:
    # "Urgent and open", as docs/supervisor-ui.md gives it, narrowed to this case.
    query = urllib.parse.quote(urgent_and_open(case_id))
    await page.goto(f"{ui_url}/namespaces/default/workflows?query={query}")
    row = page.get_by_role("row").filter(has_text=f"case-{case_id}")
    await expect(row).to_contain_text("SupportCaseWorkflow")
    await page.goto(f"{ui_url}/namespaces/default/workflows/case-{case_id}")
    await page.get_by_role("tab", name="User Metadata").click()
    # The summary, rendered by the UI (in a frame) once the codec endpoint decoded it.
    await expect(summary_frame(page).get_by_text(summary)).to_be_visible()
    await expect(page.get_by_text("Codec Server could not connect")).to_have_count(0)
    # The case's input, contact details included, decoded for the supervisor.
    await page.get_by_role("tab", name="Event History").click()
    await expect(case_input(page)).to_contain_text(CONTACT["first_name"])
    await expect(case_input(page)).to_contain_text(CONTACT["phone"])


def case_input(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Input")


def summary_frame(page: Page) -> FrameLocator:
    """The frame under the "Summary" heading of the User Metadata tab."""
    heading = "//h3[normalize-space()='Summary']"
    return page.locator(f"xpath={heading}/following::iframe[1]").content_frame


async def no_personal_data_kept(page: Page, context: BrowserContext) -> None:
    """The page decoded the contact's details, yet neither its URL, the UI's storage nor
    the cookies hold them."""
    stored = await page.evaluate(
        "() => JSON.stringify([{...localStorage}, {...sessionStorage}, location.href])"
    )
    cookies = str(await context.cookies())
    for value in CONTACT.values():
        assert value not in stored and value not in cookies


async def sign_out(signed_in: Page, context: BrowserContext, api_url: str) -> None:
    """Back on the tab where they signed in, the supervisor signs out."""

    async def sessions() -> list[str]:
        cookies = await context.cookies(f"{api_url}/codec/decode")
        return [cookie["value"] for cookie in cookies if cookie["name"] == COOKIE]

    assert len(await sessions()) == 1
    async with signed_in.expect_response(f"{api_url}/codec/logout") as signed_out:
        await signed_in.get_by_role("button", name="Sign out").click()
    assert (await signed_out.value).status == 204
    assert await sessions() == []


async def without_session_no_summary(page: Page, ui_url: str, case_id: str, summary: str) -> None:
    await page.goto(f"{ui_url}/namespaces/default/workflows/case-{case_id}")
    await page.get_by_role("tab", name="User Metadata").click()
    # The UI got a 401 from the codec endpoint: it says so and shows no summary.
    banner = page.get_by_text("Codec Server could not connect").filter(visible=True)
    await expect(banner.first).to_be_visible()
    await expect(summary_frame(page).get_by_text(summary)).to_have_count(0)
    await page.get_by_role("tab", name="Event History").click()
    # ... and the input as it is stored: ciphertext (base64), no contact details.
    await expect(case_input(page)).to_contain_text(re.compile(r"[A-Za-z0-9+/]{200}"))
    await expect(case_input(page)).not_to_contain_text(CONTACT["first_name"])
