"""Long life: a case with many items and a year of callbacks, and the history
events each run of its workflow holds (continue-as-new keeps each run small).

Runs the whole stack in this process on a local dev server (as the tests do) with
compressed durations: every notice is removed and verified, then the case goes
through weekly callbacks (rescheduled a week ahead, due, reached) for a year.

    ./dev bench long_case    # 200 items, 52 callbacks
    ./dev bench long_case --items 50 --callbacks 12

Prints the runs of the case workflow with their history length, and a JSON summary.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from bench.cli import parse_args
from domain import contract
from domain.callback_window import ALWAYS_OPEN
from domain.policy import CasePolicy
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.temporal import start_local_server

BATCH = 25  # items per request, as a counsellor qualifying a long list would send them
POLICY = CasePolicy(
    callback_delay=timedelta(milliseconds=200),
    opening_hours=ALWAYS_OPEN,
    reopen_window=timedelta(seconds=1),
)
INTAKE: dict[str, Any] = intake_body(
    consents={
        "report_to_platforms": True,
        "callback": {"consented": True, "earliest_hour": 0, "latest_hour": 24},
    },
    contact={"first_name": "Bench", "phone": "+33600000000"},
)


async def view(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


async def until(api: httpx.AsyncClient, case_id: str, check: Any, within: float = 600) -> None:
    deadline = time.monotonic() + within
    while not check(await view(api, case_id)):
        if time.monotonic() > deadline:
            raise TimeoutError("the case did not reach the expected state")
        await asyncio.sleep(0.2)


async def run_lengths(client: Client, workflow_id: str) -> list[tuple[str, int]]:
    """(run id, history events) of every run of a workflow. Visibility records a run's
    length only once it closed: each run is described, so the open one counts too."""
    run_ids = [e.run_id async for e in client.list_workflows(f"WorkflowId = '{workflow_id}'")]
    return [
        (
            run_id,
            (
                await client.get_workflow_handle(workflow_id, run_id=run_id).describe()
            ).history_length,
        )
        for run_id in run_ids
    ]


async def run(items: int, callbacks: int) -> dict[str, Any]:
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp), policy=POLICY) as stack:
                await stack.configure_target("tiktok", decision_delay_seconds=0.05)
                api = stack.api
                headers = {**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
                opened = await api.post("/cases", json=INTAKE, headers=headers)
                case_id = opened.json()["case_id"]
                started = time.monotonic()
                for batch in range(0, items, BATCH):
                    body = {
                        "items": [
                            {
                                "platform": "tiktok",
                                "content_type": "video",
                                "legal_qualification": "cyberharassment",
                                "location": {"url": f"https://www.tiktok.com/@b/video/{n}"},
                            }
                            for n in range(batch, min(batch + BATCH, items))
                        ]
                    }
                    added = await api.post(
                        f"/cases/{case_id}/items", json=body, headers=auth("counsellor")
                    )
                    added.raise_for_status()
                await until(
                    api,
                    case_id,
                    lambda v: (
                        len(v["notices"]) == items
                        and all(n["status"] == "verified_removed" for n in v["notices"])
                    ),
                )
                items_done = time.monotonic()
                for week in range(callbacks):
                    await until(api, case_id, lambda v: v["status"] == "callback_due")
                    reached = await api.post(
                        f"/cases/{case_id}/callback-outcome",
                        json={"result": "reached"},
                        headers=auth("counsellor"),
                    )
                    reached.raise_for_status()
                    if week < callbacks - 1:
                        at = datetime.now(UTC) + timedelta(seconds=3)
                        moved = await api.post(
                            f"/cases/{case_id}/callback/reschedule",
                            json={"at": at.isoformat()},
                            headers=auth("counsellor"),
                        )
                        moved.raise_for_status()
                final = await view(api, case_id)
                runs = await run_lengths(env.client, contract.SUPPORT_CASE.workflow_id(case_id))
                return {
                    "items": items,
                    "callbacks": callbacks,
                    "runs_seen_by_visibility": len(runs),
                    "runs_in_case_view": final["runs"],
                    "max_events_per_run": max(length for _, length in runs),
                    "events_per_run": sorted(length for _, length in runs),
                    "seconds_items": round(items_done - started, 1),
                    "seconds_total": round(time.monotonic() - started, 1),
                }
    finally:
        await env.shutdown()


SMOKE = {"items": 3, "callbacks": 2}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--callbacks", type=int, default=52)
    args = parse_args(parser, argv, SMOKE)
    summary = asyncio.run(run(args.items, args.callbacks))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
