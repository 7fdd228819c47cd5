"""Carries out the case's news (``SendNews``) in the background: Meta down for a
weekend must not hold the case's lock, so each news runs as its own task through the
``send_case_news`` activity (retried for ``news_give_up_after``), and its answer is
owed to the case (the timeline line is written under the lock). What is pending when a
run ends is carried in the state and sent again by the next run (the activity's key
keeps it once). Workflow code."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from domain import contract
    from domain.case_news import CaseNewsRequest, CaseNewsSent
    from domain.intake import CaseOpening
    from workflows.calls import call
    from workflows.case.callback import Effect, SendNews
    from workflows.case.state import CaseState

ATTEMPT = timedelta(seconds=30)


class NewsCourier:
    def __init__(
        self, opening: CaseOpening, state: CaseState, owe: Callable[[list[Effect]], None]
    ) -> None:
        self._opening = opening
        self._state = state
        self._owe = owe
        self._tasks: list[asyncio.Task[None]] = []
        self._sending: set[str] = set()

    def send(self, news: SendNews) -> None:
        if news.key in self._sending:
            return
        self._sending.add(news.key)
        self._tasks.append(asyncio.create_task(self._send(news)))

    def resume(self) -> None:
        """What an earlier run left pending (sent once: the activity's key). A handler
        may have run before this run's main coroutine (an update in its first
        activation): what it sends already is not sent again."""
        for key, event in list(self._state.news.pending.items()):
            self.send(SendNews(event, key))

    def idle(self) -> bool:
        return all(task.done() for task in self._tasks)

    async def _send(self, news: SendNews) -> None:
        case_id = self._opening.case_id
        request = CaseNewsRequest(
            case_id=case_id,
            event=news.event,
            key=f"{case_id}:{news.key}",
            conversation_id=self._state.news.conversation_id,
        )
        try:
            answer = await call(
                contract.SEND_CASE_NEWS,
                request,
                summary=f"news for the young person: {news.event.value}",
                start_to_close_timeout=ATTEMPT,
                schedule_to_close_timeout=self._opening.policy.news_give_up_after,
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=5),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(hours=1),
                ),
            )
        except ActivityError:
            answer = CaseNewsSent(sent=False, why_not="refused")
        self._owe(self._state.news.told(news.key, answer))
