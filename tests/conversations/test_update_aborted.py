"""An update in flight when its conversation's run closes is aborted by the server
("workflow update was aborted by closing workflow", NOT_FOUND). What the door says then
depends on why the run closed: the conversation ended (409, over) or a new run took
over after continue-as-new (503: send it again, done once under its id); never 404 "no
such conversation", which a counsellor's console showed after a wrap-up and which a
channel's webhook answered Meta with.

The Temporal client is a stand-in here (the race cannot be brought about on purpose on a
real server): a handle whose update raises the server's exact error and whose describe
says how the run stands."""

from dataclasses import dataclass
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from application.conversations.commands import ConversationCommands, ConversationOver
from application.errors import NotFound, Unavailable
from domain import contract
from domain.conversation_desk import AcceptRequest

ABORTED = RPCError("workflow update was aborted by closing workflow", RPCStatusCode.NOT_FOUND, b"")


@dataclass
class Description:
    status: WorkflowExecutionStatus


class Handle:
    def __init__(self, status: WorkflowExecutionStatus | None) -> None:
        self._status = status

    async def execute_update(self, *_: Any, **__: Any) -> Any:
        raise ABORTED

    async def describe(self) -> Description:
        if self._status is None:
            raise RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b"")
        return Description(self._status)


class Client:
    def __init__(self, status: WorkflowExecutionStatus | None) -> None:
        self._status = status

    def get_workflow_handle(self, _: str) -> Handle:
        return Handle(self._status)


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (WorkflowExecutionStatus.COMPLETED, ConversationOver),
        (WorkflowExecutionStatus.TERMINATED, ConversationOver),
        (WorkflowExecutionStatus.RUNNING, Unavailable),
        (None, NotFound),
    ],
)
async def test_an_aborted_update_says_why(
    status: WorkflowExecutionStatus | None, answer: type[Exception]
) -> None:
    commands = ConversationCommands(Client(status), "q")  # type: ignore[arg-type]
    request = AcceptRequest(actor="counsellor-1", offer_id="gone")
    with pytest.raises(answer):
        await commands.update("c1", contract.ACCEPT_CONVERSATION, request)
