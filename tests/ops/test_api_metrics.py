"""``GET /metrics`` on the API: a journey and a platform outage show in the figures
(read from the app database), request metrics are by route template, and no label
carries a case id or personal data."""

from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from relais.settings import Settings
from tests.ops.exposition import Sample, assert_no_label_holds, samples, value
from tests.support.cases import ITEM, case_view, open_case
from tests.support.client import auth
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

PERSONAL = ["Lea", "+33600000000", "tiktok.com/@someone", "snapchat.com/add"]
DOWN_ITEM = {**ITEM, "platform": "snapchat", "location": {"url": "https://snapchat.com/add/x"}}


async def scrape(stack: Stack) -> list[Sample]:
    response = await stack.api.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_a_journey_and_an_outage_show_in_the_metrics(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        stack.compress_retries("snapchat")
        await stack.configure_target("snapchat", outage={"active": True})
        case_id = await open_case(stack)
        response = await stack.api.post(
            f"/cases/{case_id}/items", json={"items": [ITEM, DOWN_ITEM]}, headers=auth("counsellor")
        )
        assert response.status_code == 202, response.text
        notice_ids = response.json()["notice_ids"]
        await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: any(n["status"] == "verified_removed" for n in v["notices"]),
            what="the TikTok notice verified removed",
        )
        found = await eventually(
            lambda: scrape(stack),
            lambda s: _adapter_up(s, "snapchat") == 0.0,
            what="snapchat reported down",
        )

    assert value(found, "relais_figures_up") == 1.0
    assert value(found, "relais_cases_open", urgency="normal") >= 1
    assert value(found, "relais_notices_sent_total", platform="tiktok") == 1
    assert value(found, "relais_notices_decided_total", platform="tiktok", decision="removed") == 1
    assert value(found, "relais_notices", platform="tiktok", status="verified_removed") == 1
    assert value(found, "relais_notice_time_to_removal_seconds_count", platform="tiktok") == 1
    assert (
        value(found, "relais_notice_time_to_removal_seconds_bucket", platform="tiktok", le="+Inf")
        == 1
    )
    assert value(found, "relais_notices_sent_total", platform="snapchat") == 0
    assert _adapter_up(found, "tiktok") == 1.0
    assert value(found, "relais_adapter_consecutive_failures", adapter="snapchat") >= 1
    assert value(found, "relais_adapter_last_success_timestamp_seconds", adapter="tiktok") > 0
    assert value(found, "relais_adapters_loaded") > 0
    for name in (
        "relais_callbacks_due",
        "relais_callbacks_overdue",
        "relais_manual_handoffs_total",
    ):
        assert value(found, name) == 0
    # Requests by route template: the case's own path never appears.
    items_route = "/cases/{case_id}/items"
    assert (
        value(found, "relais_http_requests_total", route=items_route, method="POST", status="202")
        == 1
    )
    assert value(found, "relais_http_request_duration_seconds_count", route=items_route) == 1
    assert_no_label_holds(found, [case_id, *notice_ids, *PERSONAL])


def _adapter_up(found: list[Sample], slug: str) -> float:
    return value(found, "relais_adapter_up", adapter=slug)


async def test_an_unknown_path_is_counted_as_unmatched_not_by_its_path(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        missing = await stack.api.get("/no/such/Lea")
        assert missing.status_code == 404
        found = await scrape(stack)
    assert value(found, "relais_http_requests_total", route="unmatched", status="404") == 1
    assert_no_label_holds(found, ["/no/such", "Lea"])


async def test_metrics_turned_off_serve_no_endpoint(local_env: WorkflowEnvironment) -> None:
    app = create_app(Settings(metrics_enabled=False), temporal_client=local_env.client)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
        assert (await http.get("/metrics")).status_code == 404
