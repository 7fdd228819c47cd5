"""A conversation tells its helpline's queue where it stands.

Signal-with-start: the queue (``queue-<helpline>``) is started by the first
conversation that needs it, on the worker's own task queue, and signalled after
that; a retry sends the same standing again (the queue applies each version once).
"""

from temporalio import activity

from domain import contract
from domain.conversation_queue import TellQueueRequest


class QueueActivities:
    @activity.defn(name=contract.TELL_QUEUE.name)
    async def tell_queue(self, request: TellQueueRequest) -> None:
        await activity.client().start_workflow(
            contract.HELPLINE_QUEUE.name,
            request.queue,
            id=contract.HELPLINE_QUEUE.workflow_id(request.queue.helpline),
            task_queue=activity.info().task_queue,
            start_signal=contract.CONVERSATION_STANDING.name,
            start_signal_args=[request.standing],
        )
