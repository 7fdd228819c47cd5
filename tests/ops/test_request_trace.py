"""One counsellor request is one trace: ``POST /cases/{id}/items`` -> the update ->
the notice's child workflow -> the submit activity -> the platform's HTTP endpoint
(the simulator continuing the trace from the request's headers). Spans carry ids
and statuses only."""

from collections.abc import Sequence
from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.testing import WorkflowEnvironment

from relais.settings import Settings
from relais.telemetry import configure_tracing
from relais.temporal_client import connect_client
from tests.support.cases import ITEM, case_view, open_case
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

PERSONAL = ["Lea", "+33600000000", "@someone/video/123"]


CHAIN = [
    "POST /cases/{case_id}/items",  # the API's server span (RequestTelemetry)
    "StartWorkflowUpdate:add_items",  # the Temporal client
    "HandleUpdate:add_items",  # the case workflow
    "StartChildWorkflow:TakedownWorkflow",
    "RunWorkflow:TakedownWorkflow",  # the notice's child workflow
    "StartActivity:submit_notice",
    "RunActivity:submit_notice",  # the activity, in the worker
    "POST tiktok",  # the partner client (traceparent in the request's headers)
    "POST /platforms/{slug}/notices",  # the simulator, continuing the trace
]


def children(spans: Sequence[ReadableSpan], parent: ReadableSpan, name: str) -> list[ReadableSpan]:
    return [
        s
        for s in spans
        if s.name == name and s.parent is not None and s.parent.span_id == parent.context.span_id
    ]


def chain_under(
    spans: Sequence[ReadableSpan], top: ReadableSpan, names: Sequence[str]
) -> list[ReadableSpan]:
    """``top`` and a line of descendants named ``names``, each the child of the one
    before. A workflow task tried twice (a slow worker under load) leaves a span from
    each try, only one of which goes on down: every branch is followed."""
    if not names:
        return [top]
    found = children(spans, top, names[0])
    assert found, f"no {names[0]!r} under {top.name!r}"
    misses = []
    for child in found:
        try:
            return [top, *chain_under(spans, child, names[1:])]
        except AssertionError as miss:
            misses.append(str(miss))
    raise AssertionError("; ".join(misses))


async def test_adding_items_is_one_trace_down_to_the_platform(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = configure_tracing(Settings(), exporter=exporter)
    settings = Settings(temporal_address=local_env.client.service_client.config.target_host)
    client = await connect_client(settings)
    async with running_stack(client, tmp_path) as stack:
        case_id = await open_case(stack)
        added = await stack.api.post(
            f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
        )
        assert added.status_code == 202, added.text
        await eventually(
            lambda: case_view(stack.api, case_id),
            lambda v: v["notices"][0]["status"] == "verified_removed",
            what="notice verified",
        )
    provider.force_flush()
    spans = exporter.get_finished_spans()
    [request] = [s for s in spans if s.name == CHAIN[0]]
    path = chain_under(spans, request, CHAIN[1:])
    assert {span.context.trace_id for span in path} == {request.context.trace_id}
    assert request.parent is None, "the counsellor's request starts the trace"
    platform = path[-1].attributes or {}
    assert platform["http.response.status_code"] == 201
    assert platform["simulator.target"] == "tiktok"
    assert (request.attributes or {})["http.response.status_code"] == 202
    dumped = "\n".join(span.to_json() for span in spans)
    for personal in PERSONAL:
        assert personal not in dumped
