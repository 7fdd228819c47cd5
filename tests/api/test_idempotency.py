"""``Idempotency-Key`` on every POST a person makes, through the real API on each app
database: the same key with the same request is a safe retry (same answer, done
once); with another request it is refused with a 422 naming the header, and nothing
already recorded changes; a request refused for its content leaves its key free.
Keys are per caller, stored hashed with the request's fingerprint, never a body."""

import json
import uuid
from typing import Any

from sqlalchemy import select
from temporalio.service import RPCError, RPCStatusCode

from application import case_opening
from domain import contract
from domain.items import AddItemsRequest
from relais.db.tables import IdempotencyKeyRow
from relais.settings import Role
from tests.api.conftest import DatabaseApi, case_input, intake, item, updates_accepted
from tests.support.client import harness_auth, harness_subject
from tests.support.waiting import eventually

COUNSELLOR = harness_auth(Role.COUNSELLOR)
REUSED = {"loc": ["header", "Idempotency-Key"], "type": "value_error"}


def keyed(key: str, headers: dict[str, str] = COUNSELLOR) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def a_key() -> str:
    return f"test-{uuid.uuid4().hex}"


def assert_refused_as_reused(response: Any) -> str:
    """The 422 naming the header; its message."""
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert {k: problem[k] for k in REUSED} == REUSED
    assert problem["code"] == "idempotency_key_reused"
    assert "already used" in problem["msg"]
    message: str = problem["msg"]
    return message


async def audit_actions(on: DatabaseApi, case_id: str) -> list[str]:
    """The case's audit lines, once the case has written the line of its opening (it
    does once started: ``application.case_opening``)."""

    async def lines() -> list[str]:
        response = await on.api.get(
            "/audit", params={"case_id": case_id}, headers=harness_auth(Role.AUDITOR)
        )
        assert response.status_code == 200, response.text
        return [e["action"] for e in response.json() if e["action"] != "audit.read"]

    return await eventually(lines, lambda found: "case.open" in found, what="the opening's line")


async def test_a_retried_intake_opens_one_case_and_another_intake_is_refused(
    api_on_each_database: DatabaseApi,
) -> None:
    on = api_on_each_database
    key = a_key()
    first = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]

    # The same intake, serialised otherwise (keys reordered, indented): a retry.
    reordered = json.dumps(dict(reversed(list(intake().items()))), indent=2)
    retry = await on.api.post(
        "/cases",
        content=reordered,
        headers={**keyed(key), "Content-Type": "application/json"},
    )
    # Another young person under the same key: refused, not silently dropped.
    other = await on.api.post(
        "/cases", json=intake(summary="Another call, another young person"), headers=keyed(key)
    )

    assert retry.status_code == 200, retry.text
    assert retry.json()["case_id"] == case_id
    message = assert_refused_as_reused(other)
    assert "POST /cases" not in message  # same route: it says "other parameters or body"
    assert "another body" in message
    # Nothing recorded changed: the case holds the first intake, the refusal is not
    # an opening, the retry opened nothing (audited once), and the first request may
    # still be retried.
    assert (await case_input(on.harness, case_id)).intake.summary == intake()["summary"]
    assert await audit_actions(on, case_id) == ["case.open"]
    again = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert (again.status_code, again.json()["case_id"]) == (200, case_id)


async def test_a_retried_action_runs_once_and_another_under_its_key_is_refused(
    api_on_each_database: DatabaseApi,
) -> None:
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()
    first_items = {"items": [item()]}
    other_items = {"items": [item(location={"url": "https://www.tiktok.com/@x/video/2"})]}

    first = await on.api.post(f"/cases/{case_id}/items", json=first_items, headers=keyed(key))
    retry = await on.api.post(f"/cases/{case_id}/items", json=first_items, headers=keyed(key))
    other = await on.api.post(f"/cases/{case_id}/items", json=other_items, headers=keyed(key))

    assert (first.status_code, retry.status_code) == (202, 202), (first.text, retry.text)
    assert retry.json() == first.json() == {"case_id": case_id, "notice_ids": [f"{case_id}-n1"]}
    assert_refused_as_reused(other)
    accepted = await updates_accepted(on.harness, case_id, contract.ADD_ITEMS.name, AddItemsRequest)
    assert [[str(i.location.url) for i in a.items] for a in accepted] == [
        [item()["location"]["url"]]
    ]


