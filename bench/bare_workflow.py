"""The bare-Temporal baseline's workflow: two trivial activities, nothing else (its
own module, so the workflow sandbox imports nothing but temporalio)."""

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

TRIVIAL = {
    "start_to_close_timeout": timedelta(seconds=10),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=1)),
}


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
        value = await workflow.execute_activity(first_step, value, **TRIVIAL)  # type: ignore[arg-type]
        return await workflow.execute_activity(second_step, value, **TRIVIAL)  # type: ignore[arg-type]
