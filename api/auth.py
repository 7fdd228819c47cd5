"""Authentication (bearer tokens: static or JWT, see ``api.services.tokens``), role
checks, and the per-case read rule for counsellors.

A missing or invalid token is a 401 with ``WWW-Authenticate: Bearer``; a known
caller whose role may not use a route gets a 403 naming the roles that may; a
counsellor acting on a case that is neither theirs nor shared with them gets a 403
too (see ``api.services.case_access``).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from temporalio.service import RPCError, RPCStatusCode

from api.deps import AuditLogDep, DatabaseDep, TemporalClientDep
from api.services.audit_trail import AuditTrail
from api.services.case_access import CaseAccessPolicy
from api.services.tokens import Identity, TokenRejected, TokenVerifier
from domain import contract
from relais.clock import utc_now
from relais.db.repositories.access import CaseAccessBook
from relais.settings import Role

_bearer = HTTPBearer(auto_error=False, description="A static API token or a JWT")


@dataclass(frozen=True)
class Actor:
    """The authenticated person behind a request."""

    subject: str
    role: Role


def get_token_verifier(request: Request) -> TokenVerifier:
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


def allow(*roles: Role) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency that lets only ``roles`` through."""
    allowed = ", ".join(r.value for r in roles)

    async def check(actor: CurrentActor) -> Actor:
        if actor.role not in roles:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=f"role '{actor.role.value}' may not do this; allowed roles: {allowed}",
            )
        return actor

    return check


Counsellor = Annotated[Actor, Depends(allow(Role.COUNSELLOR))]
Supervisor = Annotated[Actor, Depends(allow(Role.SUPERVISOR))]
CaseWorker = Annotated[Actor, Depends(allow(Role.COUNSELLOR, Role.SUPERVISOR))]
AuditReader = Annotated[Actor, Depends(allow(Role.AUDITOR, Role.SUPERVISOR))]
AdapterReader = Annotated[Actor, Depends(allow(Role.INTEGRATOR, Role.SUPERVISOR))]


def get_case_access(db: DatabaseDep) -> CaseAccessPolicy:
    return CaseAccessPolicy(CaseAccessBook(db))


CaseAccessDep = Annotated[CaseAccessPolicy, Depends(get_case_access)]


async def readable_case(
    actor: CurrentActor,
    policy: CaseAccessDep,
    client: TemporalClientDep,
    case_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
) -> None:
    """Router dependency of every ``/cases/{case_id}/...`` route. Only counsellors are
    checked here; other roles meet the route's own role check."""
    if actor.role is not Role.COUNSELLOR:
        return

    async def exists(case: str) -> bool:
        try:
            await client.get_workflow_handle(contract.SUPPORT_CASE.workflow_id(case)).describe()
        except RPCError as err:
            if err.status is RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    if not await policy.may_read(actor.subject, actor.role, case_id, exists):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail=f"case {case_id} is neither yours nor shared with you: ask its "
            "counsellor or a supervisor to share it",
        )


ReadableCase = Depends(readable_case)


def audit_trail(actor: CurrentActor, log: AuditLogDep) -> AuditTrail:
    return AuditTrail(log, actor=actor.subject, role=actor.role.value)


AuditTrailDep = Annotated[AuditTrail, Depends(audit_trail)]
