"""The simulated Meta keeps, across its own restart (``--state-file``), what a young
person wrote (so their window stays open), what Relais sent them (duplicates still
detected), the live channel configs and the webhooks it still owes Relais."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from meta_support import GRAPH, WA_ID, WHATSAPP_TOKEN, Meta, MetaReceiver, fast_meta, whatsapp_text
from sim_support import eventually

from relais.serving import serve_app
from simulator import SimulatorConfig, create_app


@asynccontextmanager
async def running(journal: Path, receiver: MetaReceiver, **meta: Any) -> AsyncIterator[Meta]:
    config = SimulatorConfig.model_validate(
        {
            "webhook_base_url": receiver.base_url,
            "webhook_retry_delays": [0.02, 0.05, 0.1],
            "meta": fast_meta(**meta),
        }
    )
    async with serve_app(create_app(config, state_file=journal)) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            yield Meta(http)


async def test_windows_sends_and_configs_survive_a_restart(
    tmp_path: Path, meta_receiver: MetaReceiver
) -> None:
    journal = tmp_path / "simulator-state.jsonl"
    async with running(journal, meta_receiver) as meta:
        await meta.write("whatsapp", text="bonjour")
        first = await meta.send_whatsapp(whatsapp_text("réponse", reference="r-1"))
        assert first.status_code == 200
        await meta.configure("whatsapp", templates=[{"name": "rappel", "language": "fr"}])
        await meta.http.put("/_control/meta/messenger/users/7100", json={"undeliverable": True})

    async with running(journal, meta_receiver) as meta:
        again = await meta.send_whatsapp(whatsapp_text("réponse", reference="r-1"))
        assert again.status_code == 200, "the window is still open"
        first_sent, second_sent = await meta.received("whatsapp", WA_ID)
        assert first_sent["message_id"] == first.json()["messages"][0]["id"]
        assert second_sent["duplicate"] is True
        config = await meta.get("/_control/meta/whatsapp")
        assert [t["name"] for t in config["templates"]] == ["rappel"]
        assert (await meta.get("/_control/meta/messenger/users/7100"))["undeliverable"] is True
        inbound = await meta.get("/_control/meta/whatsapp/inbound")
        assert [m["type"] for m in inbound] == ["text"]
        replay = await meta.http.post(
            "/_control/meta/whatsapp/replay", json={"message_id": inbound[0]["message_id"]}
        )
        assert replay.status_code == 202
    assert journal.stat().st_mode & 0o077 == 0, "readable by its owner only"


async def test_a_webhook_owed_before_the_restart_is_sent_after_it(
    tmp_path: Path, meta_receiver: MetaReceiver
) -> None:
    journal = tmp_path / "simulator-state.jsonl"
    meta_receiver.answer_first = [503, 503]  # Relais is down
    slow_retries = {"retry_delays": [0.02, 60]}
    async with running(journal, meta_receiver, messenger=slow_retries) as meta:
        written = await meta.write("messenger", text="vous êtes là ?")

        async def waiting_to_retry() -> bool:
            return len(await meta.get("/_control/meta/webhooks")) == 2

        await eventually(waiting_to_retry)
    assert meta_receiver.received == []

    async with running(journal, meta_receiver):

        async def delivered() -> bool:
            return any(d.payload == written["payload"] for d in meta_receiver.of("messenger"))

        await eventually(delivered)


async def test_a_media_meta_no_longer_keeps_stays_gone_after_a_restart(
    tmp_path: Path, meta_receiver: MetaReceiver
) -> None:
    journal = tmp_path / "simulator-state.jsonl"
    async with running(journal, meta_receiver) as meta:
        kept = await meta.http.post(
            "/_control/meta/media", content=b"\x89PNG kept", headers={"content-type": "image/png"}
        )
        dropped = await meta.http.post(
            "/_control/meta/media", content=b"\x89PNG gone", headers={"content-type": "image/png"}
        )
        gone_id = dropped.json()["id"]
        assert (await meta.http.delete(f"/_control/meta/media/{gone_id}")).status_code == 204

    async with running(journal, meta_receiver) as meta:
        token = {"access_token": WHATSAPP_TOKEN}
        lookup = await meta.http.get(f"{GRAPH}/{gone_id}", params=token)
        assert lookup.status_code == 400 and lookup.json()["error"]["error_subcode"] == 33
        still = await meta.http.get(f"{GRAPH}/{kept.json()['id']}", params=token)
        assert still.status_code == 200
