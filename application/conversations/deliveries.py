"""A web chat line's delivery. The web chat pushes nothing: the young person's page
reads, and a counsellor's line is delivered once their page fetched it. The door that
served the page records that in the store (``fetched_at`` on the line's row), and the
counsellor's view of a web chat conversation takes its marks from there.

Why not the conversation's workflow, as for the channels that push (whose deliveries
the workflow's courier makes and a channel's statuses report): telling it meant a
signal, so a workflow task and four history events, for every reply the page read,
a third of the worker's tasks in an exchange (``bench.exchange_cost``); the fact is
the door's to begin with, and any API replica reads it back. The pulse of a live
screen counts fetched lines, so the mark shows as soon as the page fetched it."""

from collections.abc import Sequence
from datetime import datetime

from application.helpline import Helpline
from domain.conversation import PULLED_CHANNELS, AuthorKind, Delivery, MessageView
from domain.conversation_desk import CounsellorView
from domain.intake import Channel


async def young_person_fetched(
    helpline: Helpline,
    conversation_id: str,
    channel: Channel,
    lines: Sequence[MessageView],
    now: datetime,
) -> None:
    """Their page fetched ``lines``: the counsellor's among them are delivered (web
    chat; a channel that pushes has its own deliveries)."""
    if channel not in PULLED_CHANNELS:
        return
    theirs = [
        line.message_id
        for line in lines
        if line.author_kind is AuthorKind.COUNSELLOR and not line.internal
    ]
    if theirs:
        await helpline.transcripts.mark_fetched(conversation_id, theirs, now)


async def with_deliveries(helpline: Helpline, view: CounsellorView) -> CounsellorView:
    """The counsellor's view with its web chat lines marked delivered as their page
    fetched them (the view's ``deliveries`` counts them too); other channels as the
    workflow said."""
    if view.channel not in PULLED_CHANNELS:
        return view
    fetched = await helpline.transcripts.fetched(view.conversation_id)
    if not fetched:
        return view
    messages = [
        line.model_copy(update={"delivery": Delivery.DELIVERED})
        if line.delivery is Delivery.PENDING and line.message_id in fetched
        else line
        for line in view.messages
    ]
    sent, delivered, read, failed = view.deliveries.split(".")
    counted = max(int(delivered), len(fetched))
    return view.model_copy(
        update={"messages": messages, "deliveries": f"{sent}.{counted}.{read}.{failed}"}
    )
