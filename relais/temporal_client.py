"""Connects a Temporal client with the project's data converter and interceptors."""

from temporalio.client import Client

from relais.converter import data_converter
from relais.settings import Settings
from relais.telemetry import client_interceptors


async def connect_client(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(),
        interceptors=client_interceptors(settings),
    )
