"""The report and scorecard pages as an auditor sees them: Debian's Chromium, driven
by Playwright, opens each page from the running API, and every bar drawn is checked
against the figures the JSON route counted: its value, and its length on screen
against the axis. Nothing is fetched from anywhere but the API, no script runs.
Skipped without chromium (CI installs it: see .ci/run)."""

import re
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.db.builders import YEAR
from tests.reports.conftest import ReportsApi, bearer
from tests.support.console_browser import check_screen

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="chromium is not installed (apt-get install chromium)"
)

# Every drawn segment, its bar, series and value, and its on-screen length against
# the plot's (the value axis runs from 0 to data-axis-max over the plot's length).
_SEGMENTS = """
(chart) => {
  const svg = document.querySelector(`svg[data-chart="${chart}"]`);
  if (!svg) return null;
  const plot = svg.querySelector('rect.plot').getBoundingClientRect();
  const vertical = svg.dataset.orientation === 'vertical';
  return {
    axisMax: Number(svg.dataset.axisMax),
    segments: [...svg.querySelectorAll('rect.segment')].map(r => {
      const box = r.getBoundingClientRect();
      return {
        bar: r.dataset.bar, series: r.dataset.series, value: Number(r.dataset.value),
        fraction: vertical ? box.height / plot.height : box.width / plot.width,
      };
    }),
  };
}
"""


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


async def open_page(browser: Browser, api: ReportsApi, path: str) -> tuple[Page, list[str]]:
    """The page as an auditor opens it; and every URL the page asked for."""
    context = await browser.new_context(extra_http_headers=bearer("auditor"))
    page = await context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = await page.goto(f"{api.base_url}{path}")
    assert response is not None and response.status == 200
    return page, requested


async def drawn(page: Page, chart: str) -> dict[tuple[str, str], int]:
    """(bar, series) -> value of each segment drawn, once checked that its length on
    screen is its value over the axis maximum."""
    found: dict[str, Any] | None = await page.evaluate(_SEGMENTS, chart)
    assert found is not None, f"no chart {chart!r} on the page"
    values = {}
    for segment in found["segments"]:
        expected = segment["value"] / found["axisMax"]
        assert segment["fraction"] == pytest.approx(expected, abs=0.005), segment
        values[(segment["bar"], segment["series"])] = segment["value"]
    return values


