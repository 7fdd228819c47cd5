"""The adapter catalog for integrators, and the OpenAPI description."""

from httpx import AsyncClient

from partners.builtin import PARTNERS, PLATFORMS
from relais.settings import Role
from tests.support.client import harness_auth


async def test_integrator_reads_the_catalog(api: AsyncClient) -> None:
    response = await api.get("/adapters", headers=harness_auth(Role.INTEGRATOR))

    assert response.status_code == 200
    adapters = {a["slug"]: a for a in response.json()["adapters"]}
    # The real registry: the built-in platforms and partners the worker reaches.
    assert {s for s, a in adapters.items() if a["capabilities"] == ["notice"]} == set(PLATFORMS)
    assert {"tiktok", "instagram"} <= set(PLATFORMS)
    assert {s for s, a in adapters.items() if a["capabilities"] == ["handoff"]} == set(PARTNERS)
    assert adapters["pharos"]["delivery"] == "poll"
    # What each platform's channel takes beside a notice (the simulator's, built in).
    assert adapters["facebook"]["accepts_attachments"] == {
        "max_files": 3,
        "max_bytes": 4 * 1024 * 1024,
        "media_types": ["image/png", "image/jpeg"],
    }
    assert adapters["tiktok"]["accepts_attachments"]["max_files"] == 5
    assert adapters["snapchat"]["accepts_attachments"] is None
    assert adapters["pharos"]["accepts_attachments"] is None
    # an adapter nobody has called yet: roblox, which no test on this (shared) harness calls
    assert adapters["roblox"]["health"]["status"] == "unknown"


async def test_openapi_documents_every_route_and_the_webhook_bodies(api: AsyncClient) -> None:
    response = await api.get("/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    assert {
        "/cases",
        "/cases/{case_id}",
        "/cases/{case_id}/items",
        "/cases/{case_id}/referrals",
        "/cases/{case_id}/callback-outcome",
        "/cases/{case_id}/close",
        "/webhooks/platforms/{slug}",
        "/webhooks/partners/{slug}",
        "/tasks",
        "/tasks/{task_id}/claim",
        "/audit",
        "/adapters",
        "/adapters/validate",
        "/adapters/{slug}/test-notice",
        "/adapters/{slug}/test-handoff",
        "/healthz",
        "/livez",
        "/readyz",
        "/metrics",
    } <= set(spec["paths"])
    webhook = spec["paths"]["/webhooks/platforms/{slug}"]["post"]
    schema = webhook["requestBody"]["content"]["application/json"]["schema"]
    assert "removed" in schema["properties"]["decision"]["enum"]
    assert "$ref" not in str(schema)
