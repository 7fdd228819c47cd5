"""What the supervisor's dashboard counts, each figure with the Temporal Web UI query
that lists the same cases (the search attributes of ``domain.search_attributes``).

Open cases by status and urgency and the SLA breaches are counted in SQL over the case
directory (one grouped query: the directory is the projection of the workflows that
lists and counts are made from, a few seconds behind them); overdue callbacks are
counted by Temporal itself with the very query the figure links to; callbacks due and
nobody's yet come from the task board; adapters down from the adapters' health;
time to removal per platform by ``GET /stats/removal-times``'s service (ranked in the
database), over the last 30 days. The conversations' queue is
:mod:`application.figures.conversation_queue`.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import func, select
from temporalio.client import Client

from application.acting import SUPERVISORS, Permit, service
from application.adapter_lines import HealthStatus
from application.adapters import adapters_and_health
from application.catalog import CatalogSource
from application.figures.conversation_queue import QueueBoard, queue_board
from application.figures.removal_times import PlatformRemovalTimes, removal_times
from application.helpline import Helpline
from domain import search_attributes as sa
from domain.audit_actions import AuditAction
from domain.case import CaseStatus
from domain.catalog import PartnerKind
from domain.intake import Urgency
from domain.tasks import TaskKind
from relais.db import Database
from relais.db.repositories.adapter_health import AdapterHealthBook
from relais.db.repositories.notice_figures import NoticeFigures
from relais.db.tables import CaseRow, TaskRow

OPEN = f'{sa.CASE_STATUS.name} != "{CaseStatus.CLOSED.value}"'
COUNT_TIMEOUT = 2.0
REMOVAL_PERIOD = timedelta(days=30)  # the chart: removals checked in the last 30 days


def temporal_list(ui_url: str, namespace: str, query: str) -> str:
    """The Temporal Web UI's workflow list filtered by ``query``."""
    return f"{ui_url.rstrip('/')}/namespaces/{namespace}/workflows?query={quote(query)}"


def status_query(status: CaseStatus) -> str:
    return f'{sa.CASE_STATUS.name} = "{status.value}"'


def urgency_query(urgency: Urgency) -> str:
    return f'{sa.CASE_URGENCY.name} = "{urgency.value}" AND {OPEN}'


def cell_query(status: CaseStatus, urgency: Urgency) -> str:
    return f'{status_query(status)} AND {sa.CASE_URGENCY.name} = "{urgency.value}"'


SLA_QUERY = f"{sa.SLA_BREACHED.name} = true AND {OPEN}"
OVERDUE_QUERY = f"{sa.CALLBACK_OVERDUE.name} = true AND {OPEN}"
DUE_QUERY = status_query(CaseStatus.CALLBACK_DUE)


def platform_query(slug: str) -> str:
    return f'{sa.CASE_PLATFORMS.name} = "{slug}"'


def partner_query(slug: str) -> str:
    return f'{sa.CASE_PARTNERS.name} = "{slug}" AND {OPEN}'


def down_query(down: "list[AdapterDown]") -> str:
    """Open cases that involve any of the platforms or partners down."""
    platforms = ", ".join(f'"{a.slug}"' for a in down if a.platform)
    partners = ", ".join(f'"{a.slug}"' for a in down if not a.platform)
    either = [
        *([f"{sa.CASE_PLATFORMS.name} IN ({platforms})"] if platforms else []),
        *([f"{sa.CASE_PARTNERS.name} IN ({partners})"] if partners else []),
    ]
    return f"({' OR '.join(either)}) AND {OPEN}"


@dataclass
class AdapterDown:
    slug: str
    name: str
    platform: bool
    since: object
    failures: int
    reason: str | None


@dataclass
class Escalation:
    case_id: str
    kind: TaskKind
    summary: str
    since: datetime


@dataclass
class Dashboard:
    by_cell: dict[tuple[CaseStatus, Urgency], int] = field(default_factory=dict)
    sla_breaches: int = 0
    callbacks_due: int = 0
    callbacks_unclaimed: int = 0
    callbacks_overdue: int | None = None  # None: Temporal did not answer in time
    adapters_down: list[AdapterDown] = field(default_factory=list)
    removal: list[PlatformRemovalTimes] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    escalations_open: int = 0
    queue: QueueBoard = field(default_factory=QueueBoard)

    def by_status(self, status: CaseStatus) -> int:
        return sum(n for (s, _), n in self.by_cell.items() if s is status)

    def by_urgency(self, urgency: Urgency) -> int:
        return sum(n for (_, u), n in self.by_cell.items() if u is urgency)

    @property
    def open_cases(self) -> int:
        return sum(self.by_cell.values())


