"""On a channel that pushes (WhatsApp, Messenger) each counsellor's message is
delivered by the channel's activity, in order, retried as the channel needs, and a
message the channel refuses for good is shown failed to the counsellor."""

from temporalio.exceptions import ApplicationError

from domain.conversation import Delivery
from domain.conversation_records import PERMANENT_CHANNEL_ERROR, DeliveryReceipt, DeliveryRequest
from domain.intake import Channel
from tests.support.waiting import eventually
from tests.workflows.conversation.support import ConversationFakes, Helpline


async def test_a_reply_on_whatsapp_is_retried_until_delivered_a_refused_one_shown_failed(
    helpline: Helpline, fakes: ConversationFakes
) -> None:
    def channel(request: DeliveryRequest, attempt: int) -> DeliveryReceipt:
        if request.seq == 2 and attempt == 1:
            raise ApplicationError("429 Too Many Requests", type="RateLimited")
        if request.seq == 3:
            raise ApplicationError(
                "131047: re-engagement message", type=PERMANENT_CHANNEL_ERROR, non_retryable=True
            )
        return DeliveryReceipt(channel_reference=f"wamid.{request.seq}")

    fakes.deliver = channel
    await helpline.presence("a")
    chat = await helpline.open(channel=Channel.WHATSAPP)
    await helpline.writes(chat)
    await helpline.accept("a", await helpline.offer_to("a", chat))
    await helpline.replies(chat, "a", body="bonjour")
    await helpline.replies(chat, "a", body="tu es toujours là ?")

    view = await eventually(
        lambda: helpline.counsellor_view(chat),
        lambda v: [m.delivery for m in v.messages] == [None, Delivery.DELIVERED, Delivery.FAILED],
        what="delivered, then refused",
        within=60,
    )
    assert view.messages[0].delivery is None  # their own message is not sent back to them
    assert [(d.seq, d.channel) for d in fakes.deliveries] == [
        (2, Channel.WHATSAPP),
        (2, Channel.WHATSAPP),
        (3, Channel.WHATSAPP),
    ]
