"""Where the question about news of the case stands in a conversation, as the
counsellor's screen shows it beside the send button: not asked yet, sent and waiting
for their tap, or answered (yes or no, and when); and what the case records about
news (asked for, withdrawn, stopped by their STOP), from the case's own timeline.

A read of a conversation already opened (its whole view, as ``read_conversation``
gave it, so the workflow is not asked again): only whoever may read the conversation
reads this. The question's part is ids, times and a yes or no (``news_questions``:
nothing personal, no audit line). The case's part is read from the case, only by
someone who may read the case (a counsellor the conversation was handed to may not:
then the screen says nothing of it), and audited as a read of the case, once per
window as a screen repeats it.

A question recorded as asked whose line never reached the conversation (the
workflow refused it) is not counted as sent: the counsellor may send it again.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from application.acting import Permit, service
from application.conversations.counsellor import _may_read as may_read  # its read rule, once
from application.conversations.counsellor import not_with_you
from application.conversations.news_question import CARRIES_BUTTONS
from application.errors import DomainError
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.case import CaseView
from domain.conversation_desk import CounsellorView
from relais.db.repositories.news_questions import AskedQuestion, NewsQuestions
from relais.settings import Role

ANSWERING = (Role.COUNSELLOR, Role.SUPERVISOR)


class QuestionState(StrEnum):
    NOT_ASKED = "not_asked"  # the send button is offered
    WAITING = "waiting"  # sent, no tap yet
    ANSWERED = "answered"  # they tapped yes or no


class CaseNewsState(StrEnum):
    NEVER = "never"  # the case never recorded a yes
    ASKED = "asked"  # they asked for news (at the opening, or later)
    WITHDRAWN = "withdrawn"  # they said no more news
    STOPPED = "stopped"  # they answered STOP on their channel


@dataclass(frozen=True)
class CaseNewsRecord:
    """What the case records about news: the latest of its yes, no or STOP."""

    state: CaseNewsState
    since: datetime | None = None  # None: asked at the opening, or never
    channel: str | None = None  # where they asked, or said STOP (when the case says)


@dataclass(frozen=True)
class NewsHere:
    question: QuestionState
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    wanted: bool | None = None
    case: CaseNewsRecord | None = None  # None: not for this reader, or the case did not answer


CASE_CODES = {
    "news.consented": CaseNewsState.ASKED,
    "news.withdrawn": CaseNewsState.WITHDRAWN,
    "news.stopped": CaseNewsState.STOPPED,
}


@service(*ANSWERING)
async def news_here(helpline: Helpline, permit: Permit, view: CounsellorView) -> NewsHere | None:
    """The question's state in the conversation ``view`` (its every line) and the
    case's record of news; None where the question is not offered (no case linked,
    or the web chat)."""
    if not may_read(permit, view):
        raise not_with_you()
    case_id = view.linked_case_id
    if case_id is None or view.channel not in CARRIES_BUTTONS:
        return None
    sent = {m.message_id for m in view.messages}
    asked = await NewsQuestions(helpline.database).asked_in(view.conversation_id)
    told = [q for q in asked if q.question_id in sent]
    record = await _case_record(helpline, permit, case_id)
    return _state(told[-1] if told else None, record)


def _state(last: AskedQuestion | None, record: CaseNewsRecord | None) -> NewsHere:
    if last is None:
        return NewsHere(QuestionState.NOT_ASKED, case=record)
    if last.answered_at is None:
        return NewsHere(QuestionState.WAITING, asked_at=last.asked_at, case=record)
    return NewsHere(
        QuestionState.ANSWERED,
        asked_at=last.asked_at,
        answered_at=last.answered_at,
        wanted=last.wanted,
        case=record,
    )


async def _case_record(helpline: Helpline, permit: Permit, case_id: str) -> CaseNewsRecord | None:
    if permit.actor.role is Role.COUNSELLOR and not await helpline.may_read(permit.actor, case_id):
        return None
    try:
        case = await helpline.commands.view(case_id)
    except DomainError:  # gone, or not answering now: the question's state still shows
        return None
    await helpline.audit(permit).record_read(AuditAction.CASE_READ, case_id, "news")
    return case_record(case)


def case_record(case: CaseView) -> CaseNewsRecord:
    """The latest yes, no or STOP of the case's timeline; a yes at the opening has no
    line (its consents say it)."""
    lines = [e for e in case.timeline if e.code in CASE_CODES]
    if not lines:
        asked = case.consents is not None and case.consents.case_news
        return CaseNewsRecord(CaseNewsState.ASKED if asked else CaseNewsState.NEVER)
    latest = lines[-1]
    channel = latest.params.get("channel") or None
    return CaseNewsRecord(CASE_CODES[latest.code or ""], latest.at, channel)
