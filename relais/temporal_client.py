"""Connects a Temporal client with the project's data converter and interceptors."""

from temporalio.client import Client
from temporalio.runtime import Runtime

from relais.converter import data_converter
from relais.crypto.key_store import KeyStore
from relais.settings import Settings
from relais.telemetry import client_plugins


async def connect_client(
    settings: Settings, key_store: KeyStore | None = None, runtime: Runtime | None = None
) -> Client:
    """``key_store``: where the case keys live (the app database for the API and the
    worker); without one, keys live in this process only (tests, scripts).
    ``runtime``: the worker's, with the SDK's metrics endpoint (default: no metrics)."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(key_store),
        plugins=client_plugins(settings),
        runtime=runtime,
    )
