"""Dependencies of the routes, as ``Annotated`` aliases.

Everything long-lived (settings, Temporal client, database, adapter registry, the
application layer's ``Helpline``, webhook verifier) is built once by the app's
lifespan and kept on ``app.state``; these functions only read it, so tests can
inject their own.
"""

from typing import Annotated, cast

from fastapi import Depends, Request
from temporalio.client import Client

from api.webhook_signatures import SignatureVerifier
from application.catalog import CatalogSource
from relais.db import Database
from relais.settings import Settings


async def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


async def get_temporal_client(request: Request) -> Client:
    return cast(Client, request.app.state.temporal_client)


async def get_database(request: Request) -> Database:
    return cast(Database, request.app.state.database)


async def get_catalog_source(request: Request) -> CatalogSource:
    return cast(CatalogSource, request.app.state.registry)


async def get_signature_verifier(request: Request) -> SignatureVerifier:
    return cast(SignatureVerifier, request.app.state.signature_verifier)


SettingsDep = Annotated[Settings, Depends(get_settings)]
TemporalClientDep = Annotated[Client, Depends(get_temporal_client)]
DatabaseDep = Annotated[Database, Depends(get_database)]
CatalogDep = Annotated[CatalogSource, Depends(get_catalog_source)]
SignatureVerifierDep = Annotated[SignatureVerifier, Depends(get_signature_verifier)]
