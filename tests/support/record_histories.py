"""Record the workflow histories the replay test pins: one per workflow type and per
main path, each from a real journey (dev server, simulator, worker, API).

    .venv/bin/python -m tests.support.record_histories             # every scenario
    .venv/bin/python -m tests.support.record_histories journey     # one of them

The conversation scenarios (``tests/support/record_conversations.py``) run on a bare
worker until the conversation's doors exist. Each scenario writes the history of
every workflow it involved to
``tests/histories/<scenario>/<kind>-<suffix>.json``, payloads decoded (the replayer
has none of the recording process's case keys; the recordings hold test data only).
Re-record after a change to workflow code before the first release; from the first
release on, a change that running cases would replay differently is guarded instead
(see workflows/README.md) and its old history stays beside the new one.
"""

import asyncio
import hashlib
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

from domain import contract
from domain.retention import PurgeReport, PurgeRunInput
from domain.tasks import TaskKind
from relais.db.repositories.retention import RetentionBook
from relais.serving import serve_app
from tests.adapters.test_http_json_e2e import API_KEY, CONFIG, receiver
from tests.evidence.files import picture, png
from tests.evidence.support import add_evidence
from tests.referrals.support import open_tasks, post_partner_status
from tests.support.builders import intake_body, item_body
from tests.support.cases import case_view
from tests.support.client import auth
from tests.support.history_files import decoded
from tests.support.policies import fast_policy
from tests.support.stack import Stack, running_stack
from tests.support.temporal import start_local_server
from tests.support.waiting import eventually
from tests.takedown.helpers import received_notices

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
POLICY = fast_policy(
    callback_delay=timedelta(seconds=1),
    reopen_window=timedelta(seconds=2),
    retention=timedelta(seconds=2),
    decision_poll_interval=timedelta(milliseconds=500),
    verification_retry_interval=timedelta(milliseconds=500),
    emergency_handoff_deadline=timedelta(seconds=1),
    handoff_deadline=timedelta(seconds=1),
    referral_poll_interval=timedelta(milliseconds=300),
)
ALWAYS = {"callback": {"consented": True, "earliest_hour": 0, "latest_hour": 24}}


