"""When two requests under one ``Idempotency-Key`` are "the same request".

The same method, route template, path parameters, query and body, the body compared
as canonical JSON (keys sorted, no insignificant white space: a client that
re-serialises its retry still retries). A body that is not JSON is compared byte for
byte. Only digests leave this module: the database never holds a body, a key or a
caller's name (see ``relais.db.tables.IdempotencyKeyRow``).
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any


def key_digest(caller: str, key: str) -> str:
    """Keys are per caller: two counsellors may send the same key."""
    return _sha256("relais/idempotency-key", caller, key)


def canonical_body(body: bytes) -> bytes:
    if not body:
        return b""
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
) -> str:
    """A digest of the request. The key is hashed in with it: without the key (which
    a client makes random), the fingerprint of a short body cannot be guessed."""
    request = {
        "method": method.upper(),
        "route": route,
        "path": {name: str(value) for name, value in sorted(path_params.items())},
        "query": sorted(query),
        "body": hashlib.sha256(canonical_body(body)).hexdigest(),
    }
    return _sha256("relais/idempotent-request", key, json.dumps(request, sort_keys=True))


def _sha256(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
