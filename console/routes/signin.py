"""Sign in (a local token, or the identity provider through OpenID Connect), sign out,
choose the language."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from application import signing_in
from application.acting import Actor
from console.forms import FieldErrors, first, refused
from console.i18n import LANGUAGE_COOKIE, LANGUAGES, N_
from console.oidc import PENDING_COOKIE, OidcSignIn, SignInFailed
from console.session import PATH, anonymous, signed_in
from console.web import AnyPage, Page, Posted, now, posted
from relais.settings import Role
from relais.tokens import Identity, TokenVerifier

log = logging.getLogger("relais.console")
router = APIRouter(prefix="/console")


def oidc_of(p: Page) -> OidcSignIn | None:
    found: OidcSignIn | None = p.request.app.state.console_oidc
    return found


def home_of(p: Page) -> str:
    """A supervisor's day starts on the dashboard, a counsellor's on the worklist, an
    auditor's visit on the yearly report."""
    if not p.session.signed_in:
        return "/sign-in"
    if p.session.role is Role.AUDITOR:
        return "/figures/report"
    return "/dashboard" if p.session.role is Role.SUPERVISOR else "/worklist"


@router.get("/", include_in_schema=False)
async def home(p: AnyPage) -> Response:
    return p.redirect(home_of(p))


@router.get("/sign-in", include_in_schema=False)
async def sign_in_form(p: AnyPage) -> Response:
    if p.session.signed_in:
        return p.redirect(home_of(p))
    return _form(p)


def _form(p: Page, errors: FieldErrors | None = None, status_code: int = 200) -> Response:
    oidc = oidc_of(p)
    reason = p.request.query_params.get("reason")
    return p.render(
        "sign_in.html",
        status_code=status_code,
        title=N_("Sign in"),
        oidc=oidc is not None,
        tokens=oidc is None,
        idle_out=p.session.idle_out or reason == "idle",
        signed_out=reason == "signed_out",
        failed=refused("sign-in", {}, errors) if errors else None,
    )


@router.post("/sign-in", include_in_schema=False)
async def sign_in_with_token(p: AnyPage, form: Posted) -> Response:
    """A local token (the local run and tests; production signs in with OIDC)."""
    if oidc_of(p) is not None:
        return _form(p, _error("token", N_("Sign in with your organisation's account.")), 400)
    token = first(form, "token").strip()
    if not token:
        return _form(p, _error("token", N_("Required.")), 422)
    verifier: TokenVerifier = p.request.app.state.token_verifier
    try:
        identity = await verifier.verify(token, now())
    except Exception:  # TokenRejected, or the identity provider's keys out of reach
        return _form(p, _error("token", N_("This token is not valid.")), 401)
    return await _signed_in(p, identity, "token")


@router.get("/sign-in/oidc", include_in_schema=False)
async def sign_in_with_provider(p: AnyPage) -> Response:
    oidc = oidc_of(p)
    if oidc is None:
        return p.redirect("/sign-in")
    url, pending = await oidc.start(now())
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        pending,
        max_age=600,
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=p.sessions.secure,
    )
    p.refresh_session = False
    p.finish(response)
    return response


@router.get("/sign-in/callback", name="console_oidc_callback", include_in_schema=False)
async def provider_answered(p: AnyPage, request: Request) -> Response:
    oidc = oidc_of(p)
    if oidc is None:
        return p.redirect("/sign-in")
    try:
        identity = await oidc.finish(str(request.url), request.cookies.get(PENDING_COOKIE), now())
    except SignInFailed as failed:
        log.warning("console sign-in refused: %s", failed)
        return _form(p, _error("oidc", N_("The sign-in did not succeed. Try again.")), 401)
    response = await _signed_in(p, identity, "oidc")
    response.delete_cookie(PENDING_COOKIE, path=PATH)
    return response


async def _signed_in(p: Page, identity: Identity, via: str) -> Response:
    p.session = signed_in(identity.subject, identity.role, via, now())
    service = signing_in.sign_in_to_console
    allowed = await service.permit(p.helpline, Actor(identity.subject, identity.role))
    await service(p.helpline, allowed, via)
    return p.redirect(home_of(p))


@router.post("/sign-out", include_in_schema=False)
async def sign_out(p: AnyPage, request: Request) -> Response:
    """Signed-in sessions need their CSRF token to sign out (no one signs you out from
    another site); a session that already ended (the page's idle timer and the
    server's may cross) just lands on the sign-in page."""
    if p.session.signed_in:
        form = await posted(request, p)
        reason = "idle" if first(form, "reason") == "idle" else "signed_out"
        service = signing_in.sign_out_of_console
        await service(p.helpline, await service.permit(p.helpline, p.actor), reason)
    else:
        reason = "idle" if p.session.idle_out else "signed_out"
    p.session = anonymous(now())
    return p.redirect("/sign-in", reason=reason)


@router.post("/language", include_in_schema=False)
async def choose_language(p: AnyPage, form: Posted) -> Response:
    language = first(form, "language")
    back = first(form, "back")
    if not back.startswith(f"{PATH}/") or "//" in back:
        back = f"{PATH}/"
    response = RedirectResponse(back, status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 86400,
            path=PATH,
            httponly=True,
            samesite="lax",
            secure=p.sessions.secure,
        )
    p.finish(response)
    return response


def _error(name: str, message: str) -> FieldErrors:
    errors = FieldErrors()
    errors.by_field[name] = [message]
    return errors
