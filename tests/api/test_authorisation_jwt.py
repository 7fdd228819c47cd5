"""JWT bearer tokens: verified against static keys or the identity provider's JWKS
(served here over loopback HTTP), with expiry, issuer, audience, algorithm and role
checks; static local tokens keep working beside them."""

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from api.app import create_app
from relais.clock import utc_now
from relais.db import Database
from relais.serving import serve_app
from relais.settings import Role, Settings
from relais.tokens import TokenRejected, TokenVerifier
from tests.api.conftest import ApiHarness

ISSUER = "https://idp.helpline.test/realms/relais"
AUDIENCE = "relais-api"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def token(key: Any, kid: str, alg: str = "RS256", **claims: Any) -> str:
    body = {
        "sub": "counsellor-42",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time()) + 300,
        "realm_access": {"roles": ["offline_access", "counsellor"]},
        **claims,
    }
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})


def settings(**overrides: Any) -> Settings:
    return Settings(
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_role_claim="realm_access.roles",
        **overrides,
    )


KEY = rsa_key()


async def test_a_valid_token_names_the_subject_and_role() -> None:
    verifier = TokenVerifier(settings(jwt_keys={"k1": pem(KEY)}))
    identity = await verifier.verify(token(KEY, "k1"), utc_now())
    assert (identity.subject, identity.role) == ("counsellor-42", Role.COUNSELLOR)


@pytest.mark.parametrize(
    ("make", "reason", "status"),
    [
        (lambda: token(KEY, "k1", exp=int(time.time()) - 600), "expired", 401),
        (lambda: token(KEY, "k1", aud="someone-else"), "InvalidAudienceError", 401),
        (lambda: token(KEY, "k1", iss="https://evil.test"), "InvalidIssuerError", 401),
        (lambda: token(rsa_key(), "k1"), "InvalidSignatureError", 401),
        (lambda: token(KEY, "unknown"), "unknown signing key", 401),
        (lambda: token(b"a-shared-secret-of-32-bytes-long!", "k1", alg="HS256"), "HS256", 401),
        (lambda: token(KEY, "k1", realm_access={"roles": ["offline_access"]}), "no Relais", 403),
        (
            lambda: token(KEY, "k1", realm_access={"roles": ["counsellor", "supervisor"]}),
            "several Relais",
            403,
        ),
        (lambda: "not.a.jwt", "malformed", 401),
    ],
)
async def test_bad_tokens_are_refused_with_a_reason(make: Any, reason: str, status: int) -> None:
    verifier = TokenVerifier(settings(jwt_keys={"k1": pem(KEY)}))
    with pytest.raises(TokenRejected) as refused:
        await verifier.verify(make(), utc_now())
    assert reason in refused.value.reason
    assert refused.value.status == status


@pytest.fixture
async def idp() -> AsyncIterator[dict[str, Any]]:
    """An identity provider's JWKS endpoint on loopback; tests swap its keys."""
    state: dict[str, Any] = {"keys": [], "fetches": 0}
    app = FastAPI()

    @app.get("/certs")
    async def certs() -> dict[str, Any]:
        state["fetches"] += 1
        return {"keys": state["keys"]}

    async with serve_app(app) as base_url:
        state["url"] = f"{base_url}/certs"
        yield state


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


async def test_keys_come_from_the_jwks_and_follow_its_rotation(idp: dict[str, Any]) -> None:
    old, new = rsa_key(), rsa_key()
    idp["keys"] = [jwk(old, "2025")]
    verifier = TokenVerifier(settings(jwt_jwks_url=idp["url"]))
    verifier._jwks._min_refresh = 0  # type: ignore[union-attr]  # no pause between fetches

    assert (await verifier.verify(token(old, "2025"), utc_now())).subject == "counsellor-42"
    idp["keys"] = [jwk(old, "2025"), jwk(new, "2026")]  # the provider rotates
    assert (await verifier.verify(token(new, "2026"), utc_now())).role is Role.COUNSELLOR
    assert idp["fetches"] == 2


async def test_the_api_takes_jwts_and_local_tokens_side_by_side(
    api_harness: ApiHarness, idp: dict[str, Any]
) -> None:
    supervisor_key = rsa_key()
    idp["keys"] = [jwk(supervisor_key, "s1")]
    app_settings = api_harness.settings.model_copy(
        update={
            "jwt_jwks_url": idp["url"],
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "jwt_role_claim": "realm_access.roles",
        }
    )
    database = Database(api_harness.settings.database_url)
    app = create_app(
        app_settings,
        temporal_client=api_harness.client,
        database=database,
        registry=api_harness.registry,
    )
    supervisor = token(supervisor_key, "s1", sub="sup-7", realm_access={"roles": ["supervisor"]})
    try:
        async with serve_app(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            by_jwt = await http.get("/audit", headers={"Authorization": f"Bearer {supervisor}"})
            assert by_jwt.status_code == 200, by_jwt.text
            local = await http.get("/audit", headers={"Authorization": "Bearer test-auditor-token"})
            assert local.status_code == 200
            expired = token(supervisor_key, "s1", exp=int(time.time()) - 600)
            refused = await http.get("/audit", headers={"Authorization": f"Bearer {expired}"})
            assert refused.status_code == 401
            assert refused.json()["detail"] == "invalid bearer token: expired"
            entries = await http.get(
                "/audit",
                params={"actor": "sup-7"},
                headers={"Authorization": f"Bearer {supervisor}"},
            )
            assert entries.json()[0]["role"] == "supervisor"  # audited under the JWT's subject
    finally:
        await database.dispose()
