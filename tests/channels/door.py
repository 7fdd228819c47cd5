"""A webhook door for the channel adapters' own tests: what ``/inbound/channels/{slug}``
does, in a few lines, served over real HTTP so the simulator's Meta posts to it, and
keeping every parsed event for the tests to look at. The real door is
``api.routes.channel_inbound`` (tested on a whole stack in ``test_channel_door.py``).

GET answers the channel's handshake; POST reads the body no further than the limit,
hands it with its headers to ``channel.receive`` (size, signature, then parsing) and
answers the refusal's status, or 200 once the events are "stored" (here: kept in a
list). Event ids it has already seen are counted as duplicates, never kept twice.
"""

from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from domain.channel_messages import ChannelEvent, InboundBatch
from partners.channel_errors import WebhookRefused
from partners.channel_webhooks import DEFAULT_MAX_WEBHOOK_BYTES, read_webhook_body
from partners.errors import UnknownAdapterError
from partners.registry import AdapterRegistry


@dataclass
class Refusal:
    slug: str
    status: int
    error: str


@dataclass
class Door:
    registry: AdapterRegistry | None = None
    max_bytes: int = DEFAULT_MAX_WEBHOOK_BYTES
    base_url: str = ""
    batches: list[tuple[str, InboundBatch]] = field(default_factory=list)
    bodies: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    seen: dict[str, ChannelEvent] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/inbound/channels/{slug}")
        async def handshake(slug: str, request: Request) -> Response:
            try:
                channel = self._registry().conversation_channel(slug)
                challenge = channel.answer_handshake(dict(request.query_params))
            except UnknownAdapterError:
                return Response(status_code=404)
            except WebhookRefused as exc:
                self.refusals.append(Refusal(slug, exc.status, type(exc).__name__))
                return PlainTextResponse("refused", status_code=exc.status)
            return PlainTextResponse(challenge)

        @app.post("/inbound/channels/{slug}")
        async def webhook(slug: str, request: Request) -> Response:
            try:
                channel = self._registry().conversation_channel(slug)
                body = await read_webhook_body(
                    request.stream(), self.max_bytes, request.headers.get("content-length")
                )
                batch = channel.receive(body, request.headers)
            except UnknownAdapterError:
                return Response(status_code=404)
            except WebhookRefused as exc:
                self.refusals.append(Refusal(slug, exc.status, type(exc).__name__))
                return JSONResponse({"detail": str(exc)}, status_code=exc.status)
            self.bodies.append((slug, body, dict(request.headers)))
            self.batches.append((slug, batch))
            for event in batch.events:
                if event.event_id in self.seen:
                    self.duplicates.append(event.event_id)
                else:
                    self.seen[event.event_id] = event
            return Response(status_code=200)

        return app

    def _registry(self) -> AdapterRegistry:
        assert self.registry is not None, "the stack sets the registry once started"
        return self.registry

    def events(self, slug: str) -> list[ChannelEvent]:
        return [e for e in self.seen.values() if e.channel == slug]
