"""A young person who writes again on WhatsApp, on a whole stack (Temporal dev server,
worker, the API over loopback HTTP, SQLite, the simulator playing Meta and signing its
webhooks): a case is opened from their first conversation; when they write again the
counsellor who owns the case sees it ("already in contact") and attaches the new
conversation in one action, a colleague sees only that it exists and who owns it; a
number typed by a counsellor finds the same case, audited without the number; the
retention purge removes the link and makes where to answer them unreadable."""

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.retention import PurgeReport, PurgeRunInput
from relais.clock import utc_now
from relais.converter import key_store_of
from relais.crypto.identifiers import open_address
from relais.crypto.key_store import KeyDestroyed
from relais.db import AuditLog
from relais.db.repositories.channel_contacts import ChannelContacts
from relais.db.repositories.retention import RetentionBook
from relais.db.tables import ChannelConversationRow
from tests.support.client import TOKENS, auth
from tests.support.console import ConsoleUser, console_user
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

WA_ID = "33612345678"
TYPED = "06 12 34 56 78"  # the same number, as given on the phone
OWNER, COLLEAGUE = "counsellor", "colleague"


@pytest.fixture(scope="module")
async def stack(
    local_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    folder: Path = tmp_path_factory.mktemp("returning")
    async with running_stack(local_env.client, folder, policy=fast_policy()) as running:
        fast = {"retry_delays": [0.2, 0.5, 1.0, 2.0, 4.0, 8.0]}  # as Meta, retried
        answer = await running.simulator.put("/_control/meta/whatsapp", json=fast)
        assert answer.status_code == 200, answer.text
        yield running


async def ok(response: Any, status: int = 200) -> Any:
    got = await response
    assert got.status_code == status, got.text
    return got.json() if got.content else None


def keyed(role: str) -> dict[str, str]:
    return {**auth(role), "Idempotency-Key": uuid.uuid4().hex}


async def writes_and_is_taken(stack: Stack, text: str, by: str) -> str:
    """They write on WhatsApp; ``by`` alone is available and takes the conversation."""
    api = stack.api
    other = COLLEAGUE if by == OWNER else OWNER
    await ok(
        api.post("/conversations/desk/presence", json={"presence": "away"}, headers=keyed(other))
    )
    await ok(
        api.post("/conversations/desk/presence", json={"presence": "available"}, headers=keyed(by))
    )
    sent = await stack.simulator.post(
        "/_control/meta/whatsapp/inbound", json={"from": WA_ID, "text": text}
    )
    assert sent.status_code == 202, sent.text
    desk = await eventually(
        lambda: ok(api.get("/conversations/desk", headers=auth(by))),
        lambda d: any(o["channel"] == "whatsapp" for o in d["offers"]),
        what=f"the WhatsApp conversation offered to {by}",
    )
    offer = next(o for o in desk["offers"] if o["channel"] == "whatsapp")
    cid: str = offer["conversation_id"]
    await eventually(
        lambda: api.get(f"/conversations/{cid}", headers=auth(by)),
        # 422 not_with_you until the conversation itself heard of the offer
        lambda r: r.status_code == 200 and r.json()["conversation"]["offer"] is not None,
        what="the offer on the conversation",
    )
    await ok(
        api.post(
            f"/conversations/{cid}/accept", json={"offer_id": offer["offer_id"]}, headers=keyed(by)
        )
    )
    return cid


async def signed_in(stack: Stack, role: str) -> ConsoleUser:
    user = console_user(str(stack.api.base_url))
    await user.sign_in(TOKENS[role])
    return user


async def ends(stack: Stack, cid: str, by: str, outcome: str) -> None:
    await ok(stack.api.post(f"/conversations/{cid}/end", headers=keyed(by)))
    await ok(
        stack.api.post(
            f"/conversations/{cid}/wrap-up", json={"outcome": outcome}, headers=keyed(by)
        )
    )


async def test_a_young_person_who_writes_again_is_recognised_until_the_purge(
    stack: Stack,
) -> None:
    api, audit = stack.api, AuditLog(stack.database)
    # 1. First contact: a case opened from the conversation.
    first = await writes_and_is_taken(stack, "on a publié une photo de moi", OWNER)
    nobody = await ok(api.get(f"/conversations/{first}/earlier-contact", headers=auth(OWNER)))
    assert (nobody["recognised"], nobody["earlier_conversations"], nobody["cases"]) == (
        False,
        0,
        [],
    )
    intake = {
        "channel": "whatsapp",
        "caller_role": "victim",
        "age_band": "15_17",
        "categories": ["cyberharassment"],
    }
    case = await ok(
        api.post(f"/conversations/{first}/case", json=intake, headers=keyed(OWNER)), 201
    )
    case_id = case["case_id"]
    await ends(stack, first, OWNER, "case_opened")

    # 2. They write again, taken by a colleague who may not read the case: only that
    # it exists and who owns it; attaching it is refused by the case's rule.
    second = await writes_and_is_taken(stack, "elle circule encore", COLLEAGUE)
    assert second != first
    seen = await eventually(
        lambda: ok(api.get(f"/conversations/{second}/earlier-contact", headers=auth(COLLEAGUE))),
        lambda e: bool(e["cases"]),
        what="the earlier case, once in the cases' directory",
    )
    assert seen["recognised"] is True and seen["earlier_conversations"] == 1
    assert seen["cases"] == [
        {
            "readable": False,
            "owner": "local-counsellor",
            "case_id": None,
            "status": None,
            "closed_at": None,
            "conversations": None,
        }
    ]
    refused = await api.post(
        f"/cases/{case_id}/conversations",
        json={"conversation_id": second},
        headers=keyed(COLLEAGUE),
    )
    assert refused.status_code == 403, refused.text
    await ends(stack, second, COLLEAGUE, "advice_given")

    # 3. Again, taken by the counsellor who owns the case: they see it and attach the
    # conversation in one action.
    third = await writes_and_is_taken(stack, "je reviens vers vous", OWNER)
    mine = await ok(api.get(f"/conversations/{third}/earlier-contact", headers=auth(OWNER)))
    assert mine["earlier_conversations"] == 2
    assert mine["cases"] == [
        {
            "readable": True,
            "owner": "local-counsellor",
            "case_id": case_id,
            "status": "open",
            "closed_at": None,
            "conversations": 1,
        }
    ]
    # On the console: the same, and the button that attaches it in one action.
    owner = await signed_in(stack, OWNER)
    screen = await owner.page(f"/conversations?c={third}")
    assert "Déjà en contact : 2 conversation(s)" in screen.text
    assert f"Dossier {case_id[:6]}, ouvert" in screen.text
    attached = await owner.send(
        f"/conversations?c={third}",
        f"/conversations/{third}/attach",
        {},
        form_id=f"attach-earlier-{case_id}",
    )
    assert attached.status_code == 303, attached.text[:500]
    linked = await ok(api.get(f"/conversations/{third}", headers=auth(OWNER)))
    assert linked["conversation"]["linked_case_id"] == case_id
    again = await api.post(  # the API's one action, sent again: the same link
        f"/cases/{case_id}/conversations", json={"conversation_id": third}, headers=keyed(OWNER)
    )
    assert again.status_code == 200 and again.json()["linked_case_id"] == case_id
    # Where to answer them is now sealed under the case's key.
    keys = key_store_of(stack.client.data_converter)
    found = await ChannelContacts(stack.database).address_of(third)
    assert found is not None
    sealed = found[1]
    assert sealed.key_id == (await keys.key_for_case(case_id)).key_id
    assert (await open_address(keys, "whatsapp", sealed)).recipient == WA_ID
    reads = await audit.list(case_id=case_id)
    assert "conversation.earlier_contact.read" in {e.action for e in reads}

    # 4. A number typed by a counsellor finds the same case (POST body), audited
    # without the number; a colleague learns only that it exists and who owns it.
    search = {"kind": "phone", "identifier": TYPED}
    by_owner = await ok(api.post("/contacts/search", json=search, headers=keyed(OWNER)))
    assert by_owner["conversations"] == 3
    assert [(c["case_id"], c["status"], c["conversations"]) for c in by_owner["cases"]] == [
        (case_id, "open", 2)
    ]
    e164 = {"kind": "phone", "identifier": "+33 6 12 34 56 78"}
    assert (await ok(api.post("/contacts/search", json=e164, headers=keyed(OWNER))))["cases"]
    by_colleague = await ok(api.post("/contacts/search", json=search, headers=keyed(COLLEAGUE)))
    assert by_colleague["cases"] == [
        {
            "readable": False,
            "owner": "local-counsellor",
            "case_id": None,
            "status": None,
            "closed_at": None,
            "conversations": None,
        }
    ]
    # The console's search box: a POST, the number never in a URL.
    found = await owner.send("/contacts", "/contacts", {"kind": "phone", "identifier": TYPED})
    assert found.status_code == 200 and f"Dossier {case_id[:6]}, ouvert" in found.text
    assert "612345678" not in str(found.url)
    colleague = await signed_in(stack, COLLEAGUE)
    theirs = await colleague.send("/contacts", "/contacts", {"kind": "phone", "identifier": TYPED})
    assert "il est suivi par local-counsellor" in theirs.text and case_id[:6] not in theirs.text
    wrong = await owner.send("/contacts", "/contacts", {"kind": "phone", "identifier": "abc"})
    assert wrong.status_code == 422 and "pas un numéro de téléphone" in wrong.text
    bad = await api.post(
        "/contacts/search",
        json={"kind": "phone", "identifier": "pas un numéro"},
        headers=keyed(OWNER),
    )
    assert bad.status_code == 422 and "identifier" in bad.text
    other = {"kind": "phone", "identifier": "+33 7 00 00 00 00"}
    assert (await ok(api.post("/contacts/search", json=other, headers=keyed(OWNER))))["cases"] == []
    searches = await audit.list(action="contact.search")
    assert searches and {e.case_id for e in searches} >= {None, case_id}
    assert {e.actor for e in searches} == {"local-counsellor", "local-colleague"}
    for entry in searches:
        assert "612345678" not in (entry.detail or "") and "700000000" not in (entry.detail or "")

    # 5. The case closes; at the end of its retention the purge forgets the link.
    await ends(stack, third, OWNER, "attached_to_case")
    await ok(api.post(f"/cases/{case_id}/close", json={"reason": "done"}, headers=keyed(OWNER)))
    await RetentionBook(stack.database).schedule(case_id, utc_now() - timedelta(seconds=1))
    report = await stack.client.execute_workflow(
        contract.RETENTION_PURGE.name,
        PurgeRunInput(),
        id=f"purge-{uuid.uuid4().hex[:8]}",
        task_queue=stack.settings.task_queue,
        result_type=PurgeReport,
    )
    assert case_id in report.purged
    assert (await ok(api.post("/contacts/search", json=search, headers=keyed(OWNER))))[
        "cases"
    ] == []
    assert await ChannelContacts(stack.database).address_of(third) is None
    with pytest.raises(KeyDestroyed):  # a copy of the row (a backup) no longer opens
        await open_address(keys, "whatsapp", sealed)
    async with stack.database.session_factory() as session:
        left = (await session.execute(select(ChannelConversationRow.conversation_id))).scalars()
        assert set(left) == {second}  # the conversation that never joined the case
