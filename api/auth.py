"""Authentication: who a request comes from (a bearer token: static or JWT, see
``relais.tokens``). A missing or invalid token is a 401 with ``WWW-Authenticate:
Bearer``. Who may do what is not decided here: each service of the application layer
declares its rule, and ``api.doors`` asks it (403 naming the roles that may, or
saying the case is neither yours nor shared with you).
"""

from typing import Annotated, cast

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from application.acting import Actor
from relais.clock import utc_now
from relais.tokens import Identity, TokenRejected, TokenVerifier

_bearer = HTTPBearer(auto_error=False, description="A static API token or a JWT")


async def get_token_verifier(request: Request) -> TokenVerifier:
    return cast(TokenVerifier, request.app.state.token_verifier)


TokenVerifierDep = Annotated[TokenVerifier, Depends(get_token_verifier)]


def unauthorized(reason: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=reason,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def identify(verifier: TokenVerifier, token: str) -> Identity:
    """The identity behind ``token``, or the HTTP error to answer."""
    try:
        return await verifier.verify(token, utc_now())
    except TokenRejected as rejected:
        if rejected.status == status.HTTP_403_FORBIDDEN:
            raise HTTPException(status_code=rejected.status, detail=rejected.reason) from None
        raise unauthorized(rejected.reason) from None


async def current_actor(
    verifier: TokenVerifierDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None:
        raise unauthorized("missing or unknown bearer token")
    identity = await identify(verifier, credentials.credentials)
    return Actor(subject=identity.subject, role=identity.role)


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def bearer_caller(request: Request, verifier: TokenVerifier) -> Actor | None:
    """Who the request's bearer token names; None without one, or with one the
    route's own check will refuse. For what runs before that check and must not
    answer for it (a router reached some other way is left to its own check)."""
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        identity = await verifier.verify(token, utc_now())
    except TokenRejected:
        return None
    return Actor(subject=identity.subject, role=identity.role)
