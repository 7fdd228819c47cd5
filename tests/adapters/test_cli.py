"""``python -m partners validate FILE`` as an integrator runs it."""

import os
import subprocess
import sys
from pathlib import Path

from tests.adapters.configs import email_partner

ROOT = Path(__file__).resolve().parents[2]


def _validate(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "partners", "validate", str(path)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_validate_exits_zero_on_a_valid_file_and_one_naming_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "adapters.toml"
    path.write_text(email_partner(), encoding="utf-8")

    valid = _validate(path, LIGUE_SMTP_PASSWORD="pw")
    path.write_text(email_partner(port='"abc"'), encoding="utf-8")
    invalid = _validate(path, LIGUE_SMTP_PASSWORD="pw")

    assert valid.returncode == 0, valid.stderr
    assert f"{path}: valid (" in valid.stdout
    assert "ligue-idf" in valid.stdout
    assert invalid.returncode == 1
    assert invalid.stderr.splitlines() == [
        f"{path}: adapter 'ligue-idf': smtp.port: Input should be a valid integer, unable to "
        "parse string as an integer",
        "1 problem(s)",
    ]
    assert "pw" not in invalid.stdout + invalid.stderr
