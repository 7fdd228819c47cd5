"""A counsellor's work on a case beyond its opening, route by route, through the real
API, worker and workflows: contact details read on demand, notes, later contacts,
risk changes, urgency, corrections, handovers, and what the case view shows."""

from datetime import UTC, datetime
from typing import Any

import httpx

from domain import contract
from relais import search_attributes as sa
from relais.db.repositories.retention import RetentionBook
from relais.settings import Role
from tests.api.conftest import ApiHarness, case_state, open_case
from tests.support.client import SECOND_COUNSELLOR, harness_auth, harness_subject
from tests.support.waiting import eventually

CONTACT = {"first_name": "Camille", "phone": "+33600000000", "handles": ["@cam"]}


async def audit_of(api: httpx.AsyncClient, case_id: str, action: str) -> list[dict[str, Any]]:
    response = await api.get(
        "/audit", params={"case_id": case_id, "action": action}, headers=harness_auth(Role.AUDITOR)
    )
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


async def test_contact_details_are_read_on_demand_and_every_read_is_audited(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api)

    first = await api.get(f"/cases/{case_id}/contact", headers=harness_auth(Role.COUNSELLOR))
    second = await api.get(f"/cases/{case_id}/contact", headers=harness_auth(Role.SUPERVISOR))

    assert first.status_code == 200, first.text
    card = first.json()
    assert (card["first_name"], card["phone"], card["handles"]) == (
        "Camille",
        "+33600000000",
        ["@cam"],
    )
    assert card["safe_window"] == {"earliest_hour": 17, "latest_hour": 20, "weekdays_only": False}
    assert first.headers["Cache-Control"] == "no-store"
    assert second.json() == card
    reads = await audit_of(api, case_id, "case.contact.read")
    assert [(e["actor"], e["detail"]) for e in reads] == [
        (harness_subject(Role.COUNSELLOR), "personal data read"),
        (harness_subject(Role.SUPERVISOR), "personal data read"),
    ]
    other = await api.get(f"/cases/{case_id}/contact", headers=SECOND_COUNSELLOR)
    assert other.status_code == 403
    assert len(await audit_of(api, case_id, "case.contact.read")) == 2


