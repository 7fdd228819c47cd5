"""Partners refer young people to the helpline: a signed inbound endpoint.

A partner (France Victimes 116 006, 119, ...) posts a referral signed like our
webhooks (``X-Relais-Timestamp``, ``X-Relais-Signature``). It opens a case, or joins
the case already opened for the same inbound reference: the case id is derived from
the partner's slug and its reference (uuid5), so a retried call, even one replaying
the very same signed request, lands on the same case. The answer is our reference.
"""

from fastapi import APIRouter, Request, Response, status

from api.deps import SignatureVerifierDep
from api.doors import Callers, HelplineDep, callers
from api.routes.webhooks import Signature, Slug, Timestamp, _body_doc, _parse
from api.schemas.errors import SIGNED_ERRORS
from api.schemas.inbound import InboundAccepted
from application.case_opening import open_inbound_case
from application.errors import SignatureReplayed
from application.requests.opening import InboundReferral

router = APIRouter(
    prefix="/inbound", tags=["inbound referrals"], dependencies=[callers(Callers.SIGNED)]
)


@router.post(
    "/partners/{slug}/referrals",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_body_doc(InboundReferral),
    responses={
        200: {"model": InboundAccepted, "description": "A retry: the case already exists"},
        401: {"description": "Unsigned, badly signed or stale"},
        404: {"description": "No partner registered under this slug"},
        503: SIGNED_ERRORS[503],
    },
)
async def refer_to_helpline(
    slug: Slug,
    request: Request,
    response: Response,
    helpline: HelplineDep,
    verifier: SignatureVerifierDep,
    timestamp: Timestamp = None,
    signature: Signature = None,
) -> InboundAccepted:
    """A partner hands a young person to the helpline; we answer with our reference."""
    raw = await request.body()
    try:
        seal: str | None = await verifier.verify(timestamp, signature, raw)
    except SignatureReplayed:
        # Checked only once the signature matched: the very same request again, whose
        # answer the partner may have lost. Opening the case is idempotent, so answer it.
        seal = None
    try:
        body = _parse(InboundReferral, raw)
        opened = await open_inbound_case(helpline, slug, body)
    except BaseException:
        if seal is not None:
            await verifier.release(seal)
        raise
    if not opened.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/cases/{opened.case_id}"
    return InboundAccepted(
        reference=opened.case_id,
        inbound_reference=body.inbound_reference,
        created=opened.created,
        status=opened.status,
        urgency=opened.urgency,
        opened_at=opened.opened_at,
    )
