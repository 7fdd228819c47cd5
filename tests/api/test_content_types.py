"""A JSON body sent as something else is a 415 naming ``Content-Type`` on every
route that takes a JSON body (read from the API's own OpenAPI description, so a
route added later is checked too); forms and other documented types are left alone.
A body that is no JSON a parser can read (not UTF-8, nested past any parser's depth)
is a 422 naming ``body`` on every one of them, never an undeclared 400."""

import json
import re
import time
import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from api.app import create_app
from api.webhook_signatures import sign
from relais.settings import Role, Settings
from tests.api.conftest import WEBHOOK_SECRET, ApiHarness, intake, open_case
from tests.support.client import harness_auth


def json_routes() -> list[tuple[str, str]]:
    paths: dict[str, Any] = create_app(Settings()).openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    )


JSON_ROUTES = json_routes()


def caller_of(path: str) -> dict[str, str]:
    """Someone the route lets in (signed routes refuse bearer tokens later on)."""
    if path.startswith("/adapters"):
        return harness_auth(Role.INTEGRATOR)
    if path.endswith(("/close", "/reopen", "/manual-handoff", "/shares")):
        return harness_auth(Role.SUPERVISOR)
    return harness_auth(Role.COUNSELLOR)


def signed_by_a_machine(path: str) -> bool:
    return path.startswith(("/webhooks/", "/inbound/"))


def headers_for(path: str, raw: bytes) -> dict[str, str]:
    """A caller the route lets in, for a JSON body ``raw`` (signed on signed routes,
    so the body is read)."""
    if not signed_by_a_machine(path):
        return {**caller_of(path), "Content-Type": "application/json"}
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Relais-Timestamp": timestamp,
        "X-Relais-Signature": sign(WEBHOOK_SECRET.encode(), timestamp, raw),
    }


def concrete(path: str, case_id: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "x-1", path.replace("{case_id}", case_id))


@pytest.fixture(scope="module")
async def own_case(api_harness: ApiHarness) -> str:
    return await open_case(api_harness.api)


def test_the_json_routes_are_found() -> None:
    assert {("POST", "/cases"), ("POST", "/webhooks/platforms/{slug}")} <= set(JSON_ROUTES)
    assert ("POST", "/adapters/validate") not in JSON_ROUTES  # TOML or YAML
    assert ("POST", "/codec/login") not in JSON_ROUTES  # a form
    assert ("POST", "/codec/decode") in JSON_ROUTES  # Temporal's payloads, in JSON


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES, ids=[f"{m} {p}" for m, p in JSON_ROUTES])
async def test_a_json_body_sent_as_text_is_415_naming_the_header(
    api: AsyncClient, own_case: str, method: str, path: str
) -> None:
    response = await api.request(
        method,
        concrete(path, own_case),
        content=b'{"reason": "done"}',
        headers={**caller_of(path), "Content-Type": "text/plain"},
    )

    assert response.status_code == 415, response.text
    assert response.json() == {
        "detail": [
            {
                "loc": ["header", "Content-Type"],
                "msg": "Content-Type: this route takes a JSON body: send application/json "
                "(got text/plain)",
                "type": "unsupported_media_type",
                "code": "unsupported_media_type",
            }
        ]
    }


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES, ids=[f"{m} {p}" for m, p in JSON_ROUTES])
async def test_a_body_that_is_not_utf8_is_422_naming_the_body(
    api: AsyncClient, own_case: str, method: str, path: str
) -> None:
    """Found by schemathesis: FastAPI's own ``400 "There was an error parsing the
    body"``, a status no route declared and not the problem list of every refusal."""
    raw = b'{"reason": "d\xe9j\xe0 vu"}'  # Latin-1, not UTF-8
    response = await api.request(
        method, concrete(path, own_case), content=raw, headers=headers_for(path, raw)
    )

    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "body: not valid UTF-8; send JSON encoded in UTF-8",
                "type": "json_invalid",
                "code": "invalid_utf8",
            }
        ]
    }


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES, ids=[f"{m} {p}" for m, p in JSON_ROUTES])
async def test_json_nested_past_any_parser_is_422_naming_the_body(
    api: AsyncClient, own_case: str, method: str, path: str
) -> None:
    """Found by schemathesis: deeply nested arrays were a 400 (a 500 on the codec)."""
    raw = b"[" * 100_000 + b"]" * 100_000
    response = await api.request(
        method, concrete(path, own_case), content=raw, headers=headers_for(path, raw)
    )

    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert (problem["loc"], problem["type"]) == (["body"], "json_invalid"), problem


async def test_a_route_without_a_body_reads_any_body_sent_with_a_key(
    api: AsyncClient, own_case: str
) -> None:
    """The key's fingerprint reads the body as JSON if it can: one too deep for the
    parser is compared as bytes (it was a 500)."""
    response = await api.post(
        "/tasks/no-such-task/claim",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={**harness_auth(Role.COUNSELLOR), "Idempotency-Key": uuid.uuid4().hex},
    )

    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    ("content_type", "got"),
    [
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        ("application/xml; charset=utf-8", "application/xml"),
        (None, "no Content-Type"),
    ],
)
async def test_other_types_are_named_too(
    api: AsyncClient, content_type: str | None, got: str
) -> None:
    headers = harness_auth(Role.COUNSELLOR)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = await api.post("/cases", content=b'{"channel": "phone"}', headers=headers)

    assert response.status_code == 415, response.text
    assert response.json()["detail"][0]["msg"].endswith(f"(got {got})")


async def test_json_with_a_charset_or_a_json_suffix_is_json(api: AsyncClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.relais+json"):
        response = await api.post(
            "/cases",
            content=json.dumps(intake()).encode(),
            headers={**harness_auth(Role.COUNSELLOR), "Content-Type": content_type},
        )
        assert response.status_code == 201, (content_type, response.text)


async def test_a_refused_content_type_leaves_the_idempotency_key_free(api: AsyncClient) -> None:
    headers = {**harness_auth(Role.COUNSELLOR), "Idempotency-Key": uuid.uuid4().hex}
    raw = json.dumps(intake()).encode()
    as_text = await api.post(
        "/cases", content=raw, headers={**headers, "Content-Type": "text/plain"}
    )
    as_json = await api.post("/cases", json=intake(), headers=headers)

    assert as_text.status_code == 415
    assert as_json.status_code == 201, as_json.text


async def test_forms_and_other_documented_types_are_left_alone(api: AsyncClient) -> None:
    sign_in = await api.post("/codec/login", data={"token": "not-a-token"})
    config = await api.post(
        "/adapters/validate",
        content=b"# no adapter of our own\n",
        headers={**harness_auth(Role.INTEGRATOR), "Content-Type": "text/plain"},
    )

    assert sign_in.status_code == 401, sign_in.text  # the form was read: the token is wrong
    assert config.status_code == 200, config.text
