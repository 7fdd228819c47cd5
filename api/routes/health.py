"""Liveness and readiness, without authentication (for load balancers and probes).

``/livez``: the process serves (a liveness probe restarts it otherwise: it never
depends on Temporal or the database, which a restart would not bring back).
``/readyz``: 200 when Temporal answers, the app database answers and is migrated to
head and the adapters are loaded, else 503; the body says which check failed.
``/healthz`` (older): always 200, ``status`` ``degraded`` when a dependency is down.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import CatalogDep, DatabaseDep, TemporalClientDep
from api.doors import Callers, callers
from api.schemas.health import Health, Liveness
from relais.health import (
    Readiness,
    adapters_probe,
    database_probe,
    migrations_probe,
    readiness,
    temporal_probe,
)

router = APIRouter(tags=["health"], dependencies=[callers(Callers.PUBLIC)])


@router.get("/livez")
async def livez() -> Liveness:
    """200 while the process serves requests."""
    return Liveness(status="live")


@router.get(
    "/readyz",
    responses={503: {"model": Readiness, "description": "a dependency is not ready"}},
)
async def readyz(client: TemporalClientDep, db: DatabaseDep, catalog: CatalogDep) -> JSONResponse:
    """Ready to serve counsellors: every check passes (200), or which did not (503)."""
    result = await readiness(
        {
            "temporal": temporal_probe(client),
            "database": database_probe(db),
            "migrations": migrations_probe(db),
            "adapters": adapters_probe(
                lambda: len(_slugs(catalog)), lambda: len(getattr(catalog, "problems", []))
            ),
        }
    )
    return JSONResponse(result.model_dump(), status_code=200 if result.ready else 503)


def _slugs(catalog: CatalogDep) -> set[str]:
    snapshot = catalog.catalog()
    return set(snapshot.platforms) | set(snapshot.partners)


@router.get("/healthz")
async def healthz(client: TemporalClientDep, db: DatabaseDep) -> Health:
    """Always 200 while the process serves; ``status`` is ``degraded`` when Temporal
    or the database is not answering, and the flags say which (prefer ``/readyz``)."""
    result = await readiness({"temporal": temporal_probe(client), "database": database_probe(db)})
    checks = result.checks
    return Health(
        status="ok" if result.ready else "degraded",
        temporal=checks["temporal"].ok,
        database=checks["database"].ok,
    )
