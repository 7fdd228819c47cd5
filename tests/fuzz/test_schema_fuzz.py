"""Schemathesis against the API's own OpenAPI schema, every route and every role:
whatever it generates (valid and invalid bodies, parameters and headers), the API
never answers 5xx, never a status the route does not declare, and every answer fits
the schema declared for its status (body and content type).

Every route is tried by each kind of caller: a token per role (``counsellor`` owns the
cases the test opens, ``colleague`` is a counsellor they are not shared with), signed
machine callers on the webhook routes (a delivery signed with the stack's secret, or
as generated: unsigned, badly signed), on the chat's routes a young person (the session
cookie of a conversation the test starts) and a forged cookie, and nobody at all. A
role the route refuses gets a few examples (the refusal comes before the body is
read); a role it lets in gets the full count. Some examples aim at real things (the
test's case, a closed case, a registered adapter) so the fuzzing reaches the
workflows, not only 404s.

Bounded and derandomised, so CI runs the same examples every time: 30 examples per
route and role let in, about 3,700 requests over 47 routes and 235 (route, caller)
pairs, under a minute and a half on two cores with the stack's start. To look
further locally (more examples; another seed, each a different run)::

    RELAIS_FUZZ_EXAMPLES=200 RELAIS_FUZZ_SEED=7 .venv/bin/python -m pytest tests/fuzz -k schema

Not fuzzed: the console's pages (HTML forms outside the OpenAPI description, with
tests of their own in tests/console/).
"""

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from api.app import create_app
from api.doors import Callers, route_rules
from api.webhook_signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from application.acting import Rule
from chat.session import AUDIENCE, COOKIE
from relais.settings import LOCAL_COLLEAGUE_TOKEN, Role, Settings
from tests.chaos.processes import ProcessStack
from tests.support.builders import intake_body, item_body
from tests.support.client import TOKENS, auth, bearer

