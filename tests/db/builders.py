"""Record builders for the database tests: valid defaults, override what a test is about."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.case import CaseStatus
from domain.intake import AgeBand, CallerRole, Category, Channel, Urgency
from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
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


# ---- a year of notices with known answers (scorecard, yearly report, their pages) ----

YEAR = 2026
PARIS = ZoneInfo("Europe/Paris")
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def _sent(
    notice_id: str,
    platform: str,
    submitted_at: datetime,
    qualification: LegalQualification = LegalQualification.CYBERHARASSMENT,
    **changes: object,
) -> NoticeRecord:
    values: dict[str, object] = {
        "platform": platform,
        "legal_qualification": qualification,
        "status": NoticeStatus.ACKNOWLEDGED,
        "submitted_at": submitted_at,
        "acknowledged_at": submitted_at + MINUTE,
        "version": 5,
        "updated_at": submitted_at + DAY,
    }
    return notice_record(notice_id, **(values | changes))


def _removed(
    notice_id: str, platform: str, submitted_at: datetime, after: timedelta, **changes: object
) -> NoticeRecord:
    """Removed by the platform, then gone at our own check ``after`` submission."""
    values: dict[str, object] = {
        "status": NoticeStatus.VERIFIED_REMOVED,
        "decision": Decision.REMOVED,
        "decision_reference": f"SOR-{notice_id}",
        "platform_decided_at": submitted_at + after - MINUTE,
        "decided_at": submitted_at + after - MINUTE,
        "checked_at": submitted_at + after,
        "verified_at": submitted_at + after,
    }
    return _sent(notice_id, platform, submitted_at, **(values | changes))


def accountability_year() -> list[NoticeRecord]:
    """Notices of ``YEAR`` from platforms that behave in known ways:

    - tiktok removes every notice in 30 minutes (4 notices, one per quarter);
    - snapchat refuses (3 notices); one refusal is appealed and refused again;
    - x never answers: 2 notices re-noticed 3 times each past their SLA, one whose
      only answer was "no answer", and one withdrawn by the young person;
    - roblox removes two in 2 hours and the third after 50 days (Arachnid's tail);
    - youtube removes in 10 minutes, 2 hours, 3 days and 10 days, and says it
      removed a fifth that our check still finds online.

    Plus what must not count: a tiktok notice of the year before, and one that never
    reached its platform.
    """
    start = datetime(YEAR, 1, 1, tzinfo=PARIS)
    month = [datetime(YEAR, m, 10, 12, 0, tzinfo=PARIS) for m in range(1, 13)]
    intimate = LegalQualification.INTIMATE_IMAGE_WITHOUT_CONSENT
    csam = LegalQualification.CHILD_SEXUAL_ABUSE_MATERIAL
    notices = [
        *(_removed(f"tt-{q}", "tiktok", month[3 * q], 30 * MINUTE) for q in range(4)),
        *(
            _sent(
                f"sc-{n}",
                "snapchat",
                month[n],
                intimate,
                status=NoticeStatus.REFUSED,
                decision=Decision.REFUSED,
                decision_reference=f"SOR-sc-{n}",
                platform_decided_at=month[n] + 2 * HOUR,
                decided_at=month[n] + 2 * HOUR,
            )
            for n in range(3)
        ),
        _sent(
            "sc-0-appeal",
            "snapchat",
            month[1] + DAY,
            intimate,
            appeal_of="sc-0",
            status=NoticeStatus.REFUSED,
            decision=Decision.REFUSED,
            decided_at=month[1] + 2 * DAY,
        ),
        *(
            _sent(
                f"x-{n}",
                "x",
                month[4 + n],
                renotices=3,
                renoticed_at=[month[4 + n] + d * DAY for d in (1, 2, 3)],
                sla_breached=True,
                sla_breached_at=month[4 + n] + DAY,
            )
            for n in range(2)
        ),
        _sent("x-withdrawn", "x", month[6], status=NoticeStatus.CANCELLED, acknowledged_at=None),
        _sent(
            "x-says-no-answer",
            "x",
            month[11],
            status=NoticeStatus.REFUSED,
            decision=Decision.NO_ANSWER,
            decided_at=month[11] + 3 * DAY,
        ),
        _removed("rb-0", "roblox", month[2], 2 * HOUR, qualification=csam),
        _removed("rb-1", "roblox", month[2] + DAY, 2 * HOUR, qualification=csam),
        _removed(
            "rb-tail",
            "roblox",
            month[7],
            50 * DAY,
            qualification=csam,
            renotices=49,
            sla_breached=True,
            sla_breached_at=month[7] + DAY,
        ),
        _removed("yt-0", "youtube", month[8], 10 * MINUTE),
        _removed("yt-1", "youtube", month[8], 2 * HOUR),
        _removed("yt-2", "youtube", month[9], 3 * DAY),
        _removed("yt-3", "youtube", month[10], 10 * DAY),
        _sent(
            "yt-online",
            "youtube",
            month[10],
            status=NoticeStatus.STILL_ONLINE,
            decision=Decision.REMOVED,
            checked_at=month[10] + 3 * HOUR,
        ),
        _removed("tt-last-year", "tiktok", start - 5 * DAY, 30 * MINUTE),
        notice_record(
            "tt-undelivered",
            platform="tiktok",
            status=NoticeStatus.FAILED,
            updated_at=month[5],
        ),
    ]
    return notices


# The scorecard ``accountability_year`` must give: these fields of each platform.
SCORECARD_FIELDS = (
    "notices removed refused no_answer withdrawn removal_rate refused_rate no_answer_rate "
    "acknowledged removal_verified online_after_removal removed_within_1h removed_within_24h "
    "removed_within_7d removed_after_42d share_within_1h share_within_24h share_within_7d "
    "share_after_42d renotices_sent notices_renoticed sla_breaches"
).split()
SCORECARD: dict[str, tuple[object, ...]] = {
    #          n  rem ref no  wd  rem%  ref%  no%     ack ver onl 1h 24h 7d >42d
    #          1h%   24h%    7d%     >42d%   renot renoticed sla
    "roblox": (3, 3, 0, 0, 0, 1.0, 0.0, 0.0, 3, 3, 0, 0, 2, 2, 1,
               0.0, 0.6667, 0.6667, 0.3333, 49, 1, 1),
    "snapchat": (3, 0, 3, 0, 0, 0.0, 1.0, 0.0, 3, 0, 0, 0, 0, 0, 0,
                 None, None, None, None, 0, 0, 0),
    "tiktok": (4, 4, 0, 0, 0, 1.0, 0.0, 0.0, 4, 4, 0, 4, 4, 4, 0,
               1.0, 1.0, 1.0, 0.0, 0, 0, 0),
    "x": (4, 0, 0, 3, 1, 0.0, 0.0, 0.75, 3, 0, 0, 0, 0, 0, 0,
          None, None, None, None, 6, 2, 2),
    "youtube": (5, 5, 0, 0, 0, 1.0, 0.0, 0.0, 5, 4, 1, 1, 2, 3, 0,
                0.25, 0.5, 0.75, 0.0, 0, 0, 0),
}  # fmt: skip
