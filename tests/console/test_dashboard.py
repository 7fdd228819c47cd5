"""The supervisor's dashboard over HTTP on the whole system: each figure is the count
the API gives for the same cases, and links to the Temporal UI list filtered by the
query that lists them; a partner that fails shows as down, linking to its cases."""

import re
import uuid
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

from console.web import CSP
from domain.case import CaseStatus
from domain.intake import Urgency
from relais.db import AuditLog
from tests.support.builders import intake_body
from tests.support.client import auth
from tests.support.console import console_user
from tests.support.stack import Stack
from tests.support.waiting import eventually


def links(html: str) -> dict[str, str]:
    """Temporal UI links of the page: aria-label or id -> the query they open."""
    found = {}
    for anchor in re.finditer(r'<a href="([^"]+)"([^>]*)>', html):
        href = unescape(anchor[1])
        if "/namespaces/default/workflows?query=" not in href:
            continue
        name = re.search(r'(?:aria-label|id)="([^"]+)"', anchor[2])
        found[unescape(name[1]) if name else href] = parse_qs(urlsplit(href).query)["query"][0]
    return found


async def api_count(stack: Stack, **filters: str) -> int:
    listed = await stack.api.get("/cases", params=filters, headers=auth("supervisor"))
    return int(listed.json()["total"])


async def health_of(stack: Stack, slug: str) -> str:
    adapters = (await stack.api.get("/adapters", headers=auth("supervisor"))).json()["adapters"]
    return str(next(a for a in adapters if a["slug"] == slug)["health"]["status"])


async def test_each_figure_counts_what_its_temporal_query_lists(stack: Stack) -> None:
    await stack.configure_target("france-victimes", outage={"active": True})
    headers = {**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex}
    opened = await stack.api.post("/cases", json=intake_body(risk_flags=[]), headers=headers)
    case_id = opened.json()["case_id"]
    referred = await stack.api.post(
        f"/cases/{case_id}/referrals",
        json={"partner": "france-victimes", "victim_consented": True},
        headers=auth("counsellor"),
    )
    assert referred.status_code == 202, referred.text
    await eventually(
        lambda: health_of(stack, "france-victimes"), lambda s: s == "failing", what="down"
    )
    await eventually(lambda: api_count(stack, open_only="true"), lambda n: n >= 1, what="directory")

    boss = console_user(str(stack.api.base_url))
    await boss.sign_in("local-supervisor-token")
    page = await boss.page("/dashboard")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html, queries = page.text, links(page.text)
    ui = stack.settings.temporal_ui_url
    assert f'href="{ui}/namespaces/default/workflows?query=' in html

    assert queries["open-cases"] == 'CaseStatus != "closed"'
    assert queries["sla-breaches"] == 'SlaBreached = true AND CaseStatus != "closed"'
    assert queries["callbacks-overdue"] == 'CallbackOverdue = true AND CaseStatus != "closed"'
    open_cases = await api_count(stack, open_only="true")
    assert re.search(rf'id="open-cases"><span class="figure">{open_cases}<', html)
    for status in (s for s in CaseStatus if s is not CaseStatus.CLOSED):
        for urgency in Urgency:
            cell = f"{status.value}, {urgency.value}"
            label = next(
                k
                for k in queries
                if k.startswith(LABELS[status]) and k.split(", ")[1].startswith(LABELS[urgency])
            )
            assert queries[label] == (
                f'CaseStatus = "{status.value}" AND CaseUrgency = "{urgency.value}"'
            ), cell
            expected = await api_count(stack, status=status.value, urgency=urgency.value)
            assert label.endswith(f": {expected}"), (cell, label)

    # The partner down, with the Temporal UI list of its open cases.
    assert "France Victimes" in html
    assert 'CasePartners = "france-victimes" AND CaseStatus != "closed"' in queries.values()
    assert (
        queries["adapters-down"]
        == '(CasePartners IN ("france-victimes")) AND CaseStatus != "closed"'
    )

    # Every link's query is one Temporal's visibility accepts (a bad one would fail here).
    for query in queries.values():
        await stack.client.count_workflows(query)
    await stack.configure_target("france-victimes", outage={"active": False})


