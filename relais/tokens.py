"""Who a bearer token belongs to: a static token from ``RELAIS_API_TOKENS`` (the local
run, machine callers) or a JWT from the identity provider, verified against its
JWKS (``RELAIS_JWT_JWKS_URL``) or static public keys (``RELAIS_JWT_KEYS``).

A JWT must be signed with an allowed asymmetric algorithm, unexpired, carry ``sub``,
match the configured issuer and audience, and name exactly one Relais role in the
role claim (``RELAIS_JWT_ROLE_CLAIM``, a dotted path such as ``realm_access.roles``;
a string or a list). Reasons given back never quote the token's content.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from relais.settings import Role, Settings, TokenGrant
from relais.signed_tokens import decode_at
from relais.tokens_jwks import JwksCache

LEEWAY = timedelta(seconds=30)


class TokenRejected(Exception):
    """``status`` 401: not a valid credential; 403: valid, but no usable role."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Identity:
    subject: str
    role: Role


def _find_grant(tokens: dict[str, TokenGrant], presented: str) -> TokenGrant | None:
    """Compare against every token in constant time, so timing reveals nothing."""
    found: TokenGrant | None = None
    for token, grant in tokens.items():
        if hmac.compare_digest(token.encode(), presented.encode()):
            found = grant
    return found


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def role_from_claims(claims: dict[str, Any], claim: str) -> Role:
    value = _claim(claims, claim)
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    roles = {Role(name) for name in names if name in Role.__members__.values()}
    if len(roles) != 1:
        found = "no" if not roles else "several"
        raise TokenRejected(f"the token carries {found} Relais role in '{claim}'", status=403)
    return roles.pop()


def _public_key(kid: str, pem: str) -> Any:
    try:
        return serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise ValueError(f"jwt_keys: '{kid}' is not a PEM public key") from None


class TokenVerifier:
    def __init__(self, settings: Settings, jwks: JwksCache | None = None) -> None:
        self._settings = settings
        self._static = settings.api_tokens
        self._jwks = jwks or (JwksCache(settings.jwt_jwks_url) if settings.jwt_jwks_url else None)
        self._keys = {kid: _public_key(kid, pem) for kid, pem in settings.jwt_keys.items()}

    @property
    def accepts_jwt(self) -> bool:
        return self._jwks is not None or bool(self._keys)

    async def verify(self, token: str, now: datetime) -> Identity:
        """Who ``token`` names, its expiry judged at ``now``."""
        grant = _find_grant(self._static, token)
        if grant is not None:
            return Identity(grant.subject, grant.role)
        if not self.accepts_jwt or token.count(".") != 2:
            raise TokenRejected("missing or unknown bearer token")
        return await self._verify_jwt(token, now)

    async def _verify_jwt(self, token: str, now: datetime) -> Identity:
        settings = self._settings
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRejected("invalid bearer token: malformed") from None
        algorithm = header.get("alg")
        if algorithm not in settings.jwt_algorithms:
            raise TokenRejected(f"invalid bearer token: algorithm {algorithm!r} not allowed")
        key = await self._key(header.get("kid"))
        try:
            claims = decode_at(
                token,
                key,
                now,
                algorithms=settings.jwt_algorithms,
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                leeway=LEEWAY,
                require=["exp", "sub"],
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("invalid bearer token: expired") from None
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"invalid bearer token: {type(exc).__name__}") from None
        return Identity(str(claims["sub"]), role_from_claims(claims, settings.jwt_role_claim))

    async def _key(self, kid: object) -> Any:
        if isinstance(kid, str) and kid in self._keys:
            return self._keys[kid]
        if kid is None and len(self._keys) == 1 and self._jwks is None:
            return next(iter(self._keys.values()))
        if self._jwks is not None and isinstance(kid, str):
            key = await self._jwks.key(kid)
            if key is not None:
                return key
        raise TokenRejected("invalid bearer token: unknown signing key")
