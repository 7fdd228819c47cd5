"""Every benchmark script runs, the way docs/benchmarks.md says to run it (``./dev bench NAME``),
at its ``--smoke`` size: it exits 0 and its JSON summary measured what was asked.

Scripts are found, not listed: a new module in ``bench/`` is run here too (or named a
helper in ``bench.HELPERS``). Each run starts its own stack (dev server, simulator,
API, workers), so those runs take about two minutes: marked slow."""

import argparse
import asyncio
import importlib
import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.cli import parse_args
from devtools.cli import bench_scripts
from tests.support.databases import postgres_url

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300  # seconds for one script at its smoke size (about 45 s at most here)


def smoke(name: str, *arguments: str, tmp_path: Path) -> dict[str, Any]:
    """``./dev bench NAME --smoke ARGUMENTS``: its JSON summary (the last JSON document it
    prints); fails with the end of its output if it exits non-zero or prints none."""
    log = tmp_path / f"{name}.log"
    command = [sys.executable, str(ROOT / "dev"), "bench", name, "--smoke", *arguments]
    with log.open("w") as out:
        script = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            code = script.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            script.send_signal(signal.SIGINT)  # lets the script stop the stack it started
            try:
                script.wait(60)
            except subprocess.TimeoutExpired:
                script.kill()
                script.wait()
            code = None
    output = log.read_text()
    said = f"./dev bench {name} --smoke: exit {code}; output ends:\n{output[-4000:]}"
    assert code == 0, said
    start = output.rfind("\n{")
    assert start != -1, said
    result: dict[str, Any] = json.loads(output[start:])
    return result


def sizes(name: str) -> dict[str, Any]:
    smoke_sizes: dict[str, Any] = importlib.import_module(f"bench.{name}").SMOKE
    return smoke_sizes


def spread_ok(ms: dict[str, float]) -> bool:
    return 0 < ms["p50"] <= ms["p99"] <= ms["max"]


def handled_ok(lags: dict[str, float]) -> bool:
    return 0 <= lags["first_handled_s"] <= lags["all_handled_s"]


def report_ok(result: dict[str, Any], notices: int) -> bool:
    return all(r["notices"] == notices and r["cells"] > 0 for r in result.values())


