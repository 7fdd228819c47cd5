"""``./dev test``, ``./dev bench``, ``./dev lint`` and ``./dev lock`` helpers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from devtools.cli import bench_scripts, lint_targets, run_bench, run_tests, suite_workers
from devtools.lock import frozen_without, requirements

ROOT = Path(__file__).resolve().parents[2]


def test_no_tests_collected_counts_as_failure(tmp_path: Path) -> None:
    (tmp_path / "test_nothing_here.py").write_text("# no test functions\n")
    assert run_tests([str(tmp_path), "-q", "-p", "no:cacheprovider"]) == 1


def test_passing_tests_exit_0(tmp_path: Path) -> None:
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    assert run_tests([str(tmp_path), "-q", "-p", "no:cacheprovider"]) == 0


def test_bench_lists_the_scripts_of_bench_not_its_helpers() -> None:
    scripts = bench_scripts(ROOT)
    assert {"open_case", "parked", "worker_kill", "report"} <= set(scripts)
    assert not {"common", "baseline", "bare_workflow", "cli", "__init__"} & set(scripts)


def test_bench_without_a_known_name_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bench(["no_such_bench"]) == 2
    said = capsys.readouterr().out
    assert "no benchmark named 'no_such_bench'" in said and "worker_kill" in said
    assert run_bench(["--help"]) == 0


def test_bench_runs_the_script_with_its_arguments() -> None:
    assert run_bench(["parked", "--help"]) == 0
    assert run_bench(["parked", "--no-such-option"]) == 2  # argparse's usage error


def test_ci_runs_the_slow_tests() -> None:
    """``.ci/run`` runs ``./dev test`` as a developer does, and nothing deselects the
    tests marked slow by default (locally: ``./dev test -m "not slow"``)."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        pytest_options = tomllib.load(file)["tool"]["pytest"]["ini_options"]
    assert any(marker.startswith("slow:") for marker in pytest_options["markers"])
    assert "slow" not in pytest_options.get("addopts", "")
    ci = (ROOT / ".ci" / "run").read_text()
    [test_step] = [line for line in ci.splitlines() if "./dev test" in line and "||" in line]
    assert test_step.split("./dev test", 1)[1].split("||")[0].strip() == ""


def test_mypy_checks_what_pyproject_ships_plus_the_dev_tooling() -> None:
    targets = lint_targets(ROOT)
    assert {"relais", "workflows", "devtools", "dev"} <= set(targets)
    assert "tests" not in targets
    assert all((ROOT / target).exists() for target in targets)


def test_lock_drops_the_project_and_keeps_pins() -> None:
    freeze = "\n".join(
        [
            "fastapi==0.165.0",
            "relais @ file:///work/main",
            "Relais==0.1.0",
            "temporalio==1.35.0",
            "",
        ]
    )
    assert frozen_without(freeze, "relais") == ["fastapi==0.165.0", "temporalio==1.35.0"]


def test_lock_resolves_the_dependencies_and_dev_extras_of_pyproject() -> None:
    wanted = requirements(ROOT)
    assert any(req.startswith("temporalio") for req in wanted)
    assert any(req.startswith("pytest") for req in wanted)
    assert not any(req.startswith("relais") for req in wanted)


def test_the_whole_suite_runs_on_one_process_per_core_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RELAIS_TEST_WORKERS", "3")
    assert suite_workers() == 3
    monkeypatch.setenv("RELAIS_TEST_WORKERS", "1")
    assert suite_workers() == 1
    monkeypatch.delenv("RELAIS_TEST_WORKERS")
    assert 1 <= suite_workers() <= 4
