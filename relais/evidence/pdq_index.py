"""PDQ hashes searched by Hamming distance in memory: multi-index hashing (Norouzi,
Punjani and Fleet, 2012), the way Meta's own ``mih-query`` does it.

The 256 bits are cut into 16 segments of 16 bits. Two hashes within distance ``r``
differ by at most ``r // 16`` bits in at least one segment (pigeonhole: 16 segments
with ``r // 16 + 1`` differing bits each would make ``r + 16 > r``). So for
``r = 31`` a query looks up, in each segment's sorted table, its own segment value
and its 16 one-bit neighbours (272 probes, two binary searches each), and computes the full distance
of those candidates only; a linear scan computes it for every stored hash.

Storage: for N hashes, 32 bytes each, their keys (8 bytes), and per segment a
sorted copy of the segment (2 bytes) with its order (4 bytes): about 140 bytes a
hash, 140 MB for a million. New hashes wait in a small side list (scanned) until it
holds ``max(4096, N / 64)`` of them; then the tables are rebuilt (about a second
for a million, numpy's sort).
"""

from itertools import combinations

import numpy as np
import numpy.typing as npt

SEGMENTS = 16
SEGMENT_BITS = 16
WORDS = 4  # 256 bits as four 64-bit words, most significant first

Hashes = npt.NDArray[np.uint64]  # shape (N, 4)


def words_of(hex_hash: str) -> Hashes:
    """A 64-hex-digit PDQ hash as one row of four 64-bit words."""
    if len(hex_hash) != 64:
        raise ValueError("a PDQ hash is 64 hex digits")
    return np.array([[int(hex_hash[i : i + 16], 16) for i in range(0, 64, 16)]], dtype=np.uint64)


def words_of_many(hex_hashes: list[str]) -> Hashes:
    """Many hashes at once (loading a million at start)."""
    raw = bytes.fromhex("".join(hex_hashes))
    if len(raw) != 32 * len(hex_hashes):
        raise ValueError("a PDQ hash is 64 hex digits")
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(len(hex_hashes), WORDS)


def distances(stored: Hashes, query: Hashes) -> npt.NDArray[np.int64]:
    """Hamming distance from ``query`` (one row) to every row of ``stored``: the plain
    linear scan, vectorised (numpy's popcount)."""
    counts = np.bitwise_count(np.bitwise_xor(stored, query))
    summed: npt.NDArray[np.int64] = counts.sum(axis=1, dtype=np.int64)
    return summed


def _segments(hashes: Hashes) -> npt.NDArray[np.uint16]:
    """(N, 16) segment values: segment s is bits of word s // 4, high to low."""
    shifts = np.array([48, 32, 16, 0], dtype=np.uint64)
    parts = (hashes[:, :, None] >> shifts[None, None, :]) & np.uint64(0xFFFF)
    return parts.reshape(len(hashes), SEGMENTS).astype(np.uint16)


def _neighbours(value: int, radius: int) -> npt.NDArray[np.uint16]:
    found = [value]
    for r in range(1, radius + 1):
        for bits in combinations(range(SEGMENT_BITS), r):
            flipped = value
            for bit in bits:
                flipped ^= 1 << bit
            found.append(flipped)
    return np.array(sorted(found), dtype=np.uint16)


class PdqIndex:
    """Hashes with an integer key each (the evidence row's sequence number)."""

    def __init__(self) -> None:
        self._hashes: Hashes = np.zeros((0, WORDS), dtype=np.uint64)
        self._keys = np.zeros(0, dtype=np.int64)
        self._sorted: list[npt.NDArray[np.uint16]] = []
        self._order: list[npt.NDArray[np.int32]] = []
        self._new_hashes: list[Hashes] = []
        self._new_keys: list[int] = []

    def __len__(self) -> int:
        return len(self._keys) + len(self._new_keys)

    def add(self, key: int, hex_hash: str) -> None:
        self._new_hashes.append(words_of(hex_hash))
        self._new_keys.append(key)
        if len(self._new_keys) >= max(4096, len(self._keys) // 64):
            self._rebuild()

    def add_many(self, keys: npt.NDArray[np.int64], hashes: Hashes) -> None:
        """Bulk load (at start): one rebuild."""
        self._new_hashes.append(hashes.astype(np.uint64, copy=False))
        self._new_keys.extend(int(k) for k in keys)
        self._rebuild()

    def search(self, hex_hash: str, max_distance: int) -> list[tuple[int, int]]:
        """(key, distance) of every stored hash within ``max_distance``, nearest first."""
        query = words_of(hex_hash)
        found: dict[int, int] = {}
        if len(self._keys):
            rows = self._candidates(query, max_distance)
            if len(rows):
                near = distances(self._hashes[rows], query)
                for row, distance in zip(
                    rows[near <= max_distance], near[near <= max_distance], strict=True
                ):
                    found[int(self._keys[row])] = int(distance)
        if self._new_keys:
            pending = np.concatenate(self._new_hashes)
            near = distances(pending, query)
            for i in np.flatnonzero(near <= max_distance):
                found[self._new_keys[i]] = int(near[i])
        return sorted(found.items(), key=lambda kd: (kd[1], kd[0]))

    def scan(self, hex_hash: str, max_distance: int) -> list[tuple[int, int]]:
        """The same answer by a linear scan of every hash (the benchmark's baseline)."""
        self._rebuild()
        near = distances(self._hashes, words_of(hex_hash))
        rows = np.flatnonzero(near <= max_distance)
        return sorted(((int(self._keys[r]), int(near[r])) for r in rows), key=lambda kd: kd[::-1])

    def _candidates(self, query: Hashes, max_distance: int) -> npt.NDArray[np.int64]:
        radius = max_distance // SEGMENTS
        if radius > 3:  # too many probes: every hash is a candidate
            return np.arange(len(self._keys), dtype=np.int64)
        segments = _segments(query)[0]
        parts: list[npt.NDArray[np.int32]] = []
        for s in range(SEGMENTS):
            probes = _neighbours(int(segments[s]), radius)
            lows = np.searchsorted(self._sorted[s], probes, side="left")
            highs = np.searchsorted(self._sorted[s], probes, side="right")
            parts.extend(
                self._order[s][lo:hi] for lo, hi in zip(lows, highs, strict=True) if hi > lo
            )
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)).astype(np.int64)

    def _rebuild(self) -> None:
        if not self._new_keys:
            return
        self._hashes = np.concatenate([self._hashes, *self._new_hashes])
        self._keys = np.concatenate([self._keys, np.array(self._new_keys, dtype=np.int64)])
        self._new_hashes, self._new_keys = [], []
        segments = _segments(self._hashes)
        self._order = [
            np.argsort(segments[:, s], kind="stable").astype(np.int32) for s in range(SEGMENTS)
        ]
        self._sorted = [segments[self._order[s], s] for s in range(SEGMENTS)]
