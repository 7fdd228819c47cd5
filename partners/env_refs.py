"""``${VAR}`` references in adapter configuration, resolved from the environment.

Secrets (tokens, SMTP passwords) stay in the environment or a secret store; the
configuration names them. A reference is ``${NAME}`` with NAME in upper case
(letters, digits, ``_``); anything else, such as a message template's
``${package.age_band}``, is left as it is. ``$${NAME}`` writes a literal ``${NAME}``.
"""

import re
from collections.abc import Mapping
from typing import Any

from partners.problems import ConfigInvalid

_REFERENCE = re.compile(r"\$(\$?)\{([A-Z_][A-Z0-9_]*)\}")


def resolve_env(value: Any, environ: Mapping[str, str], path: str = "") -> Any:
    """A copy of ``value`` (nested tables and lists) with every ``${VAR}`` replaced.

    Raises :class:`ConfigInvalid` naming each field whose variable is unset.
    """
    problems: list[tuple[str, str]] = []
    resolved = _walk(value, environ, path, problems)
    if problems:
        raise ConfigInvalid(problems)
    return resolved


def _walk(
    value: Any, environ: Mapping[str, str], path: str, problems: list[tuple[str, str]]
) -> Any:
    if isinstance(value, Mapping):
        return {
            key: _walk(item, environ, f"{path}.{key}" if path else str(key), problems)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _walk(item, environ, f"{path}.{index}" if path else str(index), problems)
            for index, item in enumerate(value)
        ]
    if isinstance(value, str):
        return _substitute(value, environ, path, problems)
    return value


def _substitute(
    text: str, environ: Mapping[str, str], path: str, problems: list[tuple[str, str]]
) -> str:
    def replace(match: re.Match[str]) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:
            return "${" + name + "}"
        if name not in environ:
            problems.append((path, f"environment variable {name} is not set"))
            return ""
        return environ[name]

    return _REFERENCE.sub(replace, text)


def references(value: Any) -> set[str]:
    """The environment variables ``value`` refers to (for the validation report)."""
    if isinstance(value, Mapping):
        return set().union(*(references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(references(v) for v in value)) if value else set()
    if isinstance(value, str):
        return {m.group(2) for m in _REFERENCE.finditer(value) if not m.group(1)}
    return set()
