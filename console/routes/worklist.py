"""My worklist, the console's home: my open cases by urgency and next action, the
callbacks due and soon due, my tasks; its live part is redrawn every second."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from application.worklist import my_worklist as worklist_of
from console.i18n import N_
from console.labels import DONE
from console.web import Page, SignedIn
from console.web_rules import permit
from relais.clock import utc_now

router = APIRouter(prefix="/console/worklist")
PAGE_SIZE = 50


async def _worklist(p: Page) -> dict[str, Any]:
    allowed = await permit(p, worklist_of)
    return {"worklist": await worklist_of(p.helpline, allowed, PAGE_SIZE, 0, utc_now())}


@router.get("")
async def my_worklist(p: SignedIn) -> Response:
    done = DONE.get(p.request.query_params.get("done") or "")
    return p.render("worklist.html", title=N_("My worklist"), done=done, **await _worklist(p))


@router.get("/live")
async def my_worklist_now(p: SignedIn, active: int = 0) -> Response:
    """The live part alone; the session slides only when the person was active."""
    p.refresh_session = active == 1
    return p.render("worklist_live.html", **await _worklist(p))
