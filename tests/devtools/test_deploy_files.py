"""deploy/ files stay in step with the code: compose, Dockerfile, local simulator config.

Docker cannot run here, so the compose file is checked as data: it parses as YAML and
names what the code expects (search attributes, settings variables, services).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain.search_attributes import ALL
from relais.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose" / "docker-compose.yml"
SIMULATOR_CONFIG = ROOT / "deploy" / "local" / "simulator.json"


def load_yaml(path: Path) -> Any:
    """Parse with PyYAML: in this interpreter if present, else a system python3 that has it."""
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        pass
    else:
        with path.open() as file:
            return yaml.safe_load(file)
    # The project does not depend on PyYAML; the interpreter the venv was made from often has it.
    base = getattr(sys, "_base_executable", None) or shutil.which("python3")
    code = "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)"
    result = subprocess.run(
        [str(base), "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    if "ModuleNotFoundError" in result.stderr or not base:
        pytest.skip("PyYAML is not installed: compose file not parsed")
    assert result.returncode == 0, f"{path} does not parse:\n{result.stderr}"
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE)
    assert isinstance(data, dict)
    return data


def test_compose_runs_the_whole_engine(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {
        "postgresql",
        "temporal",
        "temporal-search-attributes",
        "temporal-ui",
        "relais-migrate",
        "relais-api",
        "relais-worker",
    } <= set(services)
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert services["relais-worker"]["deploy"]["replicas"] == 3
    assert services["relais-worker"]["command"] == ["python", "worker.py"]
    assert services["relais-api"]["command"] == ["python", "-m", "api"]
    assert "TEMPORAL_CODEC_ENDPOINT" in services["temporal-ui"]["environment"]


def test_compose_registers_exactly_the_search_attributes_of_the_code(
    compose: dict[str, Any],
) -> None:
    script = "\n".join(compose["services"]["temporal-search-attributes"]["command"])
    registered = dict(re.findall(r"^\s*sa (\w+) (\w+)\s*$", script, flags=re.MULTILINE))
    assert registered == {attribute.name: attribute.index.value for attribute in ALL}


def test_relais_containers_set_only_variables_the_settings_read(compose: dict[str, Any]) -> None:
    """A misspelt RELAIS_* variable would be ignored silently by pydantic-settings."""
    known = {f"RELAIS_{name.upper()}" for name in Settings.model_fields}
    app_services = [name for name in compose["services"] if name.startswith("relais-")]
    assert app_services
    for name in app_services:
        for variable in compose["services"][name].get("environment") or {}:
            if not variable.startswith("RELAIS_SIM_"):  # the simulator's own settings
                assert variable in known, f"{name}: {variable} is not a Settings field"


def test_dockerfile_copies_paths_that_exist() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            *sources, _destination = line.split()[1:]
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_local_simulator_config_is_valid_and_matches_adapter_delivery() -> None:
    config_module = pytest.importorskip("simulator.config")
    data = json.loads(SIMULATOR_CONFIG.read_text())
    config = config_module.SimulatorConfig.model_validate(data)
    assert config.target_config("tiktok").decision.value == "removed"
    assert config.target_config("tiktok").decision_delay_seconds == 20

    registry_module = pytest.importorskip("partners.loading")
    catalog = registry_module.load_registry(Settings()).catalog()
    adapters = {**catalog.platforms, **catalog.partners}
    for slug, info in adapters.items():
        simulated = config.target_config(slug).delivery.value
        assert simulated == info.delivery.value, f"{slug}: adapter expects {info.delivery}"


def test_compose_probes_use_readyz_and_prometheus_scrapes_the_jobs_the_alerts_name(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert "/readyz" in " ".join(services["relais-api"]["healthcheck"]["test"])
    worker = services["relais-worker"]
    assert "9465/readyz" in " ".join(worker["healthcheck"]["test"])
    assert worker["environment"]["RELAIS_WORKER_HEALTH_PORT"] == "9465"
    prometheus = load_yaml(ROOT / "deploy" / "prometheus" / "prometheus.yml")
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    assert set(jobs) == {"relais-api", "relais-worker"}
    port = int(worker["environment"]["RELAIS_WORKER_METRICS_PORT"])
    assert jobs["relais-worker"]["dns_sd_configs"][0]["port"] == port
    assert services["prometheus"]["profiles"] == ["monitoring"]
    mounted = " ".join(services["grafana"]["volumes"])
    assert "../grafana/relais.json" in mounted
    assert (COMPOSE.parent / "../grafana/relais.json").resolve().exists()
