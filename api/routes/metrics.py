"""``GET /metrics``: Prometheus' scrape target on the API (no authentication, like the
probes: it holds counts by slug and status only; keep it off the public ingress)."""

from fastapi import APIRouter, Request, Response

from api.doors import Callers, callers
from api.metrics import CONTENT_TYPE, ApiMetrics

router = APIRouter(tags=["operations"], dependencies=[callers(Callers.PUBLIC)])


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Request metrics, process figures and the helpline's figures (cases, notices,
    referrals, callbacks, adapters), in Prometheus' text format."""
    api_metrics: ApiMetrics = request.app.state.metrics
    return Response(await api_metrics.render(), media_type=CONTENT_TYPE)
