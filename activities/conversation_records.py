"""A conversation's directory row, written as its workflow publishes it: idempotent
(an upsert ignored when older than what is stored), so Temporal may retry it."""

from temporalio import activity

from domain import contract
from domain.conversation_records import ConversationRecord
from relais.db.engine import Database
from relais.db.repositories.conversations import ConversationDirectory


class ConversationRecordActivities:
    def __init__(self, database: Database) -> None:
        self._directory = ConversationDirectory(database)

    @activity.defn(name=contract.RECORD_CONVERSATION.name)
    async def record_conversation(self, record: ConversationRecord) -> None:
        await self._directory.upsert(record)
