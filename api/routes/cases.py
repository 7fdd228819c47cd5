"""Open, read and list cases."""

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import DESCRIPTION as KEY_DESCRIPTION
from api.idempotency import HEADER as KEY_HEADER
from api.idempotency import MAX_KEY_LENGTH, KeyTakenDep
from api.schemas.cases import CaseLinks, CasePage, CaseQuery, CaseRead
from api.schemas.errors import CASE_READ_ERRORS
from application import case_opening, case_reads
from application.acting import Permit
from application.requests.opening import CaseCreate
from domain.case import CaseView

router = APIRouter(prefix="/cases", tags=["cases"])

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
        503: CASE_READ_ERRORS[503],
    },
)
async def create_case(
    permit: Annotated[Permit, permitted(case_opening.open_case)],
    body: CaseCreate,
    helpline: HelplineDep,
    response: Response,
    taken: KeyTakenDep,
    idempotency_key: IdempotencyKey = None,
) -> CaseRead:
    """Open a case and start its workflow; triage runs at once (the request's key,
    the case's data key and its counsellor's access are written in one transaction:
    ``application.case_opening``)."""
    opened = await case_opening.open_case(helpline, permit, body, idempotency_key, taken)
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
    permit: Annotated[Permit, permitted(case_reads.list_cases)],
    query: Annotated[CaseQuery, Query()],
    helpline: HelplineDep,
) -> CasePage:
    """Cases from the case directory (a projection: a few seconds behind the workflows)."""
    filters = ",".join(
        f"{name}={value}"
        for name, value in query.model_dump(exclude_none=True, exclude={"limit", "offset"}).items()
    )
    items, total = await case_reads.list_cases(helpline, permit, query, filters or None)
    return CasePage(items=items, total=total, limit=query.limit, offset=query.offset)


@router.get("/{case_id}", responses=CASE_READ_ERRORS)
async def read_case(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(case_reads.read_case)],
    helpline: HelplineDep,
    response: Response,
) -> CaseView:
    """The case as its workflow sees it now: notices, referrals (a handoff that has
    not reached its partner says since when and how often it tried), callback,
    contacts, notes, timeline (times in UTC and in the helpline's time zone)."""
    response.headers["Cache-Control"] = "no-store"  # notes are personal data
    return await case_reads.read_case(helpline, permit)
