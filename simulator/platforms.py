"""A platform's trusted-flagger channel: notices in, decisions out, content checks."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from simulator.intake import Exchange, Slug, StateDep, guard_read, receive
from simulator.state import Fault, RequestKind, Submission, SubmissionKind, TargetState
from simulator.webhooks import decision_reference

router = APIRouter(prefix="/platforms/{slug}", tags=["platforms"])

OFFLINE_DECISIONS = frozenset({"removed", "restricted"})
LOCATION_FIELDS = ("url", "account", "message_id")


@router.post("/notices")
async def post_notice(slug: Slug, request: Request, state: StateDep) -> JSONResponse:
    exchange = Exchange(state, request, slug, RequestKind.NOTICE)
    return await receive(exchange, SubmissionKind.NOTICE)


@router.get("/notices/{reference}")
async def get_notice(slug: Slug, reference: str, request: Request, state: StateDep) -> JSONResponse:
    exchange = Exchange(state, request, slug, RequestKind.NOTICE_STATUS)
    if failed := await guard_read(exchange):
        return failed
    notice = state.find(slug, reference)
    if notice is None or notice.kind is not SubmissionKind.NOTICE:
        return exchange.answer(404, {"detail": "unknown notice"}, fault=Fault.NOT_FOUND)
    exchange.key = notice.idempotency_key
    content = {
        "reference": notice.reference,
        "status": notice.status,
        "reason": notice.detail,
        "decided_at": notice.decided_at.isoformat() if notice.decided_at else None,
        "decision_reference": decision_reference(notice),
        "idempotency_key": notice.idempotency_key,
    }
    return exchange.answer(200, content, reference=reference)


@router.get("/content")
async def get_content(
    slug: Slug,
    request: Request,
    state: StateDep,
    url: str | None = None,
    account: str | None = None,
    message_id: str | None = None,
) -> JSONResponse:
    """Is the item still reachable? Our own check after a platform says "removed"."""
    exchange = Exchange(state, request, slug, RequestKind.CONTENT)
    asked = {"url": url, "account": account, "message_id": message_id}
    if all(value is None for value in asked.values()):
        detail = "give one of the query parameters url, account, message_id"
        return exchange.answer(422, {"detail": detail}, fault=Fault.BAD_REQUEST)
    if failed := await guard_read(exchange):
        return failed
    target = state.target(slug)
    online = target.config.content_stays_online or not any(
        _matches(notice, asked) for notice in _taken_down(target)
    )
    return exchange.answer(200, {"online": online})


def _taken_down(target: TargetState) -> list[Submission]:
    return [
        notice
        for notice in target.by_reference.values()
        if notice.kind is SubmissionKind.NOTICE and notice.status in OFFLINE_DECISIONS
    ]


def _matches(notice: Submission, asked: dict[str, str | None]) -> bool:
    location = notice.body.get("location")
    if not isinstance(location, dict):
        return False
    return any(value is not None and location.get(name) == value for name, value in asked.items())
