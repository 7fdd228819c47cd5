"""Liveness and readiness, without authentication (for load balancers and probes)."""

import asyncio
from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import DatabaseDep, TemporalClientDep
from api.schemas.health import Health

router = APIRouter(tags=["health"])

PROBE_TIMEOUT = timedelta(seconds=3)


async def _temporal_ok(client: TemporalClientDep) -> bool:
    try:
        return await client.service_client.check_health(timeout=PROBE_TIMEOUT)
    except Exception:
        return False


async def _database_ok(db: DatabaseDep) -> bool:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT.total_seconds()):
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@router.get("/healthz")
async def healthz(client: TemporalClientDep, db: DatabaseDep) -> Health:
    """Always 200 while the process serves (a liveness probe must not restart the API
    because Temporal is down); ``status`` is ``degraded`` when a dependency is not
    answering, and the flags say which."""
    temporal, database = await asyncio.gather(_temporal_ok(client), _database_ok(db))
    healthy = temporal and database
    return Health(status="ok" if healthy else "degraded", temporal=temporal, database=database)
