"""``./dev up`` keeps going: the simulator, the worker and the API are each killed
with SIGKILL (as the OOM killer would) while a case waits on a platform's decision;
the supervisor restarts each one, the simulator takes the decision it had planned
before its own death, the case carries on to the removal check, a case opened after
the kills goes through too, and the platform received each notice once."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.devtools.test_dev_up import DevUp, env, processes_started_with  # noqa: F401
from tests.support.cases import INTAKE, ITEM
from tests.support.client import auth

COUNSELLOR = auth("counsellor")
SUPERVISOR = auth("supervisor")


def part_leader(data_dir: str, marker: str) -> int:
    """The pid (and process group) of the part whose command line holds ``marker``."""
    for pid in processes_started_with(data_dir):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline and os.getpgid(pid) == pid:
            return pid
    raise AssertionError(f"no running part with {marker!r}")


def kill_and_wait_back(dev: DevUp, data_dir: str, part: str, marker: str) -> None:
    before = dev.text.count(f"{part} is ready again")
    os.killpg(part_leader(data_dir, marker), signal.SIGKILL)
    deadline = time.monotonic() + 120
    while dev.text.count(f"{part} is ready again") == before:
        assert dev.process.poll() is None, f"./dev up stopped:\n{dev.text}"
        assert time.monotonic() < deadline, f"{part} did not come back:\n{dev.text}"
        time.sleep(0.2)
    assert f"{part} failed: exited unexpectedly with code -9 (SIGKILL); restarting" in dev.text


def wait_for(check: Any, what: str, within: float = 120) -> Any:
    deadline = time.monotonic() + within
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except httpx.HTTPError as exc:  # a part restarting
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"no {what} within {within} s; last: {last!r}")


def open_case_with_item(api: httpx.Client, tag: str) -> str:
    opened = api.post("/cases", json=INTAKE, headers={**COUNSELLOR, "Idempotency-Key": tag})
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    item = {**ITEM, "location": {"url": f"https://www.tiktok.com/@someone/video/{tag}"}}
    added = api.post(f"/cases/{case_id}/items", json={"items": [item]}, headers=COUNSELLOR)
    assert added.status_code == 202, added.text
    return case_id


def notice_status(api: httpx.Client, case_id: str) -> str | None:
    response = api.get(f"/cases/{case_id}", headers=SUPERVISOR)
    if response.status_code != 200:
        return None
    notices = response.json()["notices"]
    return str(notices[0]["status"]) if notices else None


def test_killed_parts_come_back_and_cases_carry_on(env: dict[str, str]) -> None:  # noqa: F811
    data_dir = env["RELAIS_DATA_DIR"]
    api_url = f"http://127.0.0.1:{env['RELAIS_API_PORT']}"
    sim_url = f"http://127.0.0.1:{env['RELAIS_SIMULATOR_PORT']}"
    dev = DevUp(env)
    try:
        dev.wait_for("Relais is up", timeout=240)
        with httpx.Client(base_url=api_url, timeout=30) as api:
            first = open_case_with_item(api, uuid.uuid4().hex)
            # The platform has the notice; its decision is planned 20 s later.
            sent = ("submitted", "acknowledged")
            wait_for(lambda: notice_status(api, first) in sent, "notice sent")

            kill_and_wait_back(dev, data_dir, "simulator", "-m simulator")
            kill_and_wait_back(dev, data_dir, "worker", "worker.py")
            kill_and_wait_back(dev, data_dir, "api", "-m api")

            second = open_case_with_item(api, uuid.uuid4().hex)
            for case_id in (first, second):
                wait_for(
                    lambda c=case_id: notice_status(api, c) == "verified_removed",
                    f"case {case_id}'s removal verified",
                )
        deliveries = httpx.get(f"{sim_url}/_control/deliveries", timeout=10).json()
        tiktok = deliveries["targets"]["tiktok"]
        assert (tiktok["notices"], tiktok["duplicates"]) == (2, 0), tiktok
        assert tiktok["ids_under_several_keys"] == []
    finally:
        dev.process.send_signal(signal.SIGINT)
        code = dev.finish(timeout=90)
    assert code == 0, dev.text
    assert processes_started_with(data_dir) == []
