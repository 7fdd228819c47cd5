"""Record builders for the database tests: valid defaults, override what a test is about."""

from datetime import UTC, datetime, timedelta

from domain.case import CaseStatus
from domain.intake import AgeBand, CallerRole, Category, Channel, Urgency
from domain.notice import NoticeStatus
from domain.records import CaseRecord, NoticeRecord, ReferralRecord, TaskRecord
from domain.referral import LegalBasis, ReferralStatus
from domain.tasks import TaskKind

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def case_record(case_id: str = "case-1", version: int = 1, **changes: object) -> CaseRecord:
    values: dict[str, object] = {
        "case_id": case_id,
        "version": version,
        "status": CaseStatus.OPEN,
        "urgency": Urgency.NORMAL,
        "channel": Channel.PHONE,
        "caller_role": CallerRole.VICTIM,
        "age_band": AgeBand.AGE_15_17,
        "categories": [Category.CYBERHARASSMENT],
        "opened_by": "counsellor-a",
        "opened_at": T0,
        "updated_at": T0 + timedelta(minutes=version),
    }
    return CaseRecord.model_validate(values | changes)


def notice_record(notice_id: str = "n-1", version: int = 1, **changes: object) -> NoticeRecord:
    values: dict[str, object] = {
        "notice_id": notice_id,
        "case_id": "case-1",
        "version": version,
        "platform": "tiktok",
        "idempotency_key": f"key-{notice_id}",
        "status": NoticeStatus.SUBMITTED,
        "updated_at": T0 + timedelta(minutes=version),
    }
    return NoticeRecord.model_validate(values | changes)


def referral_record(
    referral_id: str = "r-1", version: int = 1, **changes: object
) -> ReferralRecord:
    values: dict[str, object] = {
        "referral_id": referral_id,
        "case_id": "case-1",
        "version": version,
        "partner": "pharos",
        "idempotency_key": f"key-{referral_id}",
        "legal_basis": LegalBasis.CONSENT,
        "status": ReferralStatus.SENT,
        "updated_at": T0 + timedelta(minutes=version),
    }
    return ReferralRecord.model_validate(values | changes)


def task_record(task_id: str = "t-1", **changes: object) -> TaskRecord:
    values: dict[str, object] = {
        "task_id": task_id,
        "case_id": "case-1",
        "kind": TaskKind.CALLBACK_DUE,
        "for_role": "counsellor",
        "summary": "Call back: first attempt",
        "created_at": T0,
    }
    return TaskRecord.model_validate(values | changes)
