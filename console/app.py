"""Mount the console on the API's app: its routers under ``/console``, its static
files, its session keeper and the handlers that turn "not signed in", "not for your
role" and "no CSRF token" into pages."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from console.i18n import N_
from console.oidc import OidcSignIn
from console.routes import (
    callback_actions,
    case_actions,
    case_page,
    casework_actions,
    contact_search,
    conversation_live,
    conversation_media,
    conversation_news,
    conversations,
    dashboard,
    evidence_page,
    figures_pages,
    new_case,
    signin,
    worklist,
)
from console.session import ConsoleSessions
from console.web import HEADERS, PREFIX, CsrfRefused, NeedsSignIn, NotAllowed, page
from relais.settings import Settings

STATIC = "/console/static"


def install_console(app: FastAPI, settings: Settings) -> None:
    """Everything the console needs on ``app`` (one call from ``api.app``)."""
    app.state.console_sessions = ConsoleSessions(settings)
    app.state.console_oidc = (
        OidcSignIn(settings, redirect_uri=f"{settings.public_api_url}{PREFIX}/sign-in/callback")
        if settings.console_oidc_issuer
        else None
    )
    routers = (signin, worklist, new_case, case_page, case_actions, casework_actions)
    for module in (
        *routers,
        callback_actions,
        conversations,
        conversation_live,
        conversation_media,
        conversation_news,
        contact_search,
        evidence_page,
        dashboard,
        figures_pages,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.mount(STATIC, StaticFiles(directory=_static_dir()), name="console-static")
    app.add_exception_handler(NeedsSignIn, _to_sign_in)
    app.add_exception_handler(NotAllowed, _not_allowed)
    app.add_exception_handler(CsrfRefused, _csrf_refused)


def _static_dir() -> str:
    return str(Path(__file__).parent / "static")


async def _to_sign_in(request: Request, exc: Exception) -> Response:
    p = await page(request)
    if request.url.path.endswith("/live"):
        return Response(status_code=401, headers=HEADERS)  # the script goes to sign-in
    reason = {"reason": "idle"} if p.session.idle_out else {}
    return p.redirect("/sign-in", **reason)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    p = await page(request)
    return p.render(
        "message.html",
        status_code=403,
        title=N_("Not for your role"),
        message=N_("This page is for counsellors and supervisors."),
    )


async def _csrf_refused(request: Request, exc: Exception) -> HTMLResponse:
    p = await page(request)
    return p.render(
        "message.html",
        status_code=403,
        title=N_("Form expired"),
        message=N_(
            "This form has expired or did not come from the console. Go back, reload "
            "the page and send it again."
        ),
    )
