"""Calls to a conversation's workflow and to its helpline's queue, through their
declarations in :mod:`domain.contract`, with Temporal's errors translated into the
application's (each door then answers them its own way).

A conversation is ``conversation-<id>``; its queue ``queue-<helpline>``. An update
refused by the workflow names its problems (:class:`RequestRejected`); one on a
conversation whose workflow has finished (its transcript settled) is a
:class:`Conflict`; an unknown id a :class:`NotFound`; Temporal late an
:class:`Unavailable`.
"""

import asyncio
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from application.errors import Conflict, NotFound, RequestRejected, Unavailable
from application.errors import temporal_unavailable as _late
from application.rejections import problems_from
from domain import contract
from domain.contract import QueryWith, Signal, Update
from domain.conversation import ConversationOpening

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")

# A conversation answers from memory: longer means its worker is down or busy, and
# the person on the other side should hear so rather than wait.
QUERY_TIMEOUT = timedelta(seconds=10)
UPDATE_TIMEOUT = timedelta(seconds=30)


class ConversationOver(Conflict):
    """The conversation is over (or its chat closed): it takes no more of this."""


class ConversationCommands:
    def __init__(
        self,
        client: Client,
        task_queue: str,
        *,
        query_timeout: timedelta = QUERY_TIMEOUT,
        update_timeout: timedelta = UPDATE_TIMEOUT,
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._query_timeout = query_timeout
        self._update_timeout = update_timeout

    def handle(self, conversation_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(contract.CONVERSATION.workflow_id(conversation_id))

    def queue(self, helpline: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(contract.HELPLINE_QUEUE.workflow_id(helpline))

    async def start(self, opening: ConversationOpening) -> None:
        """Start ``conversation-<id>``: new and random, or a channel's claimed for its
        sender (two deliveries may race to start it: :class:`Conflict` for the second)."""
        try:
            await self._client.start_workflow(
                contract.CONVERSATION.name,
                opening,
                id=contract.CONVERSATION.workflow_id(opening.conversation_id),
                task_queue=self._task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                rpc_timeout=self._update_timeout,
            )
        except WorkflowAlreadyStartedError as err:  # a channel's racing deliveries
            raise Conflict(f"conversation {opening.conversation_id} exists already") from err
        except RPCError as err:
            raise _translate(err, opening.conversation_id) from err

    async def query(
        self, conversation_id: str, query: QueryWith[RequestT, ResultT], request: RequestT
    ) -> ResultT:
        return await self._query(self.handle(conversation_id), conversation_id, query, request)

    async def query_queue(
        self, helpline: str, query: QueryWith[RequestT, ResultT], request: RequestT
    ) -> ResultT:
        """Ask the helpline's queue (``NotFound`` while no conversation nor counsellor
        has started it yet)."""
        return await self._query(self.queue(helpline), f"queue {helpline}", query, request)

    async def _query(
        self,
        handle: WorkflowHandle[Any, Any],
        what: str,
        query: QueryWith[RequestT, ResultT],
        request: RequestT,
    ) -> ResultT:
        try:
            answer: ResultT = await handle.query(
                query.name, request, result_type=query.result, rpc_timeout=self._query_timeout
            )
        except WorkflowQueryFailedError as err:
            raise Unavailable(f"conversation {what} could not answer: {err.message}") from err
        except RPCError as err:
            raise _translate(err, what) from err
        return answer

    async def update(
        self,
        conversation_id: str,
        update: Update[RequestT, ResultT],
        request: RequestT,
        update_id: str | None = None,
    ) -> ResultT:
        """Send ``request`` as ``update``; ``update_id``: the same id runs once."""
        call = self.handle(conversation_id).execute_update(
            update.name, request, id=update_id, result_type=update.result
        )
        try:
            async with asyncio.timeout(self._update_timeout.total_seconds()):
                answer: ResultT = await call
        except WorkflowUpdateFailedError as err:
            raise RequestRejected(problems_from(err.cause)) from err
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
            raise Unavailable(
                f"conversation {conversation_id} did not answer in time; send it again "
                "(it is done once)"
            ) from err
        except RPCError as err:
            if _aborted(err):
                raise await self._after_abort(conversation_id) from err
            raise _translate(err, conversation_id) from err
        return answer

    async def _after_abort(self, conversation_id: str) -> Exception:
        """An update the server aborted because its run was closing: the conversation
        ended (over), or a new run took over (continue-as-new: send it again, it is
        done once under its id)."""
        try:
            description = await self.handle(conversation_id).describe()
        except RPCError as err:
            return _translate(err, conversation_id)
        if description.status == WorkflowExecutionStatus.RUNNING:
            return Unavailable(
                f"conversation {conversation_id} moved on to a new run; send it again "
                "(it is done once)"
            )
        return ConversationOver(f"conversation {conversation_id} is over")

    async def signal(
        self, conversation_id: str, signal: Signal[RequestT], message: RequestT
    ) -> None:
        try:
            await self.handle(conversation_id).signal(
                signal.name, message, rpc_timeout=self._query_timeout
            )
        except RPCError as err:
            raise _translate(err, conversation_id) from err

    async def signal_queue(
        self, helpline: str, signal: Signal[RequestT], message: RequestT
    ) -> None:
        """Tell the helpline's queue (``NotFound`` while nobody has started it)."""
        try:
            await self.queue(helpline).signal(signal.name, message, rpc_timeout=self._query_timeout)
        except RPCError as err:
            raise _translate(err, f"queue {helpline}") from err


def over(rejected: RequestRejected) -> bool:
    """The workflow refused because the conversation (or its chat) is over."""
    return any(p.code in ("conversation_over", "chat_closed") for p in rejected.problems)


def _aborted(err: RPCError) -> bool:
    """An update's NOT_FOUND that does not say the workflow had completed: an update in
    flight when its run closed ("aborted by closing workflow"), or no such workflow;
    :meth:`ConversationCommands._after_abort` tells which."""
    return err.status == RPCStatusCode.NOT_FOUND and "completed" not in err.message


def _translate(err: RPCError, what: str) -> Exception:
    if err.status == RPCStatusCode.NOT_FOUND:
        if "completed" in err.message:
            return ConversationOver(f"conversation {what} is over")
        return NotFound(f"no conversation {what}")
    if err.status == RPCStatusCode.ALREADY_EXISTS:
        return Conflict(f"conversation {what} exists already")
    if _late(err):
        return Unavailable(f"conversation {what} did not answer in time; retry later")
    return err
