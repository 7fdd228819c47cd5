"""The adapter configuration file (``RELAIS_ADAPTERS_CONFIG``), TOML or YAML.

Two top-level keys, both optional::

    [overrides.tiktok]                # change a built-in or plugin adapter
    config = { base_url = "https://tf.tiktok.example", api_token = "${TIKTOK_TOKEN}" }
    retry = { give_up_after = "P5D" }

    [[adapter]]                       # declare a new one on a generic channel
    slug = "ligue-idf"
    channel = "email"                 # or "http_json"
    ...

This module only reads the file and checks its shape; :mod:`declarative` turns
``[[adapter]]`` tables into specs and :mod:`loading` applies the overrides.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partners.problems import ConfigProblem, describe

TOP_LEVEL = ("adapter", "overrides")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class ConfigFile:
    where: str
    adapters: list[Mapping[str, Any]] = field(default_factory=list)
    overrides: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)


def read_config_file(path: Path) -> ConfigFile:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _failed(where, "file not found")
    except (OSError, UnicodeDecodeError) as exc:
        return _failed(where, f"cannot read the file ({type(exc).__name__})")
    return parse_config(text, where, yaml=path.suffix.lower() in YAML_SUFFIXES)


def parse_config(text: str, where: str, *, yaml: bool = False) -> ConfigFile:
    """Parse the file's text; ``where`` names it in every problem."""
    try:
        data = _parse_yaml(text) if yaml else _parse_toml(text)
    except _SyntaxError as exc:
        return _failed(where, str(exc))
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        return _failed(where, f"expected a table at the top level, found {describe(data)}")
    result = ConfigFile(where)
    for key in data:
        if key not in TOP_LEVEL:
            result.problems.append(
                ConfigProblem(
                    where=where,
                    field=str(key),
                    message=f"unknown key (expected: {', '.join(TOP_LEVEL)})",
                )
            )
    adapters = data.get("adapter", [])
    if not isinstance(adapters, list):
        result.problems.append(
            ConfigProblem(
                where=where, field="adapter", message="must be a list of tables ([[adapter]])"
            )
        )
        adapters = []
    for index, table in enumerate(adapters):
        if isinstance(table, Mapping):
            result.adapters.append(table)
        else:
            result.problems.append(
                ConfigProblem(
                    where=where,
                    field=f"adapter.{index}",
                    message=f"must be a table, found {describe(table)}",
                )
            )
    overrides = data.get("overrides", {})
    if not isinstance(overrides, Mapping):
        result.problems.append(
            ConfigProblem(where=where, field="overrides", message="must be a table of slugs")
        )
        overrides = {}
    for slug, table in overrides.items():
        if isinstance(table, Mapping):
            result.overrides[str(slug)] = table
        else:
            result.problems.append(
                ConfigProblem(
                    where=where,
                    adapter=str(slug),
                    field=f"overrides.{slug}",
                    message=f"must be a table, found {describe(table)}",
                )
            )
    return result


class _SyntaxError(Exception):
    pass


def _parse_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        raise _SyntaxError("YAML needs the PyYAML package; use TOML instead") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise _SyntaxError(f"not valid YAML: {exc.problem or 'syntax error'}{at}") from None
    except yaml.YAMLError as exc:
        raise _SyntaxError(f"not valid YAML: {type(exc).__name__}") from None


def _parse_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # names line and column, never a value
        raise _SyntaxError(f"not valid TOML: {exc}") from None


def _failed(where: str, message: str) -> ConfigFile:
    return ConfigFile(where, problems=[ConfigProblem(where=where, message=message)])
