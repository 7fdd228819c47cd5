"""What the case records about news, read from its view: the latest of the young
person's yes, no or STOP on its timeline; a yes given at the opening has no line."""

from datetime import UTC, datetime, timedelta

from application.conversations.news_state import CaseNewsRecord, CaseNewsState, case_record
from domain.case import CaseStatus, CaseView, TimelineEntry
from domain.intake import Category, Consents, Urgency

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def case(consented: bool, *lines: tuple[str, dict[str, str]]) -> CaseView:
    return CaseView(
        case_id="case-1",
        status=CaseStatus.OPEN,
        urgency=Urgency.NORMAL,
        categories=[Category.CYBERHARASSMENT],
        consents=Consents(case_news=consented),
        opened_at=T0,
        opened_by="lea",
        timeline=[
            TimelineEntry(at=T0 + timedelta(minutes=n), kind="news", detail="-", code=c, params=p)
            for n, (c, p) in enumerate(lines, start=1)
        ],
    )


def test_the_case_s_record_of_news_is_its_latest_yes_no_or_stop() -> None:
    assert case_record(case(False)) == CaseNewsRecord(CaseNewsState.NEVER)
    assert case_record(case(True)) == CaseNewsRecord(CaseNewsState.ASKED)
    asked = ("news.consented", {"channel": "messenger"})
    sent = ("news.sent", {"event": "removed", "channel": "messenger"})
    assert case_record(case(True, asked, sent)) == CaseNewsRecord(
        CaseNewsState.ASKED, T0 + timedelta(minutes=1), "messenger"
    )
    withdrawn = ("news.withdrawn", {})
    assert case_record(case(False, asked, withdrawn)) == CaseNewsRecord(
        CaseNewsState.WITHDRAWN, T0 + timedelta(minutes=2)
    )
    stopped = ("news.stopped", {"channel": "whatsapp"})
    assert case_record(case(True, stopped)) == CaseNewsRecord(
        CaseNewsState.STOPPED, T0 + timedelta(minutes=1), "whatsapp"
    )
