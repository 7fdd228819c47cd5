"""Who may call what, route by route: every route of the API is in ``RULES``, and
each is called with no token, with each role's token, and (case routes) by a
counsellor on a case that is neither theirs nor shared with them.

A new route fails ``test_every_route_has_a_rule`` until its rule is written here.
"""

import re

import pytest
from httpx import AsyncClient

from api.app import create_app
from relais.settings import Role, Settings
from tests.api.conftest import SECOND_COUNSELLOR, ApiHarness, auth, open_case

C, S, INT, A = Role.COUNSELLOR, Role.SUPERVISOR, Role.INTEGRATOR, Role.AUDITOR
PUBLIC = "public"  # no credentials at all (probes, the codec sign-in form)
SIGNED = "signed"  # machine callers: an HMAC signature, never a bearer token
ANY_ROLE = frozenset(Role)

RULES: dict[tuple[str, str], frozenset[Role] | str] = {
    ("POST", "/cases"): frozenset({C}),
    ("GET", "/cases"): frozenset({C, S}),
    ("GET", "/cases/{case_id}"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/items"): frozenset({C}),
    ("POST", "/cases/{case_id}/referrals"): frozenset({C}),
    ("POST", "/cases/{case_id}/callback-outcome"): frozenset({C}),
    ("POST", "/cases/{case_id}/close"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/referrals/{referral_id}/manual-handoff"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/notices/{notice_id}/review"): frozenset({C}),
    ("POST", "/cases/{case_id}/consents/withdraw"): frozenset({C}),
    ("POST", "/cases/{case_id}/callback/claim"): frozenset({C}),
    ("POST", "/cases/{case_id}/callback/reschedule"): frozenset({C}),
    ("POST", "/cases/{case_id}/reopen"): frozenset({C, S}),
    ("GET", "/cases/{case_id}/contact"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/notes"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/contacts"): frozenset({C}),
    ("POST", "/cases/{case_id}/risk"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/urgency"): frozenset({S}),
    ("PATCH", "/cases/{case_id}/intake"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/assignment"): frozenset({S}),
    ("POST", "/cases/{case_id}/handover"): frozenset({C}),
    ("GET", "/me/worklist"): frozenset({C, S}),
    ("GET", "/callbacks"): frozenset({C, S}),
    ("GET", "/cases/{case_id}/shares"): frozenset({C, S}),
    ("POST", "/cases/{case_id}/shares"): frozenset({C, S}),
    ("GET", "/tasks"): frozenset({C, S}),
    ("POST", "/tasks/{task_id}/claim"): frozenset({C, S}),
    ("GET", "/audit"): frozenset({A, S}),
    ("GET", "/stats/removal-times"): frozenset({A, S}),
    ("GET", "/reports/trusted-flagger"): frozenset({A, S}),
    ("GET", "/stats/platforms"): frozenset({A, S}),
    ("GET", "/adapters"): frozenset({INT, S}),
    ("POST", "/adapters/{slug}/test-notice"): frozenset({INT}),
    ("POST", "/adapters/{slug}/test-handoff"): frozenset({INT}),
    ("POST", "/adapters/validate"): frozenset({INT}),
    ("POST", "/codec/decode"): ANY_ROLE,  # placeholders for who may not read a case
    ("POST", "/codec/encode"): frozenset({S}),
    ("GET", "/codec/login"): PUBLIC,
    ("POST", "/codec/login"): PUBLIC,  # the token is in the form, checked there
    ("POST", "/codec/logout"): PUBLIC,
    ("POST", "/webhooks/platforms/{slug}"): SIGNED,
    ("POST", "/webhooks/partners/{slug}"): SIGNED,
    ("POST", "/inbound/partners/{slug}/referrals"): SIGNED,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/livez"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,  # counts by slug and status; kept off the public ingress
}


def api_routes() -> set[tuple[str, str]]:
    paths = create_app(Settings()).openapi()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


ROUTES = api_routes()


def test_every_route_has_a_rule() -> None:
    routes = ROUTES
    missing = sorted(routes - set(RULES))
    assert not missing, f"routes without an authorisation rule in {__file__}: {missing}"


@pytest.fixture(scope="module")
async def own_case(api_harness: ApiHarness) -> str:
    """A case the test counsellor opened."""
    return await open_case(api_harness.api)


def concrete(path: str, case_id: str) -> str:
    path = path.replace("{case_id}", case_id)
    return re.sub(r"\{[a-z_]+\}", "x-1", path)


RULE_ITEMS = sorted(RULES.items(), key=lambda kv: kv[0])
IDS = [f"{m} {p}" for (m, p), _ in RULE_ITEMS]


@pytest.mark.parametrize(("route", "rule"), RULE_ITEMS, ids=IDS)
async def test_route_by_route(
    api: AsyncClient, own_case: str, route: tuple[str, str], rule: frozenset[Role] | str
) -> None:
    method, template = route
    if route not in ROUTES:
        pytest.skip("this API has no such route")
    path = concrete(template, own_case)
    anonymous = await api.request(method, path, json={})
    if rule == PUBLIC:
        assert anonymous.status_code not in (401, 403), anonymous.text
        return
    assert anonymous.status_code == 401, anonymous.text
    for role in Role:
        response = await api.request(method, path, json={}, headers=auth(role))
        if rule == SIGNED:  # a bearer token is no signature
            assert response.status_code == 401, (role, response.text)
        elif role in rule:
            assert response.status_code not in (401, 403), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert "allowed roles" in response.json()["detail"]


CASE_ROUTES = [(route, rule) for route, rule in RULE_ITEMS if "{case_id}" in route[1]]


@pytest.mark.parametrize(
    ("route", "rule"), CASE_ROUTES, ids=[f"{m} {p}" for (m, p), _ in CASE_ROUTES]
)
async def test_a_counsellor_cannot_touch_a_case_not_theirs(
    api: AsyncClient, own_case: str, route: tuple[str, str], rule: frozenset[Role] | str
) -> None:
    method, template = route
    if route not in ROUTES:
        pytest.skip("this API has no such route")
    response = await api.request(
        method, concrete(template, own_case), json={}, headers=SECOND_COUNSELLOR
    )
    assert response.status_code == 403, response.text
    assert "neither yours nor shared with you" in response.json()["detail"]


async def test_sharing_lets_another_counsellor_in_and_lists_follow_the_rule(
    api: AsyncClient,
) -> None:
    case_id = await open_case(api)
    before = await api.get(f"/cases/{case_id}", headers=SECOND_COUNSELLOR)
    assert before.status_code == 403

    shared = await api.post(
        f"/cases/{case_id}/shares", json={"counsellor": "test-second-counsellor"}, headers=auth(C)
    )
    assert shared.status_code == 201
    assert shared.json()["reason"] == "shared"

    after = await api.get(f"/cases/{case_id}", headers=SECOND_COUNSELLOR)
    assert after.status_code == 200
    shares = await api.get(f"/cases/{case_id}/shares", headers=auth(S))
    assert {(s["counsellor"], s["reason"]) for s in shares.json()} == {
        ("test-counsellor", "owner"),
        ("test-second-counsellor", "shared"),
    }


async def test_a_counsellor_on_an_unknown_case_gets_404_not_someone_elses_data(
    api: AsyncClient,
) -> None:
    response = await api.get(f"/cases/{'e' * 32}", headers=auth(C))
    assert response.status_code == 404
