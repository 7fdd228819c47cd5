"""Relais' messages to young people through the simulated Graph API: text, template and
media, each under Relais' own key placed where Meta echoes it (the simulator's record
of what each young person received shows it), and the statuses that come back carrying
it, parsed by the door."""

from typing import Any

import pytest

from domain.channel_messages import (
    ChannelDeliveryState,
    ChannelMediaKind,
    ChannelStatusUpdate,
    MediaMessage,
    OutboundChannelMessage,
    TemplateMessage,
    TextMessage,
)
from partners.errors import PermanentAdapterError
from partners.webchat import receipt_id
from tests.channels.stack import PAGE_ID, PHONE_NUMBER_ID, PSID, WA_ID, Stack, running_stack
from tests.support.waiting import eventually


def outbound(key: str, content: Any, to: str = WA_ID, **extra: Any) -> OutboundChannelMessage:
    return OutboundChannelMessage(idempotency_key=key, recipient=to, content=content, **extra)


async def statuses(stack: Stack, slug: str, count: int) -> list[ChannelStatusUpdate]:
    async def probe() -> list[ChannelStatusUpdate]:
        return [e for e in stack.door.events(slug) if isinstance(e, ChannelStatusUpdate)]

    return await eventually(probe, lambda found: len(found) >= count, what="statuses", within=10)


async def test_whatsapp_text_carries_the_key_and_its_statuses_echo_it(stack: Stack) -> None:
    await stack.write("whatsapp", text="bonjour")
    channel = stack.channel("whatsapp")

    receipt = await channel.send(outbound("conv-1:m1", TextMessage(text="Je suis là.")))

    [received] = await stack.received("whatsapp", WA_ID)
    assert received["message_id"] == receipt.channel_message_id
    assert received["reference"] == "conv-1:m1" and received["text"] == "Je suis là."
    assert received["business"] == PHONE_NUMBER_ID
    found = await statuses(stack, "whatsapp", 3)
    assert [s.state for s in found] == [
        ChannelDeliveryState.SENT,
        ChannelDeliveryState.DELIVERED,
        ChannelDeliveryState.READ,
    ]
    assert {s.reference for s in found} == {"conv-1:m1"}
    assert {tuple(s.message_ids) for s in found} == {(receipt.channel_message_id,)}
    assert {s.recipient for s in found} == {WA_ID}
    assert all(s.failure is None for s in found)


async def test_whatsapp_template_with_its_parameters(stack: Stack) -> None:
    channel = stack.channel("whatsapp")
    template = TemplateMessage(name="nouvelles_signalement", language="fr", parameters=["3018"])

    await channel.send(outbound("case-7:news-1", template))

    [received] = await stack.received("whatsapp", WA_ID)
    assert received["template"]["name"] == "nouvelles_signalement"
    assert received["template"]["language"] == "fr"
    assert received["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": "3018"}]}
    ]
    assert received["reference"] == "case-7:news-1"


async def test_whatsapp_media_by_link_and_by_id(stack: Stack) -> None:
    await stack.write("whatsapp", text="bonjour")
    uploaded = await stack.sim.post(
        "/_control/meta/media?filename=fiche.pdf",
        content=b"%PDF-1.4 fiche",
        headers={"Content-Type": "application/pdf"},
    )
    channel = stack.channel("whatsapp")
    poster = MediaMessage(
        kind=ChannelMediaKind.IMAGE, link="https://3018.fr/affiche.png", caption="Nos horaires"
    )
    sheet = MediaMessage(
        kind=ChannelMediaKind.DOCUMENT, media_id=uploaded.json()["id"], filename="fiche.pdf"
    )

    await channel.send(outbound("c:m1", poster))
    await channel.send(outbound("c:m2", sheet))

    first, second = await stack.received("whatsapp", WA_ID)
    assert first["media"]["link"] == "https://3018.fr/affiche.png"
    assert first["media"]["caption"] == "Nos horaires" and first["reference"] == "c:m1"
    assert second["media"]["id"] == uploaded.json()["id"]
    assert second["media"]["filename"] == "fiche.pdf" and second["reference"] == "c:m2"
    deliveries = await stack.get("/_control/meta/deliveries")
    assert deliveries["whatsapp"]["without_reference"] == 0
    assert deliveries["whatsapp"]["duplicate_references"] == []


async def test_a_number_the_channel_does_not_have_is_refused_before_any_request(
    stack: Stack,
) -> None:
    with pytest.raises(PermanentAdapterError, match="not one of its phone numbers"):
        await stack.channel("whatsapp").send(
            outbound("k", TextMessage(text="x"), business_id="119999999999999")
        )
    assert await stack.get("/_control/meta/requests") == []


