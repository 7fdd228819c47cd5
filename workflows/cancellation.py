"""A cancel request the SDK let pass: taken up by the child workflows.

When a cancel request reaches a workflow while it awaits a signal it sends (a
child telling its case its news), the Python SDK tries to cancel the signal; once
the signal is already on its way it completes, and the cancellation is swallowed
(the task's cancel is undone, see ``_await_temporal_operation``; sdk-python #1445
is the same for child starts). The notice would then carry on as if nothing had
happened, and a case closing with ``force`` would wait for it for ever. Children
call :func:`raise_if_cancel_swallowed` right after each signal they send.
"""

import asyncio

from temporalio import workflow


def raise_if_cancel_swallowed() -> None:
    """Raise the cancellation the SDK swallowed, if the workflow was cancelled.

    Call it only outside the workflow's own cancellation handling (where the
    request was already taken up)."""
    if workflow.cancellation_reason() is not None:
        raise asyncio.CancelledError()
