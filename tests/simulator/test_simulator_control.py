"""The control API: live configuration, validation, reports and reset."""

from sim_support import Sim, StartSim, eventually


async def test_an_update_merges_into_the_config(sim: Sim) -> None:
    await sim.configure("tiktok", rate_limit={"every": 5, "retry_after_seconds": 9})
    await sim.configure("tiktok", rate_limit={"every": 2}, error_rate=0.1)

    config = await sim.get_json("/_control/targets/tiktok")

    assert config["rate_limit"] == {"every": 2, "retry_after_seconds": 9}
    assert config["error_rate"] == 0.1
    assert config["delivery"] == "poll"  # from the start defaults, untouched
    listing = await sim.get_json("/_control/targets")
    assert listing["defaults"]["decision_delay_seconds"] == 0.05
    assert "tiktok" in listing["targets"]


async def test_null_clears_a_setting_back_to_its_built_in_default(sim: Sim) -> None:
    """As the guide says: ``null`` clears, whether or not the knob itself can be null."""
    await sim.configure(
        "tiktok",
        decision="refused",
        decision_reason="not against our rules",
        rate_limit={"every": 1000, "retry_after_seconds": 9},
        outage={"active": True, "until": "2030-01-01T00:00:00Z"},
    )

    cleared = await sim.http.put(
        "/_control/targets/tiktok",
        json={
            "decision": None,
            "decision_reason": None,
            "rate_limit": {"retry_after_seconds": None},
            "outage": None,
        },
    )

    assert cleared.status_code == 200, cleared.text
    config = await sim.get_json("/_control/targets/tiktok")
    assert (config["decision"], config["decision_reason"]) == ("removed", None)
    assert config["rate_limit"] == {"every": 1000, "retry_after_seconds": 1}
    assert config["outage"] == {"active": False, "start": None, "until": None}
    reference = (await sim.notice("tiktok", "key-1")).json()["reference"]

    async def removed() -> bool:
        notice = await sim.get_json(f"/platforms/tiktok/notices/{reference}")
        return bool(notice["status"] == "removed")

    await eventually(removed)
    await sim.configure("tiktok", rate_limit=None)
    assert (await sim.get_json("/_control/targets/tiktok"))["rate_limit"] is None


async def test_invalid_updates_name_the_field_and_change_nothing(sim: Sim) -> None:
    cases = {
        "error_rate": {"error_rate": 1.5},
        "decision": {"decision": "deleted"},
        "rate_limit.every": {"rate_limit": {"every": 0}},
        "outage.until": {"outage": {"until": "tomorrow"}},
        "colour": {"colour": "red"},
    }
    for field, update in cases.items():
        response = await sim.http.put("/_control/targets/tiktok", json=update)
        assert response.status_code == 422, field
        assert [e["field"] for e in response.json()["detail"]] == [field]

    not_an_object = await sim.http.put("/_control/targets/tiktok", json=[1])
    assert not_an_object.status_code == 422
    assert not_an_object.json()["detail"][0]["field"] == "body"
    config = await sim.get_json("/_control/targets/tiktok")
    assert (config["error_rate"], config["decision"], config["rate_limit"]) == (
        0.0,
        "removed",
        None,
    )


async def test_requests_are_recorded_and_filtered(sim: Sim) -> None:
    await sim.notice("tiktok", "key-1")
    await sim.handoff("pharos", "ref-1")
    await sim.http.get("/platforms/tiktok/content", params={"url": "https://private/1"})

    everything = await sim.get_json("/_control/requests")
    notices = await sim.get_json("/_control/requests", target="tiktok", kind="notice")

    assert [(r["target"], r["kind"], r["status"]) for r in everything] == [
        ("tiktok", "notice", 201),
        ("pharos", "handoff", 201),
        ("tiktok", "content", 200),
    ]
    assert [r["idempotency_key"] for r in notices] == ["key-1"]
    assert everything[2]["path"] == "/platforms/tiktok/content"  # no query: no item URL kept


async def test_a_notice_resent_under_a_fresh_key_is_reported(sim: Sim) -> None:
    await sim.notice("tiktok", "key-1", notice_id="n-1")
    await sim.notice("tiktok", "key-2", notice_id="n-1")
    await sim.notice("tiktok", "key-3", notice_id="n-1", renotice_of="tiktok-1")

    summary = await sim.deliveries("tiktok")

    assert summary["duplicates"] == 0
    assert summary["ids_under_several_keys"] == ["notice:n-1"]


async def test_reset_clears_records_and_keeps_config_unless_asked(start_sim: StartSim) -> None:
    sim = await start_sim(
        defaults={"delivery": "poll", "decision_delay_seconds": 0.05},
        targets={"pharos": {"outcome": "declined"}},
    )
    await sim.configure("pharos", outcome="closed")
    await sim.configure("tiktok", fail_next=1)
    await sim.notice("tiktok", "key-1")
    await sim.notice("tiktok", "key-1")

    await sim.http.post("/_control/reset")

    assert await sim.get_json("/_control/requests") == []
    assert (await sim.deliveries("tiktok"))["posts"] == 0
    assert (await sim.get_json("/_control/targets/pharos"))["outcome"] == "closed"
    after = await sim.notice("tiktok", "key-1")
    assert after.status_code == 201
    assert after.json()["reference"] == "tiktok-2"  # references never repeat

    await sim.http.post("/_control/reset", params={"config": "true"})

    assert (await sim.get_json("/_control/targets/pharos"))["outcome"] == "declined"
    listing = await sim.get_json("/_control/targets")
    assert sorted(listing["targets"]) == ["pharos"]


async def test_reset_cancels_planned_decisions(start_sim: StartSim) -> None:
    sim = await start_sim(defaults={"delivery": "poll", "decision_delay_seconds": 0.1})
    await sim.notice("tiktok", "key-1")
    await sim.http.post("/_control/reset")
    await sim.notice("tiktok", "key-2")

    async def second_decided() -> bool:
        notice = await sim.get_json("/platforms/tiktok/notices/tiktok-2")
        return bool(notice["status"] == "removed")

    await eventually(second_decided)
    assert (await sim.http.get("/platforms/tiktok/notices/tiktok-1")).status_code == 404


async def test_a_decide_request_missing_a_field_names_it(sim: Sim) -> None:
    response = await sim.http.post("/_control/decide", json={"reference": "x-1"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["target"]
