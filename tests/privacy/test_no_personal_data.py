"""A whole journey carrying known personal strings, then a search for them in every
place they must not be in clear: the raw history of every workflow of the case (read
from the Temporal service without the codec), its search attributes and memo, the
logs, the exported spans and the app database. And crypto-shredding: once the case
key is destroyed, the same raw history no longer opens, while the statistics and the
audit trail remain."""

import hashlib
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from google.protobuf import json_format
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
    GetWorkflowExecutionHistoryRequest,
)
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from relais.converter import key_store_of
from relais.crypto.codec import ENCODING, CaseCodec
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.key_store import KeyDestroyed
from relais.crypto.keyring import MasterKeyring
from relais.db import AuditLog, Database
from relais.logs import QUIET, formatter
from relais.settings import LogFormat, Settings
from relais.telemetry import configure_tracing
from relais.temporal_client import connect_client
from tests.evidence.files import jpeg_with_gps, picture
from tests.evidence.support import add_evidence
from tests.privacy.conftest import PERSONAL
from tests.support.client import auth
from tests.support.databases import database_dump
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

INTAKE: dict[str, Any] = {
    "channel": "web_chat",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": [],
    "summary": f"{PERSONAL['first_name']} is harassed by {PERSONAL['handle']}",
    "consents": {
        "report_to_platforms": True,
        "referral_partners": ["france-victimes"],
        "callback": {"consented": True},
    },
    "contact": {
        "first_name": PERSONAL["first_name"],
        "phone": PERSONAL["phone"],
        "email": PERSONAL["email"],
        "handles": [PERSONAL["handle"]],
        "free_text": PERSONAL["free_text"],
        "callback_instructions": PERSONAL["instructions"],
    },
}
ITEM = {
    "platform": "tiktok",
    "content_type": "video",
    "legal_qualification": "cyberharassment",
    "location": {"url": PERSONAL["url"]},
}


async def journey(stack: Stack) -> str:
    opened = await stack.api.post("/cases", json=INTAKE, headers=auth("counsellor"))
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    # A phone photo of the item (her name as the camera's, a GPS position, her handle as
    # its file name): TikTok takes files, so the notice attaches its sanitised copy.
    photo = jpeg_with_gps(picture(81), marker=PERSONAL["first_name"])
    await add_evidence(stack, case_id, photo, name=f"{PERSONAL['handle']}.jpg")
    item = {**ITEM, "evidence": [{"digest": hashlib.sha256(photo).hexdigest()}]}
    items = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [item]}, headers=auth("counsellor")
    )
    assert items.status_code == 202, items.text
    referral = await stack.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes", "reason": PERSONAL["reason"]},
        headers=auth("counsellor"),
    )
    assert referral.status_code == 202, referral.text

    async def view() -> dict[str, Any]:
        response = await stack.api.get(f"/cases/{case_id}", headers=auth("supervisor"))
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    await eventually(
        view, lambda v: v["status"] == "callback_scheduled", what="notice and referral settled"
    )
    notices = await stack.simulator.get("/_control/notices", params={"target": "tiktok"})
    [notice] = notices.json()
    assert len(notice["attachments"]) == 1  # the attachment's path ran
    closed = await stack.api.post(
        f"/cases/{case_id}/close",
        json={"reason": "resolved", "force": True},
        headers=auth("supervisor"),
    )
    assert closed.status_code == 200, closed.text
    return case_id


async def raw_histories(client: Client, case_id: str) -> dict[str, bytes]:
    """Every workflow of the case, its history and description as the service
    stores them: bytes, never through the codec."""
    found: dict[str, bytes] = {}
    async for execution in client.list_workflows(f'CaseId = "{case_id}"'):
        ref = WorkflowExecution(workflow_id=execution.id, run_id=execution.run_id)
        history = await client.workflow_service.get_workflow_execution_history(
            GetWorkflowExecutionHistoryRequest(namespace=client.namespace, execution=ref)
        )
        described = await client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(namespace=client.namespace, execution=ref)
        )
        found[execution.id] = history.SerializeToString() + described.SerializeToString()
        found[execution.id] += json_format.MessageToJson(history).encode()
    return found


