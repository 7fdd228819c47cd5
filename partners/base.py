"""The adapter contract: one abstract base per capability, and the base of every
adapter's configuration.

A *notice channel* is a platform's trusted-flagger channel; a *handoff channel* is a
partner's referral intake. An adapter is built per call from its
:class:`AdapterInfo` and its validated configuration, so adapters hold no shared
mutable state. What an adapter raises is in :mod:`partners.errors`.
"""

from abc import ABC, abstractmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from domain.catalog import AdapterInfo
from domain.notice import NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffReceipt, HandoffRequest, HandoffStatus
from partners.errors import SandboxUnavailable


class AdapterConfig(BaseModel):
    """Base of an adapter's configuration model.

    Secrets are ``SecretStr`` fields (never printed, never logged). String values may
    reference the environment as ``${VAR}``: the registry resolves them when it loads
    the adapter, so a configuration file never holds a secret itself.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    def sandbox(self) -> Self:
        """The configuration that reaches this adapter's sandbox (test mode), used by
        ``POST /adapters/{slug}/test-notice`` and ``/test-handoff``. Override it;
        by default an adapter has none."""
        raise SandboxUnavailable("this adapter declares no sandbox")


class NoticeChannel(ABC):
    def __init__(self, info: AdapterInfo) -> None:
        self.info = info

    @abstractmethod
    async def submit_notice(self, request: SubmitNoticeRequest) -> NoticeReceipt:
        """Send a notice. Must be idempotent on ``request.idempotency_key``."""

    @abstractmethod
    async def fetch_decision(self, platform_reference: str) -> NoticeDecision | None:
        """The platform's decision, or None while it has not decided."""

    @abstractmethod
    async def is_content_online(self, location: ItemLocation) -> bool:
        """Our own check that the content is (still) reachable."""


class HandoffChannel(ABC):
    def __init__(self, info: AdapterInfo) -> None:
        self.info = info

    @abstractmethod
    async def hand_over(self, request: HandoffRequest) -> HandoffReceipt:
        """Hand a referral over. Must be idempotent on ``request.idempotency_key``."""

    @abstractmethod
    async def fetch_status(self, partner_reference: str) -> HandoffStatus:
        """Where the partner stands with the referral."""
