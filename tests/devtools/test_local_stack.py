"""What ./dev up runs, and that the parts understand what it tells them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from devtools.local import ConfigError, LocalStack
from relais.search_attributes import dev_server_flags
from relais.settings import Settings
from tests.ops.tools import binary

ROOT = Path(__file__).resolve().parents[2]
MOVED = {
    "RELAIS_TEMPORAL_PORT": "17000",
    "RELAIS_TEMPORAL_UI_PORT": "17001",
    "RELAIS_SIMULATOR_PORT": "17002",
    "RELAIS_API_PORT": "17003",
    "RELAIS_WORKER_METRICS_PORT": "17004",
    "RELAIS_WORKER_HEALTH_PORT": "17005",
}


def commands(stack: LocalStack) -> dict[str, list[str]]:
    parts, _ = stack.parts()
    return {part.name: list(part.command) for part in parts}


def test_defaults_are_the_documented_ports() -> None:
    stack = LocalStack.from_env(ROOT, {})
    temporal = commands(stack)["temporal"]
    assert temporal[temporal.index("--port") + 1] == "7233"
    assert temporal[temporal.index("--ui-port") + 1] == "8233"
    assert temporal[temporal.index("--db-filename") + 1] == str(ROOT / "data" / "temporal.db")
    assert " ".join(dev_server_flags()) in " ".join(temporal)
    # The UI decodes through the API's codec endpoint unless RELAIS_UI_CODEC=0.
    assert temporal[temporal.index("--ui-codec-endpoint") + 1] == "http://127.0.0.1:8000/codec"
    assert stack.api_url == "http://127.0.0.1:8000"
    assert stack.simulator_url == "http://127.0.0.1:8100"


def test_ui_codec_can_be_turned_off() -> None:
    for off in ("0", "false", "no"):
        stack = LocalStack.from_env(ROOT, {"RELAIS_UI_CODEC": off})
        assert "--ui-codec-endpoint" not in commands(stack)["temporal"]


def test_ui_codec_points_the_ui_at_the_api() -> None:
    stack = LocalStack.from_env(ROOT, {"RELAIS_UI_CODEC": "1", "RELAIS_API_PORT": "9000"})
    temporal = commands(stack)["temporal"]
    assert temporal[temporal.index("--ui-codec-endpoint") + 1] == "http://127.0.0.1:9000/codec"
    assert "http://127.0.0.1:9000/codec/login" in stack.banner(stack.parts()[0])


def test_the_box_gives_the_consoles_address() -> None:
    stack = LocalStack.from_env(ROOT, {"RELAIS_API_PORT": "9000"})
    assert "http://127.0.0.1:9000/console/" in stack.banner(stack.parts()[0])


def test_the_box_gives_the_web_chats_address() -> None:
    stack = LocalStack.from_env(ROOT, {"RELAIS_API_PORT": "9000"})
    assert "http://127.0.0.1:9000/chat " in stack.banner(stack.parts()[0])


def test_simulator_gets_the_local_config_and_the_secret_outside_argv() -> None:
    stack = LocalStack.from_env(ROOT, {"RELAIS_WEBHOOK_SECRET": "s3cret"})
    parts = {part.name: part for part in stack.parts()[0]}
    simulator = parts["simulator"]
    assert str(ROOT / "deploy" / "local" / "simulator.json") in simulator.command
    assert "s3cret" not in " ".join(simulator.command)
    assert simulator.env["RELAIS_SIM_WEBHOOK_SECRET"] == "s3cret"
    assert "s3cret" not in repr(stack)


def test_moved_ports_reach_the_settings_of_every_part(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stack = LocalStack.from_env(ROOT, {**MOVED, "RELAIS_DATA_DIR": str(tmp_path)})
    env = stack.child_env({})
    for name, value in env.items():
        if name.startswith("RELAIS_"):
            monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.temporal_address == "127.0.0.1:17000"
    assert settings.api_port == 17003
    assert settings.public_api_url == "http://127.0.0.1:17003"
    assert settings.simulator_url == "http://127.0.0.1:17002"
    assert "http://127.0.0.1:17001" in settings.ui_origins
    assert settings.temporal_ui_url == "http://127.0.0.1:17001"  # the console links there
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}"
    assert (settings.worker_metrics_port, settings.worker_health_port) == (17004, 17005)


def test_the_banner_lists_metrics_and_probes_and_the_simulator_keeps_its_state(
    tmp_path: Path,
) -> None:
    stack = LocalStack.from_env(ROOT, {**MOVED, "RELAIS_DATA_DIR": str(tmp_path)})
    parts, _ = stack.parts()
    banner = stack.banner(parts)
    assert "http://127.0.0.1:17003/metrics" in banner
    assert "http://127.0.0.1:17003/livez, /readyz" in banner
    assert "http://127.0.0.1:17004/metrics" in banner
    assert "http://127.0.0.1:17005/livez, /readyz" in banner
    assert "Prometheus" not in banner, "only with --with-monitoring"
    simulator = commands(stack)["simulator"]
    assert simulator[simulator.index("--state-file") + 1] == str(tmp_path / "simulator-state.jsonl")
    claims = {claim.env_var for part in parts for claim in part.ports}
    assert {"RELAIS_WORKER_METRICS_PORT", "RELAIS_WORKER_HEALTH_PORT"} <= claims


def test_with_monitoring_adds_prometheus_scraping_the_api_and_the_worker(tmp_path: Path) -> None:
    binary("prometheus")
    env = {**MOVED, "RELAIS_DATA_DIR": str(tmp_path), "RELAIS_PROMETHEUS_PORT": "17006"}
    stack = LocalStack.from_env(ROOT, env, with_monitoring=True)
    parts, _ = stack.parts()
    prometheus = {part.name: part for part in parts}["prometheus"]
    assert "--web.listen-address=127.0.0.1:17006" in prometheus.command
    config = yaml.safe_load((tmp_path / "prometheus" / "prometheus.yml").read_text())
    targets = {c["job_name"]: c["static_configs"][0]["targets"] for c in config["scrape_configs"]}
    assert targets == {"relais-api": ["127.0.0.1:17003"], "relais-worker": ["127.0.0.1:17004"]}
    assert config["rule_files"] == [str(ROOT / "deploy" / "prometheus" / "alerts.yml")]
    assert "http://127.0.0.1:17006 (alerts: /alerts)" in stack.banner(parts)


def test_default_data_dir_leaves_the_database_url_to_the_settings() -> None:
    env = LocalStack.from_env(ROOT, {}).child_env({})
    assert "RELAIS_DATABASE_URL" not in env
    assert "RELAIS_UI_ORIGINS" not in env


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"RELAIS_API_PORT": "http"}, "RELAIS_API_PORT='http' is not a port number"),
        ({"RELAIS_API_PORT": "70000"}, "RELAIS_API_PORT=70000 is outside 1-65535"),
        ({"RELAIS_API_PORT": "8100"}, "two parts would share a port"),
    ],
)
def test_bad_ports_are_named(variables: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        LocalStack.from_env(ROOT, variables)