def assert_clean(where: str, text: str | bytes) -> None:
    """Neither as written nor URL-encoded (a query string carries an item's URL so)."""
    blob = text if isinstance(text, bytes) else text.encode()
    for name, value in PERSONAL.items():
        for form in {value, quote(value, safe=""), quote_plus(value)}:
            assert form.encode() not in blob, f"{name} found in clear in {where}"


@pytest.fixture
async def database(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}")
    await database.create_schema()
    return database


async def test_no_personal_data_in_clear_anywhere_and_shredding_makes_it_unreadable(
    local_env: WorkflowEnvironment,
    tmp_path: Path,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for quiet in QUIET:  # as configure_logging sets them in the API and the worker
        caplog.set_level(logging.WARNING, logger=quiet)
    spans = InMemorySpanExporter()
    provider = configure_tracing(Settings(), exporter=spans)
    settings = Settings(temporal_address=local_env.client.service_client.config.target_host)
    keys = DatabaseKeyStore(database, MasterKeyring.from_settings(settings))
    client = await connect_client(settings, keys)  # as the API and the worker connect
    policy = fast_policy(callback_delay=timedelta(hours=1))
    try:
        async with running_stack(client, tmp_path, policy=policy, database=database) as stack:
            case_id = await journey(stack)
        # Visibility lags a little behind: wait until it lists the case and its children.
        histories = await eventually(
            lambda: raw_histories(client, case_id),
            lambda found: {w.split("-")[0] for w in found} == {"case", "notice", "referral"},
            what="the case, its notice and its referral listed by CaseId",
        )

        # 1. Raw histories, search attributes and memos: ciphertext only.
        for workflow_id, raw in histories.items():
            assert_clean(f"the raw history of {workflow_id}", raw)
            assert ENCODING in raw, f"{workflow_id} has no sealed payload"
        # 2. Logs of the API, the worker, the SDK and the simulator.
        #    Each line as it would be written, in both formats (RELAIS_LOG_FORMAT).
        for record in caplog.records:
            for log_format in LogFormat:
                line = formatter(log_format).format(record)
                assert_clean(f"the {log_format.value} logs ({record.name})", line)
        # 3. Spans exported from the API through the workflows to the activities.
        provider.force_flush()
        assert_clean("the spans", "\n".join(s.to_json() for s in spans.get_finished_spans()))
        # 4. The app database: projections, tasks, audit trail, wrapped keys.
        assert_clean("the app database", await database_dump(database))

        # Before the purge the case input opens, and holds the contact details.
        started = await client.workflow_service.get_workflow_execution_history(
            GetWorkflowExecutionHistoryRequest(
                namespace=client.namespace,
                execution=WorkflowExecution(workflow_id=f"case-{case_id}"),
            )
        )
        first = started.history.events[0].workflow_execution_started_event_attributes
        opened_input = b"".join(p.data for p in await CaseCodec(keys).decode(first.input.payloads))

        # Crypto-shredding: the retention purge destroys the case key...
        assert await keys.destroy_case_key(case_id) is True
        fresh = DatabaseKeyStore(database, MasterKeyring.from_settings(settings))
        for raw_id in histories:  # ...and no process can open the case's payloads again
            history = await client.workflow_service.get_workflow_execution_history(
                GetWorkflowExecutionHistoryRequest(
                    namespace=client.namespace, execution=WorkflowExecution(workflow_id=raw_id)
                )
            )
            sealed = [
                p
                for event in history.history.events
                for p in event.workflow_execution_started_event_attributes.input.payloads
                if p.metadata.get("encoding") == ENCODING
            ]
            if raw_id.startswith("case-"):
                assert sealed, "the case input is sealed"
                assert PERSONAL["phone"].encode() in opened_input  # it did carry the strings
            for payload in sealed:
                for store in (keys, fresh):
                    with pytest.raises(KeyDestroyed):
                        await CaseCodec(store).decode([payload])
        # ...while statistics and the audit trail stay.
        audit = await AuditLog(database).list(case_id=case_id)
        assert {"case.open", "case.items.add", "case.read", "case.close"} <= {
            e.action for e in audit
        }
        assert key_store_of(client.data_converter) is keys
    finally:
        await database.dispose()
