"""The PDQ index finds exactly what a linear scan finds, within the distance."""

import numpy as np

from relais.evidence.pdq_index import PdqIndex, words_of, words_of_many


def hex_of(row: np.ndarray) -> str:  # type: ignore[type-arg]
    return "".join(f"{int(word):016x}" for word in row)


def flipped(row: np.ndarray, bits: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    out = row.copy()
    for bit in bits:
        out[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return out


def test_search_finds_every_hash_within_31_bits_and_none_beyond() -> None:
    rng = np.random.default_rng(5)
    stored = rng.integers(0, 2**64, size=(20_000, 4), dtype=np.uint64)
    index = PdqIndex()
    index.add_many(np.arange(len(stored), dtype=np.int64), stored)
    # Near copies of stored hash 7, added one by one (the side list, then a rebuild).
    planted = {}
    for distance in (0, 1, 15, 16, 17, 30, 31, 32, 33, 40):
        key = 100_000 + distance
        planted[key] = distance
        index.add(key, hex_of(flipped(stored[7], rng.choice(256, distance, replace=False))))

    query = hex_of(stored[7])
    found = dict(index.search(query, 31))

    assert found == dict(index.scan(query, 31))
    assert found[7] == 0
    assert {k: d for k, d in found.items() if k >= 100_000} == {
        k: d for k, d in planted.items() if d <= 31
    }


def test_many_additions_rebuild_the_tables_and_keep_answers_right() -> None:
    rng = np.random.default_rng(6)
    index = PdqIndex()
    rows = rng.integers(0, 2**64, size=(5_000, 4), dtype=np.uint64)
    for key, row in enumerate(rows):
        index.add(key, hex_of(row))
    assert len(index) == 5_000
    probe = flipped(rows[4_321], rng.choice(256, 20, replace=False))
    assert index.search(hex_of(probe), 31) == [(4_321, 20)]
    assert index.search(hex_of(probe), 31) == index.scan(hex_of(probe), 31)


def test_hashes_loaded_in_bulk_read_as_one_by_one() -> None:
    rows = np.random.default_rng(7).integers(0, 2**64, size=(50, 4), dtype=np.uint64)
    hexes = [hex_of(row) for row in rows]
    assert (words_of_many(hexes) == rows).all()
    assert all((words_of(h)[0] == row).all() for h, row in zip(hexes, rows, strict=True))
