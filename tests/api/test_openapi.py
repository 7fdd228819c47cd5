"""The OpenAPI description declares the errors each route can answer, each with
its schema: 401 and 403 behind a bearer token, 404 with an id in the path, 422 with
a body (and 415 with a JSON body), and the ``Idempotency-Key`` of every POST a
person makes. Read from the served ``/openapi.json``, so a route added later is held
to the same."""

from typing import Any

import pytest

from tests.api.conftest import ApiHarness

MACHINE_OR_CODEC = ("/webhooks/", "/inbound/", "/codec/")
# The young person's web chat (a session cookie, no bearer token): only a message takes a
# key (the page sends one per message); leaving, the page's beacons, "is writing" and
# the callback (one per conversation) are idempotent by nature, and the pre-chat form
# starts a new conversation each time.
YOUNG_PERSON = "/chat/api/"
KEYED_CHAT = {("POST", "/chat/api/messages")}
ERROR_SCHEMAS = {"#/components/schemas/ErrorMessage", "#/components/schemas/ProblemList"}


@pytest.fixture(scope="module")
async def spec(api_harness: ApiHarness) -> dict[str, Any]:
    response = await api_harness.api.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def missing(spec: dict[str, Any], code: str, applies: Any) -> list[str]:
    return [
        f"{method} {path}"
        for method, path, operation in operations(spec)
        if applies(method, path, operation) and code not in operation["responses"]
    ]


def bearer(method: str, path: str, operation: dict[str, Any]) -> bool:
    return any("HTTPBearer" in r for r in operation.get("security", []))


def test_routes_behind_a_bearer_token_declare_401_and_403(spec: dict[str, Any]) -> None:
    assert len([op for op in operations(spec) if bearer(*op)]) > 20
    assert missing(spec, "401", bearer) == []
    assert missing(spec, "403", bearer) == []


def test_routes_with_an_id_in_their_path_declare_404(spec: dict[str, Any]) -> None:
    assert missing(spec, "404", lambda m, path, op: "{" in path) == []


def test_routes_with_a_body_declare_422_and_json_bodies_415(spec: dict[str, Any]) -> None:
    def json_body(method: str, path: str, operation: dict[str, Any]) -> bool:
        return "application/json" in operation.get("requestBody", {}).get("content", {})

    assert missing(spec, "422", lambda m, p, operation: "requestBody" in operation) == []
    assert missing(spec, "415", json_body) == []
    assert "415" not in spec["paths"]["/adapters/validate"]["post"]["responses"]  # TOML, YAML


# A probe's "not ready" is its report (which check failed), not an error message.
REPORTS = {("GET", "/readyz", "503"): "#/components/schemas/Readiness"}


def test_every_error_has_a_documented_schema(spec: dict[str, Any]) -> None:
    undocumented = [
        f"{method} {path} {code}"
        for method, path, operation in operations(spec)
        for code, response in operation["responses"].items()
        if code >= "400"
        and response["content"]["application/json"]["schema"].get("$ref")
        not in {*ERROR_SCHEMAS, REPORTS.get((method, path, code))}
    ]
    assert undocumented == []
    schemas = spec["components"]["schemas"]
    assert schemas["ErrorMessage"]["properties"]["detail"]["type"] == "string"
    problem = schemas["FieldProblem"]["properties"]
    assert {"loc", "msg", "type", "code"} <= set(problem)
    assert "HTTPValidationError" not in schemas  # FastAPI's, which says it echoes input


def test_every_post_a_person_makes_takes_an_idempotency_key(spec: dict[str, Any]) -> None:
    keyed = [
        (method, path, operation)
        for method, path, operation in operations(spec)
        if method == "POST"
        and not path.startswith(MACHINE_OR_CODEC)
        and (not path.startswith(YOUNG_PERSON) or (method, path) in KEYED_CHAT)
    ]
    assert len(keyed) > 15
    for method, path, operation in keyed:
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, f"{method} {path}"
        assert "idempotency_key_reused" in operation["responses"]["422"]["description"]
    assert KEYED_CHAT <= {(method, path) for method, path, _ in keyed}
    for method, path, operation in operations(spec):
        chat = path.startswith(YOUNG_PERSON) and (method, path) not in KEYED_CHAT
        if path.startswith(MACHINE_OR_CODEC) or method == "GET" or chat:
            params = operation.get("parameters", [])
            assert "Idempotency-Key" not in {p["name"] for p in params}, f"{method} {path}"


