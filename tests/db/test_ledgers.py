"""NoticeLedger and ReferralLedger: per-notice and per-referral projections."""

from datetime import timedelta

from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
from domain.referral import ReferralStatus
from relais.db import Database, NoticeLedger, ReferralLedger
from tests.db.builders import T0, notice_record, referral_record


async def test_a_notice_reads_back_and_ignores_late_older_writes(database: Database) -> None:
    notices = NoticeLedger(database)
    decided = notice_record(
        version=4,
        status=NoticeStatus.DECIDED,
        decision=Decision.REMOVED,
        platform_reference="TT-123",
        submitted_at=T0,
        acknowledged_at=T0 + timedelta(minutes=5),
        decided_at=T0 + timedelta(minutes=40),
        renotices=1,
    )
    assert await notices.upsert(decided) is True

    assert await notices.upsert(notice_record(version=2, status=NoticeStatus.SUBMITTED)) is False
    assert await notices.upsert(decided) is True  # same version again: a harmless retry

    assert await notices.get("n-1") == decided
    assert await notices.get("n-missing") is None


async def test_a_notice_keeps_its_dsa_timestamps_and_the_platforms_references(
    database: Database,
) -> None:
    """Sent, receipt confirmed (Art. 16(4)), decided (Art. 16(5)) as the platform
    states it and as Relais received it, each re-notice, our own check, and the
    platform's references for the item and for its decision: all read back."""
    notices = NoticeLedger(database)
    verified = notice_record(
        version=9,
        status=NoticeStatus.VERIFIED_REMOVED,
        decision=Decision.REMOVED,
        platform_reference="TT-123",
        decision_reference="TT-SOR-2026-0042",
        submitted_at=T0,
        acknowledged_at=T0 + timedelta(seconds=30),
        renotices=2,
        renoticed_at=[T0 + timedelta(days=1), T0 + timedelta(days=2)],
        sla_breached=True,
        sla_breached_at=T0 + timedelta(hours=24),
        platform_decided_at=T0 + timedelta(days=2, hours=3),
        decided_at=T0 + timedelta(days=2, hours=3, minutes=1),
        checked_at=T0 + timedelta(days=2, hours=4),
        verified_at=T0 + timedelta(days=2, hours=4),
    )
    await notices.upsert(verified)

    assert await notices.get("n-1") == verified
    [listed] = await notices.list_for_case("case-1")
    assert listed.renoticed_at == [T0 + timedelta(days=1), T0 + timedelta(days=2)]


async def test_notices_list_by_case_and_by_platform_status_and_time(database: Database) -> None:
    notices = NoticeLedger(database)
    await notices.upsert(notice_record("n-b", updated_at=T0 + timedelta(hours=3)))
    await notices.upsert(
        notice_record("n-a", platform="snapchat", status=NoticeStatus.REFUSED, updated_at=T0)
    )
    await notices.upsert(notice_record("n-c", case_id="case-2", updated_at=T0 + timedelta(hours=1)))

    assert [n.notice_id for n in await notices.list_for_case("case-1")] == ["n-a", "n-b"]
    assert [n.notice_id for n in await notices.list()] == ["n-a", "n-c", "n-b"]
    assert [n.notice_id for n in await notices.list(platform="tiktok")] == ["n-c", "n-b"]
    assert [n.notice_id for n in await notices.list(status=NoticeStatus.REFUSED)] == ["n-a"]
    since = T0 + timedelta(hours=1)
    assert [n.notice_id for n in await notices.list(since=since)] == ["n-c", "n-b"]
    assert await notices.list(platform="snapchat", status=NoticeStatus.SUBMITTED) == []


async def test_a_referral_reads_back_and_ignores_late_older_writes(database: Database) -> None:
    referrals = ReferralLedger(database)
    accepted = referral_record(
        version=3,
        status=ReferralStatus.ACCEPTED,
        partner_reference="PH-77",
        emergency=True,
        sent_at=T0,
        acknowledged_at=T0 + timedelta(minutes=1),
        outcome_at=T0 + timedelta(days=2),
        detail="investigation opened",
    )
    assert await referrals.upsert(accepted) is True

    assert await referrals.upsert(referral_record(version=1)) is False

    assert await referrals.get("r-1") == accepted
    assert await referrals.get("r-missing") is None


async def test_referrals_list_by_case_and_by_partner_status_and_time(database: Database) -> None:
    referrals = ReferralLedger(database)
    await referrals.upsert(referral_record("r-1", updated_at=T0))
    await referrals.upsert(
        referral_record(
            "r-2",
            partner="police",
            status=ReferralStatus.FAILED,
            updated_at=T0 + timedelta(hours=2),
        )
    )
    await referrals.upsert(
        referral_record("r-3", case_id="case-2", updated_at=T0 + timedelta(hours=1))
    )

    assert [r.referral_id for r in await referrals.list_for_case("case-1")] == ["r-1", "r-2"]
    assert [r.referral_id for r in await referrals.list(partner="pharos")] == ["r-1", "r-3"]
    assert [r.referral_id for r in await referrals.list(status=ReferralStatus.FAILED)] == ["r-2"]
    since = T0 + timedelta(minutes=30)
    assert [r.referral_id for r in await referrals.list(since=since)] == ["r-3", "r-2"]


async def test_notice_counts_group_the_notices_submitted_in_the_period(
    database: Database,
) -> None:
    notices = NoticeLedger(database)
    removed = {"status": NoticeStatus.VERIFIED_REMOVED, "decision": Decision.REMOVED}
    harassment = {"legal_qualification": LegalQualification.CYBERHARASSMENT}
    for n in range(3):
        await notices.upsert(notice_record(f"n-r{n}", submitted_at=T0, **removed, **harassment))
    await notices.upsert(
        notice_record(
            "n-x",
            platform="snapchat",
            submitted_at=T0,
            status=NoticeStatus.REFUSED,
            decision=Decision.REFUSED,
            legal_qualification=LegalQualification.BLACKMAIL,
        )
    )
    await notices.upsert(notice_record("n-old", submitted_at=T0 - timedelta(days=400), **removed))
    await notices.upsert(notice_record("n-fail", status=NoticeStatus.FAILED, updated_at=T0))
    await notices.upsert(
        notice_record("n-appeal", submitted_at=T0, appeal_of="n-x", platform="snapchat")
    )

    counts = await notices.outcome_counts(T0 - timedelta(days=1), T0 + timedelta(days=1))
    appeals = [c for c in counts if c.appeal]
    assert [(c.platform, c.status, c.notices) for c in appeals] == [
        ("snapchat", NoticeStatus.SUBMITTED, 1)
    ]
    firsts = [c for c in counts if not c.appeal]
    assert [
        (c.platform, c.legal_qualification, c.status, c.decision, c.notices) for c in firsts
    ] == [
        ("snapchat", LegalQualification.BLACKMAIL, NoticeStatus.REFUSED, Decision.REFUSED, 1),
        (
            "tiktok",
            LegalQualification.CYBERHARASSMENT,
            NoticeStatus.VERIFIED_REMOVED,
            Decision.REMOVED,
            3,
        ),
    ]
    period = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    assert await notices.undelivered_counts(*period) == {"tiktok": 1}
    assert await notices.undelivered_counts(T0 + timedelta(days=1), T0 + timedelta(days=2)) == {}
