"""Helpers of the simulated-Meta tests: Relais' side of Meta's webhooks (a receiver that
checks ``X-Hub-Signature-256`` with its own HMAC, not the simulator's code), a client
for the Graph API and the Meta control routes, and fast test settings."""

import hashlib
import hmac
import json
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

WHATSAPP_SECRET = "test-whatsapp-app-secret"
MESSENGER_SECRET = "test-messenger-app-secret"
WHATSAPP_TOKEN = "test-whatsapp-access-token"
PAGE_TOKEN = "test-messenger-page-token"
WHATSAPP_VERIFY = "test-whatsapp-verify-token"
MESSENGER_VERIFY = "test-messenger-verify-token"
PHONE_NUMBER_ID = "110000000003018"
PAGE_ID = "120000000003018"
WA_ID = "33612345678"
PSID = "7100000000000042"
GRAPH = "/v21.0"


def fast_meta(**overrides: Any) -> dict[str, Any]:
    """The ``meta`` config of the tests: own secrets, statuses within 0.1 s."""
    delays = {"sent": 0.01, "delivered": 0.03, "read": 0.06}
    meta: dict[str, Any] = {
        "whatsapp": {
            "app_secret": WHATSAPP_SECRET,
            "access_token": WHATSAPP_TOKEN,
            "verify_token": WHATSAPP_VERIFY,
            "status_delays": delays,
        },
        "messenger": {
            "app_secret": MESSENGER_SECRET,
            "access_token": PAGE_TOKEN,
            "verify_token": MESSENGER_VERIFY,
            "status_delays": {**delays, "sent": None},
        },
    }
    for channel, knobs in overrides.items():
        meta[channel] = {**meta[channel], **knobs}
    return meta


def expected_signature(secret: str, body: bytes) -> str:
    """Meta's X-Hub-Signature-256, computed here independently of the simulator."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    channel: str
    body: bytes
    headers: dict[str, str]

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class MetaReceiver:
    """Relais' webhook endpoints for Meta: verifies signatures, answers the handshake."""

    base_url: str = ""
    secrets: dict[str, str] = field(
        default_factory=lambda: {"whatsapp": WHATSAPP_SECRET, "messenger": MESSENGER_SECRET}
    )
    verify_tokens: dict[str, str] = field(
        default_factory=lambda: {"whatsapp": WHATSAPP_VERIFY, "messenger": MESSENGER_VERIFY}
    )
    received: list[Delivery] = field(default_factory=list)
    bad_signatures: int = 0
    answer_first: list[int] = field(default_factory=list)  # statuses of the first calls
    calls: int = 0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/inbound/channels/{channel}")
        async def webhook(channel: str, request: Request) -> Response:
            self.calls += 1
            body = await request.body()
            given = request.headers.get("X-Hub-Signature-256", "")
            if not hmac.compare_digest(expected_signature(self.secrets[channel], body), given):
                self.bad_signatures += 1
                return JSONResponse({"detail": "bad signature"}, status_code=401)
            if self.answer_first:
                return Response(status_code=self.answer_first.pop(0))
            self.received.append(Delivery(channel, body, dict(request.headers)))
            return Response(status_code=200)

        @app.get("/inbound/channels/{channel}")
        async def handshake(channel: str, request: Request) -> Response:
            params = request.query_params
            if (
                params.get("hub.mode") == "subscribe"
                and params.get("hub.verify_token") == self.verify_tokens[channel]
            ):
                return PlainTextResponse(params.get("hub.challenge", ""))
            return PlainTextResponse("verify token mismatch", status_code=403)

        return app

    def of(self, channel: str, kind: str | None = None) -> list[Delivery]:
        """What arrived on a channel; ``kind``: messages, statuses (WhatsApp) or the
        Messenger event key (message, delivery, read)."""
        found = [d for d in self.received if d.channel == channel]
        if kind is None:
            return found
        return [d for d in found if kind in _kinds(d.payload)]


def _kinds(payload: dict[str, Any]) -> set[str]:
    if payload.get("object") == "whatsapp_business_account":
        return set(payload["entry"][0]["changes"][0]["value"]) & {"messages", "statuses"}
    return set(payload["entry"][0]["messaging"][0]) & {"message", "delivery", "read"}


@dataclass
class Meta:
    """The simulator seen by a test: a young person's side (control) and Relais' side
    (the Graph API)."""

    http: httpx.AsyncClient

    async def write(self, channel: str, **message: Any) -> dict[str, Any]:
        message.setdefault("from", WA_ID if channel == "whatsapp" else PSID)
        response = await self.http.post(f"/_control/meta/{channel}/inbound", json=message)
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result

    async def configure(self, channel: str, **knobs: Any) -> dict[str, Any]:
        response = await self.http.put(f"/_control/meta/{channel}", json=knobs)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def send_whatsapp(
        self,
        body: dict[str, Any],
        *,
        token: str | None = WHATSAPP_TOKEN,
        node: str = PHONE_NUMBER_ID,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(f"{GRAPH}/{node}/messages", json=body, headers=headers)

    async def send_messenger(
        self, body: dict[str, Any], *, token: str | None = PAGE_TOKEN, node: str = "me"
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(f"{GRAPH}/{node}/messages", json=body, headers=headers)

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def received(self, channel: str, user: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.get(
            f"/_control/meta/{channel}/users/{user}/received"
        )
        return result


def whatsapp_text(text: str, reference: str | None = None, to: str = WA_ID) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": text},
    }
    if reference is not None:
        body["biz_opaque_callback_data"] = reference
    return body


def whatsapp_template(name: str = "reprise_contact", language: str = "fr") -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": WA_ID,
        "type": "template",
        "template": {"name": name, "language": {"code": language}},
        "biz_opaque_callback_data": f"tpl-{name}",
    }


def messenger_text(
    text: str, reference: str | None = None, messaging_type: str = "RESPONSE", **extra: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {"text": text}
    if reference is not None:
        message["metadata"] = reference
    return {"recipient": {"id": PSID}, "messaging_type": messaging_type, "message": message} | extra


def screenshot_png() -> bytes:
    """A small real PNG, as a test would upload a young person's screenshot."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes([200, 30, 30]) * 4 for _ in range(3))
    header = struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
