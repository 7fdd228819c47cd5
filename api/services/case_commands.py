"""Query and update a running case, translating Temporal's errors into domain ones.

Updates are addressed by name (``domain.messages``) with ``result_type=``: the API
never imports workflow code. An update id derived from the caller's
``Idempotency-Key`` lets a client retry safely: Temporal runs an update id once.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.services.errors import (
    Conflict,
    NotFound,
    RequestRejected,
    Unavailable,
    temporal_unavailable,
)
from api.services.rejections import problems_from
from domain import contract
from domain.case import (
    CallbackOutcomeRequest,
    CaseView,
    ClaimCallbackRequest,
    CloseRequest,
    NoticeReviewRequest,
    NoticeReviewResult,
    ReopenRequest,
    RescheduleCallbackRequest,
    WithdrawConsentRequest,
)
from domain.items import AddItemsRequest, AddItemsResult
from domain.referral import ReferralOutcome, ReferralRequest

ResultT = TypeVar("ResultT", bound=BaseModel)

# A case answers queries and validates updates from memory: if it takes longer,
# its worker is down or overloaded and the counsellor should hear so, not wait.
QUERY_TIMEOUT = timedelta(seconds=10)
UPDATE_TIMEOUT = timedelta(seconds=30)


def update_id(action: str, subject: str, idempotency_key: str | None) -> str | None:
    return None if idempotency_key is None else f"{action}:{subject}:{idempotency_key}"


class CaseCommands:
    def __init__(
        self,
        client: Client,
        *,
        query_timeout: timedelta = QUERY_TIMEOUT,
        update_timeout: timedelta = UPDATE_TIMEOUT,
    ) -> None:
        self._client = client
        self._query_timeout = query_timeout
        self._update_timeout = update_timeout

    def _handle(self, case_id: str) -> WorkflowHandle[object, object]:
        return self._client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))

    async def view(self, case_id: str) -> CaseView:
        handle = self._handle(case_id)
        try:
            view: CaseView = await handle.query(
                contract.CASE_VIEW.name, result_type=CaseView, rpc_timeout=self._query_timeout
            )
        except WorkflowQueryFailedError as err:
            raise Unavailable(f"case {case_id} could not answer: {err.message}") from err
        except RPCError as err:
            raise _translate(err, case_id) from err
        return view

    async def add_items(
        self, case_id: str, request: AddItemsRequest, key: str | None
    ) -> AddItemsResult:
        return await self._update(
            case_id,
            contract.ADD_ITEMS.name,
            request,
            AddItemsResult,
            update_id("items", request.requested_by, key),
        )

    async def request_referral(
        self, case_id: str, request: ReferralRequest, key: str | None
    ) -> ReferralOutcome:
        return await self._update(
            case_id,
            contract.REQUEST_REFERRAL.name,
            request,
            ReferralOutcome,
            update_id("referral", request.requested_by, key),
        )

    async def record_callback_outcome(
        self, case_id: str, request: CallbackOutcomeRequest, key: str | None
    ) -> CaseView:
        return await self._update(
            case_id,
            contract.RECORD_CALLBACK_OUTCOME.name,
            request,
            CaseView,
            update_id("callback", request.recorded_by, key),
        )

    async def close(self, case_id: str, request: CloseRequest, key: str | None) -> CaseView:
        return await self._update(
            case_id,
            contract.CLOSE.name,
            request,
            CaseView,
            update_id("close", request.closed_by, key),
        )

    async def review_notice(
        self, case_id: str, request: NoticeReviewRequest, key: str | None
    ) -> NoticeReviewResult:
        return await self._update(
            case_id,
            contract.REVIEW_NOTICE.name,
            request,
            NoticeReviewResult,
            update_id("review", request.reviewed_by, key),
        )

    async def withdraw_consent(
        self, case_id: str, request: WithdrawConsentRequest, key: str | None
    ) -> CaseView:
        return await self._update(
            case_id,
            contract.WITHDRAW_CONSENT.name,
            request,
            CaseView,
            update_id("consent", request.withdrawn_by, key),
        )

    async def claim_callback(self, case_id: str, request: ClaimCallbackRequest) -> CaseView:
        # Claiming is idempotent in itself: the same counsellor may claim again.
        return await self._update(case_id, contract.CLAIM_CALLBACK.name, request, CaseView, None)

    async def reschedule_callback(
        self, case_id: str, request: RescheduleCallbackRequest, key: str | None
    ) -> CaseView:
        return await self._update(
            case_id,
            contract.RESCHEDULE_CALLBACK.name,
            request,
            CaseView,
            update_id("reschedule", request.rescheduled_by, key),
        )

    async def reopen(self, case_id: str, request: ReopenRequest, key: str | None) -> CaseView:
        return await self._update(
            case_id,
            contract.REOPEN.name,
            request,
            CaseView,
            update_id("reopen", request.reopened_by, key),
        )

    async def _update(
        self,
        case_id: str,
        name: str,
        request: BaseModel,
        result_type: type[ResultT],
        update_id: str | None,
    ) -> ResultT:
        handle = self._handle(case_id)
        call: Awaitable[ResultT] = handle.execute_update(
            name, request, id=update_id, result_type=result_type
        )
        seconds = self._update_timeout.total_seconds()
        return await run_update(
            call,
            self._update_timeout,
            timed_out=f"case {case_id} did not answer within {seconds:.0f}s;"
            " retry with the same Idempotency-Key to avoid doing it twice",
            translate=lambda err: _translate(err, case_id),
        )


async def run_update(
    call: Awaitable[ResultT],
    within: timedelta,
    *,
    timed_out: str,
    translate: Callable[[RPCError], Exception],
) -> ResultT:
    """Await an update ``within`` its time: a rejection names its problems, a timeout
    says how to retry (``timed_out``), other Temporal errors go through ``translate``."""
    try:
        async with asyncio.timeout(within.total_seconds()):
            return await call
    except WorkflowUpdateFailedError as err:
        raise RequestRejected(problems_from(err.cause)) from err
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
        raise Unavailable(timed_out) from err
    except RPCError as err:
        raise translate(err) from err


def _translate(err: RPCError, case_id: str) -> Exception:
    if err.status == RPCStatusCode.NOT_FOUND:
        if "completed" in err.message:
            return Conflict(f"case {case_id} is closed")
        return NotFound(f"no case {case_id}")
    if temporal_unavailable(err):
        return Unavailable(f"case {case_id} did not answer in time; retry later")
    return err
