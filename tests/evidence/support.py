"""Adding evidence through the API, and looking for bytes where they must not be: the
store (folder or bucket), the files under a folder, the app database."""

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from domain.policy import MB
from relais.db import Database
from relais.evidence.store import EvidenceStore
from tests.evidence.files import picture, png
from tests.support.client import auth
from tests.support.stack import Stack


async def add_evidence(
    stack: Stack, case_id: str, data: bytes, *, intimate: bool = False, name: str = "capture.png"
) -> dict[str, Any]:
    """A counsellor uploads ``data`` to the case through the API (201); its manifest line."""
    added = await stack.api.post(
        f"/cases/{case_id}/evidence",
        params={"intimate": str(intimate).lower()},
        files={"file": (name, data, "application/octet-stream")},
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert added.status_code == 201, added.text
    line: dict[str, Any] = added.json()
    return line


async def stored_bytes(store: EvidenceStore) -> bytes:
    """Every object in the store, raw, as the store holds them."""
    found = bytearray()
    for info in await store.keys():
        async for piece in store.raw(info.key):
            found += piece
    return bytes(found)


def folder_bytes(folder: Path) -> bytes:
    found = bytearray()
    for path in sorted(folder.rglob("*")) if folder.exists() else []:
        if path.is_file():
            found += path.read_bytes()
    return bytes(found)


async def database_bytes(database: Database) -> bytes:
    """SQLite: its files as on disk (database, WAL); PostgreSQL: every row of the
    tables evidence touches, as text."""
    if database.is_sqlite:
        path = Path(database.url.database or "")
        return b"".join(
            p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
        )
    rows = bytearray()
    async with database.engine.connect() as conn:
        for table in ("evidence", "audit_log", "case_keys"):
            result = await conn.execute(text(f"SELECT t::text FROM {table} t"))
            rows += "\n".join(r[0] for r in result).encode()
    return bytes(rows)


# The console's upload tests run with small limits, so that a file over them stays small.
SMALL_LIMITS = {"max_bytes": 2 * MB, "max_video_bytes": 3 * MB}


def refused_uploads(seed: int) -> list[tuple[bytes, str | None, int, str, str]]:
    """Files a console upload under ``SMALL_LIMITS`` refuses: (bytes, the intimate answer,
    status, the field named, the French words beside it). ``seed``: pictures of their own."""
    return [
        (b"x" * (2 * MB + 1), "no", 413, "file", "Le fichier est trop lourd : 2 Mo au plus (3 Mo"),
        (b"PK\x03\x04 a zip file", "no", 415, "file", "Ce type de fichier n'est pas accepté"),
        (png(picture(seed=seed))[:3000], "no", 422, "file", "Le fichier est incomplet"),
        (
            png(picture(seed=seed + 1)),
            None,
            422,
            "intimate",
            "Indiquez s'il s'agit d'une image intime.",
        ),
    ]
