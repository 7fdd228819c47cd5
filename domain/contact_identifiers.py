"""An identifier a counsellor types to find a young person's earlier cases (a phone
number given on the phone, a Messenger user id), put in the form the channel itself
gives it, so its keyed hash is the one stored when they wrote: WhatsApp names a sender
by their number in E.164 without the ``+`` (``33612345678``)."""

import re
from enum import StrEnum

from domain.intake import Channel


class IdentifierKind(StrEnum):
    PHONE = "phone"  # their WhatsApp number
    MESSENGER_ID = "messenger_id"  # their Messenger user id (page-scoped)


FRANCE = "33"
_SEPARATORS = re.compile(r"[\s.\-/()]")


def e164(typed: str, country_code: str = FRANCE) -> str:
    """``+33612345678`` for ``06 12 34 56 78``, ``+33 6 12 34 56 78`` or
    ``0033612345678``; ValueError when it is not a phone number."""
    number = _SEPARATORS.sub("", typed.strip())
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0") and len(number) == 10:  # a national number
        number = f"+{country_code}{number[1:]}"
    if not re.fullmatch(r"\+[1-9][0-9]{7,14}", number):
        raise ValueError("not a phone number in international (E.164) or national form")
    if number.startswith(f"+{country_code}0"):  # +33 0612...: the trunk zero typed too
        number = f"+{country_code}{number[len(country_code) + 2 :]}"
    return number


def channel_identifier(kind: IdentifierKind, typed: str) -> tuple[Channel, str]:
    """The channel and the identifier as that channel names the sender."""
    if kind is IdentifierKind.PHONE:
        return Channel.WHATSAPP, e164(typed)[1:]
    user_id = typed.strip()
    if not re.fullmatch(r"[0-9]{5,32}", user_id):
        raise ValueError("a Messenger user id is digits only")
    return Channel.MESSENGER, user_id
