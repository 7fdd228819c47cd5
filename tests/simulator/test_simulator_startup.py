"""Starting the simulator: config files, env vars and ``python -m simulator``."""

import asyncio
import json
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sim_support import SECRET, Receiver, eventually

from relais.serving import free_port
from simulator.settings import SimulatorSettings

CONFIG = {
    "defaults": {"delivery": "poll", "decision_delay_seconds": 0.05},
    "targets": {"tiktok": {"decision": "refused", "rate_limit": {"every": 4}}},
}

TOML = """
webhook_retry_delays = [0.1]

[defaults]
delivery = "poll"

[targets.pharos]
outcome = "declined"
outage = { active = true }
"""


def test_a_json_file_layers_targets_over_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text(json.dumps(CONFIG))

    config = SimulatorSettings(config=path).simulator_config()

    tiktok = config.target_config("tiktok")
    assert (tiktok.decision.value, tiktok.delivery.value) == ("refused", "poll")
    assert tiktok.rate_limit is not None and tiktok.rate_limit.every == 4
    assert config.target_config("snapchat").decision.value == "removed"


def test_a_toml_file_and_env_vars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sim.toml"
    path.write_text(TOML)
    monkeypatch.setenv("RELAIS_SIM_CONFIG", str(path))
    monkeypatch.setenv("RELAIS_SIM_WEBHOOK_SECRET", "from-env")

    config = SimulatorSettings().simulator_config()

    assert config.webhook_secret.get_secret_value() == "from-env"
    assert config.webhook_retry_delays == [0.1]
    pharos = config.target_config("pharos")
    assert (pharos.outcome.value, pharos.outage.active) == ("declined", True)


def test_an_invalid_target_in_the_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text(json.dumps({"targets": {"tiktok": {"error_rate": 2}}}))

    with pytest.raises(ValidationError, match=r"targets\.tiktok.*error_rate"):
        SimulatorSettings(config=path).simulator_config()


async def test_the_command_line_runs_a_simulator(tmp_path: Path, receiver: Receiver) -> None:
    path = tmp_path / "sim.json"
    path.write_text(json.dumps({"defaults": {"decision_delay_seconds": 0.05}}))
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        str(port),
        "--config",
        str(path),
        "--webhook-base-url",
        receiver.base_url,
        "--webhook-secret",
        SECRET,
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

            async def up() -> bool:
                try:
                    return (await http.get("/_control/health")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(up, within=20)
            where = {"url": "https://private.example/victim-name"}
            await http.post(
                "/platforms/tiktok/notices",
                json={"notice_id": "n-1", "location": where},
                headers={"Idempotency-Key": "key-1"},
            )
            await http.get("/platforms/tiktok/content", params=where)

            async def delivered() -> bool:
                return bool(receiver.received)

            await eventually(delivered)
        assert receiver.bad_signatures == 0
    finally:
        process.terminate()
        _, stderr = await process.communicate()
    assert b"tiktok" in stderr  # it does log requests...
    assert b"victim-name" not in stderr  # ...but never an item's URL
