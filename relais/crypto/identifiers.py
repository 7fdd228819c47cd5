"""A person's identifier on a messaging channel (a WhatsApp number, a Messenger user
id, a web-chat returning token), kept only as a keyed hash: HMAC-SHA256 under a key
of the key store (scope ``identifiers:channels``, wrapped by the master key like every
data key). The same person on the same channel is always the same digest, so they are
recognised when they write again; the app database alone cannot tell who it is, nor
test a guessed number, without the key.

The key store hands out AES-256-GCM keys, never their bytes: the HMAC key is derived
from it by AES itself as a PRF (one fixed block under a fixed nonce, the only
plaintext this key ever encrypts), so it is the same in every process.
"""

import hashlib
import hmac

from relais.crypto.key_store import KeyStore

IDENTIFIER_SCOPE = "identifiers:channels"
_LABEL = b"relais/channel-identifier-hmac/1"  # 32 bytes: one derived key
_NONCE = bytes(12)


class IdentifierHasher:
    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys
        self._secrets: dict[str, bytes] = {}

    async def digest(self, channel: str, identifier: str) -> str:
        """The hex digest under which this person is known on ``channel``."""
        key = await self._keys.key_for_case(IDENTIFIER_SCOPE)
        secret = self._secrets.get(key.key_id)
        if secret is None:
            secret = key.aead.encrypt(_NONCE, _LABEL, None)[: len(_LABEL)]
            self._secrets[key.key_id] = secret
        message = f"relais/channel-identifier\0{channel}\0{identifier}".encode()
        return hmac.new(secret, message, hashlib.sha256).hexdigest()
