"""The question about news of their case, sent to the young person in their WhatsApp or
Messenger conversation with two buttons to answer it ("do you want us to tell you here
when what you reported is removed?": yes, tell me here / no thanks), in their language.
Short, and nothing a person looking over their shoulder should not read.

Each button's id names the question (the id of its line in the transcript, a digest:
nothing personal) and the answer: ``news.<question id>.yes`` or ``.no``. A tap comes
back with that id, which anyone could forge: the helpline answers only a question it
sent in that conversation and not yet answered (``application.conversations.news_answer``).

Meta's limits: a button's title is 20 characters at most (WhatsApp's reply buttons,
Messenger's quick replies), a WhatsApp button's id 256.
"""

import re
from dataclasses import dataclass

from domain.channel_messages import ChoiceMessage, ReplyChoice

_CHOICE_ID = re.compile(r"^news\.(m[0-9a-f]{24})\.(yes|no)$")


@dataclass(frozen=True)
class NewsQuestion:
    language: str
    text: str
    yes: str
    no: str


QUESTIONS = {
    "fr": NewsQuestion(
        language="fr",
        text="Voulez-vous qu'on vous prévienne ici quand ce que vous nous avez signalé "
        "sera retiré ?",
        yes="Oui, prévenez-moi",
        no="Non merci",
    ),
    "en": NewsQuestion(
        language="en",
        text="Would you like us to tell you here when what you reported to us is removed?",
        yes="Yes, tell me here",
        no="No thanks",
    ),
}


# Their tap came after their conversation ended: one short message says it counted
# (their tap just opened the channel's window: free text goes).
NOTED = {
    "fr": {
        True: "C'est noté : nous vous préviendrons ici quand ce que vous nous avez signalé "
        "sera retiré.",
        False: "C'est noté : vous ne recevrez pas de nouvelles de votre dossier ici. Vous "
        "pouvez toujours nous écrire.",
    },
    "en": {
        True: "Noted: we will tell you here when what you reported to us is removed.",
        False: "Noted: you will get no news of your case here. You can still write to us.",
    },
}


def noted(wanted: bool, language: str | None) -> str:
    """The confirmation of an answer given after the conversation ended."""
    return NOTED.get(language or "fr", NOTED["fr"])[wanted]


def question_in(language: str | None) -> NewsQuestion:
    """The question in their language (French when it is neither French nor English)."""
    return QUESTIONS.get(language or "fr", QUESTIONS["fr"])


def question_of(body: str) -> NewsQuestion | None:
    """The question whose text this message is (what the channel's sender sends with
    buttons), or None."""
    return next((q for q in QUESTIONS.values() if q.text == body), None)


def choice_id(question_id: str, wanted: bool) -> str:
    return f"news.{question_id}.{'yes' if wanted else 'no'}"


def read_choice(choice: str) -> tuple[str, bool] | None:
    """The question id and the answer a button's id names, or None (not one of ours)."""
    found = _CHOICE_ID.match(choice)
    if found is None:
        return None
    return found.group(1), found.group(2) == "yes"


def with_buttons(question: NewsQuestion, question_id: str) -> ChoiceMessage:
    """The question as the channel sends it: its text and its two buttons."""
    return ChoiceMessage(
        text=question.text,
        choices=[
            ReplyChoice(id=choice_id(question_id, True), title=question.yes),
            ReplyChoice(id=choice_id(question_id, False), title=question.no),
        ],
    )
