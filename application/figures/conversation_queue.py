"""The helpline's queue on the supervisor's dashboard: conversations waiting now and
the longest wait, counsellors available, conversations with a counsellor, and today's
waits (p50/p90) and abandoned; each figure with the Temporal Web UI query that lists
the same conversations of this helpline (the search attributes the conversation
workflows set, ``Helpline`` among them; the counsellors' figure opens the helpline's
queue workflow itself).

The figures are the queue workflow's own snapshot (``QUEUE_SNAPSHOT``, a query: what
it decides from, not a projection behind it). Before anyone of the helpline set a
presence today there is no queue: nothing waits, the figures are zeros; a queue that
does not answer in time shows as unknown rather than holding the page.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain import contract
from domain import search_attributes as sa
from domain.conversation import ConversationStatus
from domain.conversation_queue import QueueSnapshot

SNAPSHOT_TIMEOUT = 2.0
_S = sa.CONVERSATION_STATUS.name


def _statuses(*statuses: ConversationStatus) -> str:
    return f"{_S} IN ({', '.join(f'{chr(34)}{s.value}{chr(34)}' for s in statuses)})"


def _of(helpline: str) -> str:
    return f'{sa.HELPLINE.name} = "{helpline}"'


def waiting_query(helpline: str) -> str:
    statuses = _statuses(ConversationStatus.WAITING, ConversationStatus.OFFERED)
    return f"{_of(helpline)} AND {statuses}"


def active_query(helpline: str) -> str:
    statuses = _statuses(ConversationStatus.ACTIVE, ConversationStatus.WRAPPING_UP)
    return f"{_of(helpline)} AND {statuses}"


def queue_query(helpline: str) -> str:
    return f'WorkflowId = "{contract.HELPLINE_QUEUE.workflow_id(helpline)}"'


def answered_today_query(helpline: str, since: datetime) -> str:
    answered = _statuses(
        ConversationStatus.ACTIVE, ConversationStatus.WRAPPING_UP, ConversationStatus.ENDED
    )
    return f'{_of(helpline)} AND {answered} AND StartTime >= "{since.isoformat()}"'


def abandoned_today_query(helpline: str, since: datetime) -> str:
    abandoned = f'{_S} = "{ConversationStatus.ABANDONED.value}"'
    return f'{_of(helpline)} AND {abandoned} AND StartTime >= "{since.isoformat()}"'


@dataclass
class QueueBoard:
    known: bool = True  # False: the queue did not answer in time
    waiting: int = 0
    longest_wait_seconds: int = 0
    available: int = 0
    with_room: int = 0
    active: int = 0
    wait_p50_seconds: int | None = None
    wait_p90_seconds: int | None = None
    abandoned_today: int = 0
    since: datetime | None = None  # local midnight, for the "today" links


def local_midnight(now: datetime, timezone: str) -> datetime:
    zone = ZoneInfo(timezone)
    return datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)


async def queue_board(client: Client, helpline: str, now: datetime, timezone: str) -> QueueBoard:
    since = local_midnight(now, timezone)
    handle = client.get_workflow_handle(contract.HELPLINE_QUEUE.workflow_id(helpline))
    try:
        async with asyncio.timeout(SNAPSHOT_TIMEOUT):
            snapshot: QueueSnapshot = await handle.query(
                contract.QUEUE_SNAPSHOT.name, result_type=QueueSnapshot
            )
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return QueueBoard(since=since)  # nobody set a presence yet: no queue
        return QueueBoard(known=False, since=since)
    except Exception:
        return QueueBoard(known=False, since=since)
    return QueueBoard(
        waiting=len(snapshot.waiting),
        longest_wait_seconds=snapshot.longest_wait_seconds,
        available=snapshot.available,
        with_room=snapshot.with_room,
        active=sum(c.conversations for c in snapshot.counsellors),
        wait_p50_seconds=snapshot.today.wait_p50_seconds,
        wait_p90_seconds=snapshot.today.wait_p90_seconds,
        abandoned_today=snapshot.today.abandoned,
        since=since,
    )
