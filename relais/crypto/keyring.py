"""Master keys: they never touch a payload, they only wrap (encrypt) the data keys.

Several can be configured at once (``RELAIS_MASTER_KEYS``, id -> base64 AES-256 key):
the active one (``RELAIS_ACTIVE_MASTER_KEY``) wraps new data keys, the others still
unwrap the data keys they wrapped until ``python -m relais.crypto rewrap`` moved them
to the active one. That is master key rotation.
"""

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from relais.settings import Settings

NONCE_BYTES = 12
KEY_BYTES = 32


class KeyringError(ValueError):
    """A master key is missing, malformed or does not open what it should."""


def _aad(key_id: str) -> bytes:
    # Binds a wrapped key to its id: a wrapped key copied to another row won't open.
    return f"relais/data-key/{key_id}".encode()


@dataclass(frozen=True)
class MasterKeyring:
    keys: Mapping[str, bytes] = field(repr=False)
    active: str

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise KeyringError(
                f"active_master_key: '{self.active}' is not one of the master keys "
                f"({', '.join(sorted(self.keys)) or 'none'})"
            )
        for key_id, key in self.keys.items():
            if len(key) != KEY_BYTES:
                raise KeyringError(f"master_keys: '{key_id}' is not a 32-byte key")

    @classmethod
    def from_settings(cls, settings: Settings) -> "MasterKeyring":
        return cls.from_base64(settings.master_keys, settings.active_master_key)

    @classmethod
    def from_base64(cls, keys: Mapping[str, SecretStr | str], active: str) -> "MasterKeyring":
        decoded: dict[str, bytes] = {}
        for key_id, value in keys.items():
            raw = value.get_secret_value() if isinstance(value, SecretStr) else value
            try:
                decoded[key_id] = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise KeyringError(f"master_keys: '{key_id}' is not valid base64") from None
        return cls(keys=decoded, active=active)

    def wrap(self, key_id: str, data_key: bytes) -> tuple[str, bytes]:
        """The data key sealed by the active master key: (master key id, wrapped)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active]).encrypt(nonce, data_key, _aad(key_id))
        return self.active, nonce + sealed

    def unwrap(self, key_id: str, master_key_id: str, wrapped: bytes) -> bytes:
        master = self.keys.get(master_key_id)
        if master is None:
            raise KeyringError(
                f"data key {key_id} is wrapped by master key '{master_key_id}', which is "
                "not configured (keep it in RELAIS_MASTER_KEYS until `rewrap` has run)"
            )
        try:
            return AESGCM(master).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _aad(key_id)
            )
        except Exception as exc:  # InvalidTag: wrong key or tampered row
            raise KeyringError(f"data key {key_id} does not open with '{master_key_id}'") from exc


def new_master_key() -> str:
    """A fresh base64 master key, for ``python -m relais.crypto new-master-key``."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()
