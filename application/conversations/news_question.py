"""The question about news of the case, sent by the counsellor to the young person in
their WhatsApp or Messenger conversation with two buttons (``domain.news_question``),
and their tap on one of them, recorded as their own answer
(``application.case_news.record_news_answer``: the same rules, update and audit line as
a counsellor's record, their conversation the actor).

Asking: the conversation must be linked to a case, on WhatsApp or Messenger, and the
young person must have written in the last 24 hours (a message with buttons is
free-form: no template carries it, and Messenger's ``HUMAN_AGENT`` tag is for a
person's own words). The question is stored in the transcript under the counsellor's
idempotency key (the same key again is the same question, sent once), recorded as
asked, then told to the workflow as the counsellor's message; its courier sends it
with buttons whose ids name the question (``news.<question id>.yes|no``).

A tap: taken once per question, only for a question asked in the conversation the tap
comes from (or, when it comes late, in an earlier conversation of the same young person:
``application.conversations.late_tap`` names that conversation). Anything else (an id
we never sent, a question of another conversation, a question already answered, a
replayed webhook) changes nothing and is audited ``case.news.tap_ignored`` with why,
never a word they wrote; the tap's line stays in the transcript like any message (when
a conversation is going on).
"""

import logging
from datetime import datetime

from application import case_news
from application.acting import Permit, service
from application.audit_trail import AuditTrail
from application.conversations.acting import YoungPerson
from application.conversations.channel_window import features_of, last_written
from application.conversations.commands import ConversationCommands, ConversationOver
from application.conversations.counsellor import counsellor_line
from application.errors import Conflict, Forbidden, Gone, NotFound, Problem, RequestRejected
from application.helpline import Helpline
from domain import contract
from domain.audit_actions import AuditAction
from domain.channel_messages import ChoiceContent
from domain.conversation import AuthorKind, MessageAccepted, ViewRequest
from domain.intake import Channel
from domain.news_question import question_in, read_choice
from relais.crypto.transcripts import ConversationClosed
from relais.db.repositories.news_questions import NewsQuestionAsked, NewsQuestions, Taken
from relais.settings import Role

log = logging.getLogger(__name__)

ANSWERING = (Role.COUNSELLOR, Role.SUPERVISOR)
CARRIES_BUTTONS = (Channel.WHATSAPP, Channel.MESSENGER)


def _refused(code: str, msg: str, kind: str | None = None) -> RequestRejected:
    loc = ("path", "conversation_id")
    return RequestRejected([Problem(loc=loc, msg=msg, type=kind or code, code=code)])


@service(*ANSWERING)
async def ask_news_question(
    helpline: Helpline, permit: Permit, conversation_id: str, key: str, now: datetime
) -> MessageAccepted:
    """Send the young person the question with its two buttons (once under ``key``)."""
    record = await helpline.conversation_directory.get(conversation_id)
    if record is None or record.case_id is None:
        raise _refused(
            "not_linked", "conversation_id: link the conversation to a case before asking"
        )
    if record.channel not in CARRIES_BUTTONS:
        raise _refused(
            "no_news_channel",
            f"conversation_id: the question cannot be sent on {record.channel.value} "
            "(WhatsApp or Messenger only)",
        )
    commands = ConversationCommands(helpline.client, helpline.settings.task_queue)
    view = await commands.query(conversation_id, contract.COUNSELLOR_VIEW, ViewRequest())
    features = features_of(helpline, record.channel)
    window = features.window if features is not None else None
    last = last_written(view)
    if window is not None and (last is None or now - last > window):
        hours = int(window.total_seconds() // 3600)
        raise _refused(
            "question_outside_window",
            f"conversation_id: the young person last wrote more than {hours} hours ago on "
            f"{record.channel.value}; the question can be sent once they write again",
            kind="outside_window",
        )
    question = question_in(record.language)
    me = permit.actor.subject
    try:
        stored = await helpline.transcripts.store_message(
            conversation_id, f"news-question:{key}", question.text, AuthorKind.COUNSELLOR, now, me
        )
    except ConversationClosed:
        raise ConversationOver(f"conversation {conversation_id} is over") from None
    asked = NewsQuestionAsked(
        stored.ref.message_id, conversation_id, record.case_id, question.language
    )
    await NewsQuestions(helpline.database).asked(asked, now)  # before any tap can come
    accepted = await counsellor_line(helpline, conversation_id, me, stored.ref)
    await helpline.audit(permit).record(
        AuditAction.CASE_NEWS_ASK,
        record.case_id,
        f"conversation={conversation_id} channel={record.channel.value} seq={accepted.seq}",
        key=key,
    )
    return accepted


async def answer_news_question(
    helpline: Helpline, who: YoungPerson, choice: ChoiceContent, key: str, now: datetime
) -> str:
    """Their tap, as their answer to a question asked in this conversation: what came
    of it (``answered``, ``unchanged``: the case already stood so, or why it was
    ignored: ``not_ours``, ``not_asked``, ``already_answered``, ``case_over``). Only a
    case that did not answer in time raises (the tap is given back: Meta's retry takes it)."""
    trail = who.audit(helpline.audit_log)
    named = read_choice(choice.choice_id)
    if named is None:
        return await _ignored(trail, None, "not_ours", key)
    question_id, wanted = named
    questions = NewsQuestions(helpline.database)
    taken, case_id = await questions.take(question_id, who.conversation_id, wanted, now)
    if taken is not Taken.ANSWERED or case_id is None:
        return await _ignored(trail, case_id, taken.value, key)
    try:
        await case_news.record_news_answer(
            helpline, case_id, who.conversation_id, wanted, trail, f"news-answer:{question_id}"
        )
    except RequestRejected as rejected:
        # A no with no news asked for, a yes already given here: their answer, which
        # changes nothing on the case (audited as their answer all the same).
        codes = ",".join(sorted({p.code for p in rejected.problems}))
        await trail.record(
            AuditAction.CASE_NEWS_CONSENT,
            case_id,
            f"wanted={wanted} channel={who.channel.value} unchanged={codes}"[:200],
            key=key,
        )
        return "unchanged"
    except (NotFound, Gone, Conflict, Forbidden):  # the case is gone, or takes no more
        return await _ignored(trail, case_id, "case_over", key)
    except Exception:
        await questions.release(question_id, who.conversation_id)  # the retry takes it again
        raise
    return "answered"


async def _ignored(trail: AuditTrail, case_id: str | None, why: str, key: str) -> str:
    await trail.record(AuditAction.CASE_NEWS_TAP_IGNORED, case_id, f"why={why}", key=key)
    log.info("a tap ignored: %s", why)
    return why
