"""Who may call what, route by route: every route of the API has a rule (its
service's, read off the route by ``api.doors.route_rules``: the table the services
make), and each is called with no token, with each role's token, and (case routes)
by a counsellor on a case that is neither theirs nor shared with them, and on a case
that does not exist.

A new route fails ``test_every_route_has_a_rule`` until it calls a service (or says
it is signed or public).
"""

import re
from typing import Any

import pytest
from httpx import AsyncClient

from api.app import create_app
from api.doors import Callers, route_rules
from application.acting import Rule
from relais.settings import Role, Settings
from tests.api.conftest import ApiHarness, item, open_case
from tests.support.client import SECOND_COUNSELLOR, harness_auth

PUBLIC, SIGNED, YOUNG_PERSON = Callers.PUBLIC, Callers.SIGNED, Callers.YOUNG_PERSON
CHANNEL = Callers.CHANNEL
C, S = Role.COUNSELLOR, Role.SUPERVISOR
APP = create_app(Settings())

# Who may call each route: the rule of the service behind it (``application``), or a
# signed machine caller, or anyone (probes, the codec's sign-in form), as the routes
# declare them (``api.doors.route_rules``). Never written here a second time.
RULES: dict[tuple[str, str], Rule | Callers | None] = route_rules(APP)


def api_routes() -> set[tuple[str, str]]:
    paths = APP.openapi()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


ROUTES = api_routes()


def test_every_route_has_a_rule() -> None:
    assert set(RULES) == ROUTES
    missing = sorted(route for route, rule in RULES.items() if rule is None)
    assert not missing, f"routes with no service, no signature and not public: {missing}"


def test_every_route_on_a_case_follows_the_read_rule() -> None:
    """A route naming a case in its path calls a service that acts on that case: a
    counsellor reaches it only on a case they may read."""
    loose = sorted(
        route
        for route, rule in RULES.items()
        if "{case_id}" in route[1] and not (isinstance(rule, Rule) and rule.on_case)
    )
    assert not loose, f"case routes whose service does not check the case: {loose}"


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
    api: AsyncClient, own_case: str, route: tuple[str, str], rule: Rule | Callers | None
) -> None:
    method, template = route
    path = concrete(template, own_case)
    if rule == CHANNEL:  # a real channel: unsigned is 401, a wrong verify token 403
        path = template.replace("{slug}", "whatsapp")
        refused = 401 if method == "POST" else 403
        for headers in [{}, *(harness_auth(role) for role in Role)]:
            answer = await api.request(method, path, content=b"{}", headers=headers)
            assert answer.status_code == refused, (headers, answer.text)
        return
    anonymous = await api.request(method, path, json={})
    if rule == PUBLIC:
        assert anonymous.status_code not in (401, 403), anonymous.text
        return
    assert anonymous.status_code == 401, anonymous.text
    for role in Role:
        response = await api.request(method, path, json={}, headers=harness_auth(role))
        if rule in (SIGNED, YOUNG_PERSON):  # a bearer token is no signature, no chat session
            assert response.status_code == 401, (role, response.text)
        elif isinstance(rule, Rule) and rule.allows(role):
            assert response.status_code not in (401, 403), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert "allowed roles" in response.json()["detail"]


CASE_ROUTES = [(route, rule) for route, rule in RULE_ITEMS if "{case_id}" in route[1]]


@pytest.mark.parametrize(
    ("route", "rule"), CASE_ROUTES, ids=[f"{m} {p}" for (m, p), _ in CASE_ROUTES]
)
async def test_a_counsellor_cannot_touch_a_case_not_theirs(
    api: AsyncClient, own_case: str, route: tuple[str, str], rule: Rule | Callers | None
) -> None:
    method, template = route
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
        f"/cases/{case_id}/shares",
        json={"counsellor": "test-second-counsellor"},
        headers=harness_auth(C),
    )
    assert shared.status_code == 201
    assert shared.json()["reason"] == "shared"

    after = await api.get(f"/cases/{case_id}", headers=SECOND_COUNSELLOR)
    assert after.status_code == 200
    shares = await api.get(f"/cases/{case_id}/shares", headers=harness_auth(S))
    assert {(s["counsellor"], s["reason"]) for s in shares.json()} == {
        ("test-counsellor", "owner"),
        ("test-second-counsellor", "shared"),
    }


