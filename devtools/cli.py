"""``./dev`` subcommands, run inside the virtualenv: up, test, bench, lint, lock."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTEST_NO_TESTS = 5


def say(text: str) -> None:
    print(f"[dev] {text}", flush=True)


def cmd_up(args: argparse.Namespace) -> int:
    from devtools.local import ConfigError, LocalStack
    from devtools.process import Console
    from devtools.stack import Supervisor

    try:
        stack = LocalStack.from_env(ROOT, os.environ, with_monitoring=args.with_monitoring)
    except ConfigError as exc:
        say(str(exc))
        return 2
    parts, warnings = stack.parts()
    console = Console(sys.stdout)
    supervisor = Supervisor(
        parts,
        cwd=ROOT,
        log_dir=stack.data_dir / "logs",
        env=stack.child_env(os.environ),
        console=console,
        on_ready=lambda: console.block(stack.banner(parts)),
    )
    for warning in warnings:
        supervisor.say(f"warning: {warning}")

    def stop(signum: int, _frame: FrameType | None) -> None:
        supervisor.request_stop(signal.Signals(signum).name)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    return supervisor.run()


def suite_workers() -> int:
    """How many pytest processes ``./dev test`` runs at once: one per core (most tests
    wait on servers, so two cores nearly halve the wall time), at most 4;
    ``RELAIS_TEST_WORKERS`` overrides (1: one process, no pytest-xdist)."""
    asked = os.environ.get("RELAIS_TEST_WORKERS", "")
    if asked.isdigit() and int(asked) >= 1:
        return int(asked)
    return max(1, min(os.cpu_count() or 1, 4))


def run_tests(pytest_args: Sequence[str]) -> int:
    """pytest with ``pytest_args``; ``--quick`` skips the slow suites (tests/conftest.py).
    The whole suite (no test named) runs on :func:`suite_workers` processes, a test
    module per process at a time (``--dist loadfile``: a module's stack is started once)."""
    pytest_args = list(pytest_args)
    if "--quick" in pytest_args:
        pytest_args.remove("--quick")
        pytest_args += ["-m", "not slow"]
    pytest_args = pytest_args or ["-q"]
    if pytest_args[:2] == ["-m", "not slow"]:
        pytest_args.insert(0, "-q")
    named = any(
        not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists() for arg in pytest_args
    )
    workers = suite_workers()
    if workers > 1 and not named and "-n" not in pytest_args:
        pytest_args += ["-n", str(workers), "--dist", "loadfile"]
    code = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT).returncode
    if code == PYTEST_NO_TESTS:
        say("pytest collected no tests: counted as a failure")
        return 1
    return code


def bench_scripts(root: Path) -> list[str]:
    """The benchmark scripts: every module of ``bench/`` but its shared helpers."""
    from bench import HELPERS

    modules = (path.stem for path in (root / "bench").glob("*.py"))
    return sorted(name for name in modules if not name.startswith("__") and name not in HELPERS)


def run_bench(argv: Sequence[str]) -> int:
    """``./dev bench NAME [ARGS]``: ``python -m bench NAME ARGS`` in the virtualenv
    (``bench/__main__.py``: the script, then an exit that skips interpreter teardown)."""
    scripts = bench_scripts(ROOT)
    name, *rest = list(argv) or [""]
    if name not in scripts:
        if name not in ("", "-h", "--help"):
            say(f"no benchmark named {name!r}")
        say("usage: ./dev bench NAME [ARGS] (NAME --help for its arguments, --smoke: tiny run)")
        say("benchmarks: " + ", ".join(scripts))
        return 0 if name in ("-h", "--help") else 2
    return subprocess.run([sys.executable, "-m", "bench", name, *rest], cwd=ROOT).returncode


def lint_targets(root: Path) -> list[str]:
    """What mypy checks: the packages and modules pyproject ships, plus the dev tooling."""
    with (root / "pyproject.toml").open("rb") as file:
        setuptools = tomllib.load(file).get("tool", {}).get("setuptools", {})
    patterns = setuptools.get("packages", {}).get("find", {}).get("include", [])
    targets = [pattern.split(".")[0].rstrip("*") for pattern in patterns]
    targets += [f"{module}.py" for module in setuptools.get("py-modules", [])]
    targets += ["devtools", "dev"]
    return [target for target in dict.fromkeys(targets) if (root / target).exists()]


def cmd_lint(_: argparse.Namespace) -> int:
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [str(BIN / "ruff"), "check", ".", "dev"]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", ".", "dev"]),
        ("mypy", [str(BIN / "mypy"), *lint_targets(ROOT)]),
        # Layers, import cycles and the simulator's isolation: pyproject [tool.importlinter]
        ("import layers", [str(BIN / "lint-imports"), "--no-cache"]),
    ]
    failed = []
    for name, command in steps:
        say(f"{name}: {' '.join([Path(command[0]).name, *command[1:]])}")
        if subprocess.run(command, cwd=ROOT).returncode != 0:
            failed.append(name)
    if failed:
        say("lint failed: " + ", ".join(failed))
        return 1
    say("lint clean")
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    from devtools.lock import regenerate

    return regenerate(ROOT, Path(args.output).resolve())


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="./dev", description="Relais developer commands.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = commands.add_parser("up", help="run the whole local stack in the foreground")
    up.add_argument(
        "--with-monitoring",
        action="store_true",
        help="also run Prometheus (Debian's package) scraping the API and the worker",
    )
    up.set_defaults(run=cmd_up)
    # Never parsed here: main() hands everything after "test" to pytest, after "bench"
    # to the benchmark, untouched.
    commands.add_parser(
        "test", help="run the tests: pytest, arguments passed on (default -q); --quick skips slow"
    )
    commands.add_parser(
        "bench", help="run a benchmark: ./dev bench NAME [ARGS] (docs/benchmarks.md)"
    )
    lint = commands.add_parser("lint", help="ruff check, ruff format --check, mypy, import layers")
    lint.set_defaults(run=cmd_lint)
    lock = commands.add_parser("lock", help="regenerate requirements.lock from pyproject.toml")
    lock.add_argument("--output", default=str(ROOT / "requirements.lock"))
    lock.set_defaults(run=cmd_lock)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["test"]:
        return run_tests(argv[1:])
    if argv[:1] == ["bench"]:
        return run_bench(argv[1:])
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code
