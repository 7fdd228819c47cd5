"""The bare-Temporal baseline's workflows: two trivial activities, nothing else; and a
bare queue, signalled and queried, nothing else (their own module, so the workflow
sandbox imports nothing but temporalio)."""

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy

TIMEOUT = timedelta(seconds=10)
RETRY = RetryPolicy(maximum_interval=timedelta(seconds=1))


@activity.defn
async def first_step(value: str) -> str:
    return value + "-1"


@activity.defn
async def second_step(value: str) -> str:
    return value + "-2"


@workflow.defn
class BareWorkflow:
    @workflow.run
    async def run(self, value: str) -> str:
        value = await workflow.execute_activity(
            first_step, value, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )
        return await workflow.execute_activity(
            second_step, value, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )


@workflow.defn
class BareQueueWorkflow:
    """The path of an offer without Relais' logic: a signal says a counsellor is
    available, a query reads the offer made to them (the first waiting entry)."""

    def __init__(self) -> None:
        self._waiting: list[str] = []
        self._offered: dict[str, str] = {}
        self._closed = False

    @workflow.run
    async def run(self, waiting: list[str]) -> None:
        self._waiting = list(waiting)
        await workflow.wait_condition(lambda: self._closed)

    @workflow.signal
    def available(self, counsellor: str) -> None:
        if counsellor not in self._offered and self._waiting:
            self._offered[counsellor] = self._waiting[0]

    @workflow.signal
    def away(self, counsellor: str) -> None:
        self._offered.pop(counsellor, None)

    @workflow.signal
    def close(self) -> None:
        self._closed = True

    @workflow.query
    def offer(self, counsellor: str) -> str | None:
        return self._offered.get(counsellor)


@workflow.defn
class BareChatWorkflow:
    """The path of a chat message without Relais' logic: a signal adds a line (the
    young person's or the counsellor's), a query reads the lines after a given one."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._closed = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._closed)

    @workflow.signal
    def write(self, line: str) -> None:
        self._lines.append(line)

    @workflow.signal
    def close(self) -> None:
        self._closed = True

    @workflow.query
    def lines_after(self, seen: int) -> list[str]:
        return self._lines[seen:]
