"""Data keys, one per case: created on first use, cached, destroyed at the purge.

A data key is a random AES-256 key; it is stored only wrapped by a master key (see
:mod:`relais.crypto.keyring`). Payloads with no case (a workflow outside any case)
use the global data key, scope ``*``, wrapped the same way. A conversation not yet
linked to a case has a key of its own, scope ``conversation:<id>`` (its transcript
only, see :mod:`relais.crypto.transcripts`).

:class:`KeyStore` holds the logic and the cache; subclasses only store rows: in
memory (tests, tools) or in the app database (:mod:`relais.crypto.db_key_store`).
The cache is per process and short-lived (``RELAIS_KEY_CACHE_SECONDS``): a key
destroyed by another process stops opening payloads here within that time.
"""

import os
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from relais.clock import utc_now
from relais.crypto.keyring import KEY_BYTES, NONCE_BYTES, MasterKeyring

GLOBAL_SCOPE = "*"
CONVERSATION_SCOPE = "conversation:"
T = TypeVar("T")


def conversation_scope(conversation_id: str) -> str:
    """The key scope of a conversation not (yet) linked to a case: its transcript is
    sealed with this key until linked, then moved under the case's and this one is
    destroyed. It never seals a workflow payload (no workflow id maps to it)."""
    return f"{CONVERSATION_SCOPE}{conversation_id}"


class KeyDestroyed(Exception):
    """The case's key was destroyed at the retention purge: its payloads are gone."""

    def __init__(self, key_id: str | None, case_id: str) -> None:
        super().__init__(f"the data key of case {case_id} was destroyed (case purged)")
        self.key_id = key_id
        self.case_id = case_id


