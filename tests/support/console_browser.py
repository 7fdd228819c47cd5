"""What the console's browser tests share: a screen checked in both languages (a
screenshot of each, kept under ``data/console-screenshots/``, and axe-core's verdict:
no serious or critical violation), and the proof that a page keeps no personal data
in its URL, title or the browser's storage."""

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import BrowserContext, Page, expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("RELAIS_SCREENSHOTS", ROOT / "data" / "console-screenshots"))
SWITCH_TO = {"fr": "English", "en": "Français"}
_axe = Axe()


async def language(page: Page) -> str:
    return str(await page.locator("html").get_attribute("lang"))


async def switch_language(page: Page) -> None:
    now = await language(page)
    await page.get_by_role("button", name=SWITCH_TO[now]).click()
    await expect(page.locator("html")).not_to_have_attribute("lang", now)


async def accessible(page: Page, what: str) -> None:
    """axe-core (as bundled by axe-playwright-python) finds nothing serious or critical."""
    results = await _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"{what}: {bad}"


async def check_screen(
    page: Page, name: str, redo: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Screenshot and accessibility check in French then English; ends in French.
    ``redo`` draws the screen again after a language switch (a refused form's answer
    cannot be reloaded)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        lang = await language(page)
        await page.screenshot(path=SHOTS / f"{name}-{lang}.png", full_page=True)
        await accessible(page, f"{name} ({lang})")
        await switch_language(page)
        if redo is not None:
            await redo()
    assert await language(page) == "fr"


async def nothing_personal_kept(page: Page, context: BrowserContext, secrets: list[str]) -> None:
    stored = await page.evaluate(
        "() => JSON.stringify([{...localStorage}, {...sessionStorage}, location.href, "
        "document.title, history.length])"
    )
    cookies = str(await context.cookies())
    for secret in secrets:
        assert secret not in stored, f"{secret!r} in the URL, title or storage"
        assert secret not in cookies, f"{secret!r} in a cookie"
