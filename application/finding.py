"""Finding a case by its number: the whole id, or its first characters as the lists
show them, among the cases the person may read (read from the case directory)."""

from sqlalchemy import select

from application.acting import CASE_WORKERS, Permit, service
from application.helpline import Helpline
from relais.db import Database
from relais.db.repositories.access import readable_by as readable
from relais.db.tables import CaseRow
from relais.settings import Role


async def case_numbered(database: Database, number: str, readable_by: str | None) -> str | None:
    """The one case whose id starts with ``number`` (hex digits), or None when there is
    none or more than one; ``readable_by``: a counsellor's subject (None: any case)."""
    statement = select(CaseRow.case_id).where(CaseRow.case_id.startswith(number)).limit(2)
    if readable_by is not None:
        statement = statement.where(readable(readable_by))
    async with database.session_factory() as session:
        found = (await session.scalars(statement)).all()
    return found[0] if len(found) == 1 else None


@service(*CASE_WORKERS)
async def find_case(helpline: Helpline, permit: Permit, number: str) -> str | None:
    """The case numbered ``number`` (its first six characters at least, hex digits),
    among those the person may read; None when there is none or more than one."""
    actor = permit.actor
    readable_by = actor.subject if actor.role is Role.COUNSELLOR else None
    return await case_numbered(helpline.database, number, readable_by)