LABELS = {
    CaseStatus.OPEN: "ouvert",
    CaseStatus.AWAITING_PLATFORM: "en attente de la plateforme",
    CaseStatus.AWAITING_PARTNER: "en attente d'un partenaire",
    CaseStatus.CALLBACK_SCHEDULED: "rappel prévu",
    CaseStatus.CALLBACK_DUE: "rappel à faire",
    CaseStatus.AWAITING_CLOSURE: "prêt à clore",
    Urgency.CRITICAL: "critique",
    Urgency.HIGH: "haute",
    Urgency.NORMAL: "normale",
    Urgency.LOW: "basse",
}


async def test_the_dashboards_figures_links_open_in_the_signed_in_browser(stack: Stack) -> None:
    """The report and the scorecard open with the console's session (the API's own
    routes take a bearer token, which a browser does not send)."""
    boss = console_user(str(stack.api.base_url))
    await boss.sign_in("local-supervisor-token")
    dashboard = (await boss.page("/dashboard")).text
    hrefs = re.findall(r'href="(/console/figures/[^"]+)"', dashboard)
    assert len(hrefs) == 2
    for href in hrefs:
        page = await boss.page(unescape(href).removeprefix("/console"))
        assert page.status_code == 200, page.text[:500]
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "/console/figures/scorecard?year=" in page.text  # its other formats, here too
    pdf = await boss.page("/figures/scorecard?year=2026&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    counsellor = console_user(str(stack.api.base_url))
    await counsellor.sign_in("local-counsellor-token")
    refused = await counsellor.page("/figures/report?year=2026")
    assert refused.status_code == 403


async def test_an_auditor_signs_in_to_the_report_and_reads_only_the_figures(stack: Stack) -> None:
    """The auditor's pages in the console are the figures, as in the API: they start on
    this year's report, reach the scorecard, and no case screen."""
    auditor = console_user(str(stack.api.base_url))
    signed_in = await auditor.sign_in("local-auditor-token")
    assert signed_in.headers["location"] == "/console/figures/report"

    report = await auditor.page("/figures/report")
    scorecard = await auditor.page("/figures/scorecard")
    worklist = await auditor.page("/worklist")

    year = datetime.now(UTC).year
    assert report.status_code == 200, report.text[:500]
    assert f"Signalements envoyés du {year}-01-01 00:00 au {year + 1}-01-01 00:00" in report.text
    assert scorecard.status_code == 200 and "Bilan par plateforme" in scorecard.text
    assert worklist.status_code == 403
    # The refusal page offers the auditor their own pages, not a worklist.
    assert 'href="/console/figures/report"' in worklist.text
    assert 'href="/console/worklist"' not in worklist.text
    reads = await AuditLog(stack.database).list(action="report.trusted_flagger.read")
    assert ("local-auditor", "auditor") in [(e.actor, e.role) for e in reads]


async def test_the_figures_pages_are_console_pages_french_first(stack: Stack) -> None:
    """The report and the scorecard an auditor lands on are pages of the console: its
    strict headers (no inline style, no framing), its header (sign-out, the language
    switch), in French, then in English on request."""
    auditor = console_user(str(stack.api.base_url))
    await auditor.sign_in("local-auditor-token")

    pages = [
        ("/figures/report?year=2026", "Rapport du signaleur", "Trusted-flagger report"),
        ("/figures/scorecard?year=2026", "Bilan par plateforme", "Platform scorecard"),
    ]
    for path, french, english in pages:
        page = await auditor.page(path)
        assert page.status_code == 200, page.text[:500]
        assert page.headers["content-security-policy"] == CSP
        assert page.headers["x-frame-options"] == "DENY"
        assert "style=" not in page.text and "<style" not in page.text
        assert '<html lang="fr">' in page.text and f"<h1>{french}" in page.text
        assert 'action="/console/sign-out"' in page.text
        assert '<button name="language" value="en" lang="en">English</button>' in page.text
        switched = await auditor.send(path, "/language", {"language": "en"})
        assert switched.status_code == 303
        assert switched.headers["location"] == f"/console{path}"  # back to the same period
        page = await auditor.page(path)
        assert '<html lang="en">' in page.text and f"<h1>{english}" in page.text
        assert "Notices submitted from 2026-01-01 00:00 to 2027-01-01 00:00" in page.text
        await auditor.send(path, "/language", {"language": "fr"})
    pdf = await auditor.page("/figures/report?year=2026&format=pdf")
    assert pdf.headers["content-security-policy"] == CSP and pdf.content.startswith(b"%PDF")