class UnknownKey(Exception):
    """No data key by that id (another deployment's payload, or a corrupt one)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no data key {key_id}")
        self.key_id = key_id


@dataclass(frozen=True)
class KeyRecord:
    """A stored row: the wrapped key, or a tombstone once destroyed."""

    key_id: str
    case_id: str
    wrapped_key: bytes | None
    master_key_id: str | None
    created_at: datetime
    destroyed_at: datetime | None = None


@dataclass(frozen=True)
class DataKey:
    key_id: str
    case_id: str
    aead: AESGCM = field(repr=False)

    def seal(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.aead.encrypt(nonce, plaintext, self.key_id.encode())

    def open(self, sealed: bytes) -> bytes:
        return self.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], self.key_id.encode())


class KeyStore(ABC):
    def __init__(
        self,
        keyring: MasterKeyring,
        *,
        cache_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keyring = keyring
        self._ttl = cache_seconds
        self._clock = clock
        self._keys: dict[str, tuple[float, DataKey]] = {}  # key id -> key
        self._case_keys: dict[str, tuple[float, str]] = {}  # case id -> key id
        self._destroyed: dict[str, tuple[float, str]] = {}  # key id -> case id

    # ---- storage, per backend --------------------------------------------------------

    @abstractmethod
    async def _find_by_case(self, case_id: str) -> KeyRecord | None: ...

    @abstractmethod
    async def _find_by_id(self, key_id: str) -> KeyRecord | None: ...

    @abstractmethod
    async def _insert_if_absent(self, record: KeyRecord) -> bool:
        """Store ``record`` unless the case has a row already (a concurrent creator
        won); True when ``record`` was stored."""

    @abstractmethod
    async def _destroy(self, case_id: str, tombstone: KeyRecord) -> bool:
        """Wipe the case's wrapped key and stamp it destroyed (or store ``tombstone``
        when the case never had a key). True when a live key was destroyed."""

    @abstractmethod
    async def _wrapped_by_other_masters(self, active: str) -> list[KeyRecord]: ...

    @abstractmethod
    async def _store_wrapped(self, key_id: str, master_key_id: str, wrapped: bytes) -> None: ...

    # ---- the keys ----------------------------------------------------------------------

    async def key_for_case(self, case_id: str) -> DataKey:
        """The case's data key, created on first use; :class:`KeyDestroyed` once purged."""
        cached = self._fresh(self._case_keys.get(case_id))
        if cached is not None:
            key = self._fresh(self._keys.get(cached))
            if key is not None:
                return key
        record = await self._find_by_case(case_id)
        if record is None:
            # A new case: the key made here is the case's unless a concurrent
            # creator stored one first (then that one is read back). Opening a case
            # is one read and one write, not a second read.
            created = self._new_record(case_id)
            if await self._insert_if_absent(created):
                return self._remember(created)
            record = await self._find_by_case(case_id)
            assert record is not None, "a key row was just stored"
        return self._remember(record)

    async def key_for_conversation(self, conversation_id: str) -> DataKey:
        """The conversation's own key (before it is linked to a case), made on first
        use; :class:`KeyDestroyed` once linked and retired, or purged."""
        return await self.key_for_case(conversation_scope(conversation_id))

    async def destroy_conversation_key(self, conversation_id: str) -> bool:
        return await self.destroy_case_key(conversation_scope(conversation_id))

    async def key_by_id(self, key_id: str) -> DataKey:
        """The key a payload names; :class:`KeyDestroyed` or :class:`UnknownKey` if none."""
        key = self._fresh(self._keys.get(key_id))
        if key is not None:
            return key
        dead = self._fresh(self._destroyed.get(key_id))
        if dead is not None:
            raise KeyDestroyed(key_id, dead)
        record = await self._find_by_id(key_id)
        if record is None:
            raise UnknownKey(key_id)
        return self._remember(record)

    async def case_of_key(self, key_id: str) -> str:
        """Which case a key belongs to (also once destroyed): for authorisation."""
        for entry in (self._keys.get(key_id), self._destroyed.get(key_id)):
            if entry is not None:
                value = entry[1]
                return value.case_id if isinstance(value, DataKey) else value
        record = await self._find_by_id(key_id)
        if record is None:
            raise UnknownKey(key_id)
        return record.case_id

    async def destroy_case_key(self, case_id: str) -> bool:
        """Crypto-shredding: the case's payloads, wherever they are copied (history,
        backups, exports), no longer open. Idempotent; True when a live key went."""
        tombstone = KeyRecord(
            key_id=f"destroyed-{secrets.token_hex(8)}",
            case_id=case_id,
            wrapped_key=None,
            master_key_id=None,
            created_at=utc_now(),
            destroyed_at=utc_now(),
        )
        destroyed = await self._destroy(case_id, tombstone)
        cached = self._case_keys.pop(case_id, None)
        if cached is not None:
            self._keys.pop(cached[1], None)
            self._destroyed[cached[1]] = (self._clock() + self._ttl, case_id)
        return destroyed

    async def rewrap(self) -> int:
        """Re-wrap every live data key under the active master key (master key
        rotation); returns how many moved. Old master keys can go afterwards."""
        moved = 0
        for record in await self._wrapped_by_other_masters(self.keyring.active):
            assert record.wrapped_key is not None and record.master_key_id is not None
            plain = self.keyring.unwrap(record.key_id, record.master_key_id, record.wrapped_key)
            master_id, wrapped = self.keyring.wrap(record.key_id, plain)
            await self._store_wrapped(record.key_id, master_id, wrapped)
            moved += 1
        return moved

    def forget(self) -> None:
        """Drop the cache (tests; or after a key was destroyed elsewhere)."""
        self._keys.clear()
        self._case_keys.clear()
        self._destroyed.clear()

    def remember(self, record: KeyRecord) -> None:
        """Cache a key the caller stored itself (and committed)."""
        self._remember(record)

    # ---- helpers -----------------------------------------------------------------------

    def _new_record(self, case_id: str) -> KeyRecord:
        key_id = secrets.token_hex(16)
        master_id, wrapped = self.keyring.wrap(key_id, AESGCM.generate_key(KEY_BYTES * 8))
        return KeyRecord(key_id, case_id, wrapped, master_id, created_at=utc_now())

    def _remember(self, record: KeyRecord) -> DataKey:
        expires = self._clock() + self._ttl
        if record.destroyed_at is not None or record.wrapped_key is None:
            self._destroyed[record.key_id] = (expires, record.case_id)
            raise KeyDestroyed(record.key_id, record.case_id)
        assert record.master_key_id is not None
        plain = self.keyring.unwrap(record.key_id, record.master_key_id, record.wrapped_key)
        key = DataKey(record.key_id, record.case_id, AESGCM(plain))
        self._keys[record.key_id] = (expires, key)
        self._case_keys[record.case_id] = (expires, record.key_id)
        return key

    def _fresh(self, entry: tuple[float, T] | None) -> T | None:
        if entry is None or entry[0] < self._clock():
            return None
        return entry[1]


class InMemoryKeyStore(KeyStore):
    """Keys kept in this process only: for tests and tools. Payloads sealed here are
    unreadable by any other process, and by this one once it exits."""

    def __init__(self, keyring: MasterKeyring, *, cache_seconds: float = 60.0) -> None:
        super().__init__(keyring, cache_seconds=cache_seconds)
        self._rows: dict[str, KeyRecord] = {}  # case id -> record

    async def _find_by_case(self, case_id: str) -> KeyRecord | None:
        return self._rows.get(case_id)

    async def _find_by_id(self, key_id: str) -> KeyRecord | None:
        return next((r for r in self._rows.values() if r.key_id == key_id), None)

    async def _insert_if_absent(self, record: KeyRecord) -> bool:
        return self._rows.setdefault(record.case_id, record) is record

    async def _destroy(self, case_id: str, tombstone: KeyRecord) -> bool:
        record = self._rows.get(case_id)
        if record is None:
            self._rows[case_id] = tombstone
            return False
        self._rows[case_id] = replace(
            record, wrapped_key=None, destroyed_at=record.destroyed_at or utc_now()
        )
        return record.destroyed_at is None

    async def _wrapped_by_other_masters(self, active: str) -> list[KeyRecord]:
        return [
            r
            for r in self._rows.values()
            if r.wrapped_key is not None and r.master_key_id != active
        ]

    async def _store_wrapped(self, key_id: str, master_key_id: str, wrapped: bytes) -> None:
        for case_id, record in self._rows.items():
            if record.key_id == key_id:
                self._rows[case_id] = replace(
                    record, wrapped_key=wrapped, master_key_id=master_key_id
                )
