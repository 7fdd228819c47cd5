"""The README and the documents it leads to stay true to the code: the two set-up
commands named, every setting in docs/configuration.md, every search attribute in the
supervisor's guide, every document linked from the README, every top-level folder and
file of the tree in its Layout."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

from domain.search_attributes import ALL
from relais.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
SUPERVISOR_UI = (ROOT / "docs" / "supervisor-ui.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's ``## title`` section, up to the next ``## ``."""
    assert f"\n## {title}\n" in README, f"README has no section '{title}'"
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_set_up_names_exactly_the_two_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", section("Set up"), flags=re.DOTALL)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [command for command in commands if command] == ["./dev up", "./dev test"]


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = [
        f"RELAIS_{name.upper()}"
        for name in Settings.model_fields
        if f"`RELAIS_{name.upper()}`" not in CONFIGURATION
    ]
    assert missing == [], f"docs/configuration.md's table lacks {missing}"


def test_every_search_attribute_is_explained_to_supervisors() -> None:
    missing = [key.name for key in ALL if f"| `{key.name}` |" not in SUPERVISOR_UI]
    assert missing == [], f"docs/supervisor-ui.md's Search attributes table lacks {missing}"


def test_every_document_is_linked_from_the_readme() -> None:
    """A new document under docs/ cannot be forgotten: the README's "Where to go next"
    or its Layout links it."""
    linked = set(re.findall(r"\]\(([^)#]+)", section("Where to go next") + section("Layout")))
    documents = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))
    assert documents, "no document found under docs/"
    missing = [document for document in documents if document not in linked]
    assert missing == [], f"the README links none of {missing}"
    broken = sorted(link for link in linked if "://" not in link and not (ROOT / link).exists())
    assert broken == [], f"the README links missing files {broken}"


def _ignored(path: Path, patterns: list[str]) -> bool:
    return path.name == ".git" or any(fnmatch(path.name, p.rstrip("/")) for p in patterns)


def test_the_layout_names_every_top_level_folder_and_file() -> None:
    gitignore = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in gitignore if line.strip() and not line.startswith("#")]
    layout = section("Layout")
    named = set(re.findall(r"^\| ([^|]+) \|", layout, flags=re.MULTILINE))
    paths = {path.strip("` ") for cell in named for path in cell.split(",")}
    entries = [
        f"{p.name}/" if p.is_dir() else p.name
        for p in sorted(ROOT.iterdir())
        if not _ignored(p, patterns) and p.name not in {"README.md", ".gitignore"}
    ]
    missing = [entry for entry in entries if entry not in paths]
    assert missing == [], f"the README's Layout lacks {missing}"
