"""Build the FastAPI app: routers, error handlers, and a lifespan that connects
what was not injected (Temporal client, database, adapter registry)."""

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from temporalio.client import Client

from api.cors import CodecCors
from api.errors import install_error_handlers
from api.idempotency import IdempotentPosts
from api.media_types import JsonBodiesOnly
from api.metrics import ApiMetrics
from api.openapi import install_openapi
from api.request_telemetry import RequestTelemetry
from api.routes import (
    adapters,
    audit,
    callbacks,
    case_actions,
    case_shares,
    cases,
    casework,
    channel_inbound,
    codec,
    conversations,
    evidence,
    health,
    inbound,
    metrics,
    referrals,
    reports,
    returning,
    stats,
    tasks,
    upload_links,
    webhooks,
    worklist,
)
from api.webhook_signatures import SignatureVerifier
from application.catalog import CatalogSource
from application.conversations.absence import watching_for_absence
from application.helpline import Helpline
from chat.app import install_chat
from console.app import install_console
from partners.http_support import PARTNER_CLIENTS
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import Database
from relais.db.repositories.figures import OperationsFigures
from relais.db.repositories.idempotency_keys import IdempotencyKeys
from relais.db.repositories.webhook_seals import WebhookSeals
from relais.metrics.domain import DomainMetrics
from relais.settings import BuiltInChannel, Settings, get_settings
from relais.temporal_client import connect_client
from relais.tokens import TokenVerifier

NO_NATIVE_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}

DESCRIPTION = """\
Durable case orchestration for a helpline protecting young people online.

Counsellors open cases and act on them; every slow step (notices to platforms,
handoffs to partners, callbacks) runs in a Temporal workflow and shows on the case.
Authenticate with `Authorization: Bearer <token>`; platforms and partners sign
their webhooks instead.
"""


def create_app(
    settings: Settings | None = None,
    *,
    temporal_client: Client | None = None,
    database: Database | None = None,
    registry: CatalogSource | None = None,
    create_schema: bool = False,
) -> FastAPI:
    """The API. Anything not injected is built at start-up from ``settings``;
    ``create_schema`` migrates a database the app opens itself (the launcher
    normally runs Alembic first)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            stack.push_async_callback(PARTNER_CLIENTS.aclose)  # sandbox test sends
            db = database
            if db is None:
                db = Database(settings.database_url)
                stack.push_async_callback(db.dispose)
                if create_schema:
                    await db.create_schema()
            app.state.database = db
            app.state.idempotency_keys = IdempotencyKeys(db)
            # Replays are refused whichever replica a delivery reaches: seals in the DB.
            app.state.signature_verifier = SignatureVerifier(
                settings.webhook_secret.get_secret_value().encode(),
                tolerance_seconds=settings.webhook_tolerance_seconds,
                replays=WebhookSeals(db),
            )
            app.state.temporal_client = temporal_client or await connect_client(
                settings, _key_store(settings, db)
            )
            app.state.registry = registry or _load_registry(settings)
            app.state.helpline = Helpline(
                app.state.temporal_client, db, app.state.registry, settings
            )
            if BuiltInChannel.WEBCHAT in settings.channels_enabled:
                # pages of the web chat closed or silent while waiting: counted as left
                await stack.enter_async_context(watching_for_absence(app.state.helpline))
            if api_metrics is not None:
                api_metrics.attach(_domain_metrics(settings, db, app.state.registry))
                stack.callback(api_metrics.detach)
            yield

    app = FastAPI(
        title="Relais API",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's own spans record the path's query string (a content URL can be in
        # one): RequestTelemetry makes the request's span instead, ids and statuses only.
        telemetry=NO_NATIVE_TELEMETRY,
        # Before anything else: a JSON route sent another content type is a 415.
        dependencies=[JsonBodiesOnly],
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings)
    api_metrics = ApiMetrics() if settings.metrics_enabled else None
    app.state.metrics = api_metrics
    install_error_handlers(app)
    keyed: set[tuple[str, str]] = set()
    # People (a bearer token): every POST takes an Idempotency-Key. Who may call each
    # route is the rule of the service it calls (``api.doors``), asked by the route.
    for router in (
        cases.router,
        case_actions.router,
        casework.router,
        callbacks.router,
        callbacks.queue,
        conversations.router,
        conversations.on_case,
        returning.router,
        referrals.router,
        case_shares.router,
        upload_links.router,
        worklist.router,
        tasks.router,
        audit.router,
        stats.router,
        reports.router,
        adapters.router,
    ):
        app.include_router(router, dependencies=[IdempotentPosts])
        keyed |= set(_operations(router))
    # Evidence uploads take their Idempotency-Key in the service (a multipart body is
    # never the same bytes twice: see api/routes/evidence.py).
    app.include_router(evidence.router)
    # Signed machine callers (with their own replay protection), the probes and the
    # codec: no bearer token, and no Idempotency-Key.
    for router in (
        webhooks.router,
        inbound.router,
        channel_inbound.router,
        health.router,
        codec.router,
        codec.signing,
    ):
        app.include_router(router)
    if api_metrics is not None:
        app.include_router(metrics.router)
    install_console(app, settings)  # the counsellor console, under /console
    install_chat(app, settings)  # the young person's web chat, under /chat
    install_openapi(app, idempotent=lambda method, path: (method, path) in keyed)
    app.add_middleware(CodecCors, ui_origins=settings.ui_origins)
    # Outermost: the request's span and metrics include everything below.
    app.add_middleware(RequestTelemetry, metrics=api_metrics.http if api_metrics else None)
    return app


def _domain_metrics(settings: Settings, db: Database, registry: CatalogSource) -> DomainMetrics:
    return DomainMetrics(
        OperationsFigures(db),
        settings.case_policy(),
        registry.catalog,
        cache_seconds=settings.metrics_cache_seconds,
        load_problems=lambda: len(getattr(registry, "problems", [])),
    )


def _operations(router: APIRouter) -> Iterator[tuple[str, str]]:
    for route in router.routes:
        if isinstance(route, APIRoute):
            yield from ((method, route.path) for method in route.methods or ())


def _key_store(settings: Settings, db: Database) -> DatabaseKeyStore:
    keyring = MasterKeyring.from_settings(settings)
    return DatabaseKeyStore(db, keyring, cache_seconds=settings.key_cache_seconds)


def _load_registry(settings: Settings) -> CatalogSource:
    # Imported here: only a standalone API needs the adapters' code.
    from partners.loading import load_registry

    return load_registry(settings)
