"""The scorecard counts re-uploads per platform: content a platform removed in one
case and reported to it again in another (an evidence match), counted once per
notice and never for the first removal itself."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain.notice import Decision
from relais.db.repositories.ledgers import NoticeLedger
from tests.evidence.files import picture, png
from tests.evidence.support import add_evidence
from tests.support.cases import open_case
from tests.support.client import auth
from tests.support.stack import Stack, running_stack
from tests.support.waiting import eventually

ITEM = {
    "platform": "tiktok",
    "content_type": "image",
    "legal_qualification": "intimate_image_without_consent",
    "location": {"url": "https://www.tiktok.com/@someone/photo/3"},
}


async def _report_and_wait_for_removal(stack: Stack, case_id: str) -> None:
    sent = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [ITEM]}, headers=auth("counsellor")
    )
    assert sent.status_code == 202, sent.text
    await eventually(
        lambda: NoticeLedger(stack.database).list_for_case(case_id),
        lambda found: bool(found) and found[0].decision is Decision.REMOVED,
        what="the removal, recorded",
    )


async def test_content_removed_once_and_reported_again_counts_as_a_reupload(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        await stack.configure_target("tiktok", decision="removed")
        since = datetime.now(UTC) - timedelta(hours=1)
        image = png(picture(83))
        first = await open_case(stack)
        await add_evidence(stack, first, image)
        await _report_and_wait_for_removal(stack, first)
        unrelated = await open_case(stack)
        await add_evidence(stack, unrelated, png(picture(29)))
        await _report_and_wait_for_removal(stack, unrelated)

        period = {
            "since": since.isoformat(),
            "until": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        }
        before = await stack.api.get("/stats/platforms", params=period, headers=auth("auditor"))
        assert before.status_code == 200, before.text
        [tiktok] = before.json()["platforms"]
        assert (tiktok["notices"], tiktok["reuploads"]) == (2, 0)

        second = await open_case(stack)
        await add_evidence(stack, second, image)
        await _report_and_wait_for_removal(stack, second)

        after = await stack.api.get("/stats/platforms", params=period, headers=auth("auditor"))
        [tiktok] = after.json()["platforms"]
        assert (tiktok["notices"], tiktok["reuploads"]) == (3, 1)
        assert first not in after.text and second not in after.text
        csv = await stack.api.get(
            "/stats/platforms", params=period | {"format": "csv"}, headers=auth("auditor")
        )
        header, line = csv.text.splitlines()[:2]
        assert line.split(",")[header.split(",").index("reuploads")] == "1"
