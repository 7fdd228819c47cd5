"""How a workflow refuses a request: one ``ApplicationError`` whose details are the
problems (``loc``, ``msg``, ``code``), so the API reports them as they are."""

from temporalio.exceptions import ApplicationError

from domain.problems import Problem

REJECTED = "RequestRejected"


def rejection(problems: list[Problem]) -> ApplicationError:
    return ApplicationError(
        "; ".join(p.msg for p in problems),
        [p.model_dump() for p in problems],
        type=REJECTED,
        non_retryable=True,
    )
