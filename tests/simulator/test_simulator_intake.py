"""Notices and handoffs: idempotent intake and decisions read by polling."""

from sim_support import Sim, StartSim, eventually


async def test_same_key_twice_is_one_notice_and_counts_a_duplicate(sim: Sim) -> None:
    first = await sim.notice("tiktok", "key-1", legal_qualification="cyberharassment")
    again = await sim.notice("tiktok", "key-1", legal_qualification="cyberharassment")

    assert first.status_code == 201
    assert first.json() == {
        "reference": "tiktok-1",
        "status": "received",
        "received_at": first.json()["received_at"],
    }
    assert again.json()["received_at"] == first.json()["received_at"]  # the first receipt
    assert again.status_code == 200
    assert again.json()["reference"] == "tiktok-1"
    summary = await sim.deliveries("tiktok")
    assert summary["notices"] == 1
    assert (summary["posts"], summary["distinct_keys"], summary["duplicates"]) == (2, 1, 1)
    stored = await sim.get_json("/_control/notices", target="tiktok")
    assert [n["body"]["legal_qualification"] for n in stored] == ["cyberharassment"]


async def test_a_notice_without_idempotency_key_is_refused(sim: Sim) -> None:
    response = await sim.notice("tiktok", None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert (await sim.deliveries("tiktok"))["notices"] == 0


async def test_a_body_that_is_not_an_object_is_refused(sim: Sim) -> None:
    response = await sim.http.post(
        "/platforms/tiktok/notices", json=[1, 2], headers={"Idempotency-Key": "k"}
    )

    assert response.status_code == 422


async def test_decision_is_read_by_polling_after_the_delay(sim: Sim) -> None:
    await sim.configure("snapchat", decision="refused", decision_reason="not against our rules")
    reference = (await sim.notice("snapchat", "key-1")).json()["reference"]

    pending = await sim.get_json(f"/platforms/snapchat/notices/{reference}")
    assert pending["status"] == "pending"
    assert pending["decided_at"] is None
    assert pending["idempotency_key"] == "key-1"

    async def decided() -> bool:
        notice = await sim.get_json(f"/platforms/snapchat/notices/{reference}")
        return bool(notice["status"] != "pending")

    await eventually(decided)
    notice = await sim.get_json(f"/platforms/snapchat/notices/{reference}")
    assert notice["status"] == "refused"
    assert notice["reason"] == "not against our rules"
    assert notice["decided_at"] is not None


async def test_decision_none_never_decides(sim: Sim) -> None:
    await sim.configure("x", decision="none")
    silent = (await sim.notice("x", "silent")).json()["reference"]
    await sim.configure("x", decision="removed")
    answered = (await sim.notice("x", "answered")).json()["reference"]

    async def answered_decided() -> bool:
        notice = await sim.get_json(f"/platforms/x/notices/{answered}")
        return bool(notice["status"] == "removed")

    await eventually(answered_decided)
    # Same delay, received earlier: it would have been decided by now.
    assert (await sim.get_json(f"/platforms/x/notices/{silent}"))["status"] == "pending"


async def test_unknown_notice_is_404(sim: Sim) -> None:
    response = await sim.http.get("/platforms/tiktok/notices/tiktok-999")

    assert response.status_code == 404


async def test_handoff_is_acknowledged_then_gets_its_outcome(sim: Sim) -> None:
    await sim.configure("pharos", outcome="in_progress", outcome_detail="assigned to an analyst")
    first = await sim.handoff("pharos", "ref-1", categories=["sextortion"])
    again = await sim.handoff("pharos", "ref-1", categories=["sextortion"])

    assert first.status_code == 201
    assert first.json() == {"reference": "pharos-1", "status": "acknowledged"}
    assert (again.status_code, again.json()["reference"]) == (200, "pharos-1")
    assert (await sim.get_json("/partners/pharos/handoffs/pharos-1"))["status"] == "acknowledged"

    async def in_progress() -> bool:
        handoff = await sim.get_json("/partners/pharos/handoffs/pharos-1")
        return bool(handoff["status"] == "in_progress")

    await eventually(in_progress)
    handoff = await sim.get_json("/partners/pharos/handoffs/pharos-1")
    assert handoff == {
        "reference": "pharos-1",
        "status": "in_progress",
        "detail": "assigned to an analyst",
        "idempotency_key": "ref-1",
    }
    assert (await sim.deliveries("pharos"))["duplicates"] == 1


async def test_a_human_forces_a_decision(sim: Sim) -> None:
    await sim.configure("yubo", decision="none")
    reference = (await sim.notice("yubo", "key-1")).json()["reference"]

    forced = await sim.http.post(
        "/_control/decide",
        json={"target": "yubo", "reference": reference, "decision": "restricted", "reason": "geo"},
    )

    assert forced.status_code == 200
    notice = await sim.get_json(f"/platforms/yubo/notices/{reference}")
    assert (notice["status"], notice["reason"]) == ("restricted", "geo")


async def test_a_forced_decision_replaces_the_planned_one(start_sim: StartSim) -> None:
    sim = await start_sim(defaults={"decision_delay_seconds": 0.2, "delivery": "poll"})
    reference = (await sim.handoff("police", "ref-1")).json()["reference"]
    await sim.http.post(
        "/_control/decide", json={"target": "police", "reference": reference, "status": "declined"}
    )
    other = (await sim.handoff("police", "ref-2")).json()["reference"]

    async def other_decided() -> bool:
        handoff = await sim.get_json(f"/partners/police/handoffs/{other}")
        return bool(handoff["status"] == "accepted")

    await eventually(other_decided)
    assert (await sim.get_json(f"/partners/police/handoffs/{reference}"))["status"] == "declined"


async def test_forcing_a_wrong_decision_names_the_field(sim: Sim) -> None:
    reference = (await sim.handoff("119", "ref-1")).json()["reference"]

    wrong = await sim.http.post(
        "/_control/decide", json={"target": "119", "reference": reference, "status": "removed"}
    )
    unknown = await sim.http.post(
        "/_control/decide", json={"target": "119", "reference": "119-404", "status": "closed"}
    )

    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "status"
    assert unknown.status_code == 404
