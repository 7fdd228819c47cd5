"""When two requests under one ``Idempotency-Key`` are "the same request".

The same method, route template, path parameters, query and body, the body compared
as canonical JSON (keys sorted, no insignificant white space: a client that
re-serialises its retry still retries). A multipart body (an evidence upload) is
compared with its boundary set aside (each send of a form picks a new one); any
other body byte for byte. Only digests leave this module: the database never holds
a body, a key or a caller's name (see ``relais.db.tables.IdempotencyKeyRow``).
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any


def key_digest(caller: str, key: str) -> str:
    """Keys are per caller: two counsellors may send the same key."""
    return _sha256("relais/idempotency-key", caller, key)


def canonical_body(body: bytes, content_type: str | None = None) -> bytes:
    if not body:
        return b""
    boundary = multipart_boundary(content_type)
    if boundary:  # a client picks a new boundary for each send of the same form
        return body.replace(b"--" + boundary, b"--relais-boundary")
    try:
        parsed: Any = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, too deep: the bytes
        return body
    return json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_fingerprint(
    key: str,
    method: str,
    route: str,
    path_params: Mapping[str, Any],
    query: Iterable[tuple[str, str]],
    body: bytes,
    content_type: str | None = None,
) -> str:
    """A digest of the request. The key is hashed in with it: without the key (which
    a client makes random), the fingerprint of a short body cannot be guessed."""
    request = {
        "method": method.upper(),
        "route": route,
        "path": {name: str(value) for name, value in sorted(path_params.items())},
        "query": sorted(query),
        "body": hashlib.sha256(canonical_body(body, content_type)).hexdigest(),
    }
    return _sha256("relais/idempotent-request", key, json.dumps(request, sort_keys=True))


def multipart_boundary(content_type: str | None) -> bytes | None:
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value.strip('"'):
            return value.strip('"').encode("latin-1", "replace")
    return None


def _sha256(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
