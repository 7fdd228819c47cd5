"""Every duration of a case journey in one object, with production defaults.

The API builds it from settings and passes it in each workflow's input, so a test
(or a helpline with other rules) can run the same journey in seconds.
"""

from datetime import timedelta

from pydantic import BaseModel, Field, model_validator

from domain.callback_window import OpeningHours

_NOT_SCALED = frozenset({"record_timeout", "record_retry_max_interval"})
MB = 1_000_000


class CasePolicy(BaseModel):
    # Takedown
    renotice_interval: timedelta = Field(
        default=timedelta(hours=24), description="Re-notice while a platform stays silent"
    )
    default_decision_sla: timedelta = Field(
        default=timedelta(hours=24), description="Escalate when a platform has not decided"
    )
    decision_poll_interval: timedelta = Field(
        default=timedelta(minutes=15), description="First poll delay for polled platforms"
    )
    decision_poll_max_interval: timedelta = timedelta(hours=2)
    verification_retry_interval: timedelta = Field(
        default=timedelta(hours=1), description="Re-check a URL a platform says it removed"
    )
    verification_attempts: int = Field(default=3, ge=1)
    max_renotices: int = Field(default=7, ge=0)

    # Referrals
    emergency_handoff_deadline: timedelta = Field(
        default=timedelta(hours=2), description="119 / police: ask for a phone handoff after this"
    )
    handoff_deadline: timedelta = Field(
        default=timedelta(days=2), description="Other partners: ask for a phone handoff after this"
    )
    referral_poll_interval: timedelta = timedelta(minutes=30)
    referral_outcome_wait: timedelta = Field(
        default=timedelta(days=14), description="Stop following a partner's outcome after this"
    )

    # Callback
    callback_delay: timedelta = Field(
        default=timedelta(hours=48), description="After the last outcome, call the young person"
    )
    callback_attempt_spacing: timedelta = timedelta(hours=24)
    callback_max_attempts: int = Field(default=3, ge=1)
    callback_overdue_after: timedelta = Field(
        default=timedelta(hours=24), description="A due callback not answered escalates"
    )
    callback_claim_within: timedelta = Field(
        default=timedelta(hours=2), description="A due callback nobody claimed escalates"
    )
    opening_hours: OpeningHours = Field(default_factory=OpeningHours)

    # Closure and retention
    reopen_window: timedelta = Field(
        default=timedelta(days=30), description="A closed case can be reopened for this long"
    )
    retention: timedelta = Field(
        default=timedelta(days=365), description="Personal data is purged this long after closure"
    )

    # Long life: continue-as-new before a run's history grows past this many events
    history_event_budget: int = Field(
        default=500,
        ge=100,
        description="Checked between steps: one step (an update starting 25 notices) can add "
        "a few hundred events, so this leaves room under ~1,000 per run",
    )

    # Activities that touch our own database
    record_timeout: timedelta = timedelta(seconds=30)
    record_retry_max_interval: timedelta = timedelta(minutes=1)

    @model_validator(mode="after")
    def _retention_outlives_reopening(self) -> "CasePolicy":
        if self.retention < self.reopen_window:
            raise ValueError("retention must be at least the reopen window")
        return self

    def scaled(self, factor: float) -> "CasePolicy":
        """The same journey with every waiting time multiplied by ``factor`` (for
        tests and local demos); timeouts of our own database writes stay as they are."""
        values = {
            name: (
                value * factor
                if isinstance(value, timedelta) and name not in _NOT_SCALED
                else value
            )
            for name, value in self.model_dump().items()
        }
        return CasePolicy.model_validate(values)


class EvidencePolicy(BaseModel):
    """What the helpline accepts as evidence, and when two images are the same.

    Apart from :class:`CasePolicy` because no workflow needs it: the doors and the
    evidence intake read it from settings (``RELAIS_EVIDENCE_POLICY``)."""

    max_bytes: int = Field(
        default=25 * MB, ge=1, description="Largest image, PDF or text file accepted"
    )
    max_video_bytes: int = Field(default=200 * MB, ge=1, description="Largest video accepted")
    max_image_pixels: int = Field(
        default=40_000_000,
        ge=1,
        description="Width x height read from an image's header; above it the image is "
        "refused before it is decoded (a decompression bomb)",
    )
    pdq_match_distance: int = Field(
        default=31, ge=0, le=128, description="Two PDQ hashes this close are the same image"
    )
    pdq_min_quality: int = Field(
        default=50, ge=0, le=100, description="PDQ hashes below this quality are not matched on"
    )

    def limit_for(self, video: bool) -> int:
        return self.max_video_bytes if video else self.max_bytes
