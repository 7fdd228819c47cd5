"""Histories saved for the replay tests are stored with their payloads decoded:
the replayer of a later test run has none of the recording process's keys (and
the recordings hold only test data)."""

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory
from temporalio.converter import PayloadCodec


def _payloads(message: Message, found: list[Payload]) -> None:
    if isinstance(message, Payload):
        found.append(message)
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = value.values()
        elif field.is_repeated:
            values = value
        else:
            values = [value]
        for item in values:
            if isinstance(item, Message):
                _payloads(item, found)


async def decoded(history: WorkflowHistory, codec: PayloadCodec) -> WorkflowHistory:
    """A copy of ``history`` with every payload decoded by ``codec``."""
    events = [type(event)() for event in history.events]
    found: list[Payload] = []
    for copy, event in zip(events, history.events, strict=True):
        copy.CopyFrom(event)
        _payloads(copy, found)
    for payload, plain in zip(found, await codec.decode(found), strict=True):
        payload.CopyFrom(plain)
    return WorkflowHistory(history.workflow_id, events)
