"""Which cases a caller may read (and so act on, and see decoded in the UI).

- supervisor: every case;
- counsellor: the cases they opened, the cases shared with them
  (``POST /cases/{id}/shares``), and the cases whose task they claimed;
- integrator, auditor and machine callers: no case content (statistics, adapters
  and the audit trail, which hold no personal data, are theirs).
"""

from collections.abc import Awaitable, Callable
from enum import StrEnum

from relais.db.repositories.access import CaseAccessBook
from relais.settings import Role


class Access(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    UNKNOWN = "unknown"  # no record of the case here: it may not exist


CaseExists = Callable[[str], Awaitable[bool]]


class CaseAccessPolicy:
    def __init__(self, book: CaseAccessBook) -> None:
        self._book = book

    async def access(self, subject: str, role: Role, case_id: str) -> Access:
        if role is Role.SUPERVISOR:
            return Access.ALLOWED
        if role is not Role.COUNSELLOR:
            return Access.DENIED
        subjects = await self._book.subjects(case_id)
        if subjects:
            return Access.ALLOWED if subject in subjects else Access.DENIED
        owner = await self._book.owner_in_directory(case_id)  # cases from before shares
        if owner is not None:
            return Access.ALLOWED if owner == subject else Access.DENIED
        return Access.UNKNOWN

    async def may_read(
        self, subject: str, role: Role, case_id: str, exists: CaseExists | None = None
    ) -> bool:
        """True when allowed; an unknown case is readable only when it does not
        exist (so the caller's own route answers 404), never by default."""
        access = await self.access(subject, role, case_id)
        if access is Access.UNKNOWN and exists is not None:
            return not await exists(case_id)
        return access is Access.ALLOWED
