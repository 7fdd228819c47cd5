"""A small OpenID Connect provider for the console's sign-in tests, served over real
HTTP: discovery, an authorization endpoint that signs in the person the test chose,
a token endpoint that checks the PKCE verifier against the challenge (S256) and
answers an RS256 ID token, and its JWKS. Codes are single-use."""

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

KID = "test-key-1"


@dataclass
class Person:
    subject: str
    claims: dict[str, Any]


@dataclass
class Provider:
    """``signs_in``: who the next authorization signs in (the test sets it)."""

    client_id: str
    issuer: str = ""
    signs_in: Person | None = None
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorization_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def id_token(self, person: Person, nonce: str, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": person.subject,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **person.claims,
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def provider_app(provider: Provider) -> FastAPI:
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        base = provider.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        return provider.jwks()

    @app.get("/authorize")
    async def authorize(request: Request) -> RedirectResponse:
        asked = dict(request.query_params)
        provider.authorization_requests.append(asked)
        if asked.get("client_id") != provider.client_id or asked.get("response_type") != "code":
            raise HTTPException(400, "unknown client or response type")
        if asked.get("code_challenge_method") != "S256" or not asked.get("code_challenge"):
            raise HTTPException(400, "PKCE (S256) is required")
        if provider.signs_in is None:
            raise HTTPException(403, "nobody signs in")
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {**asked, "person": provider.signs_in}
        answer = urlencode({"code": code, "state": asked.get("state", "")})
        return RedirectResponse(f"{asked['redirect_uri']}?{answer}", status_code=302)

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        grant_type, code = form.get("grant_type", ""), form.get("code", "")
        redirect_uri, client_id = form.get("redirect_uri", ""), form.get("client_id", "")
        code_verifier = form.get("code_verifier", "")
        provider.token_requests.append({"code": code, "code_verifier": code_verifier})
        asked = provider.codes.pop(code, None)  # single use
        if grant_type != "authorization_code" or asked is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if client_id != provider.client_id or redirect_uri != asked["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if s256(code_verifier) != asked["code_challenge"]:
            return JSONResponse({"error": "invalid_grant", "why": "PKCE"}, status_code=400)
        id_token = provider.id_token(asked["person"], asked["nonce"])
        return JSONResponse(
            {"access_token": "opaque", "token_type": "Bearer", "id_token": id_token}
        )

    return app
