"""Evidence: matching an image against a million stored PDQ hashes, and taking in
5 MB screenshots, each beside a baseline measured in the same run.

1. **Matching**: fills a fresh SQLite app database with ``--hashes`` evidence rows
   (random PDQ hashes, quality 50-100), loads them into a process's matcher as the
   API would at start, then times ``EvidenceMatcher.matches`` for ``--queries``
   queries, half near copies of a stored hash (1 to 31 bits flipped) and half
   unrelated. Baseline: a plain linear scan of the same hashes (numpy's vectorised
   popcount over every hash), on the same queries; both must find the same hashes.
2. **Upload**: ``EvidenceIntake.receive`` of a 5 MB PNG screenshot (sniffed,
   SHA-256, decoded, PDQ, sanitised copy, both sealed with the case key, stored in
   a folder, recorded in SQLite): ``--uploads`` one after another, then as many
   again ``--concurrency`` at once. Baseline: SHA-256 and a plain write of the
   same bytes to a file (the floor of any upload).

    .venv/bin/python -m bench.pdq_match                 # 1,000,000 hashes
    .venv/bin/python -m bench.pdq_match --hashes 100000 --queries 100
"""

import argparse
import asyncio
import hashlib
import io
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import insert, text

from bench.cli import parse_args
from bench.common import percentile, print_table
from domain.evidence import (
    EvidenceChannel,
    EvidenceHashes,
    EvidenceKind,
    EvidenceRecord,
    PerceptualHash,
)
from domain.policy import EvidencePolicy
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring, new_master_key
from relais.db import Database
from relais.db.repositories.evidence import EvidenceBook
from relais.db.tables import EvidenceRow
from relais.evidence.intake import EvidenceIntake
from relais.evidence.matching import EvidenceMatcher
from relais.evidence.pdq_index import distances, words_of
from relais.evidence.store import EvidenceStore

BATCH = 20_000
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values), 2),
    }


def random_hashes(count: int, seed: int) -> np.ndarray:  # type: ignore[type-arg]
    return np.random.default_rng(seed).integers(0, 2**64, size=(count, 4), dtype=np.uint64)


def hex_of(row: np.ndarray) -> str:  # type: ignore[type-arg]
    return "".join(f"{int(word):016x}" for word in row)


async def fill(database: Database, hashes: np.ndarray) -> float:  # type: ignore[type-arg]
    started = time.perf_counter()
    rng = np.random.default_rng(1)
    for first in range(0, len(hashes), BATCH):
        rows = [
            {
                "evidence_id": f"ev-bench-{n}",
                "case_id": f"bench-c{n // 4}",
                "added_by": "bench",
                "added_at": NOW,
                "channel": "api",
                "kind": "png",
                "size": 1000,
                "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
                "pdq": hex_of(hashes[n]),
                "pdq_quality": int(rng.integers(50, 101)),
                "embedded_metadata": False,
                "intimate": False,
                "sanitised": True,
            }
            for n in range(first, min(first + BATCH, len(hashes)))
        ]
        async with database.session_factory.begin() as session:
            await session.execute(insert(EvidenceRow), rows)
    async with database.engine.begin() as conn:
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        await conn.execute(text("ANALYZE evidence"))
    return time.perf_counter() - started


