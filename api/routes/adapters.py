"""Adapters: what every case can reach, how each is doing, test sends to their
sandboxes, and configuration checks that start nothing."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, status

from api.doors import HelplineDep, permitted
from api.schemas.errors import ErrorMessage
from application import adapters as service
from application.acting import Permit
from application.adapter_lines import AdapterList, TestSendRead, ValidationReport
from application.errors import Problem, RequestRejected

router = APIRouter(prefix="/adapters", tags=["adapters"])

SANDBOX_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorMessage, "description": "The adapter has no such channel, or no sandbox"},
    503: {"model": ErrorMessage, "description": "Adapters are not loaded in this API process"},
}
Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]

_CONFIG_BODY = {
    "requestBody": {
        "required": True,
        "description": "The adapter configuration file itself (TOML, or YAML by filename)",
        "content": {
            "application/toml": {"schema": {"type": "string"}},
            "application/yaml": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


@router.get("")
async def list_adapters(
    permit: Annotated[Permit, permitted(service.list_adapters)], helpline: HelplineDep
) -> AdapterList:
    """Every registered platform and partner adapter: kind, capabilities, delivery,
    retry profile, where it came from, and its health (last success, last failure
    and its reason). ``problems`` lists adapters that failed to load."""
    return await service.list_adapters(helpline, permit)


@router.post("/{slug}/test-notice", responses=SANDBOX_ERRORS)
async def test_notice(
    slug: Slug, permit: Annotated[Permit, permitted(service.test_notice)], helpline: HelplineDep
) -> TestSendRead:
    """Send a marked test notice (no personal data) to the platform's sandbox, then
    read its decision once. 409 when the adapter has no notice channel or sandbox."""
    return await service.test_notice(helpline, permit, slug)


@router.post("/{slug}/test-handoff", responses=SANDBOX_ERRORS)
async def test_handoff(
    slug: Slug, permit: Annotated[Permit, permitted(service.test_handoff)], helpline: HelplineDep
) -> TestSendRead:
    """Send a marked test handoff (no personal data) to the partner's sandbox, then
    read its status once. 409 when the adapter has no handoff channel or sandbox."""
    return await service.test_handoff(helpline, permit, slug)


@router.post(
    "/validate",
    openapi_extra=_CONFIG_BODY,
    responses={413: {"model": ErrorMessage, "description": "The file is too large"}},
)
async def validate(
    request: Request,
    permit: Annotated[Permit, permitted(service.validate_config)],
    helpline: HelplineDep,
    filename: Annotated[
        str, Query(max_length=200, description="Names the file in problems; .yaml/.yml is YAML")
    ] = "adapters.toml",
) -> ValidationReport:
    """Check a configuration file as the worker and API would load it (with the
    built-in and installed adapters it may override), without starting anything."""
    raw = await request.body()
    if len(raw) > service.MAX_CONFIG_BYTES:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"body: a configuration file is at most {service.MAX_CONFIG_BYTES} bytes",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRejected(
            [Problem(("body",), "body: the file must be UTF-8 text", "value_error", "not_utf8")]
        ) from None
    return await service.validate_config(helpline, permit, text, filename)
