"""HMAC signature of webhook bodies, as Relais verifies them.

``X-Relais-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw_body}")>``
with ``X-Relais-Timestamp: <unix seconds>``. Signing the timestamp with the body
lets the receiver refuse replays older than its tolerance.
"""

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Relais-Timestamp"
SIGNATURE_HEADER = "X-Relais-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    """Constant-time check of a received signature (used by the tests' receiver)."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), given)
