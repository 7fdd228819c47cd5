"""The adapter registry: every platform and partner a case can reach, by slug.

Built once at worker and API start. It hands out a fresh adapter per call (built from
the adapter's configuration) and a :class:`PartnerCatalog` snapshot for workflows.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from activities.adapters.base import HandoffChannel, NoticeChannel
from activities.adapters.errors import UnknownAdapterError
from relais.settings import Settings
from workflows.models.catalog import AdapterInfo, PartnerCatalog
from workflows.models.enums import PartnerKind


@dataclass(frozen=True)
class AdapterSpec:
    info: AdapterInfo
    notice_channel: Callable[[AdapterInfo], NoticeChannel] | None = None
    handoff_channel: Callable[[AdapterInfo], HandoffChannel] | None = None
    source: str = "builtin"


class AdapterRegistry:
    def __init__(self, specs: Iterable[AdapterSpec]) -> None:
        self._specs: dict[str, AdapterSpec] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: AdapterSpec) -> None:
        """Add or replace an adapter (configuration overrides a built-in)."""
        if spec.notice_channel is None and spec.handoff_channel is None:
            raise ValueError(f"adapter '{spec.info.slug}' declares no capability")
        self._specs[spec.info.slug] = spec

    def specs(self) -> list[AdapterSpec]:
        return [self._specs[slug] for slug in sorted(self._specs)]

    def catalog(self) -> PartnerCatalog:
        platforms = {
            s.info.slug: s.info for s in self._specs.values() if s.notice_channel is not None
        }
        partners = {
            s.info.slug: s.info for s in self._specs.values() if s.handoff_channel is not None
        }
        return PartnerCatalog(platforms=platforms, partners=partners)

    def notice_channel(self, slug: str) -> NoticeChannel:
        spec = self._specs.get(slug)
        if spec is None or spec.notice_channel is None:
            raise UnknownAdapterError(f"no platform adapter registered as '{slug}'")
        return spec.notice_channel(spec.info)

    def handoff_channel(self, slug: str) -> HandoffChannel:
        spec = self._specs.get(slug)
        if spec is None or spec.handoff_channel is None:
            raise UnknownAdapterError(f"no partner adapter registered as '{slug}'")
        return spec.handoff_channel(spec.info)

    def kinds(self) -> dict[str, PartnerKind]:
        return {slug: spec.info.kind for slug, spec in self._specs.items()}


def load_registry(settings: Settings) -> AdapterRegistry:
    """Built-in adapters, pointed at ``settings.simulator_url`` in the local run."""
    from activities.adapters.builtin import builtin_specs

    return AdapterRegistry(builtin_specs(settings))
