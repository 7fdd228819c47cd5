"""The chat's forms (the page works without its script too): a posted form parsed into
the very request models the JSON endpoints take, and a refusal turned into a
sentence beside the field it names, in the young person's language. What they typed
goes back into the form as it was."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs

from pydantic import BaseModel, ValidationError

from chat.i18n import N_

M = TypeVar("M", bound=BaseModel)
MAX_FORM_BYTES = 32 * 1024
FormData = dict[str, str]

# What each field's refusal says, by field and kind ("too_long" or anything else).
SENTENCES: dict[str, dict[str, str]] = {
    "writer": {"": N_("Say who is writing.")},
    "age_band": {"": N_("Choose the age of the young person concerned.")},
    "privacy_notice_accepted": {"": N_("Accept the privacy notice to start.")},
    "body": {
        "": N_("Write a message before sending it."),
        "too_long": N_("This message is too long: 4,096 characters at most. Split it in two."),
    },
    "phone": {"": N_("Give a phone number we can call, with its digits.")},
    "first_name": {"": N_("At most 100 characters.")},
    "earliest_hour": {"": N_("Choose the hour from which we may call.")},
    "latest_hour": {"": N_("The safe time must end after it starts.")},
    "instructions": {"": N_("At most 500 characters.")},
    "intimate": {"": N_("Say whether it is an intimate picture of you.")},
    "file": {
        "": N_("Choose a file to send."),
        "no_case_yet": N_(
            "Files can be sent once the counsellor has recorded your situation: ask them, "
            "then send it again."
        ),
        "too_large": N_(
            "This file is too big: %(limit)s MB at most (%(video_limit)s MB for a video)."
        ),
        "unsupported_type": N_(
            "This kind of file cannot be sent here. Send a picture or a screenshot, a PDF, an "
            "MP4 video or a text file."
        ),
        "empty": N_("This file is empty. Choose another one."),
        "truncated": N_("This file arrived cut short. Send it again."),
        "corrupt": N_("This file is damaged and cannot be opened. Choose another one."),
        "too_many_pixels": N_("This picture is too big to be opened. Send a screenshot of it."),
    },
}
GENERAL = {
    "rate_limited": N_(
        "You are sending messages very fast. Wait a few seconds, then send it again: "
        "your message is still here."
    ),
    "over": N_("This conversation is over: nothing more can be sent."),
    "not_offered": N_("A callback is offered after a long wait; until then you keep your place."),
    "unavailable": N_("The helpline did not answer in time. Try again in a moment."),
    "key_reused": N_("This message was already sent with other words. Send it again."),
    "invalid": N_("Something in this form is not right: check it and send it again."),
}


def parse(body: bytes) -> FormData:
    values = parse_qs(
        body[:MAX_FORM_BYTES].decode("utf-8", errors="replace"), keep_blank_values=True
    )
    return {name: found[0] for name, found in values.items() if found}


@dataclass
class Refusal:
    """Sentences (English source, translated by the template) per field, and general."""

    by_field: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def add(self, loc: Iterable[str | int], kind: str) -> None:
        name = next((str(part) for part in loc if str(part) in SENTENCES), None)
        if name is None:
            self.general.append(GENERAL["invalid"])
            return
        sentences = SENTENCES[name]
        self.by_field.setdefault(name, sentences.get(kind, sentences[""]))


def kind_of(error_type: str) -> str:
    return "too_long" if error_type == "string_too_long" else ""


def refusal_of(error: ValidationError) -> Refusal:
    refusal = Refusal()
    for item in error.errors(include_input=False, include_url=False):
        refusal.add(item["loc"], kind_of(item["type"]))
    return refusal


def validated(model: type[M], values: dict[str, Any]) -> tuple[M | None, Refusal]:
    try:
        return model.model_validate(values), Refusal()
    except ValidationError as error:
        return None, refusal_of(error)


def general(kind: str) -> Refusal:
    return Refusal(general=[GENERAL[kind]])
