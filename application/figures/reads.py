"""A period's accountability figures, read by a supervisor or an auditor: the yearly
report, the platform scorecard and the time to removal per platform; each read is an
audit line naming the period (and the format asked: the same figures are read as
JSON, a page, a PDF or a CSV file)."""

from datetime import datetime

from application.acting import FIGURE_READERS, Permit, service
from application.figures.platform_scorecard import PlatformScorecard, build_scorecard
from application.figures.removal_times import RemovalTimes, removal_times
from application.figures.reuploads import reuploads_by_platform
from application.figures.trusted_flagger_report import TrustedFlaggerReport, build_report
from application.helpline import Helpline
from domain.audit_actions import AuditAction
from relais.db.repositories.notice_figures import NoticeFigures


def _period(since: datetime, until: datetime, format: str) -> str:
    return f"from={since.isoformat()} to={until.isoformat()} format={format}"


@service(*FIGURE_READERS)
async def read_report(
    helpline: Helpline, permit: Permit, since: datetime, until: datetime, format: str
) -> TrustedFlaggerReport:
    """The trusted flagger's report (DSA Art. 22(3)) over ``[since, until)``."""
    report = await build_report(helpline.database, since, until)
    await helpline.audit(permit).record(
        AuditAction.REPORT_TRUSTED_FLAGGER_READ, None, _period(since, until, format)
    )
    return report


@service(*FIGURE_READERS)
async def read_scorecard(
    helpline: Helpline, permit: Permit, since: datetime, until: datetime, format: str
) -> PlatformScorecard:
    """How each platform answered the notices submitted in ``[since, until)``."""
    reuploads = await reuploads_by_platform(helpline.evidence, since, until)
    card = await build_scorecard(NoticeFigures(helpline.database), since, until, reuploads)
    await helpline.audit(permit).record(
        AuditAction.STATS_PLATFORMS_READ, None, _period(since, until, format)
    )
    return card


@service(*FIGURE_READERS)
async def read_removal_times(
    helpline: Helpline,
    permit: Permit,
    since: datetime | None,
    until: datetime | None,
    platform: str | None,
) -> RemovalTimes:
    """Time from notice to verified removal, per platform: p50 and p90 over the period."""
    figures = await removal_times(NoticeFigures(helpline.database), since, until, platform)
    await helpline.audit(permit).record(
        AuditAction.STATS_REMOVAL_TIMES_READ, None, f"platforms={len(figures.platforms)}"
    )
    return figures
