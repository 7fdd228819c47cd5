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

    # News of the case on the young person's messaging channel (Meta may be down a weekend)
    news_give_up_after: timedelta = Field(
        default=timedelta(days=3), description="A news not sent by then is not sent (said so)"
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
    upload_link_lifetime: timedelta = Field(
        default=timedelta(hours=24), description="How long a one-time upload link works"
    )
    upload_link_uses: int = Field(
        default=5, ge=1, le=50, description="Files one upload link takes, at most"
    )
    upload_link_burst: int = Field(
        default=3, ge=1, description="Files one upload link takes within a minute, at most"
    )

    def limits_in_mb(self) -> dict[str, str]:
        """The two size limits as a refusal names them (``limit``, ``video_limit``)."""
        return {
            "limit": f"{round(self.max_bytes / MB, 1):g}",
            "video_limit": f"{round(self.max_video_bytes / MB, 1):g}",
        }

    def limit_for(self, video: bool) -> int:
        return self.max_video_bytes if video else self.max_bytes


_CONVERSATION_NOT_SCALED = frozenset({"record_timeout", "record_retry_max_interval"})


class ConversationPolicy(BaseModel):
    """Every duration and limit of a conversation and of its helpline's queue, with
    production defaults. The door builds it from settings and passes it in the
    conversation's input (the queue takes it from the first conversation that starts
    it), so a test can run a morning of chats in seconds."""

    opening_hours: OpeningHours = Field(
        default_factory=OpeningHours, description="Outside them a conversation is missed"
    )
    # The queue
    offer_timeout: timedelta = Field(
        default=timedelta(seconds=30), description="An offer not accepted goes to the next"
    )
    offer_again_after: timedelta = Field(
        default=timedelta(minutes=2),
        description="A counsellor who passed on (or let lapse) a conversation is not offered "
        "it again before this",
    )
    presence_ttl: timedelta = Field(
        default=timedelta(minutes=2),
        description="Presence lapses to away without a heartbeat for this long (a console "
        "that died): consoles send one every third of it",
    )
    default_capacity: int = Field(default=2, ge=1, description="Conversations at once")
    max_capacity: int = Field(default=6, ge=1)
    prefer_language: bool = Field(
        default=True,
        description="Offer first to counsellors who speak the young person's language",
    )
    wait_estimate_window: timedelta = Field(
        default=timedelta(minutes=30),
        description="The answered conversations an expected wait is derived from",
    )
    # The young person waiting
    callback_offer_after: timedelta = Field(
        default=timedelta(minutes=10),
        description="After this long in the queue the young person may leave a way and a "
        "time to be called back instead",
    )
    # The counsellor
    transfer_timeout: timedelta = Field(
        default=timedelta(minutes=2),
        description="A transfer not accepted by then stays with the counsellor who asked",
    )
    wrap_up_within: timedelta = Field(
        default=timedelta(minutes=15),
        description="A wrap-up not written by then ends the conversation as not recorded",
    )
    # Retention of a transcript never linked to a case
    unlinked_retention: timedelta = Field(
        default=timedelta(days=30),
        description="An ended conversation never linked to a case is purged after this",
    )
    # Long life: continue-as-new before a run's history grows past this many events
    history_event_budget: int = Field(default=500, ge=100)
    # Activities that touch our own database
    record_timeout: timedelta = timedelta(seconds=30)
    record_retry_max_interval: timedelta = timedelta(minutes=1)

    @model_validator(mode="after")
    def _capacity_within_bounds(self) -> "ConversationPolicy":
        if self.default_capacity > self.max_capacity:
            raise ValueError("default_capacity must not exceed max_capacity")
        return self

    def scaled(self, factor: float) -> "ConversationPolicy":
        """The same rules with every waiting time multiplied by ``factor``."""
        values = {
            name: (
                value * factor
                if isinstance(value, timedelta) and name not in _CONVERSATION_NOT_SCALED
                else value
            )
            for name, value in self.model_dump().items()
        }
        return ConversationPolicy.model_validate(values)
