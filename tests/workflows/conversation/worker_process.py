"""A conversation worker in a process of its own, for the test that kills it:

    python -m tests.workflows.conversation.worker_process ADDRESS TASK_QUEUE DATABASE_URL

The real workflows, the fakes of ``support``, keys in the shared app database (so
what it seals the test's other worker opens). Prints "ready" once polling."""

import asyncio
import sys
from datetime import timedelta

from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import Database
from relais.settings import Settings
from relais.temporal_client import connect_client
from tests.workflows.conversation.support import ConversationFakes, conversation_worker


async def main(address: str, task_queue: str, database_url: str) -> None:
    settings = Settings(temporal_address=address)
    keys = DatabaseKeyStore(Database(database_url), MasterKeyring.from_settings(settings))
    client = await connect_client(settings, keys)
    # Killed, its cached workflows' next tasks go to the other worker after this long.
    worker = conversation_worker(
        client,
        ConversationFakes(),
        task_queue,
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=2),
    )
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
