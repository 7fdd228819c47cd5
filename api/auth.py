"""Bearer-token authentication and role checks.

Tokens are ``settings.api_tokens`` (token -> subject and role). A missing or
unknown token is a 401 with ``WWW-Authenticate: Bearer``; a known caller whose
role may not use a route gets a 403 naming the roles that may.
"""

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import AuditLogDep, SettingsDep
from api.services.audit_trail import AuditTrail
from relais.settings import Role, TokenGrant

_bearer = HTTPBearer(auto_error=False, description="A token from RELAIS_API_TOKENS")


@dataclass(frozen=True)
class Actor:
    """The authenticated person behind a request."""

    subject: str
    role: Role


def _find_grant(tokens: dict[str, TokenGrant], presented: str) -> TokenGrant | None:
    """Compare against every token in constant time, so timing reveals nothing."""
    found: TokenGrant | None = None
    for token, grant in tokens.items():
        if hmac.compare_digest(token.encode(), presented.encode()):
            found = grant
    return found


async def current_actor(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    grant = _find_grant(settings.api_tokens, credentials.credentials) if credentials else None
    if grant is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or unknown bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Actor(subject=grant.subject, role=grant.role)


CurrentActor = Annotated[Actor, Depends(current_actor)]


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
CaseWorker = Annotated[Actor, Depends(allow(Role.COUNSELLOR, Role.SUPERVISOR))]
AuditReader = Annotated[Actor, Depends(allow(Role.AUDITOR, Role.SUPERVISOR))]
AdapterReader = Annotated[Actor, Depends(allow(Role.INTEGRATOR, Role.SUPERVISOR))]


def audit_trail(actor: CurrentActor, log: AuditLogDep) -> AuditTrail:
    return AuditTrail(log, actor=actor.subject, role=actor.role.value)


AuditTrailDep = Annotated[AuditTrail, Depends(audit_trail)]