def nonzero(values: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return {key: value for key, value in values.items() if value}


async def test_the_scorecard_page_draws_the_figures_counted(
    browser: Browser, reports_api: ReportsApi
) -> None:
    counted = await reports_api.http.get(
        "/stats/platforms", params={"year": YEAR}, headers=bearer("auditor")
    )
    scores = counted.json()["platforms"]

    page, requested = await open_page(
        browser, reports_api, f"/stats/platforms?year={YEAR}&format=html"
    )

    bands = {}
    actions = {}
    for s in scores:
        within = (s["removed_within_1h"], s["removed_within_24h"], s["removed_within_7d"])
        bands |= {
            (s["platform"], "within_1h"): within[0],
            (s["platform"], "1h_24h"): within[1] - within[0],
            (s["platform"], "1d_7d"): within[2] - within[1],
            (s["platform"], "7d_42d"): s["removal_verified"] - within[2] - s["removed_after_42d"],
            (s["platform"], "over_42d"): s["removed_after_42d"],
        }
        actions |= {
            (s["platform"], "removed"): s["removed"],
            (s["platform"], "restricted"): s["restricted"],
            (s["platform"], "refused"): s["refused"],
            (s["platform"], "no_decision"): s["no_answer"],
            (s["platform"], "withdrawn"): s["withdrawn"],
        }
    assert await drawn(page, "removal-times") == nonzero(bands)
    assert await drawn(page, "platform-actions") == nonzero(actions)
    # The 50-day tail is drawn: roblox's third removal, in the last band.
    assert bands[("roblox", "over_42d")] == 1
    for s in scores:
        row = page.locator(f'#scorecard tr[data-platform="{s["platform"]}"]')
        assert await row.locator('[data-figure="notices"]').inner_text() == str(s["notices"])
    # In Playwright's default 1280 px window every table fits its column: no figure
    # starts hidden off to the side.
    assert page.viewport_size is not None and page.viewport_size["width"] == 1280
    overflowing = await page.evaluate(
        "[...document.querySelectorAll('.scroll')]"
        ".filter(box => box.scrollWidth > box.clientWidth)"
        ".map(box => box.firstElementChild.id)"
    )
    assert overflowing == []
    assert await page.title() == "Platform scorecard · Relais"
    assert all(url.startswith(reports_api.base_url) for url in requested), requested


async def test_the_report_page_draws_the_monthly_volume_and_actions_counted(
    browser: Browser, reports_api: ReportsApi
) -> None:
    counted = await reports_api.http.get(
        "/reports/trusted-flagger", params={"year": YEAR}, headers=bearer("auditor")
    )
    report = counted.json()
    series = ("removed", "restricted", "refused", "no_decision", "withdrawn")

    page, requested = await open_page(
        browser, reports_api, f"/reports/trusted-flagger?year={YEAR}&format=html"
    )

    months = {(m["month"], k): m["notices"][k] for m in report["by_month"] for k in series}
    assert await drawn(page, "monthly-volume") == nonzero(months)
    platforms = {(p["platform"], k): p["notices"][k] for p in report["by_platform"] for k in series}
    assert await drawn(page, "report-actions") == nonzero(platforms)
    total = page.locator('#total tr[data-line="total"] [data-figure="submitted"]')
    assert await total.inner_text() == str(report["total"]["submitted"])
    category = page.locator(
        '#by-dsa-category tr[data-line="STATEMENT_CATEGORY_PROTECTION_OF_MINORS"]'
        ' [data-figure="submitted"]'
    )
    assert await category.inner_text() == "3"
    # The page links every format of the same period, and the scorecard.
    hrefs = await page.locator("nav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert f"/stats/platforms?year={YEAR}&format=html" in hrefs
    assert f"/reports/trusted-flagger?year={YEAR}&format=pdf" in hrefs
    assert all(url.startswith(reports_api.base_url) for url in requested), requested


async def test_an_auditor_reads_them_in_the_console_in_french_then_english(
    browser: Browser, reports_api: ReportsApi
) -> None:
    """The pages an auditor lands on after signing in to the console: the console's
    own (its header, sign-out and the language switch, its strict CSP: Chromium
    reports no refused style or script), French first then English, each bar as
    counted, no serious accessibility violation (screenshots kept, see
    ``tests.support.console_browser``)."""
    report = (
        await reports_api.http.get(
            "/reports/trusted-flagger", params={"year": YEAR}, headers=bearer("auditor")
        )
    ).json()
    scores = (
        await reports_api.http.get(
            "/stats/platforms", params={"year": YEAR}, headers=bearer("auditor")
        )
    ).json()["platforms"]
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    await page.goto(f"{reports_api.base_url}/console/")
    await page.get_by_label("Votre jeton").fill("reports-auditor")
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page).to_have_url(re.compile(r"/console/figures/report$"))

    await page.goto(f"{reports_api.base_url}/console/figures/report?year={YEAR}")
    await expect(page.locator("h1")).to_have_text(
        "Rapport du signaleur de confiance (DSA art. 22(3))"
    )
    await expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    series = ("removed", "restricted", "refused", "no_decision", "withdrawn")
    months = {(m["month"], k): m["notices"][k] for m in report["by_month"] for k in series}
    assert await drawn(page, "monthly-volume") == nonzero(months)
    total = page.locator('#total tr[data-line="total"] [data-figure="submitted"]')
    assert await total.inner_text() == str(report["total"]["submitted"])
    await check_screen(page, "figures-report")

    await page.get_by_role("link", name="Bilan par plateforme (page)").click()
    await expect(page.locator("h1")).to_have_text("Bilan par plateforme")
    actions = {
        (s["platform"], k): s[{"no_decision": "no_answer"}.get(k, k)]
        for s in scores
        for k in series
    }
    assert await drawn(page, "platform-actions") == nonzero(actions)
    await check_screen(page, "figures-scorecard")
    assert refused == []
