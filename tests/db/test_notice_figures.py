"""The per-platform scorecard over a year of seeded notices whose answers are known:
a platform that removes in 30 minutes, one that refuses, one that never answers, one
with a 50-day tail, one with spread-out removal times (percentiles interpolated),
counted in SQL on SQLite and on PostgreSQL alike."""

from datetime import datetime

from application.figures.periods import year_period
from application.figures.platform_scorecard import build_scorecard
from application.figures.removal_times import removal_times
from application.figures.trusted_flagger_report import build_report
from domain.notice import Decision, NoticeStatus
from relais.db import Database, NoticeLedger
from relais.db.repositories.notice_figures import NoticeFigures
from tests.db.builders import (
    DAY,
    HOUR,
    PARIS,
    SCORECARD,
    SCORECARD_FIELDS,
    YEAR,
    accountability_year,
    notice_record,
)


async def seed(database: Database) -> None:
    ledger = NoticeLedger(database)
    for notice in accountability_year():
        await ledger.upsert(notice)


async def test_the_scorecard_gives_each_platform_exactly_its_known_figures(
    database: Database,
) -> None:
    await seed(database)

    card = await build_scorecard(NoticeFigures(database), *year_period(YEAR))

    scores = {score.platform: score for score in card.platforms}
    assert sorted(scores) == sorted(SCORECARD)
    for platform, expected in SCORECARD.items():
        got = scores[platform].model_dump()
        assert tuple(got[f] for f in SCORECARD_FIELDS) == expected, platform
    seconds = {p: s.time_to_removal.model_dump() for p, s in scores.items()}
    assert seconds["tiktok"] == dict.fromkeys(("p50_seconds", "p90_seconds", "max_seconds"), 1800)
    # Two fast removals and one after 50 days: the median is fast, the 90th is the tail.
    assert seconds["roblox"] == {
        "p50_seconds": 2 * HOUR.total_seconds(),
        "p90_seconds": 7200 + 0.8 * (50 * DAY - 2 * HOUR).total_seconds(),
        "max_seconds": 50 * DAY.total_seconds(),
    }
    # 10 min, 2 h, 3 days, 10 days: interpolated between ranks 2-3 and 3-4.
    assert seconds["youtube"] == {
        "p50_seconds": (2 * HOUR + 0.5 * (3 * DAY - 2 * HOUR)).total_seconds(),
        "p90_seconds": (3 * DAY + 0.7 * (7 * DAY)).total_seconds(),
        "max_seconds": 10 * DAY.total_seconds(),
    }
    assert seconds["snapchat"] == seconds["x"] == dict.fromkeys(seconds["x"])
    assert scores["snapchat"].appeals.model_dump() == {
        "appeals": 1, "removed": 0, "restricted": 0, "refused": 1, "no_decision": 0,
        "withdrawn": 0,
    }  # fmt: skip
    assert all(s.appeals.appeals == 0 for p, s in scores.items() if p != "snapchat")


async def test_a_period_holds_the_notices_submitted_in_it_only(database: Database) -> None:
    await seed(database)

    last_year = await build_scorecard(NoticeFigures(database), *year_period(YEAR - 1))

    [tiktok] = last_year.platforms
    assert (tiktok.platform, tiktok.notices, tiktok.removed_within_1h) == ("tiktok", 1, 1)


async def test_the_yearly_report_reconciles_with_the_scorecard_and_the_dsa_categories(
    database: Database,
) -> None:
    """The report and the scorecard count the same notices; the report also counts
    them under the Transparency Database's categories and by month."""
    await seed(database)
    since, until = year_period(YEAR)

    report = await build_report(database, since, until)
    card = await build_scorecard(NoticeFigures(database), since, until)

    by_platform = {line.platform: line.notices.submitted for line in report.by_platform}
    assert by_platform == {score.platform: score.notices for score in card.platforms}
    for line, score in zip(report.by_platform, card.platforms, strict=True):
        counted = line.notices
        assert (counted.removed, counted.refused, counted.no_decision, counted.withdrawn) == (
            score.removed,
            score.refused,
            score.no_answer,
            score.withdrawn,
        ), score.platform
    categories = {line.dsa_category.value: line.notices for line in report.by_dsa_category}
    assert {code: counts.submitted for code, counts in categories.items()} == {
        "STATEMENT_CATEGORY_CYBER_VIOLENCE": 16,  # tiktok 4, snapchat 3, x 4, youtube 5
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": 3,  # roblox
    }
    assert categories["STATEMENT_CATEGORY_PROTECTION_OF_MINORS"].removal_verified == 3
    months = [(line.month, line.notices.submitted) for line in report.by_month]
    assert [m for m, _ in months] == [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    assert [n for _, n in months] == [2, 1, 3, 1, 1, 1, 2, 1, 2, 2, 2, 1]
    assert sum(n for _, n in months) == report.total.submitted == 19
    mapping = {line.legal_qualification.value: line for line in report.category_mapping}
    assert mapping["intimate_image_without_consent"].dsa_keyword == (
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"
    )
    assert mapping["child_sexual_abuse_material"].code_penal_article == "227-23"


async def test_the_reports_months_add_up_to_its_total_field_by_field(database: Database) -> None:
    """Every figure of the total is the sum of the months' (the months once said 0
    removals verified where the total said 3), including a notice the platform said
    it would not answer, then withdrawn by the young person."""
    await seed(database)
    await NoticeLedger(database).upsert(
        notice_record(
            "x-no-answer-then-withdrawn",
            platform="x",
            status=NoticeStatus.CANCELLED,
            decision=Decision.NO_ANSWER,
            submitted_at=datetime(YEAR, 12, 1, 10, 0, tzinfo=PARIS),
        )
    )

    report = await build_report(database, *year_period(YEAR))

    total = report.total.model_dump()
    months = [line.notices.model_dump() for line in report.by_month]
    assert {field: sum(month[field] for month in months) for field in total} == total
    assert (total["removal_verified"], total["online_after_removal"], total["withdrawn"]) == (
        11,
        1,
        2,
    )
    december = months[11]
    assert (december["no_decision"], december["withdrawn"]) == (1, 1)


async def test_removal_times_count_the_removals_verified_in_the_period(database: Database) -> None:
    """``GET /stats/removal-times`` takes removals by when they were verified: the
    tiktok notice of the year before, verified then, is not in this year's."""
    await seed(database)
    since, until = year_period(YEAR)

    times = await removal_times(NoticeFigures(database), since, until)
    roblox_only = await removal_times(NoticeFigures(database), since, until, platform="roblox")

    by_platform = {p.platform: p for p in times.platforms}
    assert sorted(by_platform) == ["roblox", "tiktok", "youtube"]
    assert by_platform["tiktok"].removed == 4
    assert by_platform["youtube"].fastest_seconds == 600
    assert by_platform["youtube"].slowest_seconds == 10 * DAY.total_seconds()
    assert by_platform["roblox"].p50_seconds == 2 * HOUR.total_seconds()
    assert [p.platform for p in roblox_only.platforms] == ["roblox"]
