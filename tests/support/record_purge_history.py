"""Record a RetentionPurgeWorkflow history for the replay tests: a case closed with
a one-second retention is purged by the workflow the daily schedule runs.

    .venv/bin/python -m tests.support.record_purge_history
"""

import asyncio
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain import contract
from domain.retention import PurgeReport, PurgeRunInput
from relais.db.repositories.retention import RetentionBook
from tests.support.history_files import decoded
from tests.support.record_histories import HISTORIES, INTAKE, POLICY
from tests.support.stack import auth, running_stack
from tests.support.temporal import start_local_server
from tests.support.waiting import eventually

SCENARIO = "retention-purge"


async def main() -> None:
    policy = POLICY.model_copy(update={"retention": timedelta(seconds=1)})
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp), policy=policy) as stack:
                headers = {**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
                intake = {**INTAKE, "risk_flags": []}
                opened = await stack.api.post("/cases", json=intake, headers=headers)
                case_id = opened.json()["case_id"]
                await stack.api.post(
                    f"/cases/{case_id}/close",
                    json={"reason": "resolved"},
                    headers=auth("counsellor"),
                )
                book = RetentionBook(stack.database)
                await eventually(
                    lambda: book.due(datetime.now(UTC)), lambda due: case_id in due, what="due"
                )
                workflow_id = f"retention-purge-{uuid.uuid4().hex[:8]}"
                report = await env.client.execute_workflow(
                    contract.RETENTION_PURGE.name,
                    PurgeRunInput(),
                    id=workflow_id,
                    task_queue=stack.settings.task_queue,
                    result_type=PurgeReport,
                )
                assert case_id in report.purged
                history = await env.client.get_workflow_handle(workflow_id).fetch_history()
                assert env.client.data_converter.payload_codec is not None
                history = await decoded(history, env.client.data_converter.payload_codec)
                folder = HISTORIES / SCENARIO
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "retention-purge.json").write_text(history.to_json())
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
