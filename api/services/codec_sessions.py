"""A short-lived session cookie for the Temporal UI's codec requests.

The UI of the local dev server cannot send a bearer token with its codec requests
(it forwards an access token only from its own OIDC login, over HTTPS); with
"include cross-origin credentials" on, it sends cookies. So a supervisor signs in
once at ``/codec/login`` with their token and gets this cookie, valid for the codec
routes only: ``<base64url(json{sub, role, exp})>.<hex HMAC-SHA256>``.
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from api.services.tokens import Identity
from relais.settings import Role

COOKIE = "relais_codec_session"


class CodecSessions:
    def __init__(self, secret: bytes, lifetime: timedelta) -> None:
        self._secret = secret
        self.lifetime = lifetime

    def issue(self, identity: Identity, now: datetime) -> str:
        claims = {
            "sub": identity.subject,
            "role": identity.role.value,
            "exp": int((now + self.lifetime).timestamp()),
        }
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def verify(self, cookie: str, now: datetime) -> Identity | None:
        body, _, signature = cookie.partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if int(claims["exp"]) < now.timestamp():
                return None
            return Identity(subject=str(claims["sub"]), role=Role(claims["role"]))
        except (ValueError, KeyError, TypeError):
            return None

    def _sign(self, body: str) -> str:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()
