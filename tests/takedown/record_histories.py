"""Record TakedownWorkflow histories of the paths the replay tests pin.

    .venv/bin/python -m tests.takedown.record_histories <folder>

The scenario: a platform declared without a content endpoint says "removed" about
a URL that Relais's own check must not fetch (it leads into our network), so the
check fails permanently. ``notice_uncheckable_before_patch`` was recorded with the
code before ``patches.UNCHECKABLE_CONTENT`` (commit f5d1bee: three checks, then
"still online"); it stands for notices running when that change shipped.
``notice_uncheckable_content`` is the same scenario with the current code.
"""

import asyncio
import sys
import tempfile
from pathlib import Path

import pytest

from relais.serving import serve_app
from tests.adapters.test_http_json_e2e import API_KEY, CONFIG, _open_case, _view, receiver
from tests.support.history_files import decoded
from tests.support.stack import running_stack
from tests.support.temporal import start_local_server
from tests.support.waiting import eventually
from workflows import names
from workflows.rules.policy import CasePolicy

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
                    handle = env.client.get_workflow_handle(names.notice_workflow_id(notice_id))
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


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1]))
