"""The supervisor's view, for real: a Temporal dev server with its Web UI and
``--ui-codec-endpoint`` pointing at our API, headless Chromium signed in as a
supervisor (codec session cookie, UI set to include credentials), a case listed by a
search-attribute filter, and its summary shown decoded on the case's page; the same
page without the supervisor's session shows no summary. Skipped without chromium
(CI installs it: see .ci/run)."""

import asyncio
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.services.codec_sessions import COOKIE
from domain import search_attributes as sa
from relais.converter import data_converter
from relais.crypto.key_store import InMemoryKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import AuditLog
from relais.serving import free_port, serve_app
from relais.settings import Settings
from tests.privacy.chromium import Chromium, chromium_path
from tests.support.stack import auth, running_stack
from tests.support.temporal import temporal_cli
from tests.support.waiting import eventually

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (apt-get install chromium)"
)

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "caller_role": "parent",
    "age_band": "11_14",
    "categories": ["sextortion"],
    "risk_flags": [],
    "consents": {"report_to_platforms": True, "callback": {"consented": False}},
    "contact": {"first_name": "Ondine-Kerguelen", "phone": "+33611223344"},
}


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
        async with serve_app(codec_api, port=api_port):
            async with httpx.AsyncClient(base_url=api_url) as http:
                login = await http.post("/codec/login", data={"token": "local-supervisor-token"})
                assert login.status_code == 200, login.text
                session = login.cookies[COOKIE]

            browser = await asyncio.to_thread(Chromium, tmp_path / "profile")
            try:
                await asyncio.to_thread(
                    show_case, browser, ui_url, api_url, session, case_id, summary
                )
                await asyncio.to_thread(
                    without_session_no_summary, browser, ui_url, api_url, case_id, summary
                )
            finally:
                await asyncio.to_thread(browser.close)

        decodes = await AuditLog(stack.database).list(case_id=case_id, action="codec.decode")
        assert {(e.actor, e.role) for e in decodes} == {("local-supervisor", "supervisor")}


OPEN_USER_METADATA = """
[...document.querySelectorAll('*')]
  .filter(e => e.children.length === 0 && e.textContent.trim() === 'User Metadata')
  .forEach(e => (e.closest('button, a, [role=tab]') || e).click());
"""


def urgent_and_open(case_id: str) -> str:
    return (
        f'CaseUrgency IN ("high", "critical") AND CaseStatus != "closed" AND CaseId = "{case_id}"'
    )


async def listed(env: WorkflowEnvironment, query: str) -> list[str]:
    return [execution.id async for execution in env.client.list_workflows(query)]


def use_codec_with_credentials(browser: Chromium, ui_url: str, api_url: str) -> None:
    """What a supervisor does once in the UI: Codec Server -> "Use my browser
    setting", our endpoint, "Include cross-origin credentials" (stored by the UI in
    its localStorage)."""
    browser.navigate(f"{ui_url}/namespaces/default/workflows")
    browser.wait_for_text("Workflows")
    browser.evaluate(
        f"localStorage.setItem('endpoint', JSON.stringify('{api_url}/codec'));"
        "localStorage.setItem('includeCredentials', 'true');"
        "localStorage.setItem('overrideRemoteCodecConfiguration', 'true');"
    )


def show_case(
    browser: Chromium, ui_url: str, api_url: str, session: str, case_id: str, summary: str
) -> None:
    use_codec_with_credentials(browser, ui_url, api_url)
    browser.set_cookie(f"{api_url}/codec", COOKIE, session)
    # "Urgent and open", as docs/supervisor-ui.md gives it, narrowed to this case.
    query = urgent_and_open(case_id)
    browser.navigate(f"{ui_url}/namespaces/default/workflows?query={urllib.parse.quote(query)}")
    browser.wait_for_text(f"case-{case_id}", "SupportCaseWorkflow")
    browser.navigate(f"{ui_url}/namespaces/default/workflows/case-{case_id}")
    browser.wait_for_text("User Metadata")
    browser.evaluate(OPEN_USER_METADATA)
    # The summary, rendered by the UI once the codec endpoint decoded it for us.
    page = browser.wait_for_text(summary)
    assert "Codec Server could not connect" not in page


def without_session_no_summary(
    browser: Chromium, ui_url: str, api_url: str, case_id: str, summary: str
) -> None:
    browser.call("Network.clearBrowserCookies", session=True)
    browser.navigate(f"{ui_url}/namespaces/default/workflows/case-{case_id}")
    browser.wait_for_text("User Metadata")
    browser.evaluate(OPEN_USER_METADATA)
    # The UI got a 401 from the codec endpoint: it says so and shows no summary.
    page = browser.wait_for_text(f"case-{case_id}", "Codec Server could not connect")
    assert summary not in page
