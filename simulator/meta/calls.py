"""What every Graph API request shares: the channel's faults, the access token, Meta's
error answers, and a line in ``GET /_control/meta/requests`` (never a body).

Order of a request's checks: added latency, outage (Meta's 503, or the connection cut),
rate limits (a storm window, then ``rate_limit_next``), ``fail_next`` (transient 500s),
then the access token, then the endpoint's own validation.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import replace
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from simulator.basics import now_utc
from simulator.meta import errors
from simulator.meta.config import Channel, FaultScope, OutageAnswer
from simulator.meta.connections import cut
from simulator.meta.errors import GraphError
from simulator.meta.host import SimulatorState
from simulator.meta.state import GraphRequest, SentMessage

log = logging.getLogger("simulator.meta")


class GraphCall:
    """One request on the simulated Graph API, recorded once answered."""

    def __init__(
        self, state: SimulatorState, request: Request, channel: Channel | None, kind: str
    ) -> None:
        self.state = state
        self.request = request
        self.channel = channel
        self.kind = kind

    def answer(
        self,
        status: int,
        content: Any,
        *,
        fault: str | None = None,
        error_code: int | None = None,
        message_id: str | None = None,
        reference: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> JSONResponse:
        self.note(status, fault, error_code, message_id, reference)
        return JSONResponse(content, status_code=status, headers=headers)

    def note(
        self,
        status: int,
        fault: str | None = None,
        error_code: int | None = None,
        message_id: str | None = None,
        reference: str | None = None,
    ) -> None:
        self.state.meta.requests.append(
            GraphRequest(
                at=now_utc(),
                channel=self.channel,
                method=self.request.method,
                path=self.request.url.path,
                kind=self.kind,
                status=status,
                fault=fault,
                error_code=error_code,
                message_id=message_id,
                reference=reference,
            )
        )
        channel = self.channel.value if self.channel else "-"
        log.info(
            "%s %s channel=%s kind=%s status=%s fault=%s",
            self.request.method,
            self.request.url.path,
            channel,
            self.kind,
            status,
            fault or "-",
        )

    def error(self, error: GraphError, fault: str | None = None) -> JSONResponse:
        channel = self.channel or Channel.WHATSAPP
        return self.answer(
            error.status,
            error.body(channel),
            fault=fault or "error",
            error_code=error.code,
            headers=error.headers,
        )

    async def faults(self) -> Response | None:
        """The channel's transient faults; ``None`` when the request goes through."""
        if self.channel is None:
            return None
        config = self.state.meta.channel(self.channel)
        scope = config.faults_on
        if scope is not FaultScope.ALL and scope.value != self.request.method.lower():
            return None
        if config.latency_ms:
            await asyncio.sleep(config.latency_ms / 1000)
        now = now_utc()
        if config.outage.is_on(now):
            if config.outage.answer is OutageAnswer.RESET and await cut(self.request):
                self.note(0, fault="connection_reset")
                return Response(status_code=503)  # never reaches the caller
            until = config.outage.until
            retry_after = max(0, math.ceil((until - now).total_seconds())) if until else None
            outage = replace(errors.unavailable(), retry_after=retry_after)
            return self.error(outage, fault="outage")
        limited = config.rate_limit_window.is_on(now)
        if not limited and config.rate_limit_next > 0:
            config.rate_limit_next -= 1
            limited = True
        if limited:
            error = errors.rate_limited(
                self.channel, config.rate_limit_code, config.retry_after_seconds
            )
            return self.error(error, fault="rate_limited")
        if config.fail_next > 0:
            config.fail_next -= 1
            return self.error(errors.transient(self.channel), fault="fail_next")
        return None

    def bearer(self) -> str | None:
        """The access token: ``Authorization: Bearer`` or the ``access_token`` parameter."""
        header = self.request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        return self.request.query_params.get("access_token") or None

    def token_refused(self, expected: str) -> JSONResponse | None:
        given = self.bearer()
        if given is None:
            return self.error(errors.no_token(), fault="no_token")
        if given != expected:
            return self.error(errors.bad_token(self.channel or Channel.WHATSAPP), "bad_token")
        return None

    async def lost(self, sent: SentMessage) -> JSONResponse | None:
        """``lose_next_responses``: the message is stored and will be delivered, but the
        answer is a 500 (after ``lost_response_delay_seconds``: a timeout to the caller)."""
        if self.channel is None:
            return None
        config = self.state.meta.channel(self.channel)
        if config.lose_next_responses <= 0:
            return None
        config.lose_next_responses -= 1
        if config.lost_response_delay_seconds:
            await asyncio.sleep(config.lost_response_delay_seconds)
        error = errors.transient(self.channel)
        return self.answer(
            error.status,
            error.body(self.channel),
            fault="lost_response",
            error_code=error.code,
            message_id=sent.message_id,
            reference=sent.reference,
        )
