"""The Temporal UI's codec endpoint: ``POST /codec/decode`` and ``POST /codec/encode``
(JSON ``{"payloads": [...]}``, protobuf JSON), plus a session login for UIs that can
only send cookies (see ``api.codec_sessions`` and docs/supervisor-ui.md).

Authenticated by a bearer token (static or JWT) or the codec session cookie.
Supervisors see every case decoded, counsellors the cases they may read; everyone
else gets placeholders. Every decode is audited per case, with counts only.
"""

from datetime import timedelta
from html import escape
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Header, Request, Response, status
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import TokenVerifierDep, identify, unauthorized
from api.codec_sessions import COOKIE, CodecSessions
from api.deps import SettingsDep
from api.doors import Callers, HelplineDep, callers, permitted
from api.schemas.codec import CodecPayloads, wire
from api.schemas.errors import ErrorMessage
from application import sealed_payloads, signing_in
from application.acting import Actor, Permit
from application.errors import Problem, RequestRejected
from relais.clock import utc_now
from relais.settings import Settings

router = APIRouter(prefix="/codec", tags=["codec"])
# The sign-in form and its post: open to anyone (the token is in the form, checked there).
signing = APIRouter(prefix="/codec", tags=["codec"], dependencies=[callers(Callers.PUBLIC)])
_bearer = HTTPBearer(auto_error=False)
Namespace = Annotated[str | None, Header(alias="X-Namespace")]


def sessions(settings: Settings) -> CodecSessions:
    return CodecSessions(
        settings.codec_session_secret.get_secret_value().encode(),
        timedelta(minutes=settings.codec_session_minutes),
    )


async def codec_actor(
    request: Request,
    settings: SettingsDep,
    verifier: TokenVerifierDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """A bearer token if sent, else the codec session cookie."""
    if credentials is not None:
        identity = await identify(verifier, credentials.credentials)
        return Actor(identity.subject, identity.role)
    cookie = request.cookies.get(COOKIE)
    found = sessions(settings).verify(cookie, utc_now()) if cookie else None
    if found is None:
        raise unauthorized("missing or unknown bearer token (or codec session)")
    return Actor(found.subject, found.role)


def _serves(namespace: str | None, settings: Settings) -> None:
    if namespace is not None and namespace != settings.temporal_namespace:
        raise RequestRejected(
            [
                Problem(
                    ("header", "X-Namespace"),
                    f"X-Namespace: this codec serves namespace '{settings.temporal_namespace}'",
                    "value_error",
                    "namespace_not_served",
                )
            ]
        )


def _invalid(field: str, message: str) -> RequestRejected:
    """A 422 shaped like every other one of the API (the form is parsed by hand)."""
    return RequestRejected([Problem(("body", field), f"{field}: {message}", "value_error")])


@router.post("/decode", response_model=CodecPayloads)
async def decode(
    permit: Annotated[Permit, permitted(sealed_payloads.open_payloads, codec_actor)],
    body: CodecPayloads,
    settings: SettingsDep,
    helpline: HelplineDep,
    namespace: Namespace = None,
) -> dict[str, Any]:
    """Open sealed payloads the caller may read; placeholders for the rest."""
    _serves(namespace, settings)
    opened = await sealed_payloads.open_payloads(helpline, permit, body.read())
    return wire(opened)


@router.post("/encode", response_model=CodecPayloads)
async def encode(
    permit: Annotated[Permit, permitted(sealed_payloads.seal_payloads, codec_actor)],
    body: CodecPayloads,
    settings: SettingsDep,
    helpline: HelplineDep,
    namespace: Namespace = None,
) -> dict[str, Any]:
    """Seal what a supervisor types in the UI (supervisors only)."""
    _serves(namespace, settings)
    sealed = await sealed_payloads.seal_payloads(helpline, permit, body.read())
    return wire(sealed)


_FORM = """<!doctype html><title>Relais: codec sign-in</title>
<h1>Sign in to read cases in the Temporal UI</h1>
<form method="post" action="login"><label>Your token <input name="token" type="password"
 autocomplete="off" required></label> <button>Sign in</button></form>"""

_DONE = """<!doctype html><title>Relais: signed in</title>
<h1>Signed in as {subject} ({role})</h1>
<p>Until {until} UTC, the Temporal UI at {ui} decodes payloads through this API for you.
In the UI: <em>Codec Server</em> (top bar) &rarr; <em>Use my browser setting</em>,
endpoint <code>{endpoint}</code>, tick <em>Include cross-origin credentials</em>, Apply.</p>
<form method="post" action="logout"><button>Sign out</button></form>"""


@signing.get("/login", response_class=HTMLResponse)
async def login_form() -> str:
    """A sign-in form (the token goes in a POST body, never in a URL or a log)."""
    return _FORM


_SIGN_IN_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"token": {"type": "string", "description": "Your token"}},
                    "required": ["token"],
                }
            }
        },
    }
}


@signing.post(
    "/login",
    response_class=HTMLResponse,
    openapi_extra=_SIGN_IN_FORM,
    responses={
        401: {"model": ErrorMessage, "description": "Not a valid token"},
        403: {"model": ErrorMessage, "description": "A valid token that names no Relais role"},
    },
)
async def login(
    request: Request, settings: SettingsDep, verifier: TokenVerifierDep, helpline: HelplineDep
) -> HTMLResponse:
    """Exchange a token for the codec session cookie (form field ``token``)."""
    form = parse_qs((await request.body()).decode(errors="replace"))
    token = (form.get("token") or [""])[0].strip()
    if not token:
        raise _invalid("token", "required")
    identity = await identify(verifier, token)
    now = utc_now()
    store = sessions(settings)
    html = _DONE.format(
        subject=escape(identity.subject),
        role=identity.role.value,
        until=(now + store.lifetime).isoformat(timespec="minutes"),
        ui=escape(", ".join(settings.ui_origins)),
        endpoint=escape(f"{settings.public_api_url}/codec"),
    )
    response = HTMLResponse(html)
    response.set_cookie(
        COOKIE,
        store.issue(identity, now),
        max_age=int(store.lifetime.total_seconds()),
        path="/codec",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    actor = Actor(identity.subject, identity.role)
    permit = await signing_in.sign_in_to_codec.permit(helpline, actor)
    await signing_in.sign_in_to_codec(helpline, permit)
    return response


@signing.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout() -> Response:
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(COOKIE, path="/codec")
    return response
