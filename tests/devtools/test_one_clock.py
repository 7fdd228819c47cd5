"""Every clock a decision uses comes from its caller.

Relais reads the wall clock in one place, ``relais/clock.py``; a request reads it once
at its door and passes ``now`` down. A JWT's expiry is checked against that ``now``
(``relais/signed_tokens.py``), never against the machine's clock inside PyJWT: the
console session test went red on 2026-12-01 because ``jwt.decode`` judged ``exp`` with
the real clock while the idle rule used the ``now`` it was given.

This test reads the source and fails when another module reads the wall clock itself
or calls ``jwt.decode``. The simulator stands in for outside systems with their own
clocks and is not part of this rule; workflows use ``workflow.now()`` (the sandbox
refuses the rest)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = (
    "domain",
    "relais",
    "partners",
    "workflows",
    "activities",
    "application",
    "api",
    "console",
    "chat",
)
ALLOWED = {
    "relais/clock.py": {"datetime.now"},
    "relais/signed_tokens.py": {"jwt.decode"},
}
WALL_CLOCK = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("jwt", "decode"),
}


def clock_reads(source: str) -> list[tuple[int, str]]:
    """``(line, "datetime.now")`` for each wall-clock read or ``jwt.decode`` call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in WALL_CLOCK:
            found.append((node.lineno, f"{owner.id}.{node.func.attr}"))
    return found


def sources() -> list[Path]:
    files = [ROOT / "worker.py"]
    for package in PACKAGES:
        if (ROOT / package).is_dir():
            files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    offenders = []
    for path in sources():
        name = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED.get(name, set())
        for line, call in clock_reads(path.read_text()):
            if call not in allowed:
                offenders.append(f"{name}:{line} {call}")
    assert offenders == [], (
        "take `now` from the caller (a door reads relais.clock.utc_now() once) and check "
        "token times with relais.signed_tokens.decode_at: " + ", ".join(offenders)
    )


@pytest.mark.parametrize(
    "line",
    [
        "stamp = datetime.now(UTC)",
        "stamp = datetime.utcnow()",
        "day = date.today()",
        "seconds = time.time()",
        "claims = jwt.decode(token, key, algorithms=['HS256'])",
    ],
)
def test_the_scan_finds_a_wall_clock_read(line: str) -> None:
    assert [call for _, call in clock_reads(line)] != []


def test_the_scan_leaves_durations_and_the_callers_clock_alone() -> None:
    source = "started = time.perf_counter()\nlater = time.monotonic()\nnow = utc_now()\n"
    assert clock_reads(source) == []
