"""The trusted flagger's yearly report (DSA Art. 22(3)): notices sent, by hosting
provider, by type of allegedly illegal content and by the action the provider took.

Counts only: no case id, no URL, nothing personal. A notice counts in the period of
its submission; appeals of refused notices (DSA Art. 20) are counted apart, by
platform, so an appealed item is not counted twice; a notice that never reached its
platform is listed apart ("not delivered"), counted in the period it failed.
Periods are calendar years in the helpline's time zone (Europe/Paris) unless given
explicitly.
"""

import asyncio
import csv
import io
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from application.figures.periods import HELPLINE_ZONE, month_starts
from domain.items import LegalQualification
from domain.notice import Decision, NoticeStatus
from domain.rules.dsa_categories import (
    CATEGORY_LABELS,
    DSA_CATEGORIES,
    DsaCategory,
    dsa_category_of,
)
from domain.rules.legal import OFFENCES
from relais.db import NoticeLedger
from relais.db.repositories._sql import SessionSource
from relais.db.repositories.ledgers import NoticeCount
from relais.db.repositories.notice_figures import MonthCount, NoticeFigures

NOT_RECORDED = "not_recorded"  # notices recorded before their qualification was


class Action(StrEnum):
    """What the provider did about a notice, as the report counts it."""

    REMOVED = "removed"
    RESTRICTED = "restricted"
    REFUSED = "refused"
    NO_DECISION = "no_decision"  # no answer yet, or none within the period
    WITHDRAWN = "withdrawn"  # the victim withdrew consent before a decision


def action_of(count: NoticeCount | MonthCount) -> Action:
    if count.decision is Decision.REMOVED:
        return Action.REMOVED
    if count.decision is Decision.RESTRICTED:
        return Action.RESTRICTED
    if count.decision is Decision.REFUSED:
        return Action.REFUSED
    if count.status is NoticeStatus.CANCELLED:
        return Action.WITHDRAWN
    return Action.NO_DECISION


class ActionCounts(BaseModel):
    submitted: int = 0
    removed: int = 0
    restricted: int = 0
    refused: int = 0
    no_decision: int = 0
    withdrawn: int = 0
    removal_verified: int = Field(default=0, description="Removed, and offline at our own check")
    online_after_removal: int = Field(
        default=0, description="Reported removed, still online at our own check"
    )

    def add(self, count: NoticeCount | MonthCount) -> None:
        self.submitted += count.notices
        action = action_of(count)
        setattr(self, action.value, getattr(self, action.value) + count.notices)
        if count.status is NoticeStatus.VERIFIED_REMOVED:
            self.removal_verified += count.notices
        elif count.status is NoticeStatus.STILL_ONLINE:
            self.online_after_removal += count.notices


class PlatformLine(BaseModel):
    platform: str
    notices: ActionCounts


class ContentTypeLine(BaseModel):
    legal_qualification: str
    notices: ActionCounts


class DsaCategoryLine(BaseModel):
    """Notices under one DSA Transparency Database statement category."""

    dsa_category: DsaCategory
    label: str
    notices: ActionCounts


class CategoryMapping(BaseModel):
    """How one legal qualification is counted against the Transparency Database."""

    legal_qualification: LegalQualification
    code_penal_article: str
    dsa_category: DsaCategory
    dsa_category_label: str
    dsa_keyword: str | None


class MonthLine(BaseModel):
    month: str = Field(description="YYYY-MM, Europe/Paris")
    notices: ActionCounts


class ReportCell(BaseModel):
    platform: str
    legal_qualification: str
    action: Action
    notices: int


class TrustedFlaggerReport(BaseModel):
    period_start: datetime
    period_end: datetime = Field(description="Exclusive")
    total: ActionCounts
    by_platform: list[PlatformLine]
    by_content_type: list[ContentTypeLine]
    by_dsa_category: list[DsaCategoryLine] = Field(
        description="The same notices under the DSA Transparency Database's categories"
    )
    by_month: list[MonthLine] = Field(description="First notices by month of submission")
    cells: list[ReportCell] = Field(description="Platform x content type x action")
    appeals: ActionCounts = Field(description="Appeals of earlier notices (DSA Art. 20)")
    appeals_by_platform: list[PlatformLine]
    not_delivered: dict[str, int] = Field(
        description="Notices that never reached their platform, by platform"
    )
    category_mapping: list[CategoryMapping] = Field(
        description="Legal qualification -> DSA statement category (see docs/auditing.md)"
    )


