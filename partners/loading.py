"""Loading the registry: built-in adapters, then installed plugins (entry points
``relais.partners``), then the configuration file (declared adapters, overrides).

A later layer replaces an earlier one's adapter of the same slug (logged); two
adapters of one slug within a layer are a problem. Every problem is collected and
reported; unless the settings tolerate it, start-up stops on the first load.
"""

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from domain.catalog import DeliveryMode, PartnerKind, RetryProfile
from partners.config_file import ConfigFile, parse_config, read_config_file
from partners.declarative import adapter_name, declare
from partners.entry_points import load_plugins
from partners.problems import AdapterLoadError, ConfigInvalid, ConfigProblem, validation_problems
from partners.registry import AdapterRegistry
from partners.spec import AdapterSpec, ConfiguredAdapter

if TYPE_CHECKING:
    from relais.settings import Settings

log = logging.getLogger("relais.adapters")


class AdapterOverride(BaseModel):
    """``[overrides.<slug>]``: what a deployment may change in any adapter."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = None
    kind: PartnerKind | None = None
    delivery: DeliveryMode | None = None
    retry: dict[str, Any] | None = None
    decision_sla: str | None = None
    config: dict[str, Any] = {}


@dataclass
class LoadReport:
    adapters: list[ConfiguredAdapter[Any]] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def registry(self) -> AdapterRegistry:
        return AdapterRegistry(self.adapters, self.problems)


def load_registry(settings: "Settings") -> AdapterRegistry:
    """Built-in adapters, installed plugins (entry points ``relais.partners``) and
    ``settings.adapters_config``. Raises :class:`AdapterLoadError` listing every
    problem unless ``settings.adapters_tolerate_errors``."""
    config = read_config_file(settings.adapters_config) if settings.adapters_config else None
    report = load_adapters(settings, config)
    for note in report.notes:
        log.info("adapters: %s", note)
    for problem in report.problems:
        log.error("adapter configuration problem: %s", problem)
    if report.problems and not settings.adapters_tolerate_errors:
        raise AdapterLoadError(report.problems)
    return report.registry()


def load_adapters(
    settings: "Settings",
    config: ConfigFile | None,
    *,
    environ: Mapping[str, str] | None = None,
    plugins: bool = True,
) -> LoadReport:
    from partners.builtin import builtin_specs

    report = LoadReport()
    environ = os.environ if environ is None else environ
    specs: dict[str, AdapterSpec[Any]] = {}
    builtins = builtin_specs(settings)
    specs.update((spec.info.slug, spec) for spec in builtins)
    report.notes.append(f"built-in: {len(builtins)} adapters")
    if plugins:
        _add_plugins(specs, report)
    if config is not None:
        _add_config_file(specs, config, report)
    for slug in sorted(specs):
        spec = specs[slug]
        try:
            report.adapters.append(spec.configure(environ))
        except ConfigInvalid as exc:
            report.problems.extend(
                ConfigProblem(
                    where=spec.problems_where or spec.source, adapter=slug, field=f, message=m
                )
                for f, m in exc.problems
            )
    return report


def validate_config_text(
    settings: "Settings", text: str, name: str, environ: Mapping[str, str] | None = None
) -> LoadReport:
    """Everything that loading this file would report, without starting anything."""
    yaml = Path(name).suffix.lower() in (".yaml", ".yml")
    return load_adapters(settings, parse_config(text, name, yaml=yaml), environ=environ)


def _add_plugins(specs: dict[str, AdapterSpec[Any]], report: LoadReport) -> None:
    loaded = load_plugins()
    report.problems.extend(loaded.problems)
    seen: dict[str, str] = {}
    for spec in loaded.specs:
        slug = spec.info.slug
        if slug in seen:
            report.problems.append(
                ConfigProblem(
                    where=spec.source,
                    adapter=slug,
                    message=f"slug already registered by {seen[slug]}",
                )
            )
            continue
        seen[slug] = spec.source
        _replace(specs, spec, report)
    for plugin in loaded.plugins:
        slugs = sorted(slug for slug, source in seen.items() if source.startswith(plugin))
        report.notes.append(f"{plugin}: {', '.join(slugs) or 'no adapters'}")


def _add_config_file(
    specs: dict[str, AdapterSpec[Any]], config: ConfigFile, report: LoadReport
) -> None:
    report.problems.extend(config.problems)
    declared: list[str] = []
    for index, table in enumerate(config.adapters):
        result = declare(table, config.where, index)
        if isinstance(result, list):
            report.problems.extend(result)
            continue
        slug = result.info.slug
        if slug in declared:
            report.problems.append(
                ConfigProblem(
                    where=config.where,
                    adapter=adapter_name(table, index),
                    field="slug",
                    message="declared twice in this file",
                )
            )
            continue
        declared.append(slug)
        _replace(specs, result, report)
    if declared:
        report.notes.append(f"{config.where}: declared {', '.join(declared)}")
    for slug, table in config.overrides.items():
        spec = specs.get(slug)
        if spec is None:
            report.problems.append(
                ConfigProblem(
                    where=config.where,
                    adapter=slug,
                    field=f"overrides.{slug}",
                    message="no adapter is registered under this slug",
                )
            )
            continue
        overridden = _override(spec, table, config.where, report)
        if overridden is not None:
            specs[slug] = overridden
            report.notes.append(f"{config.where}: overrides {slug} ({spec.source})")


def _replace(
    specs: dict[str, AdapterSpec[Any]], spec: AdapterSpec[Any], report: LoadReport
) -> None:
    previous = specs.get(spec.info.slug)
    if previous is not None:
        report.notes.append(
            f"{spec.source}: '{spec.info.slug}' replaces the one from {previous.source}"
        )
    specs[spec.info.slug] = spec


def _override(
    spec: AdapterSpec[Any], table: Mapping[str, Any], where: str, report: LoadReport
) -> AdapterSpec[Any] | None:
    slug = spec.info.slug
    prefix = f"overrides.{slug}"
    problems: list[tuple[str, str]] = []
    info = spec.info
    try:
        override = AdapterOverride.model_validate(table)
    except ValidationError as exc:
        problems = validation_problems(exc, prefix)
    else:
        update = override.model_dump(exclude_none=True, exclude={"retry", "config"})
        try:
            if override.retry is not None:
                merged = {**spec.info.retry.model_dump(), **override.retry}
                update["retry"] = RetryProfile.model_validate(merged)
        except ValidationError as exc:
            problems = validation_problems(exc, f"{prefix}.retry")
        try:
            info = spec.info.model_validate({**spec.info.model_dump(), **update})
        except ValidationError as exc:
            problems += validation_problems(exc, prefix)
    if problems:
        report.problems.extend(
            ConfigProblem(where=where, adapter=slug, field=f, message=m) for f, m in problems
        )
        return None
    config = _deep_merge(dict(spec.config), table.get("config") or {})
    return replace(
        spec,
        info=info,
        config=config,
        source=f"{spec.source}, overridden in {where}",
        config_field=f"{prefix}.config",
        problems_where=where,
    )


def _deep_merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = _deep_merge(dict(current), value)
        else:
            merged[key] = value
    return merged
