"""A partner's handoff endpoint (Pharos, police, 119, France Victimes, ...)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from simulator.intake import Exchange, Slug, StateDep, guard_read, receive
from simulator.state import Fault, RequestKind, SubmissionKind

router = APIRouter(prefix="/partners/{slug}", tags=["partners"])


@router.post("/handoffs")
async def post_handoff(slug: Slug, request: Request, state: StateDep) -> JSONResponse:
    exchange = Exchange(state, request, slug, RequestKind.HANDOFF)
    return await receive(exchange, SubmissionKind.HANDOFF)


@router.get("/handoffs/{reference}")
async def get_handoff(
    slug: Slug, reference: str, request: Request, state: StateDep
) -> JSONResponse:
    exchange = Exchange(state, request, slug, RequestKind.HANDOFF_STATUS)
    if failed := await guard_read(exchange):
        return failed
    handoff = state.find(slug, reference)
    if handoff is None or handoff.kind is not SubmissionKind.HANDOFF:
        return exchange.answer(404, {"detail": "unknown handoff"}, fault=Fault.NOT_FOUND)
    exchange.key = handoff.idempotency_key
    content = {
        "reference": handoff.reference,
        "status": handoff.status,
        "detail": handoff.detail,
        "idempotency_key": handoff.idempotency_key,
    }
    return exchange.answer(200, content, reference=reference)
