"""Beside a match: the same image was seen in another case, and removed from a
platform there on a date; nothing else of that case (no id, no person)."""

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from domain.notice import Decision
from relais.db.repositories.ledgers import NoticeLedger
from tests.evidence.files import picture, png
from tests.evidence.support import add_evidence
from tests.support.cases import open_case
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually


async def test_a_match_says_where_and_when_it_was_removed(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with running_stack(local_env.client, tmp_path) as stack:
        await stack.configure_target("tiktok", decision="removed")
        image = png(picture(71))
        first = await open_case(stack)
        await add_evidence(stack, first, image)
        items = await stack.api.post(
            f"/cases/{first}/items",
            json={
                "items": [
                    {
                        "platform": "tiktok",
                        "content_type": "image",
                        "legal_qualification": "intimate_image_without_consent",
                        "location": {"url": "https://www.tiktok.com/@someone/photo/3"},
                    }
                ]
            },
            headers=auth("counsellor"),
        )
        assert items.status_code == 202, items.text
        [notice] = await eventually(
            lambda: NoticeLedger(stack.database).list_for_case(first),
            lambda found: bool(found) and found[0].decision is Decision.REMOVED,
            what="the removal, recorded",
        )
        assert notice.decided_at is not None

        second = await open_case(stack)
        line = await add_evidence(stack, second, image)

        assert line["seen_in_other_cases"] == 1
        [removed] = line["removed_elsewhere"]
        assert removed["platform"] == "tiktok"
        assert removed["on"][:10] == notice.decided_at.date().isoformat()
        # both cases are hers: she is given the other to open (a colleague is not:
        # tests/evidence/test_evidence_doors.py)
        assert line["other_cases_readable"] == [first]
        listed = await stack.api.get(f"/cases/{second}/evidence", headers=auth("counsellor"))
        assert listed.json()["evidence"][0]["removed_elsewhere"] == line["removed_elsewhere"]
