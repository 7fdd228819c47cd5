"""The UI's codec endpoint: decoded for those who may read the case, placeholders for
the others, 401 without credentials, CORS for the UI origin only, a session cookie
for UIs that cannot send a token, and an audit entry per case decoded."""

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from temporalio.api.common.v1 import Payload
from temporalio.converter import WorkflowSerializationContext

from api.codec_sessions import COOKIE, CodecSessions
from relais.clock import utc_now
from relais.converter import key_store_of
from relais.crypto.codec import ENCODING, CaseCodec
from relais.crypto.codec_server import PURGED, REDACTED
from relais.db import AuditLog
from relais.db.repositories.access import AccessReason, CaseAccessBook
from relais.settings import Role
from relais.tokens import Identity
from tests.privacy.conftest import PERSONAL, SECOND, PrivacyApi, bearer

UI = "http://127.0.0.1:8233"


def wire(payload: Payload) -> dict[str, Any]:
    """A payload as the UI sends it (protobuf JSON: base64 bytes)."""
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


def value_of(item: dict[str, Any]) -> Any:
    return json.loads(base64.b64decode(item["data"]))


async def sealed_for(harness: PrivacyApi, case_id: str, value: Any = PERSONAL) -> dict[str, Any]:
    codec = CaseCodec(key_store_of(harness.client.data_converter)).with_context(
        WorkflowSerializationContext("default", f"case-{case_id}")
    )
    plain = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(value).encode())
    [sealed] = await codec.encode([plain])
    assert sealed.metadata["encoding"] == ENCODING
    return wire(sealed)


async def decode(harness: PrivacyApi, items: list[dict[str, Any]], **headers: str) -> Any:
    response = await harness.http.post(
        "/codec/decode",
        json={"payloads": items},
        headers={"X-Namespace": "default", **headers},
    )
    return response


@pytest.fixture
async def case_of_counsellor(privacy_api: PrivacyApi) -> str:
    case_id = f"codec{utc_now().timestamp():.6f}".replace(".", "")
    await CaseAccessBook(privacy_api.database).grant(
        case_id, "test-counsellor", AccessReason.OWNER, "test-counsellor", utc_now()
    )
    return case_id


async def test_supervisor_sees_it_decoded(privacy_api: PrivacyApi, case_of_counsellor: str) -> None:
    item = await sealed_for(privacy_api, case_of_counsellor)
    response = await decode(privacy_api, [item], **bearer("supervisor"))
    assert response.status_code == 200
    [decoded] = response.json()["payloads"]
    assert value_of(decoded) == PERSONAL


@pytest.mark.parametrize("role", ["auditor", "integrator", "other-counsellor"])
async def test_others_see_it_redacted(
    privacy_api: PrivacyApi, case_of_counsellor: str, role: str
) -> None:
    item = await sealed_for(privacy_api, case_of_counsellor)
    response = await decode(privacy_api, [item], **bearer(role))
    assert response.status_code == 200
    [redacted] = response.json()["payloads"]
    assert value_of(redacted) == REDACTED
    assert PERSONAL["phone"] not in response.text


async def test_the_counsellor_of_the_case_and_one_it_was_shared_with_see_it(
    privacy_api: PrivacyApi, case_of_counsellor: str
) -> None:
    item = await sealed_for(privacy_api, case_of_counsellor)
    mine = await decode(privacy_api, [item], **bearer("counsellor"))
    assert value_of(mine.json()["payloads"][0]) == PERSONAL

    shared = await privacy_api.http.post(
        f"/cases/{case_of_counsellor}/shares",
        json={"counsellor": SECOND},
        headers=bearer("counsellor"),
    )
    assert shared.status_code == 201, shared.text
    theirs = await decode(privacy_api, [item], **bearer("other-counsellor"))
    assert value_of(theirs.json()["payloads"][0]) == PERSONAL


async def test_plain_payloads_pass_and_purged_cases_say_so(
    privacy_api: PrivacyApi, case_of_counsellor: str
) -> None:
    item = await sealed_for(privacy_api, case_of_counsellor)
    plain = {
        "metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
        "data": base64.b64encode(b'"recorded before encryption"').decode(),
    }
    await key_store_of(privacy_api.client.data_converter).destroy_case_key(case_of_counsellor)

    response = await decode(privacy_api, [item, plain], **bearer("supervisor"))

    purged, passed = response.json()["payloads"]
    assert value_of(purged) == PURGED
    assert value_of(passed) == "recorded before encryption"


