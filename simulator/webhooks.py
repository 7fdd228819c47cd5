"""Sending decisions to Relais: signed JSON POSTs, retried with backoff.

A delivery makes one attempt, then one more after each pause of
``webhook_retry_delays`` (by default 8 attempts over about a minute), stopping at
the first 2xx. Every attempt is recorded for ``GET /_control/webhooks``.
"""

import asyncio
import json
import logging
import time
from typing import Any

import httpx

from simulator.basics import now_utc
from simulator.signing import signed_headers
from simulator.state import SimulatorState, Submission, SubmissionKind, WebhookAttempt

log = logging.getLogger("simulator.webhooks")


def decision_reference(submission: Submission) -> str | None:
    """The platform's own id for its decision, as it files its statement of reasons
    in the DSA Transparency Database (the PUID)."""
    return f"SOR-{submission.reference}" if submission.decided_at else None


def payload(submission: Submission) -> dict[str, Any]:
    """The webhook body: exactly the fields of the contract (docs/simulator.md)."""
    at = submission.decided_at.isoformat() if submission.decided_at else None
    if submission.kind is SubmissionKind.NOTICE:
        return {
            "notice_id": submission.body.get("notice_id"),
            "idempotency_key": submission.idempotency_key,
            "reference": submission.reference,
            "decision": submission.status,
            "reason": submission.detail,
            "decided_at": at,
            "decision_reference": decision_reference(submission),
        }
    return {
        "referral_id": submission.body.get("referral_id"),
        "idempotency_key": submission.idempotency_key,
        "reference": submission.reference,
        "status": submission.status,
        "detail": submission.detail,
        "at": at,
    }


def webhook_url(state: SimulatorState, submission: Submission) -> str:
    configured = state.target(submission.target).config.webhook_url
    if configured:
        return configured
    family = "platforms" if submission.kind is SubmissionKind.NOTICE else "partners"
    return f"{state.config.webhook_base_url.rstrip('/')}/webhooks/{family}/{submission.target}"


def send_decision(state: SimulatorState, submission: Submission) -> None:
    """Start delivering the submission's current decision in the background."""
    url = webhook_url(state, submission)
    state.spawn(_deliver(state, submission, url, payload(submission)))


async def _deliver(
    state: SimulatorState, submission: Submission, url: str, body_obj: dict[str, Any]
) -> None:
    body = json.dumps(body_obj, separators=(",", ":")).encode()
    secret = state.config.webhook_secret.get_secret_value()
    pauses = state.config.webhook_retry_delays
    for attempt in range(1, len(pauses) + 2):
        # Signed afresh each time, so a late retry still fits the receiver's tolerance.
        headers = signed_headers(secret, int(time.time()), body)
        status_code: int | None = None
        error: str | None = None
        try:
            response = await _client(state).post(url, content=body, headers=headers)
            status_code = response.status_code
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        delivered = status_code is not None and 200 <= status_code < 300
        state.webhooks.append(
            WebhookAttempt(
                at=now_utc(),
                target=submission.target,
                kind=submission.kind,
                reference=submission.reference,
                url=url,
                attempt=attempt,
                status_code=status_code,
                error=error,
                delivered=delivered,
                payload=body_obj,
            )
        )
        if delivered:
            if state.journal is not None:
                state.journal.delivered(submission)
            return
        if attempt > len(pauses):
            break
        await asyncio.sleep(pauses[attempt - 1])
    log.warning("webhook gave up target=%s reference=%s", submission.target, submission.reference)


def _client(state: SimulatorState) -> httpx.AsyncClient:
    if state.http is None:
        state.http = httpx.AsyncClient(timeout=state.config.webhook_timeout_seconds)
    return state.http