async def test_a_purged_case_answers_gone(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    book = RetentionBook(api_harness.database)
    await book.schedule(case_id, datetime(2027, 11, 30, tzinfo=UTC))
    await book.mark_purged(case_id, datetime(2027, 12, 1, tzinfo=UTC))

    response = await api.get(f"/cases/{case_id}/contact", headers=harness_auth(Role.COUNSELLOR))

    assert response.status_code == 410
    assert response.json()["detail"] == (
        f"the personal data of case {case_id} was purged on 2027-12-01 (end of retention); "
        "the case's statistics remain"
    )
    assert await audit_of(api, case_id, "case.contact.read") == []


async def test_a_note_is_shown_to_readers_and_kept_out_of_the_timeline_and_ui(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    text = "Camille's brother sent the photo"

    created = await api.post(
        f"/cases/{case_id}/notes", json={"text": text}, headers=harness_auth(Role.COUNSELLOR)
    )

    assert created.status_code == 201, created.text
    assert created.json()["author"] == harness_subject(Role.COUNSELLOR)
    view = (await api.get(f"/cases/{case_id}", headers=harness_auth(Role.SUPERVISOR))).json()
    assert [(n["text"], n["author"]) for n in view["notes"]] == [
        (text, harness_subject(Role.COUNSELLOR))
    ]
    assert view["timeline"][-1]["detail"] == f"note added by {harness_subject(Role.COUNSELLOR)}"
    assert text not in str(view["timeline"])
    handle = api_harness.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    description = await handle.describe()
    assert text not in str(description.typed_search_attributes)
    assert text not in (await api.get("/audit", headers=harness_auth(Role.AUDITOR))).text
    assert (
        await api.post(
            f"/cases/{case_id}/notes", json={"text": ""}, headers=harness_auth(Role.COUNSELLOR)
        )
    ).status_code == 422


async def test_a_later_contact_updates_the_contact_details_and_lists_every_contact(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api)

    added = await api.post(
        f"/cases/{case_id}/contacts",
        json={
            "channel": "web_chat",
            "caller_role": "victim",
            "summary": "new messages",
            "contact": {"phone": "+33611111111"},
        },
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert added.status_code == 201, added.text
    assert added.json()["contact_details_updated"] is True
    card = (
        await api.get(f"/cases/{case_id}/contact", headers=harness_auth(Role.COUNSELLOR))
    ).json()
    assert (card["first_name"], card["phone"]) == ("Camille", "+33611111111")
    view = await case_state(api_harness, case_id)
    assert [(c.channel.value, c.summary) for c in view.contacts] == [
        ("phone", "Photo shared in a class group"),
        ("web_chat", "new messages"),
    ]


async def test_a_contact_on_a_closed_case_reopens_it(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    closed = await api.post(
        f"/cases/{case_id}/close",
        json={"reason": "resolved"},
        headers=harness_auth(Role.COUNSELLOR),
    )
    assert closed.status_code == 200, closed.text

    added = await api.post(
        f"/cases/{case_id}/contacts",
        json={"channel": "phone", "caller_role": "parent"},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert added.status_code == 201, added.text
    view = await case_state(api_harness, case_id)
    assert (view.status.value, view.reopened) != ("closed", 0)
    assert view.reopened == 1
    assert "case reopened: new contact (phone)" in [e.detail for e in view.timeline]


async def test_new_risk_raises_urgency_and_starts_the_emergency_referral_once(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api, categories=["cyberharassment"])
    assert (await case_state(api_harness, case_id)).urgency.value == "normal"
    # The police are down: their referral stays under way.
    await api_harness.stack.configure_target("police", outage={"active": True})
    try:
        risk = await api.post(
            f"/cases/{case_id}/risk",
            json={"risk_flags": ["suicidal_risk"]},
            headers=harness_auth(Role.COUNSELLOR),
        )
        assert risk.status_code == 200, risk.text
        assert risk.json()["urgency"] == "critical"
        more = await api.post(
            f"/cases/{case_id}/risk",
            json={"risk_flags": ["ongoing_sexual_exploitation"]},
            headers=harness_auth(Role.COUNSELLOR),
        )
        assert more.status_code == 200, more.text
        view = await eventually(
            lambda: case_state(api_harness, case_id),
            lambda v: len(v.referrals) == 2,
            what="the 119 referral",
        )
        assert sorted(r.partner for r in view.referrals) == ["enfance-en-danger-119", "police"]
        details = [e.detail for e in view.timeline]
        assert f"police not alerted again: {case_id}-r1 is already under way" in details
        handle = api_harness.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
        await eventually(
            handle.describe,
            lambda d: d.typed_search_attributes.get(sa.CASE_URGENCY) == "critical",
            what="the urgency search attribute",
        )
    finally:
        await api_harness.stack.configure_target("police", outage={"active": False})


async def test_only_a_supervisor_lowers_urgency_and_says_why(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)  # intimate image: high
    body = {"urgency": "normal", "reason": "image already removed by the school"}

    refused = await api.post(
        f"/cases/{case_id}/urgency", json=body, headers=harness_auth(Role.COUNSELLOR)
    )
    no_reason = await api.post(
        f"/cases/{case_id}/urgency",
        json={"urgency": "normal"},
        headers=harness_auth(Role.SUPERVISOR),
    )
    lowered = await api.post(
        f"/cases/{case_id}/urgency", json=body, headers=harness_auth(Role.SUPERVISOR)
    )

    assert refused.status_code == 403
    assert no_reason.status_code == 422
    assert lowered.status_code == 200, lowered.text
    assert lowered.json()["urgency"] == "normal"
    assert lowered.json()["timeline"][-1]["detail"] == (
        "urgency lowered from high to normal: image already removed by the school"
    )


async def test_an_intake_correction_is_recorded_and_followed_everywhere(
    api_harness: ApiHarness,
) -> None:
    api = api_harness.api
    case_id = await open_case(api, categories=["cyberharassment"])

    corrected = await api.patch(
        f"/cases/{case_id}/intake",
        json={"categories": ["sextortion"], "caller_role": "parent"},
        headers=harness_auth(Role.COUNSELLOR),
    )
    unchanged = await api.patch(
        f"/cases/{case_id}/intake",
        json={"caller_role": "parent"},
        headers=harness_auth(Role.COUNSELLOR),
    )

    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["changes"] == [
        {"field": "categories", "old": "cyberharassment", "new": "sextortion"},
        {"field": "caller_role", "old": "victim", "new": "parent"},
    ]
    assert unchanged.status_code == 422
    assert unchanged.json()["detail"][0]["code"] == "nothing_to_correct"
    view = await case_state(api_harness, case_id)
    assert view.categories[0].value == "sextortion" and view.urgency.value == "high"
    assert any(e.detail.startswith("intake corrected: categories") for e in view.timeline)
    [entry] = await audit_of(api, case_id, "case.intake.correct")
    assert (
        entry["detail"] == "categories cyberharassment -> sextortion; caller_role victim -> parent"
    )
    handle = api_harness.client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case_id))
    await eventually(
        handle.describe,
        lambda d: d.typed_search_attributes.get(sa.CASE_CATEGORIES) == ["sextortion"],
        what="the categories search attribute",
    )
    listed = await eventually(
        lambda: api.get(
            "/cases", params={"category": "sextortion"}, headers=harness_auth(Role.SUPERVISOR)
        ),
        lambda r: case_id in [c["case_id"] for c in r.json()["items"]],
        what="the directory",
    )
    [row] = [c for c in listed.json()["items"] if c["case_id"] == case_id]
    assert row["caller_role"] == "parent"


async def test_a_supervisor_assigns_a_case_and_access_follows(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)
    colleague = "test-second-counsellor"

    assigned = await api.post(
        f"/cases/{case_id}/assignment",
        json={"to": colleague},
        headers=harness_auth(Role.SUPERVISOR),
    )
    not_theirs = await api.post(
        f"/cases/{case_id}/handover", json={"to": colleague}, headers=harness_auth(Role.COUNSELLOR)
    )

    assert assigned.status_code == 200, assigned.text
    assert assigned.json() == {
        "previous_owner": harness_subject(Role.COUNSELLOR),
        "owner": colleague,
    }
    assert (await api.get(f"/cases/{case_id}", headers=SECOND_COUNSELLOR)).status_code == 200
    assert not_theirs.status_code == 403  # no longer the counsellor's case
    back = await api.post(
        f"/cases/{case_id}/handover",
        json={"to": harness_subject(Role.COUNSELLOR), "note": "back to you"},
        headers=SECOND_COUNSELLOR,
    )
    assert back.status_code == 200, back.text
    assert (await api.get(f"/cases/{case_id}", headers=SECOND_COUNSELLOR)).status_code == 403
    view = await case_state(api_harness, case_id)
    assert view.owner == harness_subject(Role.COUNSELLOR)
    assert [n.text for n in view.notes] == ["back to you"]
    actions = [e["action"] for e in await audit_of(api, case_id, "case.assign")]
    actions += [e["action"] for e in await audit_of(api, case_id, "case.handover")]
    assert actions == ["case.assign", "case.handover"]


async def test_the_case_view_shows_consents_and_local_times(api_harness: ApiHarness) -> None:
    api = api_harness.api
    case_id = await open_case(api)

    view = (await api.get(f"/cases/{case_id}", headers=harness_auth(Role.COUNSELLOR))).json()

    assert view["consents"]["referral_partners"] == ["pharos"]
    assert view["consents"]["callback"]["consented"] is True
    planned = view["timeline"][-1]
    assert planned["detail"] == f"callback planned for {view['callback']['due_local']}"
    assert planned["local_time"].endswith("(Paris)")
    assert view["callback"]["due_local"].endswith("(Paris)")
