"""The conversations screen's live parts, small fragments its script redraws: the
desk (offers and tabs, every second), the open transcript held until something changes
(a long poll: 204 while nothing did, so polling reads no personal data and does not
flood the audit trail), the question about news of the case while it waits for their
answer, and the page's heartbeat that keeps the presence."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from application.conversations import counsellor as desk
from application.conversations import news_state
from application.conversations.live import first_change
from application.errors import DomainError, NotFound, RequestRejected
from console.routes.conversations import (
    Chosen,
    ConversationId,
    desk_of,
    read_of,
    screen_state,
    state_of,
)
from console.web import HEADERS, Posted, SignedIn
from console.web_rules import permit
from domain.conversation_desk import CounsellorView

router = APIRouter(prefix="/console/conversations")


@router.get("/live")
async def desk_now(p: SignedIn, active: int = 0, c: Chosen = None) -> Response:
    """The offers and the tabs alone (redrawn every second)."""
    p.refresh_session = active == 1
    return p.render("conversations_desk.html", desk=await desk_of(p), chosen=c)


@router.get("/{cid}/live")
async def transcript_now(
    p: SignedIn,
    cid: ConversationId,
    seen: Annotated[int, Query(ge=0)] = 0,
    state: Annotated[str, Query(max_length=128)] = "",
    active: int = 0,
) -> Response:
    """The transcript, when a line came or its state changed since ``seen``; 204 when
    nothing did within ``HOLD_SECONDS`` (the request is held until then: a long poll
    that the page's script, fetching again a second after each answer, follows)."""
    p.refresh_session = active == 1

    async def probe() -> _Probe:  # ids, no text: no read of personal data
        try:
            view = await desk.conversation_now(
                p.helpline, await permit(p, desk.conversation_now), cid
            )
        except (NotFound, RequestRejected):
            return _Probe(None)
        return _Probe(view)

    def differs(now: _Probe) -> bool:
        found = now.read
        return found is None or found.last_seq != seen or screen_state(found) != state

    changed = await first_change(p.helpline, cid, probe, differs, lasting=HOLD_SECONDS)
    if changed is None:
        return Response(status_code=204, headers=HEADERS)
    if changed.read is None:
        return Response(status_code=404, headers=HEADERS)
    whole = await read_of(p, cid, seen=changed.read)  # its lines opened, not asked again
    if whole is None:
        return Response(status_code=404, headers=HEADERS)
    return p.render("conversations_transcript.html", read=whole, state=state_of(whole))


@router.get("/{cid}/news/state")
async def news_question_now(p: SignedIn, cid: ConversationId, active: int = 0) -> Response:
    """Where the question about news stands (redrawn every second while it waits for
    their answer: once answered, its drawing says so and the script stops asking);
    204 when the question is not offered here any more."""
    p.refresh_session = active == 1
    try:
        view = await desk.conversation_now(p.helpline, await permit(p, desk.conversation_now), cid)
        news = await news_state.news_here(p.helpline, await permit(p, news_state.news_here), view)
    except DomainError:
        return Response(status_code=404, headers=HEADERS)
    if news is None:
        return Response(status_code=204, headers=HEADERS)
    return p.render("conversation_news_state.html", news=news)


HOLD_SECONDS = 10.0  # a screen's request waits this long for a change, then 204


@dataclass(frozen=True)
class _Probe:
    """What the screen's request waits on: the conversation, its lines by id only."""

    read: CounsellorView | None

    @property
    def last_seq(self) -> int:
        return 0 if self.read is None else self.read.last_seq

    @property
    def over(self) -> bool:  # gone, or ended: no change to wait for
        return self.read is None or self.read.status.final


@router.post("/heartbeat")
async def still_here(p: SignedIn, form: Posted) -> Response:
    """The page is open: the presence holds (the session does not slide for it)."""
    p.refresh_session = False
    try:
        await desk.still_here(p.helpline, await permit(p, desk.still_here))
    except NotFound:
        return Response(status_code=404, headers=HEADERS)
    return Response(status_code=204, headers=HEADERS)
