"""The customer-service window of a messaging channel, as the counsellor meets it.

Meta lets a business write freely only for a while after the young person last wrote
(WhatsApp: 24 hours; Messenger: 24 hours, 7 for a counsellor's own reply under the
``HUMAN_AGENT`` tag). A counsellor's free-text reply after that is refused here, before
anything is stored or told to the workflow, with a problem naming why
(``outside_window``); on a channel that has them, an approved template still goes, and
the console and the API offer the list (:func:`approved_templates`).

A template is sent through the same reply service: the counsellor's reply is the
template's own text (what the transcript shows), and the channel's sender sends the
approved template whose text it is (``domain.channel_templates``). Every clock is the
caller's.
"""

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from application.acting import Permit, service
from application.conversations.commands import ConversationCommands
from application.errors import Problem, RequestRejected
from application.helpline import Helpline
from domain import contract
from domain.channel_messages import ChannelFeatures
from domain.channel_templates import APPROVED_TEMPLATES, ApprovedTemplate, template_for
from domain.conversation import AuthorKind, ViewRequest
from domain.conversation_desk import CounsellorView
from domain.intake import Channel
from partners.errors import UnknownAdapterError
from partners.registry import AdapterRegistry
from relais.settings import Role

OUTSIDE_WINDOW = "outside_window"
ANSWERING = (Role.COUNSELLOR, Role.SUPERVISOR)


def features_of(helpline: Helpline, channel: Channel) -> ChannelFeatures | None:
    """What the channel's adapter says it can carry (None: not a messaging channel
    registered here, e.g. the web chat)."""
    registry = helpline.catalog_source
    if not isinstance(registry, AdapterRegistry):
        return None
    try:
        return registry.conversation_channel(channel.value).features
    except UnknownAdapterError:
        return None


def reply_window(features: ChannelFeatures | None) -> timedelta | None:
    """How long after the young person last wrote a counsellor may write freely."""
    if features is None:
        return None
    return features.counsellor_window or features.window


def last_written(view: CounsellorView) -> datetime | None:
    times = [m.at for m in view.messages if m.author_kind is AuthorKind.YOUNG_PERSON]
    return max(times) if times else None


def approved_templates(helpline: Helpline, channel: Channel) -> list[ApprovedTemplate]:
    """The templates the counsellor may send on this channel (none without templates)."""
    features = features_of(helpline, channel)
    if features is None or not features.templates:
        return []
    return list(APPROVED_TEMPLATES)


def check_window(helpline: Helpline, view: CounsellorView, body: str, now: datetime) -> None:
    """Refuse a free-text reply outside the channel's window (a template's text goes)."""
    features = features_of(helpline, view.channel)
    window = reply_window(features)
    if window is None:
        return
    last = last_written(view)
    if last is not None and now - last <= window:
        return
    if features is not None and features.templates and template_for(body) is not None:
        return
    hours = int(window.total_seconds() // 3600)
    offer = (
        " only an approved template can be sent: "
        + ", ".join(sorted({t.name for t in APPROVED_TEMPLATES}))
        if features is not None and features.templates
        else " wait until they write again"
    )
    raise RequestRejected(
        [
            Problem(
                loc=("body", "body"),
                msg=f"body: the young person last wrote more than {hours} hours ago on "
                f"{view.channel.value};{offer}",
                type=OUTSIDE_WINDOW,
                code=OUTSIDE_WINDOW,
            )
        ]
    )


async def refuse_outside_window(
    helpline: Helpline, conversation_id: str, body: str, now: datetime
) -> None:
    """Before a counsellor's reply is stored: refused if its channel's window closed."""
    if not any(features_of(helpline, c) for c in (Channel.WHATSAPP, Channel.MESSENGER)):
        return  # no messaging channel with a window here
    record = await helpline.conversation_directory.get(conversation_id)
    if record is not None and reply_window(features_of(helpline, record.channel)) is None:
        return  # its channel has no window (the web chat): no query to its workflow
    commands = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await commands.query(conversation_id, contract.COUNSELLOR_VIEW, ViewRequest())
    check_window(helpline, view, body, now)


class TemplateOffer(BaseModel):
    """An approved template the counsellor may send: reply with its ``text``."""

    name: str
    language: str
    text: str


class ReplyOptions(BaseModel):
    """Whether free text goes now, and the templates that go when it does not."""

    window_open: bool
    window_closes_at: datetime | None = Field(
        default=None, description="None: the channel has no window, or they never wrote"
    )
    templates: list[TemplateOffer]


@service(*ANSWERING)
async def reply_options(
    helpline: Helpline, permit: Permit, conversation_id: str, now: datetime
) -> ReplyOptions:
    """The channel's window as it stands at ``now`` and its approved templates."""
    commands = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await commands.query(conversation_id, contract.COUNSELLOR_VIEW, ViewRequest())
    window = reply_window(features_of(helpline, view.channel))
    last = last_written(view)
    closes = last + window if window is not None and last is not None else None
    return ReplyOptions(
        window_open=window is None or (closes is not None and now <= closes),
        window_closes_at=closes,
        templates=[
            TemplateOffer(name=t.name, language=t.language, text=t.text)
            for t in approved_templates(helpline, view.channel)
        ],
    )
