"""A person's identifier on a messaging channel (a WhatsApp number, a Messenger user
id, a web-chat returning token), kept only as a keyed hash: HMAC-SHA256 under a key
of the key store (scope ``identifiers:channels``, wrapped by the master key like every
data key). The same person on the same channel is always the same digest, so they are
recognised when they write again; the app database alone cannot tell who it is, nor
test a guessed number, without the key.

The key store hands out AES-256-GCM keys, never their bytes: the HMAC key is derived
from it by AES itself as a PRF (one fixed block under a fixed nonce, the only
plaintext this key ever encrypts), so it is the same in every process.

Where to answer them (their identifier and the number or page they wrote to) is kept
too, for the counsellor's replies, but sealed (AES-256-GCM) under another key.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass

from relais.crypto.key_store import KeyStore
from relais.crypto.keyring import NONCE_BYTES
from relais.db.repositories.channel_contacts import SealedAddress

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


# ---- where to answer them: sealed, for the counsellor's replies --------------------------

ADDRESS_SCOPE = "identifiers:channel-addresses"  # a key of its own, never the hash's


@dataclass(frozen=True)
class ChannelAddress:
    """Where a counsellor's reply goes: the person's identifier on the channel and the
    helpline's number or page they wrote to. Personal data: sealed at rest."""

    recipient: str
    business_id: str


def _address_aad(channel: str) -> bytes:
    return f"relais/channel-address/{channel}".encode()


async def seal_address(
    keys: KeyStore, channel: str, address: ChannelAddress, scope: str = ADDRESS_SCOPE
) -> SealedAddress:
    """Sealed under the identifiers' address key, or ``scope``'s (a case's, once the
    conversation joined it: destroying the case's key makes it unreadable)."""
    key = await keys.key_for_case(scope)
    plaintext = json.dumps({"recipient": address.recipient, "business_id": address.business_id})
    nonce = os.urandom(NONCE_BYTES)
    sealed = nonce + key.aead.encrypt(nonce, plaintext.encode(), _address_aad(channel))
    return SealedAddress(key.key_id, sealed)


async def open_address(keys: KeyStore, channel: str, sealed: SealedAddress) -> ChannelAddress:
    key = await keys.key_by_id(sealed.key_id)
    nonce, body = sealed.sealed[:NONCE_BYTES], sealed.sealed[NONCE_BYTES:]
    data = json.loads(key.aead.decrypt(nonce, body, _address_aad(channel)))
    return ChannelAddress(recipient=data["recipient"], business_id=data["business_id"])
