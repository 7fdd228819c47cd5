"""The adapter registry: every platform and partner a case can reach, and every
messaging channel young people write on, by slug.

Built once at worker and API start by :func:`load_registry` (built-in adapters,
entry-point plugins, then the configuration file). It hands out a fresh channel per
call, built from the adapter's configuration, and a :class:`PartnerCatalog` snapshot
for workflows. Domain code never imports an adapter: it asks the registry.
"""

import os
from collections.abc import Iterable
from typing import Any

from domain.catalog import PartnerCatalog, PartnerKind
from partners.base import ConversationChannel, HandoffChannel, NoticeChannel
from partners.errors import UnknownAdapterError
from partners.problems import ConfigProblem
from partners.spec import AdapterSpec, ConfiguredAdapter

__all__ = ["AdapterRegistry", "AdapterSpec", "ConfiguredAdapter"]


class AdapterRegistry:
    """``problems``: what failed to load when the settings tolerate load errors
    (``RELAIS_ADAPTERS_TOLERATE_ERRORS``); shown by ``GET /adapters``."""

    def __init__(
        self,
        adapters: Iterable[ConfiguredAdapter[Any]] = (),
        problems: Iterable[ConfigProblem] = (),
    ) -> None:
        self._adapters: dict[str, ConfiguredAdapter[Any]] = {}
        for adapter in adapters:
            self._adapters[adapter.info.slug] = adapter
        self.problems: list[ConfigProblem] = list(problems)

    def register(self, adapter: ConfiguredAdapter[Any] | AdapterSpec[Any]) -> None:
        """Add or replace one adapter (tests and tools; start-up uses the loader).
        A spec is configured from the process environment first."""
        if isinstance(adapter, AdapterSpec):
            adapter = adapter.configure(os.environ)
        self._adapters[adapter.info.slug] = adapter

    def adapters(self) -> list[ConfiguredAdapter[Any]]:
        return [self._adapters[slug] for slug in sorted(self._adapters)]

    def specs(self) -> list[AdapterSpec[Any]]:
        return [adapter.spec for adapter in self.adapters()]

    def get(self, slug: str) -> ConfiguredAdapter[Any] | None:
        return self._adapters.get(slug)

    def catalog(self) -> PartnerCatalog:
        platforms = {a.info.slug: a.info for a in self._adapters.values() if a.spec.notice_channel}
        partners = {a.info.slug: a.info for a in self._adapters.values() if a.spec.handoff_channel}
        return PartnerCatalog(platforms=platforms, partners=partners)

    def notice_channel(self, slug: str, *, sandbox: bool = False) -> NoticeChannel:
        adapter = self._adapters.get(slug)
        channel = adapter.notice_channel(sandbox=sandbox) if adapter else None
        if channel is None:
            raise UnknownAdapterError(f"no platform adapter registered as '{slug}'")
        return channel

    def handoff_channel(self, slug: str, *, sandbox: bool = False) -> HandoffChannel:
        adapter = self._adapters.get(slug)
        channel = adapter.handoff_channel(sandbox=sandbox) if adapter else None
        if channel is None:
            raise UnknownAdapterError(f"no partner adapter registered as '{slug}'")
        return channel

    def conversation_channel(self, slug: str, *, sandbox: bool = False) -> ConversationChannel:
        """A fresh messaging channel (the webhook door: ``/inbound/channels/{slug}``)."""
        adapter = self._adapters.get(slug)
        channel = adapter.conversation_channel(sandbox=sandbox) if adapter else None
        if channel is None:
            raise UnknownAdapterError(f"no messaging channel registered as '{slug}'")
        return channel

    def channel_slugs(self) -> list[str]:
        """The messaging channels, by slug."""
        return sorted(s for s, a in self._adapters.items() if a.spec.conversation_channel)

    def kinds(self) -> dict[str, PartnerKind]:
        return {slug: adapter.info.kind for slug, adapter in self._adapters.items()}