async def test_messenger_text_carries_the_key_and_the_page_echoes_it(stack: Stack) -> None:
    await stack.configure("messenger", echoes=True)
    await stack.write("messenger", text="bonjour")
    channel = stack.channel("messenger")

    receipt = await channel.send(outbound("conv-2:m1", TextMessage(text="Je suis là."), to=PSID))

    [received] = await stack.received("messenger", PSID)
    assert received["message_id"] == receipt.channel_message_id
    assert received["reference"] == "conv-2:m1" and received["messaging_type"] == "RESPONSE"
    assert received["business"] == PAGE_ID
    found = await statuses(stack, "messenger", 3)
    by_state = {s.state: s for s in found}
    assert by_state[ChannelDeliveryState.SENT].reference == "conv-2:m1"  # the echo
    assert by_state[ChannelDeliveryState.SENT].message_ids == [receipt.channel_message_id]
    assert by_state[ChannelDeliveryState.DELIVERED].message_ids == [receipt.channel_message_id]
    assert by_state[ChannelDeliveryState.READ].message_ids == []  # a watermark names no message
    assert by_state[ChannelDeliveryState.READ].up_to is not None
    assert {s.recipient for s in found} == {PSID} and {s.business_id for s in found} == {PAGE_ID}


async def test_messenger_uses_the_human_agent_tag_for_a_counsellor_only(stack: Stack) -> None:
    await stack.write("messenger", text="bonjour")
    channel = stack.channel("messenger")

    await channel.send(outbound("c:m1", TextMessage(text="Moi, Léa"), to=PSID, by_counsellor=True))
    await channel.send(outbound("c:m2", TextMessage(text="Votre dossier avance."), to=PSID))

    typed, automatic = await stack.received("messenger", PSID)
    assert (typed["messaging_type"], typed["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert (automatic["messaging_type"], automatic["tag"]) == ("RESPONSE", None)


async def test_messenger_without_the_tag_permission_answers_within_24_hours_only() -> None:
    async with running_stack(messenger_human_agent_tag=False) as stack:
        await stack.write("messenger", text="bonjour")
        channel = stack.channel("messenger")
        assert channel.features.counsellor_window is None

        await channel.send(outbound("k", TextMessage(text="Moi, Léa"), to=PSID, by_counsellor=True))

        [typed] = await stack.received("messenger", PSID)
        assert typed["messaging_type"] == "RESPONSE"


async def test_messenger_media_and_what_it_cannot_carry(stack: Stack) -> None:
    await stack.write("messenger", text="bonjour")
    channel = stack.channel("messenger")
    sheet = MediaMessage(kind=ChannelMediaKind.DOCUMENT, link="https://3018.fr/fiche.pdf")

    await channel.send(outbound("c:m1", sheet, to=PSID))
    with pytest.raises(PermanentAdapterError, match="no approved templates"):
        await channel.send(
            outbound("c:m2", TemplateMessage(name="reprise_contact", language="fr"), to=PSID)
        )
    with pytest.raises(PermanentAdapterError, match="no caption"):
        await channel.send(outbound("c:m3", sheet.model_copy(update={"caption": "x"}), to=PSID))
    with pytest.raises(PermanentAdapterError, match="2000 characters"):
        await channel.send(outbound("c:m4", TextMessage(text="x" * 2001), to=PSID))

    [received] = await stack.received("messenger", PSID)
    assert received["media"] == {
        "type": "file",
        "payload": {"url": "https://3018.fr/fiche.pdf", "is_reusable": False},
    }
    assert received["reference"] == "c:m1"
    assert len(await stack.get("/_control/meta/requests", kind="send")) == 1


async def test_the_web_chat_sends_nothing_and_names_the_message_by_its_key(stack: Stack) -> None:
    channel = stack.channel("webchat")

    first = await channel.send(outbound("conv-3:m1", TextMessage(text="Bonjour"), to="session-1"))
    again = await channel.send(outbound("conv-3:m1", TextMessage(text="Bonjour"), to="session-1"))
    other = await channel.send(outbound("conv-3:m2", TextMessage(text="Bonjour"), to="session-1"))

    assert first == again and first.channel_message_id == receipt_id("conv-3:m1")
    assert other != first
    with pytest.raises(PermanentAdapterError, match="text only"):
        await channel.send(outbound("k", TemplateMessage(name="reprise_contact", language="fr")))
    assert await stack.get("/_control/meta/requests") == []
