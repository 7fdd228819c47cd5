"""Adapters: what every case can reach, how each is doing, test sends to their
sandboxes, and configuration checks that start nothing."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from api.auth import Actor, AdapterReader, AuditTrailDep, allow
from api.deps import CatalogDep, DatabaseDep, SettingsDep
from api.schemas.adapters import AdapterList, TestSendRead, ValidationReport
from api.schemas.errors import ErrorMessage
from api.services import adapters as service
from api.services.errors import Problem, RequestRejected
from partners.spec import Capability
from relais.db.repositories.adapter_health import AdapterHealthBook
from relais.settings import Role

router = APIRouter(prefix="/adapters", tags=["adapters"])

Integrator = Annotated[Actor, Depends(allow(Role.INTEGRATOR))]
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
async def list_adapters(actor: AdapterReader, catalog: CatalogDep, db: DatabaseDep) -> AdapterList:
    """Every registered platform and partner adapter: kind, capabilities, delivery,
    retry profile, where it came from, and its health (last success, last failure
    and its reason). ``problems`` lists adapters that failed to load."""
    return await service.list_adapters(catalog, AdapterHealthBook(db))


@router.post("/{slug}/test-notice", responses=SANDBOX_ERRORS)
async def test_notice(
    slug: Slug, actor: Integrator, catalog: CatalogDep, audit: AuditTrailDep
) -> TestSendRead:
    """Send a marked test notice (no personal data) to the platform's sandbox, then
    read its decision once. 409 when the adapter has no notice channel or sandbox."""
    result = await service.send_to_sandbox(catalog, slug, Capability.NOTICE)
    await audit.record("adapter.test_notice", detail=f"adapter={slug} ok={result.ok}")
    return result


@router.post("/{slug}/test-handoff", responses=SANDBOX_ERRORS)
async def test_handoff(
    slug: Slug, actor: Integrator, catalog: CatalogDep, audit: AuditTrailDep
) -> TestSendRead:
    """Send a marked test handoff (no personal data) to the partner's sandbox, then
    read its status once. 409 when the adapter has no handoff channel or sandbox."""
    result = await service.send_to_sandbox(catalog, slug, Capability.HANDOFF)
    await audit.record("adapter.test_handoff", detail=f"adapter={slug} ok={result.ok}")
    return result


@router.post(
    "/validate",
    openapi_extra=_CONFIG_BODY,
    responses={413: {"model": ErrorMessage, "description": "The file is too large"}},
)
async def validate(
    request: Request,
    actor: Integrator,
    settings: SettingsDep,
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
    return service.validate_config(settings, text, filename)
