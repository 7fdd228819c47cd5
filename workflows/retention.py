"""RetentionPurgeWorkflow: at the end of retention, a closed case's personal data
becomes unreadable everywhere (its key is destroyed: histories, database, backups)
while statistics and the audit trail remain. Run daily by a Temporal schedule."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.retention import (
        DestroyCaseKeyRequest,
        DuePurgesRequest,
        PurgedCase,
        PurgeReport,
        PurgeRunInput,
    )
    from workflows.calls import call

# Our own database and key store: retried until they answer.
TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1))


@workflow.defn(name=contract.RETENTION_PURGE.name)
class RetentionPurgeWorkflow:
    @workflow.run
    async def run(self, input: PurgeRunInput) -> PurgeReport:
        due = await call(
            contract.FIND_DUE_PURGES,
            DuePurgesRequest(now=workflow.now(), limit=input.batch_size),
            summary="find cases at the end of retention",
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        for case_id in due.case_ids:
            await call(
                contract.DESTROY_CASE_KEY,
                DestroyCaseKeyRequest(case_id=case_id),
                summary=f"destroy the key of case {case_id}",
                start_to_close_timeout=TIMEOUT,
                retry_policy=RETRY,
            )
            await call(
                contract.MARK_PURGED,
                PurgedCase(case_id=case_id, at=workflow.now()),
                summary=f"record the purge of case {case_id}",
                start_to_close_timeout=TIMEOUT,
                retry_policy=RETRY,
            )
        workflow.set_current_details(f"{len(due.case_ids)} case(s) purged")
        return PurgeReport(purged=due.case_ids)
