"""A one-time upload link for the young person of a case (``application.upload_links``):
the answer's ``url`` holds the token, given in this answer only (a retry under the same
``Idempotency-Key`` gives the same link)."""

from typing import Annotated, Any

from fastapi import APIRouter, status

from api.doors import CaseId, HelplineDep, permitted
from api.idempotency import ActionKey
from application import upload_links
from application.acting import Permit
from application.upload_links import UploadLinkCreated
from relais.clock import utc_now

router = APIRouter(prefix="/cases/{case_id}/upload-links", tags=["evidence"])


def _answer(description: str) -> dict[str, Any]:
    return {"description": description}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={404: _answer("No such case")},
)
async def create_upload_link(
    case_id: CaseId,
    permit: Annotated[Permit, permitted(upload_links.create_upload_link)],
    helpline: HelplineDep,
    idempotency_key: ActionKey = None,
) -> UploadLinkCreated:
    """A link the young person opens on their phone to send files to this case, without
    an account: it works 24 hours for 5 files (the evidence policy). Relais keeps only
    the SHA-256 of its token: send the ``url`` now; a lost link is replaced by a new one."""
    return await upload_links.create_upload_link(helpline, permit, utc_now(), key=idempotency_key)
