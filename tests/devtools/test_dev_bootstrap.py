"""The ``dev`` script's bootstrap: install only when the lock or pyproject changed, then re-exec.

Runs a copy of ``dev`` in a temp project whose ``.venv`` holds the real interpreter
and a stand-in ``pip`` that records its arguments (a real install needs the network).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy2(ROOT / "dev", tmp_path / "dev")
    (tmp_path / "requirements.lock").write_text("example==1.0\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "example"\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    write_pip(tmp_path, "")
    tool = tmp_path / "devtools"
    tool.mkdir()
    (tool / "__init__.py").write_text("")
    (tool / "__main__.py").write_text(
        "import os, sys\nprint('devtools', sys.argv[1:], os.environ['VIRTUAL_ENV'])\n"
    )
    return tmp_path


def write_pip(project: Path, on_check: str) -> None:
    """A stand-in pip: records every call; ``pip check`` runs ``on_check`` (shell)."""
    pip = project / ".venv" / "bin" / "pip"
    pip.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {project / "pip-calls"}\n'
        f'if [ "$1" = check ]; then {on_check or "exit 0"}; fi\n'
    )
    pip.chmod(0o755)


def run_dev(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project / "dev"), *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def pip_calls(project: Path) -> list[str]:
    calls = project / "pip-calls"
    return calls.read_text().splitlines() if calls.exists() else []


def installs(project: Path) -> list[str]:
    return [call for call in pip_calls(project) if call != "check"]


def test_installs_once_then_hands_over_to_devtools_in_the_venv(project: Path) -> None:
    first = run_dev(project, "test", "-k", "x")
    assert first.returncode == 0, first.stderr
    assert pip_calls(project) == [
        "install --quiet -r requirements.lock",
        "install --quiet --no-deps -e .[dev]",
        "check",
    ]
    assert f"devtools ['test', '-k', 'x'] {project / '.venv'}" in first.stdout
    assert (project / ".venv" / ".relais-installed").exists()

    second = run_dev(project, "lint")
    assert second.returncode == 0, second.stderr
    assert len(installs(project)) == 2, "nothing changed: no second install"
    assert "[dev] installing" not in second.stdout
    assert "devtools ['lint']" in second.stdout


@pytest.mark.parametrize("changed", ["requirements.lock", "pyproject.toml"])
def test_a_changed_input_triggers_a_reinstall(project: Path, changed: str) -> None:
    assert run_dev(project, "lint").returncode == 0
    with (project / changed).open("a") as file:
        file.write("\n# changed\n")
    again = run_dev(project, "lint")
    assert again.returncode == 0, again.stderr
    assert "requirements.lock or pyproject.toml changed" in again.stdout
    assert len(installs(project)) == 4


def test_failed_install_stops_with_its_exit_code_and_records_nothing(project: Path) -> None:
    (project / ".venv" / "bin" / "pip").write_text("#!/bin/sh\nexit 7\n")
    result = run_dev(project, "lint")
    assert result.returncode == 7
    assert "delete it and run ./dev again" in result.stdout
    assert not (project / ".venv" / ".relais-installed").exists()


def test_requirement_missing_from_the_lock_is_installed_with_a_warning(project: Path) -> None:
    """pyproject gained a dependency nobody locked: ./dev still works and says why."""
    flag = project / "healed"
    write_pip(
        project,
        f"[ -e {flag} ] && exit 0; "
        "echo 'example 1.0 requires pyjwt, which is not installed.'; exit 1",
    )
    heal = f'if [ "$1 $3" = "install -e" ]; then touch {flag}; fi'
    pip = project / ".venv" / "bin" / "pip"
    pip.write_text(pip.read_text() + heal + "\n")
    result = run_dev(project, "lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: example 1.0 requires pyjwt, which is not installed." in result.stdout
    assert "requirements.lock is out of date with pyproject.toml: run ./dev lock" in result.stdout
    assert "install --quiet -e .[dev]" in pip_calls(project)
    assert (project / ".venv" / ".relais-installed").exists()


def test_inconsistent_venv_that_cannot_be_healed_stops(project: Path) -> None:
    write_pip(project, "echo 'a 1 has requirement b<2, but you have b 3.'; exit 1")
    result = run_dev(project, "lint")
    assert result.returncode == 1
    assert "the virtualenv is inconsistent" in result.stdout
    assert not (project / ".venv" / ".relais-installed").exists()
