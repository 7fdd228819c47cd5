"""The supervisor's dashboard: open cases by status and urgency, SLA breaches, overdue
and unclaimed callbacks, adapters down, time to removal per platform as a chart;
the conversations' queue (waiting, longest wait, counsellors available, with a
counsellor, today's waits and abandoned); every figure links to the Temporal Web UI
list of the same cases or conversations."""

from fastapi import APIRouter
from fastapi.responses import Response

from application.figures import conversation_queue as queue
from application.figures import dashboard as figures
from console.i18n import N_
from console.web import SignedIn, now
from console.web_rules import permit
from domain.case import CaseStatus
from domain.intake import Urgency

router = APIRouter(prefix="/console/dashboard")
BAR_WIDTH = 420  # the chart's longest bar, in pixels


@router.get("")
async def supervisor_dashboard(p: SignedIn) -> Response:
    allowed = await permit(p, figures.read_dashboard)
    board = await figures.read_dashboard(p.helpline, allowed, now())
    settings = p.settings

    def ui(query: str) -> str:
        return figures.temporal_list(settings.temporal_ui_url, settings.temporal_namespace, query)

    slowest = max((r.p90_seconds for r in board.removal), default=0.0) or 1.0
    return p.render(
        "dashboard.html",
        title=N_("Dashboard"),
        board=board,
        ui=ui,
        q=figures,
        cq=queue,
        helpline=settings.helpline,
        statuses=[s for s in CaseStatus if s is not CaseStatus.CLOSED],
        urgencies=list(Urgency),
        bar=lambda seconds: max(2, round(BAR_WIDTH * seconds / slowest)),
        bar_width=BAR_WIDTH,
        report_year=now().year,
    )
