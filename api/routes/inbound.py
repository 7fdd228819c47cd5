"""Partners refer young people to the helpline: a signed inbound endpoint.

A partner (France Victimes 116 006, 119, ...) posts a referral signed like our
webhooks (``X-Relais-Timestamp``, ``X-Relais-Signature``). It opens a case, or joins
the case already opened for the same inbound reference: the case id is derived from
the partner's slug and its reference (uuid5), so a retried call, even one replaying
the very same signed request, lands on the same case. The answer is our reference.
"""

from fastapi import APIRouter, Request, Response, status

from api.deps import AuditLogDep, CatalogDep, SettingsDep, SignatureVerifierDep, TemporalClientDep
from api.routes.webhooks import Signature, Slug, Timestamp, _body_doc, _parse
from api.schemas.errors import SIGNED_ERRORS
from api.schemas.inbound import InboundAccepted, InboundReferral
from api.services.audit_trail import AuditTrail
from api.services.case_opening import open_case
from api.services.errors import NotFound, SignatureReplayed
from relais.clock import utc_now

router = APIRouter(prefix="/inbound", tags=["inbound referrals"])


def inbound_subject(slug: str) -> str:
    """Who opened an inbound case: the partner, as a machine caller."""
    return f"partner:{slug}"


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
    client: TemporalClientDep,
    settings: SettingsDep,
    verifier: SignatureVerifierDep,
    catalog: CatalogDep,
    log: AuditLogDep,
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
        partners = catalog.catalog()
        if partners.partner(slug) is None:
            raise NotFound(f"no partner '{slug}' is registered")
        opened = await open_case(
            client,
            settings,
            partners,
            opened_by=inbound_subject(slug),
            intake=body.intake(),
            contact=body.contact,
            idempotency_key=body.inbound_reference,
            now=utc_now(),
            referred_by=slug,
        )
    except BaseException:
        if seal is not None:
            await verifier.release(seal)
        raise
    audit = AuditTrail(log, actor=inbound_subject(slug), role="partner")
    action = "case.open.inbound" if opened.created else "case.open.inbound.retry"
    await audit.record(action, opened.case_id, f"partner={slug}")
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
