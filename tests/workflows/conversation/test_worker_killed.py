"""Young people waiting survive a worker killed mid-way: two workers poll the task
queue, one (its own process) is killed with SIGKILL while conversations wait and
are offered; the other carries on. None is lost, none is answered by two
counsellors, no counsellor holds more than their capacity."""

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from domain import contract
from domain.conversation import ConversationStatus
from domain.conversation_desk import ConversationOutcome, CounsellorView, WrapUpRequest
from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring
from relais.db import Database
from relais.settings import Settings
from relais.temporal_client import connect_client
from tests.support.waiting import eventually
from tests.workflows.conversation.support import (
    ConversationFakes,
    Handle,
    Helpline,
    conversation_worker,
)

COUNSELLORS = [f"counsellor-{n}" for n in range(1, 5)]
CAPACITY = 2
YOUNG_PEOPLE = 12  # more than the 8 places: some wait while others are offered


@pytest.fixture
async def shared(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[tuple[Client, str]]:
    """A client whose keys are in an app database the killed worker shares."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'relais.db'}"
    database = Database(url)
    await database.create_schema()
    settings = Settings(temporal_address=time_skipping_env.client.service_client.config.target_host)
    keys = DatabaseKeyStore(database, MasterKeyring.from_settings(settings))
    yield await connect_client(settings, keys), url
    await database.dispose()


async def start_worker_process(
    address: str, task_queue: str, url: str
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.workflows.conversation.worker_process",
        address,
        task_queue,
        url,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    assert line.strip() == b"ready", line
    return process


async def test_a_worker_killed_while_conversations_wait_and_are_offered_loses_none(
    time_skipping_env: WorkflowEnvironment, shared: tuple[Client, str]
) -> None:
    client, url = shared
    task_queue = "conversations-killed-worker"
    address = client.service_client.config.target_host
    doomed = await start_worker_process(address, task_queue, url)
    helpline = Helpline(time_skipping_env, task_queue, client=client)
    try:
        for counsellor in COUNSELLORS:
            await helpline.presence(counsellor, capacity=CAPACITY)
        chats = [await helpline.open() for _ in range(YOUNG_PEOPLE // 2)]
        await helpline.queue_shows("offers made by the first worker", lambda s: _offered(s) == 6)
        async with conversation_worker(client, ConversationFakes(), task_queue):
            chats += [await helpline.open() for _ in range(YOUNG_PEOPLE // 2)]
            before = await helpline.queue_shows(
                "waiting and offered", lambda s: len(s.waiting) == YOUNG_PEOPLE and _offered(s) == 8
            )
            assert _offered(before) == len(COUNSELLORS) * CAPACITY
            doomed.kill()
            await doomed.wait()

            answered: dict[str, list[str]] = {}
            await eventually(
                lambda: _answer_a_round(helpline, chats, answered),
                lambda done: done == YOUNG_PEOPLE,
                what="every young person answered",
                within=120,
                interval=0.2,
            )
            assert all(len(by) == 1 for by in answered.values()), answered
            for chat in chats:
                view = await helpline.counsellor_view(chat)
                assert len(view.handled_by) == 1, view.handled_by
            after = await helpline.queue_shows(
                "all answered", lambda s: s.today.answered == YOUNG_PEOPLE
            )
            assert after.waiting == []
    finally:
        if doomed.returncode is None:
            doomed.kill()
            await doomed.wait()


def _offered(snapshot: object) -> int:
    return sum(1 for entry in snapshot.waiting if entry.offered_to)  # type: ignore[attr-defined]


async def _answer_a_round(
    helpline: Helpline, chats: list[Handle], answered: dict[str, list[str]]
) -> int:
    """Each counsellor wraps up what they hold, then accepts what is offered to them;
    returns how many young people have been answered."""
    for counsellor in COUNSELLORS:
        await helpline.heartbeat(counsellor)
        desk = await helpline.desk(counsellor)
        queue_offers = [o for o in desk.offers if o.kind.value == "queue"]
        assert len(desk.conversations) + len(queue_offers) <= CAPACITY, desk
        for conversation_id in desk.conversations:
            handle = helpline.conversation(conversation_id)
            view = await helpline.counsellor_view(handle)
            if view.status is ConversationStatus.ACTIVE:
                await handle.execute_update(
                    contract.WRAP_UP.name,
                    WrapUpRequest(actor=counsellor, outcome=ConversationOutcome.ADVICE_GIVEN),
                    result_type=CounsellorView,
                )
        for offer in queue_offers:
            try:
                await helpline.accept(counsellor, offer)
            except WorkflowUpdateFailedError:
                continue  # lapsed or withdrawn meanwhile: the queue offers it again
            answered.setdefault(offer.conversation_id, []).append(counsellor)
    return len(answered)
