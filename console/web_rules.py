"""Who may do what from the console: the same roles as the JSON route behind each
action (``api.auth``: Counsellor, Supervisor, CaseWorker), checked before the service
is called, and the per-case read rule of ``/cases/{case_id}/...``."""

from fastapi import HTTPException

from api.auth import Actor, get_case_access, readable_case
from console.web import NotAllowed, Page
from relais.settings import Role

CASE_WORKERS = (Role.COUNSELLOR, Role.SUPERVISOR)


class CaseNotReadable(Exception):
    """A counsellor opened a case that is neither theirs nor shared with them."""


def needs(p: Page, *roles: Role) -> Actor:
    actor = p.actor
    if actor.role not in roles:
        raise NotAllowed
    return actor


async def may_read(p: Page, case_id: str) -> Actor:
    actor = p.actor
    try:
        await readable_case(actor, get_case_access(p.database), p.client, case_id)
    except HTTPException as refused:
        raise CaseNotReadable from refused
    return actor
