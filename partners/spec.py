"""An adapter registration (:class:`AdapterSpec`) and a configured adapter
(:class:`ConfiguredAdapter`).

A spec declares everything Relais must know about an adapter before building it:
slug, display name, kind, delivery (webhook or poll) and retry profile (in its
:class:`AdapterInfo`), its configuration model and default configuration, and one
factory per capability (notice, handoff, conversation). Built-in adapters,
entry-point plugins and declarative adapters from a configuration file all arrive as
specs.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from domain.catalog import AdapterInfo
from partners.base import AdapterConfig, ConversationChannel, HandoffChannel, NoticeChannel
from partners.env_refs import resolve_env
from partners.problems import ConfigInvalid, validation_problems

C = TypeVar("C", bound=AdapterConfig)

NoticeFactory = Callable[[AdapterInfo, C], NoticeChannel]
HandoffFactory = Callable[[AdapterInfo, C], HandoffChannel]
ConversationFactory = Callable[[AdapterInfo, C], ConversationChannel]


class Capability(StrEnum):
    NOTICE = "notice"
    HANDOFF = "handoff"
    CONVERSATION = "conversation"


@dataclass(frozen=True)
class AdapterSpec(Generic[C]):
    """``config`` holds default configuration values (they may reference the
    environment as ``${VAR}``); a configuration file's ``[overrides.<slug>]`` table
    is merged over them before ``config_model`` validates the result. Errors name a
    field as ``<config_field>.<field>`` (declarative adapters use their own table)
    and the place as ``problems_where`` (the file that overrode it), else ``source``."""

    info: AdapterInfo
    config_model: type[C]
    notice_channel: NoticeFactory[C] | None = None
    handoff_channel: HandoffFactory[C] | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    source: str = "built-in"
    config_field: str = field(default="config", compare=False)
    problems_where: str | None = field(default=None, compare=False)
    # Last, so that specs written positionally before it existed keep their meaning.
    conversation_channel: ConversationFactory[C] | None = None

    @property
    def capabilities(self) -> list[Capability]:
        found: list[Capability] = []
        if self.notice_channel is not None:
            found.append(Capability.NOTICE)
        if self.handoff_channel is not None:
            found.append(Capability.HANDOFF)
        if self.conversation_channel is not None:
            found.append(Capability.CONVERSATION)
        return found

    def configure(self, environ: Mapping[str, str]) -> "ConfiguredAdapter[C]":
        """Resolve ``${VAR}`` references and validate the configuration.

        Raises :class:`ConfigInvalid` naming each bad field (``config.<field>``).
        """
        if not self.capabilities:
            raise ConfigInvalid(
                [("", "declares no capability (no notice, handoff or conversation channel)")]
            )
        raw = resolve_env(dict(self.config), environ, self.config_field)
        try:
            config = self.config_model.model_validate(raw)
        except ValidationError as exc:
            raise ConfigInvalid(validation_problems(exc, self.config_field)) from None
        return ConfiguredAdapter(self, config)


@dataclass(frozen=True)
class ConfiguredAdapter(Generic[C]):
    """A spec with its validated configuration: builds a fresh channel per call."""

    spec: AdapterSpec[C]
    config: C

    @property
    def info(self) -> AdapterInfo:
        return self.spec.info

    def notice_channel(self, *, sandbox: bool = False) -> NoticeChannel | None:
        factory = self.spec.notice_channel
        if factory is None:
            return None
        return factory(self.info, self.config.sandbox() if sandbox else self.config)

    def handoff_channel(self, *, sandbox: bool = False) -> HandoffChannel | None:
        factory = self.spec.handoff_channel
        if factory is None:
            return None
        return factory(self.info, self.config.sandbox() if sandbox else self.config)

    def conversation_channel(self, *, sandbox: bool = False) -> ConversationChannel | None:
        factory = self.spec.conversation_channel
        if factory is None:
            return None
        return factory(self.info, self.config.sandbox() if sandbox else self.config)