async def test_a_counsellor_on_an_unknown_case_gets_404_not_someone_elses_data(
    api: AsyncClient,
) -> None:
    response = await api.get(f"/cases/{'e' * 32}", headers=harness_auth(C))
    assert response.status_code == 404


# A body each case route takes, so a request reaches its service (an invalid body is
# refused first, 422, whatever the case).
BODIES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/cases/{case_id}"): None,
    ("POST", "/cases/{case_id}/items"): {"items": [item()]},
    ("POST", "/cases/{case_id}/referrals"): {"partner": "pharos", "victim_consented": True},
    ("POST", "/cases/{case_id}/callback-outcome"): {"result": "reached"},
    ("POST", "/cases/{case_id}/close"): {"reason": "done"},
    ("POST", "/cases/{case_id}/referrals/{referral_id}/manual-handoff"): {
        "partner_reference": "PV-1"
    },
    ("POST", "/cases/{case_id}/notices/{notice_id}/review"): {"choice": "accept"},
    ("POST", "/cases/{case_id}/consents/withdraw"): {"scope": "callback"},
    ("POST", "/cases/{case_id}/news"): {"wanted": True},
    ("POST", "/cases/{case_id}/callback/claim"): None,
    ("POST", "/cases/{case_id}/callback/reschedule"): {"at": "2030-01-07T18:00:00+01:00"},
    ("POST", "/cases/{case_id}/reopen"): {"reason": "called again"},
    ("GET", "/cases/{case_id}/contact"): None,
    ("POST", "/cases/{case_id}/notes"): {"text": "a note"},
    ("POST", "/cases/{case_id}/contacts"): {"channel": "phone", "caller_role": "parent"},
    ("POST", "/cases/{case_id}/risk"): {"risk_flags": ["suicidal_risk"]},
    ("POST", "/cases/{case_id}/urgency"): {"urgency": "high", "reason": "review"},
    ("PATCH", "/cases/{case_id}/intake"): {"age_band": "11_14"},
    ("POST", "/cases/{case_id}/assignment"): {"to": "test-second-counsellor"},
    ("POST", "/cases/{case_id}/handover"): {"to": "test-second-counsellor"},
    ("GET", "/cases/{case_id}/shares"): None,
    ("POST", "/cases/{case_id}/shares"): {"counsellor": "test-second-counsellor"},
    ("POST", "/cases/{case_id}/conversations"): {"conversation_id": "c" * 32},
    # multipart: a JSON body is refused once the case is found (415)
    ("POST", "/cases/{case_id}/evidence"): None,
    ("GET", "/cases/{case_id}/evidence"): None,
    ("GET", "/cases/{case_id}/evidence/{evidence_id}"): None,
    ("GET", "/cases/{case_id}/evidence/{evidence_id}/thumbnail.jpg"): None,
    ("GET", "/cases/{case_id}/evidence/dossier.pdf"): None,
    ("POST", "/cases/{case_id}/upload-links"): None,
}


def test_every_case_route_has_a_body_here() -> None:
    assert {route for route, _ in CASE_ROUTES} == set(BODIES)


@pytest.mark.parametrize(
    ("route", "rule"), CASE_ROUTES, ids=[f"{m} {p}" for (m, p), _ in CASE_ROUTES]
)
async def test_every_case_route_says_a_case_that_does_not_exist_does_not(
    api: AsyncClient, route: tuple[str, str], rule: Rule | Callers | None
) -> None:
    """404 from every route, for each role that may use it: nothing is recorded about
    a case that does not exist (a share stored for it, a callback it cannot have)."""
    assert isinstance(rule, Rule)
    method, template = route
    unknown = "f" * 32
    for role in rule.roles:
        response = await api.request(
            method, concrete(template, unknown), json=BODIES[route], headers=harness_auth(role)
        )
        assert response.status_code == 404, (role, response.text)
    if route == ("POST", "/cases/{case_id}/shares"):
        listed = await api.get(f"/cases/{unknown}/shares", headers=harness_auth(S))
        assert listed.status_code == 404, listed.text