def queries(hashes: np.ndarray, count: int) -> list[str]:  # type: ignore[type-arg]
    rng = np.random.default_rng(2)
    found: list[str] = []
    for n in range(count):
        if n % 2:
            found.append(hex_of(rng.integers(0, 2**64, size=4, dtype=np.uint64)))
            continue
        row = hashes[int(rng.integers(0, len(hashes)))].copy()
        for bit in rng.choice(256, int(rng.integers(1, 32)), replace=False):
            row[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
        found.append(hex_of(row))
    return found


async def measure_matching(database: Database, count: int, query_count: int) -> dict[str, Any]:
    hashes = random_hashes(count, seed=7)
    fill_s = await fill(database, hashes)
    policy = EvidencePolicy()
    book = EvidenceBook(database)
    matcher = EvidenceMatcher(book, policy)
    started = time.perf_counter()
    await matcher.refresh()
    load_s = time.perf_counter() - started
    assert matcher.indexed == count

    index_ms, search_ms, scan_ms, found = [], [], [], 0
    for query in queries(hashes, query_count):
        asked = EvidenceHashes(
            kind=EvidenceKind.PNG,
            size=1,
            sha256="0" * 64,
            pdq=PerceptualHash(hex=query, quality=90),
        )
        started = time.perf_counter()
        matches = await matcher.matches(asked, other_than_case="bench-none")
        index_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        matcher._index.search(query, policy.pdq_match_distance)
        search_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        near = np.flatnonzero(distances(hashes, words_of(query)) <= policy.pdq_match_distance)
        scan_ms.append((time.perf_counter() - started) * 1000)
        assert sorted(int(m.evidence_id.rsplit("-", 1)[1]) for m in matches) == sorted(
            int(n) for n in near
        ), "the index and the scan disagree"
        found += len(matches)
    return {
        "hashes": count,
        "queries": query_count,
        "matches_found": found,
        "fill_s": round(fill_s, 1),
        "index_load_s": round(load_s, 2),
        "index_ms": ms(index_ms),
        "index_search_only_ms": ms(search_ms),
        "linear_scan_ms": ms(scan_ms),
    }


def screenshot(target: int = 5_000_000) -> bytes:
    """A phone screenshot of about ``target`` bytes (PNG; a noisy photo in a feed)."""
    rng = np.random.default_rng(3)
    pixels = np.full((2532, 1170, 3), 245, dtype=np.uint8)
    rows = 1420
    pixels[300 : 300 + rows] = rng.integers(0, 255, (rows, 1170, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


async def measure_upload(folder: Path, uploads: int, concurrency: int) -> dict[str, Any]:
    database = Database(f"sqlite+aiosqlite:///{folder / 'relais.db'}")
    await database.create_schema()
    keyring = MasterKeyring.from_base64({"bench": new_master_key()}, "bench")
    book = EvidenceBook(database)
    intake = EvidenceIntake(
        store=EvidenceStore.local(folder / "evidence"),
        keys=DatabaseKeyStore(database, keyring),
        book=book,
        policy=EvidencePolicy(),
    )
    data = screenshot()

    async def one(n: int) -> float:
        async def stream():  # type: ignore[no-untyped-def]
            for start in range(0, len(data), 64 * 1024):
                yield data[start : start + 64 * 1024]

        started = time.perf_counter()
        got = await intake.receive(
            f"bench-case-{n % 5}", stream(), intimate=False, added_by="bench",
            channel=EvidenceChannel.API, at=NOW,
        )  # fmt: skip
        assert isinstance(got, EvidenceRecord)
        return (time.perf_counter() - started) * 1000

    def baseline(n: int) -> float:
        started = time.perf_counter()
        hashlib.sha256(data).hexdigest()
        (folder / f"plain-{n}").write_bytes(data)
        return (time.perf_counter() - started) * 1000

    try:
        one_by_one = [await one(n) for n in range(uploads)]
        started = time.perf_counter()
        together = await asyncio.gather(*(one(uploads + n) for n in range(concurrency)))
        wall_s = time.perf_counter() - started
        plain = [baseline(n) for n in range(uploads)]
    finally:
        await database.dispose()
    return {
        "screenshot_bytes": len(data),
        "uploads": uploads,
        "one_by_one_ms": ms(one_by_one),
        "concurrency": concurrency,
        "at_once_ms": ms(list(together)),
        "at_once_per_second": round(concurrency / wall_s, 2),
        "baseline_sha256_and_write_ms": ms(plain),
    }


async def run(hashes: int, query_count: int, uploads: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="relais-bench-pdq-") as tmp:
        database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'match.db'}")
        await database.create_schema()
        try:
            matching = await measure_matching(database, hashes, query_count)
        finally:
            await database.dispose()
        upload = await measure_upload(Path(tmp), uploads, concurrency)
    return {"matching": matching, "upload": upload}


SMOKE = {"hashes": 10_000, "queries": 10, "uploads": 2, "concurrency": 2}  # --smoke


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hashes", type=int, default=1_000_000, help="stored PDQ hashes")
    parser.add_argument("--queries", type=int, default=200, help="match queries (200)")
    parser.add_argument("--uploads", type=int, default=20, help="screenshots one by one (20)")
    parser.add_argument("--concurrency", type=int, default=20, help="screenshots at once (20)")
    args = parse_args(parser, argv, SMOKE)
    result = asyncio.run(run(args.hashes, args.queries, args.uploads, args.concurrency))
    m, u = result["matching"], result["upload"]
    print_table(
        f"Evidence: PDQ match against {m['hashes']:,} hashes; 5 MB screenshot uploads",
        [
            (
                "match p95",
                f"{m['index_ms']['p95']} ms (p50 {m['index_ms']['p50']}): SHA-256 lookup, "
                f"index refresh, PDQ index, owners read; the PDQ index alone "
                f"{m['index_search_only_ms']['p95']} ms",
            ),
            (
                "linear scan p95",
                f"{m['linear_scan_ms']['p95']} ms (p50 {m['linear_scan_ms']['p50']})",
            ),
            ("index loaded", f"{m['index_load_s']} s; database filled in {m['fill_s']} s"),
            ("upload p95", f"{u['one_by_one_ms']['p95']} ms one by one ({u['uploads']})"),
            (
                f"{u['concurrency']} at once",
                f"p95 {u['at_once_ms']['p95']} ms, {u['at_once_per_second']} uploads/s",
            ),
            ("baseline sha256+write", f"p95 {u['baseline_sha256_and_write_ms']['p95']} ms"),
        ],
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
