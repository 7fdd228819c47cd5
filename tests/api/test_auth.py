"""Unknown callers get 401, known callers with the wrong role 403 naming who may."""

import pytest
from httpx import AsyncClient

from relais.settings import Role
from tests.support.client import harness_auth

CASE = "0" * 32
# (method, path, a role that may NOT call it, the roles that may)
ROUTES = [
    ("POST", "/cases", Role.AUDITOR, "counsellor"),
    ("GET", "/cases", Role.INTEGRATOR, "counsellor, supervisor"),
    ("GET", f"/cases/{CASE}", Role.AUDITOR, "counsellor, supervisor"),
    ("POST", f"/cases/{CASE}/items", Role.SUPERVISOR, "counsellor"),
    ("POST", f"/cases/{CASE}/referrals", Role.INTEGRATOR, "counsellor"),
    ("POST", f"/cases/{CASE}/callback-outcome", Role.SUPERVISOR, "counsellor"),
    ("POST", f"/cases/{CASE}/close", Role.AUDITOR, "counsellor, supervisor"),
    ("GET", "/tasks", Role.AUDITOR, "counsellor, supervisor"),
    ("POST", "/tasks/some-task/claim", Role.INTEGRATOR, "counsellor, supervisor"),
    ("GET", "/audit", Role.COUNSELLOR, "auditor, supervisor"),
    ("GET", "/adapters", Role.COUNSELLOR, "integrator, supervisor"),
]


@pytest.mark.parametrize(("method", "path", "role", "allowed"), ROUTES)
async def test_no_token_is_401_with_bearer_challenge(
    api: AsyncClient, method: str, path: str, role: Role, allowed: str
) -> None:
    response = await api.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "missing or unknown bearer token"}


@pytest.mark.parametrize(("method", "path", "role", "allowed"), ROUTES)
async def test_unknown_token_is_401(
    api: AsyncClient, method: str, path: str, role: Role, allowed: str
) -> None:
    response = await api.request(
        method, path, json={}, headers={"Authorization": "Bearer not-a-real-token"}
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "role", "allowed"), ROUTES)
async def test_wrong_role_is_403_naming_allowed_roles(
    api: AsyncClient, method: str, path: str, role: Role, allowed: str
) -> None:
    response = await api.request(method, path, json={}, headers=harness_auth(role))
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert f"allowed roles: {allowed}" in detail
    assert role.value in detail


async def test_basic_scheme_is_not_a_bearer_token(api: AsyncClient) -> None:
    response = await api.get("/cases", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401


async def test_health_needs_no_token(api: AsyncClient) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "temporal": True, "database": True}
