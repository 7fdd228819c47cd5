"""The approved message templates a counsellor may send when a channel's window is
closed (WhatsApp: more than 24 hours since the young person last wrote). Each must be
registered with Meta under the same name and language, with the same text
(docs/channels.md): the transcript keeps the text, the channel sends the template.

They say nothing a person looking over the young person's shoulder should not read.
"""

from pydantic import BaseModel, ConfigDict, Field


class ApprovedTemplate(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    text: str = Field(description="Its body as registered, shown in the transcript")


APPROVED_TEMPLATES: tuple[ApprovedTemplate, ...] = (
    ApprovedTemplate(
        name="reprise_contact",
        language="fr",
        text="Bonjour, c'est le 3018. Nous avons un message pour vous : répondez ici quand "
        "vous êtes en sécurité pour le lire.",
    ),
    ApprovedTemplate(
        name="reprise_contact",
        language="en",
        text="Hello, this is 3018. We have a message for you: reply here when you are "
        "somewhere safe to read it.",
    ),
)


def template_for(text: str) -> ApprovedTemplate | None:
    """The approved template whose text this is, if any."""
    return next((t for t in APPROVED_TEMPLATES if t.text == text), None)


# The helpline's own automatic answer to what it cannot read on a messaging channel
# (a sticker, a location, contacts, a call): sent once per conversation, in French.
WHAT_WE_READ = (
    "Nous ne pouvons pas lire les autocollants, les positions, les contacts ni les appels "
    "ici. Écrivez-nous, ou envoyez une photo, une vidéo, un message vocal ou un document."
)