async def test_a_retried_action_is_audited_once_as_it_was_done_once(
    api_on_each_database: DatabaseApi,
) -> None:
    """The one rule of the application layer: a retry under the same key does nothing
    new, so the audit trail says it once (a note retried wrote two ``case.note.add``
    lines before); the same note sent again under a new key is a note of its own."""
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()
    note = {"text": "Called back the school"}

    first = await on.api.post(f"/cases/{case_id}/notes", json=note, headers=keyed(key))
    retry = await on.api.post(f"/cases/{case_id}/notes", json=note, headers=keyed(key))
    again = await on.api.post(f"/cases/{case_id}/notes", json=note, headers=keyed(a_key()))

    assert (first.status_code, retry.status_code, again.status_code) == (201, 201, 201)
    assert retry.json() == first.json() != again.json()
    notes = [a for a in await audit_actions(on, case_id) if a == "case.note.add"]
    assert len(notes) == 2


async def test_a_key_names_one_request_whatever_the_route(
    api_on_each_database: DatabaseApi,
) -> None:
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()
    referral = {"partner": "pharos", "victim_consented": True}
    referred = await on.api.post(f"/cases/{case_id}/referrals", json=referral, headers=keyed(key))
    assert referred.status_code == 202, referred.text

    closed = await on.api.post(
        f"/cases/{case_id}/close", json={"reason": "done", "force": True}, headers=keyed(key)
    )

    assert "POST /cases/{case_id}/referrals" in assert_refused_as_reused(closed)
    view = await on.api.get(f"/cases/{case_id}", headers=COUNSELLOR)
    assert view.json()["status"] != "closed"


async def test_a_request_refused_for_its_content_leaves_its_key_free(
    api_on_each_database: DatabaseApi,
) -> None:
    on = api_on_each_database
    key = a_key()
    no_categories = {k: v for k, v in intake().items() if k != "categories"}

    invalid = await on.api.post("/cases", json=no_categories, headers=keyed(key))
    corrected = await on.api.post("/cases", json=intake(), headers=keyed(key))

    assert invalid.status_code == 422
    assert [p["loc"] for p in invalid.json()["detail"]] == [["body", "categories"]]
    assert corrected.status_code == 201, corrected.text


async def test_routes_without_a_key_of_their_own_take_one_too(
    api_on_each_database: DatabaseApi,
) -> None:
    """Sharing a case never took an ``Idempotency-Key``: now a key used to share it
    with one colleague cannot share it with another."""
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()
    shares = f"/cases/{case_id}/shares"

    shared = await on.api.post(shares, json={"counsellor": "colleague-a"}, headers=keyed(key))
    retry = await on.api.post(shares, json={"counsellor": "colleague-a"}, headers=keyed(key))
    other = await on.api.post(shares, json={"counsellor": "colleague-b"}, headers=keyed(key))
    too_long = await on.api.post(
        shares, json={"counsellor": "colleague-c"}, headers=keyed("k" * 201)
    )

    assert (shared.status_code, retry.status_code) == (201, 201)
    assert retry.json() == shared.json()
    assert_refused_as_reused(other)
    assert too_long.status_code == 422
    assert [p["loc"] for p in too_long.json()["detail"]] == [["header", "Idempotency-Key"]]
    listed = await on.api.get(shares, headers=COUNSELLOR)
    assert [s["counsellor"] for s in listed.json()] == [
        harness_subject(Role.COUNSELLOR),
        "colleague-a",
    ]


async def test_a_request_the_case_refused_leaves_its_key_free(
    api_on_each_database: DatabaseApi,
) -> None:
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()

    reopen = await on.api.post(f"/cases/{case_id}/reopen", json={"reason": "x"}, headers=keyed(key))
    items = await on.api.post(
        f"/cases/{case_id}/items", json={"items": [item()]}, headers=keyed(key)
    )

    assert reopen.status_code == 422  # the case is open: nothing was done
    assert reopen.json()["detail"][0]["code"] != "idempotency_key_reused"
    assert items.status_code == 202, items.text


async def test_keys_are_per_caller(api_on_each_database: DatabaseApi) -> None:
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()

    counsellor = await on.api.post(
        f"/cases/{case_id}/items", json={"items": [item()]}, headers=keyed(key)
    )
    supervisor = await on.api.post(
        f"/cases/{case_id}/shares",
        json={"counsellor": "colleague-a"},
        headers=keyed(key, harness_auth(Role.SUPERVISOR)),
    )

    assert counsellor.status_code == 202, counsellor.text
    assert supervisor.status_code == 201, supervisor.text


