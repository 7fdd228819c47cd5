"""README stays true to the code: every setting documented, the two set-up commands named."""

from __future__ import annotations

import re
from pathlib import Path

from domain.search_attributes import ALL
from relais.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [
        f"RELAIS_{name.upper()}"
        for name in Settings.model_fields
        if f"RELAIS_{name.upper()}" not in README
    ]
    assert missing == [], f"README's Configuration table lacks {missing}"


def test_set_up_names_exactly_the_two_commands() -> None:
    set_up = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", set_up, flags=re.DOTALL)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [command for command in commands if command] == ["./dev up", "./dev test"]


def test_every_search_attribute_is_listed_for_supervisors() -> None:
    missing = [key.name for key in ALL if f"`{key.name}`" not in README]
    assert missing == [], f"README's Temporal UI section lacks {missing}"