async def _cells(database: Database) -> tuple[dict[tuple[CaseStatus, Urgency], int], int]:
    statement = (
        select(CaseRow.status, CaseRow.urgency, CaseRow.sla_breached, func.count())
        .where(CaseRow.status != CaseStatus.CLOSED.value)
        .group_by(CaseRow.status, CaseRow.urgency, CaseRow.sla_breached)
    )
    cells: dict[tuple[CaseStatus, Urgency], int] = {}
    breaches = 0
    async with database.session_factory() as session:
        for status, urgency, breached, count in (await session.execute(statement)).all():
            key = (CaseStatus(status), Urgency(urgency))
            cells[key] = cells.get(key, 0) + int(count)
            breaches += int(count) if breached else 0
    return cells, breaches


async def _callbacks_due(database: Database) -> tuple[int, int]:
    """Callbacks due now, and those nobody has taken yet (counted, not listed)."""
    statement = select(func.count(), func.count(TaskRow.claimed_by)).where(
        TaskRow.kind == TaskKind.CALLBACK_DUE.value,
        TaskRow.for_role == "counsellor",
        TaskRow.done_at.is_(None),
    )
    async with database.session_factory() as session:
        due, taken = (await session.execute(statement)).one()
    return int(due), int(due) - int(taken)


ESCALATIONS_SHOWN = 20


async def _escalations(database: Database) -> tuple[list[Escalation], int]:
    """The supervisors' open tasks (escalations), the longest waiting first, and how many."""
    where = (TaskRow.for_role == "supervisor", TaskRow.done_at.is_(None))
    first = (
        select(TaskRow.case_id, TaskRow.kind, TaskRow.summary, TaskRow.created_at)
        .where(*where)
        .order_by(TaskRow.created_at, TaskRow.task_id)
        .limit(ESCALATIONS_SHOWN)
    )
    async with database.session_factory() as session:
        rows = (await session.execute(first)).all()
        count = (await session.execute(select(func.count()).where(*where))).scalar_one()
    shown = [
        Escalation(case_id, TaskKind(kind), summary, due) for case_id, kind, summary, due in rows
    ]
    return shown, int(count)


async def _overdue(client: Client) -> int | None:
    try:
        async with asyncio.timeout(COUNT_TIMEOUT):
            return (await client.count_workflows(OVERDUE_QUERY)).count
    except Exception:
        return None


async def dashboard(
    database: Database, client: Client, catalog: CatalogSource, now: datetime
) -> Dashboard:
    cells, breaches = await _cells(database)
    due, unclaimed = await _callbacks_due(database)
    escalations, escalations_open = await _escalations(database)
    adapters = await adapters_and_health(catalog, AdapterHealthBook(database))
    down = [
        AdapterDown(
            slug=a.slug,
            name=a.display_name,
            platform=a.kind is PartnerKind.PLATFORM,
            since=a.health.last_failure_at,
            failures=a.health.failures_since_success,
            reason=a.health.last_failure_reason,
        )
        for a in adapters.adapters
        if a.health.status is HealthStatus.FAILING
    ]
    return Dashboard(
        by_cell=cells,
        sla_breaches=breaches,
        callbacks_due=due,
        callbacks_unclaimed=unclaimed,
        callbacks_overdue=await _overdue(client),
        adapters_down=down,
        removal=(
            await removal_times(NoticeFigures(database), since=now - REMOVAL_PERIOD)
        ).platforms,
        escalations=escalations,
        escalations_open=escalations_open,
    )


@service(*SUPERVISORS)
async def read_dashboard(helpline: Helpline, permit: Permit, now: datetime) -> Dashboard:
    """The supervisor's dashboard (counts only: audited once per window, as it is
    opened again and again)."""
    board = await dashboard(helpline.database, helpline.client, helpline.catalog_source, now)
    settings = helpline.settings
    timezone = settings.case_policy().opening_hours.timezone
    board.queue = await queue_board(helpline.client, settings.helpline, now, timezone)
    await helpline.audit(permit).record_read(AuditAction.CONSOLE_DASHBOARD_READ)
    return board
