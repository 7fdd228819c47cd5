"""The questions about news asked with buttons, on SQLite and PostgreSQL: a tap is taken
once per question and only in the conversation it was asked in; a tap whose answer could
not be recorded is given back; the purge of the case forgets its questions."""

from datetime import timedelta

from relais.db import Database
from relais.db.repositories.news_questions import (
    AskedQuestion,
    NewsQuestionAsked,
    NewsQuestions,
    Taken,
)
from relais.db.repositories.returning_contacts import ReturningContacts
from tests.db.builders import T0

QUESTION = NewsQuestionAsked("m" + "1" * 24, "c-1", "case-1", "fr")


async def test_a_question_is_answered_once_in_its_own_conversation(database: Database) -> None:
    questions = NewsQuestions(database)
    await questions.asked(QUESTION, T0)
    await questions.asked(QUESTION, T0 + timedelta(minutes=1))  # the same again: nothing new
    later = T0 + timedelta(minutes=5)

    assert await questions.take(QUESTION.question_id, "c-2", True, later) == (
        Taken.NOT_ASKED,
        None,
    )
    assert await questions.take("m" + "2" * 24, "c-1", True, later) == (Taken.NOT_ASKED, None)
    assert await questions.take(QUESTION.question_id, "c-1", True, later) == (
        Taken.ANSWERED,
        "case-1",
    )
    assert await questions.take(QUESTION.question_id, "c-1", False, later) == (
        Taken.ALREADY_ANSWERED,
        "case-1",
    )
    assert await questions.of_conversation("c-1") == [(QUESTION.question_id, True)]

    await questions.release(QUESTION.question_id, "c-1")  # the case did not answer
    assert await questions.of_conversation("c-1") == [(QUESTION.question_id, None)]
    taken, _ = await questions.take(QUESTION.question_id, "c-1", False, later)
    assert taken is Taken.ANSWERED


async def test_the_purge_of_the_case_forgets_its_questions(database: Database) -> None:
    questions = NewsQuestions(database)
    await questions.asked(QUESTION, T0)
    await questions.asked(NewsQuestionAsked("m" + "3" * 24, "c-9", "case-9", "en"), T0)

    await ReturningContacts(database).forget_case("case-1")

    assert await questions.of_conversation("c-1") == []
    assert len(await questions.of_conversation("c-9")) == 1


async def test_the_questions_of_a_conversation_say_when_asked_and_answered(
    database: Database,
) -> None:
    questions = NewsQuestions(database)
    assert await questions.asked_in("c-1") == []
    await questions.asked(QUESTION, T0)
    [waiting] = await questions.asked_in("c-1")
    assert (waiting.asked_at, waiting.answered_at, waiting.wanted) == (T0, None, None)
    later = T0 + timedelta(minutes=5)
    await questions.take(QUESTION.question_id, "c-1", True, later)
    assert await questions.asked_in("c-1") == [AskedQuestion(QUESTION.question_id, T0, later, True)]
    assert await questions.asked_in("c-2") == []