# What each smoke run must have measured, given its sizes (s).
CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any]], bool]] = {
    "open_case": lambda r, s: (
        r["requests"] == s["rate"] * s["seconds"]
        and spread_ok(r["relais_ms"])
        and spread_ok(r["bare_ms"])
    ),
    "notice": lambda r, s: (
        r["items"] == s["items"] and spread_ok(r["relais_ms"]) and spread_ok(r["bare_workflow_ms"])
    ),
    "journeys": lambda r, s: (
        r["journeys"] == s["journeys"] and r["journeys_per_second"] > 0 and r["bare_per_second"] > 0
    ),
    "parked": lambda r, s: (
        r["cases"] == s["cases"]
        and r["history_events_per_case"]["sampled"] == s["cases"]
        and r["history_events_per_case"]["max"] > 0
        and r["bare_history_events"] > 0
        and r["worker_rss_mib_after"] > 0
    ),
    "worker_kill": lambda r, s: (
        r["cases"] == s["cases"]
        and r["restart"]["worker_start_s"] > 0
        and handled_ok(r["restart"])
        and handled_ok(r["survivor"])
    ),
    "emergency_handoff": lambda r, s: (
        r["cases"] == s["cases"] and r["handoffs"] == 2 * s["cases"] and spread_ok(r["ms"])
    ),
    "long_case": lambda r, s: (
        r["items"] == s["items"]
        and r["callbacks"] == s["callbacks"]
        and r["runs_seen_by_visibility"] >= 1
        and r["max_events_per_run"] > 0
    ),
    "report": lambda r, s: list(r) == ["sqlite"] and report_ok(r, s["notices"]),
    "console": lambda r, s: (
        r["cases"] == s["cases"]
        and r["requests"] == s["requests"]
        and len(r["pages"]) == 7
        and all(
            0 < p["console_ms"]["p50"] <= p["console_ms"]["p95"] <= p["console_ms"]["max"]
            and 0 < p["json_route_ms"]["p50"] <= p["json_route_ms"]["p95"]
            for p in r["pages"].values()
        )
    ),
    "whatsapp_inbound": lambda r, s: (
        r["sent"] > 0
        and r["relais_failed"] == 0
        and r["sent"] == r["rows"] == r["distinct"]
        and r["redelivered_acknowledged"] == r["redelivered"] > 0
        and spread_ok(r["relais_ack_ms"])
        and spread_ok(r["bare_ms"])
    ),
    "pdq_match": lambda r, s: (
        r["matching"]["hashes"] == s["hashes"]
        and r["matching"]["queries"] == s["queries"]
        and r["matching"]["matches_found"] >= s["queries"] // 2
        and 0 < r["matching"]["index_ms"]["p50"] <= r["matching"]["index_ms"]["p95"]
        and 0 < r["matching"]["linear_scan_ms"]["p50"] <= r["matching"]["linear_scan_ms"]["p95"]
        and r["upload"]["uploads"] == s["uploads"]
        and r["upload"]["concurrency"] == s["concurrency"]
        and 0 < r["upload"]["one_by_one_ms"]["p50"] <= r["upload"]["one_by_one_ms"]["p95"]
        and r["upload"]["at_once_per_second"] > 0
    ),
    "conversations": lambda r, s: (
        r["waiting"] == s["waiting"]
        and r["rounds"] == s["rounds"]
        and spread_ok(r["relais_offer_ms"])
        and spread_ok(r["bare_offer_ms"])
        and r["load"]["conversations"] == s["conversations"]
        and all(
            r["load"][path]["exchanges"] >= s["conversations"]
            and spread_ok(r["load"][path]["to_counsellor_ms"])
            and spread_ok(r["load"][path]["to_young_person_ms"])
            for path in ("relais", "bare")
        )
        and r["load"]["memory"]["open"] == s["open"]
        and r["load"]["memory"]["relais_worker_rss_mib"] > 0
        and r["load"]["memory"]["bare_worker_rss_mib"] > 0
    ),
    "exchange_cost": lambda r, s: (
        r["exchanges"] == s["conversations"] * s["exchanges"]
        and r["conversation_per_exchange"]["WORKFLOW_TASK_COMPLETED"] >= 2
        and r["worker_cpu_ms_per_task_polled"] is not None
    ),
    "metrics_cost": lambda r, s: (
        all(len(r[mode]) == 1 and spread_ok(r[mode][0]["open_case_ms"]) for mode in ("off", "on"))
        and r["on"][0]["api_scrapes"] > 0
    ),
}
# Extra arguments of a smoke run: the report on SQLite here, on PostgreSQL below.
ARGUMENTS = {"report": ["--backend", "sqlite"]}


def test_every_script_has_a_check() -> None:
    assert sorted(CHECKS) == bench_scripts(ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("name", bench_scripts(ROOT))
def test_bench_script_runs_at_its_smoke_size(name: str, tmp_path: Path) -> None:
    result = smoke(name, *ARGUMENTS.get(name, []), tmp_path=tmp_path)
    assert name in CHECKS, f"bench.{name}: add what its smoke run must measure to CHECKS"
    assert CHECKS[name](result, sizes(name)), result


@pytest.mark.slow
@pytest.mark.postgres
async def test_report_script_runs_on_postgresql(tmp_path: Path) -> None:
    url = await postgres_url()
    arguments = ["--backend", "postgresql", "--postgres", url]
    result = await asyncio.to_thread(smoke, "report", *arguments, tmp_path=tmp_path)
    assert list(result) == ["postgresql"] and report_ok(result, sizes("report")["notices"])


def test_smoke_shrinks_only_the_sizes_left_at_their_defaults() -> None:
    def parser() -> argparse.ArgumentParser:
        built = argparse.ArgumentParser()
        built.add_argument("--cases", type=int, default=1000)
        built.add_argument("--delay", type=float, default=15.0)
        return built

    tiny = {"cases": 3, "delay": 6.0}
    assert vars(parse_args(parser(), [], tiny)) == {"cases": 1000, "delay": 15.0, "smoke": False}
    smoked = parse_args(parser(), ["--smoke", "--cases", "7"], tiny)
    assert (smoked.cases, smoked.delay) == (7, 6.0)
