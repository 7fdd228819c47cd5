"""The simulator guide's curl examples (docs/simulator.md, "Local run: curl
examples") name the targets Relais really talks to, and run: replayed in order
against a simulator on the local configuration, after Relais's first notice to
TikTok and first handoff to 119, every control call answers 2xx."""

import json
import re
import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sim_support import StartSim

from partners.builtin import PARTNERS, PLATFORMS

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "simulator.md").read_text(encoding="utf-8")
LOCAL_CONFIG = json.loads((ROOT / "deploy" / "local" / "simulator.json").read_text())
SIM = "http://sim.invalid"


def examples() -> list[list[str]]:
    """Each curl command of the block, as its arguments (``$SIM`` and ``$(date ..)``
    filled in as the shell would)."""
    section = GUIDE.split("## Local run: curl examples", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None
    in_two_hours = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    script = re.sub(r"\$\(date [^)]*\)", in_two_hours, block.group(1).replace("\\\n", " "))
    commands = [shlex.split(line.replace("$SIM", SIM)) for line in script.splitlines()]
    return [c for c in commands if c and c[0] == "curl"]


def request_of(arguments: list[str]) -> dict[str, Any]:
    method, headers, body, url = "GET", {}, None, ""
    words = iter(arguments[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, value = next(words).split(":", 1)
            headers[name.strip()] = value.strip()
        elif word == "-d":
            body = next(words)
            method = "POST" if method == "GET" else method
        elif word.startswith(SIM):
            url = word.removeprefix(SIM)
    return {"method": method, "url": url, "headers": headers, "content": body}


def targets_named(request: dict[str, Any]) -> set[str]:
    parts = urlsplit(request["url"])
    found = set(parse_qs(parts.query).get("target", []))
    found |= set(re.findall(r"^/(?:_control/targets|platforms|partners)/([^/]+)", parts.path))
    if request["content"]:
        body = json.loads(request["content"])
        found |= {body["target"]} if "target" in body else set()
    return found


def test_the_examples_name_only_targets_relais_talks_to() -> None:
    requests = [request_of(c) for c in examples()]
    named = set().union(*(targets_named(r) for r in requests))

    assert "enfance-en-danger-119" in named
    assert named - set(PLATFORMS) - set(PARTNERS) == set()
    for request in requests:
        body = json.loads(request["content"]) if request["content"] else {}
        if "reference" in body:  # references are "<slug>-<n>"
            assert re.fullmatch(rf"{re.escape(body['target'])}-\d+", body["reference"])


async def test_the_examples_run(start_sim: StartSim) -> None:
    # The local configuration, decisions polled: no Relais listens for webhooks here.
    config = {**LOCAL_CONFIG, "defaults": {**LOCAL_CONFIG["defaults"], "delivery": "poll"}}
    sim = await start_sim(**config)
    first_notice = await sim.notice("tiktok", "case-1-n1")
    first_handoff = await sim.handoff("enfance-en-danger-119", "case-1-r1")
    assert (first_notice.status_code, first_handoff.status_code) == (201, 201)

    for arguments in examples():
        request = request_of(arguments)
        response = await sim.http.request(**request)
        if request["url"].startswith("/_control/"):
            assert response.is_success, (" ".join(arguments), response.text)
