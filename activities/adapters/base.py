"""The adapter contract: one abstract base per capability.

A *notice channel* is a platform's trusted-flagger channel; a *handoff channel* is a
partner's referral intake. An adapter is built per call from its configuration, so
adapters hold no shared mutable state.
"""

from abc import ABC, abstractmethod

from workflows.models.catalog import AdapterInfo
from workflows.models.notice import NoticeDecision, NoticeReceipt, SubmitNoticeRequest
from workflows.models.personal import ItemLocation
from workflows.models.referral import HandoffReceipt, HandoffRequest, HandoffStatus


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
