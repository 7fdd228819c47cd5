"""What integrators and supervisors read about adapters: kind, capabilities, where
each came from, and its health (last success, last failure and why)."""

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.catalog import DeliveryMode, PartnerKind, RetryProfile
from domain.notice import AttachmentLimits
from partners.problems import ConfigProblem
from partners.sandbox import SandboxSendResult
from partners.spec import Capability


class HealthStatus(StrEnum):
    UNKNOWN = "unknown"  # no call yet
    OK = "ok"  # the last call succeeded
    FAILING = "failing"  # the last call failed


class AdapterHealthRead(BaseModel):
    status: HealthStatus = HealthStatus.UNKNOWN
    last_success_at: datetime | None = None
    last_success_operation: str | None = None
    last_failure_at: datetime | None = None
    last_failure_operation: str | None = None
    last_failure_reason: str | None = Field(default=None, description="No personal data")
    last_failure_permanent: bool | None = None
    failures_since_success: int = 0


class AdapterRead(BaseModel):
    slug: str
    display_name: str
    kind: PartnerKind
    capabilities: list[Capability]
    delivery: DeliveryMode
    retry: RetryProfile
    decision_sla: timedelta | None = None
    source: str | None = Field(default=None, description="Built-in, entry point or file")
    sandbox: bool = Field(default=False, description="A test send can reach a sandbox")
    accepts_attachments: AttachmentLimits | None = Field(
        default=None,
        description="Platforms: the files their channel takes beside a notice (the item's "
        "sanitised screenshots); none: the notice lists the evidence hashes only",
    )
    health: AdapterHealthRead


class AdapterProblemRead(BaseModel):
    where: str
    adapter: str | None = None
    field: str | None = None
    message: str
    text: str = Field(description="The whole problem on one line, as logged")

    @classmethod
    def of(cls, problem: ConfigProblem) -> "AdapterProblemRead":
        return cls(**problem.model_dump(), text=str(problem))


class AdapterList(BaseModel):
    adapters: list[AdapterRead]
    problems: list[AdapterProblemRead] = Field(
        default_factory=list, description="Adapters that failed to load (tolerated at start)"
    )


class ValidatedAdapter(BaseModel):
    slug: str
    kind: PartnerKind
    capabilities: list[Capability]
    source: str


class ValidationReport(BaseModel):
    valid: bool
    problems: list[AdapterProblemRead]
    adapters: list[ValidatedAdapter] = Field(description="What would be registered")
    notes: list[str] = Field(default_factory=list)


TestSendRead = SandboxSendResult
