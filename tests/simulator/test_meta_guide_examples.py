"""The Meta guide's curl examples (docs/simulator-meta.md, "Local run: curl examples") run:
replayed in order against a simulator on the local configuration and its default secrets,
posting to a Relais stand-in, every call answers 2xx and the young person's messages reach
it signed with the local app secrets."""

import json
import re
import shlex
from pathlib import Path
from typing import Any

from meta_support import MetaReceiver, screenshot_png
from sim_support import StartSim, eventually

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "simulator-meta.md").read_text(encoding="utf-8")
LOCAL_CONFIG = json.loads((ROOT / "deploy" / "local" / "simulator.json").read_text())
SIM = "http://sim.invalid"


def examples() -> list[list[str]]:
    section = GUIDE.split("## Local run: curl examples", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None
    script = block.group(1).replace("\\\n", " ").replace("$SIM", SIM)
    commands = [shlex.split(line) for line in script.splitlines()]
    return [c for c in commands if c and c[0] == "curl"]


def request_of(arguments: list[str]) -> dict[str, Any]:
    method, headers, content, url = "GET", {}, None, ""
    words = iter(arguments[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, value = next(words).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data-binary"):
            data = next(words)
            content = screenshot_png() if data == "@capture.png" else data.encode()
            method = "POST" if method == "GET" else method
        elif word.startswith(SIM):
            url = word.removeprefix(SIM)
    return {"method": method, "url": url, "headers": headers, "content": content}


async def test_the_meta_examples_run(start_sim: StartSim, meta_receiver: MetaReceiver) -> None:
    meta_receiver.secrets = {
        "whatsapp": "local-whatsapp-app-secret",
        "messenger": "local-messenger-app-secret",
    }
    meta_receiver.verify_tokens = {
        "whatsapp": "local-whatsapp-verify-token",
        "messenger": "local-messenger-verify-token",
    }
    config = {**LOCAL_CONFIG, "defaults": {**LOCAL_CONFIG["defaults"], "delivery": "poll"}}
    sim = await start_sim(**config, webhook_base_url=meta_receiver.base_url)
    commands = examples()
    assert any("/v21.0/" in " ".join(c) for c in commands)

    for arguments in commands:
        response = await sim.http.request(**request_of(arguments))
        assert response.is_success, (" ".join(arguments), response.text)
        if arguments[-1].endswith("/verify"):
            assert response.json()["verified"] is True

    async def every_message_arrived() -> bool:
        return len(meta_receiver.of("whatsapp", "messages")) == 4 and (
            len(meta_receiver.of("messenger", "message")) == 3
        )

    await eventually(every_message_arrived)
    assert meta_receiver.bad_signatures == 0
    summary = await sim.get_json("/_control/meta/deliveries")
    assert (summary["whatsapp"]["sends"], summary["whatsapp"]["duplicates"]) == (2, 0)
