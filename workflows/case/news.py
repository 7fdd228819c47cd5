"""News of the case for a young person who asked for it (``domain.case_news``): which
news is due, each once, none after STOP; the timeline says each news sent (never its
text) or why it was not. Pure: the workflow carries out :class:`SendNews` through the
``send_case_news`` activity and hands its answer to :meth:`CaseNews.told`."""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.case_news import CaseNewsSent, NewsConsentRequest, NewsEvent
from workflows.case.callback import Effect, Note, SendNews


class CaseNews(BaseModel):
    stopped_at: datetime | None = Field(default=None, description="They answered STOP")
    pending: dict[str, NewsEvent] = Field(
        default_factory=dict, description="Sent or being sent, by key (carried to a next run)"
    )
    done: list[str] = Field(default_factory=list, description="Keys told (sent or not)")
    conversation_id: str | None = Field(
        default=None,
        description="The conversation they agreed in after the opening: news go to its young "
        "person on its channel (None: the case's latest conversation on a messaging channel)",
    )

    def answered(self, request: NewsConsentRequest) -> list[Effect]:
        """Their answer after the opening (the case's consent is the caller's to set):
        yes, here (a STOP said before is over: they just asked again), or no more news
        (what is being sent goes; nothing new is decided)."""
        channel = request.channel or ""
        where = f" on {channel}" if channel else ""
        if request.wanted:
            self.conversation_id = request.conversation_id
            self.stopped_at = None
            return [
                Note(
                    "news",
                    f"the young person asked for news of the case{where}",
                    request.actor,
                    code="news.consented",
                    params={"channel": channel},
                )
            ]
        return [
            Note(
                "news",
                "the young person no longer wants news of the case",
                request.actor,
                code="news.withdrawn",
                params={},
            )
        ]

    def due(self, consented: bool, event: NewsEvent, what: str = "") -> list[Effect]:
        """The news ``event`` (about ``what``: a notice, a referral, a time), unless they
        did not ask for news, said STOP, or it went already. Its key (``event[:what]``)
        is the case's: the activity's is the case id and it."""
        if not consented or self.stopped_at is not None:
            return []
        key = event.value + (f":{what}" if what else "")
        if key in self.pending or key in self.done:
            return []
        self.pending[key] = event
        return [SendNews(event, key)]

    def stop(self, now: datetime, channel: str, consented: bool) -> list[Effect]:
        """Their STOP: no news after it but its confirmation, once (a case they never
        asked news of has nothing to stop)."""
        if not consented or self.stopped_at is not None:
            return []
        self.stopped_at = now
        self.pending[NewsEvent.STOPPED.value] = NewsEvent.STOPPED
        return [
            Note(
                "news",
                f"news of the case stopped: the young person answered STOP on {channel}",
                code="news.stopped",
                params={"channel": channel},
            ),
            SendNews(NewsEvent.STOPPED, NewsEvent.STOPPED.value),
        ]

    def told(self, key: str, answer: CaseNewsSent) -> list[Effect]:
        """The activity's answer: the timeline says it went (on which channel), or why not."""
        event = self.pending.pop(key, None)
        if event is None:
            return []
        self.done.append(key)
        if answer.sent:
            channel = answer.channel or ""
            return [
                Note(
                    "news",
                    f"news sent to the young person on {channel} ({event.value})",
                    code="news.sent",
                    params={"event": event.value, "channel": channel},
                )
            ]
        why = answer.why_not or "refused"
        return [
            Note(
                "news",
                f"news not sent to the young person ({event.value}): {why}",
                code="news.not_sent",
                params={"event": event.value, "why": why},
            )
        ]