def category_mapping() -> list[CategoryMapping]:
    return [
        CategoryMapping(
            legal_qualification=qualification,
            code_penal_article=OFFENCES[qualification].article,
            dsa_category=mapped.category,
            dsa_category_label=CATEGORY_LABELS[mapped.category],
            dsa_keyword=mapped.keyword.value if mapped.keyword else None,
        )
        for qualification, mapped in DSA_CATEGORIES.items()
    ]


def _month_counts(counts: list[MonthCount]) -> dict[int, ActionCounts]:
    """Each month counted as the total is (``ActionCounts.add``), so they add up to it."""
    months: dict[int, ActionCounts] = {}
    for count in counts:
        months.setdefault(count.month, ActionCounts()).add(count)
    return months


async def _by_month(figures: NoticeFigures, since: datetime, until: datetime) -> list[MonthLine]:
    bounds = month_starts(since, until)
    counts = _month_counts(await figures.monthly_counts(bounds))
    return [
        MonthLine(
            month=start.astimezone(HELPLINE_ZONE).strftime("%Y-%m"),
            notices=counts.get(index, ActionCounts()),
        )
        for index, start in enumerate(bounds[:-1])
    ]


async def build_report(
    database: SessionSource, since: datetime, until: datetime
) -> TrustedFlaggerReport:
    ledger = NoticeLedger(database)
    # Independent scans: the database runs them side by side.
    counts, by_month, undelivered = await asyncio.gather(
        ledger.outcome_counts(since, until),
        _by_month(NoticeFigures(database), since, until),
        ledger.undelivered_counts(since, until),
    )
    total = ActionCounts()
    platforms: dict[str, ActionCounts] = {}
    content_types: dict[str, ActionCounts] = {}
    dsa_categories: dict[DsaCategory, ActionCounts] = {}
    cells: dict[tuple[str, str, Action], int] = {}
    appeals = ActionCounts()
    appeal_platforms: dict[str, ActionCounts] = {}
    for count in counts:
        if count.appeal:
            appeals.add(count)
            appeal_platforms.setdefault(count.platform, ActionCounts()).add(count)
            continue
        qualification = count.legal_qualification.value if count.legal_qualification else None
        content_type = qualification or NOT_RECORDED
        total.add(count)
        platforms.setdefault(count.platform, ActionCounts()).add(count)
        content_types.setdefault(content_type, ActionCounts()).add(count)
        category = dsa_category_of(count.legal_qualification).category
        dsa_categories.setdefault(category, ActionCounts()).add(count)
        key = (count.platform, content_type, action_of(count))
        cells[key] = cells.get(key, 0) + count.notices
    return TrustedFlaggerReport(
        period_start=since,
        period_end=until,
        total=total,
        by_platform=[PlatformLine(platform=p, notices=c) for p, c in sorted(platforms.items())],
        by_content_type=[
            ContentTypeLine(legal_qualification=q, notices=c)
            for q, c in sorted(content_types.items())
        ],
        by_dsa_category=[
            DsaCategoryLine(dsa_category=c, label=CATEGORY_LABELS[c], notices=n)
            for c, n in sorted(dsa_categories.items())
        ],
        by_month=by_month,
        cells=[
            ReportCell(platform=p, legal_qualification=q, action=a, notices=n)
            for (p, q, a), n in sorted(cells.items())
        ],
        appeals=appeals,
        appeals_by_platform=[
            PlatformLine(platform=p, notices=c) for p, c in sorted(appeal_platforms.items())
        ],
        not_delivered=dict(sorted(undelivered.items())),
        category_mapping=category_mapping(),
    )


def report_csv(report: TrustedFlaggerReport) -> str:
    """One line per platform x content type x action, then the appeals by platform and
    action, then the undelivered notices."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "period_start",
            "period_end",
            "platform",
            "legal_qualification",
            "dsa_category",
            "action",
            "notices",
        ]
    )
    start, end = report.period_start.isoformat(), report.period_end.isoformat()
    for cell in report.cells:
        qualification = (
            None
            if cell.legal_qualification == NOT_RECORDED
            else LegalQualification(cell.legal_qualification)
        )
        category = dsa_category_of(qualification).category.value
        where = [start, end, cell.platform, cell.legal_qualification, category]
        writer.writerow([*where, cell.action.value, cell.notices])
    for line in report.appeals_by_platform:
        for action in Action:
            if notices := getattr(line.notices, action.value):
                writer.writerow(
                    [start, end, line.platform, "", "", f"appeal_{action.value}", notices]
                )
    for platform, notices in report.not_delivered.items():
        writer.writerow([start, end, platform, "", "", "not_delivered", notices])
    return out.getvalue()
