"""What the workflows know of platforms and partners: a snapshot of the adapter
registry taken by the API when it starts or updates a case.

Workflows never load adapters (that is I/O); they read this catalog to validate a
slug, to pick a retry policy and to know whether a decision comes by webhook or
must be polled.
"""

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, Field


class PartnerKind(StrEnum):
    PLATFORM = "platform"
    AUTHORITY = "authority"
    POLICE = "police"
    CHILD_PROTECTION = "child_protection"
    VICTIM_SUPPORT = "victim_support"
    OTHER = "other"
    MESSAGING = "messaging"  # a messaging channel young people write on (WhatsApp, ...)


class DeliveryMode(StrEnum):
    """How a platform or partner tells us its decision."""

    WEBHOOK = "webhook"
    POLL = "poll"


# Partners the rules name (triage alerts the police and 119, a refused notice may go
# to Pharos): their adapters must register under these slugs.
PHAROS = "pharos"
POLICE = "police"
CHILD_PROTECTION_119 = "enfance-en-danger-119"
FRANCE_VICTIMES = "france-victimes"


class RetryProfile(BaseModel):
    """How long and how fast to retry an adapter that fails transiently."""

    initial_interval: timedelta = timedelta(seconds=10)
    backoff_coefficient: float = Field(default=2.0, ge=1.0)
    maximum_interval: timedelta = timedelta(hours=1)
    give_up_after: timedelta = Field(
        default=timedelta(days=3),
        description="Retries stop after this long (a partner may be down over a weekend)",
    )
    attempt_timeout: timedelta = timedelta(seconds=30)

    def wait_after(self, failed_attempts: int) -> timedelta:
        """How long to wait after the ``failed_attempts``-th failed attempt before the
        next one: capped exponential backoff, as a Temporal retry policy computes it."""
        interval = self.initial_interval
        for _ in range(failed_attempts - 1):
            if interval >= self.maximum_interval:
                break
            interval *= self.backoff_coefficient
        return min(interval, self.maximum_interval)


class AdapterInfo(BaseModel):
    slug: str
    display_name: str
    kind: PartnerKind
    delivery: DeliveryMode = DeliveryMode.WEBHOOK
    retry: RetryProfile = Field(default_factory=RetryProfile)
    decision_sla: timedelta | None = Field(
        default=None, description="Platforms: how long a decision may take before escalation"
    )


class PartnerCatalog(BaseModel):
    platforms: dict[str, AdapterInfo] = Field(default_factory=dict)
    partners: dict[str, AdapterInfo] = Field(default_factory=dict)

    def platform(self, slug: str) -> AdapterInfo | None:
        return self.platforms.get(slug)

    def partner(self, slug: str) -> AdapterInfo | None:
        return self.partners.get(slug)
