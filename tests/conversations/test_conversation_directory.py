"""The conversation directory (what dashboards and metrics read) and the "is writing"
hints, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from domain.conversation import AuthorKind, ConversationStatus
from relais.db import Database
from relais.db.repositories.conversations import ConversationDirectory, TypingHints
from tests.conversations.test_transcript_vault import T0, record


async def test_an_older_version_never_overwrites_a_newer_one(database: Database) -> None:
    directory = ConversationDirectory(database)
    newer = record(version=3, status=ConversationStatus.ENDED, ended_at=T0)
    assert await directory.upsert(newer)
    assert not await directory.upsert(record(version=2))
    assert await directory.get("c1") == newer


async def test_figures_for_the_dashboard_and_metrics(database: Database) -> None:
    directory = ConversationDirectory(database)
    minute = timedelta(minutes=1)
    rows = [
        record("w1", status=ConversationStatus.WAITING, waiting_since=T0 + 5 * minute),
        record("w2", status=ConversationStatus.OFFERED, waiting_since=T0 + 2 * minute),
        record("a1", answered_at=T0 + minute, waited_seconds=60, offers_not_accepted=2),
        record("a2", status=ConversationStatus.ENDED, answered_at=T0, waited_seconds=300),
        record("gone", status=ConversationStatus.ABANDONED, ended_at=T0),
        record("night", status=ConversationStatus.MISSED, waiting_since=None),
        record("other", helpline="119", status=ConversationStatus.WAITING),
        record("yesterday", opened_at=T0 - timedelta(days=1), status=ConversationStatus.ABANDONED),
    ]
    for row in rows:
        await directory.upsert(row)

    figures = await directory.figures("3018", since=T0 - timedelta(hours=1))
    assert (figures.waiting, figures.waiting_since) == (2, T0 + 2 * minute)
    assert figures.by_status == {
        "waiting": 1,
        "offered": 1,
        "active": 1,
        "ended": 1,
        "abandoned": 1,
        "missed": 1,
    }
    assert figures.offers_not_accepted == 2
    assert sorted(figures.answered_waits_seconds) == [60, 300]


async def test_is_writing_lasts_a_few_seconds_and_is_shared(database: Database) -> None:
    hints, other_replica = TypingHints(database), TypingHints(database)
    now = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    await hints.writing("c1", AuthorKind.COUNSELLOR, until=now + timedelta(seconds=5), now=now)
    await hints.writing("c1", AuthorKind.COUNSELLOR, until=now + timedelta(seconds=8), now=now)
    assert await other_replica.who_is_writing("c1", now) == [AuthorKind.COUNSELLOR]
    assert await other_replica.who_is_writing("c1", now + timedelta(seconds=9)) == []
    assert await other_replica.who_is_writing("c2", now) == []
