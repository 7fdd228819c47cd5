"""Dependencies of the routes, as ``Annotated`` aliases.

Everything long-lived (settings, Temporal client, database, adapter registry,
webhook verifier) is built once by the app's lifespan and kept on ``app.state``;
these functions only read it, so tests can inject their own.
"""

from typing import Annotated, cast

from fastapi import Depends, Request
from temporalio.client import Client

from api.services.case_commands import CaseCommands
from api.services.catalog import CatalogSource
from api.services.webhook_signatures import SignatureVerifier
from relais.db import AuditLog, CaseDirectory, Database, TaskBoard
from relais.settings import Settings


def _state(request: Request, name: str) -> object:
    return getattr(request.app.state, name)


def get_settings(request: Request) -> Settings:
    return cast(Settings, _state(request, "settings"))


def get_temporal_client(request: Request) -> Client:
    return cast(Client, _state(request, "temporal_client"))


def get_database(request: Request) -> Database:
    return cast(Database, _state(request, "database"))


def get_catalog_source(request: Request) -> CatalogSource:
    return cast(CatalogSource, _state(request, "registry"))


def get_signature_verifier(request: Request) -> SignatureVerifier:
    return cast(SignatureVerifier, _state(request, "signature_verifier"))


SettingsDep = Annotated[Settings, Depends(get_settings)]
TemporalClientDep = Annotated[Client, Depends(get_temporal_client)]
DatabaseDep = Annotated[Database, Depends(get_database)]
CatalogDep = Annotated[CatalogSource, Depends(get_catalog_source)]
SignatureVerifierDep = Annotated[SignatureVerifier, Depends(get_signature_verifier)]


def get_case_commands(client: TemporalClientDep) -> CaseCommands:
    return CaseCommands(client)


def get_case_directory(db: DatabaseDep) -> CaseDirectory:
    return CaseDirectory(db)


def get_task_board(db: DatabaseDep) -> TaskBoard:
    return TaskBoard(db)


def get_audit_log(db: DatabaseDep) -> AuditLog:
    return AuditLog(db)


CaseCommandsDep = Annotated[CaseCommands, Depends(get_case_commands)]
CaseDirectoryDep = Annotated[CaseDirectory, Depends(get_case_directory)]
TaskBoardDep = Annotated[TaskBoard, Depends(get_task_board)]
AuditLogDep = Annotated[AuditLog, Depends(get_audit_log)]
