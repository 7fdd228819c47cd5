"""The bare-Temporal baseline's workflow: two trivial activities, nothing else (its
own module, so the workflow sandbox imports nothing but temporalio)."""

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

TIMEOUT = timedelta(seconds=10)
RETRY = RetryPolicy(maximum_interval=timedelta(seconds=1))


@activity.defn
async def first_step(value: str) -> str:
    return value + "-1"


@activity.defn
async def second_step(value: str) -> str:
    return value + "-2"


@workflow.defn
class BareWorkflow:
    @workflow.run
    async def run(self, value: str) -> str:
        value = await workflow.execute_activity(
            first_step, value, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )
        return await workflow.execute_activity(
            second_step, value, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )
