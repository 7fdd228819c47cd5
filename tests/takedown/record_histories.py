"""Record TakedownWorkflow histories of the paths the replay tests pin.

    .venv/bin/python -m tests.takedown.record_histories <folder>

The scenario: a platform declared without a content endpoint says "removed" about
a URL that Relais's own check must not fetch (it leads into our network), so the
check fails permanently. ``notice_uncheckable_before_patch`` was recorded with the
code before ``patches.UNCHECKABLE_CONTENT`` (commit f5d1bee: three checks, then
"still online"); it stands for notices running when that change shipped.
``notice_uncheckable_content`` is the same scenario with the current code.

    .venv/bin/python -m tests.takedown.record_histories notice_cancel_after_signal

closes cases with ``force`` right after adding items until a notice takes up a
cancel the SDK swallowed during a signal (``patches.CANCEL_AFTER_SIGNAL``: its
marker is in the history), and saves that notice's history.
"""

import asyncio
import sys
import tempfile
from pathlib import Path

import pytest

from domain import contract
from domain.policy import CasePolicy
from relais.serving import serve_app
from tests.adapters.test_http_json_e2e import API_KEY, CONFIG, _open_case, _view, receiver
from tests.support.cases import ITEM, open_case
from tests.support.history_files import decoded, patch_ids
from tests.support.stack import auth, running_stack
from tests.support.temporal import start_local_server
from tests.support.waiting import eventually
from tests.takedown.helpers import SHORT
from workflows import patches

ITEM_URL = "https://www.tiktok.com/@x/video/"
HISTORIES = Path(__file__).resolve().parent.parent / "histories"
POLICY = CasePolicy(decision_poll_interval="PT0.5S", verification_retry_interval="PT0.5S")
RESOLVED = {"still_online", "removal_unverified"}


async def record(folder: str) -> None:
    env = await start_local_server()
    app, _ = receiver()
    content_block = CONFIG[CONFIG.index("[adapter.content]") : CONFIG.index("[[adapter]]", 50)]
    try:
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
            patch.setenv("SIGNAL_NORD_KEY", API_KEY)
            async with serve_app(app) as url:
                config = Path(tmp) / "adapters.toml"
                config.write_text(CONFIG.replace(content_block, "").format(url=url))
                async with running_stack(
                    env.client, Path(tmp), policy=POLICY, adapters_config=lambda _: config
                ) as stack:
                    internal = f"{url.replace('localhost', '127.0.0.1')}/internal/admin"
                    case_id = await _open_case(stack.api, url=internal, partner=None)
                    view = await eventually(
                        lambda: _view(stack.api, case_id),
                        lambda v: bool(v["notices"]) and v["notices"][0]["status"] in RESOLVED,
                        what="the notice resolved",
                    )
                    notice_id = view["notices"][0]["notice_id"]
                    handle = env.client.get_workflow_handle(
                        contract.TAKEDOWN.workflow_id(notice_id)
                    )
                    codec = env.client.data_converter.payload_codec
                    assert codec is not None
                    history = await decoded(await handle.fetch_history(), codec)
        target = HISTORIES / folder
        target.mkdir(parents=True, exist_ok=True)
        (target / "notice-n1.json").write_text(history.to_json())
        status = view["notices"][0]["status"]
        print(f"{folder}: {status}, {len(history.events)} events", file=sys.stderr)
    finally:
        await env.shutdown()


async def record_cancel_after_signal(folder: str, rounds: int = 40) -> None:
    env = await start_local_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with running_stack(env.client, Path(tmp), policy=SHORT) as stack:
                await stack.configure_target("tiktok", decision="none")
                codec = env.client.data_converter.payload_codec
                assert codec is not None
                for round_ in range(rounds):
                    case_id = await open_case(stack)
                    items = [
                        {**ITEM, "location": {"url": f"{ITEM_URL}{round_}{n}"}} for n in range(3)
                    ]
                    await stack.api.post(
                        f"/cases/{case_id}/items", json={"items": items}, headers=auth("counsellor")
                    )
                    closed = await stack.api.post(
                        f"/cases/{case_id}/close",
                        json={"reason": "stop", "force": True},
                        headers=auth("counsellor"),
                    )
                    closed.raise_for_status()
                    for n in range(1, 4):
                        handle = env.client.get_workflow_handle(
                            contract.TAKEDOWN.workflow_id(f"{case_id}-n{n}")
                        )
                        history = await decoded(await handle.fetch_history(), codec)
                        if patches.CANCEL_AFTER_SIGNAL in patch_ids(history):
                            target = HISTORIES / folder
                            target.mkdir(parents=True, exist_ok=True)
                            (target / "notice-n1.json").write_text(history.to_json())
                            print(f"{folder}: round {round_}, {len(history.events)} events")
                            return
        raise SystemExit(f"no swallowed cancel in {rounds} rounds")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    if sys.argv[1] == "notice_cancel_after_signal":
        asyncio.run(record_cancel_after_signal(sys.argv[1]))
    else:
        asyncio.run(record(sys.argv[1]))
