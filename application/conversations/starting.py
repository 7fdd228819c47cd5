"""The pre-chat form starts a conversation; and whether the helpline is open now.

A conversation's id is new and random (144 bits), known only to the young person's
session (the chat's signed HttpOnly cookie) and to the helpline: never in a URL, a
page title or the browser's storage. Its workflow decides the rest: inside opening
hours it waits in the helpline's queue; outside them it is missed (never queued) and
its view says when the helpline opens.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from application.conversations.acting import YoungPerson
from application.conversations.commands import ConversationCommands
from application.conversations.requests import PreChatForm
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.callback_window import NoCallbackSlot, OpeningHours, next_callback_slot
from domain.conversation import ConversationOpening, ConversationStatus, MessageRef
from domain.intake import Channel
from relais.db.repositories.conversation_pages import ConversationPages


@dataclass(frozen=True)
class HelplineHours:
    open_now: bool
    opens_at: datetime | None  # the next opening when closed (None: hours never open)


def hours_at(hours: OpeningHours, now: datetime) -> HelplineHours:
    try:
        opens_at = next_callback_slot(now, hours)
    except NoCallbackSlot:
        return HelplineHours(open_now=False, opens_at=None)
    if opens_at <= now:
        return HelplineHours(open_now=True, opens_at=None)
    return HelplineHours(open_now=False, opens_at=opens_at)


def helpline_hours(helpline: Helpline, now: datetime) -> HelplineHours:
    """Open now, or when it opens next (the rule the conversation workflow applies)."""
    return hours_at(helpline.settings.conversation_policy().opening_hours, now)


def new_conversation_id() -> str:
    return secrets.token_urlsafe(18)  # 24 characters of [A-Za-z0-9_-]


@dataclass(frozen=True)
class StartedConversation:
    young_person: YoungPerson
    status: ConversationStatus  # waiting, or missed outside opening hours
    opens_at: datetime | None


async def start_conversation(
    helpline: Helpline,
    form: PreChatForm,
    now: datetime,
    channel: Channel = Channel.WEB_CHAT,
    conversation_id: str | None = None,
    first_message: MessageRef | None = None,
) -> StartedConversation:
    """Start a conversation from the pre-chat form (already validated: a 422 naming
    the field otherwise); ``conversation_id``: one already chosen (a messaging
    channel's, claimed for its sender first). The answer says where it stands as its
    workflow will decide it (the same opening hours at the same instant), without
    waiting on its worker; ``first_message``: a channel's, stored already, which takes
    its place in the transcript at the opening."""
    settings = helpline.settings
    policy = settings.conversation_policy()
    who = YoungPerson(conversation_id or new_conversation_id(), channel)
    opening = ConversationOpening(
        conversation_id=who.conversation_id,
        helpline=settings.helpline,
        channel=channel,
        pre_chat=form.pre_chat(),
        policy=policy,
        first_message=first_message,
    )
    await ConversationCommands(helpline.client, settings.task_queue).start(opening)
    if channel is Channel.WEB_CHAT:
        await ConversationPages(helpline.database).seen(who.conversation_id, now)
    await who.audit(helpline.audit_log).record(
        AuditAction.CONVERSATION_START, None, f"channel={channel.value}"
    )
    hours = hours_at(policy.opening_hours, now)
    status = ConversationStatus.WAITING if hours.open_now else ConversationStatus.MISSED
    return StartedConversation(young_person=who, status=status, opens_at=hours.opens_at)