@pytest.mark.parametrize("path", ["/codec/decode", "/codec/encode"])
async def test_no_or_bad_credentials_is_401(privacy_api: PrivacyApi, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Cookie": "relais_codec_session=x.y"}):
        response = await privacy_api.http.post(path, json={"payloads": []}, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_bad_requests_name_the_field(privacy_api: PrivacyApi) -> None:
    wrong_ns = await privacy_api.http.post(
        "/codec/decode",
        json={"payloads": []},
        headers={**bearer("supervisor"), "X-Namespace": "elsewhere"},
    )
    assert wrong_ns.status_code == 422
    [problem] = wrong_ns.json()["detail"]
    assert problem["loc"] == ["header", "X-Namespace"]
    assert problem["code"] == "namespace_not_served"
    garbage = await privacy_api.http.post(
        "/codec/decode", json={"payloads": "nope"}, headers=bearer("supervisor")
    )
    assert garbage.status_code == 422
    [problem] = garbage.json()["detail"]
    assert problem["loc"] == ["body", "payloads"] and problem["type"] == "list_type"


NOT_PAYLOADS = {
    "null": (b"null", ["body"]),
    "an array": (b"[]", ["body"]),
    "deep arrays": (b"[" * 100_000 + b"]" * 100_000, ["body"]),
    "deep arrays inside": (
        b'{"payloads": [{"data": "", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]}",
        ["body"],
    ),
    "no payloads": (b"{}", ["body", "payloads"]),
    "a payload that is not an object": (b'{"payloads": [null]}', ["body", "payloads", 0]),
    "data not base64": (
        b'{"payloads": [{"data": "not base64!"}]}',
        ["body", "payloads", 0, "data"],
    ),
    "data not decodable": (b'{"payloads": [{"data": "abcde"}]}', ["body", "payloads", 0]),
    "metadata not base64": (
        b'{"payloads": [{"metadata": {"encoding": "?"}}]}',
        ["body", "payloads", 0, "metadata", "encoding"],
    ),
    "too many": (
        json.dumps({"payloads": [{"data": ""}] * 2001}).encode(),
        ["body", "payloads"],
    ),
}


@pytest.mark.parametrize("path", ["/codec/decode", "/codec/encode"])
@pytest.mark.parametrize(("raw", "loc"), NOT_PAYLOADS.values(), ids=NOT_PAYLOADS.keys())
async def test_a_body_that_is_not_payloads_is_422_naming_where(
    privacy_api: PrivacyApi, path: str, raw: bytes, loc: list[str | int]
) -> None:
    """Found by schemathesis: ``null`` and deeply nested arrays were a 500."""
    response = await privacy_api.http.post(
        path,
        content=raw,
        headers={**bearer("supervisor"), "Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
    assert loc in [problem["loc"] for problem in response.json()["detail"]], response.text


async def test_encode_is_for_supervisors(privacy_api: PrivacyApi) -> None:
    body = {
        "payloads": [
            {
                "metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                "data": base64.b64encode(b'"typed in the UI"').decode(),
            }
        ]
    }
    denied = await privacy_api.http.post("/codec/encode", json=body, headers=bearer("counsellor"))
    assert denied.status_code == 403
    sealed = await privacy_api.http.post("/codec/encode", json=body, headers=bearer("supervisor"))
    assert sealed.status_code == 200
    [item] = sealed.json()["payloads"]
    assert base64.b64decode(item["metadata"]["encoding"]) == ENCODING
    back = await decode(privacy_api, [item], **bearer("supervisor"))
    assert value_of(back.json()["payloads"][0]) == "typed in the UI"


async def test_cors_lets_the_ui_origin_in_with_credentials(privacy_api: PrivacyApi) -> None:
    preflight = {
        "Origin": UI,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace,authorization",
    }
    ok = await privacy_api.http.options("/codec/decode", headers=preflight)
    assert ok.status_code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == UI
    assert ok.headers["Access-Control-Allow-Credentials"] == "true"
    stranger = await privacy_api.http.options(
        "/codec/decode", headers={**preflight, "Origin": "http://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in stranger.headers
    other_route = await privacy_api.http.get("/healthz", headers={"Origin": UI})
    assert "Access-Control-Allow-Origin" not in other_route.headers


async def test_session_cookie_from_the_login_form(
    privacy_api: PrivacyApi, case_of_counsellor: str
) -> None:
    form = await privacy_api.http.get("/codec/login")
    assert form.status_code == 200 and "<form" in form.text
    bad = await privacy_api.http.post("/codec/login", data={"token": "wrong"})
    assert bad.status_code == 401
    signed_in = await privacy_api.http.post("/codec/login", data={"token": "t-supervisor"})
    assert signed_in.status_code == 200
    assert "Signed in as test-supervisor (supervisor)" in signed_in.text
    cookie = signed_in.cookies[COOKIE]
    flags = {part.strip().lower() for part in signed_in.headers["set-cookie"].split(";")[1:]}
    minutes = privacy_api.settings.codec_session_minutes
    assert {"httponly", "path=/codec", "samesite=lax", f"max-age={minutes * 60}"} <= flags
    assert "secure" not in flags  # plain http here; set on https
    privacy_api.http.cookies.clear()

    item = await sealed_for(privacy_api, case_of_counsellor)
    response = await decode(privacy_api, [item], Cookie=f"{COOKIE}={cookie}")
    assert value_of(response.json()["payloads"][0]) == PERSONAL

    signed_out = await privacy_api.http.post("/codec/logout")
    assert signed_out.status_code == 204
    assert f'{COOKIE}=""' in signed_out.headers["set-cookie"]
    assert "path=/codec" in signed_out.headers["set-cookie"].lower()


def _sessions(harness: PrivacyApi) -> CodecSessions:
    settings = harness.settings
    return CodecSessions(
        settings.codec_session_secret.get_secret_value().encode(),
        timedelta(minutes=settings.codec_session_minutes),
    )


def tampered(harness: PrivacyApi) -> str:
    """A counsellor's own session with its role rewritten to supervisor."""
    mine = _sessions(harness).issue(Identity("test-counsellor", Role.COUNSELLOR), utc_now())
    header, payload, signature = mine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "supervisor"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def expired(harness: PrivacyApi) -> str:
    sessions = _sessions(harness)
    long_ago = utc_now() - sessions.lifetime - timedelta(minutes=1)
    return sessions.issue(Identity("test-supervisor", Role.SUPERVISOR), long_ago)


def other_audience(harness: PrivacyApi) -> str:
    """Signed with the session secret, but not minted as a codec session."""
    claims = {
        "sub": "test-supervisor",
        "role": "supervisor",
        "aud": "relais-api",
        "exp": utc_now() + timedelta(minutes=5),
    }
    secret = harness.settings.codec_session_secret.get_secret_value()
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.mark.parametrize("forge", [tampered, expired, other_audience])
async def test_a_forged_or_stale_session_cookie_is_401(
    privacy_api: PrivacyApi, case_of_counsellor: str, forge: Callable[[PrivacyApi], str]
) -> None:
    item = await sealed_for(privacy_api, case_of_counsellor)
    denied = await decode(privacy_api, [item], Cookie=f"{COOKIE}={forge(privacy_api)}")
    assert denied.status_code == 401
    assert denied.headers["WWW-Authenticate"] == "Bearer"
    assert PERSONAL["phone"] not in denied.text


async def test_every_decode_is_audited_per_case_without_content(
    privacy_api: PrivacyApi, case_of_counsellor: str
) -> None:
    items = [await sealed_for(privacy_api, case_of_counsellor) for _ in range(2)]
    await decode(privacy_api, items, **bearer("supervisor"))
    await decode(privacy_api, items[:1], **bearer("auditor"))

    entries = await AuditLog(privacy_api.database).list(case_id=case_of_counsellor)
    decodes = [(e.actor, e.role, e.action, e.detail) for e in entries if e.action == "codec.decode"]
    assert decodes == [
        ("test-supervisor", "supervisor", "codec.decode", "shown=2"),
        ("test-auditor", "auditor", "codec.decode", "redacted=1"),
    ]
    for entry in entries:
        for value in PERSONAL.values():
            assert value not in (entry.detail or "")
