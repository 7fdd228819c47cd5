"""The identity provider's signing keys, fetched from its JWKS URL and cached.

Keys are refreshed every ``ttl`` seconds, and at once when a token names a key id
not seen yet (the provider rotated its keys) but at most every ``min_refresh``
seconds, so a flood of forged key ids cannot hammer the provider.
"""

import asyncio
import logging
import time
from typing import Any

import httpx
import jwt

log = logging.getLogger("relais.api.jwks")


class JwksCache:
    def __init__(
        self,
        url: str,
        *,
        ttl: float = 600.0,
        min_refresh: float = 30.0,
        timeout: float = 5.0,
    ) -> None:
        self._url = url
        self._ttl = ttl
        self._min_refresh = min_refresh
        self._timeout = timeout
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> Any | None:
        now = time.monotonic()
        stale = self._fetched_at is None or now - self._fetched_at > self._ttl
        unknown = kid not in self._keys
        may_refresh = self._fetched_at is None or now - self._fetched_at > self._min_refresh
        if stale or (unknown and may_refresh):
            await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        async with self._lock:
            try:
                async with httpx.AsyncClient(timeout=self._timeout) as http:
                    response = await http.get(self._url)
                    response.raise_for_status()
                    keys = jwt.PyJWKSet.from_dict(response.json()).keys
            except (httpx.HTTPError, jwt.PyJWTError, ValueError) as exc:
                # Keep the keys we had: the provider being down must not log everyone out.
                log.warning(
                    "JWKS refresh failed (%s); keeping %d keys", type(exc).__name__, len(self._keys)
                )
                self._fetched_at = time.monotonic()
                return
            self._keys = {key.key_id: key.key for key in keys if key.key_id}
            self._fetched_at = time.monotonic()
