"""``./dev lint`` keeps the dependencies pointing one way: on a copy of the source
tree, breaking any of the import-linter contracts of pyproject.toml (one test each)
makes ``lint-imports`` fail and name the contract; the tree as it is passes."""

import os
import shutil
import subprocess
import sys
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
    "simulator",
    "devtools",  # the "imports_only" contract type
)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True
    )


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_tree_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout


def test_the_domain_importing_the_api_fails_the_layers(tree: Path) -> None:
    append(tree / "domain" / "problems.py", "import api.errors  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "Layers: each depends only on the layers below it BROKEN" in result.stdout
    assert "domain.problems -> api.errors" in result.stdout


def test_workflows_importing_activities_fails_the_layers(tree: Path) -> None:
    append(tree / "workflows" / "calls.py", "import activities.notices  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "workflows is not allowed to import activities" in result.stdout


def test_an_import_cycle_inside_a_package_fails(tree: Path) -> None:
    append(tree / "domain" / "catalog.py", "import domain.case  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "No import cycles between the modules of a package BROKEN" in result.stdout


def test_the_console_importing_the_api_fails(tree: Path) -> None:
    """The API and the console are two doors onto the application layer."""
    append(tree / "console" / "forms.py", "import api.errors  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "The console is a door of its own: it imports nothing of the API BROKEN" in (
        result.stdout
    )


def test_the_console_calling_a_workflow_directly_fails(tree: Path) -> None:
    append(tree / "console" / "labels.py", "import workflows.calls  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "console.labels -> workflows.calls" in result.stdout


def test_the_simulator_importing_relais_code_fails(tree: Path) -> None:
    append(tree / "simulator" / "signing.py", "import domain.catalog  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "it imports no Relais code BROKEN" in result.stdout


def test_relais_depending_on_the_simulator_fails(tree: Path) -> None:
    append(tree / "partners" / "errors.py", "import simulator.signing  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "Relais never depends on the simulator that stands in for its partners BROKEN" in (
        result.stdout
    )


def test_the_api_importing_the_console_outside_its_mount_fails(tree: Path) -> None:
    append(tree / "api" / "errors.py", "import console.forms  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "The API imports nothing of the console but the mount in api.app BROKEN" in (
        result.stdout
    )


def test_the_application_layer_reaching_into_a_workflow_fails(tree: Path) -> None:
    append(tree / "application" / "case_actions.py", "import workflows.case.checks  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "Doors and services never import a workflow or an activity BROKEN" in result.stdout


def test_the_domain_importing_temporal_fails(tree: Path) -> None:
    """Only the standard library and pydantic: no SDK, no database, no HTTP."""
    append(tree / "domain" / "search_attributes.py", "import temporalio.common  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "The domain imports nothing but the standard library and pydantic BROKEN" in (
        result.stdout
    )
    assert "domain.search_attributes imports temporalio" in result.stdout


def test_workflows_importing_relais_fail_though_relais_is_a_lower_layer(tree: Path) -> None:
    append(tree / "workflows" / "calls.py", "import relais.clock  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "Layers: each depends only on the layers below it KEPT" in result.stdout
    assert "Workflows import nothing of ours but the domain" in result.stdout
    assert "workflows.calls imports relais.clock" in result.stdout


def test_workflows_doing_their_own_io_fail(tree: Path) -> None:
    append(tree / "workflows" / "rejection.py", "import httpx  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "workflows.rejection imports httpx" in result.stdout


def test_an_import_cycle_in_the_simulator_fails(tree: Path) -> None:
    append(tree / "simulator" / "state.py", "import simulator.journal  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "No import cycles between the simulator's modules BROKEN" in result.stdout