# Examples per route and role the route lets in; a refused role or a caller without
# credentials gets REFUSED_EXAMPLES (its answer comes before anything is parsed).
EXAMPLES = int(os.environ.get("RELAIS_FUZZ_EXAMPLES", "30"))
REFUSED_EXAMPLES = max(2, EXAMPLES // 6)
# Unset: derandomised (the same examples on every run). Set: that seed, to explore.
SEED = os.environ.get("RELAIS_FUZZ_SEED")
WEBHOOK_SECRET = b"local-webhook-secret"  # the stack's default setting
PRE_CHAT = {"writer": "young_person", "age_band": "15_17", "privacy_notice_accepted": True}
FORGED_SESSION = jwt.encode(
    {"cid": "forged-1", "aud": AUDIENCE, "exp": 4102444800},
    "a secret as long as the stack's, but not the stack's",
    algorithm="HS256",
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

APP = create_app(Settings())
RULES = route_rules(APP)
ROUTES = sorted(RULES)
BEARERS = {
    "counsellor": TOKENS["counsellor"],
    "colleague": LOCAL_COLLEAGUE_TOKEN,
    "supervisor": TOKENS["supervisor"],
    "integrator": TOKENS["integrator"],
    "auditor": TOKENS["auditor"],
}
ROLE_OF = {
    "counsellor": Role.COUNSELLOR,
    "colleague": Role.COUNSELLOR,
    "supervisor": Role.SUPERVISOR,
    "integrator": Role.INTEGRATOR,
    "auditor": Role.AUDITOR,
}


def callers_of(rule: Rule | Callers | None) -> Iterator[tuple[str, int]]:
    """(caller, examples) for a route: every role, nobody, a signed machine, or a
    young person in the chat."""
    if rule in (Callers.PUBLIC, Callers.CHANNEL):  # a channel's webhook: unsigned, fuzzed
        yield "nobody", EXAMPLES
        return
    yield "nobody", REFUSED_EXAMPLES
    if rule == Callers.SIGNED:
        yield "signed", EXAMPLES * 2
        return
    if rule == Callers.YOUNG_PERSON:
        yield "forged", REFUSED_EXAMPLES
        yield "young_person", EXAMPLES
        return
    assert isinstance(rule, Rule), rule
    for caller, role in ROLE_OF.items():
        yield caller, EXAMPLES if rule.allows(role) else REFUSED_EXAMPLES


class Signed(requests.auth.AuthBase):
    """Signs the request as the body is sent (``api.webhook_signatures``)."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        timestamp = str(int(time.time()))
        body = request.body or b""
        raw = body.encode() if isinstance(body, str) else body
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[SIGNATURE_HEADER] = sign(WEBHOOK_SECRET, timestamp, raw)
        return request


@dataclass(frozen=True)
class Targets:
    """Real things for some examples to aim at."""

    chat_session: str  # the session cookie of a conversation waiting in the queue
    open_case: str
    closed_case: str
    platforms: tuple[str, ...]
    partners: tuple[str, ...]
    notices: tuple[str, ...]
    referrals: tuple[str, ...]


@dataclass(frozen=True)
class Opened:
    case_id: str
    notices: tuple[str, ...]
    referrals: tuple[str, ...]


def _open_case(api: httpx.Client) -> Opened:
    """A case of the counsellor's, with an item reported to a platform and a referral."""
    counsellor = auth("counsellor")

    def post(path: str, body: dict[str, Any], status: int) -> dict[str, Any]:
        response = api.post(
            path, json=body, headers={**counsellor, "Idempotency-Key": uuid.uuid4().hex}
        )
        assert response.status_code == status, response.text
        answer: dict[str, Any] = response.json()
        return answer

    case_id: str = post("/cases", intake_body(), 201)["case_id"]
    added = post(f"/cases/{case_id}/items", {"items": [item_body()]}, 202)
    referred = post(
        f"/cases/{case_id}/referrals", {"partner": "pharos", "victim_consented": True}, 202
    )
    return Opened(case_id, tuple(added["notice_ids"]), (referred["referral_id"],))


@pytest.fixture(scope="module")
def targets(fuzz_stack: ProcessStack) -> Targets:
    supervisor = auth("supervisor")
    with httpx.Client(base_url=fuzz_stack.api_url, timeout=30) as api:
        case = _open_case(api)
        closed = _open_case(api).case_id
        shut = api.post(
            f"/cases/{closed}/close",
            json={"reason": "fuzzing a closed case", "force": True},
            headers={**supervisor, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert shut.status_code == 200, shut.text
        adapters = api.get("/adapters", headers=auth("integrator"))
        assert adapters.status_code == 200, adapters.text
        started = api.post("/chat/api/conversations", json=PRE_CHAT)
        assert started.status_code == 201, started.text
    listed = adapters.json()["adapters"]
    return Targets(
        chat_session=started.cookies[COOKIE],
        open_case=case.case_id,
        closed_case=closed,
        platforms=tuple(a["slug"] for a in listed if a["kind"] == "platform"),
        partners=tuple(a["slug"] for a in listed if a["kind"] != "platform"),
        notices=case.notices,
        referrals=case.referrals,
    )


@pytest.fixture(scope="module")
def api_schema(fuzz_stack: ProcessStack) -> OpenApiSchema:
    return schemathesis.openapi.from_url(f"{fuzz_stack.api_url}/openapi.json")


def aimed(path: str, targets: Targets) -> st.SearchStrategy[dict[str, str]]:
    """Ids naming real things, for the path or a webhook's body (drawn beside the
    generated ones)."""
    choices: dict[str, tuple[str, ...]] = {
        "case_id": (targets.open_case, targets.closed_case),
        "notice_id": targets.notices,
        "referral_id": targets.referrals,
        "slug": targets.partners if "partner" in path else targets.platforms,
    }
    if path.startswith("/inbound/channels/"):
        choices["slug"] = ("whatsapp", "messenger")
    present = {name: values for name, values in choices.items() if f"{{{name}}}" in path}
    if path.startswith("/webhooks/"):  # the notice or referral is named in the body
        present |= {"notice_id": targets.notices, "referral_id": targets.referrals}
    return st.fixed_dictionaries({name: st.sampled_from(v) for name, v in present.items()})


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=SEED is None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
        print_blob=False,
    )


def credentials(caller: str, targets: Targets) -> dict[str, str]:
    """The headers ``caller`` sends: a bearer token, a chat session cookie, or none."""
    if caller in BEARERS:
        return bearer(BEARERS[caller])
    if caller == "young_person":
        return {"Cookie": f"{COOKIE}={targets.chat_session}"}
    if caller == "forged":  # the right shape, signed with another secret
        return {"Cookie": f"{COOKIE}={FORGED_SESSION}"}
    return {}


def fuzz_as(
    caller: str,
    examples: int,
    cases: st.SearchStrategy[Any],
    real: st.SearchStrategy[dict[str, str]],
    base_url: str,
    headers: dict[str, str],
) -> None:
    """``examples`` generated requests from ``caller`` (with ``headers``), each
    checked (raises the failures schemathesis found)."""

    @given(case=cases, aimed_at=real, aim=st.booleans(), signs=st.booleans())
    @fuzz_settings(examples)
    def fuzz(case: Any, aimed_at: dict[str, str], aim: bool, signs: bool) -> None:
        if aim and aimed_at:
            in_path = {k: v for k, v in aimed_at.items() if k in (case.path_parameters or {})}
            case.path_parameters = {**(case.path_parameters or {}), **in_path}
            if isinstance(case.body, dict):
                case.body = {**case.body, **{k: v for k, v in aimed_at.items() if k in case.body}}
        # A signed caller signs most deliveries; the others go as generated.
        auth = Signed() if caller == "signed" and (signs or aim) else None
        case.call_and_validate(
            base_url=base_url, headers=dict(headers), checks=CHECKS, timeout=30, auth=auth
        )

    if SEED is not None:
        fuzz = seed(int(SEED))(fuzz)
    fuzz()


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_answers_what_it_declares_to_every_caller(
    fuzz_stack: ProcessStack,
    api_schema: OpenApiSchema,
    targets: Targets,
    method: str,
    path: str,
) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    failures: list[str] = []
    for caller, examples in callers_of(RULES[(method, path)]):
        try:
            fuzz_as(
                caller,
                examples,
                cases,
                aimed(path, targets),
                fuzz_stack.api_url,
                credentials(caller, targets),
            )
        except (Exception, BaseExceptionGroup) as error:  # every caller, reported together
            failures.append(f"as {caller}: {error}")
    assert not failures, "\n\n".join(failures)
