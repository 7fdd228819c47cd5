"""Traces follow a case from the API through the workflow to its activities, and
carry no personal data."""

from pathlib import Path

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.testing import WorkflowEnvironment

from relais.settings import Settings
from relais.telemetry import configure_tracing
from relais.temporal_client import connect_client
from tests.support.cases import INTAKE, ITEM, case_view
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

PERSONAL = ["Lea", "+33600000000", "@someone/video/123"]


async def test_a_case_is_traced_end_to_end_without_personal_data(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = configure_tracing(Settings(), exporter=exporter)
    settings = Settings(temporal_address=local_env.client.service_client.config.target_host)
    client = await connect_client(settings)  # the API's and the worker's way to connect
    async with running_stack(client, tmp_path) as stack:
        opened = await stack.api.post("/cases", json=INTAKE, headers=auth("counsellor"))
        case_id = opened.json()["case_id"]
        await stack.api.post(
            f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
        )
        await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["notices"][0]["status"] == "verified_removed",
            what="notice verified",
        )
    provider.force_flush()
    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert "StartWorkflow:SupportCaseWorkflow" in names
    assert "RunActivity:submit_notice" in names
    assert "StartChildWorkflow:TakedownWorkflow" in names
    dumped = "\n".join(span.to_json() for span in spans)
    assert case_id in dumped  # ids are there to follow a case...
    for personal in PERSONAL:  # ...personal data is not
        assert personal not in dumped
