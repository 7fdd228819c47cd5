"""Start-up settings of ``python -m simulator``: ``RELAIS_SIM_*`` env vars, then flags."""

from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    def simulator_config(self) -> SimulatorConfig:
        """The config file's content, with the webhook settings given here on top."""
        data: dict[str, Any] = load_config_file(self.config) if self.config else {}
        if self.webhook_base_url is not None:
            data["webhook_base_url"] = self.webhook_base_url
        if self.webhook_secret is not None:
            data["webhook_secret"] = self.webhook_secret.get_secret_value()
        return SimulatorConfig.model_validate(data)
