"""Meta's webhook signatures: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
body, keyed with the app secret>`` (and the legacy SHA-1 ``X-Hub-Signature``).

Meta signs the body only: no timestamp, so a captured request replays as is. A receiver
must compare the header in constant time against its own HMAC of the bytes it read.
"""

import hashlib
import hmac

SIGNATURE_256_HEADER = "X-Hub-Signature-256"
SIGNATURE_SHA1_HEADER = "X-Hub-Signature"
USER_AGENT = "facebookexternalua"


def signature_256(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_sha1(app_secret: str, body: bytes) -> str:
    return "sha1=" + hmac.new(app_secret.encode(), body, hashlib.sha1).hexdigest()


def signed_headers(app_secret: str, body: bytes, fixed_256: str | None = None) -> dict[str, str]:
    """What Meta sends with a webhook; ``fixed_256``: a captured signature, replayed."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_SHA1_HEADER: signature_sha1(app_secret, body),
        SIGNATURE_256_HEADER: fixed_256 or signature_256(app_secret, body),
    }


def verify(app_secret: str, body: bytes, given: str) -> bool:
    """Constant-time check of ``X-Hub-Signature-256`` (what Relais must do)."""
    return hmac.compare_digest(signature_256(app_secret, body), given)
