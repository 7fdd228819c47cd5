"""The young person's answer about news of their case, after it was opened
(``domain.case_news``): told to a counsellor on the phone (the case page), or asked in
their conversation on WhatsApp or Messenger ("do you want us to tell you here when the
content is removed?"): the news then goes to that conversation's channel. A no stops
the news not yet decided (STOP, on their channel, does the same from their side).

Who may record it: a counsellor or supervisor who may act on the case, or the young
person themselves, tapping a button under the question sent in their conversation
(``application.conversations.news_answer``: their conversation is the actor). The
conversation, when named, must be linked to the case and on a channel that can carry
news (the web chat cannot reach someone who left it). The case's update records it and
its timeline line; the audit line says yes or no and on which channel, never who.
"""

from pydantic import BaseModel, ConfigDict, Field

from application.acting import COUNSELLORS, Permit, service
from application.audit_trail import AuditTrail
from application.errors import Problem, RequestRejected
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.case import CaseView
from domain.case_news import NewsConsentRequest
from domain.intake import Channel

CARRIES_NEWS = (Channel.WHATSAPP, Channel.MESSENGER)


class NewsConsent(BaseModel):
    """What the counsellor records: the young person's yes or no, and where."""

    model_config = ConfigDict(extra="forbid")

    wanted: bool = Field(description="true: they agree to news of the case; false: no more")
    conversation_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The conversation (linked to this case, on WhatsApp or Messenger) where "
        "they answered: the news go to its channel. Without it: the case's latest "
        "conversation on WhatsApp or Messenger",
    )


async def _channel_of(helpline: Helpline, case_id: str, conversation_id: str) -> Channel:
    record = await helpline.conversation_directory.get(conversation_id)
    if record is None or record.case_id != case_id:
        raise RequestRejected(
            [
                Problem(
                    loc=("conversation_id",),
                    msg="conversation_id: no conversation of this case by that id",
                    code="not_this_case",
                )
            ]
        )
    if record.channel not in CARRIES_NEWS:
        raise RequestRejected(
            [
                Problem(
                    loc=("conversation_id",),
                    msg=f"conversation_id: news cannot be sent on {record.channel.value} "
                    "(WhatsApp or Messenger only)",
                    code="no_news_channel",
                )
            ]
        )
    return record.channel


@service(*COUNSELLORS, on_case=True)
async def record_news_consent(
    helpline: Helpline, permit: Permit, body: NewsConsent, key: str | None
) -> CaseView:
    """Record the young person's yes (here) or no to news of their case."""
    channel = (
        await _channel_of(helpline, permit.case, body.conversation_id)
        if body.conversation_id is not None
        else None
    )
    return await _record(
        helpline, permit.case, body, channel, helpline.audit(permit), permit.actor.subject, key
    )


async def record_news_answer(
    helpline: Helpline,
    case_id: str,
    conversation_id: str,
    wanted: bool,
    trail: AuditTrail,
    key: str,
) -> CaseView:
    """The young person's own answer, a button they tapped under the question in their
    conversation (``application.conversations.news_question`` checked it is a question
    sent there, not yet answered): the same rules, the same update and audit line, with
    their conversation as the actor (``trail``: theirs)."""
    body = NewsConsent(wanted=wanted, conversation_id=conversation_id)
    channel = await _channel_of(helpline, case_id, conversation_id)
    return await _record(helpline, case_id, body, channel, trail, trail.actor, key)


async def _record(
    helpline: Helpline,
    case_id: str,
    body: NewsConsent,
    channel: Channel | None,
    trail: AuditTrail,
    actor: str,
    key: str | None,
) -> CaseView:
    request = NewsConsentRequest(
        wanted=body.wanted,
        conversation_id=body.conversation_id,
        channel=channel.value if channel else None,
        actor=actor,
    )
    view = await helpline.commands.update(case_id, contract.RECORD_NEWS_CONSENT, request, key)
    await trail.record(
        AuditAction.CASE_NEWS_CONSENT,
        case_id,
        f"wanted={body.wanted} channel={channel.value if channel else '-'}",
        key=key,
    )
    return view
