"""How workflows call activities: by their declaration in :mod:`domain.contract`
(workflows never import activity code), with timeouts and retry policies derived
from an adapter's retry profile or from the case policy."""

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ActivityHandle

from domain.catalog import RetryProfile
from domain.contract import PERMANENT_PARTNER_ERROR, Activity
from domain.policy import CasePolicy


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


def partner_attempt(profile: RetryProfile) -> dict[str, Any]:
    """Options for one attempt at a partner, no retry: for a workflow that retries
    itself, so it knows (and says) how many attempts failed and when the next one is."""
    return {
        "start_to_close_timeout": profile.attempt_timeout,
        "retry_policy": RetryPolicy(maximum_attempts=1),
    }


def permanent(error: ActivityError) -> bool:
    """The adapter said retrying cannot help (a 4xx, a URL we must not fetch)."""
    cause = error.cause
    return isinstance(cause, ApplicationError) and (
        cause.non_retryable or cause.type == PERMANENT_PARTNER_ERROR
    )


def record_call(policy: CasePolicy) -> dict[str, Any]:
    """Options for a write to our own database: retried until it lands."""
    return {
        "start_to_close_timeout": policy.record_timeout,
        "retry_policy": RetryPolicy(
            initial_interval=timedelta(seconds=1),
            maximum_interval=policy.record_retry_max_interval,
        ),
    }


RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")


async def call(activity: Activity[RequestT, ResultT], request: RequestT, **options: Any) -> ResultT:
    """Run ``activity`` to its end; ``options`` are timeouts, retry policy, summary."""
    result: ResultT = await workflow.execute_activity(
        activity.name, request, result_type=activity.result, **options
    )
    return result


def start(
    activity: Activity[RequestT, ResultT], request: RequestT, **options: Any
) -> ActivityHandle[ResultT]:
    """Start ``activity`` and hand back its handle (to cancel it, or wait with others)."""
    handle: ActivityHandle[ResultT] = workflow.start_activity(
        activity.name, request, result_type=activity.result, **options
    )
    return handle
