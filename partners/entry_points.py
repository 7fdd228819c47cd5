"""Adapters from installed packages: the entry-point group ``relais.partners``.

A package declares, in its ``pyproject.toml``::

    [project.entry-points."relais.partners"]
    acme = "relais_acme.adapters:adapters"

The object named may be an :class:`AdapterSpec`, a list of them, or a function
taking no argument that returns either. A plugin that fails to import or returns
something else is reported (never silently skipped).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from partners.problems import ConfigProblem
from partners.spec import AdapterSpec

GROUP = "relais.partners"


@dataclass
class PluginLoad:
    specs: list[AdapterSpec[Any]] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)


def describe(ep: EntryPoint) -> str:
    dist = f" from {ep.dist.name} {ep.dist.version}" if ep.dist is not None else ""
    return f"entry point '{ep.name}' ({ep.value}){dist}"


def load_plugins(group: str = GROUP) -> PluginLoad:
    result = PluginLoad()
    seen: set[tuple[str, str]] = set()
    for ep in sorted(entry_points().select(group=group), key=lambda e: (e.name, e.value)):
        if (ep.name, ep.value) in seen:  # one distribution visible twice on sys.path
            continue
        seen.add((ep.name, ep.value))
        where = describe(ep)
        result.plugins.append(where)
        try:
            specs = _specs_of(ep.load())
        except Exception as exc:  # a plugin's own bug: report it, whatever it is
            result.problems.append(
                ConfigProblem(where=where, message=f"failed to load: {type(exc).__name__}: {exc}")
            )
            continue
        result.specs.extend(replace(spec, source=where) for spec in specs)
    return result


def _specs_of(loaded: object) -> list[AdapterSpec[Any]]:
    if isinstance(loaded, AdapterSpec):
        return [loaded]
    if callable(loaded) and not isinstance(loaded, type):
        factory: Callable[[], object] = loaded
        loaded = factory()
        if isinstance(loaded, AdapterSpec):
            return [loaded]
    if isinstance(loaded, Iterable) and not isinstance(loaded, str | bytes):
        items = list(loaded)
        wrong = [type(item).__name__ for item in items if not isinstance(item, AdapterSpec)]
        if not wrong:
            return items
        raise TypeError(f"expected AdapterSpec items, got {', '.join(sorted(set(wrong)))}")
    raise TypeError(
        f"expected an AdapterSpec, a list of them or a function returning them, "
        f"got {type(loaded).__name__}"
    )
