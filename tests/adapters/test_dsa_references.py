"""What a platform states about a notice reaches Relais: the time it says it received
the notice (DSA Art. 16(4)), and its own id for its decision (the statement of
reasons' PUID in the DSA Transparency Database), read by the built-in REST channel
and by a declared HTTP-JSON channel from a platform served over real HTTP."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from domain.catalog import AdapterInfo, PartnerKind
from domain.items import ContentType, LegalQualification, QualifiedItem
from domain.notice import Decision, SubmitNoticeRequest
from domain.personal import ItemLocation
from partners.http_json import HttpJsonNoticeChannel
from partners.http_json_config import HttpJsonNoticeConfig
from partners.http_support import PARTNER_CLIENTS
from partners.rest_channel import RestChannelConfig, RestNoticeChannel
from relais.serving import serve_app

RECEIVED = "2026-03-02T09:00:12+00:00"
DECIDED = "2026-03-02T09:25:00+00:00"
REQUEST = SubmitNoticeRequest(
    case_id="c1",
    notice_id="c1-n1",
    idempotency_key="c1-n1",
    item=QualifiedItem(
        platform="nordgram",
        content_type=ContentType.VIDEO,
        legal_qualification=LegalQualification.CYBERHARASSMENT,
        location=ItemLocation(url="https://nordgram.example/v/1"),
    ),
)
INFO = AdapterInfo(slug="nordgram", display_name="Nordgram", kind=PartnerKind.PLATFORM)


def platform() -> FastAPI:
    """Answers in Relais's reference contract under /platforms, in its own shape
    under /api."""
    app = FastAPI()

    @app.post("/platforms/nordgram/notices")
    async def rest_notice() -> dict[str, Any]:
        return {"reference": "NG-1", "status": "received", "received_at": RECEIVED}

    @app.get("/platforms/nordgram/notices/{reference}")
    async def rest_decision(reference: str) -> dict[str, Any]:
        return {"status": "removed", "decided_at": DECIDED, "decision_reference": "SOR-77"}

    @app.post("/api/tickets")
    async def ticket() -> dict[str, Any]:
        return {"ticket": {"id": "T-9", "at": RECEIVED}}

    @app.get("/api/tickets/{reference}")
    async def verdict(reference: str) -> dict[str, Any]:
        return {"state": "removed", "when": DECIDED, "statement": {"puid": "PUID-9"}}

    return app


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with serve_app(platform()) as url:
        yield url
    await PARTNER_CLIENTS.aclose()


async def test_the_rest_channel_reads_the_receipt_time_and_the_decision_reference(
    base_url: str,
) -> None:
    channel = RestNoticeChannel(INFO, RestChannelConfig(base_url=base_url))

    receipt = await channel.submit_notice(REQUEST)
    decision = await channel.fetch_decision(receipt.platform_reference)

    assert receipt.received_at == datetime(2026, 3, 2, 9, 0, 12, tzinfo=UTC)
    assert decision is not None
    assert (decision.decision, decision.decision_reference) == (Decision.REMOVED, "SOR-77")
    assert decision.decided_at == datetime(2026, 3, 2, 9, 25, tzinfo=UTC)


async def test_a_declared_channel_reads_them_where_its_configuration_says(base_url: str) -> None:
    config = HttpJsonNoticeConfig.model_validate(
        {
            "base_url": base_url,
            "submit": {
                "path": "/api/tickets",
                "reference": "ticket.id",
                "received_at": "ticket.at",
            },
            "decision": {
                "path": "/api/tickets/{reference}",
                "decision": "state",
                "decided_at": "when",
                "decision_reference": "statement.puid",
            },
        }
    )
    channel = HttpJsonNoticeChannel(INFO, config)

    receipt = await channel.submit_notice(REQUEST)
    decision = await channel.fetch_decision(receipt.platform_reference)

    assert (receipt.platform_reference, receipt.received_at) == (
        "T-9",
        datetime(2026, 3, 2, 9, 0, 12, tzinfo=UTC),
    )
    assert decision is not None and decision.decision_reference == "PUID-9"
