"""Checks every inbound channel webhook goes through, before anything is parsed:
the body's size (read no further than the limit), Meta's ``X-Hub-Signature-256``
(HMAC-SHA256 of the raw bytes with the app secret, compared in constant time) and the
subscription handshake (``hub.mode``, ``hub.verify_token``, ``hub.challenge``).

Plugins may use them too: ``read_webhook_body`` for a door, ``check_hmac_sha256`` for
any channel that signs its bodies the same way.
"""

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterable, Mapping
from typing import Any

from pydantic import SecretStr, ValidationError

from partners.channel_errors import (
    WebhookMalformed,
    WebhookSignatureInvalid,
    WebhookTokenMismatch,
    WebhookTooLarge,
)

# Meta documents webhook payloads of up to 3 MB; a body over the limit is refused unread.
DEFAULT_MAX_WEBHOOK_BYTES = 3 * 1024 * 1024
META_SIGNATURE_HEADER = "X-Hub-Signature-256"
_CHALLENGE = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")


def webhook_header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever the case of the mapping's keys."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def check_size(body: bytes, limit: int) -> None:
    if len(body) > limit:
        raise WebhookTooLarge(f"webhook body over {limit} bytes")


async def read_webhook_body(
    chunks: AsyncIterable[bytes], limit: int, content_length: str | None = None
) -> bytes:
    """The body, read no further than ``limit`` bytes: a declared or actual length
    over it raises :class:`WebhookTooLarge` before the rest is read."""
    if content_length is not None and content_length.strip().isdigit():
        if int(content_length) > limit:
            raise WebhookTooLarge(f"webhook body over {limit} bytes")
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise WebhookTooLarge(f"webhook body over {limit} bytes")
    return bytes(body)


def check_hmac_sha256(
    secret: SecretStr, body: bytes, headers: Mapping[str, str], name: str = META_SIGNATURE_HEADER
) -> None:
    """``<name>: sha256=<hex HMAC-SHA256 of body>`` or :class:`WebhookSignatureInvalid`."""
    given = webhook_header(headers, name)
    if not given:
        raise WebhookSignatureInvalid(f"no {name} header")
    expected = (
        "sha256=" + hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise WebhookSignatureInvalid(f"{name} does not match the body")


def answer_hub_handshake(query: Mapping[str, str], verify_token: SecretStr) -> str:
    """Meta's subscription check: the challenge to echo (plain text, 200) when the
    token is ours, else :class:`WebhookTokenMismatch` (403)."""
    given = query.get("hub.verify_token") or ""
    if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
        given.encode(), verify_token.get_secret_value().encode()
    ):
        raise WebhookTokenMismatch("verify token or mode does not match")
    challenge = query.get("hub.challenge") or ""
    if not _CHALLENGE.match(challenge):
        raise WebhookMalformed("hub.challenge missing or not a plain token")
    return challenge


def webhook_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or :class:`WebhookMalformed`."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookMalformed("the body is not JSON") from None
    if not isinstance(data, dict):
        raise WebhookMalformed("the body is not a JSON object")
    return data


def malformed(exc: ValidationError, what: str) -> WebhookMalformed:
    """A validation error as a refusal naming the fields, never their values."""
    places = sorted({".".join(str(p) for p in error["loc"]) for error in exc.errors()})
    shown = ", ".join(places[:5]) + (" ..." if len(places) > 5 else "")
    return WebhookMalformed(f"{what}: unexpected shape at {shown}")
