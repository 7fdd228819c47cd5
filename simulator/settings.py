"""Start-up settings of ``python -m simulator``: ``RELAIS_SIM_*`` env vars, then flags."""

from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from simulator.basics import deep_merge
from simulator.config import SimulatorConfig, load_config_file


class SimulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELAIS_SIM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8100
    config: Path | None = None
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    log_level: str = "info"
    otlp_endpoint: str | None = None
    state_file: Path | None = None
    # The simulated Meta's secrets, by environment (as ./dev up passes Relais' own).
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_access_token: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    messenger_app_secret: SecretStr | None = None
    messenger_access_token: SecretStr | None = None
    messenger_verify_token: SecretStr | None = None

    def simulator_config(self) -> SimulatorConfig:
        """The config file's content, with the webhook settings given here on top."""
        data: dict[str, Any] = load_config_file(self.config) if self.config else {}
        if self.webhook_base_url is not None:
            data["webhook_base_url"] = self.webhook_base_url
        if self.webhook_secret is not None:
            data["webhook_secret"] = self.webhook_secret.get_secret_value()
        meta: dict[str, dict[str, str]] = {}
        for channel in ("whatsapp", "messenger"):
            for name in ("app_secret", "access_token", "verify_token"):
                value: SecretStr | None = getattr(self, f"{channel}_{name}")
                if value is not None:
                    meta.setdefault(channel, {})[name] = value.get_secret_value()
        if meta:
            data["meta"] = deep_merge(data.get("meta", {}), meta)
        return SimulatorConfig.model_validate(data)
