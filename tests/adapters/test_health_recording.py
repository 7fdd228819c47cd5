"""The partner-call activities record each adapter's health: a refusal is a
permanent failure whose reason holds no personal data, an outage a transient one,
and the next success clears the count."""

from pathlib import Path

import httpx
import pytest
from temporalio.exceptions import ApplicationError

from activities.notices import NoticeActivities
from domain.items import ContentType, LegalQualification, QualifiedItem
from domain.notice import SubmitNoticeRequest
from domain.personal import ItemLocation
from partners.health import DatabaseHealthRecorder
from partners.loading import load_registry
from relais.db import Database
from relais.db.repositories.adapter_health import AdapterHealthBook
from relais.serving import serve_app
from relais.settings import Settings
from simulator.app import create_app as create_simulator
from simulator.config import SimulatorConfig

URL = "https://www.tiktok.com/@lea.private/video/99"


def _request(key: str) -> SubmitNoticeRequest:
    return SubmitNoticeRequest(
        case_id="c1",
        notice_id=f"c1-{key}",
        idempotency_key=key,
        item=QualifiedItem(
            platform="tiktok",
            content_type=ContentType.VIDEO,
            legal_qualification=LegalQualification.CYBERHARASSMENT,
            location=ItemLocation(url=URL),
        ),
    )


async def test_failures_and_successes_are_recorded(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}")
    await database.create_schema()
    book = AdapterHealthBook(database)
    async with serve_app(create_simulator(SimulatorConfig())) as sim_url:
        activities = NoticeActivities(
            load_registry(Settings(simulator_url=sim_url)), DatabaseHealthRecorder(book)
        )
        async with httpx.AsyncClient(base_url=sim_url) as sim:
            await sim.put(
                "/_control/targets/tiktok",
                json={"reject_with": 422, "reject_reason": f"bad location {URL} (lea@x.example)"},
            )
            with pytest.raises(ApplicationError) as refused:
                await activities.submit_notice(_request("k1"))
            after_refusal = await book.get("tiktok")

            await sim.put("/_control/targets/tiktok", json={"reject_with": None, "fail_next": 1})
            with pytest.raises(ApplicationError):
                await activities.submit_notice(_request("k2"))
            after_outage = await book.get("tiktok")

            await activities.submit_notice(_request("k2"))
            recovered = await book.get("tiktok")
    await database.dispose()

    assert refused.value.non_retryable
    assert after_refusal is not None and after_outage is not None and recovered is not None
    assert after_refusal.last_failure_permanent is True
    assert after_refusal.last_failure_operation == "submit_notice"
    reason = after_refusal.last_failure_reason or ""
    assert reason == "submit notice: refused (422) bad location <url> (<email>)"
    assert "lea" not in reason
    assert after_outage.last_failure_permanent is False
    assert after_outage.last_failure_reason == "submit notice: partner unavailable (503)"
    assert after_outage.failures_since_success == 2
    assert recovered.last_success_operation == "submit_notice"
    assert recovered.failures_since_success == 0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_successes_are_written_once_per_interval_but_never_hide_a_failure(
    tmp_path: Path,
) -> None:
    """Thousands of notices a minute to one platform must not all rewrite its row;
    a failure, and the recovery right after it, are always written."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}")
    await database.create_schema()
    book = AdapterHealthBook(database)
    clock = Clock()
    recorder = DatabaseHealthRecorder(book, success_interval=5.0, clock=clock)

    await recorder.success("tiktok", "submit_notice")
    first = await book.get("tiktok")
    clock.now = 1.0
    await recorder.success("tiktok", "check_content")
    within_interval = await book.get("tiktok")
    clock.now = 2.0
    await recorder.failure("tiktok", "submit_notice", "partner unavailable (503)", permanent=False)
    failed = await book.get("tiktok")
    clock.now = 3.0
    await recorder.success("tiktok", "submit_notice")
    recovered = await book.get("tiktok")
    clock.now = 8.0
    await recorder.success("tiktok", "fetch_decision")
    later = await book.get("tiktok")
    await database.dispose()

    assert first is not None and within_interval is not None and failed is not None
    assert recovered is not None and later is not None
    assert within_interval.last_success_at == first.last_success_at
    assert within_interval.last_success_operation == "submit_notice"
    assert failed.failures_since_success == 1
    assert recovered.failures_since_success == 0
    assert recovered.last_success_at is not None and first.last_success_at is not None
    assert recovered.last_success_at > first.last_success_at
    assert later.last_success_operation == "fetch_decision"
