"""News of their case, told to a young person who asked for it, on the messaging
channel they wrote on (WhatsApp, Messenger): the content they reported removed (after
our own check), a referral they consented to accepted, a callback planned, the case
closed. Each is sent once (its key: the case and the event), says nothing a person
looking over their shoulder should not read (no platform, no content, no time), in
their language, and they stop them by answering STOP.

On WhatsApp every news goes as the approved template ``nouvelles_signalement`` (its one
parameter the sentence), so it reaches them however long since they last wrote; on
Messenger (no templates) as text, inside its 24-hour window only: past it, the news is
not sent and the case's timeline says so. The web chat has no way to reach someone who
left it: the consent is not offered there.
"""

import unicodedata
from enum import StrEnum

from pydantic import BaseModel, Field

NEWS_TEMPLATE = "nouvelles_signalement"  # registered with Meta, one body parameter


class NewsEvent(StrEnum):
    REMOVED = "removed"  # the reported content was removed, and our own check saw it gone
    REFERRAL_ACCEPTED = "referral_accepted"  # a partner they consented to took it on
    CALLBACK_PLANNED = "callback_planned"  # a counsellor will call them back
    CLOSED = "closed"  # the case is closed
    STOPPED = "stopped"  # the confirmation of their STOP (they just wrote: free text goes)


SENTENCES: dict[str, dict[NewsEvent, str]] = {
    "fr": {
        NewsEvent.REMOVED: "ce que vous nous avez signalé a été retiré.",
        NewsEvent.REFERRAL_ACCEPTED: "la structure vers laquelle nous vous avons orienté a "
        "pris votre demande en charge.",
        NewsEvent.CALLBACK_PLANNED: "un écoutant vous rappellera au moment que vous avez choisi.",
        NewsEvent.CLOSED: "votre dossier est clos. Vous pouvez nous écrire ici à tout moment.",
    },
    "en": {
        NewsEvent.REMOVED: "what you reported to us has been removed.",
        NewsEvent.REFERRAL_ACCEPTED: "the service we referred you to has taken on your request.",
        NewsEvent.CALLBACK_PLANNED: "a counsellor will call you back at the time you chose.",
        NewsEvent.CLOSED: "your case is closed. You can write to us here at any time.",
    },
}
OPENING = {"fr": "Nouvelles du 3018 : ", "en": "News from 3018: "}
ENDING = {
    "fr": " Répondez STOP pour ne plus recevoir ces messages.",
    "en": " Reply STOP to stop these messages.",
}
STOPPED = {
    "fr": "C'est noté : vous ne recevrez plus de nouvelles de votre dossier ici. Vous pouvez "
    "toujours nous écrire.",
    "en": "Noted: you will get no more news of your case here. You can still write to us.",
}
STOP_WORDS = frozenset({"stop", "arret", "arreter", "stopper"})


def sentence(event: NewsEvent, language: str) -> str:
    """The news's own words (a template's parameter)."""
    return SENTENCES.get(language, SENTENCES["fr"])[event]


def news_text(event: NewsEvent, language: str) -> str:
    """The whole message as the young person reads it."""
    lang = language if language in OPENING else "fr"
    if event is NewsEvent.STOPPED:
        return STOPPED[lang]
    return OPENING[lang] + sentence(event, lang) + ENDING[lang]


def is_stop(text: str) -> bool:
    """STOP, Stop, ARRÊT, arret... on its own (a message that merely contains it is not)."""
    folded = unicodedata.normalize("NFKD", text.strip().strip(".!").lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return plain in STOP_WORDS


class CaseNewsRequest(BaseModel):
    """Tell the young person of ``case_id`` its ``event`` (the activity finds where)."""

    case_id: str
    event: NewsEvent
    key: str = Field(description="{case id}:{event}[:{what}]: sent once under it")
    conversation_id: str | None = Field(
        default=None,
        description="The conversation they agreed in: its young person, on its channel "
        "(None: the case's latest conversation on a messaging channel)",
    )


class NewsConsentRequest(BaseModel):
    """The young person says yes, or no more, to news of their case after it was opened:
    told to a counsellor on the phone (the case page), or asked in their conversation
    ("do you want us to tell you here when the content is removed?"): the news then
    goes to that conversation's channel."""

    wanted: bool = Field(description="True: they agree to news; False: no more news")
    conversation_id: str | None = Field(
        default=None,
        max_length=100,
        description="The conversation (linked to the case, on WhatsApp or Messenger) they "
        "answered in; None: the case's latest conversation on a messaging channel",
    )
    channel: str | None = Field(
        default=None, max_length=32, description="That conversation's channel (the timeline's)"
    )
    actor: str = Field(
        description="Who records it: the counsellor or supervisor, or the young person "
        "themselves (``conversation:<id>``: a button they tapped in that conversation)"
    )


class CaseNewsSent(BaseModel):
    sent: bool
    channel: str | None = None
    why_not: str | None = Field(
        default=None, description="no_channel, outside_window, stopped_elsewhere, refused"
    )


class StopCaseNews(BaseModel):
    """The young person answered STOP on their channel."""

    channel: str
