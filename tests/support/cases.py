"""A case as a counsellor opens it in the tests, and the steps every test repeats:
open a case through the API, read its view."""

import uuid
from typing import Any

import httpx

from tests.support.builders import INTAKE, ITEM, intake_body
from tests.support.client import auth
from tests.support.stack import Stack

__all__ = ["INTAKE", "ITEM", "add_items", "case_view", "open_case"]


async def case_view(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def open_case(stack: Stack, intake: dict[str, Any] = INTAKE, **changes: Any) -> str:
    """Open a case through the API (fields of ``intake`` replaced by ``changes``)."""
    response = await stack.api.post(
        "/cases",
        json=intake_body(intake, **changes),
        headers={**auth("counsellor"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


async def add_items(stack: Stack, case_id: str, count: int, tag: str = "") -> list[str]:
    """Qualify ``count`` TikTok videos (distinct URLs) on the case; their notice ids."""
    items = [
        {**ITEM, "location": {"url": f"https://www.tiktok.com/@someone/video/{tag}{n}"}}
        for n in range(count)
    ]
    response = await stack.api.post(
        f"/cases/{case_id}/items", json={"items": items}, headers=auth("counsellor")
    )
    assert response.status_code == 202, response.text
    return [str(notice_id) for notice_id in response.json()["notice_ids"]]
