"""Test sends: a clearly marked test notice or handoff, holding no personal data,
sent to an adapter's sandbox (its configuration's ``sandbox()``), then one follow-up
read (decision or status) to exercise both directions.

Test payloads are recognisable by their ids (``relais-test-...``), by the item URL
under the reserved ``.invalid`` domain, by the reason text, and by ``test: true``
in the documents that declarative channels map (``X-Relais-Test`` for e-mail).
"""

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel

from domain.intake import AgeBand, Category, Urgency
from domain.items import ContentType, LegalQualification, QualifiedItem
from domain.notice import SubmitNoticeRequest
from domain.personal import ItemLocation
from domain.referral import HandoffPackage, HandoffRequest, LegalBasis
from partners.errors import AdapterError, PermanentAdapterError, scrub
from partners.mapping import TEST_CASE_PREFIX
from partners.spec import ConfiguredAdapter

TEST_REASON = "TEST - Relais integration test, no real case, please ignore"
TEST_TIMEOUT_SECONDS = 30.0


class SandboxSendResult(BaseModel):
    slug: str
    capability: Literal["notice", "handoff"]
    sandbox: bool = True
    ok: bool
    reference: str | None = None
    follow_up: str | None = None
    error: str | None = None
    permanent: bool | None = None
    elapsed_ms: int


def _test_id() -> str:
    return f"{TEST_CASE_PREFIX}-{secrets.token_hex(6)}"


def sample_notice_request(slug: str) -> SubmitNoticeRequest:
    test_id = _test_id()
    return SubmitNoticeRequest(
        case_id=test_id,
        notice_id=f"{test_id}-n1",
        idempotency_key=f"{test_id}-n1",
        item=QualifiedItem(
            platform=slug,
            content_type=ContentType.POST,
            legal_qualification=LegalQualification.CYBERHARASSMENT,
            location=ItemLocation(url=f"https://relais.invalid/test-notice/{test_id}"),
        ),
    )


def sample_handoff_request(slug: str) -> HandoffRequest:
    test_id = _test_id()
    return HandoffRequest(
        partner=slug,
        idempotency_key=f"{test_id}-r1",
        package=HandoffPackage(
            case_id=test_id,
            referral_id=f"{test_id}-r1",
            categories=[Category.OTHER],
            age_band=AgeBand.UNKNOWN,
            urgency=Urgency.LOW,
            legal_basis=LegalBasis.CONSENT,
            reason=TEST_REASON,
        ),
    )


async def send_test_notice(adapter: ConfiguredAdapter[Any]) -> SandboxSendResult:
    """Raises :class:`SandboxUnavailable` when the adapter has no sandbox."""
    channel = adapter.notice_channel(sandbox=True)
    if channel is None:
        raise PermanentAdapterError(f"'{adapter.info.slug}' has no notice channel")
    request = sample_notice_request(adapter.info.slug)

    async def submit() -> str:
        return (await channel.submit_notice(request)).platform_reference

    async def follow(reference: str) -> str:
        decision = await channel.fetch_decision(reference)
        return "no decision yet" if decision is None else f"decision: {decision.decision.value}"

    return await _run(adapter.info.slug, "notice", submit, follow)


async def send_test_handoff(adapter: ConfiguredAdapter[Any]) -> SandboxSendResult:
    channel = adapter.handoff_channel(sandbox=True)
    if channel is None:
        raise PermanentAdapterError(f"'{adapter.info.slug}' has no handoff channel")
    request = sample_handoff_request(adapter.info.slug)

    async def submit() -> str:
        return (await channel.hand_over(request)).partner_reference

    async def follow(reference: str) -> str:
        return f"status: {(await channel.fetch_status(reference)).status.value}"

    return await _run(adapter.info.slug, "handoff", submit, follow)


async def _run(
    slug: str,
    capability: Literal["notice", "handoff"],
    submit: Callable[[], Awaitable[str]],
    follow: Callable[[str], Awaitable[str]],
) -> SandboxSendResult:
    started = time.monotonic()
    reference: str | None = None
    try:
        async with asyncio.timeout(TEST_TIMEOUT_SECONDS):
            reference = await submit()
            follow_up = await follow(reference)
    except TimeoutError:
        return _failed(slug, capability, started, reference, "timed out", permanent=False)
    except AdapterError as exc:
        permanent = isinstance(exc, PermanentAdapterError)
        return _failed(slug, capability, started, reference, scrub(str(exc)), permanent)
    except Exception as exc:  # an adapter bug: report it to the integrator
        return _failed(slug, capability, started, reference, f"adapter bug: {type(exc).__name__}")
    return SandboxSendResult(
        slug=slug,
        capability=capability,
        ok=True,
        reference=reference,
        follow_up=follow_up,
        elapsed_ms=_ms(started),
    )


def _failed(
    slug: str,
    capability: Literal["notice", "handoff"],
    started: float,
    reference: str | None,
    error: str,
    permanent: bool | None = None,
) -> SandboxSendResult:
    return SandboxSendResult(
        slug=slug,
        capability=capability,
        ok=False,
        reference=reference,
        error=error,
        permanent=permanent,
        elapsed_ms=_ms(started),
    )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
