"""A period's accountability figures, read for a supervisor or an auditor: the yearly
report and the platform scorecard, each read an audit entry naming the period and the
format asked. The API's routes and the console's pages both read them here."""

from datetime import datetime

from api.services.audit_trail import AuditTrail
from api.services.platform_scorecard import PlatformScorecard, build_scorecard
from api.services.trusted_flagger_report import TrustedFlaggerReport, build_report
from relais.db.repositories._sql import SessionSource
from relais.db.repositories.notice_figures import NoticeFigures


def _period(since: datetime, until: datetime, format: str) -> str:
    return f"from={since.isoformat()} to={until.isoformat()} format={format}"


async def read_report(
    database: SessionSource, audit: AuditTrail, since: datetime, until: datetime, format: str
) -> TrustedFlaggerReport:
    report = await build_report(database, since, until)
    await audit.record("report.trusted_flagger.read", None, _period(since, until, format))
    return report


async def read_scorecard(
    database: SessionSource, audit: AuditTrail, since: datetime, until: datetime, format: str
) -> PlatformScorecard:
    card = await build_scorecard(NoticeFigures(database), since, until)
    await audit.record("stats.platforms.read", None, _period(since, until, format))
    return card
