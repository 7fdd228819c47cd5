"""What platform and partner endpoints share: faults, idempotent intake, recording.

``receive`` is the whole life of a notice or handoff POST; ``guard_read`` applies
the transient faults to a GET. Both record the request with the status answered.
"""

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse

from simulator import decisions, faults
from simulator.attachments import Received, Refused, read_notice
from simulator.basics import now_utc
from simulator.faults import FaultAnswer
from simulator.state import (
    Fault,
    RequestKind,
    RequestRecord,
    SimulatorState,
    Submission,
    SubmissionKind,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"


def get_state(request: Request) -> SimulatorState:
    state: SimulatorState = request.app.state.simulator
    return state


StateDep = Annotated[SimulatorState, Depends(get_state)]
Slug = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


class Exchange:
    """One request on a target endpoint, recorded once it is answered."""

    def __init__(
        self, state: SimulatorState, request: Request, slug: str, kind: RequestKind
    ) -> None:
        self.state = state
        self.request = request
        self.slug = slug
        self.kind = kind
        self.key = request.headers.get(IDEMPOTENCY_HEADER) or None

    def answer(
        self,
        status: int,
        content: dict[str, Any],
        *,
        fault: Fault | None = None,
        reference: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> JSONResponse:
        self.state.record(
            RequestRecord(
                at=now_utc(),
                method=self.request.method,
                path=self.request.url.path,
                target=self.slug,
                kind=self.kind,
                idempotency_key=self.key,
                status=status,
                fault=fault,
                reference=reference,
            )
        )
        return JSONResponse(content, status_code=status, headers=headers)

    def fault(self, answer: FaultAnswer, reference: str | None = None) -> JSONResponse:
        return self.answer(
            answer.status,
            {"detail": answer.detail},
            fault=answer.fault,
            reference=reference,
            headers=answer.headers,
        )


async def guard_read(exchange: Exchange) -> JSONResponse | None:
    """The transient fault a GET gets, already recorded, or ``None``."""
    answer = await faults.transient_fault(exchange.state.target(exchange.slug), "GET")
    return exchange.fault(answer) if answer else None


async def receive(exchange: Exchange, kind: SubmissionKind) -> JSONResponse:
    """Accept a notice/handoff once per idempotency key, through the target's faults."""
    state, target = exchange.state, exchange.state.target(exchange.slug)
    if exchange.key is None:
        detail = f"the {IDEMPOTENCY_HEADER} header is required"
        return exchange.answer(400, {"detail": detail}, fault=Fault.MISSING_KEY)
    try:
        received = read_notice(
            exchange.request.headers.get("content-type", ""),
            await exchange.request.body(),
            target.config.attachments if kind is SubmissionKind.NOTICE else None,
        )
    except Refused as refused:
        return exchange.answer(refused.status, {"detail": refused.detail}, fault=Fault.BAD_REQUEST)
    body = received.body
    target.attempts += 1
    answer = await faults.transient_fault(target, "POST") or faults.rejection(target)
    if answer:
        return exchange.fault(answer)

    initial = "received" if kind is SubmissionKind.NOTICE else "acknowledged"
    existing = target.by_key.get((kind, exchange.key))
    if existing is not None:
        existing.posts += 1
        target.conflicting_bodies += existing.body != body or _hashes(existing) != _hashes(received)
        submission, status = existing, 200
        if state.journal is not None:
            state.journal.posted(existing)
    else:
        submission = Submission(
            kind=kind,
            target=exchange.slug,
            reference=state.new_reference(exchange.slug),
            idempotency_key=exchange.key,
            body=body,
            received_at=now_utc(),
            status="pending" if kind is SubmissionKind.NOTICE else initial,
            attachments=received.files,
        )
        if received.contents:
            target.files[submission.reference] = received.contents
        target.by_key[(kind, exchange.key)] = submission
        target.by_reference[submission.reference] = submission
        if state.journal is not None:
            state.journal.submission(submission)
        decisions.schedule(state, submission)
        status = 201
    lost = faults.lose_response(target)
    if lost:
        return exchange.fault(lost, reference=submission.reference)
    content = {"reference": submission.reference, "status": initial}
    if kind is SubmissionKind.NOTICE:  # the platform's confirmation of receipt (DSA 16(4))
        content["received_at"] = submission.received_at.isoformat()
    return exchange.answer(status, content, reference=submission.reference)


def _hashes(received: Submission | Received) -> list[str]:
    files = received.attachments if isinstance(received, Submission) else received.files
    return [file.sha256 for file in files]
