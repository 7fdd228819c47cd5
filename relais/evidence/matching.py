"""Has this image been seen in another case? SHA-256 (exact) or PDQ (near).

Where each lookup runs, and why:

- **SHA-256** in the app database: an equality on an indexed column, the same on
  SQLite and PostgreSQL.
- **PDQ** in memory (:class:`~relais.evidence.pdq_index.PdqIndex`, multi-index
  hashing): a Hamming-distance search has no portable index in either database
  (SQLite has no popcount; PostgreSQL's ``bit_count`` would still read every row),
  so the database stays the source of truth and each process keeps an index of it,
  loaded at start (about a second for a million hashes) and brought up to date
  before every search by reading only the rows added since (their ``seq``), which
  covers files added by other processes.

Only hashes of quality ``>= policy.pdq_min_quality`` (Meta: 50) are indexed or
searched; a weaker hash matches too much to mean anything. Hashes stay after a
case's purge (they are not the picture and cannot give it back), so a re-upload is
still recognised.
"""

import asyncio

import numpy as np

from domain.evidence import EvidenceHashes, EvidenceMatch, MatchedBy
from domain.policy import EvidencePolicy
from relais.db.repositories.evidence import EvidenceBook
from relais.evidence.pdq_index import PdqIndex, words_of_many

BULK = 1000  # more new rows than this are loaded in one go (at start)


class EvidenceMatcher:
    def __init__(self, book: EvidenceBook, policy: EvidencePolicy) -> None:
        self._book = book
        self._policy = policy
        self._index = PdqIndex()
        self._seen = 0  # highest seq read into the index
        self._lock = asyncio.Lock()

    @property
    def indexed(self) -> int:
        return len(self._index)

    async def refresh(self) -> int:
        """Read the rows added since the last call (all of them the first time);
        returns how many."""
        async with self._lock:
            seqs: list[int] = []
            hashes: list[str] = []
            while True:
                rows = await self._book.pdq_after(self._seen, self._policy.pdq_min_quality)
                if not rows:
                    break
                seqs.extend(seq for seq, _ in rows)
                hashes.extend(pdq for _, pdq in rows)
                self._seen = rows[-1][0]
            if len(seqs) > BULK:
                self._index.add_many(np.array(seqs, dtype=np.int64), words_of_many(hashes))
            else:
                for seq, pdq in zip(seqs, hashes, strict=True):
                    self._index.add(seq, pdq)
            return len(seqs)

    async def matches(self, hashes: EvidenceHashes, *, other_than_case: str) -> list[EvidenceMatch]:
        """Evidence of other cases with the same SHA-256 or a PDQ within the policy's
        distance, nearest first; one line per evidence."""
        found: dict[str, EvidenceMatch] = {}
        for evidence_id, case_id in await self._book.with_sha256(hashes.sha256):
            if case_id != other_than_case:
                found[evidence_id] = EvidenceMatch(
                    evidence_id=evidence_id,
                    case_id=case_id,
                    matched_by=MatchedBy.SHA256,
                    distance=0,
                )
        pdq = hashes.pdq
        if pdq is not None and pdq.quality >= self._policy.pdq_min_quality:
            await self.refresh()
            near = self._index.search(pdq.hex, self._policy.pdq_match_distance)
            owners = await self._book.by_seq([seq for seq, _ in near])
            for seq, distance in near:
                evidence_id, case_id = owners.get(seq, ("", other_than_case))
                if case_id != other_than_case and evidence_id not in found:
                    found[evidence_id] = EvidenceMatch(
                        evidence_id=evidence_id,
                        case_id=case_id,
                        matched_by=MatchedBy.PDQ,
                        distance=distance,
                    )
        return sorted(found.values(), key=lambda m: (m.distance, m.case_id, m.evidence_id))
