"""What the young person's page reads: where their conversation stands (waiting, and
their place and an honest expected wait from the queue; with a counsellor; over),
whether the counsellor is writing, and the lines they may read after the last one
their page shows, with their text: their own messages and the counsellor's, never a
note between counsellors nor who the counsellor is.

Every read that returns text is audited (once per conversation and 15 minutes: a page
reads often). A web chat page that fetched a counsellor's line: that is when a message
to the web chat counts as delivered, recorded in the store
(:mod:`application.conversations.deliveries`), not told to the workflow.
"""

import asyncio
from datetime import datetime

from pydantic import BaseModel, Field

from application.conversations.acting import YoungPerson
from application.conversations.commands import ConversationCommands
from application.conversations.deliveries import young_person_fetched
from application.errors import NotFound
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.conversation import (
    AuthorKind,
    ConversationStatus,
    MessageView,
    ViewRequest,
    YoungPersonView,
)
from domain.conversation_queue import PlaceRequest
from domain.conversation_wait import WaitBasis
from relais.crypto.key_store import KeyDestroyed


class ChatLine(BaseModel):
    """A line of the transcript as the young person sees it."""

    seq: int
    author: AuthorKind = Field(description="young_person (them) or counsellor")
    at: datetime
    body: str


class QueuePlace(BaseModel):
    place: int | None = Field(description="1 = next; None: not in the queue any more")
    waiting: int = Field(description="Conversations waiting in all")
    expected_wait_seconds: int | None = Field(description="None: no honest estimate yet")
    basis: WaitBasis


class YoungPersonUpdate(BaseModel):
    """Where the conversation stands for the young person, and the lines after
    ``after_seq`` (bodies included)."""

    status: ConversationStatus
    over: bool = Field(description="Nothing more can be written (ended, left, closed)")
    counsellor_joined: bool
    counsellor_writing: bool = False
    callback_offered: bool = Field(description="They have waited long: a callback instead")
    opens_at: datetime | None = Field(default=None, description="Missed: the next opening")
    queue: QueuePlace | None = Field(default=None, description="While waiting")
    messages: list[ChatLine] = Field(default_factory=list)
    last_seq: int = Field(description="The page asks for what comes after this next time")


def is_over(status: ConversationStatus) -> bool:
    """For the young person the chat is over once the counsellor closed it too."""
    return status.final or status is ConversationStatus.WRAPPING_UP


async def young_person_reads(
    helpline: Helpline, who: YoungPerson, after_seq: int, now: datetime
) -> YoungPersonUpdate:
    """Their view after ``after_seq``: :class:`NotFound` for a conversation that does
    not exist (a session naming one that never started)."""
    cid = who.conversation_id
    calls = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await calls.query(cid, contract.YOUNG_PERSON_VIEW, ViewRequest(since_seq=after_seq))
    # What the view names is read side by side: a live page waits on the slowest only.
    lines, queue, writing, _ = await asyncio.gather(
        _lines(helpline, who, view.messages),
        _place(helpline, calls, cid) if view.status.queued else _nothing(),
        helpline.typing.who_is_writing(cid, now),
        _delivered(helpline, who, view, now),
    )
    if lines:
        await who.audit(helpline.audit_log).record_read(AuditAction.CONVERSATION_READ)
    return YoungPersonUpdate(
        status=view.status,
        over=is_over(view.status),
        counsellor_joined=view.counsellor_joined,
        counsellor_writing=AuthorKind.COUNSELLOR in writing and not is_over(view.status),
        callback_offered=view.callback_offered,
        opens_at=view.opens_at,
        queue=queue,
        messages=lines,
        last_seq=view.last_seq,
    )


async def _nothing() -> None:
    return None


async def _lines(helpline: Helpline, who: YoungPerson, lines: list[MessageView]) -> list[ChatLine]:
    if not lines:
        return []
    try:
        bodies = await helpline.transcripts.read_messages(
            who.conversation_id, [line.message_id for line in lines]
        )
    except KeyDestroyed:  # purged, or moved away with its case and its key retired
        return []
    return [
        ChatLine(seq=line.seq, author=line.author_kind, at=line.at, body=bodies[line.message_id])
        for line in lines
        if line.message_id in bodies and not line.internal
    ]


async def _place(helpline: Helpline, calls: ConversationCommands, cid: str) -> QueuePlace | None:
    try:
        place = await calls.query_queue(
            helpline.settings.helpline, contract.WAITING_PLACE, PlaceRequest(conversation_id=cid)
        )
    except NotFound:  # the queue has not heard of it yet (its first task is on its way)
        return None
    return QueuePlace(
        place=place.place,
        waiting=place.waiting,
        expected_wait_seconds=place.expected_wait.seconds,
        basis=place.expected_wait.basis,
    )


async def _delivered(
    helpline: Helpline, who: YoungPerson, view: YoungPersonView, now: datetime
) -> None:
    """The page fetched the counsellor's lines: delivered (web chat), in the store."""
    await young_person_fetched(helpline, who.conversation_id, who.channel, view.messages, now)
