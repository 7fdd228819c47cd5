"""Webhooks: platforms post decisions on notices, partners post handoff statuses.

Machine callers carry no bearer token: each delivery is signed (see
``api.webhook_signatures``). The signature is checked on the raw body
before anything is parsed; then the news is signalled to the waiting workflow.
"""

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Path, Request, status
from pydantic import BaseModel, ValidationError

from api.deps import SignatureVerifierDep
from api.doors import Callers, HelplineDep, callers
from api.errors import body_validation_error, read_json_as_utf8
from api.schemas.errors import SIGNED_ERRORS
from api.schemas.webhooks import PartnerStatusWebhook, PlatformDecisionWebhook, WebhookAccepted
from api.webhook_signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER
from application.partner_news import partner_said, platform_decided

router = APIRouter(
    prefix="/webhooks",
    tags=["webhooks"],
    responses=SIGNED_ERRORS,
    dependencies=[callers(Callers.SIGNED)],
)

BodyT = TypeVar("BodyT", bound=BaseModel)

Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
# Required (the OpenAPI description says so: ``api.openapi``), but read as optional:
# a delivery without them is refused as unsigned (401), not as a malformed request.
Timestamp = Annotated[
    str | None, Header(alias=TIMESTAMP_HEADER, description="Unix seconds when signed")
]
Signature = Annotated[
    str | None,
    Header(
        alias=SIGNATURE_HEADER,
        description='sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>',
    ),
]


def _inline_defs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_defs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_defs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_defs(v, defs) for v in node]
    return node


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """Document the body in OpenAPI although the route reads it raw (the signature
    covers the exact bytes), with the schema's local definitions inlined."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _inline_defs(schema, schema.get("$defs", {}))}
            },
        }
    }


def _parse(model: type[BodyT], raw: bytes) -> BodyT:
    read_json_as_utf8(raw)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise body_validation_error(exc) from exc


@router.post(
    "/platforms/{slug}",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=_body_doc(PlatformDecisionWebhook),
)
async def platform_decision(
    slug: Slug,
    request: Request,
    helpline: HelplineDep,
    verifier: SignatureVerifierDep,
    timestamp: Timestamp = None,
    signature: Signature = None,
) -> WebhookAccepted:
    """A platform's decision on one of our notices (removed, restricted, refused...)."""
    raw = await request.body()
    async with verifier.accepting(timestamp, signature, raw):
        body = _parse(PlatformDecisionWebhook, raw)
        told = await platform_decided(helpline, slug, body.notice_id, body.notice_decision())
    return WebhookAccepted(workflow_id=told)


@router.post(
    "/partners/{slug}",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=_body_doc(PartnerStatusWebhook),
)
async def partner_status(
    slug: Slug,
    request: Request,
    helpline: HelplineDep,
    verifier: SignatureVerifierDep,
    timestamp: Timestamp = None,
    signature: Signature = None,
) -> WebhookAccepted:
    """A partner's news on one of our handoffs (acknowledged, accepted, closed...); on
    one that has ended too (it is recorded on the case)."""
    raw = await request.body()
    async with verifier.accepting(timestamp, signature, raw):
        body = _parse(PartnerStatusWebhook, raw)
        told = await partner_said(helpline, slug, body.referral_id, body.handoff_status())
    return WebhookAccepted(workflow_id=told)
