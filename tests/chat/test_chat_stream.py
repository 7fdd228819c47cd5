"""The young person's live stream when a read behind it fails (Temporal late under
load): the stream says what it had and ends cleanly, so the page reconnects; the
failure never escapes into the server as an exception in the application."""

from collections.abc import AsyncIterator

from temporalio.service import RPCError, RPCStatusCode

from application.conversations.young_person_reads import YoungPersonUpdate
from chat.routes.stream import _events
from domain.conversation import ConversationStatus

WAITING = YoungPersonUpdate(
    status=ConversationStatus.WAITING,
    over=False,
    counsellor_joined=False,
    callback_offered=False,
    last_seq=0,
)


async def late_feed() -> AsyncIterator[YoungPersonUpdate]:
    yield WAITING.model_copy(update={"last_seq": 1})
    raise RPCError("Timeout expired", RPCStatusCode.DEADLINE_EXCEEDED, b"")


async def test_a_failed_read_ends_the_stream_cleanly() -> None:
    said = [chunk async for chunk in _events(WAITING, late_feed())]
    assert said[0].startswith("retry: ")
    assert [c.split("\n", 1)[0] for c in said[1:]] == ["id: 0", "id: 1"]
