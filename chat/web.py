"""What every chat response shares: the session (the signed cookie naming the
conversation), the page's language, the services' ``Helpline``, rendering, and the
headers a page a young person may need to hide needs: no caching anywhere, a strict
CSP (no inline script or style, nothing from another origin, framed by nobody unless
the helpline's own site is configured), no referrer (the neutral site the quick exit
opens never learns where the young person came from)."""

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from application.conversations.acting import YoungPerson
from application.conversations.returning_token import kept_token, remember_returning
from application.helpline import Helpline
from application.permits import Callers
from chat.i18n import LANGUAGE_COOKIE, Times, chosen, translations
from chat.session import (
    COOKIE,
    PATH,
    RETURN_COOKIE,
    ChatSessions,
    NoSession,
    ReturningCookie,
    SessionRead,
)
from relais.clock import utc_now
from relais.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
STATIC = f"{PATH}/static"


def csp(settings: Settings) -> str:
    ancestors = " ".join(settings.chat.frame_ancestors) or "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self'; form-action 'self'; frame-ancestors {ancestors}; "
        "base-uri 'none'"
    )


def security_headers(settings: Settings, cache: bool = False) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": csp(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if not cache:
        headers["Cache-Control"] = "no-store"
    if not settings.chat.frame_ancestors:
        headers["X-Frame-Options"] = "DENY"
    return headers


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ChatHeaders:
    """Pure ASGI middleware: every answer under ``/chat`` gets the chat's headers
    (its static files may be cached; nothing else is)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.page = security_headers(settings)
        self.static = security_headers(settings, cache=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not (path == PATH or path.startswith(f"{PATH}/")):
            await self.app(scope, receive, send)
            return
        extra = self.static if path.startswith(f"{STATIC}/") else self.page

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(
                        (k.lower().encode("latin-1"), v.encode("latin-1"))
                        for k, v in extra.items()
                        if k.lower().encode("latin-1") not in given
                    ),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def _environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


_ENVIRONMENTS: dict[str, Environment] = {}


def environment(language: str) -> Environment:
    if language not in _ENVIRONMENTS:
        _ENVIRONMENTS[language] = _environment(language)
    return _ENVIRONMENTS[language]


def now() -> datetime:
    return utc_now()


def helpline_of(request: Request) -> Helpline:
    return cast(Helpline, request.app.state.helpline)


def sessions_of(request: Request) -> ChatSessions:
    return cast(ChatSessions, request.app.state.chat_sessions)


def settings_of(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def session_of(request: Request, at: datetime) -> SessionRead:
    return sessions_of(request).read(request.cookies.get(COOKIE), at)


@dataclass
class ChatPage:
    """One request for a page: the language, the session, the services."""

    request: Request
    settings: Settings
    sessions: ChatSessions
    language: str
    session: SessionRead
    at: datetime

    @property
    def helpline(self) -> Helpline:
        return helpline_of(self.request)

    @property
    def young_person(self) -> YoungPerson | None:
        cid = self.session.conversation_id
        return None if cid is None else YoungPerson(cid)

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        times = Times(self.language, self.settings.conversation_policy().opening_hours.timezone)
        html = (
            environment(self.language)
            .get_template(template)
            .render(
                language=self.language,
                other_language="en" if self.language == "fr" else "fr",
                times=times,
                exit_url=self.settings.chat.quick_exit_url,
                timezone=times.zone.key,
                **context,
            )
        )
        return HTMLResponse(html, status_code=status_code)


async def chat_page(request: Request) -> ChatPage:
    at = now()
    return ChatPage(
        request=request,
        settings=settings_of(request),
        sessions=sessions_of(request),
        language=chosen(request.cookies.get(LANGUAGE_COOKIE)),
        session=session_of(request, at),
        at=at,
    )


AnyPage = Annotated[ChatPage, Depends(chat_page)]


class CrossSite(Exception):
    """A form posted from another site's page."""


def same_site_form(request: Request) -> None:
    """The cookie is SameSite=Strict; a browser also says where a form came from:
    another site's page may not post the chat's forms (starting one included)."""
    if request.headers.get("sec-fetch-site", "same-origin") == "cross-site":
        raise CrossSite


UNAUTHORIZED = {
    NoSession.MISSING: f"cookie {COOKIE}: no chat session; start a conversation first",
    NoSession.INVALID: f"cookie {COOKIE}: this chat session is not valid; start again",
    NoSession.EXPIRED: f"cookie {COOKIE}: this chat session has expired; start again",
}


async def young_person(request: Request) -> YoungPerson:
    """The conversation the session cookie names, or 401 naming the cookie."""
    read = session_of(request, now())
    if read.conversation_id is None:
        assert read.refused is not None
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=UNAUTHORIZED[read.refused])
    return YoungPerson(read.conversation_id)


young_person.callers = Callers.YOUNG_PERSON  # type: ignore[attr-defined]
YoungPersonDep = Annotated[YoungPerson, Depends(young_person)]


def callers(kind: Callers) -> Any:
    """``dependencies=[callers(Callers.PUBLIC)]``: who calls the route, said (read by
    the API's route table, ``api.doors.route_rules``)."""

    async def declared() -> None:
        return None

    declared.callers = kind  # type: ignore[attr-defined]
    return Depends(declared)


async def keep_or_forget(
    request: Request,
    response: Response,
    helpline: Helpline,
    conversation_id: str,
    keep: bool,
    at: datetime,
) -> None:
    """The young person's choice at the pre-chat form: recognised next time (their
    returning token kept in its HttpOnly cookie, its keyed hash beside this
    conversation) or not (the cookie goes, nothing is kept)."""
    cookie = ReturningCookie(settings_of(request))
    if not keep:
        if RETURN_COOKIE in request.cookies:
            cookie.clear(response)
        return
    token = kept_token(request.cookies.get(RETURN_COOKIE))
    await remember_returning(helpline, conversation_id, token, at)
    cookie.write(response, token)