def test_what_only_a_router_knows_is_declared_too(spec: dict[str, Any]) -> None:
    items = spec["paths"]["/cases/{case_id}/items"]["post"]["responses"]
    assert {"409", "503"} <= set(items)
    webhook = spec["paths"]["/webhooks/platforms/{slug}"]["post"]["responses"]
    assert {"401", "404", "409", "415", "422"} <= set(webhook)


def test_the_codec_declares_its_body_and_the_sign_in_its_form(spec: dict[str, Any]) -> None:
    """Found by schemathesis: no body declared, so ``null`` and deep arrays were never
    tried by anyone and answered 500; the sign-in form, its 401 and 422 undeclared."""
    for path in ("/codec/decode", "/codec/encode"):
        operation = spec["paths"][path]["post"]
        body = operation["requestBody"]
        assert body["required"] is True
        schema = body["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/CodecPayloads"}
        assert {"401", "403", "415", "422"} <= set(operation["responses"])
    payloads = spec["components"]["schemas"]["CodecPayloads"]
    assert payloads["required"] == ["payloads"]
    assert payloads["properties"]["payloads"]["maxItems"] == 2000
    login = spec["paths"]["/codec/login"]["post"]
    form = login["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["required"] == ["token"]
    assert {"200", "401", "422"} <= set(login["responses"])


def test_signed_routes_declare_their_signature_headers_required(spec: dict[str, Any]) -> None:
    signed = [
        (m, p, op)
        for m, p, op in operations(spec)
        if p.startswith(("/webhooks/", "/inbound/")) and not p.startswith("/inbound/channels/")
    ]
    assert len(signed) == 3
    # The messaging channels' webhooks are signed the platform's way (Meta: X-Hub-Signature-256).
    channel = spec["paths"]["/inbound/channels/{slug}"]["post"]
    meta = {p["name"]: p for p in channel["parameters"] if p["in"] == "header"}
    assert meta["X-Hub-Signature-256"]["required"] is True
    for method, path, operation in signed:
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        for name in ("X-Relais-Timestamp", "X-Relais-Signature"):
            assert headers[name]["required"] is True, f"{method} {path} {name}"
            assert headers[name]["schema"]["type"] == "string"


def test_the_idempotency_key_is_one_type_everywhere(spec: dict[str, Any]) -> None:
    """It was "string or null" on some routes: a header is a string or absent."""
    schemas = [
        parameter["schema"]
        for _, _, operation in operations(spec)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    ]
    assert len(schemas) > 15
    assert all(s == {"type": "string", "minLength": 1, "maxLength": 200} for s in schemas)


def test_no_parameter_is_declared_nullable(spec: dict[str, Any]) -> None:
    nullable = [
        f"{method} {path} {parameter['in']} {parameter['name']}"
        for method, path, operation in operations(spec)
        for parameter in operation.get("parameters", [])
        if {"type": "null"} in parameter["schema"].get("anyOf", [])
    ]
    assert nullable == []


def test_routes_on_a_case_declare_what_the_case_can_answer(spec: dict[str, Any]) -> None:
    """Any route on a case may find Temporal late (503: the case is looked up there);
    an update may find the case's workflow over (409); its contact details purged
    (410)."""
    on_a_case = [(m, p, op) for m, p, op in operations(spec) if "{case_id}" in p]
    assert missing(spec, "503", lambda m, path, op: "{case_id}" in path) == []
    updates = [
        f"{method} {path}"
        for method, path, operation in on_a_case
        # shares, evidence and upload links (kept outside the workflow: a closed case
        # takes them too)
        if method != "GET"
        and not path.endswith(("/shares", "/evidence", "/upload-links"))
        and "409" not in operation["responses"]
    ]
    assert updates == []
    assert "410" in spec["paths"]["/cases/{case_id}/contact"]["get"]["responses"]
