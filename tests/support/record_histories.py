"""Record workflow histories for the replay tests.

Runs one journey per scenario on a fresh dev server and writes the history of
every workflow it involved to ``tests/histories/<scenario>/<workflow-type>.json``.
Run it when a workflow gains a path worth pinning, and commit the files:

    .venv/bin/python -m tests.support.record_histories
    .venv/bin/python -m tests.support.record_histories case_update_in_first_task
"""

import asyncio
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client

from domain import contract
from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy
from tests.support.history_files import decoded, patch_ids
from tests.support.stack import Stack, auth, running_stack
from tests.support.temporal import start_local_server
from tests.support.waiting import eventually
from workflows import patches

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
# One folder per recording: older ones stay, they are the cases already running.
SCENARIO = "journey-2-reopen-window"
POLICY = CasePolicy(
    callback_delay=timedelta(seconds=1),
    opening_hours=ALWAYS_OPEN,
    reopen_window=timedelta(seconds=1),
)
INTAKE = {
    "channel": "phone",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": ["child_at_risk_at_home"],
    "consents": {
        "report_to_platforms": True,
        "referral_partners": ["france-victimes"],
        "callback": {"consented": True, "earliest_hour": 0, "latest_hour": 24},
    },
    "contact": {"first_name": "Recorded", "phone": "+33600000000"},
}
ITEM = {
    "platform": "tiktok",
    "content_type": "video",
    "legal_qualification": "cyberharassment",
    "location": {"url": "https://www.tiktok.com/@recorded/video/1"},
}


async def _view(stack: Stack, case_id: str) -> dict[str, object]:
    response = await stack.api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    response.raise_for_status()
    data: dict[str, object] = response.json()
    return data


async def journey(stack: Stack) -> str:
    """Emergency referral, a notice, a consented referral, a callback, closure."""
    headers = {**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
    case_id: str = (await stack.api.post("/cases", json=INTAKE, headers=headers)).json()["case_id"]
    await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
    )
    await stack.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes"},
        headers=auth("counsellor"),
    )
    await eventually(
        lambda: _view(stack, case_id), lambda v: v["status"] == "callback_due", what="callback due"
    )
    await stack.api.post(
        f"/cases/{case_id}/callback-outcome",
        json={"result": "reached", "close_case": True},
        headers=auth("counsellor"),
    )
    return case_id


async def save(client: Client, scenario: str, case_id: str) -> None:
    folder = HISTORIES / scenario
    folder.mkdir(parents=True, exist_ok=True)
    ids = [contract.SUPPORT_CASE.workflow_id(case_id)]
    async for execution in client.list_workflows(f"CaseId = '{case_id}'"):
        if execution.id not in ids:
            ids.append(execution.id)
    for workflow_id in ids:
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        assert client.data_converter.payload_codec is not None
        history = await decoded(history, client.data_converter.payload_codec)
        kind = workflow_id.split("-", 1)[0]
        suffix = workflow_id.rsplit("-", 1)[-1] if kind != "case" else "case"
        (folder / f"{kind}-{suffix}.json").write_text(history.to_json())


async def main() -> None:
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp), policy=POLICY) as stack:
                case_id = await journey(stack)
                await eventually(
                    lambda: _count(env.client, case_id), lambda n: n >= 4, what="visibility"
                )
                await save(env.client, SCENARIO, case_id)
    finally:
        await env.shutdown()


async def record_update_in_first_task(folder: str, rounds: int = 40) -> None:
    """A case given an item the moment it opened (its emergency referral is due at
    the same time): saved once the request reached the case with its first workflow
    task (``patches.UPDATES_AFTER_OPENING`` in its history)."""
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp), policy=POLICY) as stack:
                codec = env.client.data_converter.payload_codec
                assert codec is not None
                for _ in range(rounds):
                    headers = {**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
                    opened = await stack.api.post("/cases", json=INTAKE, headers=headers)
                    case_id = opened.json()["case_id"]
                    await stack.api.post(
                        f"/cases/{case_id}/items",
                        json={"items": [ITEM]},
                        headers=auth("counsellor"),
                    )
                    handle = env.client.get_workflow_handle(
                        contract.SUPPORT_CASE.workflow_id(case_id)
                    )
                    history = await decoded(await handle.fetch_history(), codec)
                    if patches.UPDATES_AFTER_OPENING in patch_ids(history):
                        target = HISTORIES / folder
                        target.mkdir(parents=True, exist_ok=True)
                        (target / "case-case.json").write_text(history.to_json())
                        print(f"{folder}: {len(history.events)} events")
                        return
        raise SystemExit(f"no update reached a first workflow task in {rounds} cases")
    finally:
        await env.shutdown()


async def _count(client: Client, case_id: str) -> int:
    return len([e async for e in client.list_workflows(f"CaseId = '{case_id}'")])


if __name__ == "__main__":
    if sys.argv[1:] == ["case_update_in_first_task"]:
        asyncio.run(record_update_in_first_task("case_update_in_first_task"))
    else:
        asyncio.run(main())