async def test_the_database_holds_digests_only(api_on_each_database: DatabaseApi) -> None:
    on = api_on_each_database
    secret_key = f"call-{uuid.uuid4().hex[:8]}-Camille-0600000000"  # a careless client
    response = await on.api.post("/cases", json=intake(), headers=keyed(secret_key))
    assert response.status_code == 201, response.text

    async with on.database.session_factory() as session:
        rows = (await session.scalars(select(IdempotencyKeyRow))).all()
    stored = [(r.key_digest, r.fingerprint, r.route, r.first_used_at.isoformat()) for r in rows]
    assert ("POST /cases") in {route for _, _, route, _ in stored}
    text = repr(stored)
    for secret in (
        secret_key,
        "Camille",
        "0600000000",
        harness_subject(Role.COUNSELLOR),
        "class group",
    ):
        assert secret not in text


async def test_a_caller_refused_at_the_door_leaves_no_key_behind(
    api_on_each_database: DatabaseApi,
) -> None:
    on = api_on_each_database
    case_id = (await on.api.post("/cases", json=intake(), headers=COUNSELLOR)).json()["case_id"]
    key = a_key()
    supervisor = harness_auth(Role.SUPERVISOR)

    anonymous = await on.api.post("/cases", json=intake(), headers={"Idempotency-Key": key})
    bad_token = await on.api.post(
        "/cases", json=intake(), headers=keyed(key, {"Authorization": "Bearer nope"})
    )
    wrong_role = await on.api.post("/cases", json=intake(), headers=keyed(key, supervisor))
    shared = await on.api.post(
        f"/cases/{case_id}/shares",
        json={"counsellor": "colleague-a"},
        headers=keyed(key, supervisor),
    )

    assert (anonymous.status_code, bad_token.status_code) == (401, 401)
    assert wrong_role.status_code == 403
    assert shared.status_code == 201, shared.text  # the 403 did nothing: the key was free


async def test_an_opening_stopped_before_its_start_is_retried_into_one_case(
    api_on_each_database: DatabaseApi, monkeypatch: Any
) -> None:
    """Between the first transaction (the key, the case key, the owner's access) and
    the start of the case, Temporal could not be reached: the retry under the key
    opens the case, readable with the key already stored, audited once."""
    on = api_on_each_database
    key = a_key()
    start_case = case_opening.start_case

    async def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")

    monkeypatch.setattr(case_opening, "start_case", unreachable)
    stopped = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert stopped.status_code == 503, stopped.text
    monkeypatch.setattr(case_opening, "start_case", start_case)

    retry = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert retry.status_code == 201, retry.text
    case_id = retry.json()["case_id"]
    assert (await case_input(on.harness, case_id)).intake.summary == intake()["summary"]
    assert await audit_actions(on, case_id) == ["case.open"]
    again = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert (again.status_code, again.json()["case_id"]) == (200, case_id)
    other = await on.api.post("/cases", json=intake(summary="Another call"), headers=keyed(key))
    assert_refused_as_reused(other)


async def test_an_opening_whose_answer_was_lost_is_audited_by_the_case_it_opened(
    api_on_each_database: DatabaseApi, monkeypatch: Any
) -> None:
    """Temporal started the case, then its answer was lost (a deadline passed on the
    way back): the counsellor is told to retry (503), and the trail already says the
    case was opened, by whom, once, before any retry; the retry finds the case."""
    on = api_on_each_database
    key = a_key()
    start_case = case_opening.start_case

    async def started_then_lost(*args: Any, **kwargs: Any) -> Any:
        await start_case(*args, **kwargs)
        raise RPCError("deadline exceeded", RPCStatusCode.DEADLINE_EXCEEDED, b"")

    monkeypatch.setattr(case_opening, "start_case", started_then_lost)
    lost = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert lost.status_code == 503, lost.text
    monkeypatch.setattr(case_opening, "start_case", start_case)

    case_id = case_opening.derive_case_id(harness_subject(Role.COUNSELLOR), key)
    assert await audit_actions(on, case_id) == ["case.open"]
    retry = await on.api.post("/cases", json=intake(), headers=keyed(key))
    assert (retry.status_code, retry.json()["case_id"]) == (200, case_id)
    assert await audit_actions(on, case_id) == ["case.open"]
