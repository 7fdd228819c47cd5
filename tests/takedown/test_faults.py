"""A notice survives what platforms do when they misbehave: outages longer than a
(compressed) day, 429 storms, responses lost after acceptance, forged or replayed
webhooks. Each ends with exactly one notice received by the platform."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.support.cases import open_case
from tests.support.stack import Stack, running_stack
from tests.takedown.helpers import SHORT, notice_reaches, notify, posts_to


async def assert_one_notice(stack: Stack, target: str) -> None:
    summary = (await stack.deliveries())["targets"][target]
    assert summary["notices"] == 1, summary
    assert summary["ids_under_several_keys"] == [], summary


async def test_outage_longer_than_a_compressed_day_then_delivery(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=SHORT) as stack:
        stack.compress_retries("instagram")
        back_at = datetime.now(UTC) + timedelta(seconds=3)
        await stack.configure_target("instagram", outage={"until": back_at.isoformat()})
        case_id = await open_case(stack)
        notice_id = await notify(stack, case_id, "instagram")
        notice = await notice_reaches(stack, case_id, notice_id, "verified_removed")
        assert datetime.fromisoformat(notice["submitted_at"]) >= back_at
        statuses = [p["status"] for p in await posts_to(stack, "instagram")]
        assert statuses[0] == 503 and statuses[-1] == 201  # retried through the outage
        await assert_one_notice(stack, "instagram")


async def test_429_storm_honours_retry_after(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=SHORT) as stack:
        stack.compress_retries("facebook")
        await stack.configure_target("facebook", rate_limit_next=3, retry_after_seconds=1)
        case_id = await open_case(stack)
        started = time.monotonic()
        notice_id = await notify(stack, case_id, "facebook")
        await notice_reaches(stack, case_id, notice_id, "acknowledged")
        # Three 429s each said "come back in 1 s": the retries waited for it, although
        # the compressed profile would have retried after 0.2 s.
        assert time.monotonic() - started >= 3
        posts = await posts_to(stack, "facebook")
        assert [p["status"] for p in posts] == [429, 429, 429, 201]
        await assert_one_notice(stack, "facebook")


async def test_lost_response_does_not_produce_a_second_notice(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=SHORT) as stack:
        stack.compress_retries("youtube")
        await stack.configure_target("youtube", lose_next_responses=1)
        case_id = await open_case(stack)
        notice_id = await notify(stack, case_id, "youtube")
        await notice_reaches(stack, case_id, notice_id, "verified_removed")
        summary = (await stack.deliveries())["targets"]["youtube"]
        assert summary["posts"] == 2 and summary["duplicates"] == 1  # the retry, same key
        await assert_one_notice(stack, "youtube")


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {
        "X-Relais-Timestamp": str(timestamp),
        "X-Relais-Signature": f"sha256={mac.hexdigest()}",
        "Content-Type": "application/json",
    }


async def test_forged_and_replayed_webhooks_are_refused(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path, policy=SHORT) as stack:
        await stack.configure_target("twitch", decision="none")
        case_id = await open_case(stack)
        notice_id = await notify(stack, case_id, "twitch")
        notice = await notice_reaches(stack, case_id, notice_id, "acknowledged")
        body = json.dumps(
            {
                "notice_id": notice_id,
                "idempotency_key": notice_id,
                "reference": notice["platform_reference"],
                "decision": "refused",
                "reason": "forged",
                "decided_at": datetime.now(UTC).isoformat(),
            }
        ).encode()
        url = "/webhooks/platforms/twitch"
        secret = stack.settings.webhook_secret.get_secret_value()
        forged = await stack.api.post(
            url, content=body, headers=sign("wrong", body, int(time.time()))
        )
        assert forged.status_code == 401
        stale = await stack.api.post(
            url, content=body, headers=sign(secret, body, int(time.time()) - 3600)
        )
        assert stale.status_code == 401
        assert (await notice_reaches(stack, case_id, notice_id, "acknowledged"))["decision"] is None

        headers = sign(secret, body, int(time.time()))
        accepted = await stack.api.post(url, content=body, headers=headers)
        assert accepted.status_code == 202, accepted.text
        replayed = await stack.api.post(url, content=body, headers=headers)
        assert replayed.status_code == 409
        refused = await notice_reaches(stack, case_id, notice_id, "refused")
        assert refused["reason"] == "forged"
