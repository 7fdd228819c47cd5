"""A real browser for the tests: Playwright driving the machine's Chromium (Debian's
``chromium`` package; Playwright downloads nothing, so this works offline).

Locally, browser tests skip without Chromium; in CI (``CI=true``) they fail instead,
since ``.ci/run`` installs it."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason=f"{CHROMIUM} is not installed (apt-get install chromium)",
)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium, closed (with Playwright's driver) on the way out.

    ``expect`` waits up to 30 s instead of 5: a page of the Temporal UI fetches, then
    decodes through our API, on a machine that other tests keep busy."""
    expect.set_options(timeout=30_000)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        try:
            yield browser
        finally:
            await browser.close()
