"""A tap on the question about news of their case that comes late: the young person
taps "Oui" the next morning, after their conversation ended. It counts, when it comes
from the same young person: the keyed hash of the tap's sender is the one their
question's conversation was started under (``channel_conversations``). The question
must still be open: a second tap, or the same one replayed, is ignored
(``already_answered``) and audited, and starts nothing either.

- The answer is recorded as a tap in time is (``answer_news_question`` on the
  question's own conversation: once per question, the same audit line, their
  conversation the actor).
- A tap alone is not someone writing in: it starts no conversation and puts nobody in
  the queue (the door writes its line only into a conversation still going on; text
  they write afterwards opens one as usual).
- When no conversation of theirs is going on, one short message says it counted, in
  the question's language, sent under the key ``news-noted:<question id>`` by the tap
  that answered the question only (the question is taken once: a replayed webhook
  sends nothing more). Their tap just opened the channel's window, so free text goes.
  A refusal or a failure of that message is logged and not retried: the answer stands.
- A tap from anyone else on that question is not theirs: the door treats it as any
  tap (ignored ``not_asked`` and audited, as before).
"""

import logging
from dataclasses import dataclass

from application.conversations.acting import YoungPerson
from application.helpline import Helpline
from domain.channel_messages import (
    ChoiceContent,
    InboundChannelMessage,
    OutboundChannelMessage,
    TextMessage,
)
from domain.intake import Channel
from domain.news_question import noted, read_choice
from partners.base import ConversationChannel
from partners.errors import AdapterError
from relais.db.repositories.news_questions import NewsQuestionAsked, NewsQuestions
from relais.db.repositories.returning_contacts import ReturningContacts

log = logging.getLogger(__name__)

TAKEN = ("answered", "unchanged")  # the tap was their answer (the case may already stand so)


@dataclass(frozen=True)
class TheirQuestion:
    """A question asked in a conversation of the tap's sender."""

    question: NewsQuestionAsked
    wanted: bool

    def asked_of(self, channel: Channel) -> YoungPerson:
        """The young person of the question's conversation (the answer's actor)."""
        return YoungPerson(self.question.conversation_id, channel)


async def their_question(
    helpline: Helpline, channel: Channel, digest: str, choice: ChoiceContent
) -> TheirQuestion | None:
    """The question the tap names, when it was asked of its sender (``digest``: the
    keyed hash of who tapped), answered or not; None otherwise (not our button, or
    someone else's question)."""
    named = read_choice(choice.choice_id)
    if named is None:
        return None
    question_id, wanted = named
    question = await NewsQuestions(helpline.database).find(question_id)
    if question is None:
        return None
    sender = await ReturningContacts(helpline.database).sender_of(question.conversation_id)
    if sender is None or sender.channel != channel.value or sender.digest != digest:
        return None
    return TheirQuestion(question, wanted)


async def confirm_late_answer(
    adapter: ConversationChannel | None, theirs: TheirQuestion, message: InboundChannelMessage
) -> bool:
    """Tell them, on the channel they tapped on, that their answer counted (once: only
    the tap that took the question calls this). False when it could not be sent."""
    if adapter is None:
        return False
    question = theirs.question
    outbound = OutboundChannelMessage(
        idempotency_key=f"news-noted:{question.question_id}",
        recipient=message.sender,
        business_id=message.business_id,
        content=TextMessage(text=noted(theirs.wanted, question.language)),
    )
    try:
        await adapter.send(outbound)
    except AdapterError as exc:  # outside the window, refused, unavailable
        log.warning("late tap: its confirmation not sent (%s)", type(exc).__name__)
        return False
    return True
