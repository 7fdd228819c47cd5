"""Shared steps of the takedown tests."""

from datetime import timedelta
from typing import Any

from tests.support.cases import ITEM, case_view
from tests.support.client import auth
from tests.support.policies import FAST_POLLS, fast_policy
from tests.support.stack import Stack
from tests.support.waiting import eventually

SHORT = fast_policy(callback_delay=timedelta(minutes=10), **FAST_POLLS)


async def notify(stack: Stack, case_id: str, platform: str, url: str | None = None) -> str:
    item = {**ITEM, "platform": platform}
    if url:
        item["location"] = {"url": url}
    response = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": [item]}, headers=auth("counsellor")
    )
    assert response.status_code == 202, response.text
    [notice_id] = response.json()["notice_ids"]
    return str(notice_id)


async def notice_reaches(
    stack: Stack, case_id: str, notice_id: str, status: str, within: float = 30
) -> dict[str, Any]:
    view = await eventually(
        lambda: case_view(stack.api, case_id),
        lambda v: any(n["notice_id"] == notice_id and n["status"] == status for n in v["notices"]),
        what=f"notice {notice_id} {status}",
        within=within,
    )
    [notice] = [n for n in view["notices"] if n["notice_id"] == notice_id]
    return notice


async def posts_to(stack: Stack, target: str) -> list[dict[str, Any]]:
    response = await stack.simulator.get("/_control/requests", params={"target": target})
    response.raise_for_status()
    return [r for r in response.json() if r["method"] == "POST"]


async def received_notices(stack: Stack, target: str) -> list[dict[str, Any]]:
    response = await stack.simulator.get("/_control/notices", params={"target": target})
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()
    return data
