"""The questions about news of the case sent with buttons in a conversation, and their
answers: a tap is taken once per question, by the first to mark it answered (one
``UPDATE .. WHERE answered_at IS NULL``: two taps racing cannot both win)."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update

from relais.db.repositories._sql import SessionSource, insert_ignoring_conflicts, sessions_of
from relais.db.tables import NewsQuestionRow


class Taken(StrEnum):
    ANSWERED = "answered"  # this tap answers the question
    ALREADY_ANSWERED = "already_answered"  # an earlier tap did
    NOT_ASKED = "not_asked"  # no such question in this conversation


@dataclass(frozen=True)
class NewsQuestionAsked:
    question_id: str
    conversation_id: str
    case_id: str
    language: str


@dataclass(frozen=True)
class AskedQuestion:
    """A question sent, and its answer (``answered_at`` None: not yet)."""

    question_id: str
    asked_at: datetime
    answered_at: datetime | None
    wanted: bool | None


class NewsQuestions:
    def __init__(self, source: SessionSource) -> None:
        self._sessions = sessions_of(source)

    async def asked(self, question: NewsQuestionAsked, now: datetime) -> None:
        """Record the question sent (again: nothing changes)."""
        values = {
            "question_id": question.question_id,
            "conversation_id": question.conversation_id,
            "case_id": question.case_id,
            "language": question.language,
            "asked_at": now,
            "answered_at": None,
            "wanted": None,
        }
        async with self._sessions.begin() as session:
            await session.execute(insert_ignoring_conflicts(session, NewsQuestionRow, values))

    async def take(
        self, question_id: str, conversation_id: str, wanted: bool, now: datetime
    ) -> tuple[Taken, str | None]:
        """Mark the question answered by this tap, if it was asked in this conversation
        and is not answered yet; with the question's case."""
        row = NewsQuestionRow
        mine = (row.question_id == question_id, row.conversation_id == conversation_id)
        async with self._sessions.begin() as session:
            marked = await session.execute(
                update(row)
                .where(*mine, row.answered_at.is_(None))
                .values(answered_at=now, wanted=wanted)
            )
            case_id = await session.scalar(select(row.case_id).where(*mine))
        if case_id is None:
            return Taken.NOT_ASKED, None
        answered = getattr(marked, "rowcount", 0) == 1
        return (Taken.ANSWERED if answered else Taken.ALREADY_ANSWERED), case_id

    async def find(self, question_id: str) -> NewsQuestionAsked | None:
        """The question asked under this id (answered or not), or None."""
        row = NewsQuestionRow
        statement = select(row.conversation_id, row.case_id, row.language).where(
            row.question_id == question_id
        )
        async with self._sessions() as session:
            found = (await session.execute(statement)).first()
        if found is None:
            return None
        return NewsQuestionAsked(question_id, found.conversation_id, found.case_id, found.language)

    async def release(self, question_id: str, conversation_id: str) -> None:
        """Undo :meth:`take` when the answer could not be recorded (the case did not
        answer): the platform's retry of the same tap is then taken again."""
        row = NewsQuestionRow
        async with self._sessions.begin() as session:
            await session.execute(
                update(row)
                .where(row.question_id == question_id, row.conversation_id == conversation_id)
                .values(answered_at=None, wanted=None)
            )

    async def of_conversation(self, conversation_id: str) -> list[tuple[str, bool | None]]:
        """The questions sent in the conversation, oldest first, with their answers."""
        row = NewsQuestionRow
        statement = (
            select(row.question_id, row.wanted)
            .where(row.conversation_id == conversation_id)
            .order_by(row.asked_at)
        )
        async with self._sessions() as session:
            return [(r.question_id, r.wanted) for r in (await session.execute(statement)).all()]

    async def asked_in(self, conversation_id: str) -> list[AskedQuestion]:
        """The questions sent in the conversation, oldest first: when, and whether and
        when the young person answered (what a counsellor's screen shows)."""
        row = NewsQuestionRow
        statement = (
            select(row.question_id, row.asked_at, row.answered_at, row.wanted)
            .where(row.conversation_id == conversation_id)
            .order_by(row.asked_at)
        )
        async with self._sessions() as session:
            found = (await session.execute(statement)).all()
        return [AskedQuestion(r.question_id, r.asked_at, r.answered_at, r.wanted) for r in found]
