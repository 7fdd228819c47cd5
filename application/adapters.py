"""Adapter listing with health, test sends and configuration checks.

The API process loads the same registry as the worker; health comes from the app
database, where the worker's partner-call activities record it. A test send is the
one place the API itself calls a partner: an integrator's diagnostic against the
adapter's sandbox, bounded in time, never on a case's path.
"""

from pathlib import PurePath
from typing import Any

from application.acting import ADAPTER_READERS, INTEGRATORS, Permit, service
from application.adapter_lines import (
    AdapterHealthRead,
    AdapterList,
    AdapterProblemRead,
    AdapterRead,
    HealthStatus,
    ValidatedAdapter,
    ValidationReport,
)
from application.catalog import CatalogSource
from application.errors import Conflict, NotFound, Unavailable
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from domain.catalog import AdapterInfo
from domain.notice import AttachmentLimits
from partners.errors import SandboxUnavailable
from partners.loading import validate_config_text
from partners.registry import AdapterRegistry
from partners.sandbox import SandboxSendResult, send_test_handoff, send_test_notice
from partners.spec import Capability, ConfiguredAdapter
from relais.db.repositories.adapter_health import AdapterHealth, AdapterHealthBook
from relais.settings import Settings

MAX_CONFIG_BYTES = 256 * 1024


def _health(found: AdapterHealth | None) -> AdapterHealthRead:
    if found is None:
        return AdapterHealthRead()
    data = found.model_dump(exclude={"slug"})
    if found.last_failure_at and (
        found.last_success_at is None or found.last_failure_at > found.last_success_at
    ):
        status = HealthStatus.FAILING
    else:
        status = HealthStatus.OK if found.last_success_at else HealthStatus.UNKNOWN
    return AdapterHealthRead(status=status, **data)


def _has_sandbox(adapter: ConfiguredAdapter[Any]) -> bool:
    try:
        adapter.config.sandbox()
    except SandboxUnavailable:
        return False
    return True


async def adapters_and_health(source: CatalogSource, book: AdapterHealthBook) -> AdapterList:
    health = await book.all()
    entries: list[AdapterRead] = []
    if isinstance(source, AdapterRegistry):
        for adapter in source.adapters():
            entries.append(
                _read(
                    adapter.info,
                    adapter.spec.capabilities,
                    health.get(adapter.info.slug),
                    source=adapter.spec.source,
                    sandbox=_has_sandbox(adapter),
                    attachments=_attachments(adapter),
                )
            )
        problems = [AdapterProblemRead.of(p) for p in source.problems]
        return AdapterList(adapters=entries, problems=problems)
    catalog = source.catalog()  # a fixed catalog (tests, tools): no sources, no sandboxes
    slugs = sorted({*catalog.platforms, *catalog.partners})
    for slug in slugs:
        info = catalog.platforms.get(slug) or catalog.partners[slug]
        capabilities = [
            capability
            for capability, table in (
                (Capability.NOTICE, catalog.platforms),
                (Capability.HANDOFF, catalog.partners),
            )
            if slug in table
        ]
        entries.append(_read(info, capabilities, health.get(slug)))
    return AdapterList(adapters=entries)


def _attachments(adapter: ConfiguredAdapter[Any]) -> AttachmentLimits | None:
    channel = adapter.notice_channel()
    limits = channel.accepts_attachments if channel is not None else None
    if limits is None:
        return None
    return AttachmentLimits(
        max_files=limits.max_files, max_bytes=limits.max_bytes, media_types=limits.media_types
    )


def _read(
    info: AdapterInfo,
    capabilities: list[Capability],
    health: AdapterHealth | None,
    *,
    source: str | None = None,
    sandbox: bool = False,
    attachments: AttachmentLimits | None = None,
) -> AdapterRead:
    return AdapterRead(
        **info.model_dump(),
        capabilities=capabilities,
        source=source,
        sandbox=sandbox,
        accepts_attachments=attachments,
        health=_health(health),
    )


async def send_to_sandbox(
    source: CatalogSource, slug: str, capability: Capability
) -> SandboxSendResult:
    if not isinstance(source, AdapterRegistry):
        raise Unavailable("adapters are not loaded in this API process")
    adapter = source.get(slug)
    if adapter is None:
        raise NotFound(f"no adapter '{slug}' is registered")
    if capability not in adapter.spec.capabilities:
        other = "test-handoff" if capability is Capability.NOTICE else "test-notice"
        raise Conflict(f"adapter '{slug}' has no {capability.value} channel; use {other}")
    try:
        if capability is Capability.NOTICE:
            return await send_test_notice(adapter)
        return await send_test_handoff(adapter)
    except SandboxUnavailable as exc:
        raise Conflict(f"adapter '{slug}' has no sandbox: {exc}") from None


def check_config(settings: Settings, text: str, filename: str) -> ValidationReport:
    """Check a configuration file as the worker would load it, in this process's
    environment (``${VAR}`` references unset here are reported)."""
    name = PurePath(filename).name or "adapters.toml"
    report = validate_config_text(settings, text, name)
    return ValidationReport(
        valid=not report.problems,
        problems=[AdapterProblemRead.of(p) for p in report.problems],
        adapters=[
            ValidatedAdapter(
                slug=a.info.slug,
                kind=a.info.kind,
                capabilities=a.spec.capabilities,
                source=a.spec.source,
            )
            for a in report.adapters
        ],
        notes=report.notes,
    )


@service(*ADAPTER_READERS)
async def list_adapters(helpline: Helpline, permit: Permit) -> AdapterList:
    """Every registered platform and partner adapter, with its health (no personal
    data, not audited)."""
    return await adapters_and_health(helpline.catalog_source, AdapterHealthBook(helpline.database))


@service(*INTEGRATORS)
async def test_notice(helpline: Helpline, permit: Permit, slug: str) -> SandboxSendResult:
    """Send a marked test notice (no personal data) to the platform's sandbox."""
    result = await send_to_sandbox(helpline.catalog_source, slug, Capability.NOTICE)
    await helpline.audit(permit).record(
        AuditAction.ADAPTER_TEST_NOTICE, detail=f"adapter={slug} ok={result.ok}"
    )
    return result


@service(*INTEGRATORS)
async def test_handoff(helpline: Helpline, permit: Permit, slug: str) -> SandboxSendResult:
    """Send a marked test handoff (no personal data) to the partner's sandbox."""
    result = await send_to_sandbox(helpline.catalog_source, slug, Capability.HANDOFF)
    await helpline.audit(permit).record(
        AuditAction.ADAPTER_TEST_HANDOFF, detail=f"adapter={slug} ok={result.ok}"
    )
    return result


@service(*INTEGRATORS)
async def validate_config(
    helpline: Helpline, permit: Permit, text: str, filename: str
) -> ValidationReport:
    """Check a configuration file without starting anything (not audited: it holds
    no case and changes nothing)."""
    return check_config(helpline.settings, text, filename)
