"""Query and update a running case, translating Temporal's errors into domain ones.

Every update goes through :meth:`CaseCommands.update` with its declaration in
:mod:`domain.contract` (wire name, request and result types): no door and no
service imports workflow code. An update id derived from the caller's ``Idempotency-Key``
lets a client retry safely: Temporal runs an update id once.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from application.errors import (
    Conflict,
    NotFound,
    RequestRejected,
    Unavailable,
    temporal_unavailable,
)
from application.rejections import problems_from
from domain import contract
from domain.case import CaseView
from domain.contract import Query, Update


class Acted(Protocol):
    """Every request a case takes says who does it."""

    @property
    def actor(self) -> str: ...


RequestT = TypeVar("RequestT", bound=Acted)
ResultT = TypeVar("ResultT")

# A case answers queries and validates updates from memory: if it takes longer,
# its worker is down or overloaded and the counsellor should hear so, not wait.
QUERY_TIMEOUT = timedelta(seconds=10)
UPDATE_TIMEOUT = timedelta(seconds=30)


def update_id(name: str, actor: str, idempotency_key: str | None) -> str | None:
    """One update per caller, request and ``Idempotency-Key``; none without a key."""
    return None if idempotency_key is None else f"{name}:{actor}:{idempotency_key}"


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

    def _handle(self, case_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))

    async def exists(self, case_id: str) -> bool:
        """Whether the case was ever opened (running or closed): one look at its workflow."""
        try:
            await self._handle(case_id).describe(rpc_timeout=self._query_timeout)
        except RPCError as err:
            if err.status is RPCStatusCode.NOT_FOUND:
                return False
            raise _translate(err, case_id) from err
        return True

    async def view(self, case_id: str) -> CaseView:
        return await self.query(case_id, contract.CASE_VIEW)

    async def query(self, case_id: str, query: Query[ResultT]) -> ResultT:
        """Ask the case ``query``; answered from the workflow's memory."""
        handle = self._handle(case_id)
        try:
            answer: ResultT = await handle.query(
                query.name, result_type=query.result, rpc_timeout=self._query_timeout
            )
        except WorkflowQueryFailedError as err:
            raise Unavailable(f"case {case_id} could not answer: {err.message}") from err
        except RPCError as err:
            raise _translate(err, case_id) from err
        return answer

    async def update(
        self,
        case_id: str,
        update: Update[RequestT, ResultT],
        request: RequestT,
        idempotency_key: str | None = None,
    ) -> ResultT:
        """Send ``request`` to the case as ``update``; a rejection names its problems."""
        call: Awaitable[ResultT] = self._handle(case_id).execute_update(
            update.name,
            request,
            id=update_id(update.name, request.actor, idempotency_key),
            result_type=update.result,
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
    if err.status == RPCStatusCode.FAILED_PRECONDITION:
        # A query of a workflow stopped (terminated by hand) before its first task ran.
        return Conflict(f"case {case_id} was closed before it could answer")
    if temporal_unavailable(err):
        return Unavailable(f"case {case_id} did not answer in time; retry later")
    return err
