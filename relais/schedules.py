"""Temporal schedules the system relies on, created (once) when a worker starts."""

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
)

from domain import contract
from domain.retention import PurgeRunInput

RETENTION_SCHEDULE_ID = "relais-retention-purge"


async def ensure_retention_schedule(
    client: Client, task_queue: str, every: timedelta = timedelta(days=1)
) -> bool:
    """Create the daily retention purge; False when it already exists."""
    try:
        await client.create_schedule(
            RETENTION_SCHEDULE_ID,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    contract.RETENTION_PURGE.name,
                    PurgeRunInput(),
                    id=RETENTION_SCHEDULE_ID,
                    task_queue=task_queue,
                ),
                spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
            ),
        )
    except ScheduleAlreadyRunningError:
        return False
    return True
