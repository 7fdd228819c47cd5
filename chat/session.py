"""The chat's session: a signed cookie (PyJWT, HS256) naming the conversation, and
nothing else: no name, no number, nothing they wrote.

HttpOnly (the page's script never sees it), ``SameSite=Strict`` (no other site's
page sends it: it is also the chat's protection against cross-site requests),
limited to ``/chat``, Secure outside a local run, and without ``Max-Age`` (gone
when the browser closes). It ends ``RELAIS_CHAT__SESSION_HOURS`` after the page was
last loaded, and at once when the young person leaves or quick-exits.
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

import jwt
from fastapi import Response

from domain.conversation import CONVERSATION_ID_PATTERN
from relais.settings import Settings
from relais.signed_tokens import decode_at

COOKIE = "relais_chat"
# The returning token a young person chose to keep (``application.conversations.
# returning_token``): HttpOnly, SameSite=Strict, /chat only, kept RETURN_DAYS.
RETURN_COOKIE = "relais_chat_return"
RETURN_DAYS = 180
PATH = "/chat"
AUDIENCE = "relais-chat-session"
ALGORITHM = "HS256"


class NoSession(StrEnum):
    """Why a request names no conversation."""

    MISSING = "missing"
    INVALID = "invalid"  # forged, or signed with another secret, or malformed
    EXPIRED = "expired"


@dataclass(frozen=True)
class SessionRead:
    conversation_id: str | None
    refused: NoSession | None = None


def secure_cookies(settings: Settings) -> bool:
    """Secure unless set otherwise or the public URL is plain http on a loopback host."""
    if settings.chat.secure_cookies is not None:
        return settings.chat.secure_cookies
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


class ChatSessions:
    def __init__(self, settings: Settings) -> None:
        self._secret = settings.chat.session_secret.get_secret_value().encode()
        self.lifetime = timedelta(hours=settings.chat.session_hours)
        self.secure = secure_cookies(settings)

    def read(self, cookie: str | None, now: datetime) -> SessionRead:
        if not cookie:
            return SessionRead(None, NoSession.MISSING)
        try:
            claims = decode_at(
                cookie,
                self._secret,
                now,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                require=["cid", "aud", "exp"],
            )
        except jwt.ExpiredSignatureError:
            return SessionRead(None, NoSession.EXPIRED)
        except jwt.PyJWTError:
            return SessionRead(None, NoSession.INVALID)
        conversation_id = claims.get("cid")
        if not isinstance(conversation_id, str) or not _an_id(conversation_id):
            return SessionRead(None, NoSession.INVALID)
        return SessionRead(conversation_id)

    def token(self, conversation_id: str, now: datetime) -> str:
        claims = {"cid": conversation_id, "aud": AUDIENCE, "exp": now + self.lifetime}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def write(self, response: Response, conversation_id: str, now: datetime) -> None:
        _set_cookie(response, COOKIE, self.token(conversation_id, now), self.secure)

    def clear(self, response: Response) -> None:
        _clear_cookie(response, COOKIE, self.secure)


def _set_cookie(
    response: Response, name: str, value: str, secure: bool, max_age: int | None = None
) -> None:
    """The chat's cookies: HttpOnly, SameSite=Strict, for the chat's pages only."""
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="strict", secure=secure
    )


def _clear_cookie(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(name, path=PATH, httponly=True, samesite="strict", secure=secure)


def _an_id(value: str) -> bool:
    return re.fullmatch(CONVERSATION_ID_PATTERN, value) is not None


class ReturningCookie:
    """The returning token's cookie: set when the young person ticks "recognise me
    next time", removed when they start without it."""

    def __init__(self, settings: Settings) -> None:
        self.secure = secure_cookies(settings)

    def write(self, response: Response, token: str) -> None:
        seconds = int(timedelta(days=RETURN_DAYS).total_seconds())
        _set_cookie(response, RETURN_COOKIE, token, self.secure, max_age=seconds)

    def clear(self, response: Response) -> None:
        _clear_cookie(response, RETURN_COOKIE, self.secure)
