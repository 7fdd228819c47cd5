"""The example plugin package (examples/relais-partner-example), installed for the
duration of a test with the entry points its own pyproject.toml declares."""

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.installing import GROUP, installed_distribution

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "relais-partner-example"


@pytest.fixture
def example_plugin(tmp_path: Path) -> Iterator[None]:
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry_points = project["entry-points"][GROUP]
    with installed_distribution(
        tmp_path / "site",
        project["name"],
        project["version"],
        entry_points,
        code_paths=(EXAMPLE / "src",),
    ):
        yield
    for module in [m for m in sys.modules if m.startswith("relais_partner_example")]:
        del sys.modules[module]
