"""Content checks: our own proof that an item is really gone."""

from sim_support import Sim, eventually


async def _online(sim: Sim, slug: str, **where: str) -> bool:
    return bool((await sim.get_json(f"/platforms/{slug}/content", **where))["online"])


async def test_content_goes_offline_once_removed(sim: Sim) -> None:
    await sim.notice("tiktok", "key-1", location={"url": "https://t/v/1", "account": None})
    assert await _online(sim, "tiktok", url="https://t/v/1")

    async def offline() -> bool:
        return not await _online(sim, "tiktok", url="https://t/v/1")

    await eventually(offline)
    assert await _online(sim, "tiktok", url="https://t/v/2")
    assert await _online(sim, "instagram", url="https://t/v/1")


async def test_accounts_and_messages_are_matched_too(sim: Sim) -> None:
    await sim.configure("discord", decision="restricted")
    await sim.notice("discord", "key-1", location={"account": "acc-9"})
    await sim.notice("discord", "key-2", location={"message_id": "m-7"})

    async def both_offline() -> bool:
        account = await _online(sim, "discord", account="acc-9")
        message = await _online(sim, "discord", message_id="m-7")
        return not account and not message

    await eventually(both_offline)


async def test_refused_content_stays_online(sim: Sim) -> None:
    await sim.configure("x", decision="refused")
    await sim.notice("x", "key-1", location={"url": "https://x/1"})

    async def decided() -> bool:
        return bool((await sim.get_json("/platforms/x/notices/x-1"))["status"] == "refused")

    await eventually(decided)
    assert await _online(sim, "x", url="https://x/1")


async def test_content_stays_online_despite_removed(sim: Sim) -> None:
    await sim.configure("yubo", content_stays_online=True)
    await sim.notice("yubo", "key-1", location={"url": "https://y/1"})

    async def decided() -> bool:
        return bool((await sim.get_json("/platforms/yubo/notices/yubo-1"))["status"] == "removed")

    await eventually(decided)
    assert await _online(sim, "yubo", url="https://y/1")
    await sim.configure("yubo", content_stays_online=False)
    assert not await _online(sim, "yubo", url="https://y/1")


async def test_a_content_check_needs_a_location(sim: Sim) -> None:
    response = await sim.http.get("/platforms/tiktok/content")

    assert response.status_code == 422
