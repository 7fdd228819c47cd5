"""A recorded history must replay in another process: encrypted, it does not (the keys
stay where it was recorded); decrypted for the record, it does."""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from relais.converter import data_converter
from relais.crypto.codec import ENCODING
from relais.crypto.history import decrypted_history_json
from relais.crypto.key_store import InMemoryKeyStore
from relais.settings import Settings
from tests.privacy.conftest import keyring, random_key
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import running_stack
from worker import WORKFLOWS

INTAKE = intake_body(
    categories=["hacking"],
    consents={"report_to_platforms": True},
    contact={"first_name": "Recorded"},
)


async def test_a_decrypted_record_replays_elsewhere_an_encrypted_one_does_not(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        opened = await stack.api.post("/cases", json=INTAKE, headers=auth("counsellor"))
        case_id = opened.json()["case_id"]
        closed = await stack.api.post(
            f"/cases/{case_id}/close", json={"reason": "test"}, headers=auth("supervisor")
        )
        assert closed.status_code == 200, closed.text
        handle = stack.client.get_workflow_handle(f"case-{case_id}")
        history = await handle.fetch_history()
    assert ENCODING.decode() not in history.to_json()  # base64 in JSON...
    codec = local_env.client.data_converter.payload_codec
    assert codec is not None
    plain = await decrypted_history_json(history.to_json(), codec)
    assert "YmluYXJ5L2VuY3J5cHRlZA==" in history.to_json()  # ...binary/encrypted
    assert "YmluYXJ5L2VuY3J5cHRlZA==" not in plain

    elsewhere = Replayer(
        workflows=list(WORKFLOWS),
        data_converter=data_converter(InMemoryKeyStore(keyring(other=random_key()))),
    )
    await elsewhere.replay_workflow(WorkflowHistory.from_json(history.workflow_id, plain))
    with pytest.raises(Exception):  # noqa: B017 - the key is not there: any failure will do
        await elsewhere.replay_workflow(history)
    assert Settings().active_master_key  # the replayer needed no master key of its own
