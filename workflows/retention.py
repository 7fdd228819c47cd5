"""RetentionPurgeWorkflow: at the end of retention, a closed case's personal data
becomes unreadable everywhere (its key is destroyed: histories, database, backups)
while statistics and the audit trail remain. Run daily by a Temporal schedule."""

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.case_keys import CaseKeyActivities, DestroyCaseKeyRequest
    from activities.retention import DuePurgesRequest, PurgedCase, RetentionActivities
    from workflows import names

# Our own database and key store: retried until they answer.
TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))


class PurgeRunInput(BaseModel):
    batch_size: int = Field(default=500, ge=1, le=1000)


class PurgeReport(BaseModel):
    purged: list[str]


@workflow.defn(name=names.RETENTION_PURGE_WORKFLOW)
class RetentionPurgeWorkflow:
    @workflow.run
    async def run(self, input: PurgeRunInput) -> PurgeReport:
        due: list[str] = await workflow.execute_activity_method(
            RetentionActivities.find_due_purges,
            DuePurgesRequest(now=workflow.now(), limit=input.batch_size),
            summary="find cases at the end of retention",
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        for case_id in due:
            await workflow.execute_activity_method(
                CaseKeyActivities.destroy_case_key,
                DestroyCaseKeyRequest(case_id=case_id),
                summary=f"destroy the key of case {case_id}",
                start_to_close_timeout=TIMEOUT,
                retry_policy=RETRY,
            )
            await workflow.execute_activity_method(
                RetentionActivities.mark_purged,
                PurgedCase(case_id=case_id, at=workflow.now()),
                summary=f"record the purge of case {case_id}",
                start_to_close_timeout=TIMEOUT,
                retry_policy=RETRY,
            )
        workflow.set_current_details(f"{len(due)} case(s) purged")
        return PurgeReport(purged=due)
