"""Failure modes of a target, applied to its platform/partner endpoints.

Order: added latency, then outage (503), rate limiting (429), transient errors
(503). Then, for POSTs only: ``reject_with`` (a permanent error) before processing
and a lost response (500) after processing. One-shot knobs (``fail_next``,
``rate_limit_next``, ``lose_next_responses``) count down in the live config, so
``GET /_control/targets/{slug}`` shows what is left.
"""

import asyncio
import math
from dataclasses import dataclass

from simulator.basics import now_utc
from simulator.config import FaultScope
from simulator.state import Fault, TargetState


@dataclass(frozen=True)
class FaultAnswer:
    fault: Fault
    status: int
    detail: str
    retry_after: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


def _in_scope(target: TargetState, method: str) -> bool:
    scope = target.config.faults_on
    return scope is FaultScope.ALL or scope.value == method.lower()


def _draw(target: TargetState, rate: float) -> bool:
    """A seeded coin toss; no draw at all when the rate is 0, so runs stay repeatable."""
    return rate > 0 and target.rng.random() < rate


async def transient_fault(target: TargetState, method: str) -> FaultAnswer | None:
    """Latency, outage, 429 and 503 faults; ``None`` when the request goes through."""
    if not _in_scope(target, method):
        return None
    cfg = target.config
    target.requests_seen += 1
    if cfg.latency_ms:
        await asyncio.sleep(cfg.latency_ms / 1000)
    now = now_utc()
    if cfg.outage.is_down(now):
        until = cfg.outage.until
        retry_after = max(0, math.ceil((until - now).total_seconds())) if until else None
        return FaultAnswer(Fault.OUTAGE, 503, "service down for maintenance", retry_after)
    rate_limited = cfg.rate_limit_next > 0
    if rate_limited:
        cfg.rate_limit_next -= 1
    retry_after = cfg.retry_after_seconds
    if not rate_limited and cfg.rate_limit and target.requests_seen % cfg.rate_limit.every == 0:
        rate_limited, retry_after = True, cfg.rate_limit.retry_after_seconds
    if rate_limited or _draw(target, cfg.status_429_rate):
        return FaultAnswer(Fault.RATE_LIMITED, 429, "too many requests", retry_after)
    if cfg.fail_next > 0:
        cfg.fail_next -= 1
        return FaultAnswer(Fault.FAIL_NEXT, 503, "temporarily unavailable")
    if _draw(target, cfg.error_rate):
        return FaultAnswer(Fault.ERROR_RATE, 503, "temporarily unavailable")
    return None


def rejection(target: TargetState) -> FaultAnswer | None:
    """The permanent error every POST gets while ``reject_with`` is set."""
    cfg = target.config
    if cfg.reject_with is None:
        return None
    return FaultAnswer(Fault.REJECTED, cfg.reject_with, cfg.reject_reason)


def lose_response(target: TargetState) -> FaultAnswer | None:
    """After a POST was processed: whether its answer is lost on the way back."""
    cfg = target.config
    lost = cfg.lose_next_responses > 0
    if lost:
        cfg.lose_next_responses -= 1
    if lost or _draw(target, cfg.lose_response_rate):
        return FaultAnswer(Fault.LOST, 500, "response lost (the request was processed)")
    return None
