"""Each way the simulated Graph API can refuse or fail a send, and the error the channel
raises for it, decided on Meta's ``error.code`` (not the HTTP status): rate limits
(with and without Retry-After), transient failures whose outcome is unknown, outages,
the customer-service window (refused at once, or reported by a failed status), an
unknown template, a bad token, people who cannot be reached."""

from datetime import timedelta
from typing import Any

import pytest

from domain.channel_messages import (
    ChannelDeliveryState,
    ChannelFailureKind,
    ChannelStatusUpdate,
    OutboundChannelMessage,
    TemplateMessage,
    TextMessage,
)
from partners.channel_errors import OutcomeUnknownError, OutsideWindowError, RateLimitedError
from partners.config_file import parse_config
from partners.errors import AdapterError, PermanentAdapterError, TransientAdapterError
from partners.loading import load_adapters
from relais.serving import free_port
from relais.settings import Settings
from tests.channels.stack import PSID, WA_ID, Stack, running_stack
from tests.support.waiting import eventually

TEXT = TextMessage(text="Je suis là.")


def to(channel: str) -> str:
    return WA_ID if channel == "whatsapp" else PSID


async def send(stack: Stack, channel: str, key: str = "k1", content: Any = TEXT, **kw: Any) -> Any:
    message = OutboundChannelMessage(
        idempotency_key=key, recipient=kw.pop("recipient", to(channel)), content=content, **kw
    )
    return await stack.channel(channel).send(message)


async def refused(stack: Stack, channel: str, **kw: Any) -> AdapterError:
    with pytest.raises(AdapterError) as caught:
        await send(stack, channel, **kw)
    return caught.value


async def failed_status(stack: Stack, key: str) -> ChannelStatusUpdate:
    async def probe() -> list[ChannelStatusUpdate]:
        return [
            e
            for e in stack.door.events("whatsapp")
            if isinstance(e, ChannelStatusUpdate) and e.state is ChannelDeliveryState.FAILED
        ]

    [status] = await eventually(probe, lambda found: len(found) == 1, what="a failed status")
    assert status.reference == key
    return status


@pytest.mark.parametrize(("channel", "code"), [("whatsapp", "#130429"), ("messenger", "#613")])
async def test_a_429_storm_is_rate_limited_with_retry_after_when_given(
    stack: Stack, channel: str, code: str
) -> None:
    await stack.write(channel, text="bonjour")
    await stack.configure(channel, rate_limit_window={"active": True}, retry_after_seconds=30)
    with_header = await refused(stack, channel)
    await stack.configure(channel, retry_after_seconds=None)
    without = await refused(stack, channel)

    assert isinstance(with_header, RateLimitedError) and isinstance(without, RateLimitedError)
    assert with_header.retry_after == timedelta(seconds=30)
    assert without.retry_after is None
    assert code in str(with_header)
    assert await stack.received(channel, to(channel)) == []


@pytest.mark.parametrize(
    ("channel", "code"), [("whatsapp", 131056), ("whatsapp", 80007), ("messenger", 4)]
)
async def test_rate_limits_meta_answers_with_400_are_still_rate_limits(
    stack: Stack, channel: str, code: int
) -> None:
    await stack.write(channel, text="bonjour")
    await stack.configure(channel, rate_limit_next=1, rate_limit_code=code)

    error = await refused(stack, channel)

    assert isinstance(error, RateLimitedError) and f"#{code}" in str(error)
    assert {r["status"] for r in await stack.get("/_control/meta/requests")} == {400}
    assert (await send(stack, channel, key="k2")).channel_message_id  # the next one goes


@pytest.mark.parametrize(("channel", "code"), [("whatsapp", "#131000"), ("messenger", "#1200")])
async def test_a_transient_500_may_have_taken_the_message(
    stack: Stack, channel: str, code: str
) -> None:
    await stack.write(channel, text="bonjour")
    await stack.configure(channel, fail_next=1)

    error = await refused(stack, channel)

    assert isinstance(error, OutcomeUnknownError) and code in str(error)
    assert await stack.received(channel, to(channel)) == []  # this time it had not


async def test_a_lost_answer_is_an_unknown_outcome_and_the_status_tells_the_truth(
    stack: Stack,
) -> None:
    await stack.write("whatsapp", text="bonjour")
    await stack.configure("whatsapp", lose_next_responses=1)

    error = await refused(stack, "whatsapp", key="conv-1:m7")

    assert isinstance(error, OutcomeUnknownError)
    [taken] = await stack.received("whatsapp", WA_ID)
    assert taken["reference"] == "conv-1:m7"

    async def statuses() -> list[ChannelStatusUpdate]:
        return [e for e in stack.door.events("whatsapp") if isinstance(e, ChannelStatusUpdate)]

    found = await eventually(statuses, bool, what="a status of the lost send")
    assert found[0].reference == "conv-1:m7"  # before retrying, the caller can see it went
    assert found[0].message_ids == [taken["message_id"]]


async def test_an_answer_slower_than_the_timeout_is_an_unknown_outcome() -> None:
    config = parse_config("[overrides.whatsapp]\nconfig = { timeout_seconds = 0.3 }\n", "t.toml")
    async with running_stack() as stack:
        await stack.write("whatsapp", text="bonjour")
        await stack.configure("whatsapp", lose_next_responses=1, lost_response_delay_seconds=2)
        report = load_adapters(stack.settings, config, plugins=False)
        channel = report.registry().conversation_channel("whatsapp")

        with pytest.raises(OutcomeUnknownError, match="ReadTimeout"):
            await channel.send(
                OutboundChannelMessage(idempotency_key="k", recipient=WA_ID, content=TEXT)
            )


