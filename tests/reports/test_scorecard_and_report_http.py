"""What a supervisor or an auditor downloads, through real HTTP: the per-platform
scorecard (JSON, CSV) and the yearly report's new DSA figures, over the seeded year
with known answers; pages and PDFs served with the right types; counts only, never
an id of a case or a notice; roles and bad periods refused naming the field."""

import csv
import io

import pypdf

from tests.db.builders import SCORECARD, SCORECARD_FIELDS, YEAR, accountability_year
from tests.reports.conftest import ReportsApi, bearer

SCORECARD_URL = "/stats/platforms"
REPORT_URL = "/reports/trusted-flagger"
IDS = {n.notice_id for n in accountability_year()} | {n.case_id for n in accountability_year()}


def no_ids_in(text: str) -> bool:
    """No notice or case id of the seed shows (they are the only ids it has)."""
    words = set(text.replace('"', " ").replace(",", " ").replace(">", " ").split())
    return not (IDS & words)


async def test_the_scorecard_over_http_gives_the_known_figures_in_json_and_csv(
    reports_api: ReportsApi,
) -> None:
    as_json = await reports_api.http.get(
        SCORECARD_URL, params={"year": YEAR}, headers=bearer("auditor")
    )
    as_csv = await reports_api.http.get(
        SCORECARD_URL, params={"year": YEAR, "format": "csv"}, headers=bearer("supervisor")
    )

    assert as_json.status_code == 200, as_json.text
    scores = {s["platform"]: s for s in as_json.json()["platforms"]}
    assert {p: tuple(s[f] for f in SCORECARD_FIELDS) for p, s in scores.items()} == SCORECARD
    assert scores["roblox"]["time_to_removal"]["max_seconds"] == 50 * 86400
    assert scores["snapchat"]["appeals"] == {
        "appeals": 1, "removed": 0, "restricted": 0, "refused": 1, "no_decision": 0,
        "withdrawn": 0,
    }  # fmt: skip
    assert no_ids_in(as_json.text)

    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = {row["platform"]: row for row in csv.DictReader(io.StringIO(as_csv.text))}
    assert sorted(rows) == sorted(SCORECARD)
    for platform, score in scores.items():
        row = rows[platform]
        assert int(row["notices"]) == score["notices"]
        assert int(row["removed_within_1h"]) == score["removed_within_1h"]
        assert int(row["appeals"]) == score["appeals"]["appeals"]
        p90 = score["time_to_removal"]["p90_seconds"]
        assert row["time_to_removal_p90_seconds"] == ("" if p90 is None else str(p90))
    assert no_ids_in(as_csv.text)


async def test_the_report_counts_by_dsa_category_in_json_and_csv(
    reports_api: ReportsApi,
) -> None:
    report = await reports_api.http.get(
        REPORT_URL, params={"year": YEAR}, headers=bearer("auditor")
    )
    as_csv = await reports_api.http.get(
        REPORT_URL, params={"year": YEAR, "format": "csv"}, headers=bearer("auditor")
    )

    assert report.status_code == 200, report.text
    body = report.json()
    categories = {c["dsa_category"]: c["notices"]["submitted"] for c in body["by_dsa_category"]}
    assert categories == {
        "STATEMENT_CATEGORY_CYBER_VIOLENCE": 16,
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": 3,
    }
    assert len(body["category_mapping"]) == 10
    months = [line["notices"] for line in body["by_month"]]
    assert {field: sum(m[field] for m in months) for field in body["total"]} == body["total"]
    assert body["total"]["removal_verified"] == 11
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    protection = [r for r in rows if r["dsa_category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"]
    assert {
        (r["platform"], r["legal_qualification"], r["action"], r["notices"]) for r in protection
    } == {("roblox", "child_sexual_abuse_material", "removed", "3")}
    assert no_ids_in(report.text) and no_ids_in(as_csv.text)


async def test_pages_and_pdfs_are_served_for_both_figures(reports_api: ReportsApi) -> None:
    for url in (SCORECARD_URL, REPORT_URL):
        page = await reports_api.http.get(
            url, params={"year": YEAR, "format": "html"}, headers=bearer("supervisor")
        )
        pdf = await reports_api.http.get(
            url, params={"year": YEAR, "format": "pdf"}, headers=bearer("auditor")
        )

        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "<script" not in page.text and "<svg" in page.text
        assert no_ids_in(page.text)

        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
        assert all(platform in text for platform in SCORECARD)
        assert no_ids_in(text)
    # The PDF scorecard prints the figures counted: tiktok's 4 notices, all within 1 h.
    scorecard_pdf = await reports_api.http.get(
        SCORECARD_URL, params={"year": YEAR, "format": "pdf"}, headers=bearer("auditor")
    )
    text = pypdf.PdfReader(io.BytesIO(scorecard_pdf.content)).pages[0].extract_text()
    assert "tiktok 4 4 (100.0 %)" in text
    assert "tiktok 100.0 % 100.0 % 100.0 % 0.0 %" in text


async def test_a_period_without_notices_says_so_on_the_pages(reports_api: ReportsApi) -> None:
    """Not bare headings: a supervisor must tell "nothing sent" from a page that failed."""
    empty_year = YEAR - 5
    scorecard = await reports_api.http.get(
        SCORECARD_URL, params={"year": empty_year, "format": "html"}, headers=bearer("supervisor")
    )
    report = await reports_api.http.get(
        REPORT_URL, params={"year": empty_year, "format": "html"}, headers=bearer("auditor")
    )
    seeded = await reports_api.http.get(
        SCORECARD_URL, params={"year": YEAR, "format": "html"}, headers=bearer("supervisor")
    )

    assert scorecard.status_code == report.status_code == 200
    # The scorecard, its appeals and the time to removal: one line each.
    assert scorecard.text.count("No notice was submitted in this period.") == 3
    assert report.text.count("No notice was submitted in this period.") == 3
    assert "No appeal in this period." in report.text
    assert "No notice of the period went undelivered." in report.text
    assert "No notice was submitted" not in seeded.text
    pdf = await reports_api.http.get(
        REPORT_URL, params={"year": empty_year, "format": "pdf"}, headers=bearer("auditor")
    )
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert text.count("No notice was submitted in this period.") == 3
    assert "No appeal in this period." in text


async def test_only_supervisors_and_auditors_read_them_and_bad_input_names_the_field(
    reports_api: ReportsApi,
) -> None:
    http = reports_api.http
    for url in (SCORECARD_URL, REPORT_URL):
        counsellor = await http.get(url, params={"year": YEAR}, headers=bearer("counsellor"))
        nobody = await http.get(url, params={"year": YEAR, "format": "html"})
        bad_format = await http.get(
            url, params={"year": YEAR, "format": "docx"}, headers=bearer("auditor")
        )
        both = await http.get(
            url, params={"year": YEAR, "since": "2026-01-01T00:00:00Z"}, headers=bearer("auditor")
        )
        backwards = await http.get(
            url,
            params={"since": "2026-06-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            headers=bearer("auditor"),
        )

        assert (counsellor.status_code, nobody.status_code) == (403, 401)
        assert bad_format.status_code == 422
        assert [p["loc"] for p in bad_format.json()["detail"]] == [["query", "format"]]
        assert both.status_code == 422
        assert [p["loc"] for p in both.json()["detail"]] == [["query", "year"]]
        assert [p["loc"] for p in backwards.json()["detail"]] == [["query", "until"]]
