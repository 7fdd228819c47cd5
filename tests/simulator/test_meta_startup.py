"""Setting up the simulated Meta at start: the config file's ``meta`` section and the
``RELAIS_SIM_<CHANNEL>_<SECRET>`` environment variables (how ``./dev up`` would pass
Relais' own secrets without putting them on a command line)."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from simulator.settings import SimulatorSettings


def test_the_defaults_relais_local_settings_should_match() -> None:
    meta = SimulatorSettings().simulator_config().meta

    assert meta.whatsapp.webhook_path == "/inbound/channels/whatsapp"
    assert meta.messenger.webhook_path == "/inbound/channels/messenger"
    assert meta.whatsapp.app_secret.get_secret_value() == "local-whatsapp-app-secret"
    assert meta.whatsapp.access_token.get_secret_value() == "local-whatsapp-access-token"
    assert meta.whatsapp.verify_token.get_secret_value() == "local-whatsapp-verify-token"
    assert meta.messenger.app_secret.get_secret_value() == "local-messenger-app-secret"
    assert meta.messenger.access_token.get_secret_value() == "local-messenger-page-token"
    assert meta.messenger.verify_token.get_secret_value() == "local-messenger-verify-token"
    assert meta.whatsapp.phone_numbers[0].phone_number_id == "110000000003018"
    assert meta.messenger.pages[0].page_id == "120000000003018"


def test_the_file_and_env_vars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sim.json"
    file_meta = {"whatsapp": {"window_seconds": 600, "app_secret": "from-file"}}
    path.write_text(json.dumps({"meta": file_meta}))
    monkeypatch.setenv("RELAIS_SIM_WHATSAPP_APP_SECRET", "from-env")
    monkeypatch.setenv("RELAIS_SIM_MESSENGER_ACCESS_TOKEN", "page-token-from-env")

    meta = SimulatorSettings(config=path).simulator_config().meta

    assert meta.whatsapp.window_seconds == 600
    assert meta.whatsapp.app_secret.get_secret_value() == "from-env"
    assert meta.messenger.access_token.get_secret_value() == "page-token-from-env"


def test_an_invalid_meta_section_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text(json.dumps({"meta": {"messenger": {"pages": []}}}))

    with pytest.raises(ValidationError, match=r"meta\.messenger\.pages"):
        SimulatorSettings(config=path).simulator_config()
