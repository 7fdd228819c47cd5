"""Where the encrypted evidence objects live: a folder or an S3-compatible bucket,
through one library, obstore (Rust's ``object_store``, by Development Seed).

Why obstore: one API for a local folder (``LocalStore``) and S3-compatible buckets
(``S3Store``: AWS, SeaweedFS, MinIO, Garage, Scaleway...), typed, well kept, with
atomic single puts (a local put writes a staging file then renames it; an S3 put is
one request) and multipart uploads for large objects. fsspec/s3fs would need two
libraries with different behaviour; aioboto3 does not do a folder; opendal shares
obstore's runtime model with a smaller following.

Its **synchronous** calls are run in threads (``asyncio.to_thread``), on purpose:
its async calls complete Python futures from Rust's tokio threads, and on Python
before 3.14 one of those threads can still be waking the event loop while the
interpreter exits, which aborts the process (SIGABRT, exit 134: seen in about one
run in three with a multipart upload to SeaweedFS here; pyo3-async-runtimes issue
40). The blocking calls keep tokio's threads away from Python objects; the same
30 runs were all clean.

Object keys are opaque random ids, never a file name, a case id or an evidence id.
"""

import asyncio
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import obstore
from obstore.store import LocalStore, S3Store

from relais.settings import EvidenceStoreKind, Settings

if TYPE_CHECKING:
    from obstore import WritableFile

OBJECTS = "objects/"
INCOMING = "incoming/"  # large uploads land here, then move under OBJECTS when complete
PART_BYTES = 8 * 1024 * 1024


def new_object_id() -> str:
    return secrets.token_hex(16)


class StoreNotConfigured(ValueError):
    """The settings name an S3 store without saying where it is."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int


class EvidenceStore:
    """Objects by id: put whole, upload streamed, read by range, delete, list."""

    def __init__(self, store: LocalStore | S3Store, *, where: str) -> None:
        self._store = store
        self.where = where  # for logs and errors: never a secret

    @classmethod
    def local(cls, folder: Path) -> "EvidenceStore":
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(LocalStore(folder, mkdir=True), where=f"folder {folder}")

    @classmethod
    def s3(
        cls,
        *,
        bucket: str,
        endpoint: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        allow_http: bool = False,
    ) -> "EvidenceStore":
        store = S3Store(
            bucket,
            endpoint=endpoint,
            region=region,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            virtual_hosted_style_request=False,
            client_options={"allow_http": allow_http},
        )
        return cls(store, where=f"bucket {bucket} at {endpoint or 'AWS ' + region}")

    @classmethod
    def from_settings(cls, settings: Settings) -> "EvidenceStore":
        if settings.evidence_store is EvidenceStoreKind.FOLDER:
            return cls.local(settings.evidence_folder())
        if not settings.evidence_s3_bucket:
            raise StoreNotConfigured("evidence_s3_bucket: required when evidence_store is s3")
        key_id, secret = settings.evidence_s3_access_key_id, settings.evidence_s3_secret_access_key
        return cls.s3(
            bucket=settings.evidence_s3_bucket,
            endpoint=settings.evidence_s3_endpoint,
            region=settings.evidence_s3_region,
            access_key_id=key_id.get_secret_value() if key_id else None,
            secret_access_key=secret.get_secret_value() if secret else None,
            allow_http=settings.evidence_s3_allow_http,
        )

    # ---- writing ------------------------------------------------------------------------

    async def put(self, object_id: str, data: bytes) -> None:
        """The whole object at once: it appears complete or not at all."""
        await asyncio.to_thread(obstore.put, self._store, OBJECTS + object_id, data)

    def upload(self, object_id: str) -> "Upload":
        """A streamed upload (a video): parts go to a temporary key, and ``commit``
        moves the complete object under its id; ``abort`` leaves nothing behind."""
        return Upload(self, object_id)

    # ---- reading ------------------------------------------------------------------------

    async def size(self, object_id: str) -> int:
        meta = await asyncio.to_thread(obstore.head, self._store, OBJECTS + object_id)
        return int(meta["size"])

    async def read(self, object_id: str, start: int, end: int) -> bytes:
        data = await asyncio.to_thread(
            obstore.get_range, self._store, OBJECTS + object_id, start=start, end=end
        )
        return bytes(data)

    async def exists(self, object_id: str) -> bool:
        try:
            await self.size(object_id)
        except FileNotFoundError:
            return False
        return True

    # ---- deleting and listing ----------------------------------------------------------------

    async def delete(self, object_id: str) -> None:
        """Idempotent: an object already gone is fine."""
        await self._delete_key(OBJECTS + object_id)

    async def _delete_key(self, key: str) -> None:
        try:
            await asyncio.to_thread(obstore.delete, self._store, key)
        except FileNotFoundError:
            pass

    async def keys(self) -> list[ObjectInfo]:
        """Every object, finished or incoming (tests, and the purge's checks)."""

        def collect() -> list[ObjectInfo]:
            found: list[ObjectInfo] = []
            for batch in obstore.list(self._store):
                found.extend(ObjectInfo(str(m["path"]), int(m["size"])) for m in batch)
            return found

        return await asyncio.to_thread(collect)

    async def raw(self, key: str) -> AsyncIterator[bytes]:
        """Raw stored bytes of a key as listed by :meth:`keys` (tests scan them)."""
        size = int((await asyncio.to_thread(obstore.head, self._store, key))["size"])
        for start in range(0, size, PART_BYTES):
            end = min(start + PART_BYTES, size)
            got = await asyncio.to_thread(obstore.get_range, self._store, key, start=start, end=end)
            yield bytes(got)


class Upload:
    """One streamed object: ``write`` parts, then ``commit`` or ``abort``."""

    def __init__(self, store: EvidenceStore, object_id: str) -> None:
        self._store = store
        self.object_id = object_id
        self._temporary = INCOMING + new_object_id()
        self._writer: WritableFile | None = None
        self._written = 0

    async def write(self, data: bytes) -> None:
        if not data:
            return
        if self._writer is None:
            self._writer = await asyncio.to_thread(
                obstore.open_writer, self._store._store, self._temporary, buffer_size=PART_BYTES
            )
        await asyncio.to_thread(self._writer.write, data)
        self._written += len(data)

    async def commit(self) -> None:
        if self._writer is None:
            raise ValueError("nothing was written")
        await asyncio.to_thread(self._writer.close)
        self._writer = None
        await asyncio.to_thread(
            obstore.rename,
            self._store._store,
            self._temporary,
            OBJECTS + self.object_id,
        )

    async def abort(self) -> None:
        """Drop what was written. An S3 multipart upload never completed leaves no
        object (its parts go with the bucket's abort-incomplete-uploads rule); a
        temporary object already completed is deleted."""
        self._writer = None
        await self._store._delete_key(self._temporary)
        await self._store.delete(self.object_id)
