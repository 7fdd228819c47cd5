"""The example plugin (examples/relais-partner-example), installed through its
``relais.partners`` entry point, carries a whole case through a new platform and a
new partner, with no change to the core: API -> workflows -> the plugin's channels
-> simulator -> webhooks -> verification -> closed."""

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain import contract
from relais import search_attributes as sa
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

PLATFORM, PARTNER = "acme-social", "entraide-jeunes"

INTAKE: dict[str, Any] = intake_body(
    channel="web_chat",
    consents={
        "report_to_platforms": True,
        "referral_partners": [PARTNER],
        "callback": {"consented": False},
    },
    contact={"first_name": "Noa", "phone": "+33611111111"},
)
ITEM = {
    "platform": PLATFORM,
    "content_type": "post",
    "legal_qualification": "cyberharassment",
    "location": {"url": "https://acme.example/p/42"},
}


def _config_pointing_at(tmp_path: Path) -> Any:
    def write(simulator_url: str) -> Path:
        path = tmp_path / "adapters.toml"
        path.write_text(
            f'[overrides.{PLATFORM}]\nconfig = {{ base_url = "{simulator_url}" }}\n'
            f'[overrides.{PARTNER}]\nconfig = {{ base_url = "{simulator_url}" }}\n',
            encoding="utf-8",
        )
        return path

    return write


async def _view(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def _adapters(stack: Stack) -> dict[str, dict[str, Any]]:
    response = await stack.api.get("/adapters", headers=auth("integrator"))
    assert response.status_code == 200, response.text
    return {a["slug"]: a for a in response.json()["adapters"]}


async def _activity_summaries(client: Client, workflow_id: str) -> list[str]:
    """The summaries the Temporal UI shows for each scheduled activity, decoded
    through the client's data converter (the payload codec, if any)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    summaries = []
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            payload = event.user_metadata.summary
            [text] = await client.data_converter.decode([payload], [str])
            summaries.append(text)
    return summaries


@pytest.mark.usefixtures("example_plugin")
async def test_a_case_goes_through_the_plugins_platform_and_partner(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(
        local_env.client, tmp_path, adapters_config=_config_pointing_at(tmp_path)
    ) as stack:
        listed = await _adapters(stack)
        assert listed[PLATFORM]["capabilities"] == ["notice"]
        assert listed[PARTNER]["kind"] == "victim_support"
        assert "entry point 'acme'" in listed[PLATFORM]["source"]
        assert "relais-partner-example 0.1.0" in listed[PLATFORM]["source"]

        opened = await stack.api.post(
            "/cases",
            json=INTAKE,
            headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        added = await stack.api.post(
            f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
        )
        assert added.status_code == 202, added.text
        referred = await stack.api.post(
            f"/cases/{case_id}/referrals",
            json={"partner": PARTNER, "victim_consented": True},
            headers=auth("counsellor"),
        )
        assert referred.status_code == 202, referred.text

        view = await eventually(
            lambda: _view(stack.api, case_id),
            lambda v: (
                [n["status"] for n in v["notices"]] == ["verified_removed"]
                and [r["status"] for r in v["referrals"]] == ["accepted"]
            ),
            what="the plugin's notice verified removed and its handoff accepted",
        )
        assert view["referrals"][0]["partner_reference"].startswith(f"{PARTNER}-")

        deliveries = (await stack.deliveries())["targets"]
        assert deliveries[PLATFORM]["notices"] == 1
        assert deliveries[PARTNER]["handoffs"] == 1

        case = await stack.client.get_workflow_handle(
            contract.SUPPORT_CASE.workflow_id(case_id)
        ).describe()
        assert case.typed_search_attributes.get(sa.CASE_PLATFORMS) == [PLATFORM]
        assert case.typed_search_attributes.get(sa.CASE_PARTNERS) == [PARTNER]
        notice_id = view["notices"][0]["notice_id"]
        summaries = await _activity_summaries(
            stack.client, contract.TAKEDOWN.workflow_id(notice_id)
        )
        assert f"notice to {PLATFORM}" in summaries
        assert f"check content is gone from {PLATFORM}" in summaries

        health = await _adapters(stack)
        assert health[PLATFORM]["health"]["status"] == "ok"
        assert health[PLATFORM]["health"]["last_success_at"] is not None
        assert health[PARTNER]["health"]["last_success_operation"] == "hand_over"

        closed = await stack.api.post(
            f"/cases/{case_id}/close",
            json={"reason": "test over", "force": True},
            headers=auth("counsellor"),
        )
        assert closed.status_code == 200, closed.text
