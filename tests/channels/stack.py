"""The channel tests' stack: the simulator (playing Meta) and the test door, each on
a real loopback port, and the adapter registry built from the settings as the worker
and the API build it, with the simulator's URL as the Graph API's.

The settings' local defaults are the simulator's own secrets: the tests use them as
they are, so a drift between the two fails here.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from domain.channel_messages import ChannelEvent, InboundChannelMessage
from partners.base import ConversationChannel
from partners.loading import load_adapters
from partners.registry import AdapterRegistry
from relais.serving import serve_app
from relais.settings import Settings
from simulator import SimulatorConfig, create_app
from tests.channels.door import Door
from tests.support.waiting import eventually

WA_ID = "33612345678"
PSID = "7100000000000042"
PHONE_NUMBER_ID = "110000000003018"
PAGE_ID = "120000000003018"
FAST_STATUSES = {"sent": 0.01, "delivered": 0.03, "read": 0.06}
RETRIES = [0.02, 0.05]


@dataclass
class Stack:
    sim: httpx.AsyncClient
    sim_url: str
    door: Door
    registry: AdapterRegistry
    settings: Settings

    def channel(self, slug: str) -> ConversationChannel:
        return self.registry.conversation_channel(slug)

    async def write(self, channel: str, **message: Any) -> dict[str, Any]:
        """A young person writes: the simulator posts the webhook to the door."""
        message.setdefault("from", WA_ID if channel == "whatsapp" else PSID)
        response = await self.sim.post(f"/_control/meta/{channel}/inbound", json=message)
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result

    async def write_batch(self, channel: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        for message in messages:
            message.setdefault("from", WA_ID if channel == "whatsapp" else PSID)
        response = await self.sim.post(
            f"/_control/meta/{channel}/inbound-batch", json={"messages": messages}
        )
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result

    async def configure(self, channel: str, **knobs: Any) -> None:
        response = await self.sim.put(f"/_control/meta/{channel}", json=knobs)
        assert response.status_code == 200, response.text

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.sim.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def received(self, channel: str, user: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self.get(
            f"/_control/meta/{channel}/users/{user}/received"
        )
        return found

    async def event(self, event_id: str) -> ChannelEvent:
        """The event with this id, once the door has stored it."""

        async def probe() -> ChannelEvent | None:
            return self.door.seen.get(event_id)

        found = await eventually(probe, lambda e: e is not None, what=event_id, within=10)
        assert found is not None
        return found

    async def message(self, slug: str, message_id: str) -> InboundChannelMessage:
        found = await self.event(f"{slug}:message:{message_id}")
        assert isinstance(found, InboundChannelMessage)
        return found

    async def settled(self, channel: str, message_id: str) -> list[dict[str, Any]]:
        """Every attempt of the message's webhook, once the simulator stopped trying."""

        async def attempts() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = await self.get(
                "/_control/meta/webhooks", channel=channel, kind="message", message_id=message_id
            )
            return found

        return await eventually(
            attempts,
            lambda found: any(a["delivered"] for a in found) or len(found) > len(RETRIES),
            what=f"the webhook of {message_id} to settle",
            within=10,
        )


def fast_meta(**channels: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "whatsapp": {"status_delays": FAST_STATUSES, "retry_delays": RETRIES},
        "messenger": {
            "status_delays": {**FAST_STATUSES, "sent": None},
            "retry_delays": RETRIES,
        },
    }
    for name, knobs in channels.items():
        meta[name] = {**meta[name], **knobs}
    return meta


@asynccontextmanager
async def running_stack(
    meta: dict[str, Any] | None = None, **settings: Any
) -> AsyncIterator[Stack]:
    door = Door()
    async with serve_app(door.app()) as door_url:
        door.base_url = door_url
        config = SimulatorConfig.model_validate(
            {"webhook_base_url": door_url, "meta": meta or fast_meta()}
        )
        async with (
            serve_app(create_app(config)) as sim_url,
            httpx.AsyncClient(base_url=sim_url, timeout=10) as http,
        ):
            relais = Settings(_env_file=None, simulator_url=sim_url, **settings)  # type: ignore[call-arg]
            report = load_adapters(relais, None, plugins=False)
            assert report.problems == []
            door.registry = report.registry()
            door.max_bytes = relais.channels_max_webhook_bytes
            yield Stack(http, sim_url, door, door.registry, relais)
