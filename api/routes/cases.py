"""Open, read and list cases."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.auth import AuditTrailDep, CaseWorker, Counsellor, ReadableCase
from api.deps import (
    CaseCommandsDep,
    CaseDirectoryDep,
    CatalogDep,
    DatabaseDep,
    SettingsDep,
    TemporalClientDep,
)
from api.idempotency import DESCRIPTION as KEY_DESCRIPTION
from api.idempotency import HEADER as KEY_HEADER
from api.idempotency import MAX_KEY_LENGTH
from api.schemas.cases import CaseCreate, CaseLinks, CasePage, CaseQuery, CaseRead
from api.schemas.errors import CASE_READ_ERRORS
from api.services.case_opening import open_case_as
from domain.case import CaseView
from domain.records import CaseFilter
from relais.db.repositories.access import CaseAccessBook
from relais.settings import Role

router = APIRouter(prefix="/cases", tags=["cases"])

CaseId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The case id")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=KEY_HEADER,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description=f"A retry under the same key gets the same case back. {KEY_DESCRIPTION}",
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": CaseRead, "description": "A retry: the case already exists"},
        **CASE_READ_ERRORS,
    },
)
async def create_case(
    body: CaseCreate,
    actor: Counsellor,
    client: TemporalClientDep,
    settings: SettingsDep,
    catalog: CatalogDep,
    audit: AuditTrailDep,
    db: DatabaseDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CaseRead:
    """Open a case and start its workflow; triage runs at once."""
    opened = await open_case_as(
        actor.subject,
        client,
        settings,
        catalog.catalog(),
        CaseAccessBook(db),
        audit,
        intake=body.intake(),
        contact=body.contact,
        idempotency_key=idempotency_key,
    )
    if not opened.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/cases/{opened.case_id}"
    return CaseRead(
        case_id=opened.case_id,
        workflow_id=opened.workflow_id,
        status=opened.status,
        urgency=opened.urgency,
        opened_at=opened.opened_at,
        links=CaseLinks.for_case(opened.case_id),
    )


@router.get("")
async def list_cases(
    query: Annotated[CaseQuery, Query()],
    actor: CaseWorker,
    cases: CaseDirectoryDep,
    audit: AuditTrailDep,
) -> CasePage:
    """Cases from the case directory (a projection: a few seconds behind the workflows)."""
    # A counsellor lists the cases they may read; a supervisor every case.
    readable_by = actor.subject if actor.role is Role.COUNSELLOR else None
    case_filter = CaseFilter.model_validate({**query.model_dump(), "readable_by": readable_by})
    items = await cases.list(case_filter)
    total = await cases.count(case_filter)
    filters = ",".join(
        f"{name}={value}"
        for name, value in query.model_dump(exclude_none=True, exclude={"limit", "offset"}).items()
    )
    await audit.record_read("case.list", detail=filters or None)
    return CasePage(items=items, total=total, limit=query.limit, offset=query.offset)


@router.get("/{case_id}", dependencies=[ReadableCase], responses=CASE_READ_ERRORS)
async def read_case(
    case_id: CaseId,
    actor: CaseWorker,
    commands: CaseCommandsDep,
    audit: AuditTrailDep,
    response: Response,
) -> CaseView:
    """The case as its workflow sees it now: notices, referrals (a handoff that has
    not reached its partner says since when and how often it tried), callback,
    contacts, notes, timeline (times in UTC and in the helpline's time zone)."""
    response.headers["Cache-Control"] = "no-store"  # notes are personal data
    view = await commands.view(case_id)
    await audit.record_read("case.read", case_id)
    return view
