"""What every console page shares: who is signed in (the session cookie), the CSRF check
of every form, the page's language, the application layer a page calls (the same
``Helpline`` and services as the JSON routes), and rendering with the headers pages
showing personal data need (``Cache-Control: no-store``, a strict CSP)."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from application.acting import Actor
from application.helpline import Helpline
from console import labels, refusal_words
from console.forms import Drawn, FormData, fresh, parse
from console.i18n import LANGUAGE_COOKIE, Formats, chosen, translations
from console.session import COOKIE, ConsoleSession, ConsoleSessions
from relais.clock import utc_now
from relais.settings import Role, Settings

TEMPLATES = Path(__file__).parent / "templates"
PREFIX = "/console"

# No script, style, font or image from anywhere but this origin; no inline script or
# style; no framing; forms post only here.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


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
    env.globals["field_name"] = refusal_words.field_name
    env.filters["as_part"] = as_part
    return env


def as_part(message: str) -> str:
    """A sentence made the second half of "Age: required" (no capital, no full stop)."""
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:]


_ENVIRONMENTS: dict[str, Environment] = {}


def environment(language: str) -> Environment:
    if language not in _ENVIRONMENTS:
        _ENVIRONMENTS[language] = _environment(language)
    return _ENVIRONMENTS[language]


class NeedsSignIn(Exception):
    """No one is signed in (or the session ended): go to the sign-in page."""


class NotAllowed(Exception):
    """Signed in, but with a role the page is not for."""


def now() -> datetime:
    return utc_now()


@dataclass
class Page:
    """One request to the console: the session, the language and the services."""

    request: Request
    settings: Settings
    sessions: ConsoleSessions
    session: ConsoleSession
    language: str
    formats: Formats
    refresh_session: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        if not self.session.signed_in:
            raise NeedsSignIn
        assert self.session.subject is not None and self.session.role is not None
        return Actor(subject=self.session.subject, role=self.session.role)

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    @property
    def helpline(self) -> Helpline:
        """What the services act on: the one the JSON routes hand them too."""
        return cast(Helpline, self.request.app.state.helpline)

    @property
    def timezone(self) -> str:
        return self.settings.case_policy().opening_hours.timezone

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        gettext = self.gettext
        failed: Drawn | None = context.pop("failed", None)
        back = context.pop("back", None) or self._back()

        def label(value: object) -> str:
            return gettext(labels.LABELS.get(value, str(value)))  # type: ignore[call-overload]

        html = (
            environment(self.language)
            .get_template(template)
            .render(
                page=self,
                t=self.formats,
                label=label,
                choices=lambda values: [(v.value, label(v)) for v in values],
                csrf=self.session.csrf,
                drawn=lambda form_id: failed if failed and failed.id == form_id else fresh(form_id),
                user=self.session if self.session.signed_in else None,
                supervisor=self.session.role is Role.SUPERVISOR,
                auditor=self.session.role is Role.AUDITOR,
                path=self.request.url.path,
                back=back,
                **context,
            )
        )
        response = HTMLResponse(html, status_code=status_code)
        self.finish(response)
        return response

    def _back(self) -> str:
        """Where the language switch returns: this page, or the console's home when
        this page answers a form (it cannot be fetched again)."""
        return self.request.url.path if self.request.method == "GET" else f"{PREFIX}/"

    def redirect(self, path: str, **query: str) -> RedirectResponse:
        url = f"{PREFIX}{path}" + (f"?{urlencode(query)}" if query else "")
        response = RedirectResponse(url, status_code=303)
        self.finish(response)
        return response

    def finish(self, response: Response) -> None:
        """Security headers, and the session cookie slid forward (activity)."""
        response.headers.update(HEADERS)
        if self.refresh_session:
            self.sessions.write(response, self.session.touched(now()))


def sessions_of(request: Request) -> ConsoleSessions:
    return cast(ConsoleSessions, request.app.state.console_sessions)


async def page(request: Request) -> Page:
    settings = cast(Settings, request.app.state.settings)
    sessions = sessions_of(request)
    session = sessions.read(request.cookies.get(COOKIE), now())
    language = chosen(request.cookies.get(LANGUAGE_COOKIE))
    return Page(
        request=request,
        settings=settings,
        sessions=sessions,
        session=session,
        language=language,
        formats=Formats(language, settings.case_policy().opening_hours.timezone),
    )


AnyPage = Annotated[Page, Depends(page)]


def _signed_in_as(p: Page, roles: tuple[Role, ...]) -> Page:
    if not p.session.signed_in:
        raise NeedsSignIn
    if p.session.role not in roles:
        raise NotAllowed
    return p


async def signed_in_page(p: AnyPage) -> Page:
    """Counsellors and supervisors only; anyone else is told the console is not theirs."""
    return _signed_in_as(p, (Role.COUNSELLOR, Role.SUPERVISOR))


async def figures_reader_page(p: AnyPage) -> Page:
    """The trusted flagger's figures: supervisors and auditors (an auditor's only pages
    in the console, as ``GET /reports`` and ``/stats`` are in the API)."""
    return _signed_in_as(p, (Role.SUPERVISOR, Role.AUDITOR))


SignedIn = Annotated[Page, Depends(signed_in_page)]
FiguresReader = Annotated[Page, Depends(figures_reader_page)]


class CsrfRefused(Exception):
    """A form posted without this session's CSRF token."""


async def posted(request: Request, p: AnyPage) -> FormData:
    """The form posted, once its CSRF token is this session's."""
    form = parse(await request.body())
    token = (form.get("csrf") or [""])[0] or None
    if not p.sessions.same_token(p.session, token):
        raise CsrfRefused
    return form


Posted = Annotated[FormData, Depends(posted)]


def idempotency_key(form: FormData) -> str | None:
    """The form's own key (one per rendered form): a double submit does it once."""
    key = (form.get("idempotency_key") or [""])[0].strip()
    return key[:200] if key else None
