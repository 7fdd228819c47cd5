"""The question about news with its buttons: within Meta's limits in every language, its
button ids name the question and the answer and nothing else, and only ids of that
shape are read back."""

import pytest

from domain.channel_messages import CHOICE_TITLE_LIMIT
from domain.news_question import (
    NOTED,
    QUESTIONS,
    noted,
    question_in,
    question_of,
    read_choice,
    with_buttons,
)

QUESTION_ID = "m" + "ab12" * 6


@pytest.mark.parametrize("language", sorted(QUESTIONS))
def test_each_language_fits_meta_s_limits_and_reads_back(language: str) -> None:
    question = QUESTIONS[language]
    message = with_buttons(question, QUESTION_ID)

    assert [c.title for c in message.choices] == [question.yes, question.no]
    assert all(len(c.title) <= CHOICE_TITLE_LIMIT for c in message.choices)
    assert [read_choice(c.id) for c in message.choices] == [
        (QUESTION_ID, True),
        (QUESTION_ID, False),
    ]
    assert question_of(message.text) is question


def test_french_when_the_language_is_neither() -> None:
    assert question_in("de") is QUESTIONS["fr"] and question_in(None) is QUESTIONS["fr"]


@pytest.mark.parametrize(
    "forged",
    ["", "news.m1.yes", f"news.{QUESTION_ID}.maybe", f"news.{QUESTION_ID}.yes.x", "yes", "x" * 900],
)
def test_anything_else_is_not_ours(forged: str) -> None:
    assert read_choice(forged) is None


def test_a_counsellor_s_ordinary_text_is_not_the_question() -> None:
    assert (
        question_of("Voulez-vous qu'on vous prévienne ici quand le contenu sera retiré ?") is None
    )


def test_a_late_answer_is_confirmed_in_the_question_s_language_or_french() -> None:
    assert set(NOTED) == set(QUESTIONS)
    assert noted(True, "en").startswith("Noted: we will tell you here")
    assert noted(False, "fr").startswith("C'est noté : vous ne recevrez pas")
    assert noted(True, "de") == noted(True, None) == NOTED["fr"][True]
    assert all(len(text) <= 300 for texts in NOTED.values() for text in texts.values())
