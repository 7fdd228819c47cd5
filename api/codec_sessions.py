"""A short-lived session cookie for the Temporal UI's codec requests.

The UI of the local dev server cannot send a bearer token with its codec requests
(it forwards an access token only from its own OIDC login, over HTTPS); with
"include cross-origin credentials" on, it sends cookies. So a supervisor signs in
once at ``/codec/login`` with their token and gets this cookie, valid for the codec
routes only: a JWT (HS256, PyJWT) with ``sub``, ``role``, ``iat``, ``exp`` and the
audience ``relais-codec-session``, so no other token signed with the same secret
passes for a session, and a session passes for nothing else.
"""

from datetime import datetime, timedelta

import jwt

from relais.settings import Role
from relais.signed_tokens import decode_at
from relais.tokens import Identity

COOKIE = "relais_codec_session"
AUDIENCE = "relais-codec-session"
ALGORITHM = "HS256"


class CodecSessions:
    def __init__(self, secret: bytes, lifetime: timedelta) -> None:
        self._secret = secret
        self.lifetime = lifetime

    def issue(self, identity: Identity, now: datetime) -> str:
        claims = {
            "sub": identity.subject,
            "role": identity.role.value,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + self.lifetime,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, cookie: str, now: datetime) -> Identity | None:
        """Who the cookie names, or None if it is forged, tampered with, expired, meant
        for another audience or names no Relais role (the reason is not told)."""
        try:
            claims = decode_at(
                cookie,
                self._secret,
                now,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                require=["sub", "role", "aud", "exp"],
            )
            return Identity(subject=str(claims["sub"]), role=Role(claims["role"]))
        except (jwt.PyJWTError, ValueError, TypeError):
            return None
