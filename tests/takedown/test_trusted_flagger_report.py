"""The yearly trusted-flagger report (DSA Art. 22(3)) an auditor downloads: the
notices real cases sent this year, by platform, by type of illegal content and by
the action the platform took, appeals apart; JSON or CSV, counts only, for auditors and
supervisors alone; a bad period is refused naming the parameter."""

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from temporalio.testing import WorkflowEnvironment

from tests.support.cases import ITEM, open_case
from tests.support.client import auth
from tests.support.stack import running_stack
from tests.takedown.helpers import SHORT, notice_reaches, notify

URL = "/reports/trusted-flagger"


async def test_the_report_counts_this_years_notices_by_platform_content_and_action(
    local_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    year = datetime.now(ZoneInfo("Europe/Paris")).year
    async with running_stack(local_env.client, tmp_path, policy=SHORT) as stack:
        await stack.configure_target("snapchat", decision="refused", decision_reason="not illegal")
        case_id = await open_case(stack)
        removed = [
            await notify(stack, case_id, "tiktok", url=f"{ITEM['location']['url']}{n}")
            for n in range(2)
        ]
        refused = await notify(stack, case_id, "snapchat")
        for notice_id in removed:
            await notice_reaches(stack, case_id, notice_id, "verified_removed")
        await notice_reaches(stack, case_id, refused, "refused")
        # The counsellor appeals the refusal (DSA Art. 20); Snapchat refuses again.
        review = await stack.api.post(
            f"/cases/{case_id}/notices/{refused}/review",
            json={"choice": "appeal"},
            headers=auth("counsellor"),
        )
        assert review.status_code == 200, review.text
        await notice_reaches(stack, case_id, review.json()["appeal_notice_id"], "refused")

        as_json = await stack.api.get(URL, params={"year": year}, headers=auth("auditor"))
        as_csv = await stack.api.get(
            URL, params={"year": year, "format": "csv"}, headers=auth("supervisor")
        )
        last_year = await stack.api.get(URL, params={"year": year - 1}, headers=auth("auditor"))
        counsellor = await stack.api.get(URL, params={"year": year}, headers=auth("counsellor"))
        no_period = await stack.api.get(URL, headers=auth("auditor"))
        naive = await stack.api.get(
            URL,
            params={"since": "2026-01-01T00:00:00", "until": "2027-01-01T00:00:00Z"},
            headers=auth("auditor"),
        )

    assert as_json.status_code == 200, as_json.text
    report = as_json.json()
    assert report["total"]["submitted"] == 3  # the appeal is not a fourth notice
    assert report["appeals"]["submitted"] == report["appeals"]["refused"] == 1
    [appealed] = report["appeals_by_platform"]
    assert appealed["platform"] == "snapchat"
    platforms = {line["platform"]: line["notices"] for line in report["by_platform"]}
    assert platforms["tiktok"]["removed"] == platforms["tiktok"]["removal_verified"] == 2
    assert platforms["snapchat"]["refused"] == 1
    months = [line["notices"] for line in report["by_month"]]
    assert {field: sum(m[field] for m in months) for field in report["total"]} == report["total"]
    [content] = report["by_content_type"]
    assert content["legal_qualification"] == "cyberharassment"
    assert content["notices"]["submitted"] == 3
    assert case_id not in as_json.text and "tiktok.com" not in as_json.text

    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {(r["platform"], r["legal_qualification"], r["action"], r["notices"]) for r in rows} == {
        ("snapchat", "cyberharassment", "refused", "1"),
        ("tiktok", "cyberharassment", "removed", "2"),
        ("snapchat", "", "appeal_refused", "1"),
    }

    assert last_year.json()["total"]["submitted"] == 0
    assert counsellor.status_code == 403
    assert no_period.status_code == 422
    assert {tuple(p["loc"]) for p in no_period.json()["detail"]} == {
        ("query", "since"),
        ("query", "until"),
    }
    assert naive.status_code == 422
    assert [p["loc"] for p in naive.json()["detail"]] == [["query", "since"]]