@pytest.mark.parametrize("channel", ["whatsapp", "messenger"])
async def test_an_outage_is_transient_with_retry_after_to_its_end(
    stack: Stack, channel: str
) -> None:
    await stack.write(channel, text="bonjour")
    await stack.configure(channel, outage={"until": "2100-01-01T00:00:00Z"})

    error = await refused(stack, channel)

    assert isinstance(error, TransientAdapterError) and "#2" in str(error)
    assert error.retry_after is not None and error.retry_after > timedelta(days=365)


async def test_a_connection_cut_mid_request_is_an_unknown_outcome(stack: Stack) -> None:
    await stack.write("whatsapp", text="bonjour")
    await stack.configure("whatsapp", outage={"active": True, "answer": "reset"})

    error = await refused(stack, "whatsapp")

    assert isinstance(error, OutcomeUnknownError)


async def test_a_graph_api_nobody_listens_on_was_surely_not_reached() -> None:
    settings = Settings(_env_file=None, meta_graph_url=f"http://127.0.0.1:{free_port()}")  # type: ignore[call-arg]
    channel = (
        load_adapters(settings, None, plugins=False).registry().conversation_channel("whatsapp")
    )

    with pytest.raises(TransientAdapterError, match="unreachable") as caught:
        await channel.send(
            OutboundChannelMessage(idempotency_key="k", recipient=WA_ID, content=TEXT)
        )
    assert not isinstance(caught.value, OutcomeUnknownError)


async def test_whatsapp_outside_the_window_refused_at_once_offers_a_template(stack: Stack) -> None:
    await stack.write("whatsapp", text="bonjour")
    await stack.sim.post(f"/_control/meta/whatsapp/users/{WA_ID}/expire-window")

    error = await refused(stack, "whatsapp")
    template = TemplateMessage(name="reprise_contact", language="fr")
    receipt = await send(stack, "whatsapp", key="k2", content=template)

    assert isinstance(error, OutsideWindowError) and error.code == 131047
    assert not isinstance(error, TransientAdapterError)
    [went] = await stack.received("whatsapp", WA_ID)
    assert went["message_id"] == receipt.channel_message_id and went["type"] == "template"


async def test_whatsapp_outside_the_window_reported_by_a_failed_status() -> None:
    async with running_stack() as stack:
        await stack.configure("whatsapp", window_error="status")
        receipt = await send(stack, "whatsapp", key="conv-1:m2")  # never wrote: no window

        status = await failed_status(stack, "conv-1:m2")

    assert status.message_ids == [receipt.channel_message_id]
    assert status.failure is not None
    assert status.failure.kind is ChannelFailureKind.OUTSIDE_WINDOW
    assert status.failure.code == 131047


async def test_messenger_outside_24_hours_a_counsellor_may_still_answer_for_7_days(
    stack: Stack,
) -> None:
    await stack.write("messenger", text="bonjour")
    await stack.sim.post(f"/_control/meta/messenger/users/{PSID}/expire-window")

    error = await refused(stack, "messenger")
    receipt = await send(stack, "messenger", key="k2", by_counsellor=True)

    assert isinstance(error, OutsideWindowError) and "#10/2018278" in str(error)
    [went] = await stack.received("messenger", PSID)
    assert went["message_id"] == receipt.channel_message_id and went["tag"] == "HUMAN_AGENT"


async def test_an_unknown_template_is_a_persons_task_not_a_window_problem(stack: Stack) -> None:
    template = TemplateMessage(name="inconnu", language="fr")

    error = await refused(stack, "whatsapp", content=template)

    assert type(error) is PermanentAdapterError and "#132001" in str(error)


@pytest.mark.parametrize(("channel", "code"), [("whatsapp", "#190"), ("messenger", "#190")])
async def test_a_wrong_access_token_is_a_configuration_problem(
    stack: Stack, channel: str, code: str
) -> None:
    await stack.write(channel, text="bonjour")
    await stack.configure(channel, access_token="the-token-meta-has-now")

    error = await refused(stack, channel)

    assert type(error) is PermanentAdapterError and code in str(error)
    assert "the-token-meta-has-now" not in str(error)


async def test_people_who_cannot_be_reached(stack: Stack) -> None:
    await stack.write("messenger", text="bonjour")
    await stack.configure("messenger", undeliverable=[PSID])
    await stack.configure("whatsapp", undeliverable=[WA_ID])
    stranger = await refused(stack, "messenger", recipient="7100000000000777")

    unavailable = await refused(stack, "messenger")
    template = TemplateMessage(name="reprise_contact", language="en")
    await send(stack, "whatsapp", key="k-wa", content=template)
    status = await failed_status(stack, "k-wa")

    assert type(stranger) is PermanentAdapterError and "#100/2018001" in str(stranger)
    assert type(unavailable) is PermanentAdapterError and "#551/1545041" in str(unavailable)
    assert status.failure is not None and status.failure.code == 131026
    assert status.failure.kind is ChannelFailureKind.UNDELIVERABLE


async def test_a_malformed_request_is_permanent_and_quotes_nothing_sent(stack: Stack) -> None:
    error = await refused(stack, "whatsapp", recipient="06-12-AB")

    assert type(error) is PermanentAdapterError and "#100" in str(error)
    assert "06-12-AB" not in str(error)
