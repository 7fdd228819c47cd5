"""The evidence manifest goes with police and Pharos handoffs, as the partner (the
simulator, over HTTP) received it: each file's SHA-256, size, type, when, who and
through which door; nothing of it to a partner that does not act on the content."""

import hashlib
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.evidence.files import picture, png
from tests.evidence.support import add_evidence
from tests.referrals.support import handoffs_received, open_case, refer
from tests.support.cases import add_items
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually


async def test_police_and_pharos_receive_the_evidence_manifest(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        await stack.configure_target("pharos", delivery="poll", outcome="none")
        case_id = await open_case(stack)
        screenshot = png(picture(51))
        evidence_id = (await add_evidence(stack, case_id, screenshot))["evidence_id"]
        for partner in ("pharos", "police", "france-victimes"):
            await refer(stack, case_id, partner)
        bodies: dict[str, dict[str, Any]] = {}
        for partner in ("pharos", "police", "france-victimes"):
            [received] = await eventually(
                lambda p=partner: handoffs_received(stack, p), bool, what=f"{partner} handoff"
            )
            bodies[partner] = received["body"]
        for partner in ("pharos", "police"):
            [line] = bodies[partner]["evidence_manifest"]
            assert line["evidence_id"] == evidence_id
            assert line["sha256"] == hashlib.sha256(screenshot).hexdigest()
            assert (line["kind"], line["size"]) == ("png", len(screenshot))
            assert line["channel"] == "api" and line["added_by"] and line["added_at"]
            assert line["kept"] is True
            assert "capture.png" not in str(bodies[partner])
        assert bodies["france-victimes"].get("evidence_manifest", []) == []


async def test_a_notice_lists_the_case_evidence_hashes_but_not_an_intimate_image(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        case_id = await open_case(stack)
        screenshot, intimate = png(picture(52)), png(picture(53))
        for data, is_intimate in ((screenshot, False), (intimate, True)):
            await add_evidence(stack, case_id, data, intimate=is_intimate, name="x.png")
        await add_items(stack, case_id, 1, tag="9")
        [received] = await eventually(
            lambda: notices_received(stack, "tiktok"), bool, what="the notice"
        )
        digests = [e["digest"] for e in received["body"]["evidence"]]
        assert digests == [hashlib.sha256(screenshot).hexdigest()]
        assert hashlib.sha256(intimate).hexdigest() not in str(received["body"])


async def notices_received(stack: Stack, platform: str) -> list[dict[str, Any]]:
    response = await stack.simulator.get("/_control/notices", params={"target": platform})
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()
    return data
