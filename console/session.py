"""The console's session: a signed cookie (PyJWT, HS256) naming who is signed in, the
CSRF token of their forms and when they were last active.

A visitor who has not signed in gets a session too (no subject), so the sign-in form
carries a CSRF token. A session ends after ``console_idle_minutes`` without activity
(helpline desks are shared) and after ``console_session_hours`` whatever happens.
The cookie is HttpOnly, SameSite=Lax, limited to ``/console`` and Secure outside a
local run; it holds no personal data (a subject is an account name).
"""

import ipaddress
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import jwt
from fastapi import Response

from relais.settings import Role, Settings
from relais.signed_tokens import decode_at

COOKIE = "relais_console"
PATH = "/console"
AUDIENCE = "relais-console-session"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class ConsoleSession:
    csrf: str
    started: datetime
    seen: datetime
    subject: str | None = None
    role: Role | None = None
    via: str | None = None  # "token" or "oidc"
    idle_out: bool = False  # the previous session ended for inactivity (says so once)

    @property
    def signed_in(self) -> bool:
        return self.subject is not None and self.role is not None

    def touched(self, now: datetime) -> "ConsoleSession":
        return replace(self, seen=now)


def anonymous(now: datetime, *, idle_out: bool = False) -> ConsoleSession:
    return ConsoleSession(csrf=secrets.token_urlsafe(24), started=now, seen=now, idle_out=idle_out)


def signed_in(subject: str, role: Role, via: str, now: datetime) -> ConsoleSession:
    """A fresh session (and CSRF token) at every sign-in: no fixation."""
    return ConsoleSession(
        csrf=secrets.token_urlsafe(24), started=now, seen=now, subject=subject, role=role, via=via
    )


def secure_cookies(settings: Settings) -> bool:
    """Secure unless set otherwise or the public URL is plain http on a loopback host."""
    if settings.console_secure_cookies is not None:
        return settings.console_secure_cookies
    parts = urlsplit(settings.public_api_url)
    if parts.scheme == "https":
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


class ConsoleSessions:
    def __init__(self, settings: Settings) -> None:
        self._secret = settings.console_session_secret.get_secret_value().encode()
        self.idle = timedelta(minutes=settings.console_idle_minutes)
        self.lifetime = timedelta(hours=settings.console_session_hours)
        self.secure = secure_cookies(settings)

    def read(self, cookie: str | None, now: datetime) -> ConsoleSession:
        """The session the cookie carries; an anonymous one when it is missing,
        forged, expired or idle for too long."""
        if not cookie:
            return anonymous(now)
        try:
            claims = decode_at(
                cookie,
                self._secret,
                now,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                require=["csrf", "started", "seen", "aud", "exp"],
            )
            session = ConsoleSession(
                csrf=str(claims["csrf"]),
                started=datetime.fromtimestamp(float(claims["started"]), UTC),
                seen=datetime.fromtimestamp(float(claims["seen"]), UTC),
                subject=claims.get("sub"),
                role=Role(claims["role"]) if claims.get("role") else None,
                via=claims.get("via"),
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            return anonymous(now)
        if session.signed_in and (
            now - session.seen > self.idle or now - session.started > self.lifetime
        ):
            return anonymous(now, idle_out=now - session.seen > self.idle)
        return session

    def write(self, response: Response, session: ConsoleSession) -> None:
        claims: dict[str, object] = {
            "csrf": session.csrf,
            "started": session.started.timestamp(),
            "seen": session.seen.timestamp(),
            "aud": AUDIENCE,
            "exp": session.started + self.lifetime,
        }
        if session.signed_in:
            assert session.role is not None
            claims.update(sub=session.subject, role=session.role.value, via=session.via)
        token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(self.lifetime.total_seconds()),
            path=PATH,
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )

    def same_token(self, session: ConsoleSession, presented: str | None) -> bool:
        return presented is not None and secrets.compare_digest(
            session.csrf.encode(), presented.encode()
        )
