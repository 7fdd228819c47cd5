"""Read-only control routes: what the targets received and what they sent back.

``/_control/deliveries`` is what proves "no notice received twice": per target,
``posts`` (POSTs processed), ``distinct_keys`` and ``duplicates`` (processed POSTs
whose key was already seen), plus ``ids_under_several_keys``: notice/referral ids
of the body that arrived under more than one idempotency key (re-notices, whose
body has ``renotice_of``, excepted) - a retry that minted a fresh key.
"""

from collections import defaultdict

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from simulator.intake import StateDep
from simulator.state import (
    RequestKind,
    RequestRecord,
    SimulatorState,
    Submission,
    SubmissionKind,
    TargetState,
    WebhookAttempt,
)

router = APIRouter(prefix="/_control", tags=["control"])


class DeliverySummary(BaseModel):
    notices: int
    handoffs: int
    attempts: int
    posts: int
    distinct_keys: int
    duplicates: int
    conflicting_bodies: int
    ids_under_several_keys: list[str]


class Deliveries(BaseModel):
    targets: dict[str, DeliverySummary]
    total: DeliverySummary


@router.get("/requests")
async def requests(
    state: StateDep, target: str | None = None, kind: RequestKind | None = None
) -> list[RequestRecord]:
    return [
        entry
        for entry in state.requests
        if (target is None or entry.target == target) and (kind is None or entry.kind == kind)
    ]


@router.get("/webhooks")
async def webhooks(
    state: StateDep, target: str | None = None, reference: str | None = None
) -> list[WebhookAttempt]:
    return [
        attempt
        for attempt in state.webhooks
        if (target is None or attempt.target == target)
        and (reference is None or attempt.reference == reference)
    ]


@router.get("/notices")
async def notices(state: StateDep, target: str | None = None) -> list[Submission]:
    """Every notice received, with its body (what a test checks an adapter sent)."""
    return _submissions(state, SubmissionKind.NOTICE, target)


@router.get("/notices/{target}/{reference}/attachments/{index}")
async def attachment(target: str, reference: str, index: int, state: StateDep) -> Response:
    """The bytes of a notice's ``index``-th file as received (kept in memory only: gone
    after a restart or a reset), for a test to look into."""
    notice = state.targets[target].by_reference.get(reference) if target in state.targets else None
    contents = state.targets[target].files.get(reference, []) if notice else []
    if notice is None or not 0 <= index < len(contents):
        return JSONResponse({"detail": "no such file in memory"}, status_code=404)
    media_type = notice.attachments[index].media_type
    return Response(contents[index], media_type=media_type, headers={"Cache-Control": "no-store"})


@router.get("/handoffs")
async def handoffs(state: StateDep, target: str | None = None) -> list[Submission]:
    return _submissions(state, SubmissionKind.HANDOFF, target)


@router.get("/deliveries")
async def deliveries(state: StateDep) -> Deliveries:
    per_target = {slug: _summary([t]) for slug, t in sorted(state.targets.items())}
    return Deliveries(targets=per_target, total=_summary(list(state.targets.values())))


def _submissions(
    state: SimulatorState, kind: SubmissionKind, target: str | None
) -> list[Submission]:
    return [
        submission
        for slug, t in state.targets.items()
        if target is None or slug == target
        for submission in t.by_reference.values()
        if submission.kind is kind
    ]


def _summary(targets: list[TargetState]) -> DeliverySummary:
    subs = [s for t in targets for s in t.by_reference.values()]
    keys_by_id: dict[str, set[str]] = defaultdict(set)
    for sub in subs:
        if sub.body_id is not None and not sub.body.get("renotice_of"):
            keys_by_id[f"{sub.kind.value}:{sub.body_id}"].add(sub.idempotency_key)
    posts = sum(s.posts for s in subs)
    return DeliverySummary(
        notices=sum(s.kind is SubmissionKind.NOTICE for s in subs),
        handoffs=sum(s.kind is SubmissionKind.HANDOFF for s in subs),
        attempts=sum(t.attempts for t in targets),
        posts=posts,
        distinct_keys=len(subs),
        duplicates=posts - len(subs),
        conflicting_bodies=sum(t.conflicting_bodies for t in targets),
        ids_under_several_keys=sorted(i for i, keys in keys_by_id.items() if len(keys) > 1),
    )
