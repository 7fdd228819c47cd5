"""Sign-in through the helpline's identity provider: OpenID Connect, authorization code
flow with PKCE (RFC 7636, S256).

Authlib builds the authorization request and checks the provider's answer (state);
the ID token is verified with PyJWT against the provider's published keys: signature,
issuer, audience (our client id), expiry and the nonce we sent. The role is read from
the same claim as the API's bearer tokens (``RELAIS_JWT_ROLE_CLAIM``), so a person
has the same rights in the console and through the API.

What the flow needs between the two legs (state, nonce, code verifier) travels in a
short-lived signed cookie, never in a URL we write or a server-side store.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.parameters import (
    parse_authorization_code_response,
    prepare_grant_uri,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from relais.settings import Settings
from relais.signed_tokens import decode_at
from relais.tokens import Identity, TokenRejected, role_from_claims

PENDING_COOKIE = "relais_console_oidc"
PENDING_AUDIENCE = "relais-console-oidc-pending"
PENDING_LIFETIME = timedelta(minutes=10)
TIMEOUT = 10.0
LEEWAY = timedelta(seconds=30)


class SignInFailed(Exception):
    """The provider's answer cannot sign anyone in; the reason is for the log, not
    the page (it never quotes a token)."""


@dataclass(frozen=True)
class Pending:
    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class OidcSignIn:
    """One configured provider; its discovery document is read once, when first used."""

    def __init__(self, settings: Settings, redirect_uri: str) -> None:
        if not (settings.console_oidc_issuer and settings.console_oidc_client_id):
            raise ValueError("console_oidc_issuer and console_oidc_client_id are both needed")
        self._issuer = settings.console_oidc_issuer.rstrip("/")
        self._client_id = settings.console_oidc_client_id
        secret = settings.console_oidc_client_secret
        self._client_secret = secret.get_secret_value() if secret else None
        self._scopes = settings.console_oidc_scopes
        self._role_claim = settings.jwt_role_claim
        self._pending_key = settings.console_session_secret.get_secret_value().encode()
        self.redirect_uri = redirect_uri
        self._provider: Provider | None = None

    async def provider(self) -> Provider:
        if self._provider is None:
            document = await _get_json(f"{self._issuer}/.well-known/openid-configuration")
            if document.get("issuer", "").rstrip("/") != self._issuer:
                raise SignInFailed("the discovery document names another issuer")
            self._provider = Provider(
                issuer=document["issuer"],
                authorization_endpoint=document["authorization_endpoint"],
                token_endpoint=document["token_endpoint"],
                jwks_uri=document["jwks_uri"],
            )
        return self._provider

    async def start(self, now: datetime) -> tuple[str, str]:
        """Where to send the browser, and the pending cookie to set on the way."""
        provider = await self.provider()
        pending = Pending(
            state=generate_token(32), nonce=generate_token(32), verifier=generate_token(64)
        )
        url = prepare_grant_uri(
            provider.authorization_endpoint,
            client_id=self._client_id,
            response_type="code",
            redirect_uri=self.redirect_uri,
            scope=self._scopes,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.verifier),
            code_challenge_method="S256",
        )
        return url, self._seal(pending, now)

    async def finish(
        self, callback_url: str, pending_cookie: str | None, now: datetime
    ) -> Identity:
        """The person the provider signed in, from its answer at our callback URL."""
        pending = self._unseal(pending_cookie, now)
        try:
            answer = parse_authorization_code_response(callback_url, state=pending.state)
        except OAuth2Error as err:
            raise SignInFailed(f"the provider's answer is refused: {err.error}") from None
        provider = await self.provider()
        id_token = await self._exchange(provider, str(answer["code"]), pending.verifier)
        claims = await self._verify(provider, id_token, pending.nonce, now)
        try:
            role = role_from_claims(claims, self._role_claim)
        except TokenRejected as rejected:
            raise SignInFailed(rejected.reason) from None
        return Identity(subject=str(claims["sub"]), role=role)

    async def _exchange(self, provider: Provider, code: str, verifier: str) -> str:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
            "client_id": self._client_id,
        }
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            if self._client_secret:  # a confidential client: client_secret_basic
                auth = httpx.BasicAuth(self._client_id, self._client_secret)
                response = await http.post(provider.token_endpoint, data=form, auth=auth)
            else:  # a public client: PKCE alone
                response = await http.post(provider.token_endpoint, data=form)
        if response.status_code != 200:
            raise SignInFailed(f"the token endpoint answered {response.status_code}")
        token = response.json().get("id_token")
        if not isinstance(token, str):
            raise SignInFailed("the token endpoint gave no ID token")
        return token

    async def _verify(
        self, provider: Provider, id_token: str, nonce: str, now: datetime
    ) -> dict[str, Any]:
        keys = jwt.PyJWKSet.from_dict(await _get_json(provider.jwks_uri))
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            [key] = [k for k in keys.keys if kid is None or k.key_id == kid][:1]
            claims = decode_at(
                id_token,
                key.key,
                now,
                algorithms=["RS256", "ES256", "EdDSA"],
                audience=self._client_id,
                issuer=provider.issuer,
                leeway=LEEWAY,
                require=["exp", "iat", "sub", "aud", "iss", "nonce"],
            )
        except (jwt.PyJWTError, ValueError) as err:
            raise SignInFailed(f"the ID token is refused: {type(err).__name__}") from None
        if claims.get("nonce") != nonce:
            raise SignInFailed("the ID token answers another sign-in (nonce)")
        return claims

    def _seal(self, pending: Pending, now: datetime) -> str:
        claims = {
            "state": pending.state,
            "nonce": pending.nonce,
            "verifier": pending.verifier,
            "aud": PENDING_AUDIENCE,
            "exp": now + PENDING_LIFETIME,
        }
        return jwt.encode(claims, self._pending_key, algorithm="HS256")

    def _unseal(self, cookie: str | None, now: datetime) -> Pending:
        if not cookie:
            raise SignInFailed("no sign-in under way in this browser")
        try:
            claims = decode_at(
                cookie,
                self._pending_key,
                now,
                algorithms=["HS256"],
                audience=PENDING_AUDIENCE,
                require=["exp"],
            )
            return Pending(
                state=claims["state"], nonce=claims["nonce"], verifier=claims["verifier"]
            )
        except (jwt.PyJWTError, KeyError):
            raise SignInFailed("the sign-in under way expired or was tampered with") from None


async def _get_json(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        response = await http.get(url)
    if response.status_code != 200:
        raise SignInFailed(f"{url} answered {response.status_code}")
    data: dict[str, Any] = response.json()
    return data
