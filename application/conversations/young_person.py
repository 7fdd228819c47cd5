"""The young person's own acts in their conversation: they write, say they are
writing, leave. (Reading is :mod:`application.conversations.young_person_reads`; a
callback instead of waiting :mod:`application.conversations.callback_request`.)

A message is stored sealed in the transcript vault first, then its workflow is told
its reference: nothing of its text ever enters a workflow history, a log or an audit
line. The same idempotency key with the same text is the same message (a retry);
with another text it is refused (422 naming the key), never merged.
"""

from datetime import datetime, timedelta

from application.conversations.acting import YoungPerson
from application.conversations.commands import ConversationCommands, ConversationOver, over
from application.conversations.requests import MessageCreate
from application.conversations.write_limits import take_a_message
from application.errors import RequestRejected, key_reused
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.channel_messages import MediaReference
from domain.conversation import (
    AuthorKind,
    ConversationStatus,
    LeaveReason,
    MessageAccepted,
    ViewRequest,
    YoungPersonLeaves,
    YoungPersonWrites,
)
from relais.crypto.transcripts import ConversationClosed, KeyReused
from relais.db.repositories.conversation_pages import ConversationPages

NO_MESSAGES = ViewRequest(since_seq=2**31)  # where it stands, without its lines


def commands(helpline: Helpline) -> ConversationCommands:
    return ConversationCommands(helpline.client, helpline.settings.task_queue)


async def young_person_writes(
    helpline: Helpline, who: YoungPerson, message: MessageCreate, key: str, now: datetime
) -> MessageAccepted:
    """They write (while waiting, or with a counsellor). Refused: too fast
    (:class:`RateLimited`), the conversation over (:class:`ConversationOver`), the key
    used for another message (:class:`RequestRejected` naming it)."""
    await take_a_message(helpline, who, now)
    accepted = await record_message(helpline, who, message.body, key, now)
    await helpline.typing.stopped(who.conversation_id, AuthorKind.YOUNG_PERSON)
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_WRITE, None, f"seq={accepted.seq}", key=key
    )
    return accepted


async def record_message(
    helpline: Helpline,
    who: YoungPerson,
    body: str,
    key: str,
    now: datetime,
    media: MediaReference | None = None,
) -> MessageAccepted:
    """Their message, sealed in the transcript vault, then told to its workflow under
    an update id of its key: the same key and body again is the same message (whatever
    door it came through: the chat, a channel's webhook replayed). ``media``: a
    channel's media message, how to fetch its file (sealed with the line)."""
    cid = who.conversation_id
    async with helpline.pulses.line_in_flight(cid):
        try:
            stored = await helpline.transcripts.store_message(
                cid, key, body, AuthorKind.YOUNG_PERSON, now, media=media
            )
        except KeyReused:
            raise key_reused("message") from None
        except ConversationClosed:
            raise ConversationOver(f"conversation {cid} is over") from None
        try:
            accepted = await commands(helpline).update(
                cid,
                contract.YOUNG_PERSON_WRITES,
                YoungPersonWrites(message=stored.ref),
                update_id=f"{contract.YOUNG_PERSON_WRITES.name}:{stored.ref.key_digest}",
            )
        except RequestRejected as rejected:
            if over(rejected):
                raise ConversationOver(f"conversation {cid} is over: {rejected.detail}") from None
            raise
    return accepted


async def young_person_is_writing(helpline: Helpline, who: YoungPerson, now: datetime) -> None:
    """A keystroke: "is writing" on the counsellor's screen for a few seconds. Not a
    message, not in any history, not audited (it says nothing of them)."""
    until = now + timedelta(seconds=helpline.settings.chat.typing_seconds)
    await helpline.typing.writing(who.conversation_id, AuthorKind.YOUNG_PERSON, until, now)


async def young_person_leaves(
    helpline: Helpline, who: YoungPerson, reason: LeaveReason, now: datetime
) -> ConversationStatus:
    """They leave (the leave button, the quick exit, their page gone): abandoned if
    nobody answered yet, counted and never dropped silently; with a counsellor, the
    chat closes and the counsellor wraps up. Leaving twice is leaving once."""
    cid = who.conversation_id
    calls = commands(helpline)
    try:
        view = await calls.update(
            cid,
            contract.YOUNG_PERSON_LEAVES,
            YoungPersonLeaves(reason=reason),
            update_id=f"{contract.YOUNG_PERSON_LEAVES.name}:{cid}",
        )
        status = view.status
    except ConversationOver:  # its workflow is done: long gone already
        status = (await calls.query(cid, contract.YOUNG_PERSON_VIEW, NO_MESSAGES)).status
    await ConversationPages(helpline.database).forget([cid])
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_LEAVE, None, f"reason={reason.value}", key="leave"
    )
    return status
