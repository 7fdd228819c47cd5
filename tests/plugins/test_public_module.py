"""What an integrator imports comes from one public module, ``partners.plugin``:
the example plugin reaches nothing else of Relais, and everything the guide lists is
there."""

import ast
import re
from pathlib import Path

import partners.plugin

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "relais-partner-example" / "src"
RELAIS_PACKAGES = {"domain", "relais", "partners", "workflows", "activities", "api", "worker"}


def imported_modules(source: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_example_plugin_imports_only_the_public_module() -> None:
    reached = {
        module
        for source in EXAMPLE.rglob("*.py")
        for module in imported_modules(source)
        if module.split(".")[0] in RELAIS_PACKAGES
    }
    assert reached == {"partners.plugin"}


def test_the_guide_names_only_what_the_public_module_exports() -> None:
    guide = (ROOT / "docs" / "adding-a-partner.md").read_text()
    named = {
        name.strip()
        for line in re.findall(r"^from partners\.plugin import (.+)$", guide, re.MULTILINE)
        for name in line.split(",")
    }
    assert named and named <= set(partners.plugin.__all__)
    assert all(hasattr(partners.plugin, name) for name in partners.plugin.__all__)
