"""CaseDirectory: the supervisor's list of cases, fed by retried, out-of-order writes."""

import asyncio
import random
from datetime import timedelta

from domain.case import CaseStatus
from domain.intake import Category, Urgency
from domain.records import CaseFilter
from relais.db import CaseDirectory, Database
from tests.db.builders import T0, case_record


async def test_a_case_reads_back_as_written(database: Database) -> None:
    cases = CaseDirectory(database)
    record = case_record(
        categories=[Category.SEXTORTION, Category.HACKING],
        platforms=["snapchat", "instagram"],
        partners=["pharos"],
        next_action_at=T0 + timedelta(days=2),
        sla_breached=True,
        notices_open=2,
        referrals_open=1,
    )

    assert await cases.upsert(record) is True

    assert await cases.get("case-1") == record
    assert await cases.get("no-such-case") is None


async def test_an_older_version_never_overwrites_a_newer_one(database: Database) -> None:
    cases = CaseDirectory(database)
    newer = case_record(version=3, status=CaseStatus.AWAITING_PLATFORM, platforms=["tiktok"])
    late_retry = case_record(version=2, status=CaseStatus.OPEN, platforms=["snapchat"])

    assert await cases.upsert(newer) is True
    assert await cases.upsert(late_retry) is False

    assert await cases.get("case-1") == newer
    # The ignored write must not leak into the list filters either.
    assert await cases.count(CaseFilter(platform="snapchat")) == 0
    assert await cases.count(CaseFilter(platform="tiktok")) == 1


async def test_replaying_the_same_version_is_harmless_and_a_newer_one_wins(
    database: Database,
) -> None:
    cases = CaseDirectory(database)
    first = case_record(version=1, platforms=["tiktok", "snapchat"])
    await cases.upsert(first)

    assert await cases.upsert(first) is True  # an activity retry after a lost reply
    newer = case_record(version=2, status=CaseStatus.CLOSED, closed_at=T0, platforms=["tiktok"])
    assert await cases.upsert(newer) is True

    assert await cases.get("case-1") == newer
    assert await cases.count(CaseFilter(platform="snapchat")) == 0
    assert await cases.count(CaseFilter()) == 1


async def test_concurrent_out_of_order_writes_keep_the_highest_version(
    database: Database,
) -> None:
    cases = CaseDirectory(database)
    versions = list(range(1, 21))
    random.Random(7).shuffle(versions)

    await asyncio.gather(
        *(cases.upsert(case_record(version=v, platforms=[f"platform-{v}"])) for v in versions)
    )

    stored = await cases.get("case-1")
    assert stored is not None and stored.version == 20
    assert await cases.count(CaseFilter(platform="platform-20")) == 1
    assert await cases.count(CaseFilter(platform="platform-19")) == 0


async def _seed(cases: CaseDirectory) -> None:
    records = [
        case_record(
            "c-old",
            opened_at=T0,
            categories=[Category.CYBERHARASSMENT],
            platforms=["tiktok"],
            partners=["pharos"],
        ),
        case_record(
            "c-mid",
            opened_at=T0 + timedelta(hours=1),
            status=CaseStatus.AWAITING_PLATFORM,
            urgency=Urgency.CRITICAL,
            categories=[Category.SEXTORTION, Category.INTIMATE_IMAGE],
            platforms=["snapchat", "tiktok"],
            partners=["police", "child-119"],
            sla_breached=True,
            opened_by="counsellor-b",
        ),
        case_record(
            "c-new",
            opened_at=T0 + timedelta(hours=2),
            urgency=Urgency.HIGH,
            categories=[Category.INTIMATE_IMAGE],
            platforms=["instagram"],
            opened_by="counsellor-b",
        ),
    ]
    for record in records:
        await cases.upsert(record)


async def _ids(cases: CaseDirectory, where: CaseFilter) -> list[str]:
    found = [record.case_id for record in await cases.list(where)]
    assert await cases.count(where) == len(found)
    return found


async def test_lists_are_newest_first_and_every_filter_narrows(database: Database) -> None:
    cases = CaseDirectory(database)
    await _seed(cases)

    assert await _ids(cases, CaseFilter()) == ["c-new", "c-mid", "c-old"]
    assert await _ids(cases, CaseFilter(status=CaseStatus.AWAITING_PLATFORM)) == ["c-mid"]
    assert await _ids(cases, CaseFilter(urgency=Urgency.HIGH)) == ["c-new"]
    assert await _ids(cases, CaseFilter(sla_breached=True)) == ["c-mid"]
    assert await _ids(cases, CaseFilter(sla_breached=False)) == ["c-new", "c-old"]
    assert await _ids(cases, CaseFilter(opened_by="counsellor-b")) == ["c-new", "c-mid"]
    assert await _ids(cases, CaseFilter(status=CaseStatus.CLOSED)) == []


async def test_list_columns_filter_on_membership(database: Database) -> None:
    cases = CaseDirectory(database)
    await _seed(cases)

    assert await _ids(cases, CaseFilter(category=Category.INTIMATE_IMAGE)) == ["c-new", "c-mid"]
    assert await _ids(cases, CaseFilter(category=Category.HACKING)) == []
    assert await _ids(cases, CaseFilter(platform="tiktok")) == ["c-mid", "c-old"]
    assert await _ids(cases, CaseFilter(partner="child-119")) == ["c-mid"]
    # Whole slugs only: "tok" is not "tiktok", "police" is not "police-nationale".
    assert await _ids(cases, CaseFilter(platform="tok")) == []
    assert await _ids(cases, CaseFilter(partner="child")) == []
    combined = CaseFilter(platform="tiktok", category=Category.SEXTORTION, partner="police")
    assert await _ids(cases, combined) == ["c-mid"]
    assert await _ids(cases, CaseFilter(platform="instagram", partner="pharos")) == []


async def test_pages_walk_the_list_and_count_ignores_paging(database: Database) -> None:
    cases = CaseDirectory(database)
    for n in range(7):
        await cases.upsert(case_record(f"c-{n}", opened_at=T0 + timedelta(minutes=n)))

    pages = [
        [r.case_id for r in await cases.list(CaseFilter(limit=3, offset=offset))]
        for offset in (0, 3, 6)
    ]

    assert pages == [["c-6", "c-5", "c-4"], ["c-3", "c-2", "c-1"], ["c-0"]]
    assert await cases.count(CaseFilter(limit=3, offset=3)) == 7


async def test_cases_opened_at_the_same_instant_page_without_gaps(database: Database) -> None:
    cases = CaseDirectory(database)
    for n in range(5):
        await cases.upsert(case_record(f"c-{n}", opened_at=T0))

    seen = [
        record.case_id
        for offset in range(0, 5, 2)
        for record in await cases.list(CaseFilter(limit=2, offset=offset))
    ]

    assert sorted(seen) == [f"c-{n}" for n in range(5)]