async def _open(stack: Stack, **changes: Any) -> str:
    headers = {**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
    response = await stack.api.post("/cases", json=intake_body(**changes), headers=headers)
    response.raise_for_status()
    case_id: str = response.json()["case_id"]
    return case_id


async def _post(stack: Stack, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await stack.api.post(path, json=body, headers=auth("counsellor"))
    assert response.is_success, response.text
    data: dict[str, Any] = response.json()
    return data


async def _until(stack: Stack, case_id: str, what: str, test: Callable[[Any], bool]) -> Any:
    return await eventually(lambda: case_view(stack.api, case_id), test, what=what, within=60)


async def journey(stack: Stack) -> str:
    """Emergency referral to 119, a notice removed, a consented referral accepted,
    the callback due, reached and closed; reopened, closed again; the case ends when
    its reopen window passes."""
    case_id = await _open(
        stack,
        risk_flags=["child_at_risk_at_home"],
        consents={"report_to_platforms": True, "referral_partners": ["france-victimes"], **ALWAYS},
    )
    await _post(stack, f"/cases/{case_id}/items", {"items": [item_body()]})
    await _post(stack, f"/cases/{case_id}/referrals", {"partner": "france-victimes"})
    await _until(stack, case_id, "callback due", lambda v: v["status"] == "callback_due")
    await _post(stack, f"/cases/{case_id}/callback/claim", {})
    await _post(
        stack, f"/cases/{case_id}/callback-outcome", {"result": "reached", "close_case": True}
    )
    await _post(stack, f"/cases/{case_id}/reopen", {"reason": "new content"})
    await _post(stack, f"/cases/{case_id}/close", {"reason": "resolved", "force": True})
    await _ended(stack.client, contract.SUPPORT_CASE.workflow_id(case_id))
    return case_id


async def news_asked_then_withdrawn(stack: Stack) -> str:
    """News of the case asked for after the opening (on the phone: no conversation
    reaches them, the timeline says so), the removal's news decided, then a no: the
    closing's is not; the case ends when its reopen window passes."""
    case_id = await _open(stack, consents={"report_to_platforms": True})
    await _post(stack, f"/cases/{case_id}/news", {"wanted": True})
    await _post(stack, f"/cases/{case_id}/items", {"items": [item_body()]})
    await _until(
        stack,
        case_id,
        "the removal's news told",
        lambda v: any(e["code"] == "news.not_sent" for e in v["timeline"]),
    )
    await _post(stack, f"/cases/{case_id}/news", {"wanted": False})
    await _post(stack, f"/cases/{case_id}/close", {"reason": "resolved", "force": True})
    await _ended(stack.client, contract.SUPPORT_CASE.workflow_id(case_id))
    return case_id


async def notice_refused_then_appealed(stack: Stack) -> str:
    """The platform refuses the notice and its screenshot (TikTok takes files: the
    sanitised copy goes with it); the counsellor appeals (DSA Art. 20), with the same
    screenshot, and the appeal wins."""
    await stack.configure_target("tiktok", decision="refused")
    case_id = await _open(stack)
    screenshot = png(picture(7))
    await add_evidence(stack, case_id, screenshot)
    item = item_body(evidence=[{"digest": hashlib.sha256(screenshot).hexdigest()}])
    await _post(stack, f"/cases/{case_id}/items", {"items": [item]})
    view = await _until(stack, case_id, "refused", lambda v: v["notices"][0]["status"] == "refused")
    await stack.configure_target("tiktok", decision="removed")
    notice_id = view["notices"][0]["notice_id"]
    await _post(stack, f"/cases/{case_id}/notices/{notice_id}/review", {"choice": "appeal"})
    await _until(
        stack,
        case_id,
        "appeal removed",
        lambda v: [n["status"] for n in v["notices"]] == ["refused", "verified_removed"],
    )
    return case_id


async def notice_renoticed_with_a_later_file(stack: Stack) -> str:
    """The platform stays silent; a screenshot is filed under the item after the first
    notice; the re-notice reads the evidence again and carries it; then the platform
    removes the content. Runs on ``renotice_stack`` (a re-notice every 2 s)."""
    await stack.configure_target("tiktok", decision="none")
    case_id = await _open(stack)
    [notice_id] = (await _post(stack, f"/cases/{case_id}/items", {"items": [item_body()]}))[
        "notice_ids"
    ]
    await _until(
        stack, case_id, "acknowledged", lambda v: v["notices"][0]["status"] == "acknowledged"
    )
    added = await stack.api.post(
        f"/cases/{case_id}/evidence",
        params={"intimate": "false", "item": notice_id},
        files={"file": ("capture.png", png(picture(8)), "application/octet-stream")},
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert added.status_code == 201, added.text
    renotice = await eventually(
        lambda: received_notices(stack, "tiktok"),
        lambda found: any(n["body"].get("renotice_of") and n["attachments"] for n in found),
        what="a re-notice with the file",
        within=60,
    )
    decided = await stack.simulator.post(
        "/_control/decide",
        json={"target": "tiktok", "reference": renotice[0]["reference"], "decision": "removed"},
    )
    assert decided.status_code == 200, decided.text
    await _until(
        stack, case_id, "removed", lambda v: v["notices"][0]["status"] == "verified_removed"
    )
    return case_id


async def notice_removal_unverified(stack: Stack) -> str:
    """A platform declared without a content endpoint says "removed" about a URL that
    Relais's own check must not fetch (it leads into our network): the removal is
    unverified and a counsellor checks by hand. Runs on ``unverifiable_stack``."""
    internal = "http://127.0.0.1:9/internal/admin"  # refused before any request is made
    case_id = await _open(stack)
    item = item_body(platform="signal-nord", content_type="post", location={"url": internal})
    await _post(stack, f"/cases/{case_id}/items", {"items": [item]})
    await _until(
        stack, case_id, "unverified", lambda v: v["notices"][0]["status"] == "removal_unverified"
    )
    return case_id


async def referral_phone_handoff(stack: Stack) -> str:
    """Police down: the deadline passes, a counsellor phones; the police come back and
    get nothing; the outcome comes by the partner's webhook."""
    await stack.configure_target("police", outage={"active": True})
    case_id = await _open(stack, consents={"referral_partners": ["police"]})
    referral = await _post(stack, f"/cases/{case_id}/referrals", {"partner": "police"})
    referral_id = referral["referral_id"]
    await eventually(
        lambda: open_tasks(stack, case_id, TaskKind.MANUAL_HANDOFF), bool, what="phone task"
    )
    await _post(
        stack,
        f"/cases/{case_id}/referrals/{referral_id}/manual-handoff",
        {"partner_reference": "BN-2024-0042"},
    )
    await stack.configure_target("police", outage={"active": False})
    await post_partner_status(stack, "police", referral_id, "accepted", "BN-2024-0042")
    await _until(stack, case_id, "accepted", lambda v: v["referrals"][0]["status"] == "accepted")
    return case_id


async def referral_failed_then_phone_handoff(stack: Stack) -> str:
    """The partner refuses the handoff for good; a counsellor hands it over by phone."""
    await stack.configure_target("france-victimes", reject_with=422, reject_reason="bad request")
    case_id = await _open(stack)
    referral = await _post(stack, f"/cases/{case_id}/referrals", {"partner": "france-victimes"})
    referral_id = referral["referral_id"]
    await _until(stack, case_id, "failed", lambda v: v["referrals"][0]["status"] == "failed")
    await _post(
        stack,
        f"/cases/{case_id}/referrals/{referral_id}/manual-handoff",
        {"partner_reference": "FV-77"},
    )
    await post_partner_status(stack, "france-victimes", referral_id, "accepted", "FV-77")
    await _until(stack, case_id, "accepted", lambda v: v["referrals"][0]["status"] == "accepted")
    return case_id


async def referral_answered_after_closing(stack: Stack) -> str:
    """The police are down, the case is closed with their referral under way (it is
    cancelled); the police then take the young person on: the answer is recorded on
    the closed case and a supervisor told; the case ends when its reopen window passes."""
    await stack.configure_target("police", outage={"active": True})
    case_id = await _open(stack, consents={"referral_partners": ["police"]})
    referral = await _post(stack, f"/cases/{case_id}/referrals", {"partner": "police"})
    referral_id = referral["referral_id"]
    await _until(
        stack,
        case_id,
        "unreachable",
        lambda v: (v["referrals"][0]["delivery"] or {}).get("attempts", 0) >= 2,
    )
    await _post(stack, f"/cases/{case_id}/close", {"reason": "resolved", "force": True})
    await stack.configure_target("police", outage={"active": False})
    await post_partner_status(stack, "police", referral_id, "accepted", "BN-2024-0077")
    await _until(
        stack,
        case_id,
        "the answer on the closed case",
        lambda v: any("after the referral had ended" in e["detail"] for e in v["timeline"]),
    )
    await _ended(stack.client, contract.SUPPORT_CASE.workflow_id(case_id))
    return case_id


async def retention_purge(stack: Stack) -> str:
    """A closed case at the end of its retention is purged by the daily workflow."""
    case_id = await _open(stack)
    await _post(stack, f"/cases/{case_id}/close", {"reason": "resolved"})
    book = RetentionBook(stack.database)
    await eventually(lambda: book.due(datetime.now(UTC)), lambda due: case_id in due, what="due")
    report = await stack.client.execute_workflow(
        contract.RETENTION_PURGE.name,
        PurgeRunInput(),
        id=f"retention-purge-{case_id[:8]}",
        task_queue=stack.settings.task_queue,
        result_type=PurgeReport,
    )
    assert case_id in report.purged
    return case_id


StackFactory = Callable[[Client, Path], AbstractAsyncContextManager[Stack]]


def usual_stack(client: Client, tmp: Path) -> AbstractAsyncContextManager[Stack]:
    return running_stack(client, tmp, policy=POLICY)


def renotice_stack(client: Client, tmp: Path) -> AbstractAsyncContextManager[Stack]:
    return running_stack(
        client, tmp, policy=POLICY.model_copy(update={"renotice_interval": timedelta(seconds=2)})
    )


@asynccontextmanager
async def unverifiable_stack(client: Client, tmp: Path) -> AsyncIterator[Stack]:
    """The stack with a declared HTTP-JSON platform ("signal-nord") whose removals
    Relais checks itself, served by a small receiver (tests/adapters)."""
    app, _ = receiver()
    content = CONFIG[CONFIG.index("[adapter.content]") : CONFIG.index("[[adapter]]", 50)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIGNAL_NORD_KEY", API_KEY)
        async with serve_app(app) as url:
            config = tmp / "adapters.toml"
            config.write_text(CONFIG.replace(content, "").format(url=url))
            async with running_stack(
                client, tmp, policy=POLICY, adapters_config=lambda _: config
            ) as stack:
                yield stack


SCENARIOS: dict[str, tuple[Callable[[Stack], Awaitable[str]], StackFactory]] = {
    "journey": (journey, usual_stack),
    "news_asked_then_withdrawn": (news_asked_then_withdrawn, usual_stack),
    "notice_refused_then_appealed": (notice_refused_then_appealed, usual_stack),
    "notice_renoticed_with_a_later_file": (notice_renoticed_with_a_later_file, renotice_stack),
    "notice_removal_unverified": (notice_removal_unverified, unverifiable_stack),
    "referral_phone_handoff": (referral_phone_handoff, usual_stack),
    "referral_failed_then_phone_handoff": (referral_failed_then_phone_handoff, usual_stack),
    "referral_answered_after_closing": (referral_answered_after_closing, usual_stack),
    "retention_purge": (retention_purge, usual_stack),
}


async def _ended(client: Client, workflow_id: str) -> None:
    await client.get_workflow_handle(workflow_id).result()


async def _workflow_ids(client: Client, case_id: str) -> list[str]:
    ids = [contract.SUPPORT_CASE.workflow_id(case_id)]
    async for execution in client.list_workflows(f"CaseId = '{case_id}'"):
        if execution.id not in ids:
            ids.append(execution.id)
    return ids


async def save(client: Client, scenario: str, case_id: str) -> None:
    folder = HISTORIES / scenario
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.json"):
        stale.unlink()
    ids = await _workflow_ids(client, case_id)
    if scenario == "retention_purge":
        ids = [f"retention-purge-{case_id[:8]}"]
    codec = client.data_converter.payload_codec
    assert codec is not None
    for workflow_id in ids:
        history = await decoded(
            await client.get_workflow_handle(workflow_id).fetch_history(), codec
        )
        kind, _, subject = workflow_id.partition("-")
        name = {"case": "case", "retention": "purge"}.get(kind) or subject.rsplit("-", 1)[-1]
        (folder / f"{kind}-{name}.json").write_text(history.to_json())
    print(f"{scenario}: {', '.join(ids)}", file=sys.stderr)


async def record(scenarios: list[str]) -> None:
    env = await start_local_server()
    try:
        for scenario in scenarios:
            play, stack_for = SCENARIOS[scenario]
            with tempfile.TemporaryDirectory() as tmp:
                async with stack_for(env.client, Path(tmp)) as stack:
                    case_id = await play(stack)
                    await _saved(env.client, scenario, case_id)
    finally:
        await env.shutdown()


async def _saved(client: Client, scenario: str, case_id: str) -> None:
    expected = 1 if scenario == "retention_purge" else 2
    await eventually(
        lambda: _workflow_ids(client, case_id), lambda ids: len(ids) >= expected, what="listed"
    )
    await save(client, scenario, case_id)


async def record_all(names: list[str]) -> None:
    """The case scenarios through the API, the conversation ones on a bare worker
    (:mod:`tests.support.record_conversations`)."""
    from tests.support import record_conversations

    unknown = set(names) - set(SCENARIOS) - set(record_conversations.SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    cases = [name for name in names if name in SCENARIOS]
    if cases:
        await record(cases)
    await record_conversations.record(
        [name for name in names if name in record_conversations.SCENARIOS]
    )


if __name__ == "__main__":
    from tests.support.record_conversations import SCENARIOS as CONVERSATIONS

    asyncio.run(record_all(sys.argv[1:] or [*SCENARIOS, *CONVERSATIONS]))
