"""A case as a counsellor opens it in the tests, and the steps every test repeats:
open a case through the API, read its view."""

import uuid
from typing import Any

import httpx

from tests.support.stack import Stack, auth

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "caller_role": "victim",
    "age_band": "15_17",
    "categories": ["cyberharassment"],
    "risk_flags": [],
    "consents": {
        "report_to_platforms": True,
        "referral_partners": ["france-victimes"],
        # Any hour is safe: tests run at any time of day.
        "callback": {"consented": True, "earliest_hour": 0, "latest_hour": 24},
    },
    "contact": {"first_name": "Lea", "phone": "+33600000000"},
}
ITEM = {
    "platform": "tiktok",
    "content_type": "video",
    "legal_qualification": "cyberharassment",
    "location": {"url": "https://www.tiktok.com/@someone/video/123"},
}


async def case_view(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    response = await api.get(f"/cases/{case_id}", headers=auth("supervisor"))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def open_case(stack: Stack, intake: dict[str, Any] = INTAKE, **changes: Any) -> str:
    """Open a case through the API (fields of ``intake`` replaced by ``changes``)."""
    response = await stack.api.post(
        "/cases",
        json={**intake, **changes},
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
