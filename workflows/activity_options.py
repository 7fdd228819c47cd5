"""Timeouts and retry policies for activity calls, derived from an adapter's
retry profile or from the case policy. Pure: safe to use inside workflows."""

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy

from workflows.models.catalog import RetryProfile
from workflows.rules.policy import CasePolicy

PERMANENT_PARTNER_ERROR = "PermanentPartnerError"


def partner_call(profile: RetryProfile, give_up_after: timedelta | None = None) -> dict[str, Any]:
    """Options for a call to a platform or partner: retried with capped exponential
    backoff for as long as the partner's profile allows (days), never on a
    permanent refusal."""
    return {
        "start_to_close_timeout": profile.attempt_timeout,
        "schedule_to_close_timeout": give_up_after or profile.give_up_after,
        "retry_policy": RetryPolicy(
            initial_interval=profile.initial_interval,
            backoff_coefficient=profile.backoff_coefficient,
            maximum_interval=profile.maximum_interval,
            non_retryable_error_types=[PERMANENT_PARTNER_ERROR],
        ),
    }


def record_call(policy: CasePolicy) -> dict[str, Any]:
    """Options for a write to our own database: retried until it lands."""
    return {
        "start_to_close_timeout": policy.record_timeout,
        "retry_policy": RetryPolicy(
            initial_interval=timedelta(seconds=1),
            maximum_interval=policy.record_retry_max_interval,
        ),
    }
