"""A phone number typed by a counsellor becomes the identifier WhatsApp gives the
sender (E.164 without the ``+``), however it was written."""

import pytest

from domain.contact_identifiers import IdentifierKind, channel_identifier, e164
from domain.intake import Channel


@pytest.mark.parametrize(
    "typed",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "0033612345678",
        "+33 (0)6 12 34 56 78",
    ],
)
def test_a_french_mobile_however_typed(typed: str) -> None:
    assert e164(typed) == "+33612345678"
    assert channel_identifier(IdentifierKind.PHONE, typed) == (Channel.WHATSAPP, "33612345678")


def test_a_foreign_number_keeps_its_country() -> None:
    assert e164("+32 470 12 34 56") == "+32470123456"


@pytest.mark.parametrize("typed", ["pas un numéro", "12", "+0612345678", "06 12 34 56 7"])
def test_not_a_phone_number(typed: str) -> None:
    with pytest.raises(ValueError):
        e164(typed)


def test_a_messenger_id_is_digits() -> None:
    assert channel_identifier(IdentifierKind.MESSENGER_ID, " 7100000000000042 ") == (
        Channel.MESSENGER,
        "7100000000000042",
    )
    with pytest.raises(ValueError):
        channel_identifier(IdentifierKind.MESSENGER_ID, "léa")
